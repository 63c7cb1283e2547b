/* test-fileops.c — mmapio_copy_file and mmapio_remove_file.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <sys/stat.h>
#include <sys/types.h>

#include "testutil.h"

/* Run every copy test twice: through copy_file_range() and through the
 * forced read/write fallback.  */
static void
set_forced (gboolean forced)
{
  if (forced)
    g_setenv ("MMAPIO_FORCE_RW_COPY", "1", TRUE);
  else
    g_unsetenv ("MMAPIO_FORCE_RW_COPY");
}

static void
assert_same_contents (const char *a, const char *b)
{
  char *ca, *cb;
  gsize la, lb;
  GError *err = NULL;
  g_file_get_contents (a, &ca, &la, &err);
  g_assert_no_error (err);
  g_file_get_contents (b, &cb, &lb, &err);
  g_assert_no_error (err);
  g_assert_cmpmem (ca, la, cb, lb);
  g_free (ca);
  g_free (cb);
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in DIR, sorted, joined with spaces: to see that no temporary
 * file is left behind.  */
static char *
dir_listing (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new ();
  const char *name;
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  char *s = g_strjoinv (" ", (char **) names->pdata);
  g_ptr_array_free (names, TRUE);
  g_dir_close (d);
  return s;
}

static void
check_basic (gboolean forced)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 100000);
  char *dst = g_build_filename (dir, "dst", NULL);
  mode_t old = umask (022);

  set_forced (forced);
  g_assert_cmpint (chmod (src, 0754), ==, 0);
  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  assert_same_contents (src, dst);
  struct stat st;
  g_assert_cmpint (stat (dst, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0754);

  /* The umask applies.  */
  umask (077);
  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  g_assert_cmpint (stat (dst, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  umask (old);

  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "dst src");
  g_free (ls);
  set_forced (FALSE);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_basic (void)
{
  check_basic (FALSE);
}

static void
test_basic_forced (void)
{
  check_basic (TRUE);
}

static void
check_replace (gboolean forced)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 5000);
  char *dst = g_build_filename (dir, "dst", NULL);
  GError *err = NULL;
  mmapio_file *f;
  char c;

  set_forced (forced);
  g_file_set_contents (dst, "old contents, longer than nothing", -1, &err);
  g_assert_no_error (err);
  /* A mapping of the old dst keeps the old file: dst is replaced, not
   * overwritten in place.  */
  tu_assert_ok (mmapio_open (&f, dst, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  assert_same_contents (src, dst);
  tu_assert_ok (mmapio_read (f, 0, &c, 1));
  g_assert_cmpint (c, ==, 'o');
  tu_assert_ok (mmapio_close (f));

  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "dst src");
  g_free (ls);
  set_forced (FALSE);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_replace (void)
{
  check_replace (FALSE);
}

static void
test_replace_forced (void)
{
  check_replace (TRUE);
}

static void
test_excl (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 5000);
  char *dst = g_build_filename (dir, "dst", NULL);
  char *link = g_build_filename (dir, "dangling", NULL);
  GError *err = NULL;

  for (int forced = 0; forced < 2; forced++)
    {
      set_forced (forced);
      g_unlink (dst);
      tu_assert_ok (mmapio_copy_file (src, dst, MMAPIO_COPY_EXCL));
      assert_same_contents (src, dst);
      g_file_set_contents (dst, "keep", -1, &err);
      g_assert_no_error (err);
      g_assert_cmpint (mmapio_copy_file (src, dst, MMAPIO_COPY_EXCL), ==,
                       -EEXIST);
      char *kept;
      g_file_get_contents (dst, &kept, NULL, &err);
      g_assert_no_error (err);
      g_assert_cmpstr (kept, ==, "keep");
      g_free (kept);
    }
  set_forced (FALSE);

  /* A dangling symbolic link exists too.  */
  g_assert_cmpint (symlink ("nowhere", link), ==, 0);
  g_assert_cmpint (mmapio_copy_file (src, link, MMAPIO_COPY_EXCL), ==,
                   -EEXIST);

  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "dangling dst src");
  g_free (ls);
  g_free (link);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_missing_src (void)
{
  char *dir = tu_tmpdir ();
  char *src = g_build_filename (dir, "nope", NULL);
  char *dst = g_build_filename (dir, "dst", NULL);

  g_assert_cmpint (mmapio_copy_file (src, dst, 0), ==, -ENOENT);
  g_assert_false (g_file_test (dst, G_FILE_TEST_EXISTS));
  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "");
  g_free (ls);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_dir_src (void)
{
  char *dir = tu_tmpdir ();
  char *dst = g_build_filename (dir, "dst", NULL);

  g_assert_cmpint (mmapio_copy_file (dir, dst, 0), ==, -EISDIR);
  g_assert_false (g_file_test (dst, G_FILE_TEST_EXISTS));
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_fifo_src (void)
{
  char *dir = tu_tmpdir ();
  char *fifo = g_build_filename (dir, "fifo", NULL);
  char *dst = g_build_filename (dir, "dst", NULL);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  /* Refused without blocking on the FIFO's open.  */
  g_assert_cmpint (mmapio_copy_file (fifo, dst, 0), ==, -EINVAL);
  g_assert_false (g_file_test (dst, G_FILE_TEST_EXISTS));
  g_free (fifo);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_dst_is_dir (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 100);
  char *sub = g_build_filename (dir, "sub", NULL);

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  for (int forced = 0; forced < 2; forced++)
    {
      set_forced (forced);
      g_assert_cmpint (mmapio_copy_file (src, sub, 0), ==, -EISDIR);
      char *trailing = g_strconcat (dir, "/", NULL);
      g_assert_cmpint (mmapio_copy_file (src, trailing, 0), ==, -EISDIR);
      g_free (trailing);
      /* Nothing left behind, in the directory or beside it.  */
      char *ls = dir_listing (dir);
      g_assert_cmpstr (ls, ==, "src sub");
      g_free (ls);
      ls = dir_listing (sub);
      g_assert_cmpstr (ls, ==, "");
      g_free (ls);
    }
  set_forced (FALSE);
  g_rmdir (sub);
  g_free (sub);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_self (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 20000);
  char *hard = g_build_filename (dir, "hard", NULL);
  char *soft = g_build_filename (dir, "soft", NULL);
  char *same = g_strconcat (dir, "/./src", NULL);
  unsigned char buf[20000];

  g_assert_cmpint (link (src, hard), ==, 0);
  g_assert_cmpint (symlink ("src", soft), ==, 0);
  g_assert_cmpint (mmapio_copy_file (src, src, 0), ==, -EINVAL);
  g_assert_cmpint (mmapio_copy_file (src, same, 0), ==, -EINVAL);
  g_assert_cmpint (mmapio_copy_file (src, hard, 0), ==, -EINVAL);
  g_assert_cmpint (mmapio_copy_file (src, soft, 0), ==, -EINVAL);
  g_assert_cmpint (mmapio_copy_file (src, src, MMAPIO_COPY_EXCL), ==,
                   -EEXIST);

  /* Intact, and still linked as before.  */
  tu_pread (src, 0, buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, tu_byte (i));
  struct stat st;
  g_assert_cmpint (stat (src, &st), ==, 0);
  g_assert_cmpuint (st.st_nlink, ==, 2);
  g_assert_cmpuint (st.st_size, ==, sizeof buf);
  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "hard soft src");
  g_free (ls);
  g_free (same);
  g_free (soft);
  g_free (hard);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_missing_dst_dir (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 100);
  char *dst = g_build_filename (dir, "no", "dst", NULL);

  g_assert_cmpint (mmapio_copy_file (src, dst, 0), ==, -ENOENT);
  g_free (dst);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_unwritable_dst_dir (void)
{
  if (geteuid () == 0)
    {
      g_test_skip ("root writes into read-only directories");
      return;
    }
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 100);
  char *sub = g_build_filename (dir, "ro", NULL);
  char *dst = g_build_filename (sub, "dst", NULL);

  g_assert_cmpint (g_mkdir (sub, 0500), ==, 0);
  g_assert_cmpint (mmapio_copy_file (src, dst, 0), ==, -EACCES);
  g_assert_cmpint (chmod (sub, 0700), ==, 0);
  char *ls = dir_listing (sub);
  g_assert_cmpstr (ls, ==, "");
  g_free (ls);
  g_rmdir (sub);
  g_free (dst);
  g_free (sub);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_unreadable_src (void)
{
  if (geteuid () == 0)
    {
      g_test_skip ("root reads unreadable files");
      return;
    }
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 100);
  char *dst = g_build_filename (dir, "dst", NULL);

  g_assert_cmpint (chmod (src, 0), ==, 0);
  g_assert_cmpint (mmapio_copy_file (src, dst, 0), ==, -EACCES);
  g_assert_false (g_file_test (dst, G_FILE_TEST_EXISTS));
  g_free (dst);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
check_sparse (gboolean forced)
{
  char *dir = tu_tmpdir ();
  char *src = g_build_filename (dir, "sparse", NULL);
  char *dst = g_build_filename (dir, "copy", NULL);
  const uint64_t size = 64u << 20;
  unsigned char block[4096];
  struct stat sst, dstst;

  set_forced (forced);
  int fd = open (src, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  memset (block, 'A', sizeof block);
  g_assert_cmpint (pwrite (fd, block, sizeof block, 0), ==, sizeof block);
  memset (block, 'B', sizeof block);
  g_assert_cmpint (pwrite (fd, block, sizeof block, 32 << 20), ==,
                   sizeof block);
  close (fd);

  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  g_assert_cmpuint (tu_file_size (dst), ==, size);
  tu_pread (dst, 0, block, sizeof block);
  g_assert_cmpint (block[0], ==, 'A');
  g_assert_cmpint (block[4095], ==, 'A');
  tu_pread (dst, 32 << 20, block, sizeof block);
  g_assert_cmpint (block[0], ==, 'B');
  tu_pread (dst, 16 << 20, block, sizeof block);
  for (size_t i = 0; i < sizeof block; i++)
    g_assert_cmpint (block[i], ==, 0);
  tu_pread (dst, size - sizeof block, block, sizeof block);
  for (size_t i = 0; i < sizeof block; i++)
    g_assert_cmpint (block[i], ==, 0);
  assert_same_contents (src, dst);

  /* Holes stay holes where the filesystem has them.  */
  g_assert_cmpint (stat (src, &sst), ==, 0);
  g_assert_cmpint (stat (dst, &dstst), ==, 0);
  if ((uint64_t) sst.st_blocks * 512 < size / 2)
    g_assert_cmpuint ((uint64_t) dstst.st_blocks * 512, <, size / 2);
  else
    g_test_message ("filesystem does not keep holes; sparseness not checked");
  set_forced (FALSE);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_sparse (void)
{
  check_sparse (FALSE);
}

static void
test_sparse_forced (void)
{
  check_sparse (TRUE);
}

static void
check_large (gboolean forced)
{
  char *dir = tu_tmpdir ();
  /* Not a multiple of the fallback's buffer nor of a page.  */
  size_t size = (g_test_slow () ? 256u << 20 : 24u << 20) + 12345;
  char *src = tu_pattern_file (dir, "large", size);
  char *dst = g_build_filename (dir, "copy", NULL);

  set_forced (forced);
  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  g_assert_cmpuint (tu_file_size (dst), ==, size);
  assert_same_contents (src, dst);
  set_forced (FALSE);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_large (void)
{
  check_large (FALSE);
}

static void
test_large_forced (void)
{
  check_large (TRUE);
}

static void
test_empty (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "empty", 0);
  char *dst = g_build_filename (dir, "copy", NULL);

  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  g_assert_cmpuint (tu_file_size (dst), ==, 0);
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_size_zero_with_contents (void)
{
  /* procfs reports size 0 for files with contents.  */
  const char *src = "/proc/self/mountinfo";
  if (!g_file_test (src, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /proc");
      return;
    }
  char *dir = tu_tmpdir ();
  char *dst = g_build_filename (dir, "copy", NULL);

  g_assert_cmpuint (tu_file_size (src), ==, 0);
  tu_assert_ok (mmapio_copy_file (src, dst, 0));
  g_assert_cmpuint (tu_file_size (dst), >, 0);
  char *c;
  GError *err = NULL;
  g_file_get_contents (dst, &c, NULL, &err);
  g_assert_no_error (err);
  g_assert_nonnull (strstr (c, " / "));
  g_free (c);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_bad_flags (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 10);
  char *dst = g_build_filename (dir, "dst", NULL);

  g_assert_cmpint (mmapio_copy_file (src, dst, 1u << 7), ==, -EINVAL);
  g_assert_false (g_file_test (dst, G_FILE_TEST_EXISTS));
  g_free (src);
  g_free (dst);
  tu_tmpdir_free (dir);
}

static void
test_relative_names (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 3000);
  char *cwd = g_get_current_dir ();

  g_assert_cmpint (chdir (dir), ==, 0);
  tu_assert_ok (mmapio_copy_file ("src", "dst", 0));
  tu_assert_ok (mmapio_copy_file ("src", "dst2", MMAPIO_COPY_EXCL));
  g_assert_cmpint (chdir (cwd), ==, 0);
  char *dst = g_build_filename (dir, "dst", NULL);
  assert_same_contents (src, dst);
  char *ls = dir_listing (dir);
  g_assert_cmpstr (ls, ==, "dst dst2 src");
  g_free (ls);
  g_free (dst);
  g_free (cwd);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_remove (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "victim", 8192);
  mmapio_file *f;
  unsigned char buf[16];

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_remove_file (path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* The mapping outlives the name.  */
  tu_assert_ok (mmapio_read (f, 4096, buf, sizeof buf));
  for (size_t i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, tu_byte (4096 + i));
  tu_assert_ok (mmapio_close (f));

  g_assert_cmpint (mmapio_remove_file (path), ==, -ENOENT);
  g_assert_cmpint (mmapio_remove_file (dir), ==, -EISDIR);
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/copy/basic", test_basic);
  g_test_add_func ("/copy/basic-rw-fallback", test_basic_forced);
  g_test_add_func ("/copy/replaces-dst", test_replace);
  g_test_add_func ("/copy/replaces-dst-rw-fallback", test_replace_forced);
  g_test_add_func ("/copy/excl", test_excl);
  g_test_add_func ("/copy/missing-src", test_missing_src);
  g_test_add_func ("/copy/directory-src", test_dir_src);
  g_test_add_func ("/copy/fifo-src", test_fifo_src);
  g_test_add_func ("/copy/dst-is-directory", test_dst_is_dir);
  g_test_add_func ("/copy/onto-itself", test_self);
  g_test_add_func ("/copy/missing-dst-dir", test_missing_dst_dir);
  g_test_add_func ("/copy/unwritable-dst-dir", test_unwritable_dst_dir);
  g_test_add_func ("/copy/unreadable-src", test_unreadable_src);
  g_test_add_func ("/copy/sparse", test_sparse);
  g_test_add_func ("/copy/sparse-rw-fallback", test_sparse_forced);
  g_test_add_func ("/copy/large", test_large);
  g_test_add_func ("/copy/large-rw-fallback", test_large_forced);
  g_test_add_func ("/copy/empty", test_empty);
  g_test_add_func ("/copy/size-zero-with-contents",
                   test_size_zero_with_contents);
  g_test_add_func ("/copy/bad-flags", test_bad_flags);
  g_test_add_func ("/copy/relative-names", test_relative_names);
  g_test_add_func ("/remove/basic", test_remove);
  return g_test_run ();
}
