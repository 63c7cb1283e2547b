/* test-iter.c — chunk and page walks, writable walks, cursors.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include "testutil.h"

/* What a read callback saw.  */
struct seen
{
  uint64_t calls;
  uint64_t bytes;
  uint64_t next_off;     /* chunks must come in order, without gaps */
  uint64_t last_len;
  uint64_t stop_at;      /* call number that stops the walk (0: never) */
  int stop_value;
  gboolean contents_ok;
};

static void
seen_init (struct seen *s)
{
  memset (s, 0, sizeof *s);
  s->contents_ok = TRUE;
}

static int
check_chunk (const void *data, size_t len, uint64_t off, void *userdata)
{
  struct seen *s = userdata;
  const unsigned char *p = data;

  g_assert_cmpuint (off, ==, s->next_off);
  for (size_t i = 0; i < len; i++)
    if (p[i] != tu_byte (off + i))
      s->contents_ok = FALSE;
  s->calls++;
  s->bytes += len;
  s->next_off = off + len;
  s->last_len = len;
  if (s->stop_at && s->calls == s->stop_at)
    return s->stop_value;
  return 0;
}

static mmapio_file *
open_pattern (const char *dir, size_t size, enum mmapio_mode mode,
              char **ret_path)
{
  char *path = tu_pattern_file (dir, "data", size);
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_open (&f, path, mode, 0));
  if (ret_path)
    *ret_path = path;
  else
    g_free (path);
  return f;
}

static void
test_chunks_cover (void)
{
  char *dir = tu_tmpdir ();
  static const enum mmapio_mode modes[] = { MMAPIO_RDONLY, MMAPIO_RDWR,
                                            MMAPIO_COW };

  for (size_t m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      mmapio_file *f = open_pattern (dir, 10000, modes[m], NULL);
      struct seen s;
      seen_init (&s);
      tu_assert_ok (mmapio_foreach_chunk (f, 4096, check_chunk, &s));
      g_assert_cmpuint (s.calls, ==, 3);
      g_assert_cmpuint (s.bytes, ==, 10000);
      g_assert_cmpuint (s.last_len, ==, 10000 - 8192);
      g_assert_true (s.contents_ok);

      /* An exact multiple of the chunk size has no short tail.  */
      seen_init (&s);
      tu_assert_ok (mmapio_foreach_chunk (f, 1000, check_chunk, &s));
      g_assert_cmpuint (s.calls, ==, 10);
      g_assert_cmpuint (s.last_len, ==, 1000);
      g_assert_true (s.contents_ok);
      tu_assert_ok (mmapio_close (f));
    }
  tu_tmpdir_free (dir);
}

static void
test_chunk_larger_than_file (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 5000, MMAPIO_RDONLY, NULL);
  struct seen s;

  seen_init (&s);
  tu_assert_ok (mmapio_foreach_chunk (f, UINT64_MAX, check_chunk, &s));
  g_assert_cmpuint (s.calls, ==, 1);
  g_assert_cmpuint (s.last_len, ==, 5000);
  g_assert_true (s.contents_ok);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_pages (void)
{
  char *dir = tu_tmpdir ();
  size_t ps = (size_t) sysconf (_SC_PAGESIZE);
  mmapio_file *f = open_pattern (dir, 3 * ps + 1, MMAPIO_RDONLY, NULL);
  struct seen s;

  seen_init (&s);
  tu_assert_ok (mmapio_foreach_page (f, check_chunk, &s));
  g_assert_cmpuint (s.calls, ==, 4);
  g_assert_cmpuint (s.last_len, ==, 1);
  g_assert_cmpuint (s.bytes, ==, 3 * ps + 1);
  g_assert_true (s.contents_ok);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_empty (void)
{
  char *dir = tu_tmpdir ();
  static const enum mmapio_mode modes[] = { MMAPIO_RDONLY, MMAPIO_RDWR,
                                            MMAPIO_COW };

  for (size_t m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      mmapio_file *f = open_pattern (dir, 0, modes[m], NULL);
      struct seen s;
      seen_init (&s);
      tu_assert_ok (mmapio_foreach_chunk (f, 4096, check_chunk, &s));
      tu_assert_ok (mmapio_foreach_page (f, check_chunk, &s));
      g_assert_cmpuint (s.calls, ==, 0);
      tu_assert_ok (mmapio_close (f));
    }
  tu_tmpdir_free (dir);
}

static int
never_called (const void *data, size_t len, uint64_t off, void *userdata)
{
  g_assert_not_reached ();
  return 0;
}

static int
never_called_mut (void *data, size_t len, uint64_t off, void *userdata)
{
  g_assert_not_reached ();
  return 0;
}

static void
test_zero_chunk (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 100, MMAPIO_RDWR, NULL);

  g_assert_cmpint (mmapio_foreach_chunk (f, 0, never_called, NULL), ==,
                   MMAPIO_E_EMPTY);
  g_assert_cmpint (mmapio_foreach_chunk_mut (f, 0, never_called_mut, NULL),
                   ==, MMAPIO_E_EMPTY);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_stop (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 100000, MMAPIO_RDWR, NULL);
  struct seen s;

  seen_init (&s);
  s.stop_at = 3;
  s.stop_value = 7;
  g_assert_cmpint (mmapio_foreach_chunk (f, 4096, check_chunk, &s), ==, 7);
  g_assert_cmpuint (s.calls, ==, 3);

  /* The tail chunk can stop the walk too.  */
  seen_init (&s);
  s.stop_at = 25;
  s.stop_value = 1;
  g_assert_cmpint (mmapio_foreach_chunk (f, 4096, check_chunk, &s), ==, 1);
  g_assert_cmpuint (s.calls, ==, 25);
  g_assert_cmpuint (s.last_len, ==, 100000 - 24 * 4096);

  /* A walk that stopped left the handle's data path: shrinking works.  */
  tu_assert_ok (mmapio_resize (f, 4096));
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static int
fill_mut (void *data, size_t len, uint64_t off, void *userdata)
{
  uint64_t *calls = userdata;
  memset (data, (int) (0x40 + (off / 4096) % 26), len);
  (*calls)++;
  return 0;
}

static void
test_mut_rdwr (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = open_pattern (dir, 3 * 4096 + 10, MMAPIO_RDWR, &path);
  uint64_t calls = 0;
  unsigned char buf[3 * 4096 + 10];

  g_assert_cmpuint (mmapio_pending (f), ==, 0);
  tu_assert_ok (mmapio_foreach_chunk_mut (f, 4096, fill_mut, &calls));
  g_assert_cmpuint (calls, ==, 4);
  /* Every chunk handed out counts as written.  */
  g_assert_cmpuint (mmapio_pending (f), ==, sizeof buf);
  tu_assert_ok (mmapio_flush_range (f, 0, sizeof buf));
  g_assert_cmpuint (mmapio_pending (f), ==, 0);

  tu_pread (path, 0, buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0x40 + (i / 4096) % 26);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static int
stop_mut (void *data, size_t len, uint64_t off, void *userdata)
{
  memset (data, 'x', len);
  return off == 4096 ? 3 : 0;
}

static void
test_mut_stop_counts (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 5 * 4096, MMAPIO_RDWR, NULL);

  g_assert_cmpint (mmapio_foreach_chunk_mut (f, 4096, stop_mut, NULL), ==, 3);
  /* The two chunks handed out, the stopping one included.  */
  g_assert_cmpuint (mmapio_pending (f), ==, 2 * 4096);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_mut_cow (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = open_pattern (dir, 9000, MMAPIO_COW, &path);
  uint64_t calls = 0;
  unsigned char buf[9000], mine[9000];

  tu_assert_ok (mmapio_foreach_chunk_mut (f, 4096, fill_mut, &calls));
  g_assert_cmpuint (calls, ==, 3);
  tu_assert_ok (mmapio_read (f, 0, mine, sizeof mine));
  g_assert_cmpint (mine[0], ==, 0x40);
  g_assert_cmpint (mine[8999], ==, 0x42);

  /* Private: the file keeps its contents.  */
  tu_pread (path, 0, buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, tu_byte (i));
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_mut_rdonly (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 100, MMAPIO_RDONLY, NULL);

  g_assert_cmpint (mmapio_foreach_chunk_mut (f, 10, never_called_mut, NULL),
                   ==, MMAPIO_E_MODE);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

/* Truncates the file through another descriptor during the walk, then
 * reads the chunk it was given: the read faults and the walk is
 * abandoned.  */
struct trunc_ctx
{
  const char *path;
  uint64_t calls;
  uint64_t after_fault;  /* incremented after the read: must stay 0 */
};

static void
truncate_file (const char *path)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  close (fd);
}

static int
truncating_reader (const void *data, size_t len, uint64_t off,
                   void *userdata)
{
  struct trunc_ctx *t = userdata;
  if (t->calls++ == 1)
    truncate_file (t->path);
  volatile unsigned char c = ((const unsigned char *) data)[len - 1];
  (void) c;
  if (t->calls > 2)
    t->after_fault++;
  return 0;
}

static void
test_shrunk (void)
{
  static const enum mmapio_mode modes[] = { MMAPIO_RDONLY, MMAPIO_RDWR };

  for (size_t m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      char *dir = tu_tmpdir ();
      char *path;
      mmapio_file *f = open_pattern (dir, 16 * 4096, modes[m], &path);
      struct trunc_ctx t = { path, 0, 0 };

      g_assert_cmpint (mmapio_foreach_chunk (f, 4096, truncating_reader, &t),
                       ==, MMAPIO_E_SHRUNK);
      /* The second call truncated the file, and its own read faulted.  */
      g_assert_cmpuint (t.calls, ==, 2);
      g_assert_cmpuint (t.after_fault, ==, 0);
      if (modes[m] == MMAPIO_RDWR)
        {
          /* The walk left the data path on the error path too, so the
           * handle can be shrunk to the file's new size.  */
          tu_assert_ok (mmapio_resize (f, 0));
        }
      tu_assert_ok (mmapio_close (f));
      g_free (path);
      tu_tmpdir_free (dir);
    }
}

static int
truncating_writer (void *data, size_t len, uint64_t off, void *userdata)
{
  struct trunc_ctx *t = userdata;
  if (t->calls++ == 0)
    truncate_file (t->path);
  ((volatile unsigned char *) data)[0] = 1;
  t->after_fault++;
  return 0;
}

static void
test_shrunk_mut (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = open_pattern (dir, 4 * 4096, MMAPIO_RDWR, &path);
  struct trunc_ctx t = { path, 0, 0 };

  g_assert_cmpint (mmapio_foreach_chunk_mut (f, 4096, truncating_writer, &t),
                   ==, MMAPIO_E_SHRUNK);
  g_assert_cmpuint (t.calls, ==, 1);
  g_assert_cmpuint (t.after_fault, ==, 0);
  tu_assert_ok (mmapio_resize (f, 0));
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_cursor (void)
{
  char *dir = tu_tmpdir ();
  static const enum mmapio_mode modes[] = { MMAPIO_RDONLY, MMAPIO_RDWR,
                                            MMAPIO_COW };

  for (size_t m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      mmapio_file *f = open_pattern (dir, 20000, modes[m], NULL);
      mmapio_cursor c;
      const void *data;
      size_t len;
      uint64_t off, expect = 100, n = 0;
      int r;

      tu_assert_ok (mmapio_cursor_init (&c, f, 100, 10000, 4096));
      while ((r = mmapio_cursor_next (&c, &data, &len, &off)) == 1)
        {
          g_assert_cmpuint (off, ==, expect);
          g_assert_cmpuint (len, ==, MIN (4096, 10100 - off));
          for (size_t i = 0; i < len; i++)
            g_assert_cmpint (((const unsigned char *) data)[i], ==,
                             tu_byte (off + i));
          expect += len;
          n++;
        }
      g_assert_cmpint (r, ==, 0);
      g_assert_cmpuint (n, ==, 3);
      g_assert_cmpuint (expect, ==, 10100);
      /* Past the end it stays at the end; ret_off may be NULL.  */
      g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==, 0);
      mmapio_cursor_end (&c);
      mmapio_cursor_end (&c);
      g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==, 0);

      /* An empty range gives no chunk.  */
      tu_assert_ok (mmapio_cursor_init (&c, f, 20000, 0, 4096));
      g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==, 0);
      mmapio_cursor_end (&c);
      tu_assert_ok (mmapio_close (f));
    }
  tu_tmpdir_free (dir);
}

static void
test_cursor_errors (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 1000, MMAPIO_RDWR, NULL);
  mmapio_cursor c;
  const void *data;
  size_t len;

  g_assert_cmpint (mmapio_cursor_init (&c, f, 0, 100, 0), ==,
                   MMAPIO_E_EMPTY);
  mmapio_cursor_end (&c);       /* safe after a failed init */
  g_assert_cmpint (mmapio_cursor_init (&c, f, 0, 1001, 10), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==, 0);
  mmapio_cursor_end (&c);
  g_assert_cmpint (mmapio_cursor_init (&c, f, 1001, 0, 10), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_cursor_init (&c, f, 10, UINT64_MAX, 10), ==,
                   MMAPIO_E_BOUNDS);
  mmapio_cursor_end (&c);
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_cursor_holds_view (void)
{
  char *dir = tu_tmpdir ();
  mmapio_file *f = open_pattern (dir, 8192, MMAPIO_RDWR, NULL);
  mmapio_cursor c;

  tu_assert_ok (mmapio_cursor_init (&c, f, 4096, 4096, 1024));
  /* The cursor's view covers the part a shrink would cut off.  */
  g_assert_cmpint (mmapio_resize (f, 4096), ==, -EBUSY);
  mmapio_cursor_end (&c);
  tu_assert_ok (mmapio_resize (f, 4096));
  tu_assert_ok (mmapio_close (f));
  tu_tmpdir_free (dir);
}

static void
test_cursor_shrunk (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = open_pattern (dir, 4 * 4096, MMAPIO_RDONLY, &path);
  mmapio_cursor c;
  const void *data;
  size_t len;

  tu_assert_ok (mmapio_cursor_init (&c, f, 0, 4 * 4096, 8192));
  g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==, 1);
  truncate_file (path);
  /* The next chunk's pages are touched before it is handed out.  */
  g_assert_cmpint (mmapio_cursor_next (&c, &data, &len, NULL), ==,
                   MMAPIO_E_SHRUNK);
  mmapio_cursor_end (&c);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_windowed (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 300000);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f;
  struct seen s;
  mmapio_cursor c;

  o.window = 65536;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o));
  seen_init (&s);
  tu_assert_ok (mmapio_foreach_chunk (f, 4096, check_chunk, &s));
  g_assert_cmpuint (s.bytes, ==, 300000);
  g_assert_cmpuint (s.calls, ==, (300000 + 4095) / 4096);
  g_assert_true (s.contents_ok);

  seen_init (&s);
  s.stop_at = 5;
  s.stop_value = 9;
  g_assert_cmpint (mmapio_foreach_page (f, check_chunk, &s), ==, 9);
  g_assert_cmpuint (s.calls, ==, 5);

  /* A chunk must fit in the window.  */
  g_assert_cmpint (mmapio_foreach_chunk (f, 1 << 20, never_called, NULL), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_foreach_chunk_mut (f, 4096, never_called_mut,
                                             NULL), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_cursor_init (&c, f, 0, 100, 10), ==,
                   MMAPIO_E_MODE);
  mmapio_cursor_end (&c);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_windowed_mut (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 200000);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f;
  uint64_t calls = 0;
  unsigned char buf[4096];

  o.window = 65536;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o));
  tu_assert_ok (mmapio_foreach_chunk_mut (f, 4096, fill_mut, &calls));
  g_assert_cmpuint (calls, ==, (200000 + 4095) / 4096);
  tu_assert_ok (mmapio_flush (f));
  tu_pread (path, 40960, buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0x40 + 10);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/iter/chunks-cover-the-file", test_chunks_cover);
  g_test_add_func ("/iter/chunk-larger-than-file",
                   test_chunk_larger_than_file);
  g_test_add_func ("/iter/pages", test_pages);
  g_test_add_func ("/iter/empty-file", test_empty);
  g_test_add_func ("/iter/zero-chunk", test_zero_chunk);
  g_test_add_func ("/iter/callback-stops", test_stop);
  g_test_add_func ("/iter/mut-rdwr-reaches-file", test_mut_rdwr);
  g_test_add_func ("/iter/mut-stop-counts-written", test_mut_stop_counts);
  g_test_add_func ("/iter/mut-cow-private", test_mut_cow);
  g_test_add_func ("/iter/mut-rdonly-refused", test_mut_rdonly);
  g_test_add_func ("/iter/truncated-during-walk", test_shrunk);
  g_test_add_func ("/iter/truncated-during-mut-walk", test_shrunk_mut);
  g_test_add_func ("/iter/cursor", test_cursor);
  g_test_add_func ("/iter/cursor-errors", test_cursor_errors);
  g_test_add_func ("/iter/cursor-holds-view", test_cursor_holds_view);
  g_test_add_func ("/iter/cursor-truncated", test_cursor_shrunk);
  g_test_add_func ("/iter/windowed", test_windowed);
  g_test_add_func ("/iter/windowed-mut", test_windowed_mut);
  return g_test_run ();
}
