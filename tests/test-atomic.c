/* test-atomic.c — atomic integers in mappings, between threads and
 * processes.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <stdatomic.h>
#include <sys/wait.h>

#include "testutil.h"

#define THREADS 4
#define PER_THREAD 100000

static mmapio_file *
create_zeroed (const char *dir, uint64_t size, char **ret_path)
{
  char *path = g_build_filename (dir, "counters", NULL);
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_create (&f, path, size, 0));
  *ret_path = path;
  return f;
}

static gpointer
incr_thread (gpointer data)
{
  _Atomic uint64_t *p = data;
  for (int i = 0; i < PER_THREAD; i++)
    atomic_fetch_add (p, 1);
  return NULL;
}

static void
test_threads (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = create_zeroed (dir, 4096, &path);
  _Atomic uint64_t *p;
  GThread *t[THREADS];
  uint64_t v;

  tu_assert_ok (mmapio_atomic_u64 (f, 64, &p));
  for (int i = 0; i < THREADS; i++)
    t[i] = g_thread_new ("incr", incr_thread, p);
  for (int i = 0; i < THREADS; i++)
    g_thread_join (t[i]);
  g_assert_cmpuint (atomic_load (p), ==, (uint64_t) THREADS * PER_THREAD);

  /* RDWR: the counter is in the file, in native byte order.  */
  tu_pread (path, 64, &v, sizeof v);
  g_assert_cmpuint (v, ==, (uint64_t) THREADS * PER_THREAD);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static mmapio_file *volatile inherited;

static void
test_processes (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = create_zeroed (dir, 4096, &path);
  _Atomic uint64_t *p;
  _Atomic uint32_t *q;
  int status;

  tu_assert_ok (mmapio_atomic_u64 (f, 0, &p));
  tu_assert_ok (mmapio_atomic_u32 (f, 8, &q));

  /* The child leaves with the parent's handle open: keep it reachable
   * so that a leak checker running at the child's exit does not call
   * it lost.  */
  inherited = f;
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child maps the file on its own: two mappings of one file,
       * one physical page.  */
      mmapio_file *cf;
      _Atomic uint64_t *cp;
      _Atomic uint32_t *cq;
      if (mmapio_open (&cf, path, MMAPIO_RDWR, 0) != 0
          || mmapio_atomic_u64 (cf, 0, &cp) != 0
          || mmapio_atomic_u32 (cf, 8, &cq) != 0)
        _exit (2);
      for (int i = 0; i < PER_THREAD; i++)
        {
          atomic_fetch_add (cp, 1);
          atomic_fetch_add (cq, 3);
        }
      _exit (mmapio_close (cf) == 0 ? 0 : 3);
    }
  for (int i = 0; i < PER_THREAD; i++)
    {
      atomic_fetch_add (p, 1);
      atomic_fetch_add (q, 3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (atomic_load (p), ==, 2 * PER_THREAD);
  g_assert_cmpuint (atomic_load (q), ==, 6 * PER_THREAD);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_cow_private (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *rw = create_zeroed (dir, 4096, &path);
  mmapio_file *cow;
  _Atomic uint64_t *p, *shared;
  uint64_t v;

  tu_assert_ok (mmapio_open (&cow, path, MMAPIO_COW, 0));
  tu_assert_ok (mmapio_atomic_u64 (cow, 128, &p));
  for (int i = 0; i < 1000; i++)
    atomic_fetch_add (p, 1);
  g_assert_cmpuint (atomic_load (p), ==, 1000);
  tu_assert_ok (mmapio_flush (cow));

  /* Neither the file nor another mapping sees the COW counter.  */
  tu_pread (path, 128, &v, sizeof v);
  g_assert_cmpuint (v, ==, 0);
  tu_assert_ok (mmapio_atomic_u64 (rw, 128, &shared));
  g_assert_cmpuint (atomic_load (shared), ==, 0);
  tu_assert_ok (mmapio_close (cow));
  tu_assert_ok (mmapio_close (rw));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_arrays (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = create_zeroed (dir, 4096, &path);
  _Atomic uint64_t *a64;
  _Atomic uint32_t *a32;
  uint64_t v64[8];
  uint32_t v32[16];

  tu_assert_ok (mmapio_atomic_u64_array (f, 512, 8, &a64));
  tu_assert_ok (mmapio_atomic_u32_array (f, 1024, 16, &a32));
  for (int i = 0; i < 8; i++)
    atomic_fetch_add (&a64[i], (uint64_t) i * 1000 + 1);
  for (int i = 0; i < 16; i++)
    atomic_fetch_add (&a32[i], (uint32_t) i + 7);

  tu_pread (path, 512, v64, sizeof v64);
  for (int i = 0; i < 8; i++)
    g_assert_cmpuint (v64[i], ==, (uint64_t) i * 1000 + 1);
  tu_pread (path, 1024, v32, sizeof v32);
  for (int i = 0; i < 16; i++)
    g_assert_cmpuint (v32[i], ==, (uint32_t) i + 7);

  /* The single-element accessors land on the same integers.  */
  _Atomic uint64_t *one;
  tu_assert_ok (mmapio_atomic_u64 (f, 512 + 3 * 8, &one));
  g_assert_true (one == &a64[3]);

  /* An array may end exactly at the end of the mapping.  */
  tu_assert_ok (mmapio_atomic_u64_array (f, 0, 4096 / 8, &a64));
  tu_assert_ok (mmapio_atomic_u32_array (f, 4096 - 4, 1, &a32));
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_errors (void)
{
  char *dir = tu_tmpdir ();
  char *path;
  mmapio_file *f = create_zeroed (dir, 4096, &path);
  mmapio_file *ro;
  _Atomic uint64_t *p = NULL;
  _Atomic uint32_t *q = NULL;

  /* Misaligned.  */
  g_assert_cmpint (mmapio_atomic_u64 (f, 4, &p), ==, MMAPIO_E_ALIGN);
  g_assert_cmpint (mmapio_atomic_u64 (f, 1, &p), ==, MMAPIO_E_ALIGN);
  g_assert_cmpint (mmapio_atomic_u32 (f, 2, &q), ==, MMAPIO_E_ALIGN);
  g_assert_cmpint (mmapio_atomic_u64_array (f, 12, 2, &p), ==,
                   MMAPIO_E_ALIGN);
  g_assert_cmpint (mmapio_atomic_u32_array (f, 6, 2, &q), ==,
                   MMAPIO_E_ALIGN);

  /* Out of bounds, including off + count * size overflowing.  */
  g_assert_cmpint (mmapio_atomic_u64 (f, 4096, &p), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u32 (f, 4096, &q), ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u64 (f, UINT64_MAX - 7, &p), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u64_array (f, 0, 4096 / 8 + 1, &p), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u64_array (f, 8, 4096 / 8, &p), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u64_array (f, 8, UINT64_MAX / 8 + 1, &p),
                   ==, MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u32_array (f, 4, UINT64_MAX / 2, &q), ==,
                   MMAPIO_E_BOUNDS);
  g_assert_cmpint (mmapio_atomic_u32_array (f, 4096 - 4, 2, &q), ==,
                   MMAPIO_E_BOUNDS);

  /* Empty arrays.  */
  g_assert_cmpint (mmapio_atomic_u64_array (f, 0, 0, &p), ==,
                   MMAPIO_E_EMPTY);
  g_assert_cmpint (mmapio_atomic_u32_array (f, 0, 0, &q), ==,
                   MMAPIO_E_EMPTY);

  /* Out-parameters are untouched on failure.  */
  g_assert_null (p);
  g_assert_null (q);

  /* Read-only mappings.  */
  tu_assert_ok (mmapio_open (&ro, path, MMAPIO_RDONLY, 0));
  g_assert_cmpint (mmapio_atomic_u64 (ro, 0, &p), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_atomic_u32 (ro, 0, &q), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_atomic_u64_array (ro, 0, 1, &p), ==,
                   MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_atomic_u32_array (ro, 0, 1, &q), ==,
                   MMAPIO_E_MODE);
  tu_assert_ok (mmapio_close (ro));
  tu_assert_ok (mmapio_close (f));

  /* Windowed handles have no stable address for a counter.  */
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.window = 4096;
  tu_assert_ok (mmapio_open_ex (&f, path, MMAPIO_RDWR, &o));
  g_assert_cmpint (mmapio_atomic_u64 (f, 0, &p), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_atomic_u32_array (f, 0, 4, &q), ==, MMAPIO_E_MODE);
  tu_assert_ok (mmapio_close (f));

  /* An empty mapping has no room for one.  */
  tu_assert_ok (mmapio_create (&f, path, 0, 0));
  g_assert_cmpint (mmapio_atomic_u32 (f, 0, &q), ==, MMAPIO_E_BOUNDS);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/atomic/threads-exact-total", test_threads);
  g_test_add_func ("/atomic/processes-exact-total", test_processes);
  g_test_add_func ("/atomic/cow-stays-private", test_cow_private);
  g_test_add_func ("/atomic/arrays", test_arrays);
  g_test_add_func ("/atomic/errors", test_errors);
  return g_test_run ();
}
