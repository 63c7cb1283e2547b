/* flush.c — pending-write accounting, durable and asynchronous flushes,
 * flush policies and the background flusher.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ---- Pending-byte counters ------------------------------------------ */

int
mmapio__alloc_dirty (mmapio_file *f)
{
  f->dirty = calloc (MMAPIO_DIRTY_TOP, sizeof *f->dirty);
  return f->dirty == NULL ? -ENOMEM : 0;
}

void
mmapio__free_dirty (mmapio_file *f)
{
  if (f->dirty == NULL)
    return;
  for (size_t t = 0; t < MMAPIO_DIRTY_TOP; t++)
    {
      mmapio_dirty_mid *mid = atomic_load_explicit (&f->dirty[t],
                                                    memory_order_relaxed);
      if (mid == NULL)
        continue;
      for (size_t m = 0; m < MMAPIO_DIRTY_MID; m++)
        free (atomic_load_explicit (&(*mid)[m], memory_order_relaxed));
      free (mid);
    }
  free (f->dirty);
  f->dirty = NULL;
}

/* The counter chunk holding page 'page', allocated if 'create'.  NULL when
 * absent (or when allocation failed: then dirty_all is raised).  */
static mmapio_dirty_chunk *
dirty_chunk (mmapio_file *f, uint64_t page, bool create)
{
  uint64_t ci = page / MMAPIO_DIRTY_CHUNK;
  uint64_t t = ci / MMAPIO_DIRTY_MID;
  size_t m = (size_t) (ci % MMAPIO_DIRTY_MID);

  if (MMAPIO_UNLIKELY (t >= MMAPIO_DIRTY_TOP))
    goto overflow;
  mmapio_dirty_mid *mid = atomic_load_explicit (&f->dirty[t],
                                                memory_order_acquire);
  if (mid == NULL)
    {
      if (!create)
        return NULL;
      mmapio_dirty_mid *fresh = calloc (1, sizeof *fresh);
      if (fresh == NULL)
        goto overflow;
      if (atomic_compare_exchange_strong_explicit (&f->dirty[t], &mid, fresh,
                                                   memory_order_acq_rel,
                                                   memory_order_acquire))
        mid = fresh;
      else
        free (fresh);
    }
  mmapio_dirty_chunk *chunk = atomic_load_explicit (&(*mid)[m],
                                                    memory_order_acquire);
  if (chunk == NULL)
    {
      if (!create)
        return NULL;
      mmapio_dirty_chunk *fresh = calloc (1, sizeof *fresh);
      if (fresh == NULL)
        goto overflow;
      if (atomic_compare_exchange_strong_explicit (&(*mid)[m], &chunk, fresh,
                                                   memory_order_acq_rel,
                                                   memory_order_acquire))
        chunk = fresh;
      else
        free (fresh);
    }
  return chunk;

overflow:
  if (create)
    atomic_store_explicit (&f->dirty_all, 1, memory_order_release);
  return NULL;
}

static void
wake_flusher (mmapio_file *f)
{
  pthread_mutex_lock (&f->flush_lock);
  pthread_cond_signal (&f->flush_cond);
  pthread_mutex_unlock (&f->flush_lock);
}

void
mmapio__mark_dirty (mmapio_file *f, uint64_t off, uint64_t len)
{
  if (f->mode != MMAPIO_RDWR || len == 0)
    return;

  const uint32_t ps = (uint32_t) mmapio__page_size;
  const unsigned shift = mmapio__page_shift;
  uint64_t added = 0;
  uint64_t end = off + len;
  uint64_t page = off >> shift;
  uint64_t last = (end - 1) >> shift;

  if (f->window != 0 || f->dirty == NULL)
    added = len;
  else
    while (page <= last)
      {
        mmapio_dirty_chunk *chunk = dirty_chunk (f, page, true);
        uint64_t chunk_last = page | (MMAPIO_DIRTY_CHUNK - 1);
        if (chunk_last > last)
          chunk_last = last;
        for (; page <= chunk_last; page++)
          {
            uint64_t ps_start = page << shift;
            uint64_t a = off > ps_start ? off : ps_start;
            uint64_t b = end < ps_start + ps ? end : ps_start + ps;
            uint32_t bytes = (uint32_t) (b - a);
            if (chunk == NULL)
              {
                added += bytes;
                continue;
              }
            _Atomic uint32_t *c = &(*chunk)[page % MMAPIO_DIRTY_CHUNK];
            uint32_t old = atomic_load_explicit (c, memory_order_relaxed);
            uint32_t want;
            do
              {
                if (old >= ps)
                  break;
                want = old + bytes > ps ? ps : old + bytes;
              }
            while (!atomic_compare_exchange_weak_explicit
                   (c, &old, want, memory_order_relaxed, memory_order_relaxed));
            if (old < ps)
              added += want - old;
          }
      }

  if (added == 0)
    return;
  uint64_t before = atomic_fetch_add_explicit (&f->pending, added,
                                               memory_order_acq_rel);
  if (before == 0
      && atomic_load_explicit (&f->policy, memory_order_relaxed)
         == MMAPIO_FLUSH_EVERY_MILLIS)
    wake_flusher (f);
}

/* Take (zero) the counters of pages [first, last] and return their sum;
 * the lowest and highest pages that had pending bytes go to *lo, *hi.  */
static uint64_t
take_dirty (mmapio_file *f, uint64_t first, uint64_t last,
            uint64_t *lo, uint64_t *hi)
{
  uint64_t sum = 0;
  uint64_t page = first;

  *lo = UINT64_MAX;
  *hi = 0;
  while (page <= last)
    {
      mmapio_dirty_chunk *chunk = dirty_chunk (f, page, false);
      uint64_t chunk_last = page | (MMAPIO_DIRTY_CHUNK - 1);
      if (chunk_last > last)
        chunk_last = last;
      if (chunk == NULL)
        {
          if (chunk_last == UINT64_MAX)
            break;
          page = chunk_last + 1;
          continue;
        }
      for (; page <= chunk_last; page++)
        {
          _Atomic uint32_t *c = &(*chunk)[page % MMAPIO_DIRTY_CHUNK];
          if (atomic_load_explicit (c, memory_order_relaxed) == 0)
            continue;
          uint32_t v = atomic_exchange_explicit (c, 0, memory_order_acq_rel);
          if (v == 0)
            continue;
          sum += v;
          if (page < *lo)
            *lo = page;
          *hi = page;
        }
      if (page == 0)
        break;  /* wrapped */
    }
  return sum;
}

void
mmapio__drop_dirty_from (mmapio_file *f, uint64_t from)
{
  if (f->mode != MMAPIO_RDWR || f->dirty == NULL)
    return;
  /* Pages wholly beyond the new end lose their pending bytes; the page
   * holding the new end keeps them (its head is still in the file).  */
  uint64_t first = mmapio__page_up (from) >> mmapio__page_shift;
  uint64_t last = (f->mapped >> mmapio__page_shift);
  if (last == 0 || first >= last)
    return;
  uint64_t lo, hi;
  uint64_t sum = take_dirty (f, first, last - 1, &lo, &hi);
  if (sum)
    atomic_fetch_sub_explicit (&f->pending, sum, memory_order_acq_rel);
}

/* ---- Flushes ----------------------------------------------------------- */

static int
sync_range (mmapio_file *f, uint64_t start, uint64_t len)
{
  if (len == 0)
    return 0;
  if (f->window != 0)
    return fdatasync (f->fd) < 0 ? -errno : 0;
  if (msync (f->base + start, (size_t) len, MS_SYNC) < 0)
    return -errno;
  return 0;
}

static void
record_async_error (mmapio_file *f, int err)
{
  int zero = 0;
  atomic_compare_exchange_strong (&f->async_error, &zero, err);
}

/* Flush the pending pages of [start, start+len) (page-aligned).  */
static int
flush_pages (mmapio_file *f, uint64_t start, uint64_t len)
{
  int r = 0;

  if (len == 0)
    return 0;
  if (f->window != 0)
    {
      uint64_t was = atomic_exchange (&f->pending, 0);
      r = sync_range (f, start, len);
      if (r < 0)
        atomic_fetch_add (&f->pending, was);
      return r;
    }

  uint64_t first = start >> mmapio__page_shift;
  uint64_t last = ((start + len) >> mmapio__page_shift) - 1;
  bool all = atomic_load_explicit (&f->dirty_all, memory_order_acquire);
  uint64_t lo, hi;
  uint64_t sum = take_dirty (f, first, last, &lo, &hi);

  if (sum == 0 && !all)
    return 0;
  if (sum)
    atomic_fetch_sub_explicit (&f->pending, sum, memory_order_acq_rel);
  if (all)
    {
      lo = first;
      hi = last;
    }

  mmapio__enter (f);
  uint64_t size = mmapio__size (f);
  uint64_t end = (hi + 1) << mmapio__page_shift;
  uint64_t sync_start = lo << mmapio__page_shift;
  if (end > mmapio__page_up (size))
    end = mmapio__page_up (size);
  if (sync_start < end)
    r = sync_range (f, sync_start, end - sync_start);
  mmapio__leave (f);

  if (r < 0 && sum)
    /* Not durable after all: count the pages as pending again.  */
    mmapio__mark_dirty (f, sync_start, end - sync_start);
  return r;
}

int
mmapio__flush_pending (mmapio_file *f)
{
  if (f->mode != MMAPIO_RDWR)
    return 0;
  uint64_t size = mmapio__size (f);
  int r = flush_pages (f, 0, mmapio__page_up (size));
  if (r == 0)
    atomic_store_explicit (&f->writes, 0, memory_order_relaxed);
  return r;
}

int
mmapio_flush (mmapio_file *f)
{
  if (f->mode != MMAPIO_RDWR)
    return 0;

  int r = atomic_exchange (&f->async_error, 0);
  if (r != 0)
    return r;
  if (f->window != 0)
    return flush_pages (f, 0, 1);

  /* Everything, whether or not the library saw the writes (raw pointers
   * are not tracked).  */
  mmapio__enter (f);
  uint64_t size = mmapio__size (f);
  uint64_t len = mmapio__page_up (size);
  uint64_t lo, hi, sum = 0;
  bool all = atomic_exchange (&f->dirty_all, 0);
  if (len > 0)
    sum = take_dirty (f, 0, (len >> mmapio__page_shift) - 1, &lo, &hi);
  if (sum)
    atomic_fetch_sub_explicit (&f->pending, sum, memory_order_acq_rel);
  r = sync_range (f, 0, len);
  mmapio__leave (f);
  if (r < 0)
    {
      if (sum || all)
        atomic_store (&f->dirty_all, 1);
      if (sum)
        atomic_fetch_add (&f->pending, sum);
      return r;
    }
  atomic_store_explicit (&f->writes, 0, memory_order_relaxed);
  return 0;
}

int
mmapio_flush_range (mmapio_file *f, uint64_t off, uint64_t len)
{
  uint64_t start, wlen;

  if (MMAPIO_UNLIKELY (!mmapio__in_bounds (off, len, mmapio__size (f))))
    return MMAPIO_E_BOUNDS;
  if (f->mode != MMAPIO_RDWR)
    return 0;
  /* Nothing written anywhere since the last flush: no page to look at.
   * A write still in progress may have set its page's counter before
   * adding to 'pending'; it has not returned yet, so it is not owed.  */
  if (atomic_load_explicit (&f->pending, memory_order_acquire) == 0
      && !atomic_load_explicit (&f->dirty_all, memory_order_acquire))
    return 0;
  if (MMAPIO_UNLIKELY (!mmapio__widen (f, off, len, &start, &wlen)))
    return MMAPIO_E_BOUNDS;
  return flush_pages (f, start, wlen);
}

static int
async_range (mmapio_file *f, uint64_t start, uint64_t len)
{
  if (f->mode != MMAPIO_RDWR || len == 0)
    return 0;
#if HAVE_SYNC_FILE_RANGE
  /* MS_ASYNC starts nothing on Linux: dirty shared pages are already in
   * the page cache, and this is what actually queues them for I/O.  */
  if (sync_file_range (f->fd, (off_t) start, (off_t) len,
                       SYNC_FILE_RANGE_WRITE) == 0)
    return 0;
  if (errno != ENOSYS && errno != ESPIPE)
    return -errno;
#endif
  if (f->window != 0)
    return 0;
  mmapio__enter (f);
  int r = msync (f->base + start, (size_t) len, MS_ASYNC) < 0 ? -errno : 0;
  mmapio__leave (f);
  return r;
}

int
mmapio_flush_async (mmapio_file *f)
{
  return async_range (f, 0, mmapio__page_up (mmapio__size (f)));
}

int
mmapio_flush_range_async (mmapio_file *f, uint64_t off, uint64_t len)
{
  uint64_t start, wlen;
  if (!mmapio__widen (f, off, len, &start, &wlen))
    return MMAPIO_E_BOUNDS;
  return async_range (f, start, wlen);
}

uint64_t
mmapio_pending (const mmapio_file *f)
{
  return atomic_load_explicit (&f->pending, memory_order_acquire);
}

int
mmapio_mark_dirty (mmapio_file *f, uint64_t off, uint64_t len)
{
  if (f->mode == MMAPIO_RDONLY)
    return MMAPIO_E_MODE;
  if (!mmapio__in_bounds (off, len, mmapio__size (f)))
    return MMAPIO_E_BOUNDS;
  mmapio__mark_dirty (f, off, len);
  return 0;
}

/* ---- Policies ------------------------------------------------------------ */

int
mmapio__after_write (mmapio_file *f, uint64_t off, uint64_t len)
{
  int policy = atomic_load_explicit (&f->policy, memory_order_relaxed);

  if (MMAPIO_LIKELY (policy == MMAPIO_FLUSH_MANUAL
                     || policy == MMAPIO_FLUSH_EVERY_MILLIS)
      || f->mode != MMAPIO_RDWR)
    return 0;

  uint64_t arg = atomic_load_explicit (&f->policy_arg, memory_order_relaxed);
  switch (policy)
    {
    case MMAPIO_FLUSH_ALWAYS:
      return mmapio_flush_range (f, off, len);
    case MMAPIO_FLUSH_EVERY_BYTES:
      if (atomic_load_explicit (&f->pending, memory_order_relaxed) >= arg)
        return mmapio__flush_pending (f);
      return 0;
    case MMAPIO_FLUSH_EVERY_WRITES:
      if (atomic_fetch_add_explicit (&f->writes, 1, memory_order_relaxed) + 1
          >= arg)
        return mmapio__flush_pending (f);
      return 0;
    default:
      return 0;
    }
}

static void *
flusher_main (void *arg)
{
  mmapio_file *f = arg;

  pthread_mutex_lock (&f->flush_lock);
  while (!f->flusher_stop)
    {
      if (atomic_load (&f->pending) == 0)
        {
          /* Nothing to do: sleep until a write makes something pending
           * (mmapio__mark_dirty signals on the 0 -> non-0 transition).  */
          pthread_cond_wait (&f->flush_cond, &f->flush_lock);
          continue;
        }
      uint64_t ms = atomic_load (&f->policy_arg);
      struct timespec deadline;
      clock_gettime (CLOCK_MONOTONIC, &deadline);
      deadline.tv_sec += (time_t) (ms / 1000);
      deadline.tv_nsec += (long) (ms % 1000) * 1000000L;
      if (deadline.tv_nsec >= 1000000000L)
        {
          deadline.tv_sec++;
          deadline.tv_nsec -= 1000000000L;
        }
      while (!f->flusher_stop
             && pthread_cond_timedwait (&f->flush_cond, &f->flush_lock,
                                        &deadline) != ETIMEDOUT)
        ;
      if (f->flusher_stop)
        break;
      pthread_mutex_unlock (&f->flush_lock);
      int r = mmapio__flush_pending (f);
      if (r < 0)
        record_async_error (f, r);
      pthread_mutex_lock (&f->flush_lock);
    }
  pthread_mutex_unlock (&f->flush_lock);
  return NULL;
}

static int
start_flusher (mmapio_file *f)
{
  int e;

  if (f->flusher_running)
    return 0;
  f->flusher_stop = false;
  e = pthread_create (&f->flusher, NULL, flusher_main, f);
  if (e != 0)
    return -e;
  f->flusher_running = true;
  return 0;
}

void
mmapio__stop_flusher (mmapio_file *f)
{
  pthread_mutex_lock (&f->flush_lock);
  if (!f->flusher_running)
    {
      pthread_mutex_unlock (&f->flush_lock);
      return;
    }
  f->flusher_stop = true;
  pthread_cond_broadcast (&f->flush_cond);
  pthread_t t = f->flusher;
  f->flusher_running = false;
  pthread_mutex_unlock (&f->flush_lock);
  pthread_join (t, NULL);
}

int
mmapio_set_flush_policy (mmapio_file *f, enum mmapio_flush_policy policy,
                         uint64_t arg)
{
  int r = 0;

  switch (policy)
    {
    case MMAPIO_FLUSH_MANUAL:
    case MMAPIO_FLUSH_ALWAYS:
      arg = 0;
      break;
    case MMAPIO_FLUSH_EVERY_BYTES:
    case MMAPIO_FLUSH_EVERY_WRITES:
    case MMAPIO_FLUSH_EVERY_MILLIS:
      if (arg == 0)
        return -EINVAL;
      break;
    default:
      return -EINVAL;
    }

  if (policy != MMAPIO_FLUSH_EVERY_MILLIS)
    mmapio__stop_flusher (f);
  atomic_store (&f->policy_arg, arg);
  atomic_store (&f->writes, 0);
  atomic_store (&f->policy, (int) policy);
  if (policy == MMAPIO_FLUSH_EVERY_MILLIS && f->mode == MMAPIO_RDWR)
    {
      pthread_mutex_lock (&f->flush_lock);
      r = start_flusher (f);
      if (r == 0)
        /* The interval may have changed: let the thread re-read it.  */
        pthread_cond_signal (&f->flush_cond);
      pthread_mutex_unlock (&f->flush_lock);
      if (r < 0)
        atomic_store (&f->policy, MMAPIO_FLUSH_MANUAL);
    }
  return r;
}
