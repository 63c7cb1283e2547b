/* mmcat.h — the byte range mmcat copies of each file.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#ifndef MMAPIO_UTILS_MMCAT_H
#define MMAPIO_UTILS_MMCAT_H

#include <stdbool.h>
#include <stdint.h>

/* Ranges shorter than this are copied with read(2), which costs less
 * there than the set-up of the other paths (measured, see mmcat.c).  */
#define MC_SMALL_COPY (16 * 1024)

/* What to copy of a regular file of SIZE bytes whose descriptor is at
 * POS, given --offset and --length.  */
struct mc_range
{
  uint64_t start;       /* first byte to copy */
  uint64_t limit_end;   /* end of the range asked for (saturated) */
  uint64_t expect_end;  /* where the copy should end, given SIZE */
  bool past_end;        /* nothing to copy: START at or past SIZE > 0 */
  bool fast;            /* large enough for the mapping and zero-copy
                           paths */
};

/* Saturating addition: a range whose end does not fit means "to the end".  */
uint64_t mc_add_sat (uint64_t a, uint64_t b);

/* Fill *RET for a file of SIZE bytes read from POS.  */
void mc_plan_range (uint64_t pos, uint64_t offset, uint64_t length,
                    uint64_t size, struct mc_range *ret);

#endif
