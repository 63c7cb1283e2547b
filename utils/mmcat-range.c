/* mmcat-range.c — the byte range mmcat copies of each file.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Apart from mmcat.c so that the fuzzing targets of tests/fuzz/ can link
 * it alone.  */

#include <config.h>

#include "mmcat.h"

uint64_t
mc_add_sat (uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void
mc_plan_range (uint64_t pos, uint64_t offset, uint64_t length,
               uint64_t size, struct mc_range *ret)
{
  ret->start = mc_add_sat (pos, offset);
  ret->limit_end = mc_add_sat (ret->start, length);
  /* No file holds a byte at an offset past INT64_MAX, and read(2) fails
   * with EINVAL rather than reach there: the range ends at it (or is
   * empty when it starts beyond).  */
  if (ret->limit_end > (uint64_t) INT64_MAX)
    ret->limit_end = ret->start > (uint64_t) INT64_MAX
                     ? ret->start : (uint64_t) INT64_MAX;
  ret->expect_end = ret->limit_end < size ? ret->limit_end : size;
  ret->past_end = ret->start >= size && size > 0;
  /* A file that reports size 0 (most of /proc) with an offset has START
   * past EXPECT_END although it is not PAST_END: the difference must not
   * wrap around into a huge range for the fast paths.  */
  ret->fast = ret->start < ret->expect_end
              && ret->expect_end - ret->start >= MC_SMALL_COPY;
}
