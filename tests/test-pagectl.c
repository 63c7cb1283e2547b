/* test-pagectl.c — advice, prefetch, populate, memory locks, huge pages.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "testutil.h"

static size_t ps;

/* A pattern file of 'pages' pages plus 'extra' bytes in a fresh dir.  */
typedef struct
{
  char *dir;
  char *path;
  uint64_t size;
} fixture;

static void
fx_init (fixture *fx, size_t pages, size_t extra)
{
  fx->dir = tu_tmpdir ();
  fx->size = pages * ps + extra;
  fx->path = tu_pattern_file (fx->dir, "data", (size_t) fx->size);
}

static void
fx_fini (fixture *fx)
{
  g_free (fx->path);
  tu_tmpdir_free (fx->dir);
}

static mmapio_file *
fx_open (fixture *fx, enum mmapio_mode mode, unsigned flags)
{
  mmapio_file *f = NULL;
  tu_assert_ok (mmapio_open (&f, fx->path, mode, flags));
  g_assert_nonnull (f);
  return f;
}

static void
truncate_behind (const char *path, uint64_t size)
{
  int fd = open (path, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  close (fd);
}

/* Every range error a call taking (off, len) must report.  */
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
    off = UINT64_MAX; len = UINT64_MAX; \
    g_assert_cmpint ((call_off_len), ==, MMAPIO_E_BOUNDS); \
  } while (0)

/* ------------------------------------------------------------------ */

static void
test_advise_all (void)
{
  fixture fx;
  fx_init (&fx, 16, 100);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, 0);
  static const enum mmapio_advice all[] = {
    MMAPIO_ADV_NORMAL, MMAPIO_ADV_RANDOM, MMAPIO_ADV_SEQUENTIAL,
    MMAPIO_ADV_WILLNEED, MMAPIO_ADV_DONTNEED, MMAPIO_ADV_NORMAL
  };
  for (size_t i = 0; i < G_N_ELEMENTS (all); i++)
    {
      tu_assert_ok (mmapio_advise (f, 0, fx.size, all[i]));
      /* Unaligned ranges are widened, not refused.  */
      tu_assert_ok (mmapio_advise (f, 5, ps, all[i]));
      tu_assert_ok (mmapio_advise (f, fx.size - 1, 1, all[i]));
    }
  for (int h = MMAPIO_ADV_HUGEPAGE; h <= MMAPIO_ADV_NOHUGEPAGE; h++)
    {
      int r = mmapio_advise (f, 0, fx.size, (enum mmapio_advice) h);
      g_assert_true (r == 0 || r == -ENOTSUP);
    }
  /* The data is still there after DONTNEED on a shared mapping.  */
  unsigned char b;
  tu_assert_ok (mmapio_read (f, 3 * ps + 7, &b, 1));
  g_assert_cmpint (b, ==, tu_byte (3 * ps + 7));
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_advise_errors (void)
{
  fixture fx;
  fx_init (&fx, 4, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR, 0);
  g_assert_cmpint (mmapio_advise (f, 0, ps, (enum mmapio_advice) 99), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_advise (f, 0, ps, (enum mmapio_advice) -1), ==,
                   -EINVAL);
  CHECK_BOUNDS (mmapio_advise (f, off, len, MMAPIO_ADV_WILLNEED), fx.size);
  /* Empty ranges anywhere in bounds succeed without doing anything.  */
  tu_assert_ok (mmapio_advise (f, 0, 0, MMAPIO_ADV_DONTNEED));
  tu_assert_ok (mmapio_advise (f, fx.size, 0, MMAPIO_ADV_DONTNEED));
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_advise_dontneed_cow (void)
{
  fixture fx;
  fx_init (&fx, 4, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_COW, 0);
  unsigned char b = (unsigned char) ~tu_byte (ps + 1);
  tu_assert_ok (mmapio_write (f, ps + 1, &b, 1));
  tu_assert_ok (mmapio_read (f, ps + 1, &b, 1));
  g_assert_cmpint (b, ==, (unsigned char) ~tu_byte (ps + 1));
  /* DONTNEED on COW throws the private copy away: the file shows again. */
  tu_assert_ok (mmapio_advise (f, ps, ps, MMAPIO_ADV_DONTNEED));
  tu_assert_ok (mmapio_read (f, ps + 1, &b, 1));
  g_assert_cmpint (b, ==, tu_byte (ps + 1));
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_empty_mapping (void)
{
  fixture fx;
  fx_init (&fx, 0, 0);
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      mmapio_file *f = fx_open (&fx, (enum mmapio_mode) m, 0);
      uint64_t pages = 77;
      g_assert_cmpuint (mmapio_size (f), ==, 0);
      tu_assert_ok (mmapio_advise (f, 0, 0, MMAPIO_ADV_WILLNEED));
      g_assert_cmpint (mmapio_advise (f, 0, 1, MMAPIO_ADV_WILLNEED), ==,
                       MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_prefetch (f, 0, 0));
      g_assert_cmpint (mmapio_prefetch (f, 0, 1), ==, MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_populate (f, 0, 0, 0, &pages));
      g_assert_cmpuint (pages, ==, 0);
      g_assert_cmpint (mmapio_populate (f, 0, 1, 0, NULL), ==,
                       MMAPIO_E_BOUNDS);
      tu_assert_ok (mmapio_lock_all (f, 0));
      tu_assert_ok (mmapio_unlock_all (f));
      g_assert_cmpint (mmapio_lock (f, 0, 1, 0), ==, MMAPIO_E_BOUNDS);
      g_assert_cmpint (mmapio_hugepages (f), ==, 0);
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

static void
test_prefetch (void)
{
  fixture fx;
  fx_init (&fx, 8, 3);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, 0);
  tu_assert_ok (mmapio_prefetch (f, 0, fx.size));
  tu_assert_ok (mmapio_prefetch (f, 3, 10));
  tu_assert_ok (mmapio_prefetch (f, fx.size, 0));
  CHECK_BOUNDS (mmapio_prefetch (f, off, len), fx.size);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

/* ------------------------------------------------------------------ */
/* Populate.  */

static void
check_populate_read (unsigned open_flags)
{
  fixture fx;
  fx_init (&fx, 32, 10);
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      mmapio_file *f = fx_open (&fx, (enum mmapio_mode) m, open_flags);
      uint64_t pages = 0;
      tu_assert_ok (mmapio_populate (f, 0, fx.size, 0, &pages));
      g_assert_cmpuint (pages, ==, 33);
      /* Widened to whole pages: 1 byte before and after a boundary. */
      tu_assert_ok (mmapio_populate (f, ps - 1, 2, 0, &pages));
      g_assert_cmpuint (pages, ==, 2);
      tu_assert_ok (mmapio_populate (f, fx.size - 1, 1, 0, &pages));
      g_assert_cmpuint (pages, ==, 1);
      tu_assert_ok (mmapio_populate (f, 5, 0, 0, &pages));
      g_assert_cmpuint (pages, ==, 0);
      tu_assert_ok (mmapio_populate (f, 0, fx.size, 0, NULL));
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

static void
check_populate_write (unsigned open_flags)
{
  fixture fx;
  fx_init (&fx, 16, 5);
  unsigned char *want = g_malloc (fx.size), *got = g_malloc (fx.size);
  for (uint64_t i = 0; i < fx.size; i++)
    want[i] = tu_byte (i);

  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, open_flags);
  g_assert_cmpint (mmapio_populate (f, 0, fx.size, MMAPIO_POPULATE_WRITE,
                                    NULL), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_populate (f, 0, 0, MMAPIO_POPULATE_WRITE, NULL),
                   ==, MMAPIO_E_MODE);
  tu_assert_ok (mmapio_close (f));

  for (int m = MMAPIO_RDWR; m <= MMAPIO_COW; m++)
    {
      uint64_t pages = 0;
      f = fx_open (&fx, (enum mmapio_mode) m, open_flags);
      tu_assert_ok (mmapio_populate (f, 0, fx.size, MMAPIO_POPULATE_WRITE,
                                     &pages));
      g_assert_cmpuint (pages, ==, 17);
      /* Faulting in for writing changes no byte, in the mapping or the
       * file.  */
      tu_assert_ok (mmapio_read (f, 0, got, fx.size));
      g_assert_cmpmem (got, fx.size, want, fx.size);
      tu_assert_ok (mmapio_close (f));
      tu_pread (fx.path, 0, got, fx.size);
      g_assert_cmpmem (got, fx.size, want, fx.size);
    }
  g_free (want);
  g_free (got);
  fx_fini (&fx);
}

static void
test_populate_read (void)
{
  check_populate_read (0);
}

static void
test_populate_read_madvise (void)
{
  /* Handles opened for huge pages populate with MADV_POPULATE_READ.  */
  check_populate_read (MMAPIO_OPEN_HUGEPAGE);
}

static void
test_populate_write (void)
{
  check_populate_write (0);
}

static void
test_populate_write_madvise (void)
{
  check_populate_write (MMAPIO_OPEN_HUGEPAGE);
}

static void
test_populate_errors (void)
{
  fixture fx;
  fx_init (&fx, 4, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR, 0);
  uint64_t pages = 1234;
  g_assert_cmpint (mmapio_populate (f, 0, ps, 1u << 7, &pages), ==, -EINVAL);
  CHECK_BOUNDS (mmapio_populate (f, off, len, 0, &pages), fx.size);
  CHECK_BOUNDS (mmapio_populate (f, off, len, MMAPIO_POPULATE_WRITE, &pages),
                fx.size);
  /* Out-parameters are left alone on failure.  */
  g_assert_cmpuint (pages, ==, 1234);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

/* The file is cut to one page behind the handle's back; populating the
 * lost pages must report it, not die of SIGBUS.  */
static void
check_populate_shrunk (enum mmapio_mode mode, unsigned open_flags,
                       unsigned pop_flags)
{
  fixture fx;
  fx_init (&fx, 8, 0);
  mmapio_file *f = fx_open (&fx, mode, open_flags);
  truncate_behind (fx.path, ps);
  uint64_t pages = 99;
  g_assert_cmpint (mmapio_populate (f, 0, fx.size, pop_flags, &pages), ==,
                   MMAPIO_E_SHRUNK);
  g_assert_cmpuint (pages, ==, 99);
  /* The part still backed by the file populates fine.  */
  tu_assert_ok (mmapio_populate (f, 0, ps, pop_flags, &pages));
  g_assert_cmpuint (pages, ==, 1);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_populate_shrunk_walk (void)
{
  check_populate_shrunk (MMAPIO_RDONLY, 0, 0);
  check_populate_shrunk (MMAPIO_RDWR, 0, 0);
  check_populate_shrunk (MMAPIO_RDWR, 0, MMAPIO_POPULATE_WRITE);
}

static void
test_populate_shrunk_madvise (void)
{
  check_populate_shrunk (MMAPIO_RDONLY, MMAPIO_OPEN_HUGEPAGE, 0);
  check_populate_shrunk (MMAPIO_RDWR, MMAPIO_OPEN_HUGEPAGE, 0);
  check_populate_shrunk (MMAPIO_RDWR, MMAPIO_OPEN_HUGEPAGE,
                         MMAPIO_POPULATE_WRITE);
}

/* MMAPIO_FORCE_PAGE_WALK=1 is read once per process: run in a child.  */
static void
test_populate_forced_walk (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("MMAPIO_FORCE_PAGE_WALK", "1", TRUE);
      check_populate_read (MMAPIO_OPEN_HUGEPAGE);
      check_populate_write (MMAPIO_OPEN_HUGEPAGE);
      check_populate_shrunk (MMAPIO_RDONLY, MMAPIO_OPEN_HUGEPAGE, 0);
      check_populate_shrunk (MMAPIO_COW, MMAPIO_OPEN_HUGEPAGE,
                             MMAPIO_POPULATE_WRITE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_populate_at_open (void)
{
  fixture fx;
  fx_init (&fx, 16, 1);
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      mmapio_file *f = fx_open (&fx, (enum mmapio_mode) m,
                                MMAPIO_OPEN_POPULATE | MMAPIO_OPEN_HUGEPAGE);
      unsigned char b;
      tu_assert_ok (mmapio_read (f, 15 * ps, &b, 1));
      g_assert_cmpint (b, ==, tu_byte (15 * ps));
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

static void
test_windowed (void)
{
  fixture fx;
  fx_init (&fx, 16, 0);
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.window = 4 * ps;
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_RDWR; m++)
    {
      mmapio_file *f = NULL;
      tu_assert_ok (mmapio_open_ex (&f, fx.path, (enum mmapio_mode) m, &o));
      g_assert_cmpint (mmapio_advise (f, 0, ps, MMAPIO_ADV_WILLNEED), ==,
                       MMAPIO_E_MODE);
      g_assert_cmpint (mmapio_populate (f, 0, ps, 0, NULL), ==,
                       MMAPIO_E_MODE);
      g_assert_cmpint (mmapio_lock (f, 0, ps, 0), ==, MMAPIO_E_MODE);
      g_assert_cmpint (mmapio_unlock (f, 0, ps), ==, MMAPIO_E_MODE);
      g_assert_cmpint (mmapio_hugepages (f), ==, -ENOTSUP);
      /* Prefetch needs no mapping.  */
      tu_assert_ok (mmapio_prefetch (f, 0, fx.size));
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

/* ------------------------------------------------------------------ */
/* Locks.  */

/* VmLck of this process in kB, from /proc/self/status.  */
static long
vm_locked_kb (void)
{
  char *text = NULL;
  long kb = -1;
  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  const char *p = strstr (text, "\nVmLck:");
  if (p != NULL)
    kb = strtol (p + 7, NULL, 10);
  g_free (text);
  return kb;
}

static void
test_lock_unlock (void)
{
  fixture fx;
  fx_init (&fx, 64, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, 0);
  /* Without a working mlock() only the return values can be checked.  */
  long before = MLOCK_IS_NOOP ? -1 : vm_locked_kb ();
  int r = mmapio_lock_all (f, 0);
  if (r == -EPERM || r == -ENOMEM || r == MMAPIO_E_MEMLOCK)
    {
      g_test_skip ("mlock not permitted here");
      tu_assert_ok (mmapio_close (f));
      fx_fini (&fx);
      return;
    }
  tu_assert_ok (r);
  if (before >= 0)
    g_assert_cmpint (vm_locked_kb (), >=, before + (long) (64 * ps / 1024));
  tu_assert_ok (mmapio_unlock_all (f));
  if (before >= 0)
    g_assert_cmpint (vm_locked_kb (), ==, before);

  /* A range, widened to pages.  */
  tu_assert_ok (mmapio_lock (f, ps + 1, 2 * ps, 0));
  if (before >= 0)
    g_assert_cmpint (vm_locked_kb (), ==, before + (long) (3 * ps / 1024));
  tu_assert_ok (mmapio_unlock (f, ps + 1, 2 * ps));
  if (before >= 0)
    g_assert_cmpint (vm_locked_kb (), ==, before);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_lock_onfault (void)
{
  fixture fx;
  fx_init (&fx, 8, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDWR, 0);
  int r = mmapio_lock_all (f, MMAPIO_LOCK_ONFAULT);
  if (r == -ENOTSUP)
    g_test_skip ("mlock2 (MLOCK_ONFAULT) is not available");
  else if (r == -EPERM || r == -ENOMEM || r == MMAPIO_E_MEMLOCK)
    g_test_skip ("mlock not permitted here");
  else
    {
      tu_assert_ok (r);
      tu_assert_ok (mmapio_unlock_all (f));
    }
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_lock_errors (void)
{
  fixture fx;
  fx_init (&fx, 4, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, 0);
  g_assert_cmpint (mmapio_lock (f, 0, ps, 1u << 5), ==, -EINVAL);
  g_assert_cmpint (mmapio_lock_all (f, 1u << 5), ==, -EINVAL);
  CHECK_BOUNDS (mmapio_lock (f, off, len, 0), fx.size);
  CHECK_BOUNDS (mmapio_unlock (f, off, len), fx.size);
  tu_assert_ok (mmapio_lock (f, 2, 0, 0));
  tu_assert_ok (mmapio_unlock (f, fx.size, 0));
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);
}

static void
test_memlock_limit_value (void)
{
  struct rlimit rl;
  uint64_t limit = 0;
  g_assert_cmpint (getrlimit (RLIMIT_MEMLOCK, &rl), ==, 0);
  tu_assert_ok (mmapio_memlock_limit (&limit));
  if (rl.rlim_cur == RLIM_INFINITY)
    g_assert_cmpuint (limit, ==, UINT64_MAX);
  else
    g_assert_cmpuint (limit, ==, (uint64_t) rl.rlim_cur);
}

/* Drop CAP_IPC_LOCK, which lets mlock ignore RLIMIT_MEMLOCK.  */
static bool
drop_ipc_lock (void)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
  if (syscall (SYS_capget, &h, d) != 0)
    return false;
  uint32_t bit = 1u << (CAP_IPC_LOCK % 32);
  d[CAP_IPC_LOCK / 32].effective &= ~bit;
  d[CAP_IPC_LOCK / 32].permitted &= ~bit;
  d[CAP_IPC_LOCK / 32].inheritable &= ~bit;
  if (syscall (SYS_capset, &h, d) != 0)
    return false;
  return true;
}

static void
test_memlock_limit_error (void)
{
  if (MLOCK_IS_NOOP)
    {
      g_test_skip ("mlock() is a no-op under AddressSanitizer");
      return;
    }
  fixture fx;
  fx_init (&fx, 64, 0);
  if (g_test_subprocess ())
    {
      struct rlimit rl = { 16 * ps, 16 * ps };
      g_assert_true (drop_ipc_lock ());
      g_assert_cmpint (setrlimit (RLIMIT_MEMLOCK, &rl), ==, 0);
      uint64_t limit = 0;
      tu_assert_ok (mmapio_memlock_limit (&limit));
      g_assert_cmpuint (limit, ==, 16 * ps);

      mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, 0);
      g_assert_cmpint (mmapio_lock_all (f, 0), ==, MMAPIO_E_MEMLOCK);
      g_assert_cmpint (mmapio_lock (f, 0, 32 * ps, MMAPIO_LOCK_ONFAULT), ==,
                       MMAPIO_E_MEMLOCK);
      /* Within the limit it works.  */
      tu_assert_ok (mmapio_lock (f, 0, 4 * ps, 0));
      tu_assert_ok (mmapio_unlock_all (f));
      tu_assert_ok (mmapio_close (f));

      /* Opening with MMAPIO_OPEN_LOCK fails the same way.  */
      f = NULL;
      g_assert_cmpint (mmapio_open (&f, fx.path, MMAPIO_RDONLY,
                                    MMAPIO_OPEN_LOCK), ==, MMAPIO_E_MEMLOCK);
      g_assert_null (f);

      /* A limit of 0 gives EPERM from mlock: still the limit's fault.  */
      rl.rlim_cur = rl.rlim_max = 0;
      g_assert_cmpint (setrlimit (RLIMIT_MEMLOCK, &rl), ==, 0);
      f = fx_open (&fx, MMAPIO_RDONLY, 0);
      g_assert_cmpint (mmapio_lock (f, 0, ps, 0), ==, MMAPIO_E_MEMLOCK);
      tu_assert_ok (mmapio_close (f));
      fx_fini (&fx);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  fx_fini (&fx);
}

/* ------------------------------------------------------------------ */
/* Huge pages.  */

static void
test_hugepages_query (void)
{
  fixture fx;
  /* One page can never be mapped with a huge page.  */
  fx_init (&fx, 1, 0);
  mmapio_file *f = fx_open (&fx, MMAPIO_RDONLY, MMAPIO_OPEN_POPULATE);
  int r = mmapio_hugepages (f);
  if (r == -ENOTSUP)
    {
      g_test_skip ("huge-page use cannot be told on this system");
      tu_assert_ok (mmapio_close (f));
      fx_fini (&fx);
      return;
    }
  g_assert_cmpint (r, ==, 0);
  tu_assert_ok (mmapio_close (f));
  fx_fini (&fx);

  /* 8 MiB asked for huge pages: yes or no, both fine, nothing else.  */
  fx_init (&fx, (8u << 20) / ps, 0);
  for (int m = MMAPIO_RDONLY; m <= MMAPIO_COW; m++)
    {
      f = fx_open (&fx, (enum mmapio_mode) m,
                   MMAPIO_OPEN_HUGEPAGE | MMAPIO_OPEN_POPULATE);
      tu_assert_ok (mmapio_populate (f, 0, fx.size, 0, NULL));
      r = mmapio_hugepages (f);
      g_assert_true (r == 0 || r == 1);
      if (g_test_verbose ())
        g_printerr ("mode %d: huge pages %s\n", m, r ? "yes" : "no");
      tu_assert_ok (mmapio_close (f));
    }
  fx_fini (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ps = (size_t) sysconf (_SC_PAGESIZE);

  g_test_add_func ("/advise/all", test_advise_all);
  g_test_add_func ("/advise/errors", test_advise_errors);
  g_test_add_func ("/advise/dontneed-cow", test_advise_dontneed_cow);
  g_test_add_func ("/pagectl/empty-mapping", test_empty_mapping);
  g_test_add_func ("/pagectl/windowed", test_windowed);
  g_test_add_func ("/prefetch/ranges", test_prefetch);
  g_test_add_func ("/populate/read", test_populate_read);
  g_test_add_func ("/populate/read-madvise", test_populate_read_madvise);
  g_test_add_func ("/populate/write", test_populate_write);
  g_test_add_func ("/populate/write-madvise", test_populate_write_madvise);
  g_test_add_func ("/populate/errors", test_populate_errors);
  g_test_add_func ("/populate/shrunk-walk", test_populate_shrunk_walk);
  g_test_add_func ("/populate/shrunk-madvise", test_populate_shrunk_madvise);
  g_test_add_func ("/populate/forced-walk", test_populate_forced_walk);
  g_test_add_func ("/populate/at-open", test_populate_at_open);
  g_test_add_func ("/lock/lock-unlock", test_lock_unlock);
  g_test_add_func ("/lock/onfault", test_lock_onfault);
  g_test_add_func ("/lock/errors", test_lock_errors);
  g_test_add_func ("/lock/memlock-limit-value", test_memlock_limit_value);
  g_test_add_func ("/lock/memlock-limit-error", test_memlock_limit_error);
  g_test_add_func ("/hugepages/query", test_hugepages_query);
  return g_test_run ();
}
