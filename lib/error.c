/* error.c — error messages, translation and the version query.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if ENABLE_NLS
static pthread_once_t bind_once = PTHREAD_ONCE_INIT;

static void
bind_domain (void)
{
  /* MMAPIO_LOCALEDIR lets the test suite use the catalogs of the build
   * tree.  Catalogs hold format strings, so a set-user-ID program must
   * not let its caller choose them: hence secure_getenv.  */
#ifdef __GLIBC__
  const char *dir = secure_getenv ("MMAPIO_LOCALEDIR");
#else
  const char *dir = getuid () == geteuid () && getgid () == getegid ()
                    ? getenv ("MMAPIO_LOCALEDIR") : NULL;
#endif

  /* The library's own domain, bound once; the program's text domain is
   * never touched.  */
  bindtextdomain (PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
}

const char *
mmapio__gettext (const char *msgid)
{
  pthread_once (&bind_once, bind_domain);
  return dgettext (PACKAGE, msgid);
}
#else
const char *
mmapio__gettext (const char *msgid)
{
  return msgid;
}
#endif

const char *
mmapio_version (void)
{
  return PACKAGE_VERSION;
}

const char *
mmapio_strerror (int err)
{
  switch (err)
    {
    case 0:
      return _("Success");
    case MMAPIO_E_BOUNDS:
      return _("Range outside the mapping");
    case MMAPIO_E_MODE:
      return _("Operation not allowed in this mapping mode");
    case MMAPIO_E_ALIGN:
      return _("Offset not aligned for an atomic access");
    case MMAPIO_E_EMPTY:
      return _("Size must not be zero");
    case MMAPIO_E_SHRUNK:
      return _("File shrank while it was being read");
    case MMAPIO_E_FAKE:
      return _("Page residency cannot be known for this file");
    case MMAPIO_E_MEMLOCK:
      return _("Locked-memory limit (RLIMIT_MEMLOCK) too small");
    default:
      break;
    }
  if (err <= MMAPIO_E_FIRST && err >= MMAPIO_E_LAST)
    return _("Unknown libmmapio error");
  /* -INT_MIN does not exist; strerror describes INT_MIN as unknown.  */
  if (err < 0 && err != INT_MIN)
    err = -err;
  /* strerror is thread-safe in glibc for known values and localised by
   * the C library itself.  */
  return strerror (err);
}

bool
mmapio__env_flag (const char *name)
{
  const char *v = getenv (name);
  return v != NULL && strcmp (v, "1") == 0;
}
