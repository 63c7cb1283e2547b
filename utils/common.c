/* common.c — helpers shared by mmtouch and mmcat.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
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

/* Characters a name may hold and still be printed bare.  */
static bool
quote_safe (unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c >= 0x80
         || strchr ("%+,-./=@^_", c) != NULL;
}

const char *
util_quote (const char *name)
{
  static __thread char *buf;
  static __thread size_t cap;
  size_t n = strlen (name);
  bool bare = n > 0, ctrl = false, squote = false, dq_unsafe = false;

  for (const unsigned char *p = (const unsigned char *) name; *p; p++)
    {
      if (!quote_safe (*p))
        bare = false;
      if (*p < 0x20 || *p == 0x7f)
        ctrl = true;
      else if (*p == '\'')
        squote = true;
      else if (strchr ("\"$`\\!", *p) != NULL)
        dq_unsafe = true;
    }
  if (bare)
    return name;

  /* Worst case: every byte as '$'\ooo'' (9 bytes), plus quotes.  */
  if (n > (SIZE_MAX - 3) / 9)
    return name;
  size_t need = n * 9 + 3;
  if (need > cap)
    {
      char *nb = realloc (buf, need);
      if (nb == NULL)
        return name;
      buf = nb;
      cap = need;
    }

  char *o = buf;
  if (!ctrl && squote && !dq_unsafe)
    {
      *o++ = '"';
      memcpy (o, name, n);
      o += n;
      *o++ = '"';
      *o = '\0';
      return buf;
    }
  bool open = false;
  for (const unsigned char *p = (const unsigned char *) name; *p; p++)
    {
      if (*p < 0x20 || *p == 0x7f || *p == '\'')
        {
          if (open)
            *o++ = '\'';
          open = false;
          if (*p == '\'')
            o += sprintf (o, "\\'");
          else if (*p == '\n')
            o += sprintf (o, "$'\\n'");
          else if (*p == '\t')
            o += sprintf (o, "$'\\t'");
          else
            o += sprintf (o, "$'\\%03o'", *p);
          continue;
        }
      if (!open)
        *o++ = '\'';
      open = true;
      *o++ = (char) *p;
    }
  if (open)
    *o++ = '\'';
  if (o == buf)
    {
      *o++ = '\'';
      *o++ = '\'';
    }
  *o = '\0';
  return buf;
}

void
util_file_error (const char *file, int err)
{
  util_error (err, "%s", util_quote (file));
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

  if (s == NULL || *s == '\0')
    return false;
  /* strtoull skips white space, then takes a sign: " -1" would wrap
   * around to 2^64-1.  */
  const char *p = s;
  while (isspace ((unsigned char) *p))
    p++;
  if (*p == '-' || *p == '+')
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
