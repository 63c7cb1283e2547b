/* test-residency.c — page-cache residency and eviction.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/statfs.h>

#include "testutil.h"

#define TMPFS_MAGIC_ 0x01021994

static size_t ps;

typedef struct
{
  char *dir;
  char *path;
  uint64_t size;
  uint64_t pages;
} fixture;

static void
fx_init (fixture *fx, size_t pages, size_t extra)
{
  fx->dir = tu_tmpdir ();
  fx->size = pages * ps + extra;
  fx->pages = (fx->size + ps - 1) / ps;
  fx->path = tu_pattern_file (fx->dir, "data", (size_t) fx->size);
}

static void
fx_fini (fixture *fx)
{
  g_free (fx->path);
  tu_tmpdir_free (fx->dir);
}

static mmapio_file *
fx_open (fixture *fx, enum mmapio_mode mode)
{
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_open (&f, fx->path, mode, 0));
  return f;
}

/* Page-cache pages of files on tmpfs cannot be dropped.  */
static bool
can_evict (const fixture *fx)
{
  struct statfs sf;
  g_assert_cmpint (statfs (fx->dir, &sf), ==, 0);
  if ((unsigned long) sf.f_type == TMPFS_MAGIC_)
    {
      g_test_skip ("test directory is on tmpfs: its pages cannot be evicted");
      return false;
    }
  if (tu_under_valgrind ())
    {
      g_test_skip ("valgrind reads the files mapped: the page cache is "
                   "not the test's alone");
      return false;
    }
  return true;
}

/* Drop the whole file from the page cache through a descriptor of its
 * own, after writing it back.  */
static void
drop_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fdatasync (fd), ==, 0);
  g_assert_cmpint (posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED), ==, 0);
  close (fd);
}

/* Bring exactly one page into the page cache (no read-ahead).  */
static void
read_one_page (const char *path, uint64_t page)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf = g_malloc (ps);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (posix_fadvise (fd, 0, 0, POSIX_FADV_RANDOM), ==, 0);
  g_assert_cmpint (pread (fd, buf, ps, (off_t) (page * ps)), ==, (gssize) ps);
  close (fd);
  g_free (buf);
}

#define CHECK_BOUNDS(call_off_len, size) \
  do { \
    uint64_t s_ = (size); \
    uint64_t off, len; \
    off = s_ + 1; len = 0; \
    g_assert_cmpint ((call_off_len), ==, MMAPIO_E_BOUNDS); \
    off = 0; len = s_ + 1; \
    g_assert_cmpint ((call_off_len), ==, MMAPIO_E_BOUNDS); \
    off = 1; len = UINT64_MAX; \
    g_assert_cmpint ((call_off_len), ==, MMAPIO_E_BOUNDS); \
    off = UINT64_MAX; len = 1; \
    g_assert_cmpint ((call_off_len), ==, MMAPIO_E_BOUNDS); \
  } while (0)

/* ------------------------------------------------------------------ */

/* Populate makes every page resident; evict makes none resident.  The
 * same checks run with cachestat (when present) and with mincore.  */
static void
check_populate_evict (void)
{
  fixture fx;
  fx_init (&fx, 64, 17);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      mmapio_residency_info res;
      uint64_t evicted = 0;
      drop_file (fx.path);
      mmapio_file *f = fx_open (&fx, (enum mmapio_mode) m);
      tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
      g_assert_cmpuint (res.total, ==, fx.pages);
      g_assert_cmpuint (res.resident, ==, 0);

      tu_assert_ok (mmapio_populate (f, 0, fx.size, 0, NULL));
      tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
      g_assert_cmpuint (res.total, ==, fx.pages);
      g_assert_cmpuint (res.resident, ==, fx.pages);

      tu_assert_ok (mmapio_evict (f, 0, fx.size, 0, &evicted));
      /* The count is measured before and after; under load mincore's
       * "before" can miss a few pages still on a per-CPU LRU list, so
       * the exact property checked is what is left.  A COW handle cannot
       * drop its own mapping of the pages (that would discard private
       * changes): MADV_PAGEOUT asks the kernel to reclaim them, which it
       * may not have finished when the file's pages are dropped, so a
       * few may stay.  */
      g_assert_cmpuint (evicted, >, 0);
      g_assert_cmpuint (evicted, <=, fx.pages);
      tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
      if (m == MMAPIO_COW)
        g_assert_cmpuint (res.resident, <, fx.pages / 2);
      else
        g_assert_cmpuint (res.resident, ==, 0);

      /* The data is intact after eviction.  */
      unsigned char b;
      tu_assert_ok (mmapio_read (f, fx.size - 1, &b, 1));
      g_assert_cmpint (b, ==, tu_byte (fx.size - 1));
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

static void
test_populate_evict (void)
{
  check_populate_evict ();
}

/* Which pages are resident, page by page.  */
static void
check_vector (enum mmapio_mode mode)
{
  fixture fx;
  fx_init (&fx, 16, 0);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  drop_file (fx.path);
  read_one_page (fx.path, 3);
  read_one_page (fx.path, 10);
  read_one_page (fx.path, 15);

  mmapio_file *f = fx_open (&fx, mode);
  unsigned char vec[16], want[16] = { 0 };
  mmapio_residency_info res;
  want[3] = want[10] = want[15] = 1;
  memset (vec, 0xaa, sizeof vec);
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, vec));
  g_assert_cmpuint (res.source, ==, MMAPIO_RES_MINCORE);
  g_assert_cmpuint (res.total, ==, 16);
  g_assert_cmpuint (res.resident, ==, 3);
  g_assert_cmpmem (vec, 16, want, 16);

  /* A sub-range, unaligned: bytes 2.5 pages .. 10.5 pages cover pages
   * 2..10.  */
  memset (vec, 0xaa, sizeof vec);
  tu_assert_ok (mmapio_residency (f, 2 * ps + ps / 2, 8 * ps, &res, vec));
  g_assert_cmpuint (res.total, ==, 9);
  g_assert_cmpuint (res.resident, ==, 2);
  g_assert_cmpmem (vec, 9, want + 2, 9);
  g_assert_cmpint (vec[9], ==, 0xaa);

  /* Counts only.  */
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
  g_assert_cmpuint (res.resident, ==, 3);
  tu_assert_ok (mmapio_residency (f, 4 * ps, 6 * ps, &res, NULL));
  g_assert_cmpuint (res.total, ==, 6);
  g_assert_cmpuint (res.resident, ==, 0);
  tu_assert_ok (mmapio_close (f));

  /* Windowed handles answer through the descriptor.  */
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.window = 2 * ps;
  tu_assert_ok (mmapio_open_ex (&f, fx.path, MMAPIO_RDONLY, &o));
  memset (vec, 0xaa, sizeof vec);
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, vec));
  g_assert_cmpuint (res.resident, ==, 3);
  g_assert_cmpmem (vec, 16, want, 16);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_vector (void)
{
  check_vector (MMAPIO_RDONLY);
  check_vector (MMAPIO_RDWR);
  check_vector (MMAPIO_COW);
}

static void
test_errors (void)
{
  fixture fx;
  fx_init (&fx, 4, 1);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR);
  mmapio_residency_info res;
  unsigned char vec[8];
  uint64_t ev = 42;
  CHECK_BOUNDS (mmapio_residency (f, off, len, &res, NULL), fx.size);
  CHECK_BOUNDS (mmapio_residency (f, off, len, &res, vec), fx.size);
  CHECK_BOUNDS (mmapio_evict (f, off, len, 0, &ev), fx.size);
  CHECK_BOUNDS (mmapio_evict (f, off, len, MMAPIO_EVICT_SYNC, &ev), fx.size);
  g_assert_cmpuint (ev, ==, 42);
  g_assert_cmpint (mmapio_evict (f, 0, ps, 1u << 9, NULL), ==, -EINVAL);

  /* Empty ranges.  */
  memset (&res, 0xff, sizeof res);
  tu_assert_ok (mmapio_residency (f, 3, 0, &res, NULL));
  g_assert_cmpuint (res.total, ==, 0);
  g_assert_cmpuint (res.resident, ==, 0);
  g_assert_true (res.source == MMAPIO_RES_CACHESTAT
                 || res.source == MMAPIO_RES_MINCORE);
  tu_assert_ok (mmapio_evict (f, fx.size, 0, 0, &ev));
  g_assert_cmpuint (ev, ==, 0);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);

  /* An empty mapping.  */
  fx_init (&fx, 0, 0);
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      f = fx_open (&fx, (enum mmapio_mode) m);
      tu_assert_ok (mmapio_residency (f, 0, 0, &res, vec));
      g_assert_cmpuint (res.total, ==, 0);
      g_assert_cmpint (mmapio_residency (f, 0, 1, &res, NULL), ==,
                       MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_evict (f, 0, 0, MMAPIO_EVICT_SYNC, NULL));
      g_assert_cmpint (mmapio_evict (f, 0, 1, 0, NULL), ==, MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

/* Evicting dirty pages of an RDWR mapping needs EVICT_SYNC; the data
 * reaches the file.  */
static void
test_evict_sync_rdwr (void)
{
  fixture fx;
  fx_init (&fx, 32, 0);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR);
  unsigned char *buf = g_malloc (fx.size), *got = g_malloc (fx.size);
  for (uint64_t i = 0; i < fx.size; i++)
    buf[i] = (unsigned char) (i * 7 + 1);
  tu_assert_ok (mmapio_write (f, 0, buf, fx.size));

  mmapio_residency_info res;
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
  g_assert_cmpuint (res.resident, ==, fx.pages);
  if (res.source == MMAPIO_RES_CACHESTAT)
    g_assert_cmpuint (res.dirty + res.writeback, >, 0);

  uint64_t evicted = 0;
  tu_assert_ok (mmapio_evict (f, 0, fx.size, MMAPIO_EVICT_SYNC, &evicted));
  g_assert_cmpuint (evicted, ==, fx.pages);
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
  g_assert_cmpuint (res.resident, ==, 0);
  g_assert_cmpuint (res.dirty, ==, 0);

  /* Read back from the disk.  */
  tu_pread (fx.path, 0, got, fx.size);
  g_assert_cmpmem (got, fx.size, buf, fx.size);
  tu_assert_ok (mmapio_read (f, 0, got, fx.size));
  g_assert_cmpmem (got, fx.size, buf, fx.size);
  tu_assert_ok (mmapio_close (f));
  g_free (buf);
  g_free (got);
  fx_fini (&fx);
}

/* Without EVICT_SYNC dirty pages may stay; nothing is lost either way. */
static void
test_evict_dirty_nosync (void)
{
  fixture fx;
  fx_init (&fx, 8, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR);
  unsigned char b = 0x5a, got;
  tu_assert_ok (mmapio_write (f, 3 * ps, &b, 1));
  uint64_t evicted = 0;
  tu_assert_ok (mmapio_evict (f, 0, fx.size, 0, &evicted));
  g_assert_cmpuint (evicted, <=, fx.pages);
  tu_assert_ok (mmapio_read (f, 3 * ps, &got, 1));
  g_assert_cmpint (got, ==, 0x5a);
  tu_assert_ok (mmapio_flush (f));
  tu_pread (fx.path, 3 * ps, &got, 1);
  g_assert_cmpint (got, ==, 0x5a);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

/* A COW handle keeps its private pages through an eviction.  */
static void
test_evict_cow (void)
{
  fixture fx;
  fx_init (&fx, 8, 0);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  mmapio_file *f = fx_open (&fx, MMAPIO_COW);
  unsigned char b = (unsigned char) ~tu_byte (ps), got;
  tu_assert_ok (mmapio_write (f, ps, &b, 1));
  tu_assert_ok (mmapio_evict (f, 0, fx.size, MMAPIO_EVICT_SYNC, NULL));
  tu_assert_ok (mmapio_read (f, ps, &got, 1));
  g_assert_cmpint (got, ==, b);
  tu_pread (fx.path, ps, &got, 1);
  g_assert_cmpint (got, ==, tu_byte (ps));
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_evict_windowed (void)
{
  fixture fx;
  fx_init (&fx, 16, 0);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.window = 4 * ps;
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_open_ex (&f, fx.path, MMAPIO_RDWR, &o));
  unsigned char *buf = g_malloc (fx.size);
  tu_assert_ok (mmapio_read (f, 0, buf, fx.size));
  uint64_t evicted = 0;
  tu_assert_ok (mmapio_evict (f, 0, fx.size, MMAPIO_EVICT_SYNC, &evicted));
  g_assert_cmpuint (evicted, ==, fx.pages);
  mmapio_residency_info res;
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
  g_assert_cmpuint (res.resident, ==, 0);
  tu_assert_ok (mmapio_close (f));
  g_free (buf);
  fx_fini (&fx);
}

/* ------------------------------------------------------------------ */
/* Descriptors.  */

static void
test_fd (void)
{
  fixture fx;
  fx_init (&fx, 20, 100);
  if (!can_evict (&fx))
    {
      fx_fini (&fx);
      return;
    }
  int fd = open (fx.path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  mmapio_residency_info res;
  uint64_t evicted = 0;

  /* Everything is cached right after writing the file.  */
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.total, ==, fx.pages);
  g_assert_cmpuint (res.resident, ==, fx.pages);
  tu_assert_ok (mmapio_fd_evict (fd, 0, 0, MMAPIO_EVICT_SYNC, &evicted));
  g_assert_cmpuint (evicted, ==, fx.pages);
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.resident, ==, 0);

  read_one_page (fx.path, 7);
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.resident, ==, 1);
  tu_assert_ok (mmapio_fd_residency (fd, 7 * ps + 5, 1, &res));
  g_assert_cmpuint (res.total, ==, 1);
  g_assert_cmpuint (res.resident, ==, 1);
  /* From an offset to the end.  */
  tu_assert_ok (mmapio_fd_residency (fd, 8 * ps, 0, &res));
  g_assert_cmpuint (res.total, ==, fx.pages - 8);
  g_assert_cmpuint (res.resident, ==, 0);
  tu_assert_ok (mmapio_fd_residency (fd, fx.size, 0, &res));
  g_assert_cmpuint (res.total, ==, 0);

  /* Evict a range only.  */
  read_one_page (fx.path, 2);
  tu_assert_ok (mmapio_fd_evict (fd, 7 * ps, ps, 0, &evicted));
  g_assert_cmpuint (evicted, ==, 1);
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.resident, ==, 1);
  tu_assert_ok (mmapio_fd_evict (fd, 0, 0, 0, NULL));
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.resident, ==, 0);

  CHECK_BOUNDS (mmapio_fd_residency (fd, off, len ? len : 1, &res), fx.size);
  CHECK_BOUNDS (mmapio_fd_evict (fd, off, len ? len : 1, 0, NULL), fx.size);
  g_assert_cmpint (mmapio_fd_residency (fd, fx.size + 1, 0, &res), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_fd_evict (fd, 0, 0, 1u << 4, NULL), ==, -EINVAL);
  close (fd);

  /* Bad descriptors and files that are not files.  */
  g_assert_cmpint (mmapio_fd_residency (-1, 0, 0, &res), ==, -EBADF);
  g_assert_cmpint (mmapio_fd_residency (fd, 0, 0, &res), ==, -EBADF);
  g_assert_cmpint (mmapio_fd_evict (-1, 0, 0, 0, NULL), ==, -EBADF);
  g_assert_cmpint (mmapio_fd_evict (fd, 0, 0, 0, NULL), ==, -EBADF);
  int dfd = open (fx.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (mmapio_fd_residency (dfd, 0, 0, &res), ==, -EISDIR);
  close (dfd);
  int pfd[2];
  g_assert_cmpint (pipe (pfd), ==, 0);
  g_assert_cmpint (mmapio_fd_residency (pfd[0], 0, 0, &res), ==, -ENODEV);
  g_assert_cmpint (mmapio_fd_evict (pfd[0], 0, 0, 0, NULL), ==, -ENODEV);
  close (pfd[0]);
  close (pfd[1]);
  fx_fini (&fx);
}

/* A sparse 3 GiB file: the mincore fallback walks it in windows.  */
static void
check_fd_large (void)
{
  if (tu_under_valgrind ())
    {
      g_test_skip ("valgrind reads the files mapped: the page cache is "
                   "not the test's alone");
      return;
    }
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "sparse", NULL);
  uint64_t size = (uint64_t) 3 << 30;
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  uint64_t page = ((uint64_t) 5 << 29) / ps + 3;  /* past 2.5 GiB */
  read_one_page (path, page);

  mmapio_residency_info res;
  tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
  g_assert_cmpuint (res.total, ==, size / ps);
  g_assert_cmpuint (res.resident, ==, 1);
  tu_assert_ok (mmapio_fd_residency (fd, page * ps, ps, &res));
  g_assert_cmpuint (res.resident, ==, 1);
  tu_assert_ok (mmapio_fd_residency (fd, (page + 1) * ps, 0, &res));
  g_assert_cmpuint (res.resident, ==, 0);
  close (fd);
  g_unlink (path);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_fd_large (void)
{
  check_fd_large ();
}

/* MMAPIO_FORCE_MINCORE=1 is read once per process: run in a child.  */
static void
test_forced_mincore (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("MMAPIO_FORCE_MINCORE", "1", TRUE);
      fixture fx;
      fx_init (&fx, 4, 0);
      mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY);
      mmapio_residency_info res;
      tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
      g_assert_cmpuint (res.source, ==, MMAPIO_RES_MINCORE);
      g_assert_cmpuint (res.dirty, ==, 0);
      tu_assert_ok (mmapio_close (f));
      int fd = open (fx.path, O_RDONLY | O_CLOEXEC);
      tu_assert_ok (mmapio_fd_residency (fd, 0, 0, &res));
      g_assert_cmpuint (res.source, ==, MMAPIO_RES_MINCORE);
      close (fd);
      fx_fini (&fx);

      check_populate_evict ();
      check_vector (MMAPIO_RDWR);
      check_fd_large ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_cachestat (void)
{
  fixture fx;
  fx_init (&fx, 4, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY);
  mmapio_residency_info res;
  tu_assert_ok (mmapio_residency (f, 0, fx.size, &res, NULL));
  if (res.source != MMAPIO_RES_CACHESTAT)
    g_test_skip ("cachestat(2) is not available");
  else
    g_assert_cmpuint (res.resident, <=, res.total);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

/* As an unprivileged user, a file owned by someone else and not
 * writable: mincore() would claim every page resident.  The parent
 * creates the file (and removes it afterwards: the child cannot once it
 * gave up its privileges); the child opens it, then drops to "nobody".  */
static int
open_then_drop_privileges (void)
{
  const char *path = g_getenv ("MMAPIO_TEST_FAKE_FILE");
  g_assert_nonnull (path);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  /* No owner match, no CAP_FOWNER, no write permission.  */
  g_assert_true (tu_become_nobody ());
  return fd;
}

static void
run_fake_child (void)
{
  fixture fx;
  fx_init (&fx, 8, 0);
  g_assert_cmpint (chmod (fx.path, 0644), ==, 0);
  drop_file (fx.path);
  g_setenv ("MMAPIO_TEST_FAKE_FILE", fx.path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  fx_fini (&fx);
}

static void
test_fake (void)
{
  if (geteuid () != 0)
    {
      g_test_skip ("needs root to make a file another user cannot write");
      return;
    }
  if (!g_test_subprocess ())
    {
      run_fake_child ();
      return;
    }

  int fd = open_then_drop_privileges ();
  mmapio_file *f = NULL;
  uint64_t size = 8 * ps;
  tu_assert_ok (mmapio_open_fd (&f, fd, "fake", MMAPIO_RDONLY, 0));
  mmapio_residency_info res;
  unsigned char vec[8];
  int r = mmapio_residency (f, 0, size, &res, NULL);
  /* A kernel whose cachestat lacks the permission check answers
   * truthfully.  */
  g_assert_true (r == MMAPIO_E_FAKE
                 || (r == 0 && res.source == MMAPIO_RES_CACHESTAT
                     && res.resident == 0));
  r = mmapio_fd_residency (fd, 0, 0, &res);
  g_assert_true (r == MMAPIO_E_FAKE
                 || (r == 0 && res.source == MMAPIO_RES_CACHESTAT
                     && res.resident == 0));
  /* A vector needs mincore: believed only if cachestat agrees.  */
  r = mmapio_residency (f, 0, size, &res, vec);
  g_assert_true (r == MMAPIO_E_FAKE || (r == 0 && res.resident == 0));
  /* Eviction still works; only its count cannot be had.  */
  uint64_t ev = 5;
  tu_assert_ok (mmapio_evict (f, 0, size, 0, NULL));
  r = mmapio_evict (f, 0, size, 0, &ev);
  g_assert_true (r == MMAPIO_E_FAKE || (r == 0 && ev == 0));
  tu_assert_ok (mmapio_close (f));
  close (fd);
}

static void
test_fake_mincore (void)
{
  if (geteuid () != 0)
    {
      g_test_skip ("needs root to make a file another user cannot write");
      return;
    }
  if (!g_test_subprocess ())
    {
      run_fake_child ();
      return;
    }

  g_setenv ("MMAPIO_FORCE_MINCORE", "1", TRUE);
  int fd = open_then_drop_privileges ();
  mmapio_file *f = NULL;
  uint64_t size = 8 * ps;
  tu_assert_ok (mmapio_open_fd (&f, fd, "fake", MMAPIO_RDONLY, 0));
  mmapio_residency_info res;
  unsigned char vec[8];
  /* Without cachestat no trustworthy source remains.  */
  g_assert_cmpint (mmapio_residency (f, 0, size, &res, NULL), ==,
                   MMAPIO_E_FAKE);
  g_assert_cmpint (mmapio_residency (f, 0, size, &res, vec), ==,
                   MMAPIO_E_FAKE);
  g_assert_cmpint (mmapio_fd_residency (fd, 0, 0, &res), ==, MMAPIO_E_FAKE);
  tu_assert_ok (mmapio_close (f));
  close (fd);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ps = (size_t) sysconf (_SC_PAGESIZE);

  g_test_add_func ("/residency/populate-evict", test_populate_evict);
  g_test_add_func ("/residency/vector", test_vector);
  g_test_add_func ("/residency/errors", test_errors);
  g_test_add_func ("/residency/cachestat", test_cachestat);
  g_test_add_func ("/residency/forced-mincore", test_forced_mincore);
  g_test_add_func ("/residency/fake", test_fake);
  g_test_add_func ("/residency/fake-mincore", test_fake_mincore);
  g_test_add_func ("/residency/fd", test_fd);
  g_test_add_func ("/residency/fd-large", test_fd_large);
  g_test_add_func ("/evict/sync-rdwr", test_evict_sync_rdwr);
  g_test_add_func ("/evict/dirty-nosync", test_evict_dirty_nosync);
  g_test_add_func ("/evict/cow", test_evict_cow);
  g_test_add_func ("/evict/windowed", test_evict_windowed);
  return g_test_run ();
}
