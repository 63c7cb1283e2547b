/* residency.c — page-cache residency and eviction.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two sources tell which pages of a file are in the page cache:
 *
 *  - cachestat(2) (Linux 6.5): counts for a byte range of a descriptor,
 *    including dirty, write-back and evicted pages, in one call and
 *    without a mapping.  No per-page answer.
 *  - mincore(2): one byte per page of a mapping.
 *
 * Both hide the page cache of files the caller could not open for
 * writing, to close a side channel: since Linux 5.2 (and the stable
 * kernels it was backported to) mincore() fills the whole vector with
 * "resident" for a file mapping unless the caller owns the file, has
 * CAP_FOWNER, or would be allowed to write it (can_do_mincore() in
 * mm/mincore.c); cachestat() fails with EPERM under the same rule, where
 * a descriptor opened for writing also passes (can_do_cachestat() in
 * mm/filemap.c, added after 6.5).  See mmapio_residency() in mmapio.h for
 * how the library turns that into MMAPIO_E_FAKE.
 */

#include "mmapio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if HAVE_SYS_SYSCALL_H
# include <sys/syscall.h>
#endif
#if HAVE_LINUX_FS_H
# include <linux/fs.h>
#endif
#ifdef __linux__
# include <linux/capability.h>
#endif

/* cachestat(2) has no C library wrapper.  Every architecture shares the
 * numbers of system calls added since Linux 5.1, except alpha, whose
 * table is offset by 110.  */
#if HAVE_DECL_SYS_CACHESTAT
# define CACHESTAT_NR SYS_cachestat
#elif HAVE_DECL___NR_CACHESTAT
# define CACHESTAT_NR __NR_cachestat
#elif defined __linux__ && defined __alpha__
# define CACHESTAT_NR 561
#elif defined __linux__
# define CACHESTAT_NR 451
#endif

/* The kernel's struct cachestat_range and struct cachestat
 * (include/uapi/linux/mman.h), which older headers lack.  */
struct cachestat_range_
{
  uint64_t off;
  uint64_t len;
};

struct cachestat_
{
  uint64_t nr_cache;
  uint64_t nr_dirty;
  uint64_t nr_writeback;
  uint64_t nr_evicted;
  uint64_t nr_recently_evicted;
};

/* -1 not read yet, else the value of MMAPIO_FORCE_MINCORE.  */
static atomic_int force_mincore = -1;
/* Set when the running kernel has no cachestat (ENOSYS).  */
static atomic_int cachestat_missing;

/* Mincore is read through a buffer of this many pages when the caller
 * wants no vector.  */
#define MINCORE_CHUNK 8192

static bool
cachestat_usable (void)
{
#ifdef CACHESTAT_NR
  int v = atomic_load_explicit (&force_mincore, memory_order_relaxed);
  if (MMAPIO_UNLIKELY (v < 0))
    {
      v = mmapio__env_flag ("MMAPIO_FORCE_MINCORE");
      atomic_store_explicit (&force_mincore, v, memory_order_relaxed);
    }
  return !v && !atomic_load_explicit (&cachestat_missing,
                                      memory_order_relaxed);
#else
  return false;
#endif
}

/* cachestat over [start, start + len), len > 0.  */
static int
cachestat_call (int fd, uint64_t start, uint64_t len, struct cachestat_ *cs)
{
#ifdef CACHESTAT_NR
  struct cachestat_range_ range = { start, len };
  if (syscall (CACHESTAT_NR, (unsigned) fd, &range, cs, 0u) == 0)
    return 0;
  int e = errno;
  if (e == ENOSYS)
    atomic_store_explicit (&cachestat_missing, 1, memory_order_relaxed);
  return -e;
#else
  (void) fd, (void) start, (void) len, (void) cs;
  return -ENOSYS;
#endif
}

#ifdef __linux__
static bool
has_cap_fowner (void)
{
# ifdef SYS_capget
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
  if (syscall (SYS_capget, &h, d) != 0)
    return false;
  return (d[CAP_FOWNER / 32].effective >> (CAP_FOWNER % 32)) & 1;
# else
  return geteuid () == 0;
# endif
}
#endif

/* Does the kernel show this file's page cache to us?  A user-space
 * rendering of can_do_mincore(): owner (by effective uid, which is the
 * filesystem uid unless setfsuid() was used), CAP_FOWNER, or write
 * permission (checked with the effective ids through /proc/self/fd, which
 * also catches read-only mounts).  With 'fd_write', a descriptor open for
 * writing counts too, as can_do_cachestat() has it.  */
static bool
page_cache_visible (int fd, bool fd_write)
{
#ifdef __linux__
  if (fd_write)
    {
      int fl = fcntl (fd, F_GETFL);
      if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY)
        return true;
    }
  struct stat st;
  if (fstat (fd, &st) != 0)
    return false;
  if (st.st_uid == geteuid () || has_cap_fowner ())
    return true;
  char path[48];
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  return faccessat (AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
#else
  (void) fd, (void) fd_write;
  return true;
#endif
}

/* mincore over [addr, addr + len) (page-aligned).  Fills 'vec' with 0/1
 * when given; adds the resident pages to *resident.  */
static int
mincore_count (uint8_t *addr, size_t len, unsigned char *vec,
               uint64_t *resident)
{
#if HAVE_MINCORE
  unsigned char buf[MINCORE_CHUNK];
  size_t ps = mmapio__page_size;
  size_t pages = len / ps;
  uint64_t n = 0;

  for (size_t done = 0; done < pages;)
    {
      size_t k = pages - done;
      unsigned char *v = vec != NULL ? vec + done : buf;
      if (vec == NULL && k > MINCORE_CHUNK)
        k = MINCORE_CHUNK;
      if (mincore (addr + done * ps, k * ps, v) != 0)
        return -errno;
      for (size_t i = 0; i < k; i++)
        {
          /* Only bit 0 has a meaning; the others are reserved.  */
          v[i] &= 1;
          n += v[i];
        }
      done += k;
    }
  *resident += n;
  return 0;
#else
  (void) addr, (void) len, (void) vec, (void) resident;
  return -ENOTSUP;
#endif
}

/* mincore over a range of a file through temporary read-only mappings,
 * one window at a time so that huge files fit a 32-bit address space.  */
static int
mincore_fd (int fd, uint64_t start, uint64_t len, unsigned char *vec,
            uint64_t *resident)
{
#if HAVE_MINCORE
  const uint64_t win = SIZE_MAX > UINT32_MAX ? (uint64_t) 1 << 30
                                             : (uint64_t) 1 << 28;
  for (uint64_t pos = 0; pos < len;)
    {
      uint64_t n = len - pos < win ? len - pos : win;
      void *p = mmap (NULL, (size_t) n, PROT_READ, MAP_SHARED, fd,
                      (off_t) (start + pos));
      if (p == MAP_FAILED)
        return -errno;
      int r = mincore_count (p, (size_t) n,
                             vec != NULL ? vec + (pos >> mmapio__page_shift)
                                         : NULL,
                             resident);
      munmap (p, (size_t) n);
      if (r < 0)
        return r;
      pos += n;
    }
  return 0;
#else
  (void) fd, (void) start, (void) len, (void) vec, (void) resident;
  return -ENOTSUP;
#endif
}

/* Residency of the page-aligned range [start, start + len), len > 0, of
 * the file behind 'fd'.  'map' is NULL or the address where offset 0 of
 * the file is mapped shared (then mincore uses it instead of a temporary
 * mapping).  */
static int
residency_range (int fd, uint8_t *map, uint64_t start, uint64_t len,
                 mmapio_residency_info *ret, unsigned char *vec)
{
  mmapio_residency_info res = { 0 };
  struct cachestat_ cs;
  int r;

  res.total = (len + mmapio__page_size - 1) >> mmapio__page_shift;
  if (vec == NULL && cachestat_usable ())
    {
      r = cachestat_call (fd, start, len, &cs);
      if (r == 0)
        {
          res.resident = cs.nr_cache;
          res.dirty = cs.nr_dirty;
          res.writeback = cs.nr_writeback;
          res.evicted = cs.nr_evicted;
          res.recently_evicted = cs.nr_recently_evicted;
          res.source = MMAPIO_RES_CACHESTAT;
          *ret = res;
          return 0;
        }
      /* EPERM is the kernel hiding the page cache, unless we should be
       * allowed to see it, in which case a seccomp filter refused the
       * call and mincore may still work.  */
      if (r == -EPERM && !page_cache_visible (fd, true))
        return MMAPIO_E_FAKE;
      /* ENOSYS: old kernel; EOPNOTSUPP: hugetlbfs.  */
      if (r != -ENOSYS && r != -EOPNOTSUPP && r != -EPERM)
        return r;
    }

  if (map != NULL)
    r = mincore_count (map + start, (size_t) len, vec, &res.resident);
  else
    r = mincore_fd (fd, start, len, vec, &res.resident);
  if (r < 0)
    return r;

  /* A faked answer is all "resident".  Any page reported absent proves
   * the answer real; an all-resident answer is believed when the kernel
   * shows us this file, or when cachestat agrees.  */
  if (res.resident == res.total && !page_cache_visible (fd, false))
    {
      if (!cachestat_usable ()
          || cachestat_call (fd, start, len, &cs) != 0
          || cs.nr_cache < res.total)
        return MMAPIO_E_FAKE;
    }
  res.source = MMAPIO_RES_MINCORE;
  *ret = res;
  return 0;
}

int
mmapio_residency (mmapio_file *f, uint64_t off, uint64_t len,
                  mmapio_residency_info *ret, unsigned char *vec)
{
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    {
      mmapio_residency_info res = { 0 };
      res.source = vec == NULL && cachestat_usable () ? MMAPIO_RES_CACHESTAT
                                                      : MMAPIO_RES_MINCORE;
      *ret = res;
      return 0;
    }

  /* A COW mapping's written pages are private memory, not the file's
   * page cache, so mincore must not look at them.  */
  bool own = f->mode != MMAPIO_COW && f->window == 0;
  if (own)
    mmapio__enter (f);
  int r = residency_range (f->fd, own ? f->base : NULL, start, wlen, ret,
                           vec);
  if (own)
    mmapio__leave (f);
  return r;
}

/* Size of the file or block device behind 'fd'.  */
static int
fd_size (int fd, uint64_t *ret)
{
  struct stat st;
  if (fd < 0)
    return -EBADF;
  if (fstat (fd, &st) != 0)
    return -errno;
  if (S_ISREG (st.st_mode))
    {
      *ret = (uint64_t) st.st_size;
      return 0;
    }
#if HAVE_LINUX_FS_H && defined BLKGETSIZE64
  if (S_ISBLK (st.st_mode))
    {
      uint64_t sz;
      if (ioctl (fd, BLKGETSIZE64, &sz) != 0)
        return -errno;
      *ret = sz;
      return 0;
    }
#endif
  return S_ISDIR (st.st_mode) ? -EISDIR : -ENODEV;
}

/* Page-aligned range of a descriptor: len 0 means to the end.  */
static int
fd_widen (int fd, uint64_t off, uint64_t len, uint64_t *ret_start,
          uint64_t *ret_len)
{
  uint64_t size = 0;
  int r = fd_size (fd, &size);
  if (r < 0)
    return r;
  if (len == 0 && off <= size)
    len = size - off;
  if (!mmapio__in_bounds (off, len, size))
    return MMAPIO_E_BOUNDS;
  *ret_start = mmapio__page_down (off);
  *ret_len = len == 0 ? 0 : mmapio__page_up (off + len) - *ret_start;
  return 0;
}

int
mmapio_fd_residency (int fd, uint64_t off, uint64_t len,
                     mmapio_residency_info *ret)
{
  uint64_t start, wlen;
  int r = fd_widen (fd, off, len, &start, &wlen);
  if (r < 0)
    return r;
  if (wlen == 0)
    {
      mmapio_residency_info res = { 0 };
      res.source = cachestat_usable () ? MMAPIO_RES_CACHESTAT
                                       : MMAPIO_RES_MINCORE;
      *ret = res;
      return 0;
    }
  return residency_range (fd, NULL, start, wlen, ret, NULL);
}

/* ------------------------------------------------------------------ */
/* Eviction.  */

/* Write back the dirty pages of a range of the file and wait for them.
 * sync_file_range is enough here: eviction needs clean pages, not a
 * durable file, so no journal commit or cache flush is paid for.  */
static int
sync_fd_range (int fd, uint64_t start, uint64_t len)
{
#if HAVE_SYNC_FILE_RANGE
  if (sync_file_range (fd, (off_t) start, (off_t) len,
                       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE
                       | SYNC_FILE_RANGE_WAIT_AFTER) == 0)
    return 0;
  if (errno == EIO || errno == ENOSPC || errno == ENOMEM)
    return -errno;
  /* ENOSYS, or a file type it refuses: fall back.  */
#else
  (void) start, (void) len;
#endif
  return fdatasync (fd) == 0 ? 0 : -errno;
}

static int
drop_fd_range (int fd, uint64_t start, uint64_t len)
{
#if HAVE_POSIX_FADVISE
  return -posix_fadvise (fd, (off_t) start, (off_t) len,
                         POSIX_FADV_DONTNEED);
#else
  (void) fd, (void) start, (void) len;
  return -ENOTSUP;
#endif
}

/* Measure, run 'drop', measure again.  */
struct evict_ctx
{
  mmapio_file *f;
  int fd;
  uint64_t start, len;
  unsigned flags;
};

static int
evict_file (const struct evict_ctx *c, uint8_t *map)
{
  mmapio_file *f = c->f;
  int r;

  if (c->flags & MMAPIO_EVICT_SYNC)
    {
      /* RDWR: msync, as a flush does.  Otherwise other writers may
       * have dirtied the pages: write them back through the file.  */
      if (f != NULL && f->mode == MMAPIO_RDWR && map != NULL)
        r = msync (map + c->start, (size_t) c->len, MS_SYNC) == 0 ? 0
                                                                   : -errno;
      else
        r = sync_fd_range (c->fd, c->start, c->len);
      if (r < 0)
        return r;
    }

  /* Pages this handle maps cannot be dropped from the page cache: unmap
   * them first.  MADV_DONTNEED on a shared mapping loses nothing (the
   * data is the page cache's).  On a COW mapping it would discard private
   * changes; MADV_PAGEOUT (Linux 5.4) instead reclaims what it can and
   * keeps private pages (in memory, or in swap when there is swap), so
   * the file's pages that the COW mapping shows unchanged can go too.  */
#if HAVE_MADVISE
  if (map != NULL && f->mode != MMAPIO_COW)
    {
      if (madvise (map + c->start, (size_t) c->len, MADV_DONTNEED) != 0)
        {
          if (errno != EINVAL)
            return -errno;
          /* Part of the range is locked (mmapio_lock(), MMAPIO_OPEN_LOCK):
           * the kernel refuses the whole call.  Locked pages stay, as a lock means
           * them to; unmap the others page by page.  */
          for (uint64_t o = 0; o < c->len; o += mmapio__page_size)
            (void) madvise (map + c->start + o,
                            (size_t) (c->len - o < mmapio__page_size
                                      ? c->len - o : mmapio__page_size),
                            MADV_DONTNEED);
        }
    }
  else if (map != NULL)
    {
# if HAVE_DECL_MADV_PAGEOUT
      /* Best effort: an older kernel (EINVAL) just keeps the pages.  */
      (void) madvise (map + c->start, (size_t) c->len, MADV_PAGEOUT);
# endif
    }
  else if (f != NULL && f->window != 0)
    {
      pthread_mutex_lock (&f->win_lock);
      if (f->win_base != NULL)
        {
          uint64_t lo = c->start > f->win_off ? c->start : f->win_off;
          uint64_t e1 = c->start + c->len, e2 = f->win_off + f->win_len;
          uint64_t hi = e1 < e2 ? e1 : e2;
          if (lo < hi)
            (void) madvise (f->win_base + (lo - f->win_off),
                            (size_t) (hi - lo), MADV_DONTNEED);
        }
      pthread_mutex_unlock (&f->win_lock);
    }
#endif
  return drop_fd_range (c->fd, c->start, c->len);
}

static int
evict_measured (const struct evict_ctx *c, uint8_t *map,
                uint64_t *ret_evicted)
{
  mmapio_residency_info before, after;
  int r;

  if (ret_evicted == NULL)
    return evict_file (c, map);

  /* Measured through the file, not this handle's mapping, which the
   * eviction itself changes.  */
  int m = residency_range (c->fd, NULL, c->start, c->len, &before, NULL);
  r = evict_file (c, map);
  if (r < 0)
    return r;
  if (m == 0)
    m = residency_range (c->fd, NULL, c->start, c->len, &after, NULL);
  if (m == 0 && after.resident > 0 && after.dirty == 0)
    {
      /* Pages that were being faulted in or reclaimed by another CPU at
       * the first attempt are skipped by the kernel; one more pass
       * catches them.  */
      r = drop_fd_range (c->fd, c->start, c->len);
      if (r < 0)
        return r;
      m = residency_range (c->fd, NULL, c->start, c->len, &after, NULL);
    }
  if (m < 0)
    return m;
  *ret_evicted = before.resident > after.resident
                 ? before.resident - after.resident : 0;
  return 0;
}

int
mmapio_evict (mmapio_file *f, uint64_t off, uint64_t len, unsigned flags,
              uint64_t *ret_evicted)
{
  if (flags & ~MMAPIO_EVICT_SYNC)
    return -EINVAL;
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  if (wlen == 0)
    {
      if (ret_evicted != NULL)
        *ret_evicted = 0;
      return 0;
    }

  struct evict_ctx c = { f, f->fd, start, wlen, flags };
  bool own = f->window == 0;
  if (own)
    mmapio__enter (f);
  int r = evict_measured (&c, own ? f->base : NULL, ret_evicted);
  if (own)
    mmapio__leave (f);
  return r;
}

int
mmapio_fd_evict (int fd, uint64_t off, uint64_t len, unsigned flags,
                 uint64_t *ret_evicted)
{
  if (flags & ~MMAPIO_EVICT_SYNC)
    return -EINVAL;
  uint64_t start, wlen;
  int r = fd_widen (fd, off, len, &start, &wlen);
  if (r < 0)
    return r;
  if (wlen == 0)
    {
      if (ret_evicted != NULL)
        *ret_evicted = 0;
      return 0;
    }
  struct evict_ctx c = { NULL, fd, start, wlen, flags };
  return evict_measured (&c, NULL, ret_evicted);
}
