/* test-io.c — views, copying reads and writes, mark_dirty.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <stdlib.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))
#define SIZE 20000u

struct fixture
{
  char *dir;
  char *path;
  mmapio_file *f;
};

static void
fixture_open (struct fixture *fx, enum mmapio_mode mode)
{
  fx->dir = tu_tmpdir ();
  fx->path = tu_pattern_file (fx->dir, "f", SIZE);
  fx->f = NULL;
  tu_assert_ok (mmapio_open (&fx->f, fx->path, mode, 0));
}

static void
fixture_close (struct fixture *fx)
{
  tu_assert_ok (mmapio_close (fx->f));
  tu_tmpdir_free (fx->dir);
  g_free (fx->path);
}

/* ---- Views ----------------------------------------------------------- */

static void
check_view_ranges (enum mmapio_mode mode)
{
  struct fixture fx;
  mmapio_view v;

  fixture_open (&fx, mode);
  /* The whole file, and ranges ending exactly at the end.  */
  tu_assert_ok (mmapio_view_get (fx.f, 0, SIZE, &v));
  g_assert_cmpuint (v.len, ==, SIZE);
  tu_assert_pattern (v.data, 0, SIZE);
  mmapio_view_release (&v);
  tu_assert_ok (mmapio_view_get (fx.f, SIZE - 7, 7, &v));
  g_assert_cmpuint (v.len, ==, 7);
  tu_assert_pattern (v.data, SIZE - 7, 7);
  mmapio_view_release (&v);
  tu_assert_ok (mmapio_view_get (fx.f, SIZE, 0, &v));
  g_assert_nonnull (v.data);
  g_assert_cmpuint (v.len, ==, 0);
  mmapio_view_release (&v);
  /* One byte too far.  */
  g_assert_cmpint (mmapio_view_get (fx.f, SIZE - 7, 8, &v), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get (fx.f, SIZE + 1, 0, &v), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get (fx.f, 0, SIZE + 1, &v), ==,
                   MMAPIO_E_BOUNDS);
  /* off + len wraps around.  */
  g_assert_cmpint (mmapio_view_get (fx.f, 10, UINT64_MAX, &v), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get (fx.f, UINT64_MAX, 2, &v), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get (fx.f, UINT64_MAX, UINT64_MAX, &v), ==,
                   MMAPIO_E_BOUNDS);
  fixture_close (&fx);
}

static void
test_view_ranges_rdonly (void)
{
  check_view_ranges (MMAPIO_RDONLY);
}

static void
test_view_ranges_rdwr (void)
{
  check_view_ranges (MMAPIO_RDWR);
}

static void
test_view_ranges_cow (void)
{
  check_view_ranges (MMAPIO_COW);
}

static void
test_view_points_into_mapping (void)
{
  struct fixture fx;
  mmapio_view v;

  fixture_open (&fx, MMAPIO_RDONLY);
  tu_assert_ok (mmapio_view_get (fx.f, 1234, 100, &v));
  g_assert_true ((const unsigned char *) v.data
                 == (const unsigned char *) mmapio_data (fx.f) + 1234);
  mmapio_view_release (&v);
  fixture_close (&fx);
}

static void
test_view_mut_rdonly (void)
{
  struct fixture fx;
  mmapio_view_mut m;

  fixture_open (&fx, MMAPIO_RDONLY);
  g_assert_cmpint (mmapio_view_get_mut (fx.f, 0, 10, &m), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_view_get_mut (fx.f, 0, 0, &m), ==, MMAPIO_E_MODE);
  fixture_close (&fx);
}

static void
test_view_mut_bounds (void)
{
  struct fixture fx;
  mmapio_view_mut m;

  fixture_open (&fx, MMAPIO_RDWR);
  g_assert_cmpint (mmapio_view_get_mut (fx.f, 1, SIZE, &m), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_view_get_mut (fx.f, 1, UINT64_MAX, &m), ==,
                   MMAPIO_E_BOUNDS);
  /* A refused view must not count as written.  */
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  /* Nor leave the handle busy: a shrink still works.  */
  tu_assert_ok (mmapio_resize (fx.f, 10));
  fixture_close (&fx);
}

static void
test_view_mut_rdwr (void)
{
  struct fixture fx;
  mmapio_view_mut m;
  unsigned char back[5];

  fixture_open (&fx, MMAPIO_RDWR);
  tu_assert_ok (mmapio_view_get_mut (fx.f, 100, 5, &m));
  g_assert_cmpuint (m.len, ==, 5);
  memcpy (m.data, "HELLO", 5);
  /* Counts as written from the moment it is taken.  */
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 5);
  mmapio_view_mut_release (&m);
  tu_pread (fx.path, 100, back, 5);
  g_assert_cmpmem (back, 5, "HELLO", 5);
  fixture_close (&fx);
}

static void
test_view_release_twice (void)
{
  struct fixture fx;
  mmapio_view v;
  mmapio_view_mut m;

  fixture_open (&fx, MMAPIO_RDWR);
  tu_assert_ok (mmapio_view_get (fx.f, 0, 10, &v));
  mmapio_view_release (&v);
  mmapio_view_release (&v);
  tu_assert_ok (mmapio_view_get_mut (fx.f, 0, 10, &m));
  mmapio_view_mut_release (&m);
  mmapio_view_mut_release (&m);
  mmapio_view_release (NULL);
  mmapio_view_mut_release (NULL);
  /* Had a release been counted twice, the view accounting would be off:
   * a shrink must see no live view, and a new view must still block it.  */
  tu_assert_ok (mmapio_resize (fx.f, SIZE - 100));
  tu_assert_ok (mmapio_view_get (fx.f, 0, 10, &v));
  g_assert_cmpint (mmapio_resize (fx.f, SIZE - 200), ==, -EBUSY);
  mmapio_view_release (&v);
  tu_assert_ok (mmapio_resize (fx.f, SIZE - 200));
  fixture_close (&fx);
}

/* ---- mmapio_read ------------------------------------------------------- */

static void
check_read (enum mmapio_mode mode)
{
  struct fixture fx;
  unsigned char buf[SIZE];

  fixture_open (&fx, mode);
  tu_assert_ok (mmapio_read (fx.f, 0, buf, SIZE));
  tu_assert_pattern (buf, 0, SIZE);
  tu_assert_ok (mmapio_read (fx.f, 4093, buf, 10));
  tu_assert_pattern (buf, 4093, 10);
  tu_assert_ok (mmapio_read (fx.f, SIZE - 1, buf, 1));
  tu_assert_pattern (buf, SIZE - 1, 1);
  tu_assert_ok (mmapio_read (fx.f, SIZE, buf, 0));
  /* A zero-length read needs no buffer.  */
  tu_assert_ok (mmapio_read (fx.f, 0, NULL, 0));
  g_assert_cmpint (mmapio_read (fx.f, 0, NULL, 1), ==, -EINVAL);
  g_assert_cmpint (mmapio_read (fx.f, SIZE - 1, buf, 2), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_read (fx.f, SIZE + 1, buf, 0), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_read (fx.f, UINT64_MAX, buf, 2), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_read (fx.f, 2, buf, SIZE_MAX), ==, MMAPIO_E_BOUNDS);
  fixture_close (&fx);
}

static void
test_read_rdonly (void)
{
  check_read (MMAPIO_RDONLY);
}

static void
test_read_rdwr (void)
{
  check_read (MMAPIO_RDWR);
}

static void
test_read_cow (void)
{
  check_read (MMAPIO_COW);
}

/* ---- mmapio_write -------------------------------------------------------- */

static void
test_write_rdonly (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDONLY);
  g_assert_cmpint (mmapio_write (fx.f, 0, "x", 1), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_write (fx.f, 0, "x", 0), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_write (fx.f, UINT64_MAX, "x", 1), ==,
                   MMAPIO_E_MODE);
  fixture_close (&fx);
}

static void
test_write_bounds (void)
{
  struct fixture fx;
  unsigned char back[4];

  fixture_open (&fx, MMAPIO_RDWR);
  g_assert_cmpint (mmapio_write (fx.f, SIZE - 3, "abcd", 4), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_write (fx.f, UINT64_MAX, "ab", 2), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_write (fx.f, 0, NULL, 1), ==, -EINVAL);
  /* Nothing was written by the refused calls.  */
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_pread (fx.path, SIZE - 4, back, 4);
  tu_assert_pattern (back, SIZE - 4, 4);
  /* Exactly up to the end is fine.  */
  tu_assert_ok (mmapio_write (fx.f, SIZE - 4, "wxyz", 4));
  tu_pread (fx.path, SIZE - 4, back, 4);
  g_assert_cmpmem (back, 4, "wxyz", 4);
  tu_assert_ok (mmapio_write (fx.f, SIZE, "", 0));
  fixture_close (&fx);
}

static void
test_write_rdwr_visible (void)
{
  struct fixture fx;
  unsigned char data[3 * 4096], back[3 * 4096];

  fixture_open (&fx, MMAPIO_RDWR);
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 7 + 1);
  /* Across page boundaries, no flush: the page cache is shared, so a
   * second descriptor sees the bytes at once.  */
  tu_assert_ok (mmapio_write (fx.f, 1000, data, sizeof data));
  tu_pread (fx.path, 1000, back, sizeof back);
  g_assert_cmpmem (back, sizeof back, data, sizeof data);
  /* And the untouched neighbours are intact.  */
  tu_pread (fx.path, 990, back, 10);
  tu_assert_pattern (back, 990, 10);
  tu_pread (fx.path, 1000 + sizeof data, back, 10);
  tu_assert_pattern (back, 1000 + sizeof data, 10);
  fixture_close (&fx);
}

static void
test_write_cow_private (void)
{
  struct fixture fx;
  unsigned char back[100];
  mmapio_view_mut m;

  fixture_open (&fx, MMAPIO_COW);
  tu_assert_ok (mmapio_write (fx.f, 50, "private", 7));
  tu_assert_ok (mmapio_view_get_mut (fx.f, 8000, 3, &m));
  memcpy (m.data, "cow", 3);
  mmapio_view_mut_release (&m);
  /* Visible through the handle...  */
  tu_assert_ok (mmapio_read (fx.f, 50, back, 7));
  g_assert_cmpmem (back, 7, "private", 7);
  tu_assert_ok (mmapio_read (fx.f, 8000, back, 3));
  g_assert_cmpmem (back, 3, "cow", 3);
  /* ...never in the file, even after a flush (a no-op) and a close.  */
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_assert_ok (mmapio_flush (fx.f));
  tu_pread (fx.path, 50, back, 7);
  tu_assert_pattern (back, 50, 7);
  tu_pread (fx.path, 8000, back, 3);
  tu_assert_pattern (back, 8000, 3);
  fixture_close (&fx);
}

static void
test_write_cow_sees_others (void)
{
  struct fixture fx;
  unsigned char back[4];

  /* Pages a COW handle has not written still show the file as it is.  */
  fixture_open (&fx, MMAPIO_COW);
  int fd = open (fx.path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, "EXT!", 4, 3 * 4096 + 8), ==, 4);
  close (fd);
  tu_assert_ok (mmapio_read (fx.f, 3 * 4096 + 8, back, 4));
  g_assert_cmpmem (back, 4, "EXT!", 4);
  fixture_close (&fx);
}

/* ---- mark_dirty ------------------------------------------------------- */

static void
test_mark_dirty_rdonly (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDONLY);
  g_assert_cmpint (mmapio_mark_dirty (fx.f, 0, 10), ==, MMAPIO_E_MODE);
  fixture_close (&fx);
}

static void
test_mark_dirty_bounds (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR);
  g_assert_cmpint (mmapio_mark_dirty (fx.f, SIZE, 1), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_mark_dirty (fx.f, 5, UINT64_MAX), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_mark_dirty (fx.f, UINT64_MAX, 1), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_assert_ok (mmapio_mark_dirty (fx.f, SIZE, 0));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

static void
test_mark_dirty_counts (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR);
  unsigned char *p = mmapio_data (fx.f);
  memcpy (p + 10, "raw", 3);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_assert_ok (mmapio_mark_dirty (fx.f, 10, 3));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 3);
  /* Counted per page, capped at a page.  */
  tu_assert_ok (mmapio_mark_dirty (fx.f, 0, 2 * PAGE));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 2 * PAGE);
  tu_assert_ok (mmapio_mark_dirty (fx.f, 0, PAGE));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 2 * PAGE);
  tu_assert_ok (mmapio_flush_range (fx.f, 0, 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, PAGE);
  fixture_close (&fx);
}

static void
test_mark_dirty_cow (void)
{
  struct fixture fx;

  /* Accepted on COW, but nothing there is ever pending.  */
  fixture_open (&fx, MMAPIO_COW);
  tu_assert_ok (mmapio_mark_dirty (fx.f, 0, 100));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  g_assert_cmpint (mmapio_mark_dirty (fx.f, 0, SIZE + 1), ==,
                   MMAPIO_E_BOUNDS);
  fixture_close (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/view/ranges/rdonly", test_view_ranges_rdonly);
  g_test_add_func ("/view/ranges/rdwr", test_view_ranges_rdwr);
  g_test_add_func ("/view/ranges/cow", test_view_ranges_cow);
  g_test_add_func ("/view/points-into-mapping",
                   test_view_points_into_mapping);
  g_test_add_func ("/view/mut-rdonly", test_view_mut_rdonly);
  g_test_add_func ("/view/mut-bounds", test_view_mut_bounds);
  g_test_add_func ("/view/mut-rdwr", test_view_mut_rdwr);
  g_test_add_func ("/view/release-twice", test_view_release_twice);
  g_test_add_func ("/read/rdonly", test_read_rdonly);
  g_test_add_func ("/read/rdwr", test_read_rdwr);
  g_test_add_func ("/read/cow", test_read_cow);
  g_test_add_func ("/write/rdonly", test_write_rdonly);
  g_test_add_func ("/write/bounds", test_write_bounds);
  g_test_add_func ("/write/rdwr-visible", test_write_rdwr_visible);
  g_test_add_func ("/write/cow-private", test_write_cow_private);
  g_test_add_func ("/write/cow-sees-others", test_write_cow_sees_others);
  g_test_add_func ("/mark-dirty/rdonly", test_mark_dirty_rdonly);
  g_test_add_func ("/mark-dirty/bounds", test_mark_dirty_bounds);
  g_test_add_func ("/mark-dirty/counts", test_mark_dirty_counts);
  g_test_add_func ("/mark-dirty/cow", test_mark_dirty_cow);

  return g_test_run ();
}
