/* pagectl.c — advice, prefetch, populate, memory locks and the huge-page
 * query.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Advice.  */

#if HAVE_MADVISE
/* The madvise() value for each advice, or -1 when this system has none.  */
static int
madv_of (enum mmapio_advice advice)
{
  switch (advice)
    {
    case MMAPIO_ADV_NORMAL:
      return MADV_NORMAL;
    case MMAPIO_ADV_RANDOM:
      return MADV_RANDOM;
    case MMAPIO_ADV_SEQUENTIAL:
      return MADV_SEQUENTIAL;
    case MMAPIO_ADV_WILLNEED:
      return MADV_WILLNEED;
    case MMAPIO_ADV_DONTNEED:
      return MADV_DONTNEED;
    case MMAPIO_ADV_HUGEPAGE:
#if HAVE_DECL_MADV_HUGEPAGE
      return MADV_HUGEPAGE;
#else
      return -1;
#endif
    case MMAPIO_ADV_NOHUGEPAGE:
#if HAVE_DECL_MADV_NOHUGEPAGE
      return MADV_NOHUGEPAGE;
#else
      return -1;
#endif
    }
  return -2;
}
#elif HAVE_POSIX_MADVISE
static int
madv_of (enum mmapio_advice advice)
{
  switch (advice)
    {
    case MMAPIO_ADV_NORMAL:
      return POSIX_MADV_NORMAL;
    case MMAPIO_ADV_RANDOM:
      return POSIX_MADV_RANDOM;
    case MMAPIO_ADV_SEQUENTIAL:
      return POSIX_MADV_SEQUENTIAL;
    case MMAPIO_ADV_WILLNEED:
      return POSIX_MADV_WILLNEED;
    case MMAPIO_ADV_DONTNEED:
      /* POSIX_MADV_DONTNEED is only a hint (glibc even ignores it): it
       * does not drop the mapping as MMAPIO_ADV_DONTNEED promises.  */
    case MMAPIO_ADV_HUGEPAGE:
    case MMAPIO_ADV_NOHUGEPAGE:
      return -1;
    }
  return -2;
}
#endif

int
mmapio_advise (mmapio_file *f, uint64_t off, uint64_t len,
               enum mmapio_advice advice)
{
#if HAVE_MADVISE || HAVE_POSIX_MADVISE
  int madv = madv_of (advice);
  if (MMAPIO_UNLIKELY (madv < 0))
    return madv == -1 ? -ENOTSUP : -EINVAL;
  if (MMAPIO_UNLIKELY (f->window != 0))
    return MMAPIO_E_MODE;

  uint64_t start, wlen;
  if (MMAPIO_UNLIKELY (!mmapio__widen (f, off, len, &start, &wlen)))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    return 0;

  mmapio__enter (f);
# if HAVE_MADVISE
  int r = madvise (f->base + start, (size_t) wlen, madv) == 0 ? 0 : -errno;
# else
  int r = -posix_madvise (f->base + start, (size_t) wlen, madv);
# endif
  mmapio__leave (f);
  /* A kernel built without transparent huge pages does not know the
   * huge-page advice at all and says EINVAL.  */
  if (MMAPIO_UNLIKELY (r == -EINVAL)
      && (advice == MMAPIO_ADV_HUGEPAGE || advice == MMAPIO_ADV_NOHUGEPAGE))
    r = -ENOTSUP;
  return r;
#else
  if ((unsigned) advice > MMAPIO_ADV_NOHUGEPAGE)
    return -EINVAL;
  return -ENOTSUP;
#endif
}

/* ------------------------------------------------------------------ */
/* Prefetch.  */

int
mmapio_prefetch (mmapio_file *f, uint64_t off, uint64_t len)
{
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    return 0;
#if HAVE_POSIX_FADVISE
  /* posix_fadvise returns the error number instead of setting errno.  */
  return -posix_fadvise (f->fd, (off_t) start, (off_t) wlen,
                         POSIX_FADV_WILLNEED);
#elif HAVE_READAHEAD
  return readahead (f->fd, (off64_t) start, (size_t) wlen) == 0 ? 0 : -errno;
#else
  return -ENOTSUP;
#endif
}

/* ------------------------------------------------------------------ */
/* Populate.
 *
 * Two ways exist to fault a range in: MADV_POPULATE_READ/WRITE (Linux
 * 5.14), and touching one byte per page from user space.  Measured on
 * Linux 6.18 (ext4, 1 GiB file in the page cache, median of 7 runs; the
 * range either freshly mapped or already present in the page tables):
 *
 *                         page walk   MADV_POPULATE_*
 *   PTE-mapped, present     3.1 ms      39.6 ms
 *   PTE-mapped, fresh      11.4 ms      45.4 ms
 *   PMD-mapped, present   2.6-3.1 ms   1.6-3.9 ms
 *   PMD-mapped, fresh    6.6-12.7 ms   3.2-6.6 ms
 *   write, PTE, fresh      36.2 ms      67.8 ms
 *   write, PMD, fresh      30.0 ms      25.2 ms
 *
 * The kernel's populate goes through get_user_pages() for every page
 * table entry (about 150 ns a page), while the user-space walk costs one
 * load per page once the page is mapped and lets fault-around map many
 * pages per fault.  Only when the range is mapped with PMD entries does
 * the kernel, stepping 2 MiB at a time, come out ahead, by up to 2x on a
 * fresh mapping.  So the page walk is the default; MADV_POPULATE_* is
 * used for handles opened with MMAPIO_OPEN_HUGEPAGE, whose ranges are
 * expected to be PMD-mapped.  MMAPIO_FORCE_PAGE_WALK=1 forces the walk.
 *
 * A write walk does an atomic compare-and-swap of one byte per page with
 * itself: it takes a write fault like a store would, leaves the byte
 * unchanged and, unlike a plain read-then-write, cannot undo a concurrent
 * store to the same byte by another thread or process.  It is also
 * measured ~30x faster than read-then-write on fresh mappings (the read
 * maps the page read-only, so the write takes a second, write-protect
 * fault).  Not an atomic fetch-or of zero, which does the same with GCC:
 * clang 14 lowers that idempotent operation on x86 to a bare compiler
 * barrier, with no access at all, so the walk neither faulted pages in
 * nor saw a truncated file.  */

/* -1 not read yet, else the value of MMAPIO_FORCE_PAGE_WALK.  */
static atomic_int force_page_walk = -1;
#if HAVE_MADVISE && HAVE_DECL_MADV_POPULATE_READ && HAVE_DECL_MADV_POPULATE_WRITE
/* Set when the running kernel answered EINVAL: it predates the advice.  */
static atomic_int populate_missing;
# define HAVE_POPULATE_ADVICE 1
#else
# define HAVE_POPULATE_ADVICE 0
#endif

static bool
forced_page_walk (void)
{
  int v = atomic_load_explicit (&force_page_walk, memory_order_relaxed);
  if (MMAPIO_UNLIKELY (v < 0))
    {
      v = mmapio__env_flag ("MMAPIO_FORCE_PAGE_WALK");
      atomic_store_explicit (&force_page_walk, v, memory_order_relaxed);
    }
  return v;
}

/* Touch one byte of each page of [p, end).  Kept out of line so that the
 * guarded caller modifies no local after sigsetjmp.  */
static __attribute__ ((noinline)) void
touch_pages (uint8_t *p, uint8_t *end, bool write)
{
  size_t ps = mmapio__page_size;
  if (write)
    for (; p < end; p += ps)
      {
        /* Guess 0, so that no load comes first (it would map the page
         * read-only and cost a second fault); on a miss V holds the byte
         * and the second try writes it back unchanged, unless another
         * thread changed it in between, which wrote the page anyway.  */
        uint8_t v = 0;
        if (!__atomic_compare_exchange_n ((volatile uint8_t *) p, &v, 0,
                                          false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED))
          (void) __atomic_compare_exchange_n ((volatile uint8_t *) p, &v, v,
                                              false, __ATOMIC_RELAXED,
                                              __ATOMIC_RELAXED);
      }
  else
    {
      /* The bytes read feed a store: a load whose value is dropped can be
       * optimised away by a binary translator (valgrind's), and then no
       * page is touched and no truncation seen.  */
      uint8_t acc = 0;
      for (; p < end; p += ps)
        acc |= *(volatile const uint8_t *) p;
      volatile uint8_t sink = acc;
      (void) sink;
    }
}

/* The page walk, under the SIGBUS guard.  */
static int
page_walk (uint8_t *start, size_t len, bool write)
{
  MMAPIO_GUARD_DECL;
  if (MMAPIO_GUARD_BEGIN ())
    {
      MMAPIO_GUARD_RECOVER ();
      return MMAPIO_E_SHRUNK;
    }
  touch_pages (start, start + len, write);
  MMAPIO_GUARD_END ();
  return 0;
}

int
mmapio_populate (mmapio_file *f, uint64_t off, uint64_t len, unsigned flags,
                 uint64_t *ret_pages)
{
  if (MMAPIO_UNLIKELY (flags & ~MMAPIO_POPULATE_WRITE))
    return -EINVAL;
  bool write = flags & MMAPIO_POPULATE_WRITE;
  if (MMAPIO_UNLIKELY (write && f->mode == MMAPIO_RDONLY))
    return MMAPIO_E_MODE;
  if (MMAPIO_UNLIKELY (f->window != 0))
    return MMAPIO_E_MODE;

  uint64_t start, wlen;
  if (MMAPIO_UNLIKELY (!mmapio__widen (f, off, len, &start, &wlen)))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    {
      if (ret_pages != NULL)
        *ret_pages = 0;
      return 0;
    }

  int r = 1;
  mmapio__enter (f);
#if HAVE_POPULATE_ADVICE
  if ((f->flags & MMAPIO_OPEN_HUGEPAGE) && !forced_page_walk ()
      && !atomic_load_explicit (&populate_missing, memory_order_relaxed))
    {
      int advice = write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
      do
        r = madvise (f->base + start, (size_t) wlen, advice) == 0 ? 0 : -errno;
      while (r == -EINTR);
      if (r == -EINVAL)
        {
          atomic_store_explicit (&populate_missing, 1, memory_order_relaxed);
          r = 1;
        }
      else if (r == -EFAULT)
        /* The kernel met a page beyond the end of the file: it would
         * have been a SIGBUS.  */
        r = MMAPIO_E_SHRUNK;
    }
#else
  (void) forced_page_walk;
#endif
  if (r == 1)
    r = page_walk (f->base + start, (size_t) wlen, write);
  mmapio__leave (f);

  if (r == 0 && ret_pages != NULL)
    *ret_pages = (wlen + mmapio__page_size - 1) >> mmapio__page_shift;
  return r;
}

/* ------------------------------------------------------------------ */
/* Memory locks.  */

int
mmapio_memlock_limit (uint64_t *ret_limit)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_MEMLOCK, &rl) != 0)
    return -errno;
  *ret_limit = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX
                                            : (uint64_t) rl.rlim_cur;
  return 0;
}

int
mmapio_lock (mmapio_file *f, uint64_t off, uint64_t len, unsigned flags)
{
  if (flags & ~MMAPIO_LOCK_ONFAULT)
    return -EINVAL;
#if !HAVE_MLOCK
  return -ENOTSUP;
#else
# if !(HAVE_MLOCK2 && HAVE_DECL_MLOCK_ONFAULT)
  if (flags & MMAPIO_LOCK_ONFAULT)
    return -ENOTSUP;
# endif
  if (f->window != 0)
    return MMAPIO_E_MODE;
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    return 0;

  int r;
  mmapio__enter (f);
# if HAVE_MLOCK2 && HAVE_DECL_MLOCK_ONFAULT
  if (flags & MMAPIO_LOCK_ONFAULT)
    {
      r = mlock2 (f->base + start, (size_t) wlen, MLOCK_ONFAULT) == 0
          ? 0 : -errno;
      /* ENOSYS: no mlock2 in this kernel; EINVAL: no MLOCK_ONFAULT.  */
      if (r == -ENOSYS || r == -EINVAL)
        r = -ENOTSUP;
    }
  else
# endif
    r = mlock (f->base + start, (size_t) wlen) == 0 ? 0 : -errno;
  mmapio__leave (f);

  /* mlock says ENOMEM (or EPERM when the limit is 0) both for a range
   * over the limit and for other shortages; name the limit when the
   * range alone exceeds it.  */
  if (r == -ENOMEM || r == -EAGAIN || r == -EPERM)
    {
      uint64_t limit;
      if (mmapio_memlock_limit (&limit) == 0 && wlen > limit)
        r = MMAPIO_E_MEMLOCK;
    }
  return r;
#endif
}

int
mmapio_unlock (mmapio_file *f, uint64_t off, uint64_t len)
{
#if !HAVE_MUNLOCK
  return -ENOTSUP;
#else
  if (f->window != 0)
    return MMAPIO_E_MODE;
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    return 0;
  mmapio__enter (f);
  int r = munlock (f->base + start, (size_t) wlen) == 0 ? 0 : -errno;
  mmapio__leave (f);
  return r;
#endif
}

int
mmapio_lock_all (mmapio_file *f, unsigned flags)
{
  return mmapio_lock (f, 0, mmapio__size (f), flags);
}

int
mmapio_unlock_all (mmapio_file *f)
{
  return mmapio_unlock (f, 0, mmapio__size (f));
}

/* ------------------------------------------------------------------ */
/* Huge pages.  */

/* Parse "Name:   N kB"; true when the line is that field.  */
static bool
smaps_field (const char *line, const char *name, uint64_t *ret)
{
  size_t n = strlen (name);
  if (strncmp (line, name, n) != 0 || line[n] != ':')
    return false;
  *ret = strtoull (line + n + 1, NULL, 10);
  return true;
}

int
mmapio_hugepages (mmapio_file *f)
{
  if (f->window != 0)
    return -ENOTSUP;
  if (f->base == NULL || mmapio__size (f) == 0)
    return 0;

  FILE *fp = fopen ("/proc/self/smaps", "re");
  if (fp == NULL)
    return -ENOTSUP;

  mmapio__enter (f);
  uintptr_t lo = (uintptr_t) f->base;
  uintptr_t hi = lo + mmapio__page_up (mmapio__size (f));
  char *line = NULL;
  size_t cap = 0;
  bool inside = false, seen_field = false;
  uint64_t huge = 0;
  while (getline (&line, &cap, fp) > 0)
    {
      uintptr_t a, b;
      /* VMA headers start with the address range in lower-case hex;
       * field lines start with a capitalised name.  */
      if (((line[0] >= '0' && line[0] <= '9')
           || (line[0] >= 'a' && line[0] <= 'f'))
          && sscanf (line, "%" SCNxPTR "-%" SCNxPTR, &a, &b) == 2)
        {
          /* The mapping may be split into several VMAs by advice or
           * locks on parts of it: look at every one it overlaps.  */
          inside = a < hi && b > lo;
          continue;
        }
      if (!inside)
        continue;
      uint64_t v;
      if (smaps_field (line, "AnonHugePages", &v)
          || smaps_field (line, "FilePmdMapped", &v)
          || smaps_field (line, "ShmemPmdMapped", &v))
        {
          seen_field = true;
          huge += v;
        }
    }
  mmapio__leave (f);
  free (line);
  fclose (fp);
  if (!seen_field)
    return -ENOTSUP;
  return huge > 0;
}
