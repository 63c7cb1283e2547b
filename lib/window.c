/* window.c — windowed mode: a sliding mapping for files larger than the
 * address space.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A windowed handle maps at most f->window bytes of the file at a time.
 * The window is shared by all threads of the handle and protected by
 * win_lock, so windowed access is serialised; it exists for reach, not
 * for parallel speed.
 */

#include "mmapio-private.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* Make the window cover the byte at 'off' and as much after it as the
 * window size allows, with at least 'need' bytes from 'off' when
 * possible.  Called with win_lock held.  */
static int
window_cover (mmapio_file *f, uint64_t off, uint64_t need)
{
  uint64_t size = mmapio__size (f);

  if (f->win_base != NULL && off >= f->win_off
      && off + need <= f->win_off + f->win_len)
    return 0;
  if (f->win_base != NULL)
    {
      munmap (f->win_base, f->win_len);
      f->win_base = NULL;
      f->win_len = 0;
    }
  uint64_t start = mmapio__page_down (off);
  uint64_t len = f->window;
  if (len > mmapio__page_up (size) - start)
    len = mmapio__page_up (size) - start;
  if (len == 0)
    return 0;
  int prot = f->mode == MMAPIO_RDWR ? PROT_READ | PROT_WRITE : PROT_READ;
  void *p = mmap (NULL, (size_t) len, prot, MAP_SHARED, f->fd, (off_t) start);
  if (p == MAP_FAILED)
    return -errno;
  f->win_base = p;
  f->win_off = start;
  f->win_len = (size_t) len;
  return 0;
}

/* Map the first window at open, so that a file the kernel will not map
 * (a sysfs attribute, which reports a size) is refused there, as it is
 * in the other modes, rather than at the first read.  */
int
mmapio__window_first (mmapio_file *f)
{
  pthread_mutex_lock (&f->win_lock);
  int r = window_cover (f, 0, 1);
  pthread_mutex_unlock (&f->win_lock);
  return r;
}

/* Copy between the file and 'buf' through the window, piece by piece.  */
static int
window_copy (mmapio_file *f, uint64_t off, unsigned char *buf, size_t len,
             bool to_file)
{
  if (!mmapio__in_bounds (off, len, mmapio__size (f)))
    return MMAPIO_E_BOUNDS;
  if (len == 0)
    return 0;

  int r = 0;
  pthread_mutex_lock (&f->win_lock);
  while (len > 0)
    {
      r = window_cover (f, off, 1);
      if (r < 0)
        break;
      size_t in_window = (size_t) (f->win_off + f->win_len - off);
      size_t n = len < in_window ? len : in_window;
      unsigned char *p = f->win_base + (off - f->win_off);
      r = to_file ? mmapio__guarded_memcpy (p, buf, n)
                  : mmapio__guarded_memcpy (buf, p, n);
      if (r < 0)
        break;
      if (to_file)
        mmapio__mark_dirty (f, off, n);
      off += n;
      buf += n;
      len -= n;
    }
  pthread_mutex_unlock (&f->win_lock);
  return r;
}

int
mmapio__window_read (mmapio_file *f, uint64_t off, void *buf, size_t len)
{
  return window_copy (f, off, buf, len, false);
}

int
mmapio__window_write (mmapio_file *f, uint64_t off, const void *buf,
                      size_t len)
{
  uint64_t start = off;
  size_t total = len;
  /* window_copy only reads from 'buf' when writing to the file.  */
  int r = window_copy (f, off, (unsigned char *) (uintptr_t) buf, len, true);
  if (r < 0)
    return r;
  return mmapio__after_write (f, start, total);
}

int
mmapio__window_foreach (mmapio_file *f, uint64_t chunk, bool writable,
                        int (*fn) (void *, size_t, uint64_t, void *),
                        void *userdata)
{
  uint64_t size = mmapio__size (f);
  int r = 0;

  if (chunk == 0)
    return MMAPIO_E_EMPTY;
  if (writable && f->mode == MMAPIO_RDONLY)
    return MMAPIO_E_MODE;
  /* A chunk must fit in one window whatever its alignment.  */
  if (chunk > f->window - mmapio__page_size)
    return -EINVAL;

  pthread_mutex_lock (&f->win_lock);
  for (uint64_t off = 0; off < size && r == 0; off += chunk)
    {
      uint64_t n = size - off < chunk ? size - off : chunk;
      r = window_cover (f, off, n);
      if (r < 0)
        break;
      unsigned char *p = f->win_base + (off - f->win_off);
      if (writable)
        mmapio__mark_dirty (f, off, n);
      r = mmapio__guarded_call (fn, p, (size_t) n, off, userdata);
    }
  pthread_mutex_unlock (&f->win_lock);
  return r;
}

void
mmapio__window_close (mmapio_file *f)
{
  if (f->win_base != NULL)
    munmap (f->win_base, f->win_len);
  f->win_base = NULL;
  f->win_len = 0;
}
