/* mmtouch-parse.c — mmtouch's parsers of sizes, ranges and file lists.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept apart from the rest of mmtouch, and free of its global state, so
 * that the fuzzing targets of tests/fuzz/ can link them alone.  */

#include "mmtouch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* util_parse_size, plus a decimal fraction before the suffix ("1.5G"), as
   vmtouch accepts.  */
bool
mt_parse_size (const char *s, uint64_t *ret)
{
  const char *p = s;
  long double whole = 0, frac = 0, scale = 1;
  char unit[8] = "1";
  uint64_t mult;

  if (util_parse_size (s, ret))
    return true;
  if (*p < '0' || *p > '9')
    return false;
  while (*p >= '0' && *p <= '9')
    whole = whole * 10 + (*p++ - '0');
  if (*p != '.')
    return false;
  p++;
  while (*p >= '0' && *p <= '9')
    {
      frac = frac * 10 + (*p++ - '0');
      scale *= 10;
    }
  if (strlen (p) > 4)
    return false;
  strcat (unit, p);
  if (!util_parse_size (unit, &mult))
    return false;
  long double v = (whole + frac / scale) * (long double) mult;
  /* Written so that a NaN fails too: thousands of fraction digits make
   * both FRAC and SCALE infinite.  */
  if (!(v < 18446744073709551615.0L))
    return false;
  *ret = (uint64_t) v;
  return true;
}

/* -p: START-END, START-, -END, -, or END alone (the first END bytes).  */
bool
mt_parse_range (const char *s, uint64_t *ret_start, uint64_t *ret_end)
{
  const char *dash = strchr (s, '-');
  uint64_t a = 0, b = UINT64_MAX;

  if (dash == NULL)
    {
      if (!mt_parse_size (s, &b))
        return false;
    }
  else
    {
      if (dash > s)
        {
          char *head = strndup (s, (size_t) (dash - s));
          bool ok = head != NULL && mt_parse_size (head, &a);
          free (head);
          if (!ok)
            return false;
        }
      if (dash[1] != '\0' && !mt_parse_size (dash + 1, &b))
        return false;
    }
  if (a >= b)
    return false;
  *ret_start = a;
  *ret_end = b;
  return true;
}

bool
mt_read_list (FILE *fp, int delim, mt_list_fn fn, void *data)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  while ((n = getdelim (&line, &cap, delim, fp)) > 0)
    {
      if (line[n - 1] == delim)
        line[--n] = '\0';
      if (n > 0)
        fn (line, (size_t) n, data);
    }
  bool ok = !ferror (fp);
  /* The caller reports errno: free must not be the one to set it.  */
  int e = errno;
  free (line);
  errno = e;
  return ok;
}
