/* test-flush.c — durability, pending-byte accounting and flush policies.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))

struct fixture
{
  char *dir;
  char *path;
  mmapio_file *f;
};

static void
fixture_open (struct fixture *fx, enum mmapio_mode mode, size_t size)
{
  fx->dir = tu_tmpdir ();
  fx->path = tu_pattern_file (fx->dir, "f", size);
  fx->f = NULL;
  tu_assert_ok (mmapio_open (&fx->f, fx->path, mode, 0));
}

static void
fixture_close (struct fixture *fx)
{
  if (fx->f != NULL)
    tu_assert_ok (mmapio_close (fx->f));
  tu_tmpdir_free (fx->dir);
  g_free (fx->path);
}

/* The file's pages were just written by pwrite in the fixture: push them
 * out so that the only dirty pages left are the test's own.  */
static void
settle (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
}

/* ---- Durability ------------------------------------------------------- */

static void
test_flush_durable (void)
{
  struct fixture fx;
  unsigned char data[3000], back[3000];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  settle (fx.path);
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (255 - i % 251);
  tu_assert_ok (mmapio_write (fx.f, PAGE - 1000, data, sizeof data));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, sizeof data);
  int64_t dirty = tu_dirty_pages (fx.path);
  if (dirty >= 0)
    g_assert_cmpint (dirty, >, 0);
  tu_assert_ok (mmapio_flush (fx.f));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  /* Written back, not merely in the page cache.  */
  if (dirty >= 0)
    g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  tu_pread (fx.path, PAGE - 1000, back, sizeof back);
  g_assert_cmpmem (back, sizeof back, data, sizeof data);
  fixture_close (&fx);
}

static void
test_flush_raw_pointer (void)
{
  struct fixture fx;

  /* mmapio_flush covers writes the library never saw.  */
  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  settle (fx.path);
  unsigned char *p = mmapio_data (fx.f);
  memset (p + 2 * PAGE, 0xAB, 100);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  int64_t dirty = tu_dirty_pages (fx.path);
  if (dirty < 0)
    {
      g_test_skip ("cachestat(2) is needed to see dirty pages");
      fixture_close (&fx);
      return;
    }
  g_assert_cmpint (dirty, >, 0);
  tu_assert_ok (mmapio_flush (fx.f));
  g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  fixture_close (&fx);
}

static void
test_flush_survives_kill (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 64 * 1024);
  unsigned char data[10000], back[10000];

  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i % 253 + 1);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      mmapio_file *f = NULL;
      if (mmapio_open (&f, path, MMAPIO_RDWR, 0) != 0
          || mmapio_write (f, 5000, data, sizeof data) != 0
          || mmapio_flush (f) != 0)
        _exit (1);
      /* No close, no exit handlers: only what the flush did counts.  */
      kill (getpid (), SIGKILL);
      _exit (2);
    }
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  tu_pread (path, 5000, back, sizeof back);
  g_assert_cmpmem (back, sizeof back, data, sizeof data);
  int64_t dirty = tu_dirty_pages (path);
  if (dirty >= 0)
    g_assert_cmpint (dirty, ==, 0);
  tu_pread (path, 0, back, 5000);
  tu_assert_pattern (back, 0, 5000);
  tu_tmpdir_free (dir);
  g_free (path);
}

static void
check_flush_noop (enum mmapio_mode mode)
{
  struct fixture fx;

  fixture_open (&fx, mode, 3 * PAGE);
  if (mode == MMAPIO_COW)
    tu_assert_ok (mmapio_write (fx.f, 0, "x", 1));
  tu_assert_ok (mmapio_flush (fx.f));
  tu_assert_ok (mmapio_flush_range (fx.f, 0, 3 * PAGE));
  tu_assert_ok (mmapio_flush_async (fx.f));
  tu_assert_ok (mmapio_flush_range_async (fx.f, 10, 20));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  /* The bounds are still checked.  */
  g_assert_cmpint (mmapio_flush_range (fx.f, 0, 3 * PAGE + 1), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_flush_range_async (fx.f, 1, UINT64_MAX), ==,
                   MMAPIO_E_BOUNDS);
  fixture_close (&fx);
  /* COW never reaches the file.  */
  if (mode == MMAPIO_COW)
    {
      fixture_open (&fx, mode, 3 * PAGE);
      unsigned char b;
      tu_assert_ok (mmapio_write (fx.f, 0, "x", 1));
      tu_assert_ok (mmapio_flush (fx.f));
      tu_pread (fx.path, 0, &b, 1);
      tu_assert_pattern (&b, 0, 1);
      fixture_close (&fx);
    }
}

static void
test_flush_rdonly (void)
{
  check_flush_noop (MMAPIO_RDONLY);
}

static void
test_flush_cow (void)
{
  check_flush_noop (MMAPIO_COW);
}

/* ---- Pending-byte accounting -------------------------------------------- */

static void
test_pending_range (void)
{
  struct fixture fx;
  unsigned char buf[300];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  memset (buf, 'q', sizeof buf);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_assert_ok (mmapio_write (fx.f, 10, buf, 100));
  tu_assert_ok (mmapio_write (fx.f, 5 * PAGE + 7, buf, 200));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 300);
  /* A one-byte range in page 0 widens to the page: debits its 100.  */
  tu_assert_ok (mmapio_flush_range (fx.f, PAGE - 1, 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 200);
  /* A clean range: nothing to do, nothing debited.  */
  tu_assert_ok (mmapio_flush_range (fx.f, 0, PAGE));
  tu_assert_ok (mmapio_flush_range (fx.f, PAGE, 4 * PAGE));
  tu_assert_ok (mmapio_flush_range (fx.f, 6 * PAGE, 2 * PAGE));
  tu_assert_ok (mmapio_flush_range (fx.f, 3, 0));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 200);
  /* The rest, through a range that only touches the page's last byte.  */
  tu_assert_ok (mmapio_flush_range (fx.f, 6 * PAGE - 1, 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  tu_pread (fx.path, 5 * PAGE + 7, buf, 200);
  for (size_t i = 0; i < 200; i++)
    g_assert_cmpint (buf[i], ==, 'q');
  fixture_close (&fx);
}

static void
test_pending_range_durable (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  settle (fx.path);
  tu_assert_ok (mmapio_write (fx.f, 3 * PAGE + 5, "range", 5));
  int64_t dirty = tu_dirty_pages (fx.path);
  if (dirty < 0)
    {
      g_test_skip ("cachestat(2) is needed to see dirty pages");
      fixture_close (&fx);
      return;
    }
  /* At least the page written (more when the cache uses large folios).  */
  g_assert_cmpint (dirty, >, 0);
  tu_assert_ok (mmapio_flush_range (fx.f, 3 * PAGE, 10));
  g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  fixture_close (&fx);
}

static void
test_pending_per_page (void)
{
  struct fixture fx;
  unsigned char buf[100];

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  memset (buf, 1, sizeof buf);
  /* Rewriting the same bytes counts again, up to a page.  */
  tu_assert_ok (mmapio_write (fx.f, 0, buf, 100));
  tu_assert_ok (mmapio_write (fx.f, 0, buf, 100));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 200);
  for (uint64_t i = 0; i < PAGE / 100 + 5; i++)
    tu_assert_ok (mmapio_write (fx.f, 0, buf, 100));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, PAGE);
  /* A write straddling two pages counts in both.  */
  tu_assert_ok (mmapio_write (fx.f, 2 * PAGE - 30, buf, 100));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, PAGE + 100);
  tu_assert_ok (mmapio_flush_range (fx.f, PAGE, 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, PAGE + 70);
  fixture_close (&fx);
}

static void
test_pending_flush_clears (void)
{
  struct fixture fx;
  mmapio_view_mut m;

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  tu_assert_ok (mmapio_write (fx.f, 1, "abc", 3));
  tu_assert_ok (mmapio_view_get_mut (fx.f, 2 * PAGE, 10, &m));
  memcpy (m.data, "0123456789", 10);
  mmapio_view_mut_release (&m);
  tu_assert_ok (mmapio_mark_dirty (fx.f, 3 * PAGE, 7));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 20);
  tu_assert_ok (mmapio_flush (fx.f));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  /* Flushing a clean handle is fine too.  */
  tu_assert_ok (mmapio_flush (fx.f));
  fixture_close (&fx);
}

static void
test_flush_async (void)
{
  struct fixture fx;
  unsigned char back[5];

  fixture_open (&fx, MMAPIO_RDWR, 4 * PAGE);
  tu_assert_ok (mmapio_write (fx.f, PAGE, "async", 5));
  tu_assert_ok (mmapio_write (fx.f, 3 * PAGE, "other", 5));
  tu_assert_ok (mmapio_flush_async (fx.f));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 10);
  tu_assert_ok (mmapio_flush_range_async (fx.f, PAGE, 5));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 10);
  tu_assert_ok (mmapio_flush_range_async (fx.f, 4 * PAGE, 0));
  g_assert_cmpint (mmapio_flush_range_async (fx.f, 4 * PAGE, 1), ==,
                   MMAPIO_E_BOUNDS);
  tu_pread (fx.path, PAGE, back, 5);
  g_assert_cmpmem (back, 5, "async", 5);
  fixture_close (&fx);
}

static void
test_flush_range_bounds (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 2 * PAGE + 10);
  tu_assert_ok (mmapio_write (fx.f, 2 * PAGE, "tail", 4));
  g_assert_cmpint (mmapio_flush_range (fx.f, 0, 2 * PAGE + 11), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_flush_range (fx.f, UINT64_MAX, 1), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_flush_range (fx.f, 5, UINT64_MAX - 2), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 4);
  /* Ending exactly at a size that is not a page multiple.  */
  tu_assert_ok (mmapio_flush_range (fx.f, 2 * PAGE + 9, 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

/* ---- Policies ----------------------------------------------------------- */

static void
test_policy_errors (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, PAGE);
  /* ALWAYS ignores its argument.  */
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_ALWAYS, 0));
  g_assert_cmpint (mmapio_set_flush_policy (fx.f,
                                            (enum mmapio_flush_policy) 99, 1),
                   ==, -EINVAL);
  g_assert_cmpint (mmapio_set_flush_policy (fx.f,
                                            (enum mmapio_flush_policy) -1, 1),
                   ==, -EINVAL);
  g_assert_cmpint (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_BYTES, 0),
                   ==, -EINVAL);
  g_assert_cmpint (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_WRITES,
                                            0), ==, -EINVAL);
  g_assert_cmpint (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_MILLIS,
                                            0), ==, -EINVAL);
  /* The refused changes left ALWAYS in force.  */
  tu_assert_ok (mmapio_write (fx.f, 0, "x", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  /* MANUAL ignores its argument too.  */
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_MANUAL, 12345));
  tu_assert_ok (mmapio_write (fx.f, 0, "x", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 1);
  fixture_close (&fx);
}

static void
test_policy_always (void)
{
  struct fixture fx;
  unsigned char buf[500];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  settle (fx.path);
  memset (buf, 7, sizeof buf);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_ALWAYS, 0));
  for (int i = 0; i < 8; i++)
    {
      tu_assert_ok (mmapio_write (fx.f, (uint64_t) i * PAGE - (i ? 100 : 0),
                                  buf, sizeof buf));
      g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
      int64_t dirty = tu_dirty_pages (fx.path);
      if (dirty >= 0)
        g_assert_cmpint (dirty, ==, 0);
    }
  fixture_close (&fx);
}

static void
test_policy_every_bytes (void)
{
  struct fixture fx;
  unsigned char buf[300];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  memset (buf, 3, sizeof buf);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_BYTES,
                                         1000));
  for (int round = 0; round < 2; round++)
    {
      /* 300, 600, 900 stay pending; 1200 >= 1000 flushes.  */
      for (uint64_t i = 1; i <= 3; i++)
        {
          tu_assert_ok (mmapio_write (fx.f, i * PAGE, buf, 300));
          g_assert_cmpuint (mmapio_pending (fx.f), ==, 300 * i);
        }
      tu_assert_ok (mmapio_write (fx.f, 5 * PAGE, buf, 300));
      g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
    }
  /* Exactly the threshold flushes too.  */
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_BYTES,
                                         600));
  tu_assert_ok (mmapio_write (fx.f, 0, buf, 300));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 300);
  tu_assert_ok (mmapio_write (fx.f, PAGE, buf, 300));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

static void
test_policy_every_writes (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_WRITES, 3));
  for (int round = 0; round < 3; round++)
    {
      tu_assert_ok (mmapio_write (fx.f, 0, "a", 1));
      g_assert_cmpuint (mmapio_pending (fx.f), ==, 1);
      tu_assert_ok (mmapio_write (fx.f, PAGE, "bb", 2));
      g_assert_cmpuint (mmapio_pending (fx.f), ==, 3);
      tu_assert_ok (mmapio_write (fx.f, 4 * PAGE, "ccc", 3));
      g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
    }
  /* A manual flush restarts the count.  */
  tu_assert_ok (mmapio_write (fx.f, 0, "a", 1));
  tu_assert_ok (mmapio_write (fx.f, 0, "a", 1));
  tu_assert_ok (mmapio_flush (fx.f));
  tu_assert_ok (mmapio_write (fx.f, 0, "a", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 1);
  fixture_close (&fx);
}

static gboolean
wait_for_no_pending (mmapio_file *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (mmapio_pending (f) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (2000);
    }
  return TRUE;
}

static void
test_policy_every_millis (void)
{
  struct fixture fx;

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_MILLIS, 20));
  for (int round = 0; round < 3; round++)
    {
      tu_assert_ok (mmapio_write (fx.f, (uint64_t) round * PAGE, "tick", 4));
      g_assert_true (wait_for_no_pending (fx.f));
    }
  /* Switching back to MANUAL stops the background flushes.  */
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_MANUAL, 0));
  tu_assert_ok (mmapio_write (fx.f, 0, "tock", 4));
  g_usleep (100 * 1000);
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 4);
  fixture_close (&fx);
}

static void
test_policy_millis_close (void)
{
  struct fixture fx;
  unsigned char back[8];

  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  settle (fx.path);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_MILLIS,
                                         60000));
  tu_assert_ok (mmapio_write (fx.f, 2 * PAGE, "on close", 8));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 8);
  int64_t dirty = tu_dirty_pages (fx.path);
  gint64 start = g_get_monotonic_time ();
  tu_assert_ok (mmapio_close (fx.f));
  fx.f = NULL;
  /* Well short of the interval: close does not wait for the flusher's
   * timer.  */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  tu_pread (fx.path, 2 * PAGE, back, 8);
  g_assert_cmpmem (back, 8, "on close", 8);
  if (dirty > 0)
    g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  fixture_close (&fx);
}

static void
test_policy_close_flushes (void)
{
  struct fixture fx;

  /* EVERY_BYTES with a threshold never reached: close flushes.  */
  fixture_open (&fx, MMAPIO_RDWR, 8 * PAGE);
  settle (fx.path);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_BYTES,
                                         1u << 30));
  tu_assert_ok (mmapio_write (fx.f, 0, "unflushed", 9));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 9);
  int64_t dirty = tu_dirty_pages (fx.path);
  if (dirty < 0)
    {
      g_test_skip ("cachestat(2) is needed to see dirty pages");
      fixture_close (&fx);
      return;
    }
  g_assert_cmpint (dirty, >, 0);
  tu_assert_ok (mmapio_close (fx.f));
  fx.f = NULL;
  g_assert_cmpint (tu_dirty_pages (fx.path), ==, 0);
  fixture_close (&fx);
}

static void
test_policy_on_rdonly (void)
{
  struct fixture fx;

  /* Recorded, never acted on: no flusher thread, close is quiet.  */
  fixture_open (&fx, MMAPIO_RDONLY, PAGE);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_MILLIS, 5));
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_ALWAYS, 0));
  fixture_close (&fx);
  fixture_open (&fx, MMAPIO_COW, PAGE);
  tu_assert_ok (mmapio_set_flush_policy (fx.f, MMAPIO_FLUSH_EVERY_WRITES, 1));
  tu_assert_ok (mmapio_write (fx.f, 0, "c", 1));
  g_assert_cmpuint (mmapio_pending (fx.f), ==, 0);
  fixture_close (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/flush/durable", test_flush_durable);
  g_test_add_func ("/flush/raw-pointer", test_flush_raw_pointer);
  g_test_add_func ("/flush/survives-kill", test_flush_survives_kill);
  g_test_add_func ("/flush/rdonly-noop", test_flush_rdonly);
  g_test_add_func ("/flush/cow-noop", test_flush_cow);
  g_test_add_func ("/flush/async", test_flush_async);
  g_test_add_func ("/flush/range-bounds", test_flush_range_bounds);
  g_test_add_func ("/pending/range", test_pending_range);
  g_test_add_func ("/pending/range-durable", test_pending_range_durable);
  g_test_add_func ("/pending/per-page", test_pending_per_page);
  g_test_add_func ("/pending/flush-clears", test_pending_flush_clears);
  g_test_add_func ("/policy/errors", test_policy_errors);
  g_test_add_func ("/policy/always", test_policy_always);
  g_test_add_func ("/policy/every-bytes", test_policy_every_bytes);
  g_test_add_func ("/policy/every-writes", test_policy_every_writes);
  g_test_add_func ("/policy/every-millis", test_policy_every_millis);
  g_test_add_func ("/policy/millis-close", test_policy_millis_close);
  g_test_add_func ("/policy/close-flushes", test_policy_close_flushes);
  g_test_add_func ("/policy/rdonly-cow", test_policy_on_rdonly);

  return g_test_run ();
}
