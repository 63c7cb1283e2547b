/* test-faults.c — the library under hostile conditions: a file truncated
 * and regrown under every guarded call, a full filesystem, a writer
 * killed right after its flushes, and descriptor exhaustion.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))

/* ---- Truncation storm ------------------------------------------------- */

/* 16 pages of 4 KiB; a multiple of any page size up to 64 KiB.  */
#define STORM_SIZE (64u * 1024)
#define STORM_CYCLES 1000

/* Every byte read during the storm is the pattern or, between a regrowth
 * and the child's rewrite, zero: never anything else.  */
static void
assert_pattern_or_zero (const unsigned char *b, uint64_t off, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (b[i] != tu_byte (off + i) && b[i] != 0)
      g_error ("byte %" G_GUINT64_FORMAT " is 0x%02x", off + i, b[i]);
}

static int
storm_chunk_cb (const void *data, size_t len, uint64_t off, void *userdata)
{
  (void) userdata;
  assert_pattern_or_zero (data, off, len);
  return 0;
}

/* Atomic loads through the pointers of mmapio_atomic_u64_array() are raw
 * memory accesses; inside a walk's callback they are guarded.  */
struct atomic_walk
{
  _Atomic uint64_t *words;
  uint64_t sum;
};

static int
storm_atomic_cb (const void *data, size_t len, uint64_t off, void *userdata)
{
  struct atomic_walk *w = userdata;
  (void) data;
  for (uint64_t i = off / 8; i < (off + len) / 8; i++)
    w->sum += atomic_load (&w->words[i]);
  return 0;
}

/* One kind of call in the storm: how often it succeeded or met the
 * truncation.  */
enum storm_op
{
  OP_READ, OP_READ_COW, OP_READ_WINDOW, OP_WALK, OP_ATOMICS, OP_CURSOR,
  OP_POPULATE, OP_POPULATE_WRITE, OP_POPULATE_MADVISE, OP_STREAM,
  OP_WRITE, OP_WRITE_COW, OP_FLUSH_RANGE, OP_FLUSH, OP_COUNT
};

static const char *const storm_names[OP_COUNT] = {
  "read", "read (COW)", "read (windowed)", "foreach_chunk", "atomic loads",
  "cursor", "populate", "populate write", "populate (madvise)",
  "stream read", "write", "write (COW)", "flush_range", "flush"
};

struct storm
{
  mmapio_file *ro, *rw, *cow, *win, *huge;
  FILE *stream;
  _Atomic uint64_t *words;
  unsigned long ok[OP_COUNT], shrunk[OP_COUNT];
  unsigned char buf[STORM_SIZE];
};

static void
storm_count (struct storm *s, enum storm_op op, int r)
{
  if (r == MMAPIO_E_SHRUNK)
    s->shrunk[op]++;
  else
    {
      if (r != 0)
        g_error ("%s: %s (%d)", storm_names[op], mmapio_strerror (r), r);
      s->ok[op]++;
    }
}

static void
storm_round (struct storm *s, GRand *rand)
{
  uint64_t off = (uint64_t) g_rand_int_range (rand, 0, STORM_SIZE);
  size_t len = (size_t) g_rand_int_range (rand, 1, STORM_SIZE + 1);
  if (len > STORM_SIZE - off)
    len = (size_t) (STORM_SIZE - off);
  int r;

  r = mmapio_read (s->ro, off, s->buf, len);
  if (r == 0)
    assert_pattern_or_zero (s->buf, off, len);
  storm_count (s, OP_READ, r);

  r = mmapio_read (s->cow, off, s->buf, len);
  if (r == 0)
    assert_pattern_or_zero (s->buf, off, len);
  storm_count (s, OP_READ_COW, r);

  r = mmapio_read (s->win, off, s->buf, len);
  if (r == 0)
    assert_pattern_or_zero (s->buf, off, len);
  storm_count (s, OP_READ_WINDOW, r);

  storm_count (s, OP_WALK, mmapio_foreach_chunk (s->ro, 3 * PAGE,
                                                 storm_chunk_cb, NULL));

  struct atomic_walk aw = { s->words, 0 };
  storm_count (s, OP_ATOMICS, mmapio_foreach_chunk (s->rw, PAGE,
                                                    storm_atomic_cb, &aw));

  /* The cursor's chunks are raw memory once handed out: only the calls
   * are exercised, not the bytes.  */
  mmapio_cursor c;
  const void *data;
  size_t clen;
  tu_assert_ok (mmapio_cursor_init (&c, s->ro, 0, STORM_SIZE, 2 * PAGE));
  while ((r = mmapio_cursor_next (&c, &data, &clen, NULL)) == 1)
    ;
  mmapio_cursor_end (&c);
  storm_count (s, OP_CURSOR, r);

  storm_count (s, OP_POPULATE, mmapio_populate (s->ro, off, len, 0, NULL));
  storm_count (s, OP_POPULATE_WRITE,
               mmapio_populate (s->rw, off, len, MMAPIO_POPULATE_WRITE,
                                NULL));
  storm_count (s, OP_POPULATE_MADVISE,
               mmapio_populate (s->huge, off, len, 0, NULL));

  /* A stream reports the truncation as a read error with EIO.  */
  g_assert_cmpint (fseek (s->stream, (long) off, SEEK_SET), ==, 0);
  size_t got = fread (s->buf, 1, len, s->stream);
  if (got == len)
    {
      assert_pattern_or_zero (s->buf, off, len);
      storm_count (s, OP_STREAM, 0);
    }
  else
    {
      g_assert_true (ferror (s->stream));
      g_assert_cmpint (errno, ==, EIO);
      clearerr (s->stream);
      storm_count (s, OP_STREAM, MMAPIO_E_SHRUNK);
    }

  /* Writes put the pattern back: readers may see it at any time.  */
  for (size_t i = 0; i < len; i++)
    s->buf[i] = tu_byte (off + i);
  storm_count (s, OP_WRITE, mmapio_write (s->rw, off, s->buf, len));
  storm_count (s, OP_WRITE_COW, mmapio_write (s->cow, off, s->buf, len));
  /* msync of pages past the end of the file is not an error.  */
  storm_count (s, OP_FLUSH_RANGE, mmapio_flush_range (s->rw, off, len));
  storm_count (s, OP_FLUSH, mmapio_flush (s->rw));
}

static void
test_truncation_storm (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", STORM_SIZE);
  struct storm *s = g_new0 (struct storm, 1);
  int tick[2];

  g_assert_cmpint (pipe (tick), ==, 0);
  /* Forked before anything is mapped (see test-sigbus.c).  */
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      static unsigned char pattern[STORM_SIZE];
      char t;
      int fd = open (path, O_RDWR | O_CLOEXEC);
      if (fd < 0)
        _exit (11);
      close (tick[1]);
      for (size_t i = 0; i < STORM_SIZE; i++)
        pattern[i] = tu_byte (i);
      /* One cycle per round of the parent's calls, so that each cycle
       * lands somewhere among them.  */
      for (unsigned i = 0; i < STORM_CYCLES; i++)
        {
          if (read (tick[0], &t, 1) != 1)
            _exit (12);
          off_t cut = (off_t) ((i * 7919u) % STORM_SIZE);
          if (ftruncate (fd, cut) < 0)
            _exit (13);
          sched_yield ();
          if (ftruncate (fd, STORM_SIZE) < 0)
            _exit (14);
          if (i % 2 == 0
              && pwrite (fd, pattern, STORM_SIZE, 0) != (ssize_t) STORM_SIZE)
            _exit (15);
        }
      _exit (0);
    }
  close (tick[0]);

  mmapio_options wo = MMAPIO_OPTIONS_INIT;
  wo.window = 4 * PAGE;
  tu_assert_ok (mmapio_open (&s->ro, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_open (&s->rw, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_open (&s->cow, path, MMAPIO_COW, 0));
  tu_assert_ok (mmapio_open_ex (&s->win, path, MMAPIO_RDONLY, &wo));
  tu_assert_ok (mmapio_open (&s->huge, path, MMAPIO_RDONLY,
                             MMAPIO_OPEN_HUGEPAGE));
  tu_assert_ok (mmapio_fopen (s->ro, "r", &s->stream));
  tu_assert_ok (mmapio_atomic_u64_array (s->rw, 0, STORM_SIZE / 8,
                                         &s->words));

  GRand *rand = g_rand_new_with_seed (20261126);
  unsigned rounds = 0;
  int status = 0;
  for (;;)
    {
      pid_t w = waitpid (pid, &status, WNOHANG);
      g_assert_cmpint (w, >=, 0);
      if (w == pid)
        break;
      storm_round (s, rand);
      if (rounds++ < STORM_CYCLES)
        g_assert_cmpint (write (tick[1], "t", 1), ==, 1);
    }
  close (tick[1]);
  g_assert_true (WIFEXITED (status));
  /* 1 is what valgrind's --error-exitcode may turn a clean exit into.  */
  g_assert_cmpint (WEXITSTATUS (status), <=, 1);
  g_assert_cmpuint (rounds, >=, STORM_CYCLES);

  unsigned long shrunk = 0;
  for (int op = 0; op < OP_COUNT; op++)
    {
      g_test_message ("%s: %lu succeeded, %lu met a truncation",
                      storm_names[op], s->ok[op], s->shrunk[op]);
      shrunk += s->shrunk[op];
    }
  g_test_message ("%u rounds, %lu truncations caught", rounds, shrunk);

  /* The file is whole again: everything works and reads the pattern
   * (the last cycle of the child may have left zeros, the storm's own
   * writes put the pattern back in part; rewrite it all).  */
  for (size_t i = 0; i < STORM_SIZE; i++)
    s->buf[i] = tu_byte (i);
  tu_assert_ok (mmapio_write (s->rw, 0, s->buf, STORM_SIZE));
  tu_assert_ok (mmapio_flush (s->rw));
  memset (s->buf, 0, STORM_SIZE);
  tu_assert_ok (mmapio_read (s->ro, 0, s->buf, STORM_SIZE));
  tu_assert_pattern (s->buf, 0, STORM_SIZE);

  g_rand_free (rand);
  g_assert_cmpint (fclose (s->stream), ==, 0);
  tu_assert_ok (mmapio_close (s->huge));
  tu_assert_ok (mmapio_close (s->win));
  tu_assert_ok (mmapio_close (s->cow));
  tu_assert_ok (mmapio_close (s->rw));
  tu_assert_ok (mmapio_close (s->ro));
  g_free (s);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* ---- Full filesystem -------------------------------------------------- */

#define TMPFS_SIZE (1024u * 1024)

/* Mount a 1 MiB tmpfs at 'mnt' in a mount namespace of this process's
 * own, so that nothing is left mounted if the test dies.  Returns 0 or an
 * errno value.  */
static int
private_tmpfs (const char *mnt)
{
  if (unshare (CLONE_NEWNS) < 0)
    return errno;
  /* Keep the mount from propagating back to the parent namespace.  */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return errno;
  if (mount ("mmapio-test", mnt, "tmpfs", MS_NOSUID | MS_NODEV,
             "size=1m,mode=0700") < 0)
    return errno;
  return 0;
}

/* Whether a full-disk test can run here: root, and a mount namespace and
 * tmpfs mount allowed (not in every container).  NULL when it can, else
 * the reason.  */
static const char *
full_disk_unavailable (const char *dir)
{
  if (geteuid () != 0)
    return "mounting a small tmpfs needs root";
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (private_tmpfs (dir) == 0 ? 0 : 1);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return "cannot mount a tmpfs in a private mount namespace here";
  return NULL;
}

/* Write every byte of [from, to) of a handle (pattern), then flush: the
 * blocks were allocated, so a full filesystem cannot fault here.  */
static void
fill_range (mmapio_file *f, uint64_t from, uint64_t to)
{
  unsigned char *b = g_malloc (to - from);
  for (uint64_t i = from; i < to; i++)
    b[i - from] = tu_byte (i);
  tu_assert_ok (mmapio_write (f, from, b, (size_t) (to - from)));
  tu_assert_ok (mmapio_flush (f));
  g_free (b);
}

static void
full_disk_checks (const char *mnt)
{
  mmapio_file *f = NULL;
  int created = -1;
  char *big = g_build_filename (mnt, "big", NULL);

  /* Larger than the filesystem: refused, and no file is left.  */
  g_assert_cmpint (mmapio_create (&f, big, 2 * TMPFS_SIZE, 0), ==, -ENOSPC);
  g_assert_null (f);
  g_assert_cmpint (mmapio_open_or_create (&f, big, 2 * TMPFS_SIZE, 0,
                                          &created), ==, -ENOSPC);
  g_assert_null (f);
  g_assert_cmpint (created, ==, -1);
  g_assert_cmpuint (tu_count_entries (mnt), ==, 0);

  /* Grown past the filesystem's size: refused, the size unchanged in the
   * handle and in the file, and what was written stays.  */
  char *grow = g_build_filename (mnt, "grow", NULL);
  tu_assert_ok (mmapio_create (&f, grow, 64 * 1024, 0));
  fill_range (f, 0, 64 * 1024);
  g_assert_cmpint (mmapio_resize (f, 2 * TMPFS_SIZE), ==, -ENOSPC);
  g_assert_cmpuint (mmapio_size (f), ==, 64 * 1024);
  g_assert_cmpuint (tu_file_size (grow), ==, 64 * 1024);

  /* Grown step by step until the filesystem is full: every step that
   * succeeded can be written in full.  */
  uint64_t size = 64 * 1024;
  int r;
  while ((r = mmapio_resize (f, size + 64 * 1024)) == 0)
    {
      fill_range (f, size, size + 64 * 1024);
      size += 64 * 1024;
    }
  g_assert_cmpint (r, ==, -ENOSPC);
  g_assert_cmpuint (size, <=, TMPFS_SIZE);
  g_assert_cmpuint (mmapio_size (f), ==, size);
  g_assert_cmpuint (tu_file_size (grow), ==, size);
  g_test_message ("filled to %" G_GUINT64_FORMAT " bytes", size);

  /* Full: even a page cannot be created, and no file is left.  */
  char *more = g_build_filename (mnt, "more", NULL);
  mmapio_file *g = NULL;
  g_assert_cmpint (mmapio_create (&g, more, 64 * 1024, 0), ==, -ENOSPC);
  g_assert_null (g);
  g_assert_cmpuint (tu_count_entries (mnt), ==, 1);

  /* Writes and flushes of the allocated blocks still work, and nothing
   * was lost.  */
  fill_range (f, 0, size);
  tu_assert_ok (mmapio_close (f));
  unsigned char *back = g_malloc (size);
  tu_pread (grow, 0, back, size);
  tu_assert_pattern (back, 0, size);
  g_free (back);

  /* Space freed: creation works again.  */
  g_assert_cmpint (unlink (grow), ==, 0);
  tu_assert_ok (mmapio_create (&g, more, 64 * 1024, 0));
  fill_range (g, 0, 64 * 1024);
  tu_assert_ok (mmapio_close (g));

  g_free (more);
  g_free (grow);
  g_free (big);
}

static void
test_full_disk (void)
{
  char *dir = tu_tmpdir ();
  char *mnt = g_build_filename (dir, "mnt", NULL);
  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);

  const char *why = full_disk_unavailable (mnt);
  if (why != NULL)
    g_test_skip (why);
  else
    {
      /* In a child: the namespace and the mount die with it.  A failed
       * assertion aborts the child, which the status shows.  */
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          if (private_tmpfs (mnt) != 0)
            _exit (3);
          full_disk_checks (mnt);
          _exit (0);
        }
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFSIGNALED (status))
        g_error ("the full-disk checks died of signal %d", WTERMSIG (status));
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      /* Nothing of it is visible outside the namespace.  */
      g_assert_cmpuint (tu_count_entries (mnt), ==, 0);
    }
  g_assert_cmpint (g_rmdir (mnt), ==, 0);
  g_free (mnt);
  tu_tmpdir_free (dir);
}

/* ---- Crash after flush ------------------------------------------------ */

#define REC_SIZE 64u
#define RECORDS 1024u
#define CRASHES 100
/* The child is killed after at most this many records were reported. */
#define CRASH_MAX_REPORTED 16

enum crash_way { CRASH_FLUSH, CRASH_FLUSH_RANGE, CRASH_ALWAYS,
                 CRASH_EVERY_WRITES, CRASH_WAYS };

static void
make_record (unsigned char *rec, uint32_t n, unsigned run)
{
  for (unsigned i = 0; i < REC_SIZE; i++)
    rec[i] = tu_byte ((uint64_t) n * REC_SIZE + i + run);
  memcpy (rec, &n, sizeof n);
}

/* The child: write records in order, make them durable the way 'way'
 * says, and report each durable record's number on 'fd'.  Never
 * returns.  */
static void G_GNUC_NORETURN
crash_child (const char *path, enum crash_way way, unsigned run, int fd)
{
  mmapio_file *f;
  unsigned char rec[REC_SIZE];

  if (mmapio_open (&f, path, MMAPIO_RDWR, 0) != 0)
    _exit (20);
  if (way == CRASH_ALWAYS
      && mmapio_set_flush_policy (f, MMAPIO_FLUSH_ALWAYS, 0) != 0)
    _exit (21);
  if (way == CRASH_EVERY_WRITES
      && mmapio_set_flush_policy (f, MMAPIO_FLUSH_EVERY_WRITES, 3) != 0)
    _exit (21);
  for (uint32_t n = 0; n < RECORDS; n++)
    {
      make_record (rec, n, run);
      if (mmapio_write (f, (uint64_t) n * REC_SIZE, rec, REC_SIZE) != 0)
        _exit (22);
      int r = 0;
      uint32_t upto = n + 1;
      switch (way)
        {
        case CRASH_FLUSH:
          r = mmapio_flush (f);
          break;
        case CRASH_FLUSH_RANGE:
          r = mmapio_flush_range (f, (uint64_t) n * REC_SIZE, REC_SIZE);
          break;
        case CRASH_ALWAYS:
          break;
        case CRASH_EVERY_WRITES:
          /* The third write of each three flushed them all.  */
          if (upto % 3 != 0)
            continue;
          break;
        default:
          _exit (23);
        }
      if (r != 0)
        _exit (24);
      if (write (fd, &upto, sizeof upto) != sizeof upto)
        _exit (25);
    }
  /* Wait for the kill.  */
  for (;;)
    pause ();
}

static void
test_crash_after_flush (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "log", NULL);
  GRand *rand = g_rand_new_with_seed (1126);
  unsigned long reported_total = 0;

  for (unsigned run = 0; run < CRASHES; run++)
    {
      enum crash_way way = run % CRASH_WAYS;
      int rep[2];
      mmapio_file *f;

      /* A fresh file of zeros each run.  */
      tu_assert_ok (mmapio_create (&f, path, (uint64_t) RECORDS * REC_SIZE,
                                   0));
      tu_assert_ok (mmapio_close (f));
      g_assert_cmpint (pipe (rep), ==, 0);
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (rep[0]);
          crash_child (path, way, run, rep[1]);
        }
      close (rep[1]);

      /* Kill it somewhere after the n-th report: the child runs on
       * meanwhile, so the kill lands at a point of its own.  */
      unsigned want = (unsigned) g_rand_int_range (rand, 1,
                                                   CRASH_MAX_REPORTED + 1);
      uint32_t reported = 0, upto;
      for (unsigned i = 0; i < want; i++)
        {
          ssize_t n = read (rep[0], &upto, sizeof upto);
          g_assert_cmpint (n, ==, sizeof upto);
          reported = upto;
        }
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      /* Reports written before the kill count too.  */
      while (read (rep[0], &upto, sizeof upto) == sizeof upto)
        reported = upto;
      close (rep[0]);
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      /* Every record reported durable is in the file, whole.  */
      unsigned char *back = g_malloc ((size_t) reported * REC_SIZE + 1);
      unsigned char rec[REC_SIZE];
      tu_pread (path, 0, back, (size_t) reported * REC_SIZE);
      for (uint32_t n = 0; n < reported; n++)
        {
          make_record (rec, n, run);
          if (memcmp (back + (size_t) n * REC_SIZE, rec, REC_SIZE) != 0)
            g_error ("run %u: record %u of %u reported durable is not in "
                     "the file", run, n, reported);
        }
      g_free (back);
      reported_total += reported;
      g_assert_cmpint (unlink (path), ==, 0);
    }
  g_test_message ("%d children killed, %lu records checked", CRASHES,
                  reported_total);
  g_rand_free (rand);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* ---- Descriptor exhaustion -------------------------------------------- */

/* The set of open descriptors, as a string "0 1 2 ...", and the highest
 * one.  */
static char *
open_fds (int *ret_max)
{
  GString *s = g_string_new (NULL);
  int max = -1;
  for (int fd = 0; fd < 1024; fd++)
    if (fcntl (fd, F_GETFD) >= 0)
      {
        g_string_append_printf (s, "%d ", fd);
        max = fd;
      }
  if (ret_max != NULL)
    *ret_max = max;
  return g_string_free (s, FALSE);
}

static void
set_nofile (rlim_t soft)
{
  struct rlimit rl;
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &rl), ==, 0);
  rl.rlim_cur = soft;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &rl), ==, 0);
}

static void
watch_cb (mmapio_file *f, unsigned events, void *userdata)
{
  (void) f;
  (void) events;
  (void) userdata;
}

/* Each call that needs descriptors, at a limit: the result is success or
 * -EMFILE, and with the limit restored, no descriptor and no file is
 * left behind by a failure.  Returns how many calls failed.  */
static unsigned
calls_at_limit (const char *dir, const char *src, rlim_t limit,
                rlim_t normal)
{
  char *created = g_build_filename (dir, "created", NULL);
  char *copy = g_build_filename (dir, "copy", NULL);
  unsigned failed = 0;
  int r;

  for (int call = 0; call < 7; call++)
    {
      int maxfd;
      char *before = open_fds (&maxfd);
      unsigned entries = tu_count_entries (dir);
      mmapio_file *f = NULL, *h = NULL;
      mmapio_watch *w = NULL;
      int fd = -1;

      if (call == 3 || call == 4)
        {
          /* The calls on a handle need one opened first.  */
          tu_assert_ok (mmapio_open (&h, src, MMAPIO_RDONLY, 0));
          g_free (before);
          before = open_fds (&maxfd);
        }
      if (call == 6)
        fd = open (src, O_RDONLY | O_CLOEXEC);
      set_nofile (limit);
      switch (call)
        {
        case 0:
          r = mmapio_open (&f, src, MMAPIO_RDWR, 0);
          break;
        case 1:
          r = mmapio_create (&f, created, 3 * PAGE, 0);
          break;
        case 2:
          r = mmapio_copy_file (src, copy, 0);
          break;
        case 3:
          r = mmapio_watch_start (&w, h, MMAPIO_WATCH_ALL, watch_cb, NULL);
          break;
        case 4:
          r = mmapio_watch_open (&w, h, MMAPIO_WATCH_ALL, watch_cb, NULL);
          break;
        case 5:
          r = mmapio_open_or_create (&f, created, 2 * PAGE, 0, NULL);
          break;
        default:
          r = mmapio_open_fd (&f, fd, "by fd", MMAPIO_RDONLY, 0);
          break;
        }
      set_nofile (normal);
      if (fd >= 0)
        close (fd);
      if (r != 0)
        {
          if (r != -EMFILE)
            g_error ("call %d at limit %lu: %s", call, (unsigned long) limit,
                     mmapio_strerror (r));
          failed++;
          g_assert_null (f);
          g_assert_null (w);
          char *after = open_fds (NULL);
          g_assert_cmpstr (after, ==, before);
          g_free (after);
          g_assert_cmpuint (tu_count_entries (dir), ==, entries);
        }
      tu_assert_ok (mmapio_watch_stop (w));
      tu_assert_ok (mmapio_close (f));
      tu_assert_ok (mmapio_close (h));
      g_unlink (created);
      g_unlink (copy);
      g_free (before);
    }
  g_free (copy);
  g_free (created);
  return failed;
}

static void
test_fd_exhaustion (void)
{
  if (g_test_subprocess ())
    {
      char *dir = tu_tmpdir ();
      char *src = tu_pattern_file (dir, "src", 5 * PAGE);
      struct rlimit rl;
      int maxfd;

      g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &rl), ==, 0);
      rlim_t normal = rl.rlim_cur;
      char *fds = open_fds (&maxfd);
      int nfds = 0;
      for (const char *c = fds; *c; c++)
        nfds += *c == ' ';
      gboolean gaps = nfds != maxfd + 1;
      g_free (fds);
      /* From no descriptor free to enough for every call.  With none
       * free, every call fails.  */
      unsigned failed = calls_at_limit (dir, src, (rlim_t) maxfd + 1,
                                        normal);
      if (!gaps)
        g_assert_cmpuint (failed, ==, 7);
      for (rlim_t extra = 2; extra < 8; extra++)
        failed += calls_at_limit (dir, src, (rlim_t) maxfd + extra, normal);
      g_test_message ("%u calls failed with EMFILE", failed);
      /* With the limit raised again every call works.  */
      g_assert_cmpuint (calls_at_limit (dir, src, normal, normal), ==, 0);
      g_free (src);
      tu_tmpdir_free (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/faults/truncation-storm", test_truncation_storm);
  g_test_add_func ("/faults/full-disk", test_full_disk);
  g_test_add_func ("/faults/crash-after-flush", test_crash_after_flush);
  g_test_add_func ("/faults/fd-exhaustion", test_fd_exhaustion);

  return g_test_run ();
}
