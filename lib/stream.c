/* stream.c — a stdio stream over a mapping (fopencookie).
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_FOPENCOOKIE

/* The stream's position lives here, not in the handle: several streams
 * over one handle each have their own.  */
struct cookie
{
  mmapio_file *f;
  uint64_t off;
};

/* stdio wants an errno value.  The library's own codes have none; map
 * them to the nearest one a stdio caller would expect.  */
static int
to_errno (int r, int bounds_errno)
{
  if (r >= -4095)
    return -r;
  switch (r)
    {
    case MMAPIO_E_BOUNDS:
      return bounds_errno;
    case MMAPIO_E_MODE:
      return EBADF;
    default:
      return EIO;
    }
}

static ssize_t
cookie_read (void *cookie, char *buf, size_t size)
{
  struct cookie *c = cookie;
  uint64_t end = mmapio_size (c->f);

  if (c->off >= end || size == 0)
    return 0;
  if (size > end - c->off)
    size = (size_t) (end - c->off);
  /* stdio treats a negative count as an error, so never return more
   * than SSIZE_MAX.  */
  if (size > SSIZE_MAX)
    size = SSIZE_MAX;
  int r = mmapio_read (c->f, c->off, buf, size);
  if (r < 0)
    {
      /* A concurrent shrink between the size check and the copy makes the
       * range out of bounds: to the reader that is a short file, EOF.  */
      if (r == MMAPIO_E_BOUNDS)
        return 0;
      errno = to_errno (r, EIO);
      return -1;
    }
  c->off += size;
  return (ssize_t) size;
}

/* A write past the end of the mapping writes what fits and fails with
 * ENOSPC: the stream never grows the file (mmapio_resize() does).  stdio
 * marks the stream in error on a short count.  */
static ssize_t
cookie_write (void *cookie, const char *buf, size_t size)
{
  struct cookie *c = cookie;
  uint64_t end = mmapio_size (c->f);
  size_t n = size;

  if (size == 0)
    return 0;
  if (c->off >= end)
    {
      errno = ENOSPC;
      return 0;
    }
  if (n > end - c->off)
    n = (size_t) (end - c->off);
  if (n > SSIZE_MAX)
    n = SSIZE_MAX;
  int r = mmapio_write (c->f, c->off, buf, n);
  if (r < 0)
    {
      errno = to_errno (r, ENOSPC);
      return 0;
    }
  c->off += n;
  if (n < size)
    errno = ENOSPC;
  return (ssize_t) n;
}

static int
cookie_seek (void *cookie, off64_t *pos, int whence)
{
  struct cookie *c = cookie;
  uint64_t end = mmapio_size (c->f);
  uint64_t base;

  switch (whence)
    {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = c->off;
      break;
    case SEEK_END:
      base = end;
      break;
    default:
      errno = EINVAL;
      return -1;
    }
  /* Compute in unsigned arithmetic so that no operand can overflow; the
   * target must land in [0, end].  BASE itself may lie beyond END when the
   * mapping shrank since the last seek.  */
  uint64_t target;
  if (*pos < 0)
    {
      uint64_t back = (uint64_t) -(*pos + 1) + 1;
      if (back > base)
        {
          errno = EINVAL;
          return -1;
        }
      target = base - back;
    }
  else if ((uint64_t) *pos > UINT64_MAX - base)
    {
      errno = EINVAL;
      return -1;
    }
  else
    target = base + (uint64_t) *pos;
  if (target > end)
    {
      errno = EINVAL;
      return -1;
    }
  c->off = target;
  *pos = (off64_t) target;
  return 0;
}

static int
cookie_close (void *cookie)
{
  free (cookie);
  return 0;
}

int
mmapio_fopen (mmapio_file *f, const char *mode, FILE **ret)
{
  cookie_io_functions_t io = {
    .read = cookie_read,
    .write = cookie_write,
    .seek = cookie_seek,
    .close = cookie_close
  };
  const char *stdio_mode;

  if (strcmp (mode, "r") == 0)
    {
      stdio_mode = "r";
      io.write = NULL;
    }
  else if (strcmp (mode, "r+") == 0)
    stdio_mode = "r+";
  else if (strcmp (mode, "w") == 0)
    {
      /* As "r+": a mapping has a fixed size, so the truncation "w" means
       * for files cannot happen, and the stream starts at 0 anyway.  "w+"
       * and "a" are not offered since they would promise a truncation or
       * an append that does not happen.  */
      stdio_mode = "r+";
    }
  else
    return -EINVAL;

  if (io.write && f->mode == MMAPIO_RDONLY)
    return MMAPIO_E_MODE;

  struct cookie *c = malloc (sizeof *c);
  if (!c)
    return -ENOMEM;
  c->f = f;
  c->off = 0;

  FILE *fp = fopencookie (c, stdio_mode, io);
  if (!fp)
    {
      int e = errno ? errno : ENOMEM;
      free (c);
      return -e;
    }
  *ret = fp;
  return 0;
}

#else /* !HAVE_FOPENCOOKIE */

int
mmapio_fopen (mmapio_file *f, const char *mode, FILE **ret)
{
  (void) f;
  (void) mode;
  (void) ret;
  return -ENOTSUP;
}

#endif
