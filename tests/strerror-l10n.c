/* strerror-l10n — print libmmapio's messages in the user's language.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test by itself: tests/i18n.sh runs it under LANGUAGE=de, fr and es
 * with the catalogs of the build tree and compares what it prints.  The
 * program sets the locale from the environment and nothing else, as any
 * program linked with the library does; the library binds its own text
 * domain.  Output: the message of MMAPIO_E_BOUNDS on the first line, then
 * one line for each of the library's own codes, 0 included.
 */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmapio.h"

static const int codes[] =
{
  0, MMAPIO_E_BOUNDS, MMAPIO_E_MODE, MMAPIO_E_ALIGN, MMAPIO_E_EMPTY,
  MMAPIO_E_SHRUNK, MMAPIO_E_FAKE, MMAPIO_E_MEMLOCK,
  /* A code of the reserved range that names no condition yet.  */
  MMAPIO_E_LAST
};

int
main (void)
{
  setlocale (LC_ALL, "");
  printf ("%s\n", mmapio_strerror (MMAPIO_E_BOUNDS));
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    printf ("%d %s\n", codes[i], mmapio_strerror (codes[i]));
  return fflush (stdout) == 0 && !ferror (stdout) ? EXIT_SUCCESS
                                                   : EXIT_FAILURE;
}
