/* test-resize.c — growing and shrinking RDWR mappings.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <stdlib.h>
#include <sys/mman.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))

struct fixture
{
  char *dir;
  char *path;
  mmapio_file *f;
};

static void
fixture_open_ex (struct fixture *fx, enum mmapio_mode mode, size_t size,
                 const mmapio_options *o)
{
  fx->dir = tu_tmpdir ();
  fx->path = tu_pattern_file (fx->dir, "f", size);
  fx->f = NULL;
  tu_assert_ok (mmapio_open_ex (&fx->f, fx->path, mode, o));
}

static void
fixture_open (struct fixture *fx, enum mmapio_mode mode, size_t size)
{
  fixture_open_ex (fx, mode, size, NULL);
}

static void
fixture_close (struct fixture *fx)
{
  tu_assert_ok (mmapio_close (fx->f));
  tu_tmpdir_free (fx->dir);
  g_free (fx->path);
}

static void
assert_zero (mmapio_file *f, uint64_t off, uint64_t len)
{
  unsigned char buf[65536];
  while (len > 0)
    {
      size_t n = len < sizeof buf ? (size_t) len : sizeof buf;
      tu_assert_ok (mmapio_read (f, off, buf, n));
      for (size_t i = 0; i < n; i++)
        if (buf[i] != 0)
          g_error ("byte %" G_GUINT64_FORMAT " is not zero", off + i);
      off += n;
      len -= n;
    }
}

/* ---- Growth ----------------------------------------------------------- */

static void
test_grow_keeps_pointers (void)
{
  struct fixture fx;
  mmapio_view v;
  mmapio_view_mut m;
  const uint64_t big = 5u << 20;

  fixture_open (&fx, MMAPIO_RDWR, 10000);
  void *data = mmapio_data (fx.f);
  tu_assert_ok (mmapio_view_get (fx.f, 0, 10000, &v));
  tu_assert_ok (mmapio_view_get_mut (fx.f, 9000, 1000, &m));
  tu_assert_ok (mmapio_resize (fx.f, big));
  g_assert_cmpuint (mmapio_size (fx.f), ==, big);
  g_assert_cmpuint (tu_file_size (fx.path), ==, big);
  g_assert_true (mmapio_data (fx.f) == data);
  g_assert_true (v.data == data);
  tu_assert_pattern (v.data, 0, 10000);
  /* The writable view still reaches the file.  */
  memcpy (m.data, "still here", 10);
  unsigned char back[10];
  tu_pread (fx.path, 9000, back, 10);
  g_assert_cmpmem (back, 10, "still here", 10);
  /* New bytes read as zero, old ones are intact.  */
  assert_zero (fx.f, 10000, big - 10000);
  mmapio_view_release (&v);
  mmapio_view_mut_release (&m);
  /* The new part is usable.  */
  tu_assert_ok (mmapio_write (fx.f, big - 4, "end!", 4));
  tu_pread (fx.path, big - 4, back, 4);
  g_assert_cmpmem (back, 4, "end!", 4);
  fixture_close (&fx);
}

static void
test_grow_same_size (void)
{
  struct fixture fx;
  mmapio_view v;

  fixture_open (&fx, MMAPIO_RDWR, 10000);
  tu_assert_ok (mmapio_view_get (fx.f, 0, 10, &v));
  tu_assert_ok (mmapio_resize (fx.f, 10000));
  g_assert_cmpuint (mmapio_size (fx.f), ==, 10000);
  mmapio_view_release (&v);
  fixture_close (&fx);
}

static void
test_grow_too_big (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 10000);
  g_assert_cmpint (mmapio_resize (fx.f, (uint64_t) INT64_MAX + 1), ==,
                   -EFBIG);
  g_assert_cmpint (mmapio_resize (fx.f, UINT64_MAX), ==, -EFBIG);
  g_assert_cmpuint (mmapio_size (fx.f), ==, 10000);
  g_assert_cmpuint (tu_file_size (fx.path), ==, 10000);
  fixture_close (&fx);
}

static void
test_grow_beyond_reserve (void)
{
  struct fixture fx;
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  const uint64_t big = 64u << 20;
  unsigned char buf[8192];

  o.reserve = PAGE;
  fixture_open_ex (&fx, MMAPIO_RDWR, PAGE, &o);
  tu_assert_ok (mmapio_resize (fx.f, big));
  g_assert_cmpuint (mmapio_size (fx.f), ==, big);
  g_assert_cmpuint (tu_file_size (fx.path), ==, big);
  tu_assert_ok (mmapio_read (fx.f, 0, buf, PAGE));
  tu_assert_pattern (buf, 0, PAGE);
  tu_assert_pattern (mmapio_data (fx.f), 0, PAGE);
  assert_zero (fx.f, PAGE, big - PAGE);
  tu_assert_ok (mmapio_write (fx.f, big - 3, "END", 3));
  tu_pread (fx.path, big - 3, buf, 3);
  g_assert_cmpmem (buf, 3, "END", 3);
  fixture_close (&fx);
}

static void
test_grow_beyond_reserve_view (void)
{
  struct fixture fx;
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_view v;
  const uint64_t big = 64u << 20;

  o.reserve = PAGE;
  fixture_open_ex (&fx, MMAPIO_RDWR, PAGE, &o);
  tu_assert_ok (mmapio_view_get (fx.f, 0, PAGE, &v));
  int r = mmapio_resize (fx.f, big);
  /* Either extended in place (the view did not move) or refused; the view
   * is valid in both cases.  */
  g_assert_true (r == 0 || r == -EBUSY);
  tu_assert_pattern (v.data, 0, PAGE);
  if (r == 0)
    {
      g_assert_cmpuint (mmapio_size (fx.f), ==, big);
      g_assert_true (mmapio_data (fx.f) == v.data);
    }
  else
    {
      g_assert_cmpuint (mmapio_size (fx.f), ==, PAGE);
      g_assert_cmpuint (tu_file_size (fx.path), ==, PAGE);
    }
  mmapio_view_release (&v);
  fixture_close (&fx);
}

static void
test_grow_must_move (void)
{
  struct fixture fx;
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_view v;

  o.reserve = PAGE;
  fixture_open_ex (&fx, MMAPIO_RDWR, PAGE, &o);
  unsigned char *base = mmapio_data (fx.f);
  /* Occupy the page right after the mapping so that it cannot grow in
   * place.  */
  void *blocker = mmap (base + PAGE, PAGE, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                        -1, 0);
  if (blocker == MAP_FAILED && errno != EEXIST)
    {
      g_test_skip ("MAP_FIXED_NOREPLACE is not available");
      fixture_close (&fx);
      return;
    }
  if (blocker != MAP_FAILED && blocker != base + PAGE)
    {
      /* An old kernel took the address as a hint only.  */
      munmap (blocker, PAGE);
      g_test_skip ("MAP_FIXED_NOREPLACE is not honoured");
      fixture_close (&fx);
      return;
    }

  /* A live view: moving is not allowed.  */
  tu_assert_ok (mmapio_view_get (fx.f, 0, PAGE, &v));
  g_assert_cmpint (mmapio_resize (fx.f, 16 * PAGE), ==, -EBUSY);
  g_assert_cmpuint (mmapio_size (fx.f), ==, PAGE);
  g_assert_cmpuint (tu_file_size (fx.path), ==, PAGE);
  g_assert_true (v.data == base);
  tu_assert_pattern (v.data, 0, PAGE);
  mmapio_view_release (&v);

  /* No view: the mapping moves and keeps its contents.  */
  tu_assert_ok (mmapio_resize (fx.f, 16 * PAGE));
  g_assert_cmpuint (mmapio_size (fx.f), ==, 16 * PAGE);
  tu_assert_pattern (mmapio_data (fx.f), 0, PAGE);
  assert_zero (fx.f, PAGE, 15 * PAGE);
  if (blocker != MAP_FAILED)
    munmap (blocker, PAGE);
  fixture_close (&fx);
}

/* ---- Shrinking ----------------------------------------------------------- */

static void
test_shrink_busy (void)
{
  struct fixture fx;
  mmapio_view v;
  unsigned char buf[100];

  fixture_open (&fx, MMAPIO_RDWR, 10 * PAGE);
  tu_assert_ok (mmapio_view_get (fx.f, 8 * PAGE, 100, &v));
  g_assert_cmpint (mmapio_resize (fx.f, 2 * PAGE), ==, -EBUSY);
  /* Nothing changed.  */
  g_assert_cmpuint (mmapio_size (fx.f), ==, 10 * PAGE);
  g_assert_cmpuint (tu_file_size (fx.path), ==, 10 * PAGE);
  tu_assert_pattern (v.data, 8 * PAGE, 100);
  tu_assert_ok (mmapio_read (fx.f, 9 * PAGE, buf, 100));
  tu_assert_pattern (buf, 9 * PAGE, 100);
  mmapio_view_release (&v);
  /* After the release the shrink goes through.  */
  tu_assert_ok (mmapio_resize (fx.f, 2 * PAGE));
  g_assert_cmpuint (mmapio_size (fx.f), ==, 2 * PAGE);
  g_assert_cmpuint (tu_file_size (fx.path), ==, 2 * PAGE);
  g_assert_cmpint (mmapio_read (fx.f, 2 * PAGE, buf, 1), ==,
                   MMAPIO_E_BOUNDS);
  tu_assert_ok (mmapio_read (fx.f, 2 * PAGE - 100, buf, 100));
  tu_assert_pattern (buf, 2 * PAGE - 100, 100);
  fixture_close (&fx);
}

static void
test_shrink_busy_any_view (void)
{
  struct fixture fx;
  mmapio_view_mut m;

  /* Documented: any live view refuses a shrink, even one far below the
   * new end.  */
  fixture_open (&fx, MMAPIO_RDWR, 10 * PAGE);
  tu_assert_ok (mmapio_view_get_mut (fx.f, 0, 10, &m));
  g_assert_cmpint (mmapio_resize (fx.f, 5 * PAGE), ==, -EBUSY);
  g_assert_cmpuint (mmapio_size (fx.f), ==, 10 * PAGE);
  mmapio_view_mut_release (&m);
  tu_assert_ok (mmapio_resize (fx.f, 5 * PAGE));
  fixture_close (&fx);
}

static void
test_shrink_then_grow_zero (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  tu_assert_ok (mmapio_resize (fx.f, PAGE + 10));
  tu_assert_ok (mmapio_resize (fx.f, 4 * PAGE));
  /* What was cut off is gone, not resurrected.  */
  tu_assert_pattern (mmapio_data (fx.f), 0, PAGE + 10);
  assert_zero (fx.f, PAGE + 10, 3 * PAGE - 10);
  fixture_close (&fx);
}

static void
test_shrink_to_zero (void)
{
  struct fixture fx;
  unsigned char b;

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  tu_assert_ok (mmapio_resize (fx.f, 0));
  g_assert_cmpuint (mmapio_size (fx.f), ==, 0);
  g_assert_cmpuint (tu_file_size (fx.path), ==, 0);
  g_assert_null (mmapio_data (fx.f));
  g_assert_cmpint (mmapio_read (fx.f, 0, &b, 1), ==, MMAPIO_E_BOUNDS);
  tu_assert_ok (mmapio_flush (fx.f));
  tu_assert_ok (mmapio_resize (fx.f, 100));
  assert_zero (fx.f, 0, 100);
  fixture_close (&fx);
}

static void
test_shrink_drops_pending (void)
{
  struct fixture fx;
  unsigned char buf[300];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  memset (buf, 9, sizeof buf);
  tu_assert_ok (mmapio_write (fx.f, 10, buf, 100));
  tu_assert_ok (mmapio_write (fx.f, PAGE + 10, buf, 50));
  tu_assert_ok (mmapio_write (fx.f, 5 * PAGE, buf, 200));
  tu_assert_ok (mmapio_write (fx.f, 7 * PAGE + 1, buf, 300));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 650);
  /* The page holding the new end keeps its bytes; pages wholly cut off
   * lose theirs.  */
  tu_assert_ok (mmapio_resize (fx.f, PAGE + 20));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 150);
  /* Growing again does not bring them back.  */
  tu_assert_ok (mmapio_resize (fx.f, 8 * PAGE));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 150);
  tu_assert_ok (mmapio_flush (fx.f));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

struct walk_ctx
{
  mmapio_file *f;
  int result;
};

static int
resize_from_callback (const void *data, size_t len, uint64_t off,
                      void *userdata)
{
  struct walk_ctx *c = userdata;
  (void) data;
  (void) len;
  (void) off;
  /* The walk itself holds the mapping: the shrink cannot wait for it to
   * end, and gives up with -EBUSY instead of hanging.  */
  c->result = mmapio_resize (c->f, PAGE);
  return 1;
}

static void
test_shrink_inside_walk (void)
{
  struct fixture fx;
  struct walk_ctx c;

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  c.f = fx.f;
  c.result = 1;
  g_assert_cmpint (mmapio_foreach_chunk (fx.f, PAGE, resize_from_callback,
                                         &c), ==, 1);
  g_assert_cmpint (c.result, ==, -EBUSY);
  g_assert_cmpuint (mmapio_size (fx.f), ==, 4 * PAGE);
  /* Once the walk is over the shrink works.  */
  tu_assert_ok (mmapio_resize (fx.f, PAGE));
  fixture_close (&fx);
}

/* ---- Modes that cannot resize ------------------------------------------ */

static void
check_resize_mode (enum mmapio_mode mode, uint64_t window)
{
  struct fixture fx;
  mmapio_options o = MMAPIO_OPTIONS_INIT;

  o.window = window;
  fixture_open_ex (&fx, mode, 4 * PAGE, &o);
  g_assert_cmpint (mmapio_resize (fx.f, 8 * PAGE), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_resize (fx.f, PAGE), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_resize (fx.f, 4 * PAGE), ==, MMAPIO_E_MODE);
  g_assert_cmpuint (mmapio_size (fx.f), ==, 4 * PAGE);
  g_assert_cmpuint (tu_file_size (fx.path), ==, 4 * PAGE);
  fixture_close (&fx);
}

static void
test_resize_rdonly (void)
{
  check_resize_mode (MMAPIO_RDONLY, 0);
}

static void
test_resize_cow (void)
{
  check_resize_mode (MMAPIO_COW, 0);
}

static void
test_resize_windowed (void)
{
  check_resize_mode (MMAPIO_RDWR, 64 * 1024);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/resize/grow/keeps-pointers", test_grow_keeps_pointers);
  g_test_add_func ("/resize/grow/same-size", test_grow_same_size);
  g_test_add_func ("/resize/grow/too-big", test_grow_too_big);
  g_test_add_func ("/resize/grow/beyond-reserve", test_grow_beyond_reserve);
  g_test_add_func ("/resize/grow/beyond-reserve-view",
                   test_grow_beyond_reserve_view);
  g_test_add_func ("/resize/grow/must-move", test_grow_must_move);
  g_test_add_func ("/resize/shrink/busy", test_shrink_busy);
  g_test_add_func ("/resize/shrink/busy-any-view", test_shrink_busy_any_view);
  g_test_add_func ("/resize/shrink/then-grow-zero",
                   test_shrink_then_grow_zero);
  g_test_add_func ("/resize/shrink/to-zero", test_shrink_to_zero);
  g_test_add_func ("/resize/shrink/drops-pending", test_shrink_drops_pending);
  g_test_add_func ("/resize/shrink/inside-walk", test_shrink_inside_walk);
  g_test_add_func ("/resize/mode/rdonly", test_resize_rdonly);
  g_test_add_func ("/resize/mode/cow", test_resize_cow);
  g_test_add_func ("/resize/mode/windowed", test_resize_windowed);

  return g_test_run ();
}
