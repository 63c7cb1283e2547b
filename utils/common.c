/* common.c — helpers shared by mmtouch and mmcat.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "common.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmapio.h"

const char *util_program_name = "mmapio";

void
util_init (const char *program_name)
{
  const char *slash = strrchr (program_name, '/');
  util_program_name = slash ? slash + 1 : program_name;
  setlocale (LC_ALL, "");
#if ENABLE_NLS
  /* As in the library (lib/error.c), MMAPIO_LOCALEDIR points the test
   * suite at the catalogs of the build tree.  */
# ifdef __GLIBC__
  const char *dir = secure_getenv ("MMAPIO_LOCALEDIR");
# else
  const char *dir = getuid () == geteuid () && getgid () == getegid ()
                    ? getenv ("MMAPIO_LOCALEDIR") : NULL;
# endif
  bindtextdomain (PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  textdomain (PACKAGE);
#endif
  atexit (util_close_stdout);
}

void
util_verror (int err, const char *format, va_list ap)
{
  fflush (stdout);
  fprintf (stderr, "%s: ", util_program_name);
  vfprintf (stderr, format, ap);
  if (err != 0)
    fprintf (stderr, ": %s", mmapio_strerror (err));
  fputc ('\n', stderr);
}

void
util_error (int err, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  util_verror (err, format, ap);
  va_end (ap);
}

void
util_file_error (const char *file, int err)
{
  util_error (err, "%s", file);
}

void
util_try_help (void)
{
  fprintf (stderr, _("Try '%s --help' for more information.\n"),
           util_program_name);
  exit (EXIT_USAGE);
}

void
util_version (void)
{
  printf ("%s (%s) %s\n", util_program_name, PACKAGE_NAME, PACKAGE_VERSION);
  fputs (_("Copyright (C) 2026 The libmmapio developers.\n"
           "License GPLv3+: GNU GPL version 3 or later "
           "<https://gnu.org/licenses/gpl.html>.\n"
           "This is free software: you are free to change and redistribute it.\n"
           "There is NO WARRANTY, to the extent permitted by law.\n"),
         stdout);
  exit (EXIT_OK);
}

bool
util_parse_size (const char *s, uint64_t *ret)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
    return false;
  errno = 0;
  v = strtoull (s, &end, 0);
  if (errno != 0 || end == s)
    return false;
  switch (*end)
    {
    case '\0': case 'b': case 'B': break;
    case 'k': case 'K': mult = UINT64_C (1) << 10; break;
    case 'm': case 'M': mult = UINT64_C (1) << 20; break;
    case 'g': case 'G': mult = UINT64_C (1) << 30; break;
    case 't': case 'T': mult = UINT64_C (1) << 40; break;
    default: return false;
    }
  if (*end != '\0')
    {
      const char *rest = end + 1;
      if (*end != 'b' && *end != 'B')
        {
          if (strcmp (rest, "iB") == 0 || strcmp (rest, "B") == 0)
            rest += strlen (rest);
        }
      if (*rest != '\0')
        return false;
    }
  if (mult != 1 && v > UINT64_MAX / mult)
    return false;
  *ret = (uint64_t) v * mult;
  return true;
}

char *
util_human_size (uint64_t bytes, char *buf)
{
  static const char units[] = "KMGTPE";
  double v = (double) bytes;
  int u = -1;

  while (v >= 1024.0 && u < 5)
    {
      v /= 1024.0;
      u++;
    }
  if (u < 0)
    snprintf (buf, 32, "%llu", (unsigned long long) bytes);
  else if (v < 10.0 && v != (double) (uint64_t) v)
    snprintf (buf, 32, "%.2g%c", v, units[u]);
  else
    snprintf (buf, 32, "%.0f%c", v, units[u]);
  return buf;
}

void
util_close_stdout (void)
{
  /* A write error that stdio buffered, or one that fclose meets while
   * flushing, must not be lost: report it and fail, as coreutils does.  */
  int prev_fail = ferror (stdout);
  int close_fail = fclose (stdout);
  if (prev_fail || close_fail)
    {
      int e = errno;
      if (close_fail && e == EBADF && !prev_fail)
        goto check_stderr;
      if (prev_fail && !close_fail)
        e = 0;
      fprintf (stderr, "%s: %s", util_program_name, _("write error"));
      if (e)
        fprintf (stderr, ": %s", strerror (e));
      fputc ('\n', stderr);
      _exit (EXIT_TROUBLE);
    }
check_stderr:
  if (fclose (stderr) != 0)
    _exit (EXIT_TROUBLE);
}
