/* test-badinput.c — the bad-input table of the library: every class of
 * unusable input, through every open call, and every offset-taking call
 * at the offsets and lengths that overflow.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Opening: one row per input class, one column per open call.  */

enum api
{
  API_RDONLY,           /* mmapio_open, each mode */
  API_RDWR,
  API_COW,
  API_EX_WINDOW,        /* mmapio_open_ex, windowed read-only */
  API_CREATE,           /* mmapio_create, 4 KiB (truncates) */
  API_OPEN_OR_CREATE,   /* mmapio_open_or_create, 4 KiB */
  N_API
};

static const char *const api_names[N_API] =
{
  "open RDONLY", "open RDWR", "open COW", "open_ex windowed", "create",
  "open_or_create"
};

#define SIZE_CREATED 4096

static int
call_api (enum api a, const char *path, mmapio_file **f)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  int created = -1;

  switch (a)
    {
    case API_RDONLY:
      return mmapio_open (f, path, MMAPIO_RDONLY, 0);
    case API_RDWR:
      return mmapio_open (f, path, MMAPIO_RDWR, 0);
    case API_COW:
      return mmapio_open (f, path, MMAPIO_COW, 0);
    case API_EX_WINDOW:
      o.window = 4096;
      return mmapio_open_ex (f, path, MMAPIO_RDONLY, &o);
    case API_CREATE:
      return mmapio_create (f, path, SIZE_CREATED, 0);
    case API_OPEN_OR_CREATE:
      return mmapio_open_or_create (f, path, SIZE_CREATED, 0, &created);
    case N_API:
    default:
      break;
    }
  g_assert_not_reached ();
}

/* What one class needs: a scratch directory, the path handed to the
 * calls, and whatever must stay open while they run.  */
struct ctx
{
  char *dir;
  char *path;
  int keep_fd;          /* a FIFO's writer, a bound socket */
  char saved[64];       /* contents to find unchanged afterwards */
  ssize_t saved_len;
};

typedef const char *(*setup_fn) (struct ctx *c);  /* NULL, or why skipped */
typedef void (*verify_fn) (struct ctx *c);        /* after every call */

struct bad_class
{
  const char *name;
  setup_fn setup;
  int expect[N_API];    /* 0, or the error every call must give */
  verify_fn verify;     /* may be NULL */
  gboolean unprivileged;  /* run as nobody (65534) when root */
};

static char *
in_dir (struct ctx *c, const char *name)
{
  return g_build_filename (c->dir, name, NULL);
}

static const char *
setup_missing (struct ctx *c)
{
  c->path = in_dir (c, "nosuch");
  return NULL;
}

static void
verify_missing_created (struct ctx *c)
{
  /* The creating calls made it with the size asked for; remove it so
   * that the next call meets a missing file again.  */
  struct stat st;
  if (stat (c->path, &st) == 0)
    {
      g_assert_cmpuint ((guint64) st.st_size, ==, SIZE_CREATED);
      g_assert_cmpint (unlink (c->path), ==, 0);
    }
}

static const char *
setup_missing_dir (struct ctx *c)
{
  c->path = in_dir (c, "nosuchdir/file");
  return NULL;
}

static void
verify_nothing_created (struct ctx *c)
{
  char *d = in_dir (c, "nosuchdir");
  g_assert_false (g_file_test (d, G_FILE_TEST_EXISTS));
  g_free (d);
}

static const char *
setup_directory (struct ctx *c)
{
  c->path = in_dir (c, "dir");
  g_assert_cmpint (mkdir (c->path, 0755), ==, 0);
  return NULL;
}

static void
verify_still_fifo (struct ctx *c)
{
  struct stat st;
  g_assert_cmpint (lstat (c->path, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
}

static const char *
setup_fifo (struct ctx *c)
{
  c->path = in_dir (c, "fifo");
  g_assert_cmpint (mkfifo (c->path, 0600), ==, 0);
  return NULL;
}

static void
verify_fifo_unread (struct ctx *c)
{
  /* The library never read what the writer put in the FIFO.  */
  char b[8];
  verify_still_fifo (c);
  g_assert_cmpint (read (c->keep_fd, b, sizeof b), ==, 3);
  g_assert_cmpmem (b, 3, "abc", 3);
  g_assert_cmpint (write (c->keep_fd, "abc", 3), ==, 3);
}

static const char *
setup_fifo_writer (struct ctx *c)
{
  setup_fifo (c);
  /* O_RDWR opens a FIFO without waiting (Linux), and holds a writer.  */
  c->keep_fd = open (c->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  g_assert_cmpint (c->keep_fd, >=, 0);
  g_assert_cmpint (write (c->keep_fd, "abc", 3), ==, 3);
  return NULL;
}

static const char *
setup_socket (struct ctx *c)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  c->path = in_dir (c, "sock");
  if (strlen (c->path) >= sizeof a.sun_path)
    return "the scratch directory's name is too long for a socket";
  strcpy (a.sun_path, c->path);
  c->keep_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (c->keep_fd, >=, 0);
  g_assert_cmpint (bind (c->keep_fd, (struct sockaddr *) &a, sizeof a), ==,
                   0);
  g_assert_cmpint (listen (c->keep_fd, 1), ==, 0);
  return NULL;
}

static void
verify_still_socket (struct ctx *c)
{
  struct stat st;
  g_assert_cmpint (lstat (c->path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
}

static ssize_t
slurp (const char *path, char *buf, size_t len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  ssize_t n = read (fd, buf, len);
  close (fd);
  return n;
}

static const char *
setup_proc (struct ctx *c)
{
  /* Size 0, contents readable, writable by its owner: even the calls
   * that open for writing get as far as the type check.  */
  c->path = g_strdup ("/proc/self/comm");
  struct stat st;
  if (stat (c->path, &st) != 0)
    return "no /proc";
  g_assert_cmpuint ((guint64) st.st_size, ==, 0);
  c->saved_len = slurp (c->path, c->saved, sizeof c->saved);
  g_assert_cmpint (c->saved_len, >, 0);
  return NULL;
}

static void
verify_unchanged (struct ctx *c)
{
  char now[sizeof c->saved];
  g_assert_cmpmem (now, slurp (c->path, now, sizeof now), c->saved,
                   c->saved_len);
}

static const char *
setup_sys (struct ctx *c)
{
  /* A read-only attribute (0444): sysfs says 4096 bytes and refuses
   * write opens, root's included, so that no call can write to it.  */
  static const char *const candidates[] = {
    "/sys/devices/system/cpu/online", "/sys/devices/system/cpu/possible",
    "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      struct stat st;
      if (stat (candidates[i], &st) == 0 && S_ISREG (st.st_mode)
          && (st.st_mode & 0222) == 0)
        {
          c->path = g_strdup (candidates[i]);
          c->saved_len = slurp (c->path, c->saved, sizeof c->saved);
          g_assert_cmpint (c->saved_len, >, 0);
          return NULL;
        }
    }
  return "no read-only sysfs attribute found";
}

static void
verify_still_chardev (struct ctx *c)
{
  struct stat st;
  g_assert_cmpint (lstat (c->path, &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

static const char *
setup_dev_null (struct ctx *c)
{
  c->path = g_strdup ("/dev/null");
  return access (c->path, R_OK | W_OK) == 0 ? NULL : "no usable /dev/null";
}

static const char *
setup_dev_zero (struct ctx *c)
{
  c->path = g_strdup ("/dev/zero");
  return access (c->path, R_OK | W_OK) == 0 ? NULL : "no usable /dev/zero";
}

static const char *
setup_empty (struct ctx *c)
{
  c->path = in_dir (c, "empty");
  g_assert_true (g_file_set_contents (c->path, "", 0, NULL));
  return NULL;
}

static void
verify_empty (struct ctx *c)
{
  /* mmapio_create truncated it to its size: empty it again.  */
  g_assert_cmpint (truncate (c->path, 0), ==, 0);
}

static const char *
setup_unreadable (struct ctx *c)
{
  c->path = tu_pattern_file (c->dir, "secret", 8192);
  g_assert_cmpint (chmod (c->path, 0), ==, 0);
  return NULL;
}

static void
verify_secret_intact (struct ctx *c)
{
  g_assert_cmpuint (tu_file_size (c->path), ==, 8192);
}

static const char *
setup_loop (struct ctx *c)
{
  c->path = in_dir (c, "a");
  char *b = in_dir (c, "b");
  g_assert_cmpint (symlink ("b", c->path), ==, 0);
  g_assert_cmpint (symlink ("a", b), ==, 0);
  g_free (b);
  return NULL;
}

static const char *
setup_dangling (struct ctx *c)
{
  c->path = in_dir (c, "link");
  g_assert_cmpint (symlink ("target", c->path), ==, 0);
  return NULL;
}

static void
verify_no_target (struct ctx *c)
{
  char *t = in_dir (c, "target");
  g_assert_false (g_file_test (t, G_FILE_TEST_EXISTS));
  g_free (t);
}

static const char *
setup_long_name (struct ctx *c)
{
  char *name = g_strnfill (NAME_MAX + 1, 'n');
  c->path = in_dir (c, name);
  g_free (name);
  return NULL;
}

static const char *
setup_long_path (struct ctx *c)
{
  /* Every component is short; the whole is longer than PATH_MAX.  */
  GString *s = g_string_new (c->dir);
  while (s->len <= PATH_MAX)
    g_string_append (s, "/.");
  g_string_append (s, "/file");
  c->path = g_string_free (s, FALSE);
  return NULL;
}

#define ALL(e) { e, e, e, e, e, e }

static const struct bad_class classes[] =
{
  { "missing", setup_missing, { -ENOENT, -ENOENT, -ENOENT, -ENOENT, 0, 0 },
    verify_missing_created, FALSE },
  { "missing-directory", setup_missing_dir, ALL (-ENOENT),
    verify_nothing_created, FALSE },
  { "directory", setup_directory, ALL (-EISDIR), NULL, FALSE },
  { "fifo", setup_fifo, ALL (-ENODEV), verify_still_fifo, FALSE },
  { "fifo-with-writer", setup_fifo_writer, ALL (-ENODEV),
    verify_fifo_unread, FALSE },
  { "socket", setup_socket, ALL (-ENXIO), verify_still_socket, FALSE },
  { "proc", setup_proc, ALL (-ENODEV), verify_unchanged, FALSE },
  { "sys", setup_sys,
    { -ENODEV, -EACCES, -ENODEV, -ENODEV, -EACCES, -EACCES },
    verify_unchanged, FALSE },
  { "dev-null", setup_dev_null, ALL (-ENODEV), verify_still_chardev, FALSE },
  { "dev-zero", setup_dev_zero, ALL (-ENODEV), verify_still_chardev, FALSE },
  { "empty", setup_empty, ALL (0), verify_empty, FALSE },
  { "unreadable", setup_unreadable, ALL (-EACCES), verify_secret_intact,
    TRUE },
  { "symlink-loop", setup_loop, ALL (-ELOOP), NULL, FALSE },
  { "dangling-symlink", setup_dangling, ALL (-ENOENT), verify_no_target,
    FALSE },
  { "name-too-long", setup_long_name, ALL (-ENAMETOOLONG), NULL, FALSE },
  { "path-too-long", setup_long_path, ALL (-ENAMETOOLONG), NULL, FALSE },
};

static void
run_class (const struct bad_class *bc, struct ctx *c)
{
  /* Every open of a FIFO or a socket must return at once: a hang would
   * otherwise stall the suite instead of failing it.  */
  alarm (60);
  for (int a = 0; a < N_API; a++)
    {
      mmapio_file *f = NULL;
      int r = call_api ((enum api) a, c->path, &f);
      if (r != bc->expect[a])
        g_error ("%s: %s: %d (%s), expected %d (%s)", bc->name, api_names[a],
                 r, mmapio_strerror (r), bc->expect[a],
                 mmapio_strerror (bc->expect[a]));
      if (r == 0)
        {
          g_assert_nonnull (f);
          g_assert_cmpstr (mmapio_path (f), ==, c->path);
          tu_assert_ok (mmapio_close (f));
        }
      else
        g_assert_null (f);
      if (bc->verify != NULL)
        bc->verify (c);
    }
  alarm (0);
}

static void
test_class (gconstpointer data)
{
  const struct bad_class *bc = data;
  struct ctx c = { .keep_fd = -1 };

  c.dir = tu_tmpdir ();
  /* Others (nobody) may go through it but not list it.  */
  g_assert_cmpint (chmod (c.dir, 0711), ==, 0);
  const char *skip = bc->setup (&c);
  if (skip != NULL)
    g_test_skip (skip);
  else if (bc->unprivileged && geteuid () == 0)
    {
      /* Root reads anything: a child gives up root for good and runs
       * the calls, the parent cleans up as root afterwards.  */
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          if (!tu_become_nobody ())
            _exit (77);
          run_class (bc, &c);
          _exit (0);
        }
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
        g_test_skip ("cannot become nobody (65534)");
      else
        {
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
        }
    }
  else if (bc->unprivileged && access (c.path, R_OK) == 0)
    g_test_skip ("this user can read a file of mode 000");
  else
    run_class (bc, &c);
  if (c.keep_fd >= 0)
    close (c.keep_fd);
  if (c.path != NULL && g_str_has_prefix (c.path, c.dir))
    {
      /* Only plain names in the directory are removed by
       * tu_tmpdir_free; the table's names are all plain.  */
      char *b = in_dir (&c, "b");
      unlink (b);
      g_free (b);
      rmdir (c.path);
    }
  g_free (c.path);
  tu_tmpdir_free (c.dir);
}

/* ------------------------------------------------------------------ */
/* Offsets: every offset-taking call, at offsets and lengths that are out
 * of bounds or whose sum overflows, and at the two empty ranges that are
 * in bounds.  */

#define SZ (3 * 4096)
#define BIG (UINT64_C (1) << 63)

enum { M_RDONLY = 1, M_RDWR = 2, M_COW = 4, M_WIN_RO = 8, M_WIN_RW = 16 };
#define M_MAPPED (M_RDONLY | M_RDWR | M_COW)
#define M_ANY (M_MAPPED | M_WIN_RO | M_WIN_RW)
#define M_WRITABLE (M_RDWR | M_COW | M_WIN_RW)

static unsigned char scratch[SZ];

static int
c_view (mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_view v;
  int r = mmapio_view_get (f, off, len, &v);
  if (r == 0)
    mmapio_view_release (&v);
  return r;
}

static int
c_view_mut (mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_view_mut v;
  int r = mmapio_view_get_mut (f, off, len, &v);
  if (r == 0)
    mmapio_view_mut_release (&v);
  return r;
}

/* A length the buffer cannot hold is never copied: the bounds check
 * fails first.  In bounds, only the lengths used here (0) are.  */
static int
c_read (mmapio_file *f, uint64_t off, uint64_t len)
{
  if (len > SIZE_MAX)
    len = SIZE_MAX;
  return mmapio_read (f, off, scratch, (size_t) len);
}

static int
c_write (mmapio_file *f, uint64_t off, uint64_t len)
{
  if (len > SIZE_MAX)
    len = SIZE_MAX;
  return mmapio_write (f, off, scratch, (size_t) len);
}

static int
c_mark_dirty (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_mark_dirty (f, off, len);
}

static int
c_flush_range (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_flush_range (f, off, len);
}

static int
c_flush_range_async (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_flush_range_async (f, off, len);
}

static int
c_advise (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_advise (f, off, len, MMAPIO_ADV_NORMAL);
}

static int
c_prefetch (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_prefetch (f, off, len);
}

static int
c_populate (mmapio_file *f, uint64_t off, uint64_t len)
{
  uint64_t pages = 99;
  int r = mmapio_populate (f, off, len, 0, &pages);
  if (r == 0 && len == 0)
    g_assert_cmpuint (pages, ==, 0);
  return r;
}

static int
c_residency (mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_residency_info ri;
  int r = mmapio_residency (f, off, len, &ri, NULL);
  if (r == 0 && len == 0)
    g_assert_cmpuint (ri.total, ==, 0);
  return r;
}

static int
c_evict (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_evict (f, off, len, 0, NULL);
}

static int
c_lock (mmapio_file *f, uint64_t off, uint64_t len)
{
  int r = mmapio_lock (f, off, len, 0);
  if (r == 0)
    tu_assert_ok (mmapio_unlock (f, off, len));
  return r;
}

static int
c_unlock (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_unlock (f, off, len);
}

static int
c_cursor (mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_cursor cur;
  const void *d;
  size_t n;
  int r = mmapio_cursor_init (&cur, f, off, len, 4096);
  if (r == 0)
    g_assert_cmpint (mmapio_cursor_next (&cur, &d, &n, NULL), ==, 0);
  mmapio_cursor_end (&cur);
  return r;
}

/* The descriptor calls: a length of 0 means "to the end of the file", so
 * their (off, 0) cases are the range [off, size).  */
static int
c_fd_residency (mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_residency_info ri;
  return mmapio_fd_residency (mmapio_fd (f), off, len, &ri);
}

static int
c_fd_evict (mmapio_file *f, uint64_t off, uint64_t len)
{
  return mmapio_fd_evict (mmapio_fd (f), off, len, 0, NULL);
}

struct off_call
{
  const char *name;
  int (*call) (mmapio_file *f, uint64_t off, uint64_t len);
  unsigned modes;       /* where the call applies */
};

static const struct off_call off_calls[] =
{
  { "view_get", c_view, M_MAPPED },
  { "view_get_mut", c_view_mut, M_RDWR | M_COW },
  { "read", c_read, M_ANY },
  { "write", c_write, M_WRITABLE },
  { "mark_dirty", c_mark_dirty, M_WRITABLE },
  { "flush_range", c_flush_range, M_ANY },
  { "flush_range_async", c_flush_range_async, M_ANY },
  { "advise", c_advise, M_MAPPED },
  { "prefetch", c_prefetch, M_ANY },
  { "populate", c_populate, M_MAPPED },
  { "residency", c_residency, M_ANY },
  { "evict", c_evict, M_ANY },
  { "lock", c_lock, M_MAPPED },
  { "unlock", c_unlock, M_MAPPED },
  { "cursor_init", c_cursor, M_MAPPED },
  { "fd_residency", c_fd_residency, M_ANY },
  { "fd_evict", c_fd_evict, M_ANY },
};

struct range
{
  uint64_t off, len;
  gboolean in_bounds;
};

static const struct range ranges[] =
{
  { 0, 0, TRUE },
  { SZ, 0, TRUE },
  { BIG, 0, FALSE },
  { UINT64_MAX, 0, FALSE },
  { BIG, 1, FALSE },
  { UINT64_MAX, 1, FALSE },
  { SZ + 1, 0, FALSE },
  { 0, SZ + 1, FALSE },
  { 0, BIG, FALSE },
  { 0, UINT64_MAX, FALSE },
  { 1, UINT64_MAX, FALSE },          /* off + len wraps to 0 */
  { BIG, BIG, FALSE },               /* off + len wraps to 0 */
  { UINT64_MAX, UINT64_MAX, FALSE },
  { SZ, UINT64_MAX - SZ + 1, FALSE }, /* wraps to exactly 0 */
};

static mmapio_file *
open_mode (const char *path, unsigned m)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  enum mmapio_mode mode = MMAPIO_RDONLY;
  mmapio_file *f = NULL;

  if (m & (M_RDWR | M_WIN_RW))
    mode = MMAPIO_RDWR;
  else if (m & M_COW)
    mode = MMAPIO_COW;
  if (m & (M_WIN_RO | M_WIN_RW))
    o.window = 4096;
  tu_assert_ok (mmapio_open_ex (&f, path, mode, &o));
  return f;
}

static void
test_offsets (gconstpointer data)
{
  const struct off_call *oc = data;
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", SZ);

  for (unsigned m = 1; m <= M_WIN_RW; m <<= 1)
    {
      if (!(oc->modes & m))
        continue;
      mmapio_file *f = open_mode (path, m);
      for (size_t i = 0; i < G_N_ELEMENTS (ranges); i++)
        {
          const struct range *rg = &ranges[i];
          int want = rg->in_bounds ? 0 : MMAPIO_E_BOUNDS;
          int r = oc->call (f, rg->off, rg->len);
          if (r != want)
            g_error ("%s, mode %u, off %" G_GUINT64_FORMAT ", len %"
                     G_GUINT64_FORMAT ": %d (%s), expected %d", oc->name, m,
                     rg->off, rg->len, r, mmapio_strerror (r), want);
        }
      /* Nothing moved: the file is whole and still the pattern.  */
      g_assert_cmpuint (mmapio_size (f), ==, SZ);
      tu_assert_ok (mmapio_close (f));
      g_assert_cmpuint (tu_file_size (path), ==, SZ);
    }
  unsigned char buf[SZ];
  tu_pread (path, 0, buf, SZ);
  tu_assert_pattern (buf, 0, SZ);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* The atomics take an offset and a count: alignment is checked before
 * bounds, and a count whose byte size overflows is out of bounds.  */
static void
test_offsets_atomics (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", SZ);
  static const unsigned modes[] = { M_RDWR, M_COW };

  for (size_t k = 0; k < G_N_ELEMENTS (modes); k++)
    {
      mmapio_file *f = open_mode (path, modes[k]);
      _Atomic uint64_t *p64;
      _Atomic uint32_t *p32;

      g_assert_cmpint (mmapio_atomic_u64 (f, BIG, &p64), ==, MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u64 (f, UINT64_MAX, &p64), ==,
                       MMAPIO_E_ALIGN);
      g_assert_cmpint (mmapio_atomic_u64 (f, UINT64_MAX - 7, &p64), ==,
                       MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u64 (f, SZ, &p64), ==, MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_atomic_u64 (f, SZ - 8, &p64));
      g_assert_cmpint (mmapio_atomic_u32 (f, BIG, &p32), ==, MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u32 (f, UINT64_MAX, &p32), ==,
                       MMAPIO_E_ALIGN);
      g_assert_cmpint (mmapio_atomic_u32 (f, UINT64_MAX - 3, &p32), ==,
                       MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u64_array (f, 0, 0, &p64), ==,
                       MMAPIO_E_EMPTY);
      g_assert_cmpint (mmapio_atomic_u64_array (f, BIG, 0, &p64), ==,
                       MMAPIO_E_EMPTY);
      /* 2^61 elements of 8 bytes: 2^64 bytes, which wraps to 0.  */
      g_assert_cmpint (mmapio_atomic_u64_array (f, 8, UINT64_C (1) << 61,
                                                &p64), ==, MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u64_array (f, 0, UINT64_MAX, &p64), ==,
                       MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u32_array (f, 4, UINT64_C (1) << 62,
                                                &p32), ==, MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_atomic_u32_array (f, 0, 0, &p32), ==,
                       MMAPIO_E_EMPTY);
      tu_assert_ok (mmapio_close (f));
    }
  g_free (path);
  tu_tmpdir_free (dir);
}

/* Resizing to the sizes an offset cannot reach is refused, and leaves the
 * file as it was.  */
static void
test_offsets_resize (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", SZ);
  mmapio_file *f = open_mode (path, M_RDWR);

  g_assert_cmpint (mmapio_resize (f, BIG), ==, -EFBIG);
  g_assert_cmpint (mmapio_resize (f, UINT64_MAX), ==, -EFBIG);
  g_assert_cmpuint (mmapio_size (f), ==, SZ);
  tu_assert_ok (mmapio_close (f));
  g_assert_cmpuint (tu_file_size (path), ==, SZ);

  mmapio_file *g = NULL;
  g_assert_cmpint (mmapio_create (&g, path, BIG, 0), ==, -EFBIG);
  g_assert_cmpint (mmapio_create (&g, path, UINT64_MAX, 0), ==, -EFBIG);
  g_assert_null (g);
  g_assert_cmpuint (tu_file_size (path), ==, SZ);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* ------------------------------------------------------------------ */
/* A file that changes size after it was opened (and mapped), through
 * another descriptor.  */

/* Reads the chunk, as a parser would, and counts the chunks read.  */
static int
chunk_count (const void *data, size_t len, uint64_t off, void *userdata)
{
  const volatile unsigned char *p = data;
  unsigned char first = p[0], last = p[len - 1];
  g_assert_cmpuint (first, ==, tu_byte (off));
  g_assert_cmpuint (last, ==, tu_byte (off + len - 1));
  (*(int *) userdata)++;
  return 0;
}

/* ThreadSanitizer's runtime does not hand a synchronous SIGBUS to the
 * program's handler: no recovery is possible there (see mmapio.h).  */
#if defined __SANITIZE_THREAD__
# define TSAN 1
#elif defined __has_feature
# if __has_feature (thread_sanitizer)
#  define TSAN 1
# endif
#endif
#ifndef TSAN
# define TSAN 0
#endif

static void
test_shrunk_after_open (void)
{
  if (TSAN)
    {
      g_test_skip ("no SIGBUS recovery under ThreadSanitizer");
      return;
    }
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", SZ);
  static const unsigned modes[] = { M_RDONLY, M_RDWR, M_COW, M_WIN_RO,
                                    M_WIN_RW };

  for (size_t k = 0; k < G_N_ELEMENTS (modes); k++)
    {
      unsigned m = modes[k];
      mmapio_file *f = open_mode (path, m);
      unsigned char buf[SZ];
      g_assert_cmpint (truncate (path, 4096), ==, 0);

      /* The handle still says the old size: what is left reads as
       * before, what is gone gives MMAPIO_E_SHRUNK, never SIGBUS.  */
      g_assert_cmpuint (mmapio_size (f), ==, SZ);
      tu_assert_ok (mmapio_read (f, 0, buf, 4096));
      tu_assert_pattern (buf, 0, 4096);
      g_assert_cmpint (mmapio_read (f, 0, buf, SZ), ==, MMAPIO_E_SHRUNK);
      g_assert_cmpint (mmapio_read (f, SZ - 1, buf, 1), ==, MMAPIO_E_SHRUNK);
      if (m & M_MAPPED)
        {
          int n = 0;
          g_assert_cmpint (mmapio_populate (f, 0, SZ, 0, NULL), ==,
                           MMAPIO_E_SHRUNK);
          g_assert_cmpint (mmapio_foreach_chunk (f, 4096, chunk_count, &n),
                           ==, MMAPIO_E_SHRUNK);
          g_assert_cmpint (n, ==, 1);
        }
      FILE *fp = NULL;
      tu_assert_ok (mmapio_fopen (f, "r", &fp));
      g_assert_cmpuint (fread (buf, 1, SZ, fp), <, SZ);
      g_assert_true (ferror (fp));
      fclose (fp);
      tu_assert_ok (mmapio_close (f));
      g_free (path);
      path = tu_pattern_file (dir, "f", SZ);
    }
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_grown_after_open (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", SZ);
  static const unsigned modes[] = { M_RDONLY, M_RDWR, M_COW, M_WIN_RO,
                                    M_WIN_RW };

  for (size_t k = 0; k < G_N_ELEMENTS (modes); k++)
    {
      mmapio_file *f = open_mode (path, modes[k]);
      unsigned char buf[8];
      int fd = open (path, O_WRONLY | O_CLOEXEC);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (pwrite (fd, "appended", 8, SZ), ==, 8);
      g_assert_cmpint (pwrite (fd, "new", 3, 0), ==, 3);
      close (fd);

      /* The mapping keeps the size it had: the bytes past it are out of
       * bounds, the bytes within it are the file's new ones.  */
      g_assert_cmpuint (mmapio_size (f), ==, SZ);
      g_assert_cmpint (mmapio_read (f, SZ, buf, 8), ==, MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_read (f, 0, buf, 3));
      g_assert_cmpmem (buf, 3, "new", 3);
      tu_assert_ok (mmapio_close (f));
      g_free (path);
      path = tu_pattern_file (dir, "f", SZ);
    }
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      char *name = g_strdup_printf ("/badinput/open/%s", classes[i].name);
      g_test_add_data_func (name, &classes[i], test_class);
      g_free (name);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (off_calls); i++)
    {
      char *name = g_strdup_printf ("/badinput/offsets/%s",
                                    off_calls[i].name);
      g_test_add_data_func (name, &off_calls[i], test_offsets);
      g_free (name);
    }
  g_test_add_func ("/badinput/offsets/atomics", test_offsets_atomics);
  g_test_add_func ("/badinput/offsets/resize-create", test_offsets_resize);
  g_test_add_func ("/badinput/size-change/shrunk-after-open",
                   test_shrunk_after_open);
  g_test_add_func ("/badinput/size-change/grown-after-open",
                   test_grown_after_open);

  return g_test_run ();
}
