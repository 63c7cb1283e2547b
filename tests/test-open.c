/* test-open.c — opening, creating and closing mapped files.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))

/* ---- The three modes -------------------------------------------------- */

static void
check_open_mode (enum mmapio_mode mode)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 10000);
  mmapio_file *f = NULL;
  unsigned char buf[10000];

  tu_assert_ok (mmapio_open (&f, path, mode, 0));
  g_assert_nonnull (f);
  g_assert_cmpuint (mmapio_size (f), ==, 10000);
  g_assert_cmpint (mmapio_mode (f), ==, mode);
  g_assert_cmpstr (mmapio_path (f), ==, path);
  g_assert_cmpint (mmapio_fd (f), >=, 0);
  /* The handle's descriptor is close-on-exec.  */
  g_assert_cmpint (fcntl (mmapio_fd (f), F_GETFD) & FD_CLOEXEC, !=, 0);
  g_assert_nonnull (mmapio_data (f));
  tu_assert_pattern (mmapio_data (f), 0, 10000);
  tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
  tu_assert_pattern (buf, 0, sizeof buf);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_rdonly (void)
{
  check_open_mode (MMAPIO_RDONLY);
}

static void
test_open_rdwr (void)
{
  check_open_mode (MMAPIO_RDWR);
}

static void
test_open_cow (void)
{
  check_open_mode (MMAPIO_COW);
}

static void
test_open_bad_mode (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 100);
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_open (&f, path, (enum mmapio_mode) 7, 0), ==,
                   -EINVAL);
  g_assert_null (f);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_unknown_flags (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 100);
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDONLY, 1u << 30), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_create (&f, path, 10, 1u << 31), ==, -EINVAL);
  g_assert_null (f);
  /* A refused create did not touch the existing file.  */
  g_assert_cmpuint (tu_file_size (path), ==, 100);
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- Files that cannot be opened or mapped ---------------------------- */

static void
test_open_missing (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "absent", NULL);
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDONLY, 0), ==, -ENOENT);
  g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDWR, 0), ==, -ENOENT);
  g_assert_cmpint (mmapio_open (&f, path, MMAPIO_COW, 0), ==, -ENOENT);
  g_assert_null (f);
  /* Opening never creates.  */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_directory (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_open (&f, dir, MMAPIO_RDONLY, 0), ==, -EISDIR);
  g_assert_cmpint (mmapio_open (&f, dir, MMAPIO_COW, 0), ==, -EISDIR);
  /* open(2) itself refuses O_RDWR on a directory.  */
  g_assert_cmpint (mmapio_open (&f, dir, MMAPIO_RDWR, 0), ==, -EISDIR);
  g_assert_null (f);
  tu_tmpdir_free (dir);
}

static void
test_open_fifo (void)
{
  if (g_test_subprocess ())
    {
      /* Without a writer, a blocking open of a FIFO would hang here.  */
      char *dir = tu_tmpdir ();
      char *path = g_build_filename (dir, "fifo", NULL);
      mmapio_file *f = NULL;
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDONLY, 0), ==, -ENODEV);
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_COW, 0), ==, -ENODEV);
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDWR, 0), ==, -ENODEV);
      g_assert_null (f);
      tu_tmpdir_free (dir);
      g_free (path);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

static void
test_open_proc (void)
{
  mmapio_file *f = NULL;

  /* /proc reports 0 bytes for files with contents: an empty mapping
   * would be a silent wrong answer.  */
  g_assert_cmpint (mmapio_open (&f, "/proc/self/status", MMAPIO_RDONLY, 0),
                   ==, -ENODEV);
  g_assert_cmpint (mmapio_open (&f, "/proc/self/status", MMAPIO_COW, 0),
                   ==, -ENODEV);
  g_assert_null (f);
}

static void
test_open_dev_null (void)
{
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_open (&f, "/dev/null", MMAPIO_RDONLY, 0), ==,
                   -ENODEV);
  g_assert_cmpint (mmapio_open (&f, "/dev/null", MMAPIO_RDWR, 0), ==,
                   -ENODEV);
  g_assert_cmpint (mmapio_open (&f, "/dev/null", MMAPIO_COW, 0), ==,
                   -ENODEV);
  g_assert_null (f);
}

static void
test_open_eacces (void)
{
  if (g_test_subprocess ())
    {
      const char *path = g_getenv ("MMAPIO_TEST_PATH");
      mmapio_file *f = NULL;
      g_assert_nonnull (path);
      if (geteuid () == 0)
        g_assert_true (tu_become_nobody ());
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDONLY, 0), ==, -EACCES);
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_COW, 0), ==, -EACCES);
      g_assert_cmpint (mmapio_open (&f, path, MMAPIO_RDWR, 0), ==, -EACCES);
      g_assert_cmpint (mmapio_create (&f, path, 10, 0), ==, -EACCES);
      g_assert_null (f);
      return;
    }

  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "secret", 100);
  /* As root, the file is 0600 and the child becomes nobody; otherwise a
   * 0000 file is unreadable for its owner too.  */
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  g_assert_cmpint (chmod (path, geteuid () == 0 ? 0600 : 0000), ==, 0);
  g_setenv ("MMAPIO_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, 0);
  g_unsetenv ("MMAPIO_TEST_PATH");
  g_test_trap_assert_passed ();
  /* The refused create left the file alone.  */
  g_assert_cmpuint (tu_file_size (path), ==, 100);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_nofollow (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "target", 100);
  char *link = g_build_filename (dir, "link", NULL);
  mmapio_file *f = NULL;

  g_assert_cmpint (symlink (path, link), ==, 0);
  g_assert_cmpint (mmapio_open (&f, link, MMAPIO_RDONLY,
                                MMAPIO_OPEN_NOFOLLOW), ==, -ELOOP);
  g_assert_cmpint (mmapio_open (&f, link, MMAPIO_RDWR,
                                MMAPIO_OPEN_NOFOLLOW), ==, -ELOOP);
  g_assert_null (f);
  /* Without the flag the link is followed; with it a plain file opens.  */
  tu_assert_ok (mmapio_open (&f, link, MMAPIO_RDONLY, 0));
  g_assert_cmpuint (mmapio_size (f), ==, 100);
  tu_assert_ok (mmapio_close (f));
  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, MMAPIO_OPEN_NOFOLLOW));
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
  g_free (link);
}

static void
test_open_noatime (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 5000);
  mmapio_file *f = NULL;
  unsigned char buf[5000];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, MMAPIO_OPEN_NOATIME));
  tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
  tu_assert_pattern (buf, 0, sizeof buf);
  g_assert_cmpint (fcntl (mmapio_fd (f), F_GETFL) & O_NOATIME, !=, 0);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_noatime_not_owner (void)
{
  if (g_test_subprocess ())
    {
      /* O_NOATIME fails with EPERM for a file one does not own; the
       * library retries without it.  */
      const char *path = g_getenv ("MMAPIO_TEST_PATH");
      mmapio_file *f = NULL;
      unsigned char buf[100];
      g_assert_true (tu_become_nobody ());
      tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY,
                                 MMAPIO_OPEN_NOATIME));
      g_assert_cmpint (fcntl (mmapio_fd (f), F_GETFL) & O_NOATIME, ==, 0);
      tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
      tu_assert_pattern (buf, 0, sizeof buf);
      tu_assert_ok (mmapio_close (f));
      return;
    }
  if (geteuid () != 0)
    {
      g_test_skip ("needs root to open a file owned by someone else");
      return;
    }
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 100);
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  g_assert_cmpint (chmod (path, 0644), ==, 0);
  g_setenv ("MMAPIO_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, 0);
  g_unsetenv ("MMAPIO_TEST_PATH");
  g_test_trap_assert_passed ();
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
check_open_flag (unsigned flag)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 3 * 4096 + 100);
  static const enum mmapio_mode modes[] = {
    MMAPIO_RDONLY, MMAPIO_RDWR, MMAPIO_COW
  };

  for (size_t i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      mmapio_file *f = NULL;
      unsigned char buf[3 * 4096 + 100];
      tu_assert_ok (mmapio_open (&f, path, modes[i], flag));
      tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
      tu_assert_pattern (buf, 0, sizeof buf);
      tu_assert_ok (mmapio_close (f));
    }
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_populate (void)
{
  check_open_flag (MMAPIO_OPEN_POPULATE);
}

static void
test_open_hugepage (void)
{
  /* Best effort: never a failure where huge pages are unavailable.  */
  check_open_flag (MMAPIO_OPEN_HUGEPAGE);
}

static void
test_open_lock (void)
{
  uint64_t limit = 0;
  tu_assert_ok (mmapio_memlock_limit (&limit));
  if (geteuid () != 0 && limit < 64 * 1024)
    {
      g_test_skip ("RLIMIT_MEMLOCK is too small to lock a small file");
      return;
    }
  check_open_flag (MMAPIO_OPEN_LOCK);
}

/* ---- Empty files ------------------------------------------------------ */

static void
check_empty (enum mmapio_mode mode)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "empty", 0);
  mmapio_file *f = NULL;
  mmapio_view v;
  unsigned char byte;

  tu_assert_ok (mmapio_open (&f, path, mode, 0));
  g_assert_cmpuint (mmapio_size (f), ==, 0);
  tu_assert_ok (mmapio_view_get (f, 0, 0, &v));
  g_assert_nonnull (v.data);
  g_assert_cmpuint (v.len, ==, 0);
  mmapio_view_release (&v);
  g_assert_cmpint (mmapio_view_get (f, 0, 1, &v), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get (f, 1, 0, &v), ==, MMAPIO_E_BOUNDS);
  tu_assert_ok (mmapio_read (f, 0, &byte, 0));
  g_assert_cmpint (mmapio_read (f, 0, &byte, 1), ==, MMAPIO_E_BOUNDS);
  /* Documented: no base address for an empty mapping.  */
  g_assert_null (mmapio_data (f));
  if (mode != MMAPIO_RDONLY)
    {
      mmapio_view_mut m;
      tu_assert_ok (mmapio_view_get_mut (f, 0, 0, &m));
      g_assert_nonnull (m.data);
      mmapio_view_mut_release (&m);
      g_assert_cmpint (mmapio_write (f, 0, &byte, 1), ==, MMAPIO_E_BOUNDS);
    }
  tu_assert_ok (mmapio_flush (f));
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_empty_rdonly (void)
{
  check_empty (MMAPIO_RDONLY);
}

static void
test_empty_cow (void)
{
  check_empty (MMAPIO_COW);
}

static void
test_empty_rdwr (void)
{
  check_empty (MMAPIO_RDWR);
}

static void
test_empty_rdwr_grow (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "empty", 0);
  mmapio_file *f = NULL;
  const char msg[] = "grown from nothing";
  char back[sizeof msg];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_resize (f, 3 * PAGE));
  g_assert_cmpuint (mmapio_size (f), ==, 3 * PAGE);
  g_assert_cmpuint (tu_file_size (path), ==, 3 * PAGE);
  g_assert_nonnull (mmapio_data (f));
  tu_assert_ok (mmapio_write (f, PAGE, msg, sizeof msg));
  tu_assert_ok (mmapio_flush (f));
  tu_pread (path, PAGE, back, sizeof back);
  g_assert_cmpstr (back, ==, msg);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- open_ex -------------------------------------------------------- */

static void
test_open_ex_defaults (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 300);
  mmapio_file *f = NULL;

  /* NULL options behave as mmapio_open().  */
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDONLY, NULL));
  g_assert_cmpuint (mmapio_size (f), ==, 300);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_ex_struct_size (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 300);
  mmapio_file *f = NULL;
  mmapio_options o = MMAPIO_OPTIONS_INIT;

  /* A caller compiled against a later, larger structure.  */
  o.struct_size = sizeof o + 8;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o), ==, -EINVAL);
  o.struct_size = 0;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o), ==, -EINVAL);
  g_assert_null (f);
  /* An older, smaller structure: the missing fields take defaults.  */
  o.struct_size = offsetof (mmapio_options, reserve);
  o.window = 12345;    /* beyond struct_size: must be ignored */
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o));
  g_assert_nonnull (mmapio_data (f));   /* not windowed */
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_ex_create_rdonly (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);
  mmapio_file *f = NULL;
  mmapio_options o = MMAPIO_OPTIONS_INIT;

  o.create = 1;
  o.size = 100;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o), ==, -EINVAL);
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_COW, &o), ==, -EINVAL);
  o.create = 0;
  o.truncate = 1;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o), ==, -EINVAL);
  g_assert_null (f);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_ex_unknown_flags (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 100);
  mmapio_file *f = NULL;
  mmapio_options o = MMAPIO_OPTIONS_INIT;

  o.flags = 1u << 20;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o), ==, -EINVAL);
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o), ==, -EINVAL);
  g_assert_null (f);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_ex_create_perm (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);
  mmapio_file *f = NULL;
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  struct stat st;

  mode_t old = umask (022);
  o.create = 1;
  o.size = 10;
  o.perm = 0640;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o));
  umask (old);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  g_assert_cmpuint (mmapio_size (f), ==, 10);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- create ------------------------------------------------------------ */

static void
test_create_new (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);
  mmapio_file *f = NULL;
  struct stat st;

  mode_t old = umask (027);
  tu_assert_ok (mmapio_create (&f, path, 3 * PAGE + 5, 0));
  umask (old);
  g_assert_cmpint (mmapio_mode (f), ==, MMAPIO_RDWR);
  g_assert_cmpuint (mmapio_size (f), ==, 3 * PAGE + 5);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpuint ((uint64_t) st.st_size, ==, 3 * PAGE + 5);
  g_assert_cmpint (st.st_mode & 07777, ==, 0666 & ~027);
  const unsigned char *p = mmapio_data (f);
  for (uint64_t i = 0; i < mmapio_size (f); i++)
    g_assert_cmpint (p[i], ==, 0);
  /* Blocks are allocated, not a hole.  */
  g_assert_cmpuint ((uint64_t) st.st_blocks * 512, >=, 3 * PAGE);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_create_truncates (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "old", 100000);
  mmapio_file *f = NULL;
  unsigned char buf[200];

  tu_assert_ok (mmapio_create (&f, path, 200, 0));
  g_assert_cmpuint (mmapio_size (f), ==, 200);
  g_assert_cmpuint (tu_file_size (path), ==, 200);
  tu_pread (path, 0, buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_create_zero (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "old", 1000);
  mmapio_file *f = NULL;

  tu_assert_ok (mmapio_create (&f, path, 0, 0));
  g_assert_cmpuint (mmapio_size (f), ==, 0);
  g_assert_cmpuint (tu_file_size (path), ==, 0);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_create_failure_removes (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "huge", NULL);
  mmapio_file *f = NULL;

  /* Larger than any local filesystem allows: the allocation fails
   * (-EFBIG or -ENOSPC) and the file this call created must go.  */
  int r = mmapio_create (&f, path, (uint64_t) INT64_MAX - 4096, 0);
  g_assert_cmpint (r, <, 0);
  g_assert_null (f);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Beyond INT64_MAX the size is refused before anything is created.  */
  g_assert_cmpint (mmapio_create (&f, path, UINT64_MAX, 0), ==, -EFBIG);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_create_sparse (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "sparse", NULL);
  mmapio_file *f = NULL;
  struct stat st;
  const uint64_t size = 64u << 20;

  tu_assert_ok (mmapio_create (&f, path, size, MMAPIO_OPEN_SPARSE));
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpuint ((uint64_t) st.st_size, ==, size);
  g_assert_cmpuint ((uint64_t) st.st_blocks * 512, <, size / 16);
  /* Growth stays sparse too.  */
  tu_assert_ok (mmapio_resize (f, 2 * size));
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpuint ((uint64_t) st.st_size, ==, 2 * size);
  g_assert_cmpuint ((uint64_t) st.st_blocks * 512, <, size / 16);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- open_or_create ---------------------------------------------------- */

static void
test_open_or_create_new (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "new", NULL);
  mmapio_file *f = NULL;
  int created = -1;

  tu_assert_ok (mmapio_open_or_create (&f, path, 5000, 0, &created));
  g_assert_cmpint (created, ==, 1);
  g_assert_cmpuint (mmapio_size (f), ==, 5000);
  g_assert_cmpuint (tu_file_size (path), ==, 5000);
  g_assert_cmpint (mmapio_mode (f), ==, MMAPIO_RDWR);
  tu_assert_ok (mmapio_write (f, 0, "abc", 3));
  tu_assert_ok (mmapio_close (f));

  /* A NULL created pointer is allowed.  */
  tu_assert_ok (mmapio_open_or_create (&f, path, 5000, 0, NULL));
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_or_create_existing (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "old", 7000);
  mmapio_file *f = NULL;
  int created = -1;
  unsigned char buf[7000];

  /* Requested size differs: the existing file keeps its own.  */
  tu_assert_ok (mmapio_open_or_create (&f, path, 100, 0, &created));
  g_assert_cmpint (created, ==, 0);
  g_assert_cmpuint (mmapio_size (f), ==, 7000);
  tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
  tu_assert_pattern (buf, 0, sizeof buf);
  tu_assert_ok (mmapio_close (f));
  g_assert_cmpuint (tu_file_size (path), ==, 7000);
  tu_tmpdir_free (dir);
  g_free (path);
}

#define RACERS 8
#define RACE_SIZE (1u << 20)

static void
test_open_or_create_race_processes (void)
{
  for (int round = 0; round < 10; round++)
    {
      char *dir = tu_tmpdir ();
      char *path = g_build_filename (dir, "raced", NULL);
      pid_t pids[RACERS];
      int gate[2], result[2];

      /* Results travel through a pipe rather than exit statuses, which a
       * checker such as valgrind may rewrite.  */
      g_assert_cmpint (pipe (gate), ==, 0);
      g_assert_cmpint (pipe (result), ==, 0);
      for (int i = 0; i < RACERS; i++)
        {
          pids[i] = fork ();
          g_assert_cmpint (pids[i], >=, 0);
          if (pids[i] == 0)
            {
              char c, verdict;
              mmapio_file *f = NULL;
              int created = -1;
              close (gate[1]);
              close (result[0]);
              /* Every racer starts when the parent closes the pipe.  */
              if (read (gate[0], &c, 1) != 0)
                verdict = 'g';
              else if (mmapio_open_or_create (&f, path, RACE_SIZE, 0,
                                              &created) != 0)
                verdict = 'o';
              /* The opener must never see a half-made file.  */
              else if (mmapio_size (f) != RACE_SIZE)
                verdict = 's';
              else if (mmapio_close (f) != 0)
                verdict = 'c';
              else
                verdict = created == 1 ? 'C' : created == 0 ? 'E' : '?';
              if (write (result[1], &verdict, 1) != 1)
                _exit (3);
              _exit (0);
            }
        }
      close (gate[0]);
      close (result[1]);
      close (gate[1]);
      int creators = 0;
      for (int i = 0; i < RACERS; i++)
        {
          char verdict = 0;
          g_assert_cmpint (read (result[0], &verdict, 1), ==, 1);
          if (verdict != 'C' && verdict != 'E')
            g_error ("a racer failed: '%c'", verdict);
          creators += verdict == 'C';
        }
      close (result[0]);
      for (int i = 0; i < RACERS; i++)
        {
          int status;
          g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
          g_assert_true (WIFEXITED (status));
        }
      g_assert_cmpint (creators, ==, 1);
      g_assert_cmpuint (tu_file_size (path), ==, RACE_SIZE);
      tu_tmpdir_free (dir);
      g_free (path);
    }
}

struct racer
{
  const char *path;
  pthread_barrier_t *barrier;
  int result;
  int created;
  uint64_t size;
};

static void *
race_thread (void *arg)
{
  struct racer *r = arg;
  mmapio_file *f = NULL;

  pthread_barrier_wait (r->barrier);
  r->result = mmapio_open_or_create (&f, r->path, RACE_SIZE, 0, &r->created);
  if (r->result == 0)
    {
      r->size = mmapio_size (f);
      r->result = mmapio_close (f);
    }
  return NULL;
}

static void
test_open_or_create_race_threads (void)
{
  for (int round = 0; round < 10; round++)
    {
      char *dir = tu_tmpdir ();
      char *path = g_build_filename (dir, "raced", NULL);
      pthread_t t[RACERS];
      struct racer r[RACERS];
      pthread_barrier_t barrier;

      pthread_barrier_init (&barrier, NULL, RACERS);
      for (int i = 0; i < RACERS; i++)
        {
          r[i] = (struct racer) { path, &barrier, -1, -1, 0 };
          g_assert_cmpint (pthread_create (&t[i], NULL, race_thread, &r[i]),
                           ==, 0);
        }
      int creators = 0;
      for (int i = 0; i < RACERS; i++)
        {
          pthread_join (t[i], NULL);
          tu_assert_ok (r[i].result);
          g_assert_cmpuint (r[i].size, ==, RACE_SIZE);
          g_assert_true (r[i].created == 0 || r[i].created == 1);
          creators += r[i].created;
        }
      g_assert_cmpint (creators, ==, 1);
      pthread_barrier_destroy (&barrier);
      tu_tmpdir_free (dir);
      g_free (path);
    }
}

/* ---- open_fd ----------------------------------------------------------- */

static void
test_open_fd_name (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 2000);
  mmapio_file *f = NULL;
  unsigned char buf[2000];

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  char *name = g_strdup ("display name");
  tu_assert_ok (mmapio_open_fd (&f, fd, name, MMAPIO_RDONLY, 0));
  /* The name is copied.  */
  name[0] = 'X';
  g_free (name);
  g_assert_cmpstr (mmapio_path (f), ==, "display name");
  /* The handle has its own descriptor: the caller may close its own.  */
  g_assert_cmpint (mmapio_fd (f), !=, fd);
  g_assert_cmpint (fcntl (mmapio_fd (f), F_GETFD) & FD_CLOEXEC, !=, 0);
  g_assert_cmpint (close (fd), ==, 0);
  g_assert_cmpuint (mmapio_size (f), ==, 2000);
  tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
  tu_assert_pattern (buf, 0, sizeof buf);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_fd_null_name (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 20);
  mmapio_file *f = NULL;

  int fd = open (path, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  tu_assert_ok (mmapio_open_fd (&f, fd, NULL, MMAPIO_RDWR, 0));
  char *want = g_strdup_printf ("fd:%d", fd);
  g_assert_cmpstr (mmapio_path (f), ==, want);
  g_free (want);
  close (fd);
  /* Still usable after the caller's descriptor is gone.  */
  tu_assert_ok (mmapio_write (f, 0, "xyz", 3));
  tu_assert_ok (mmapio_flush (f));
  tu_assert_ok (mmapio_close (f));
  char back[3];
  tu_pread (path, 0, back, 3);
  g_assert_cmpmem (back, 3, "xyz", 3);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_fd_bad (void)
{
  mmapio_file *f = NULL;
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  close (fd);   /* now certainly not open */
  g_assert_cmpint (mmapio_open_fd (&f, -1, NULL, MMAPIO_RDONLY, 0), ==,
                   -EBADF);
  g_assert_cmpint (mmapio_open_fd (&f, fd, NULL, MMAPIO_RDONLY, 0), ==,
                   -EBADF);
  g_assert_null (f);
}

static void
test_open_fd_access (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 20);
  mmapio_file *f = NULL;

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (mmapio_open_fd (&f, fd, NULL, MMAPIO_RDWR, 0), ==,
                   -EACCES);
  /* COW only reads the file: a read-only descriptor is enough.  */
  tu_assert_ok (mmapio_open_fd (&f, fd, NULL, MMAPIO_COW, 0));
  tu_assert_ok (mmapio_close (f));
  close (fd);

  fd = open (path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  f = NULL;
  g_assert_cmpint (mmapio_open_fd (&f, fd, NULL, MMAPIO_RDONLY, 0), ==,
                   -EACCES);
  g_assert_null (f);
  close (fd);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_open_fd_unmappable (void)
{
  mmapio_file *f = NULL;
  int p[2];

  g_assert_cmpint (pipe (p), ==, 0);
  g_assert_cmpint (mmapio_open_fd (&f, p[0], "pipe", MMAPIO_RDONLY, 0), ==,
                   -ENODEV);
  g_assert_null (f);
  close (p[0]);
  close (p[1]);
}

/* ---- close ------------------------------------------------------------- */

static void
test_close_null (void)
{
  g_assert_cmpint (mmapio_close (NULL), ==, 0);
}

static void
test_close_releases_fd (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 20);
  mmapio_file *f = NULL;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  int fd = mmapio_fd (f);
  tu_assert_ok (mmapio_close (f));
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  g_assert_cmpint (errno, ==, EBADF);
  tu_tmpdir_free (dir);
  g_free (path);
}

/* ---- A full filesystem ---------------------------------------------------- */

static char *
mount_small_tmpfs (void)
{
  if (geteuid () != 0)
    return NULL;
  char *dir = tu_tmpdir ();
  if (mount ("mmapio-test", dir, "tmpfs", MS_NOSUID | MS_NODEV,
             "size=1m,mode=0700") < 0)
    {
      g_rmdir (dir);
      g_free (dir);
      return NULL;
    }
  return dir;
}

static void
unmount_small_tmpfs (char *dir)
{
  g_assert_cmpint (umount (dir), ==, 0);
  g_rmdir (dir);
  g_free (dir);
}

static void
test_create_enospc (void)
{
  char *mnt = mount_small_tmpfs ();
  if (mnt == NULL)
    {
      g_test_skip ("needs root and tmpfs to fill a filesystem");
      return;
    }
  char *path = g_build_filename (mnt, "big", NULL);
  mmapio_file *f = NULL;

  g_assert_cmpint (mmapio_create (&f, path, 4u << 20, 0), ==, -ENOSPC);
  g_assert_null (f);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* open_or_create removes what it created, too.  */
  g_assert_cmpint (mmapio_open_or_create (&f, path, 4u << 20, 0, NULL), ==,
                   -ENOSPC);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (path);
  unmount_small_tmpfs (mnt);
}

static void
test_resize_enospc (void)
{
  char *mnt = mount_small_tmpfs ();
  if (mnt == NULL)
    {
      g_test_skip ("needs root and tmpfs to fill a filesystem");
      return;
    }
  char *path = g_build_filename (mnt, "f", NULL);
  mmapio_file *f = NULL;
  unsigned char buf[100];

  tu_assert_ok (mmapio_create (&f, path, 64 * 1024, 0));
  tu_assert_ok (mmapio_write (f, 0, "keep", 4));
  g_assert_cmpint (mmapio_resize (f, 4u << 20), ==, -ENOSPC);
  g_assert_cmpuint (mmapio_size (f), ==, 64 * 1024);
  g_assert_cmpuint (tu_file_size (path), ==, 64 * 1024);
  tu_assert_ok (mmapio_read (f, 0, buf, 4));
  g_assert_cmpmem (buf, 4, "keep", 4);
  /* Growth within the free space still works afterwards.  */
  tu_assert_ok (mmapio_resize (f, 128 * 1024));
  g_assert_cmpuint (tu_file_size (path), ==, 128 * 1024);
  tu_assert_ok (mmapio_close (f));
  g_unlink (path);
  g_free (path);
  unmount_small_tmpfs (mnt);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/open/rdonly", test_open_rdonly);
  g_test_add_func ("/open/rdwr", test_open_rdwr);
  g_test_add_func ("/open/cow", test_open_cow);
  g_test_add_func ("/open/bad-mode", test_open_bad_mode);
  g_test_add_func ("/open/unknown-flags", test_open_unknown_flags);
  g_test_add_func ("/open/missing", test_open_missing);
  g_test_add_func ("/open/directory", test_open_directory);
  g_test_add_func ("/open/fifo", test_open_fifo);
  g_test_add_func ("/open/proc", test_open_proc);
  g_test_add_func ("/open/dev-null", test_open_dev_null);
  g_test_add_func ("/open/eacces", test_open_eacces);
  g_test_add_func ("/open/nofollow", test_open_nofollow);
  g_test_add_func ("/open/noatime", test_open_noatime);
  g_test_add_func ("/open/noatime-not-owner", test_open_noatime_not_owner);
  g_test_add_func ("/open/flag/populate", test_open_populate);
  g_test_add_func ("/open/flag/hugepage", test_open_hugepage);
  g_test_add_func ("/open/flag/lock", test_open_lock);
  g_test_add_func ("/open/empty/rdonly", test_empty_rdonly);
  g_test_add_func ("/open/empty/cow", test_empty_cow);
  g_test_add_func ("/open/empty/rdwr", test_empty_rdwr);
  g_test_add_func ("/open/empty/rdwr-grow", test_empty_rdwr_grow);
  g_test_add_func ("/open-ex/defaults", test_open_ex_defaults);
  g_test_add_func ("/open-ex/struct-size", test_open_ex_struct_size);
  g_test_add_func ("/open-ex/create-rdonly", test_open_ex_create_rdonly);
  g_test_add_func ("/open-ex/unknown-flags", test_open_ex_unknown_flags);
  g_test_add_func ("/open-ex/create-perm", test_open_ex_create_perm);
  g_test_add_func ("/create/new", test_create_new);
  g_test_add_func ("/create/truncates", test_create_truncates);
  g_test_add_func ("/create/zero", test_create_zero);
  g_test_add_func ("/create/failure-removes", test_create_failure_removes);
  g_test_add_func ("/create/sparse", test_create_sparse);
  g_test_add_func ("/enospc/create", test_create_enospc);
  g_test_add_func ("/enospc/resize", test_resize_enospc);
  g_test_add_func ("/open-or-create/new", test_open_or_create_new);
  g_test_add_func ("/open-or-create/existing", test_open_or_create_existing);
  g_test_add_func ("/open-or-create/race-processes",
                   test_open_or_create_race_processes);
  g_test_add_func ("/open-or-create/race-threads",
                   test_open_or_create_race_threads);
  g_test_add_func ("/open-fd/name", test_open_fd_name);
  g_test_add_func ("/open-fd/null-name", test_open_fd_null_name);
  g_test_add_func ("/open-fd/bad-fd", test_open_fd_bad);
  g_test_add_func ("/open-fd/access", test_open_fd_access);
  g_test_add_func ("/open-fd/unmappable", test_open_fd_unmappable);
  g_test_add_func ("/close/null", test_close_null);
  g_test_add_func ("/close/releases-fd", test_close_releases_fd);

  return g_test_run ();
}
