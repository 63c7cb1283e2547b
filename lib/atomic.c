/* atomic.c — C11 atomic integers inside a mapping.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <stdatomic.h>
#include <stdint.h>

/* Between processes an atomic works only if it is lock-free: a lock-based
 * fallback would keep its lock in this process's memory, not in the
 * shared page.  */
_Static_assert (__atomic_always_lock_free (sizeof (uint32_t), 0),
                "32-bit atomics must be lock-free");
_Static_assert (__atomic_always_lock_free (sizeof (uint64_t), 0),
                "64-bit atomics must be lock-free");

/* Check [off, off + count * size) and return its address.  The mapping
 * starts on a page boundary, so an aligned offset gives an aligned
 * address.  */
static int
atomic_at (mmapio_file *f, uint64_t off, uint64_t count, uint64_t size,
           void **ret)
{
  if (f->mode == MMAPIO_RDONLY || f->window != 0)
    return MMAPIO_E_MODE;
  if (count == 0)
    return MMAPIO_E_EMPTY;
  if (off % size != 0)
    return MMAPIO_E_ALIGN;
  if (count > UINT64_MAX / size
      || !mmapio__in_bounds (off, count * size, mmapio__size (f)))
    return MMAPIO_E_BOUNDS;
  *ret = f->base + off;
  return 0;
}

int
mmapio_atomic_u64 (mmapio_file *f, uint64_t off, _Atomic uint64_t **ret)
{
  void *p;
  int r = atomic_at (f, off, 1, sizeof (uint64_t), &p);
  if (r == 0)
    *ret = p;
  return r;
}

int
mmapio_atomic_u32 (mmapio_file *f, uint64_t off, _Atomic uint32_t **ret)
{
  void *p;
  int r = atomic_at (f, off, 1, sizeof (uint32_t), &p);
  if (r == 0)
    *ret = p;
  return r;
}

int
mmapio_atomic_u64_array (mmapio_file *f, uint64_t off, uint64_t count,
                         _Atomic uint64_t **ret)
{
  void *p;
  int r = atomic_at (f, off, count, sizeof (uint64_t), &p);
  if (r == 0)
    *ret = p;
  return r;
}

int
mmapio_atomic_u32_array (mmapio_file *f, uint64_t off, uint64_t count,
                         _Atomic uint32_t **ret)
{
  void *p;
  int r = atomic_at (f, off, count, sizeof (uint32_t), &p);
  if (r == 0)
    *ret = p;
  return r;
}
