/* test-window.c — windowed mode: a sliding mapping over a larger file.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <stdlib.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))
#define WINDOW (64u * 1024)
/* Several MiB, and not a whole number of pages.  */
#define SIZE ((5u << 20) + 123)

struct fixture
{
  char *dir;
  char *path;
  mmapio_file *f;
};

static void
fixture_open (struct fixture *fx, enum mmapio_mode mode, uint64_t window)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;

  o.window = window;
  fx->dir = tu_tmpdir ();
  fx->path = tu_pattern_file (fx->dir, "f", SIZE);
  fx->f = NULL;
  tu_assert_ok (mmapio_open_ex (&fx->f, fx->path, mode, &o));
}

static void
fixture_close (struct fixture *fx)
{
  tu_assert_ok (mmapio_close (fx->f));
  tu_tmpdir_free (fx->dir);
  g_free (fx->path);
}

/* Ranges that start and end on both sides of window boundaries, span
 * several windows, or end exactly at the end of the file.  */
static const struct
{
  uint64_t off, len;
} ranges[] = {
  { 0, 1 },
  { 0, WINDOW },
  { WINDOW - 1, 2 },
  { WINDOW - 100, WINDOW + 200 },
  { 3 * WINDOW + 17, 5 * WINDOW + 3 },
  { 10, 1u << 20 },
  { SIZE - 1, 1 },
  { SIZE - WINDOW - 5, WINDOW + 5 },
  { SIZE - 300000, 300000 },
  { 2u << 20, 0 },
  { SIZE, 0 },
};

static void
check_reads (mmapio_file *f, const char *path)
{
  for (size_t i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      size_t len = (size_t) ranges[i].len;
      unsigned char *got = g_malloc (len + 1);
      unsigned char *want = g_malloc (len + 1);
      tu_assert_ok (mmapio_read (f, ranges[i].off, got, len));
      tu_pread (path, ranges[i].off, want, len);
      g_assert_cmpmem (got, len, want, len);
      g_free (got);
      g_free (want);
    }
}

static void
test_window_read (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDONLY, WINDOW);
  g_assert_cmpuint (mmapio_size (fx.f), ==, SIZE);
  check_reads (fx.f, fx.path);
  /* Going backwards moves the window back.  */
  for (size_t i = G_N_ELEMENTS (ranges); i-- > 0;)
    {
      unsigned char b[2];
      size_t n = ranges[i].len ? 1 : 0;
      tu_assert_ok (mmapio_read (fx.f, ranges[i].off, b, n));
      tu_assert_pattern (b, ranges[i].off, n);
    }
  fixture_close (&fx);
}

static void
test_window_read_random (void)
{
  struct fixture fx;
  GRand *rand = g_rand_new_with_seed (12345);
  unsigned char *buf = g_malloc (3 * WINDOW);

  fixture_open (&fx, MMAPIO_RDONLY, WINDOW);
  for (int i = 0; i < 300; i++)
    {
      uint64_t off = (uint64_t) g_rand_int_range (rand, 0, SIZE);
      uint64_t len = (uint64_t) g_rand_int_range (rand, 0, 3 * WINDOW);
      if (len > SIZE - off)
        len = SIZE - off;
      tu_assert_ok (mmapio_read (fx.f, off, buf, (size_t) len));
      tu_assert_pattern (buf, off, (size_t) len);
    }
  g_free (buf);
  g_rand_free (rand);
  fixture_close (&fx);
}

static void
test_window_bounds (void)
{
  struct fixture fx;
  unsigned char b[4];

  fixture_open (&fx, MMAPIO_RDWR, WINDOW);
  g_assert_cmpint (mmapio_read (fx.f, SIZE - 1, b, 2), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_read (fx.f, UINT64_MAX, b, 2), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_write (fx.f, SIZE - 3, b, 4), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_write (fx.f, 1, b, SIZE_MAX), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

static void
test_window_write (void)
{
  struct fixture fx;
  GRand *rand = g_rand_new_with_seed (777);

  fixture_open (&fx, MMAPIO_RDWR, WINDOW);
  for (size_t i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      size_t len = (size_t) ranges[i].len;
      unsigned char *data = g_malloc (len + 1);
      unsigned char *back = g_malloc (len + 1);
      for (size_t j = 0; j < len; j++)
        data[j] = (unsigned char) g_rand_int (rand);
      tu_assert_ok (mmapio_write (fx.f, ranges[i].off, data, len));
      /* Shared: visible through another descriptor at once.  */
      tu_pread (fx.path, ranges[i].off, back, len);
      g_assert_cmpmem (back, len, data, len);
      tu_assert_ok (mmapio_read (fx.f, ranges[i].off, back, len));
      g_assert_cmpmem (back, len, data, len);
      g_free (data);
      g_free (back);
    }
  /* The bytes around a small write are untouched.  */
  tu_assert_ok (mmapio_write (fx.f, 70 * WINDOW - 2, "abcd", 4));
  unsigned char around[8];
  tu_pread (fx.path, 70 * WINDOW - 4, around, 8);
  tu_assert_pattern (around, 70 * WINDOW - 4, 2);
  g_assert_cmpmem (around + 2, 4, "abcd", 4);
  tu_assert_pattern (around + 6, 70 * WINDOW + 2, 2);
  g_rand_free (rand);
  fixture_close (&fx);
}

static void
test_window_write_rdonly (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDONLY, WINDOW);
  g_assert_cmpint (mmapio_write (fx.f, 0, "x", 1), ==, MMAPIO_E_MODE);
  fixture_close (&fx);
}

static void
test_window_flush (void)
{
  struct fixture fx;
  unsigned char back[6];

  fixture_open (&fx, MMAPIO_RDWR, WINDOW);
  int fd = open (fx.path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  tu_assert_ok (mmapio_write (fx.f, WINDOW - 3, "window", 6));
  tu_assert_ok (mmapio_write (fx.f, 40 * WINDOW, "second", 6));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 12);
  int64_t dirty = tu_dirty_pages (fx.path);
  if (dirty >= 0)
    g_assert_cmpint (dirty, >, 0);
  tu_assert_ok (mmapio_flush (fx.f));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  if (dirty >= 0)
    g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  tu_pread (fx.path, WINDOW - 3, back, 6);
  g_assert_cmpmem (back, 6, "window", 6);
  /* Range flushes and the asynchronous ones work there too.  */
  tu_assert_ok (mmapio_write (fx.f, 3, "again!", 6));
  tu_assert_ok (mmapio_flush_async (fx.f));
  tu_assert_ok (mmapio_flush_range_async (fx.f, 0, 10));
  tu_assert_ok (mmapio_flush_range (fx.f, 0, 10));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  g_assert_cmpint (mmapio_flush_range (fx.f, SIZE, 1), ==, MMAPIO_E_BOUNDS);
  fixture_close (&fx);
}

static void
test_window_policy (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, WINDOW);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_WRITES, 2));
  tu_assert_ok (mmapio_write (fx.f, 0, "a", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 1);
  tu_assert_ok (mmapio_write (fx.f, 20 * WINDOW, "b", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

static void
check_refused (enum mmapio_mode mode)
{
  struct fixture fx;
  mmapio_view v;
  mmapio_view_mut m;

  fixture_open (&fx, mode, WINDOW);
  g_assert_null (mmapio_data (fx.f));
  g_assert_cmpint (mmapio_view_get (fx.f, 0, 10, &v), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_view_get (fx.f, 0, 0, &v), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_view_get_mut (fx.f, 0, 10, &m), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_resize (fx.f, SIZE * 2), ==, MMAPIO_E_MODE);
  g_assert_cmpuint (mmapio_size (fx.f), ==, SIZE);
  fixture_close (&fx);
}

static void
test_window_refused_rdonly (void)
{
  check_refused (MMAPIO_RDONLY);
}

static void
test_window_refused_rdwr (void)
{
  check_refused (MMAPIO_RDWR);
}

static void
test_window_cow (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 1000);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f = NULL;

  /* Windows are shared mappings: COW cannot be windowed.  */
  o.window = WINDOW;
  g_assert_cmpint (mmapio_open_ex (&f, path, MMAPIO_COW, &o), ==, -EINVAL);
  g_assert_null (f);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_window_tiny (void)
{
  struct fixture fx;
  unsigned char buf[3 * 4096 + 10];

  /* A one-byte window is rounded up to a page.  */
  fixture_open (&fx, MMAPIO_RDONLY, 1);
  tu_assert_ok (mmapio_read (fx.f, PAGE - 5, buf, sizeof buf));
  tu_assert_pattern (buf, PAGE - 5, sizeof buf);
  fixture_close (&fx);
}

static void
test_window_larger_than_file (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 5000);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f = NULL;
  unsigned char buf[5000];

  o.window = 1u << 20;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o));
  tu_assert_ok (mmapio_read (f, 0, buf, sizeof buf));
  tu_assert_pattern (buf, 0, sizeof buf);
  tu_assert_ok (mmapio_write (f, 4990, "0123456789", 10));
  tu_assert_ok (mmapio_close (f));
  tu_pread (path, 4990, buf, 10);
  g_assert_cmpmem (buf, 10, "0123456789", 10);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
test_window_empty (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 0);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f = NULL;
  unsigned char b;

  o.window = WINDOW;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o));
  g_assert_cmpuint (mmapio_size (f), ==, 0);
  tu_assert_ok (mmapio_read (f, 0, &b, 0));
  g_assert_cmpint (mmapio_read (f, 0, &b, 1), ==, MMAPIO_E_BOUNDS);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/window/read", test_window_read);
  g_test_add_func ("/window/read-random", test_window_read_random);
  g_test_add_func ("/window/bounds", test_window_bounds);
  g_test_add_func ("/window/write", test_window_write);
  g_test_add_func ("/window/write-rdonly", test_window_write_rdonly);
  g_test_add_func ("/window/flush", test_window_flush);
  g_test_add_func ("/window/policy", test_window_policy);
  g_test_add_func ("/window/refused/rdonly", test_window_refused_rdonly);
  g_test_add_func ("/window/refused/rdwr", test_window_refused_rdwr);
  g_test_add_func ("/window/cow", test_window_cow);
  g_test_add_func ("/window/tiny", test_window_tiny);
  g_test_add_func ("/window/larger-than-file", test_window_larger_than_file);
  g_test_add_func ("/window/empty", test_window_empty);

  return g_test_run ();
}
