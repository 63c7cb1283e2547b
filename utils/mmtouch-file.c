/* mmtouch-file.c — what mmtouch does to one file.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "mmtouch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Touching walks a range in chunks of TOUCH_CHUNK bytes, skipping those
   already resident, after asking the kernel to read whole windows of
   chunks ahead (see touch_window).  */
#define TOUCH_CHUNK ((uint64_t) 16 << 20)

/* Bytes whose processing is finished, for the progress line.  */
_Atomic uint64_t mt_bytes_done;

void
mt_set_message (struct mt_entry *e, bool failed, const char *fmt, ...)
{
  va_list ap;
  char *m = NULL;
  va_start (ap, fmt);
  if (vasprintf (&m, fmt, ap) < 0)
    m = NULL;
  va_end (ap);
  free (e->message);
  e->message = m;
  if (failed)
    e->flags |= MT_F_FAILED;
}

int
mt_open_noatime (int dirfd, const char *path)
{
  /* O_NONBLOCK: a FIFO put in place of a regular file between the crawl
     and here must not hang the run.  */
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
#if HAVE_DECL_O_NOATIME
  /* O_NOATIME is refused (EPERM) on files the caller does not own, unless
     privileged: retry without it.  */
  int fd = openat (dirfd, path, flags | O_NOATIME);
  if (fd >= 0 || errno != EPERM)
    return fd;
#endif
  return openat (dirfd, path, flags);
}

/* Map the file open on FD.  Files larger than the address space are
   mapped through a sliding window.  */
static int
map_file (struct mt_entry *e, int fd, mmapio_file **ret)
{
  int rc = mmapio_open_fd (ret, fd, e->path, MMAPIO_RDONLY, 0);
  if (rc == -EFBIG)
    {
      mmapio_options o = MMAPIO_OPTIONS_INIT;
      o.flags = MMAPIO_OPEN_NOATIME;
      o.window = (uint64_t) 256 << 20;
      rc = mmapio_open_ex (ret, e->path, MMAPIO_RDONLY, &o);
    }
  return rc;
}

/* Read [off, off + len) in through a windowed handle, where populate is
   not available.  */
static int
touch_by_reading (mmapio_file *f, uint64_t off, uint64_t len)
{
  enum { SINK = 1 << 16 };
  char *sink = malloc (SINK);
  int rc = 0;
  if (sink == NULL)
    return -ENOMEM;
  for (uint64_t pos = off; pos < off + len && rc == 0;)
    {
      uint64_t n = off + len - pos;
      if (n > SINK)
        n = SINK;
      rc = mmapio_read (f, pos, sink, (size_t) n);
      pos += n;
    }
  free (sink);
  return rc;
}

/* The read-ahead window of touch_range: an eighth of the memory, between
   64 MiB and 4 GiB.  One large POSIX_FADV_WILLNEED lets the kernel keep
   the device busy (measured: a cold 1 GiB file read ahead in one call and
   then walked takes the time of dd bs=4M, while 16 MiB calls just ahead
   of the walk take half again as long); two windows in flight keep a file
   larger than memory from pushing its own pages out before they are
   walked.  */
static uint64_t
touch_window (void)
{
  static _Atomic uint64_t cached;
  uint64_t w = atomic_load_explicit (&cached, memory_order_relaxed);
  if (w == 0)
    {
      long pages = sysconf (_SC_PHYS_PAGES);
      w = pages > 0 ? (uint64_t) pages * (uint64_t) mt_page_size / 8 : 0;
      if (w < ((uint64_t) 64 << 20))
        w = (uint64_t) 64 << 20;
      if (w > ((uint64_t) 4 << 30))
        w = (uint64_t) 4 << 30;
      w -= w % TOUCH_CHUNK;
      atomic_store_explicit (&cached, w, memory_order_relaxed);
    }
  return w;
}

/* Bring [off, off + len) into the page cache.  Each window is looked at
   chunk by chunk before it is read ahead: chunks found resident then are
   skipped by the walk (looked at after the read-ahead, pages still being
   read would count as resident and the walk would not wait for them).  */
static int
touch_range (mmapio_file *f, uint64_t off, uint64_t len)
{
  uint64_t n = (len + TOUCH_CHUNK - 1) / TOUCH_CHUNK;
  uint64_t per_window = touch_window () / TOUCH_CHUNK;
  unsigned char *need = malloc (n);
  uint64_t ahead = 0;   /* chunks looked at and read ahead so far */
  int rc = 0;

  if (need == NULL)
    return -ENOMEM;
  for (uint64_t i = 0; i < n && rc == 0; i++)
    {
      uint64_t c_off = off + i * TOUCH_CHUNK;
      uint64_t c_len = off + len - c_off;
      if (c_len > TOUCH_CHUNK)
        c_len = TOUCH_CHUNK;

      while (ahead < n && ahead < i + 2 * per_window)
        {
          uint64_t w_start = ahead, w_end = ahead + per_window;
          bool any = false;
          if (w_end > n)
            w_end = n;
          for (; ahead < w_end; ahead++)
            {
              mmapio_residency_info r;
              uint64_t a_off = off + ahead * TOUCH_CHUNK;
              uint64_t a_len = off + len - a_off;
              if (a_len > TOUCH_CHUNK)
                a_len = TOUCH_CHUNK;
              need[ahead] = !(mmapio_residency (f, a_off, a_len, &r, NULL) == 0
                              && r.resident == r.total);
              any |= need[ahead];
            }
          if (any)
            {
              uint64_t p_off = off + w_start * TOUCH_CHUNK;
              uint64_t p_end = off + w_end * TOUCH_CHUNK;
              if (p_end > off + len)
                p_end = off + len;
              (void) mmapio_prefetch (f, p_off, p_end - p_off);
            }
        }

      if (need[i])
        {
          rc = mmapio_populate (f, c_off, c_len, 0, NULL);
          if (rc == MMAPIO_E_MODE)
            rc = touch_by_reading (f, c_off, c_len);
        }
      atomic_fetch_add_explicit (&mt_bytes_done, c_len,
                                 memory_order_relaxed);
    }
  free (need);
  return rc;
}

static void
fail (struct mt_entry *e, int err)
{
  mt_set_message (e, true, "%s: %s", e->path, mmapio_strerror (err));
}

/* The -v bar needs the page-by-page picture.  */
static void
fill_vector (struct mt_entry *e, mmapio_file *f, uint64_t off, uint64_t len)
{
  mmapio_residency_info r;
  if (!mt_opt.bars || e->pages == 0)
    return;
  e->vec = malloc (e->pages);
  if (e->vec != NULL && mmapio_residency (f, off, len, &r, e->vec) != 0)
    {
      free (e->vec);
      e->vec = NULL;
    }
}

static void
lock_failed (struct mt_entry *e, int rc, uint64_t len)
{
  uint64_t limit;
  char need[32], have[32];
  if (rc != MMAPIO_E_MEMLOCK || mmapio_memlock_limit (&limit) != 0)
    {
      fail (e, rc);
      return;
    }
  util_human_size (len, need);
  util_human_size (limit, have);
  mt_set_message (e, true,
                  _("%s: cannot lock %s: the locked-memory limit "
                    "(RLIMIT_MEMLOCK) is %s; raise it with 'ulimit -l' or "
                    "LimitMEMLOCK= in the service's unit"),
                  e->path, need, have);
}

/* Do the action on one file and record the counts, or the reason it
   failed, in E.  Runs on a worker thread.  */
void
mt_process_entry (struct mt_entry *e)
{
  struct stat st;
  mmapio_file *f = NULL;
  mmapio_residency_info r;
  uint64_t off, end, len;
  int rc;
  int fd = e->dir != NULL
           ? mt_open_noatime (dirfd (e->dir->dir), e->path + e->name_off)
           : mt_open_noatime (AT_FDCWD, e->path);

  int open_err = fd < 0 ? errno : 0;

  /* Releasing may close the directory: errno is saved before.  */
  mt_dir_release (e->dir);
  e->dir = NULL;
  if (fd < 0)
    {
      fail (e, -open_err);
      return;
    }
  if (fstat (fd, &st) != 0)
    {
      fail (e, -errno);
      goto out;
    }
  if (!S_ISREG (st.st_mode))
    {
      mt_set_message (e, true, "%s: %s", e->path, _("not a regular file"));
      goto out;
    }
  e->dev = st.st_dev;
  e->ino = st.st_ino;
  e->nlink = st.st_nlink;
  e->size = (uint64_t) st.st_size;

  if (e->size > mt_opt.max_size)
    {
      char a[32], b[32];
      mt_set_message (e, false,
                      _("%s: larger than the -m limit (%s > %s), skipped"),
                      e->path, util_human_size (e->size, a),
                      util_human_size (mt_opt.max_size, b));
      e->flags |= MT_F_SKIPPED;
      goto out;
    }

  /* The -p range, clipped to the file and widened to whole pages.  A
     range that starts at or past the end of the file has no page: it is
     widened only once known not to be empty.  */
  off = mt_opt.range_start < e->size ? mt_opt.range_start : e->size;
  end = mt_opt.range_end < e->size ? mt_opt.range_end : e->size;
  if (end <= off)
    end = off;
  else
    off -= off % (uint64_t) mt_page_size;
  len = end - off;
  e->pages = (len + (uint64_t) mt_page_size - 1) / (uint64_t) mt_page_size;
  if (e->pages == 0)
    goto out;

  switch (mt_opt.action)
    {
    case MT_REPORT:
      if (mt_opt.bars)
        {
          rc = map_file (e, fd, &f);
          if (rc == 0)
            {
              e->vec = malloc (e->pages);
              rc = e->vec ? mmapio_residency (f, off, len, &r, e->vec)
                          : -ENOMEM;
            }
        }
      else
        rc = mmapio_fd_residency (fd, off, len, &r);
      if (rc == MMAPIO_E_FAKE)
        {
          mt_set_message (e, false, "%s: %s", e->path,
                          _("residency unknown (the kernel reports every "
                            "page as resident), not counted"));
          e->flags |= MT_F_FAKE;
          break;
        }
      if (rc != 0)
        {
          fail (e, rc);
          break;
        }
      e->resident = r.resident;
      atomic_fetch_add_explicit (&mt_bytes_done, len, memory_order_relaxed);
      break;

    case MT_TOUCH:
      rc = mmapio_fd_residency (fd, off, len, &r);
      if (rc == 0 && r.resident == e->pages && !mt_opt.bars)
        {
          /* Nothing to read: not even a mapping is needed.  */
          e->resident = e->done_pages = e->pages;
          atomic_fetch_add_explicit (&mt_bytes_done, len,
                                     memory_order_relaxed);
          break;
        }
      rc = map_file (e, fd, &f);
      if (rc == 0)
        rc = touch_range (f, off, len);
      if (rc != 0)
        {
          fail (e, rc);
          break;
        }
      e->done_pages = e->pages;
      if (mmapio_fd_residency (fd, off, len, &r) == 0)
        e->resident = r.resident;
      else
        e->resident = e->pages;
      fill_vector (e, f, off, len);
      break;

    case MT_EVICT:
      rc = mmapio_fd_evict (fd, off, len,
                            mt_opt.sync ? MMAPIO_EVICT_SYNC : 0,
                            &e->done_pages);
      if (rc == MMAPIO_E_FAKE)
        {
          /* The range was evicted; only the count is unknown, as in a
             report on this file.  */
          mt_set_message (e, false, "%s: %s", e->path,
                          _("residency unknown (the kernel reports every "
                            "page as resident), not counted"));
          e->flags |= MT_F_FAKE;
          break;
        }
      if (rc != 0)
        {
          fail (e, rc);
          break;
        }
      if (mmapio_fd_residency (fd, off, len, &r) == 0)
        e->resident = r.resident;
      atomic_fetch_add_explicit (&mt_bytes_done, len, memory_order_relaxed);
      if (mt_opt.bars && map_file (e, fd, &f) == 0)
        fill_vector (e, f, off, len);
      break;

    case MT_LOCK:
    case MT_LOCK_ALL:
      rc = map_file (e, fd, &f);
      if (rc == 0)
        rc = touch_range (f, off, len);
      if (rc == 0 && mt_opt.action == MT_LOCK)
        {
          rc = mmapio_lock (f, off, len, 0);
          if (rc != 0)
            {
              lock_failed (e, rc, len);
              break;
            }
        }
      if (rc != 0)
        {
          fail (e, rc);
          break;
        }
      e->done_pages = e->resident = e->pages;
      fill_vector (e, f, off, len);
      /* The handle stays open: closing it would unlock the pages.  */
      e->handle = f;
      f = NULL;
      break;
    }

out:
  if (f != NULL)
    (void) mmapio_close (f);
  close (fd);
}
