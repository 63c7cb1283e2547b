/* test-sigbus.c — truncation under a mapping: MMAPIO_E_SHRUNK instead of
 * a crash, and chaining to the program's own SIGBUS handler.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))

/* Sanitizers install their own SIGBUS handlers, which report and exit
 * instead of letting the default action kill the process.  */
#if defined __SANITIZE_ADDRESS__ || defined __SANITIZE_THREAD__
# define SANITIZED 1
#elif defined __has_feature
# if __has_feature (address_sanitizer) || __has_feature (thread_sanitizer)
#  define SANITIZED 1
# endif
#endif
#ifndef SANITIZED
# define SANITIZED 0
#endif

static void
truncate_path (const char *path, uint64_t size)
{
  g_assert_cmpint (truncate (path, (off_t) size), ==, 0);
}

/* ---- Deterministic truncations ----------------------------------------- */

static void
check_read_truncated (enum mmapio_mode mode)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 8 * PAGE);
  mmapio_file *f = NULL;
  unsigned char buf[64];

  tu_assert_ok (mmapio_open (&f, path, mode, 0));
  truncate_path (path, PAGE + 10);
  /* The mapping still claims 8 pages; pages beyond the new end fault.  */
  g_assert_cmpuint (mmapio_size (f), ==, 8 * PAGE);
  g_assert_cmpint (mmapio_read (f, 3 * PAGE, buf, sizeof buf), ==,
                   MMAPIO_E_SHRUNK);
  g_assert_cmpint (mmapio_read (f, 2 * PAGE - 10, buf, 20), ==,
                   MMAPIO_E_SHRUNK);
  /* A large copy across the new end fails as a small one does.  */
  unsigned char *big = g_malloc (3 * PAGE);
  g_assert_cmpint (mmapio_read (f, 0, big, 3 * PAGE), ==, MMAPIO_E_SHRUNK);
  tu_assert_ok (mmapio_read (f, 0, big, PAGE));
  tu_assert_pattern (big, 0, PAGE);
  g_free (big);
  /* Bytes still in the file read fine, again and again.  */
  for (int i = 0; i < 3; i++)
    {
      tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
      tu_assert_pattern (buf, 0, sizeof buf);
      g_assert_cmpint (mmapio_read (f, 7 * PAGE, buf, 1), ==,
                       MMAPIO_E_SHRUNK);
    }
  truncate_path (path, 0);
  g_assert_cmpint (mmapio_read (f, 0, buf, 1), ==, MMAPIO_E_SHRUNK);
  /* Regrown: the lost bytes come back as zeros.  */
  truncate_path (path, 8 * PAGE);
  tu_assert_ok (mmapio_read (f, 5 * PAGE, buf, sizeof buf));
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_read_truncated_rdonly (void)
{
  check_read_truncated (MMAPIO_RDONLY);
}

static void
test_read_truncated_rdwr (void)
{
  check_read_truncated (MMAPIO_RDWR);
}

static void
test_read_truncated_cow (void)
{
  check_read_truncated (MMAPIO_COW);
}

static void
test_write_truncated (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 8 * PAGE);
  mmapio_file *f = NULL;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  truncate_path (path, 2 * PAGE);
  g_assert_cmpint (mmapio_write (f, 4 * PAGE, "lost", 4), ==,
                   MMAPIO_E_SHRUNK);
  {
    /* So does a large write.  */
    unsigned char *big = g_malloc0 (2 * PAGE);
    g_assert_cmpint (mmapio_write (f, 3 * PAGE, big, 2 * PAGE), ==,
                     MMAPIO_E_SHRUNK);
    g_free (big);
  }
  /* A refused write is not pending.  */
  g_assert_cmpuint (mmapio_pending (f), ==, 0);
  tu_assert_ok (mmapio_write (f, PAGE, "kept", 4));
  g_assert_cmpuint (mmapio_pending (f), ==, 4);
  g_assert_cmpuint (tu_file_size (path), ==, 2 * PAGE);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_write_truncated_cow (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 4 * PAGE);
  mmapio_file *f = NULL;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_COW, 0));
  truncate_path (path, 0);
  g_assert_cmpint (mmapio_write (f, 2 * PAGE, "lost", 4), ==,
                   MMAPIO_E_SHRUNK);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- A child truncating while the parent reads ----------------------- */

#define RACE_SIZE (64u * 1024)
#define TRUNCATIONS 1000

static void
check_truncate_race (enum mmapio_mode mode)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", RACE_SIZE);
  mmapio_file *f = NULL;
  unsigned char *pattern = g_malloc (RACE_SIZE);
  unsigned char *buf = g_malloc (RACE_SIZE);
  int ready[2];

  for (size_t i = 0; i < RACE_SIZE; i++)
    pattern[i] = tu_byte (i);
  g_assert_cmpint (pipe (ready), ==, 0);

  /* The child is forked before the file is mapped: it has no copy of the
   * mapping (whose pages beyond the end of the file would fault under a
   * checker that scans memory, such as valgrind at exit).  */
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      char go[2];
      int fd = open (path, O_RDWR | O_CLOEXEC);
      if (fd < 0)
        _exit (11);
      close (ready[1]);
      /* Wait until the parent has mapped the file.  */
      if (read (ready[0], go, 2) != 2)
        _exit (12);
      close (ready[0]);
      for (int i = 0; i < TRUNCATIONS; i++)
        {
          if (ftruncate (fd, 0) < 0 || ftruncate (fd, RACE_SIZE) < 0)
            _exit (13);
          /* Restore the pattern on every other round; leave zeros on
           * the others.  */
          if (i % 2 == 0
              && pwrite (fd, pattern, RACE_SIZE, 0) != (ssize_t) RACE_SIZE)
            _exit (14);
        }
      _exit (0);
    }

  close (ready[0]);
  tu_assert_ok (mmapio_open (&f, path, mode, 0));
  g_assert_cmpint (write (ready[1], "go", 2), ==, 2);
  close (ready[1]);

  GRand *rand = g_rand_new_with_seed (4242);
  unsigned long ok = 0, shrunk = 0;
  int status = 0;
  for (;;)
    {
      pid_t w = waitpid (pid, &status, WNOHANG);
      g_assert_cmpint (w, >=, 0);
      uint64_t off = (uint64_t) g_rand_int_range (rand, 0, RACE_SIZE);
      size_t len = (size_t) g_rand_int_range (rand, 1, RACE_SIZE + 1);
      if (len > RACE_SIZE - off)
        len = (size_t) (RACE_SIZE - off);
      int r = mmapio_read (f, off, buf, len);
      if (r == MMAPIO_E_SHRUNK)
        shrunk++;
      else
        {
          tu_assert_ok (r);
          ok++;
          /* Each byte is the pattern or, right after a regrowth, zero;
           * nothing else.  */
          for (size_t i = 0; i < len; i++)
            if (buf[i] != pattern[off + i] && buf[i] != 0)
              g_error ("byte %" G_GUINT64_FORMAT " is 0x%02x",
                       off + i, buf[i]);
        }
      if (w == pid)
        break;
    }
  g_assert_true (WIFEXITED (status));
  /* 1 is what valgrind's --error-exitcode may turn a clean exit into.  */
  g_assert_cmpint (WEXITSTATUS (status), <=, 1);
  g_test_message ("%lu reads succeeded, %lu met a truncation", ok, shrunk);
  g_rand_free (rand);
  tu_assert_ok (mmapio_close (f));
  g_free (pattern);
  g_free (buf);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_truncate_race_rdonly (void)
{
  check_truncate_race (MMAPIO_RDONLY);
}

static void
test_truncate_race_rdwr (void)
{
  check_truncate_race (MMAPIO_RDWR);
}

/* ---- The program's own handler ----------------------------------------- */

static volatile sig_atomic_t own_calls;
static volatile sig_atomic_t own_code;
static sigjmp_buf own_jmp;
static volatile sig_atomic_t own_jump;

static void
own_handler (int sig, siginfo_t *info, void *context)
{
  (void) context;
  if (sig != SIGBUS)
    return;
  own_calls++;
  own_code = info != NULL ? info->si_code : 0;
  if (own_jump)
    {
      own_jump = 0;
      siglongjmp (own_jmp, 1);
    }
}

static void
install_own_handler (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = own_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  g_assert_cmpint (sigaction (SIGBUS, &sa, NULL), ==, 0);
}

/* Open a pattern file, make the library install its handler with a
 * guarded call, and return the handle.  */
static mmapio_file *
open_guarded (const char *dir, char **ret_path)
{
  char *path = tu_pattern_file (dir, "f", 4 * PAGE);
  mmapio_file *f = NULL;
  unsigned char b;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_read (f, 0, &b, 1));
  *ret_path = path;
  return f;
}

static void
test_chain_raise (void)
{
  if (g_test_subprocess ())
    {
      char *dir = tu_tmpdir ();
      char *path;
      unsigned char b;

      install_own_handler ();
      mmapio_file *f = open_guarded (dir, &path);
      g_assert_cmpint (raise (SIGBUS), ==, 0);
      g_assert_cmpint (own_calls, ==, 1);
      g_assert_cmpint (kill (getpid (), SIGBUS), ==, 0);
      g_assert_cmpint (own_calls, ==, 2);
      g_assert_cmpint (own_code, ==, SI_USER);
      /* The library's guard still works after chaining.  */
      truncate_path (path, 0);
      g_assert_cmpint (mmapio_read (f, PAGE, &b, 1), ==, MMAPIO_E_SHRUNK);
      g_assert_cmpint (own_calls, ==, 2);
      tu_assert_ok (mmapio_close (f));
      tu_tmpdir_free (dir);
      g_free (path);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

static void
test_chain_fault (void)
{
  if (g_test_subprocess ())
    {
      char *dir = tu_tmpdir ();
      char *path;
      mmapio_view v;

      install_own_handler ();
      mmapio_file *f = open_guarded (dir, &path);
      tu_assert_ok (mmapio_view_get (f, 0, 4 * PAGE, &v));
      truncate_path (path, PAGE);
      /* A fault outside the library's guarded sections belongs to the
       * program's handler.  */
      own_jump = 1;
      if (sigsetjmp (own_jmp, 1) == 0)
        {
          volatile const unsigned char *p = v.data;
          (void) p[2 * PAGE];
          g_error ("touching a truncated page did not fault");
        }
      g_assert_cmpint (own_calls, ==, 1);
      g_assert_cmpint (own_code, ==, BUS_ADRERR);
      mmapio_view_release (&v);
      tu_assert_ok (mmapio_close (f));
      tu_tmpdir_free (dir);
      g_free (path);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

static volatile sig_atomic_t plain_calls;

static void
plain_handler (int sig)
{
  if (sig == SIGBUS)
    plain_calls++;
}

static void
test_chain_plain_handler (void)
{
  if (g_test_subprocess ())
    {
      char *dir = tu_tmpdir ();
      char *path;
      struct sigaction sa;

      /* A handler installed without SA_SIGINFO is chained too.  */
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = plain_handler;
      sigemptyset (&sa.sa_mask);
      g_assert_cmpint (sigaction (SIGBUS, &sa, NULL), ==, 0);
      mmapio_file *f = open_guarded (dir, &path);
      g_assert_cmpint (raise (SIGBUS), ==, 0);
      g_assert_cmpint (kill (getpid (), SIGBUS), ==, 0);
      g_assert_cmpint (plain_calls, ==, 2);
      tu_assert_ok (mmapio_close (f));
      tu_tmpdir_free (dir);
      g_free (path);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

static void
test_ignored_kill (void)
{
  if (g_test_subprocess ())
    {
      char *dir = tu_tmpdir ();
      char *path;
      unsigned char b;

      /* A program that ignores SIGBUS keeps ignoring the ones sent with
       * kill(), whatever the library installed.  */
      g_assert_true (signal (SIGBUS, SIG_IGN) != SIG_ERR);
      mmapio_file *f = open_guarded (dir, &path);
      g_assert_cmpint (kill (getpid (), SIGBUS), ==, 0);
      g_assert_cmpint (raise (SIGBUS), ==, 0);
      truncate_path (path, 0);
      g_assert_cmpint (mmapio_read (f, PAGE, &b, 1), ==, MMAPIO_E_SHRUNK);
      tu_assert_ok (mmapio_close (f));
      tu_tmpdir_free (dir);
      g_free (path);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

/* Run 'fn' in a forked child and return its wait status.  */
static int
run_child (void (*fn) (const char *), const char *dir)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* A sanitizer's report of the signal is expected: keep it out of
       * the log.  */
      if (SANITIZED)
        {
          int nul = open ("/dev/null", O_WRONLY | O_CLOEXEC);
          if (nul >= 0)
            dup2 (nul, STDERR_FILENO);
        }
      fn (dir);
      _exit (0);
    }
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

static void
child_raise (const char *dir)
{
  char *path;
  mmapio_file *f = open_guarded (dir, &path);
  (void) f;
  raise (SIGBUS);
}

static void
child_fault (const char *dir)
{
  char *path;
  mmapio_view v;
  mmapio_file *f = open_guarded (dir, &path);
  if (mmapio_view_get (f, 0, 4 * PAGE, &v) != 0)
    _exit (10);
  if (truncate (path, 0) != 0)
    _exit (11);
  volatile const unsigned char *p = v.data;
  (void) p[PAGE];
}

static void
assert_killed_by_sigbus (int status)
{
  if (SANITIZED)
    {
      /* The sanitizer's handler reports the signal and exits.  */
      g_assert_false (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      return;
    }
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGBUS);
}

static void
test_default_raise (void)
{
  char *dir = tu_tmpdir ();
  /* With no handler of the program's, the default action still kills.  */
  assert_killed_by_sigbus (run_child (child_raise, dir));
  tu_tmpdir_free (dir);
}

static void
test_default_fault (void)
{
  char *dir = tu_tmpdir ();
  /* A fault outside the guarded calls kills as with any mapping; it does
   * not loop or get swallowed.  */
  assert_killed_by_sigbus (run_child (child_fault, dir));
  tu_tmpdir_free (dir);
}

/* ---- Per-thread guards ------------------------------------------------ */

struct shrunk_job
{
  mmapio_file *f;
  int shrunk;
  int ok;
};

static gpointer
shrunk_thread (gpointer data)
{
  struct shrunk_job *j = data;
  unsigned char buf[256];
  for (int i = 0; i < 200; i++)
    {
      if (mmapio_read (j->f, 2 * PAGE + (uint64_t) i, buf, sizeof buf)
          == MMAPIO_E_SHRUNK)
        j->shrunk++;
      if (mmapio_read (j->f, (uint64_t) i, buf, sizeof buf) == 0)
        j->ok++;
    }
  return NULL;
}

static void
test_threads_shrunk (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 4 * PAGE);
  mmapio_file *f = NULL;
  struct shrunk_job jobs[4];
  GThread *t[4];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  truncate_path (path, PAGE);
  /* Each thread recovers from its own faults.  */
  for (int i = 0; i < 4; i++)
    {
      jobs[i] = (struct shrunk_job) { f, 0, 0 };
      t[i] = g_thread_new ("reader", shrunk_thread, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (t[i]);
      g_assert_cmpint (jobs[i].shrunk, ==, 200);
      g_assert_cmpint (jobs[i].ok, ==, 200);
    }
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sigbus/read-truncated/rdonly",
                   test_read_truncated_rdonly);
  g_test_add_func ("/sigbus/read-truncated/rdwr", test_read_truncated_rdwr);
  g_test_add_func ("/sigbus/read-truncated/cow", test_read_truncated_cow);
  g_test_add_func ("/sigbus/write-truncated/rdwr", test_write_truncated);
  g_test_add_func ("/sigbus/write-truncated/cow", test_write_truncated_cow);
  g_test_add_func ("/sigbus/truncate-race/rdonly", test_truncate_race_rdonly);
  g_test_add_func ("/sigbus/truncate-race/rdwr", test_truncate_race_rdwr);
  g_test_add_func ("/sigbus/threads", test_threads_shrunk);
  g_test_add_func ("/sigbus/chain/raise", test_chain_raise);
  g_test_add_func ("/sigbus/chain/fault", test_chain_fault);
  g_test_add_func ("/sigbus/chain/plain-handler", test_chain_plain_handler);
  g_test_add_func ("/sigbus/ignored-kill", test_ignored_kill);
  g_test_add_func ("/sigbus/default/raise", test_default_raise);
  g_test_add_func ("/sigbus/default/fault", test_default_fault);

  return g_test_run ();
}
