/* test-stream.c — stdio streams over mappings.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <stdio.h>

#include "testutil.h"

#define LINES 1000

static char *
lines_file (const char *dir, GString *expect)
{
  char *path = g_build_filename (dir, "lines", NULL);
  GError *err = NULL;
  for (int i = 0; i < LINES; i++)
    g_string_append_printf (expect, "line %d: %.*s\n", i, i % 97,
                            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
                            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
  g_file_set_contents (path, expect->str, (gssize) expect->len, &err);
  g_assert_no_error (err);
  return path;
}

static void
test_getline (void)
{
  char *dir = tu_tmpdir ();
  GString *expect = g_string_new (NULL);
  char *path = lines_file (dir, expect);
  mmapio_file *f;
  FILE *fp;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int count = 0;
  char **want = g_strsplit (expect->str, "\n", -1);

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_fopen (f, "r", &fp));
  while ((n = getline (&line, &cap, fp)) >= 0)
    {
      g_assert_cmpint (n, ==, (gssize) strlen (want[count]) + 1);
      g_assert_cmpint (line[n - 1], ==, '\n');
      line[n - 1] = '\0';
      g_assert_cmpstr (line, ==, want[count]);
      count++;
    }
  g_assert_cmpint (count, ==, LINES);
  g_assert_true (feof (fp));
  g_assert_false (ferror (fp));
  g_assert_cmpint (fclose (fp), ==, 0);

  /* Closing the stream left the handle open.  */
  char c;
  tu_assert_ok (mmapio_read (f, 0, &c, 1));
  g_assert_cmpint (c, ==, 'l');
  tu_assert_ok (mmapio_close (f));
  free (line);
  g_strfreev (want);
  g_string_free (expect, TRUE);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_seek_tell (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 10000);
  mmapio_file *f;
  FILE *fp;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_fopen (f, "r", &fp));
  g_assert_cmpint (ftell (fp), ==, 0);
  g_assert_cmpint (fgetc (fp), ==, tu_byte (0));

  g_assert_cmpint (fseek (fp, 5000, SEEK_SET), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 5000);
  g_assert_cmpint (fgetc (fp), ==, tu_byte (5000));

  g_assert_cmpint (fseek (fp, -1001, SEEK_CUR), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 4000);
  g_assert_cmpint (fgetc (fp), ==, tu_byte (4000));

  g_assert_cmpint (fseek (fp, -1, SEEK_END), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 9999);
  g_assert_cmpint (fgetc (fp), ==, tu_byte (9999));
  g_assert_cmpint (fgetc (fp), ==, EOF);
  g_assert_true (feof (fp));

  /* The end itself is a valid position; beyond it and before 0 are not. */
  g_assert_cmpint (fseek (fp, 0, SEEK_END), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 10000);
  errno = 0;
  g_assert_cmpint (fseek (fp, 1, SEEK_END), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  errno = 0;
  g_assert_cmpint (fseek (fp, 10001, SEEK_SET), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  errno = 0;
  g_assert_cmpint (fseek (fp, -1, SEEK_SET), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  errno = 0;
  g_assert_cmpint (fseek (fp, -10001, SEEK_END), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  /* A failed seek leaves the position.  */
  g_assert_cmpint (ftell (fp), ==, 10000);

  /* Reading a block after a seek.  */
  unsigned char buf[300];
  g_assert_cmpint (fseek (fp, 9800, SEEK_SET), ==, 0);
  g_assert_cmpuint (fread (buf, 1, sizeof buf, fp), ==, 200);
  for (int i = 0; i < 200; i++)
    g_assert_cmpint (buf[i], ==, tu_byte (9800 + i));
  rewind (fp);
  g_assert_cmpint (ftell (fp), ==, 0);
  g_assert_cmpint (fclose (fp), ==, 0);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_write_rdwr (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 8192);
  mmapio_file *f;
  FILE *fp;
  char buf[32];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_fopen (f, "r+", &fp));
  g_assert_cmpint (fseek (fp, 100, SEEK_SET), ==, 0);
  g_assert_cmpint (fputs ("hello, mapping", fp), >=, 0);
  g_assert_cmpint (fflush (fp), ==, 0);
  /* The bytes are in the file's page cache at once.  */
  tu_pread (path, 100, buf, 14);
  g_assert_cmpmem (buf, 14, "hello, mapping", 14);
  /* ...and counted as written by the handle.  */
  g_assert_cmpuint (mmapio_pending (f), >=, 14);

  /* Reading back through the same stream.  */
  g_assert_cmpint (fseek (fp, 107, SEEK_SET), ==, 0);
  g_assert_nonnull (fgets (buf, 8, fp));
  g_assert_cmpstr (buf, ==, "mapping");
  g_assert_cmpint (fgetc (fp), ==, tu_byte (114));

  /* "w" writes from offset 0 and does not truncate.  */
  FILE *w;
  tu_assert_ok (mmapio_fopen (f, "w", &w));
  g_assert_cmpint (fprintf (w, "%s", "HEAD"), ==, 4);
  g_assert_cmpint (fclose (w), ==, 0);
  tu_pread (path, 0, buf, 5);
  g_assert_cmpmem (buf, 4, "HEAD", 4);
  g_assert_cmpint ((unsigned char) buf[4], ==, tu_byte (4));
  g_assert_cmpuint (tu_file_size (path), ==, 8192);

  g_assert_cmpint (fclose (fp), ==, 0);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_w_is_r_plus (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 100);
  mmapio_file *f;
  FILE *w;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_fopen (f, "w", &w));
  g_assert_cmpint (fgetc (w), ==, tu_byte (0));
  g_assert_cmpint (fseek (w, 0, SEEK_CUR), ==, 0);
  g_assert_cmpint (fputc ('w', w), ==, 'w');
  g_assert_cmpint (fclose (w), ==, 0);
  char c;
  tu_pread (path, 1, &c, 1);
  g_assert_cmpint (c, ==, 'w');
  g_assert_cmpuint (tu_file_size (path), ==, 100);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_write_past_end (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 16);
  mmapio_file *f;
  FILE *fp;
  char buf[16];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_fopen (f, "r+", &fp));
  setvbuf (fp, NULL, _IONBF, 0);
  /* Unbuffered: the short write shows in fwrite's own count.  */
  g_assert_cmpuint (fwrite ("0123456789abcdefXYZ", 1, 19, fp), ==, 16);
  g_assert_true (ferror (fp));
  g_assert_cmpint (errno, ==, ENOSPC);
  tu_pread (path, 0, buf, 16);
  g_assert_cmpmem (buf, 16, "0123456789abcdef", 16);
  g_assert_cmpuint (tu_file_size (path), ==, 16);
  clearerr (fp);
  /* At the end nothing fits.  */
  g_assert_cmpint (fputc ('!', fp), ==, EOF);
  g_assert_cmpint (errno, ==, ENOSPC);
  /* Whether stdio retries the byte it could not write at the close is
   * its own business; the file's size is not.  */
  fclose (fp);
  g_assert_cmpuint (tu_file_size (path), ==, 16);

  /* Buffered: the error shows at the flush.  */
  tu_assert_ok (mmapio_fopen (f, "r+", &fp));
  g_assert_cmpint (fseek (fp, 10, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite ("ABCDEFGH", 1, 8, fp), ==, 8);
  g_assert_cmpint (fflush (fp), ==, EOF);
  g_assert_cmpint (errno, ==, ENOSPC);
  g_assert_true (ferror (fp));
  fclose (fp);
  tu_pread (path, 10, buf, 6);
  g_assert_cmpmem (buf, 6, "ABCDEF", 6);
  g_assert_cmpuint (tu_file_size (path), ==, 16);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_rdonly_refused (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 100);
  mmapio_file *f;
  FILE *fp = NULL;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  g_assert_cmpint (mmapio_fopen (f, "r+", &fp), ==, MMAPIO_E_MODE);
  g_assert_cmpint (mmapio_fopen (f, "w", &fp), ==, MMAPIO_E_MODE);
  g_assert_null (fp);
  tu_assert_ok (mmapio_fopen (f, "r", &fp));
  /* A read stream refuses writes.  */
  g_assert_cmpint (fputc ('x', fp), ==, EOF);
  g_assert_cmpint (fclose (fp), ==, 0);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_bad_mode (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 100);
  mmapio_file *f;
  FILE *fp = NULL;
  static const char *const bad[] = { "", "a", "a+", "w+", "rw", "x", "r++" };

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (mmapio_fopen (f, bad[i], &fp), ==, -EINVAL);
  g_assert_null (fp);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_cow (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 100);
  mmapio_file *f;
  FILE *fp;
  char buf[4];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_COW, 0));
  tu_assert_ok (mmapio_fopen (f, "r+", &fp));
  g_assert_cmpint (fputs ("cow!", fp), >=, 0);
  g_assert_cmpint (fclose (fp), ==, 0);
  tu_assert_ok (mmapio_read (f, 0, buf, 4));
  g_assert_cmpmem (buf, 4, "cow!", 4);
  tu_pread (path, 0, buf, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint ((unsigned char) buf[i], ==, tu_byte (i));
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_empty (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "empty", 0);
  mmapio_file *f;
  FILE *fp;
  char *line = NULL;
  size_t cap = 0;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_fopen (f, "r", &fp));
  g_assert_cmpint (getline (&line, &cap, fp), ==, -1);
  g_assert_true (feof (fp));
  g_assert_false (ferror (fp));
  g_assert_cmpint (fseek (fp, 0, SEEK_END), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 0);
  g_assert_cmpint (fclose (fp), ==, 0);
  tu_assert_ok (mmapio_close (f));
  free (line);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_two_streams (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 1000);
  mmapio_file *f;
  FILE *a, *b;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_fopen (f, "r", &a));
  tu_assert_ok (mmapio_fopen (f, "r", &b));
  g_assert_cmpint (fseek (a, 500, SEEK_SET), ==, 0);
  g_assert_cmpint (fgetc (b), ==, tu_byte (0));
  g_assert_cmpint (fgetc (a), ==, tu_byte (500));
  g_assert_cmpint (ftell (b), ==, 1);
  g_assert_cmpint (fclose (a), ==, 0);
  g_assert_cmpint (fclose (b), ==, 0);
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_resize_seen (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "data", 100);
  mmapio_file *f;
  FILE *fp;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_fopen (f, "r+", &fp));
  g_assert_cmpint (fseek (fp, 150, SEEK_SET), ==, -1);
  /* The stream follows the mapping's size as it is now.  */
  tu_assert_ok (mmapio_resize (f, 200));
  g_assert_cmpint (fseek (fp, 100, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('x', fp), ==, 'x');
  g_assert_cmpint (fseek (fp, 0, SEEK_END), ==, 0);
  g_assert_cmpint (ftell (fp), ==, 200);
  g_assert_cmpint (fclose (fp), ==, 0);
  char c;
  tu_pread (path, 100, &c, 1);
  g_assert_cmpint (c, ==, 'x');
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/stream/getline-parser", test_getline);
  g_test_add_func ("/stream/seek-tell", test_seek_tell);
  g_test_add_func ("/stream/write-rdwr-reaches-file", test_write_rdwr);
  g_test_add_func ("/stream/w-is-r-plus", test_w_is_r_plus);
  g_test_add_func ("/stream/write-past-end-fails", test_write_past_end);
  g_test_add_func ("/stream/rdonly-write-refused", test_rdonly_refused);
  g_test_add_func ("/stream/bad-mode", test_bad_mode);
  g_test_add_func ("/stream/cow-private", test_cow);
  g_test_add_func ("/stream/empty-file", test_empty);
  g_test_add_func ("/stream/independent-positions", test_two_streams);
  g_test_add_func ("/stream/follows-resize", test_resize_seen);
  return g_test_run ();
}
