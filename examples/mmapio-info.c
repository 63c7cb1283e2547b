/* mmapio-info — map a file read-only and describe what is in it.
 *
 * A small, complete program on libmmapio: it opens each FILE, walks it
 * through a zero-copy view, and prints its size, lines, words, the longest
 * line and a checksum.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <mmapio.h>

static int
describe (const char *path)
{
  mmapio_file *f;
  mmapio_view v;
  int r = mmapio_open (&f, path, MMAPIO_RDONLY, 0);
  if (r < 0)
    {
      fprintf (stderr, "mmapio-info: %s: %s\n", path, mmapio_strerror (r));
      return 1;
    }

  uint64_t size = mmapio_size (f);
  r = mmapio_view_get (f, 0, size, &v);
  if (r < 0)
    {
      fprintf (stderr, "mmapio-info: %s: %s\n", path, mmapio_strerror (r));
      mmapio_close (f);
      return 1;
    }

  const unsigned char *p = v.data;
  uint64_t lines = 0, words = 0, longest = 0, cur = 0;
  uint32_t sum1 = 1, sum2 = 0;  /* Adler-32 */
  int in_word = 0;
  for (size_t i = 0; i < v.len; i++)
    {
      sum1 = (sum1 + p[i]) % 65521;
      sum2 = (sum2 + sum1) % 65521;
      if (p[i] == '\n')
        {
          lines++;
          if (cur > longest)
            longest = cur;
          cur = 0;
        }
      else
        cur++;
      if (isspace (p[i]))
        in_word = 0;
      else if (!in_word)
        {
          in_word = 1;
          words++;
        }
    }
  if (cur > longest)
    longest = cur;
  mmapio_view_release (&v);

  printf ("%s: %" PRIu64 " bytes, %" PRIu64 " lines, %" PRIu64
          " words, longest line %" PRIu64 ", adler32 %08" PRIx32 "\n",
          mmapio_path (f), size, lines, words, longest,
          (sum2 << 16) | sum1);
  return mmapio_close (f) < 0;
}

int
main (int argc, char **argv)
{
  int status = 0;
  if (argc < 2)
    {
      fprintf (stderr, "Usage: mmapio-info FILE...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    status |= describe (argv[i]);
  return status;
}
