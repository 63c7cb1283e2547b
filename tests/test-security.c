/* test-security.c — created files honour the umask, and no descriptor of
 * the library survives an exec.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* The umask: every way the library creates a file, under 022 and 077.  */

static mode_t
mode_of (const char *path)
{
  struct stat st;
  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* How one call creates a file at PATH (absent before).  */
typedef void (*create_fn) (const char *dir, const char *path);

static void
by_create (const char *dir, const char *path)
{
  (void) dir;
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_create (&f, path, 4096, 0));
  tu_assert_ok (mmapio_close (f));
}

static void
by_create_empty (const char *dir, const char *path)
{
  (void) dir;
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_create (&f, path, 0, 0));
  tu_assert_ok (mmapio_close (f));
}

/* With a size, open_or_create makes the file nameless (O_TMPFILE) and
 * links it in; without one, it uses O_EXCL: both paths are tried.  */
static void
by_open_or_create (const char *dir, const char *path)
{
  (void) dir;
  mmapio_file *f = NULL;
  int created = 0;
  tu_assert_ok (mmapio_open_or_create (&f, path, 8192, 0, &created));
  g_assert_cmpint (created, ==, 1);
  tu_assert_ok (mmapio_close (f));
}

static void
by_open_or_create_empty (const char *dir, const char *path)
{
  (void) dir;
  mmapio_file *f = NULL;
  int created = 0;
  tu_assert_ok (mmapio_open_or_create (&f, path, 0, 0, &created));
  g_assert_cmpint (created, ==, 1);
  tu_assert_ok (mmapio_close (f));
}

static void
by_copy_file (const char *dir, const char *path)
{
  char *src = tu_pattern_file (dir, "src", 10000);
  g_assert_cmpint (chmod (src, 0666), ==, 0);
  tu_assert_ok (mmapio_copy_file (src, path, 0));
  g_unlink (src);
  g_free (src);
}

static void
by_copy_file_rw (const char *dir, const char *path)
{
  /* The read/write fallback and its named temporary file.  */
  g_setenv ("MMAPIO_FORCE_RW_COPY", "1", TRUE);
  by_copy_file (dir, path);
  g_unsetenv ("MMAPIO_FORCE_RW_COPY");
}

struct creator
{
  const char *name;
  create_fn fn;
};

static const struct creator creators[] =
{
  { "create", by_create },
  { "create-empty", by_create_empty },
  { "open-or-create", by_open_or_create },
  { "open-or-create-empty", by_open_or_create_empty },
  { "copy-file", by_copy_file },
  { "copy-file-rw", by_copy_file_rw },
};

static void
test_umask (gconstpointer data)
{
  const struct creator *c = data;
  static const mode_t masks[] = { 022, 077, 0 };
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      mode_t old = umask (masks[i]);
      c->fn (dir, path);
      umask (old);
      g_assert_cmpint (mode_of (path), ==, 0666 & ~masks[i]);
      g_assert_cmpint (unlink (path), ==, 0);
    }
  g_free (path);
  tu_tmpdir_free (dir);
}

/* An explicit permission is narrowed by the umask too, never widened.  */
static void
test_umask_perm (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f = NULL;

  o.create = 1;
  o.size = 4096;
  o.perm = 0660;
  mode_t old = umask (077);
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o));
  umask (old);
  tu_assert_ok (mmapio_close (f));
  g_assert_cmpint (mode_of (path), ==, 0600);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* ------------------------------------------------------------------ */
/* Close-on-exec: with handles of every kind open, a watch with its
 * thread, a pollable watch, a flusher thread and a stream, a program
 * exec'd from here has only its standard descriptors.  */

/* The helper: this program, run again with this argument, prints the
 * descriptors it has, but the one it reads them through.  */
#define LIST_FDS "--list-fds"

static int
list_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return 2;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.' && atoi (e->d_name) != dirfd (d))
      printf ("%s\n", e->d_name);
  closedir (d);
  return 0;
}

/* Run the helper (fork and exec, nothing closed on the way) and return
 * the descriptors it saw, sorted, one per line.  */
static char *
exec_and_list (void)
{
  /* The path is read before the fork: a tool that runs the test (such
   * as valgrind) answers for its client here, not in an exec.  */
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self);
  int p[2];
  g_assert_cmpint (pipe2 (p, O_CLOEXEC), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* dup2 clears close-on-exec on the copy, as a shell's redirection
       * would.  Only async-signal-safe calls: other threads are running.  */
      if (dup2 (p[1], STDOUT_FILENO) < 0)
        _exit (3);
      char *const argv[] = { (char *) "test-security", (char *) LIST_FDS,
                             NULL };
      execv (self, argv);
      _exit (4);
    }
  close (p[1]);
  g_free (self);
  GString *out = g_string_new (NULL);
  char buf[256];
  ssize_t n;
  while ((n = read (p[0], buf, sizeof buf)) > 0
         || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (out, buf, n);
  close (p[0]);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  return g_string_free (out, FALSE);
}

static void
on_event (mmapio_file *f, unsigned events, void *userdata)
{
  (void) f;
  (void) events;
  (void) userdata;
}

/* Descriptors the test process inherited (a make jobserver's pipe, say)
 * are not the library's: they are made close-on-exec so that whatever
 * the helper sees was opened here.  */
static void
cloexec_inherited (void)
{
  DIR *d = opendir ("/proc/self/fd");
  g_assert_nonnull (d);
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      int fd = atoi (e->d_name);
      if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd (d))
        continue;
      int fl = fcntl (fd, F_GETFD);
      if (fl >= 0)
        fcntl (fd, F_SETFD, fl | FD_CLOEXEC);
    }
  closedir (d);
}

static void
test_cloexec (void)
{
  if (!g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no /proc/self/fd");
      return;
    }
  cloexec_inherited ();
  char *before = exec_and_list ();
  g_assert_cmpstr (before, ==, "0\n1\n2\n");

  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 3 * 4096);
  char *made = g_build_filename (dir, "made", NULL);
  char *made2 = g_build_filename (dir, "made2", NULL);
  char *copy = g_build_filename (dir, "copy", NULL);
  mmapio_file *h[8] = { NULL };
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  size_t n = 0;

  tu_assert_ok (mmapio_open (&h[n++], path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_open (&h[n++], path, MMAPIO_RDWR,
                             MMAPIO_OPEN_NOATIME | MMAPIO_OPEN_NOFOLLOW));
  tu_assert_ok (mmapio_open (&h[n++], path, MMAPIO_COW, 0));
  o.window = 4096;
  tu_assert_ok (mmapio_open_ex (&h[n++], path, MMAPIO_RDWR, &o));
  tu_assert_ok (mmapio_create (&h[n++], made, 4096, 0));
  tu_assert_ok (mmapio_open_or_create (&h[n++], made2, 4096, 0, NULL));
  {
    /* The caller's descriptor is its own business: closed before the
     * exec, the handle's duplicate must not leak.  */
    int fd = open (path, O_RDONLY);
    g_assert_cmpint (fd, >=, 0);
    tu_assert_ok (mmapio_open_fd (&h[n++], fd, "fd", MMAPIO_RDONLY, 0));
    close (fd);
  }
  tu_assert_ok (mmapio_copy_file (path, copy, 0));

  mmapio_watch *w1 = NULL, *w2 = NULL;
  int r = mmapio_watch_start (&w1, h[0], MMAPIO_WATCH_ALL, on_event, NULL);
  if (r == -ENOTSUP)
    g_test_message ("no inotify: the watches are not covered");
  else
    {
      tu_assert_ok (r);
      tu_assert_ok (mmapio_watch_open (&w2, h[1], MMAPIO_WATCH_ALL, on_event,
                                       NULL));
    }
  tu_assert_ok (mmapio_set_flush_policy (h[1], MMAPIO_FLUSH_EVERY_MILLIS,
                                         10));
  FILE *fp = NULL;
  tu_assert_ok (mmapio_fopen (h[1], "r+", &fp));
  char c;
  g_assert_cmpuint (fread (&c, 1, 1, fp), ==, 1);
  tu_assert_ok (mmapio_write (h[1], 0, "x", 1));
  mmapio_residency_info ri;
  tu_assert_ok (mmapio_residency (h[0], 0, 4096, &ri, NULL));
  (void) mmapio_hugepages (h[0]);

  char *during = exec_and_list ();
  g_assert_cmpstr (during, ==, "0\n1\n2\n");

  fclose (fp);
  tu_assert_ok (mmapio_watch_stop (w1));
  tu_assert_ok (mmapio_watch_stop (w2));
  for (size_t i = 0; i < n; i++)
    tu_assert_ok (mmapio_close (h[i]));
  g_free (before);
  g_free (during);
  g_free (made);
  g_free (made2);
  g_free (copy);
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], LIST_FDS) == 0)
    return list_fds ();

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (creators); i++)
    {
      char *name = g_strdup_printf ("/security/umask/%s", creators[i].name);
      g_test_add_data_func (name, &creators[i], test_umask);
      g_free (name);
    }
  g_test_add_func ("/security/umask/perm", test_umask_perm);
  g_test_add_func ("/security/cloexec", test_cloexec);

  return g_test_run ();
}
