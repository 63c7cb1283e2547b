/* io.c — views and copying reads and writes.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These are the hot paths.  On RDONLY and COW handles the mapping never
 * changes after open, so a view is a bounds check and an addition.  RDWR
 * handles can be resized, so the data path announces itself with one
 * atomic increment (mmapio__enter) that a shrinking resize checks.
 */

#include "mmapio-private.h"

#include <errno.h>
#include <string.h>

/* A view of an RDWR handle holds MMAPIO_VIEW_UNIT in f->users from the
 * moment it is taken, in one atomic step, until it is released.  */
static inline void
drop_view (mmapio_file *f)
{
  if (f->mode == MMAPIO_RDWR)
    atomic_fetch_sub_explicit (&f->users, MMAPIO_VIEW_UNIT,
                               memory_order_release);
}

/* Where empty views point: callers may rely on data != NULL.  */
static const unsigned char empty_view[1];

int
mmapio_view_get (mmapio_file *f, uint64_t off, uint64_t len,
                 mmapio_view *ret)
{
  if (MMAPIO_UNLIKELY (f->window != 0))
    return MMAPIO_E_MODE;
  mmapio__enter_weight (f, MMAPIO_VIEW_UNIT);
  if (MMAPIO_UNLIKELY (!mmapio__in_bounds (off, len, mmapio__size (f))))
    {
      drop_view (f);
      return MMAPIO_E_BOUNDS;
    }
  ret->data = f->base != NULL ? f->base + off : empty_view;
  ret->len = (size_t) len;
  ret->priv_file = f;
  return 0;
}

int
mmapio_view_get_mut (mmapio_file *f, uint64_t off, uint64_t len,
                     mmapio_view_mut *ret)
{
  if (MMAPIO_UNLIKELY (f->mode == MMAPIO_RDONLY || f->window != 0))
    return MMAPIO_E_MODE;
  mmapio__enter_weight (f, MMAPIO_VIEW_UNIT);
  if (MMAPIO_UNLIKELY (!mmapio__in_bounds (off, len, mmapio__size (f))))
    {
      drop_view (f);
      return MMAPIO_E_BOUNDS;
    }
  mmapio__mark_dirty (f, off, len);
  ret->data = f->base != NULL ? f->base + off : (void *) empty_view;
  ret->len = (size_t) len;
  ret->priv_file = f;
  return 0;
}

void
mmapio_view_release (mmapio_view *v)
{
  if (v == NULL || v->priv_file == NULL)
    return;
  drop_view (v->priv_file);
  v->priv_file = NULL;
}

void
mmapio_view_mut_release (mmapio_view_mut *v)
{
  if (v == NULL || v->priv_file == NULL)
    return;
  drop_view (v->priv_file);
  v->priv_file = NULL;
}

int
mmapio_read (mmapio_file *f, uint64_t off, void *buf, size_t len)
{
  if (MMAPIO_UNLIKELY (buf == NULL && len != 0))
    return -EINVAL;
  if (MMAPIO_UNLIKELY (f->window != 0))
    return mmapio__window_read (f, off, buf, len);
  mmapio__enter (f);
  if (MMAPIO_UNLIKELY (!mmapio__in_bounds (off, len, mmapio__size (f))))
    {
      mmapio__leave (f);
      return MMAPIO_E_BOUNDS;
    }
  if (len != 0)
    {
      MMAPIO_GUARD_DECL;
      if (MMAPIO_GUARD_BEGIN ())
        {
          MMAPIO_GUARD_RECOVER ();
          mmapio__leave (f);
          return MMAPIO_E_SHRUNK;
        }
      memcpy (buf, f->base + off, len);
      MMAPIO_GUARD_END ();
    }
  mmapio__leave (f);
  return 0;
}

int
mmapio_write (mmapio_file *f, uint64_t off, const void *buf, size_t len)
{
  if (MMAPIO_UNLIKELY (f->mode == MMAPIO_RDONLY))
    return MMAPIO_E_MODE;
  if (MMAPIO_UNLIKELY (buf == NULL && len != 0))
    return -EINVAL;
  if (MMAPIO_UNLIKELY (f->window != 0))
    return mmapio__window_write (f, off, buf, len);
  mmapio__enter (f);
  if (MMAPIO_UNLIKELY (!mmapio__in_bounds (off, len, mmapio__size (f))))
    {
      mmapio__leave (f);
      return MMAPIO_E_BOUNDS;
    }
  if (len == 0)
    {
      mmapio__leave (f);
      return 0;
    }
  {
    /* A write into a page the file no longer has faults like a read.  */
    MMAPIO_GUARD_DECL;
    if (MMAPIO_GUARD_BEGIN ())
      {
        MMAPIO_GUARD_RECOVER ();
        mmapio__leave (f);
        return MMAPIO_E_SHRUNK;
      }
    memcpy (f->base + off, buf, len);
    MMAPIO_GUARD_END ();
  }
  mmapio__mark_dirty (f, off, len);
  mmapio__leave (f);
  return mmapio__after_write (f, off, len);
}
