/* iter.c — walking a mapping in chunks: callbacks and cursors.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <stdint.h>

/* The read callback takes a const pointer, the window walker a plain one;
 * calling one through the other's type is undefined, so windowed read
 * walks go through this adapter.  (The mapped walk below calls the user's
 * callback directly: an extra call per chunk would show in the hot loop.)  */
struct const_adapter
{
  mmapio_chunk_fn fn;
  void *userdata;
};

static int
call_const (void *data, size_t len, uint64_t off, void *userdata)
{
  const struct const_adapter *a = userdata;
  return a->fn (data, len, off, a->userdata);
}

/* Common checks of the three walks.  Returns 1 when the walk has to be
 * delegated to the windowed implementation, 0 to walk the mapping, or an
 * error.  */
static int
walk_prepare (mmapio_file *f, uint64_t *chunk)
{
  if (*chunk == 0)
    return MMAPIO_E_EMPTY;
  if (f->window != 0)
    {
      /* A huge chunk size means "the whole file in one call"; the window
       * walker refuses (-EINVAL) chunks that do not fit in a window.  */
      uint64_t size = mmapio__size (f);
      if (*chunk > size)
        *chunk = size ? size : 1;
      return 1;
    }
  return 0;
}

/* The loops proper.  Kept free of anything but pointer arithmetic and the
 * indirect call: the read walk is benchmarked against a raw loop over the
 * mapping.  Full chunks are handed out by the loop and the short tail, if
 * any, after it, so that the loop body has no length computation (a chunk
 * larger than the mapping is all tail).  They
 * run inside walk()'s guarded section (they cannot hold the sigsetjmp
 * themselves: a function calling it is never inlined).  */
static inline int
loop_read (uint8_t *base, uint64_t size, uint64_t chunk, mmapio_chunk_fn fn,
           void *userdata)
{
  uint64_t full = size - size % chunk;
  uint64_t off;
  int r;

  for (off = 0; off < full; off += chunk)
    if (MMAPIO_UNLIKELY ((r = fn (base + off, (size_t) chunk, off,
                                  userdata)) != 0))
      return r;
  if (off < size)
    return fn (base + off, (size_t) (size - off), off, userdata);
  return 0;
}

/* Chunks are marked dirty after the callback returns, so that a flush
 * running concurrently cannot debit a chunk before its bytes are written.
 * A chunk that stops the walk was handed out and counts as written too.  */
static inline int
loop_mut (mmapio_file *f, uint8_t *base, uint64_t size, uint64_t chunk,
          mmapio_chunk_mut_fn fn, void *userdata)
{
  bool dirty = f->mode == MMAPIO_RDWR;
  uint64_t off = 0;
  int r = 0;

  while (off < size)
    {
      uint64_t n = size - off < chunk ? size - off : chunk;
      r = fn (base + off, (size_t) n, off, userdata);
      if (dirty)
        mmapio__mark_dirty (f, off, n);
      if (r != 0)
        break;
      off += n;
    }
  return r;
}

/* Exactly one of RFN (read walk) and WFN (writable walk) is non-NULL.  */
static int
walk (mmapio_file *f, uint64_t chunk, mmapio_chunk_fn rfn,
      mmapio_chunk_mut_fn wfn, void *userdata)
{
  MMAPIO_GUARD_DECL;
  int r;

  /* Entered once for the whole walk: the mapping neither shrinks nor
   * moves under it (RDWR), and the size read below stays mapped.  A
   * concurrent growth is not seen by this walk.  */
  mmapio__enter (f);
  uint64_t size = mmapio__size (f);
  uint8_t *base = f->base;
  if (size == 0)
    {
      mmapio__leave (f);
      return 0;
    }

  if (MMAPIO_GUARD_BEGIN ())
    {
      MMAPIO_GUARD_RECOVER ();
      mmapio__leave (f);
      return MMAPIO_E_SHRUNK;
    }
  if (wfn)
    r = loop_mut (f, base, size, chunk, wfn, userdata);
  else
    r = loop_read (base, size, chunk, rfn, userdata);
  MMAPIO_GUARD_END ();

  mmapio__leave (f);
  return r;
}

int
mmapio_foreach_chunk (mmapio_file *f, uint64_t chunk_size,
                      mmapio_chunk_fn fn, void *userdata)
{
  int r = walk_prepare (f, &chunk_size);
  if (r < 0)
    return r;
  if (r > 0)
    {
      struct const_adapter a = { fn, userdata };
      return mmapio__window_foreach (f, chunk_size, false, call_const, &a);
    }
  return walk (f, chunk_size, fn, NULL, userdata);
}

int
mmapio_foreach_page (mmapio_file *f, mmapio_chunk_fn fn, void *userdata)
{
  return mmapio_foreach_chunk (f, mmapio__pagesize (), fn, userdata);
}

int
mmapio_foreach_chunk_mut (mmapio_file *f, uint64_t chunk_size,
                          mmapio_chunk_mut_fn fn, void *userdata)
{
  if (f->mode == MMAPIO_RDONLY)
    return MMAPIO_E_MODE;
  int r = walk_prepare (f, &chunk_size);
  if (r < 0)
    return r;
  if (r > 0)
    return mmapio__window_foreach (f, chunk_size, true, fn, userdata);
  return walk (f, chunk_size, NULL, fn, userdata);
}

/* ------------------------------------------------------------------ */
/* Cursors.  priv_off is the absolute offset of the next chunk, priv_end
 * the end of the range; the range starts at priv_end - priv_view.len,
 * where priv_view.data points.  priv_file is NULL once the cursor has
 * ended (or failed to start), which makes mmapio_cursor_end() idempotent.  */

int
mmapio_cursor_init (mmapio_cursor *c, mmapio_file *f, uint64_t off,
                    uint64_t len, uint64_t chunk_size)
{
  c->priv_file = NULL;
  c->priv_off = c->priv_end = c->priv_chunk = 0;
  c->priv_view.data = NULL;
  c->priv_view.len = 0;
  c->priv_view.priv_file = NULL;

  if (chunk_size == 0)
    return MMAPIO_E_EMPTY;
  if (f->window != 0)
    return MMAPIO_E_MODE;

  mmapio_view v;
  int r = mmapio_view_get (f, off, len, &v);
  if (r < 0)
    return r;
  c->priv_view = v;
  c->priv_file = f;
  c->priv_off = off;
  c->priv_end = off + len;
  c->priv_chunk = chunk_size;
  return 0;
}

int
mmapio_cursor_next (mmapio_cursor *c, const void **ret_data,
                    size_t *ret_len, uint64_t *ret_off)
{
  MMAPIO_GUARD_DECL;

  if (c->priv_file == NULL || c->priv_off >= c->priv_end)
    return 0;

  uint64_t off = c->priv_off;
  uint64_t n = c->priv_end - off;
  if (n > c->priv_chunk)
    n = c->priv_chunk;
  uint64_t start = c->priv_end - c->priv_view.len;
  const volatile uint8_t *p = (const uint8_t *) c->priv_view.data
                              + (off - start);

  /* Truncation shortens a file from its end: if the chunk's last byte is
   * still backed by the file, so is every byte before it.  Reading that
   * one byte under the guard turns a truncation into an error here rather
   * than a crash at the caller's first access, at the cost of one read
   * per chunk whatever its size.  */
  if (MMAPIO_GUARD_BEGIN ())
    {
      MMAPIO_GUARD_RECOVER ();
      return MMAPIO_E_SHRUNK;
    }
  if (n != 0)
    {
      /* Into a store: a load whose value is dropped can be optimised
       * away by a binary translator (valgrind's).  */
      volatile uint8_t sink = p[n - 1];
      (void) sink;
    }
  MMAPIO_GUARD_END ();

  c->priv_off = off + n;
  *ret_data = (const void *) p;
  *ret_len = (size_t) n;
  if (ret_off)
    *ret_off = off;
  return 1;
}

void
mmapio_cursor_end (mmapio_cursor *c)
{
  if (c->priv_file == NULL)
    return;
  mmapio_view_release (&c->priv_view);
  c->priv_file = NULL;
  c->priv_off = c->priv_end;
}
