/* fuzz-parse.c — libFuzzer target for the parsers of the utilities.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte of the input chooses the parser, the rest is its input:
 *   0  util_parse_size (sizes of both utilities: -m, -o, -l, --window)
 *   1  mt_parse_size (mmtouch's sizes, with a decimal fraction)
 *   2  mt_parse_range (mmtouch -p)
 *   3  mmcat's -o and -l ("OFFSET\0LENGTH" after a 16-byte position and
 *      file size) through util_parse_size and mc_plan_range
 *   4  mt_read_list, items ending at a newline (mmtouch -b)
 *   5  mt_read_list, items ending at a NUL byte (mmtouch -b -0)
 * Selectors are taken modulo 6.  Beyond the sanitizers' checks, each
 * case checks what must hold of the result, and abort()s otherwise.  */

#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mmcat.h"
#include "mmtouch.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input as a C string: up to its first NUL byte.  */
static char *
as_string (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  if (s == NULL)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

static void
check (bool cond)
{
  if (!cond)
    abort ();
}

/* A value formatted in each way the syntax allows must read back as
 * itself.  */
static void
check_round_trip (uint64_t v)
{
  static const char suffixes[] = "KMGT";
  char buf[64];
  uint64_t back;

  snprintf (buf, sizeof buf, "%" PRIu64, v);
  check (util_parse_size (buf, &back) && back == v);
  /* Not "0x...B": B is a hexadecimal digit there.  */
  snprintf (buf, sizeof buf, "0x%" PRIx64, v);
  check (util_parse_size (buf, &back) && back == v);
  snprintf (buf, sizeof buf, "%" PRIu64 "B", v);
  check (util_parse_size (buf, &back) && back == v);
  for (int i = 0; i < 4; i++)
    {
      unsigned shift = 10u * (unsigned) (i + 1);
      if (v % (UINT64_C (1) << shift) != 0)
        break;
      snprintf (buf, sizeof buf, "%" PRIu64 "%ciB", v >> shift,
                suffixes[i]);
      check (util_parse_size (buf, &back) && back == v);
      snprintf (buf, sizeof buf, "%" PRIu64 "%c", v >> shift,
                suffixes[i] + ('a' - 'A'));
      check (util_parse_size (buf, &back) && back == v);
      snprintf (buf, sizeof buf, "0x%" PRIx64 "%cB", v >> shift,
                suffixes[i]);
      check (util_parse_size (buf, &back) && back == v);
    }
}

static void
fuzz_util_size (const char *s)
{
  uint64_t v = 12345, w = 54321;
  bool ok = util_parse_size (s, &v);
  /* Deterministic, and the output is left alone on failure.  */
  check (util_parse_size (s, &w) == ok);
  if (!ok)
    {
      check (v == 12345);
      return;
    }
  check (v == w);
  /* No sign is accepted, anywhere: "-1" must not wrap to 2^64-1.  */
  check (strchr (s, '-') == NULL && strchr (s, '+') == NULL);
  check_round_trip (v);
}

static void
fuzz_mt_size (const char *s)
{
  uint64_t v = 12345, u;
  bool ok = mt_parse_size (s, &v);
  if (!ok)
    {
      check (v == 12345);
      check (!util_parse_size (s, &u));
      return;
    }
  /* A size without a fraction means what it means to util_parse_size.  */
  if (util_parse_size (s, &u))
    check (u == v);
  else
    check (strchr (s, '.') != NULL);
  check (strchr (s, '-') == NULL);
}

static void
fuzz_mt_range (const char *s)
{
  uint64_t a = 1, b = 2, x, y;
  if (!mt_parse_range (s, &a, &b))
    {
      check (a == 1 && b == 2);
      return;
    }
  check (a < b);
  const char *dash = strchr (s, '-');
  if (dash == NULL)
    check (a == 0 && mt_parse_size (s, &y) && y == b);
  else
    {
      char *head = strndup (s, (size_t) (dash - s));
      check (head != NULL);
      if (*head == '\0')
        check (a == 0);
      else
        check (mt_parse_size (head, &x) && x == a);
      free (head);
      if (dash[1] == '\0')
        check (b == UINT64_MAX);
      else
        check (mt_parse_size (dash + 1, &y) && y == b);
    }
}

static uint64_t
get_u64 (const uint8_t *p)
{
  uint64_t v;
  memcpy (&v, p, sizeof v);
  return v;
}

static void
fuzz_mc_range (const uint8_t *data, size_t size)
{
  if (size < 16)
    return;
  uint64_t pos = get_u64 (data), file_size = get_u64 (data + 8);
  char *s = as_string (data + 16, size - 16);
  /* The length string follows the offset's NUL, if there is one.  */
  size_t n1 = strlen (s);
  const char *len_str = n1 < size - 16 ? s + n1 + 1 : "";
  uint64_t offset = 0, length = UINT64_MAX;
  struct mc_range r;

  if (*s != '\0' && !util_parse_size (s, &offset))
    goto out;
  if (*len_str != '\0' && !util_parse_size (len_str, &length))
    goto out;
  mc_plan_range (pos, offset, length, file_size, &r);
  check (r.start >= pos && r.start >= offset);
  check (r.start == UINT64_MAX || r.start == pos + offset);
  check (r.limit_end >= r.start);
  uint64_t cap = r.start > (uint64_t) INT64_MAX ? r.start : (uint64_t) INT64_MAX;
  uint64_t want = mc_add_sat (r.start, length);
  check (r.limit_end == (want < cap ? want : cap));
  check (r.expect_end <= file_size && r.expect_end <= r.limit_end);
  check (r.past_end == (r.start >= file_size && file_size > 0));
  /* The fast paths copy [start, expect_end): never an empty or reversed
   * range.  */
  if (r.fast)
    check (!r.past_end && r.start < r.expect_end
           && r.expect_end - r.start >= MC_SMALL_COPY);
  else if (!r.past_end && r.start < r.expect_end)
    check (r.expect_end - r.start < MC_SMALL_COPY);
out:
  free (s);
}

struct list_check
{
  const uint8_t *data;
  size_t size;
  size_t pos;
  int delim;
};

/* The next non-empty item of the input, found independently of
 * mt_read_list, must be the one it hands out.  */
static void
list_item (char *item, size_t len, void *userdata)
{
  struct list_check *lc = userdata;
  while (lc->pos < lc->size && lc->data[lc->pos] == lc->delim)
    lc->pos++;
  check (lc->pos < lc->size);
  const uint8_t *start = lc->data + lc->pos;
  const uint8_t *end = memchr (start, lc->delim, lc->size - lc->pos);
  size_t want = end != NULL ? (size_t) (end - start) : lc->size - lc->pos;
  check (len == want && memcmp (item, start, len) == 0
         && item[len] == '\0');
  lc->pos += want;
}

static void
fuzz_list (const uint8_t *data, size_t size, int delim)
{
  struct list_check lc = { data, size, 0, delim };
  /* fmemopen refuses an empty buffer on some systems.  */
  uint8_t *copy = malloc (size + 1);
  check (copy != NULL);
  if (size > 0)
    memcpy (copy, data, size);
  FILE *fp = size > 0 ? fmemopen (copy, size, "r")
                      : fopen ("/dev/null", "re");
  check (fp != NULL);
  /* A small buffer makes getdelim refill it in the middle of items.  */
  setvbuf (fp, NULL, _IOFBF, 64);
  check (mt_read_list (fp, delim, list_item, &lc));
  /* Every item was handed out.  */
  while (lc.pos < size && data[lc.pos] == delim)
    lc.pos++;
  check (lc.pos == size);
  fclose (fp);
  free (copy);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  unsigned sel = data[0] % 6;
  data++;
  size--;
  if (sel == 3)
    fuzz_mc_range (data, size);
  else if (sel == 4 || sel == 5)
    fuzz_list (data, size, sel == 4 ? '\n' : '\0');
  else
    {
      char *s = as_string (data, size);
      if (sel == 0)
        fuzz_util_size (s);
      else if (sel == 1)
        fuzz_mt_size (s);
      else
        fuzz_mt_range (s);
      free (s);
    }
  return 0;
}
