/* replay.c — run a fuzzing target on its corpus as a g_test suite.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked with one tests/fuzz/fuzz-*.c in place of libFuzzer, so that the
 * committed corpus runs in "make check" as regressions under any
 * compiler, the sanitizers and valgrind.  Without arguments every file
 * of FUZZ_CORPUS is one test case; arguments name other files or
 * directories to replay (a crash file, a fuzzer's work directory).  */

#include <config.h>

#include <glib.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
replay_file (gconstpointer userdata)
{
  const char *path = userdata;
  gchar *contents = NULL;
  gsize len = 0;
  GError *error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  /* libFuzzer hands out a buffer of exactly the input's size: copy it so
   * that ASan and valgrind catch a read past its end.  */
  guint8 *buf = g_malloc (len > 0 ? len : 1);
  memcpy (buf, contents, len);
  g_assert_cmpint (LLVMFuzzerTestOneInput (buf, len), ==, 0);
  g_free (buf);
  g_free (contents);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Register a test per file of DIR, in name order so that test paths are
 * stable, or one test for DIR when it is a file.  */
static guint
add_path (const char *path, GPtrArray *keep)
{
  GError *error = NULL;
  guint n = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      gchar *base = g_path_get_basename (path);
      gchar *test = g_strdup_printf ("/fuzz/%s/%s", FUZZ_TARGET, base);
      gchar *copy = g_strdup (path);
      g_ptr_array_add (keep, copy);
      g_test_add_data_func (test, copy, replay_file);
      g_free (test);
      g_free (base);
      return 1;
    }
  GDir *dir = g_dir_open (path, 0, &error);
  g_assert_no_error (error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      gchar *file = g_build_filename (path, names->pdata[i], NULL);
      n += add_path (file, keep);
      g_free (file);
    }
  g_ptr_array_unref (names);
  return n;
}

int
main (int argc, char **argv)
{
  GPtrArray *keep = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      n += add_path (argv[i], keep);
  else
    n = add_path (FUZZ_CORPUS, keep);
  /* An empty corpus would make a test that cannot fail.  */
  if (n == 0)
    g_error ("no input to replay in %s", argc > 1 ? argv[1] : FUZZ_CORPUS);
  ret = g_test_run ();
  g_ptr_array_unref (keep);
  return ret;
}
