/* test-errors.c — error codes, mmapio_strerror and the version query.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

static const int codes[] = {
  MMAPIO_E_BOUNDS, MMAPIO_E_MODE, MMAPIO_E_ALIGN, MMAPIO_E_EMPTY,
  MMAPIO_E_SHRUNK, MMAPIO_E_FAKE, MMAPIO_E_MEMLOCK,
};

static void
test_version_string (void)
{
  g_assert_cmpstr (mmapio_version (), ==, MMAPIO_VERSION_STRING);
  char *want = g_strdup_printf ("%d.%d.%d", MMAPIO_VERSION_MAJOR,
                                MMAPIO_VERSION_MINOR, MMAPIO_VERSION_MICRO);
  g_assert_cmpstr (MMAPIO_VERSION_STRING, ==, want);
  g_free (want);
  g_assert_cmpint (MMAPIO_VERSION_NUMBER, ==,
                   (MMAPIO_VERSION_MAJOR << 16) | (MMAPIO_VERSION_MINOR << 8)
                   | MMAPIO_VERSION_MICRO);
  /* The same static string every time.  */
  g_assert_true (mmapio_version () == mmapio_version ());
}

static void
test_codes_range (void)
{
  g_assert_cmpint (MMAPIO_E_FIRST, >, MMAPIO_E_LAST);
  /* Far from anything errno can be (Linux reserves up to 4095).  */
  g_assert_cmpint (MMAPIO_E_FIRST, <, -4095);
  for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_assert_cmpint (codes[i], <=, MMAPIO_E_FIRST);
      g_assert_cmpint (codes[i], >=, MMAPIO_E_LAST);
      for (size_t j = 0; j < i; j++)
        g_assert_cmpint (codes[i], !=, codes[j]);
    }
}

static void
test_strerror_codes (void)
{
  const char *msgs[G_N_ELEMENTS (codes) + 2];
  size_t n = 0;

  for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
    msgs[n++] = mmapio_strerror (codes[i]);
  msgs[n++] = mmapio_strerror (-ENOENT);
  msgs[n++] = mmapio_strerror (0);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_nonnull (msgs[i]);
      g_assert_cmpuint (strlen (msgs[i]), >, 0);
      for (size_t j = 0; j < i; j++)
        g_assert_cmpstr (msgs[i], !=, msgs[j]);
    }
  /* MMAPIO_E_* messages live as long as the process.  */
  const char *again = mmapio_strerror (MMAPIO_E_SHRUNK);
  g_assert_true (again == msgs[4]);
}

static void
test_strerror_errno (void)
{
  char *want = g_strdup (strerror (ENOENT));
  g_assert_cmpstr (mmapio_strerror (-ENOENT), ==, want);
  /* Positive errno values are accepted too.  */
  g_assert_cmpstr (mmapio_strerror (ENOENT), ==, want);
  g_free (want);
  want = g_strdup (strerror (ENOSPC));
  g_assert_cmpstr (mmapio_strerror (-ENOSPC), ==, want);
  g_free (want);
  g_assert_cmpstr (mmapio_strerror (-EACCES), !=, mmapio_strerror (-EBUSY));
}

static void
test_strerror_unknown (void)
{
  /* Reserved but unassigned codes, and values no one uses: never NULL.  */
  const char *m = mmapio_strerror (MMAPIO_E_LAST);
  g_assert_nonnull (m);
  g_assert_cmpuint (strlen (m), >, 0);
  g_assert_cmpstr (mmapio_strerror (MMAPIO_E_LAST + 1), ==, m);
  for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpstr (mmapio_strerror (codes[i]), !=, m);
  g_assert_nonnull (mmapio_strerror (-100000));
  g_assert_nonnull (mmapio_strerror (INT_MIN));
  g_assert_nonnull (mmapio_strerror (INT_MAX));
  g_assert_nonnull (mmapio_strerror (-4000));
}

static void
test_strerror_text_domain (void)
{
  /* The library binds its own domain and leaves the program's alone.  */
  char *before = g_strdup (textdomain (NULL));
  for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
    (void) mmapio_strerror (codes[i]);
  g_assert_cmpstr (textdomain (NULL), ==, before);
  g_free (before);
}

static void
test_strerror_threads_worker_check (const char *expected[])
{
  for (int k = 0; k < 2000; k++)
    for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
      if (strcmp (mmapio_strerror (codes[i]), expected[i]) != 0)
        g_error ("message of %d changed", codes[i]);
}

static gpointer
strerror_thread (gpointer data)
{
  test_strerror_threads_worker_check (data);
  return NULL;
}

static void
test_strerror_threads (void)
{
  const char *expected[G_N_ELEMENTS (codes)];
  GThread *t[4];

  for (size_t i = 0; i < G_N_ELEMENTS (codes); i++)
    expected[i] = mmapio_strerror (codes[i]);
  for (int i = 0; i < 4; i++)
    t[i] = g_thread_new ("strerror", strerror_thread, expected);
  for (int i = 0; i < 4; i++)
    g_thread_join (t[i]);
}

static void
test_einval_null (void)
{
  mmapio_file *f = NULL;

  /* The header marks these nonnull for callers; the library still checks
   * (it is built without the attribute).  Call through pointers so the
   * compiler does not see the NULLs.  */
  int (*open_fn) (mmapio_file **, const char *, enum mmapio_mode, unsigned)
    = mmapio_open;
  int (*open_ex_fn) (mmapio_file **, const char *, enum mmapio_mode,
                     const mmapio_options *) = mmapio_open_ex;
  const char *volatile nopath = NULL;
  mmapio_file **volatile noret = NULL;

  g_assert_cmpint (open_fn (&f, nopath, MMAPIO_RDONLY, 0), ==, -EINVAL);
  g_assert_cmpint (open_fn (noret, "/dev/null", MMAPIO_RDONLY, 0), ==,
                   -EINVAL);
  g_assert_cmpint (open_ex_fn (&f, nopath, MMAPIO_RDONLY, NULL), ==, -EINVAL);
  g_assert_null (f);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/version/string", test_version_string);
  g_test_add_func ("/errors/range", test_codes_range);
  g_test_add_func ("/strerror/codes", test_strerror_codes);
  g_test_add_func ("/strerror/errno", test_strerror_errno);
  g_test_add_func ("/strerror/unknown", test_strerror_unknown);
  g_test_add_func ("/strerror/text-domain", test_strerror_text_domain);
  g_test_add_func ("/strerror/threads", test_strerror_threads);
  g_test_add_func ("/errors/einval-null", test_einval_null);

  return g_test_run ();
}
