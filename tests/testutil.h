/* testutil.h — helpers shared by the g_test suites.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#ifndef MMAPIO_TESTUTIL_H
#define MMAPIO_TESTUTIL_H

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if HAVE_VALGRIND_MEMCHECK_H
# include <valgrind/valgrind.h>
#endif

#include "mmapio.h"

/* A fresh temporary directory for one test; removed (with its files) by
 * tu_tmpdir_free.  */
static inline char *
tu_tmpdir (void)
{
  GError *err = NULL;
  char *d = g_dir_make_tmp ("mmapio-test-XXXXXX", &err);
  g_assert_no_error (err);
  return d;
}

static inline void
tu_tmpdir_free (char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
      g_free (p);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

/* Deterministic content: byte i of a pattern file is tu_byte (i).  */
static inline unsigned char
tu_byte (uint64_t i)
{
  return (unsigned char) ((i * 2654435761u) >> 13);
}

/* Write a file of 'size' pattern bytes; returns its path (g_free).  */
static inline char *
tu_pattern_file (const char *dir, const char *name, size_t size)
{
  char *p = g_build_filename (dir, name, NULL);
  unsigned char *buf = g_malloc (size ? size : 1);
  for (size_t i = 0; i < size; i++)
    buf[i] = tu_byte (i);
  GError *err = NULL;
  g_file_set_contents (p, (const char *) buf, (gssize) size, &err);
  g_assert_no_error (err);
  g_free (buf);
  return p;
}

/* Read 'len' bytes at 'off' of 'path' through a separate descriptor.  */
static inline void
tu_pread (const char *path, uint64_t off, void *buf, size_t len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, buf, len, (off_t) off), ==, (gssize) len);
  close (fd);
}

static inline uint64_t
tu_file_size (const char *path)
{
  struct stat st;
  g_assert_cmpint (stat (path, &st), ==, 0);
  return (uint64_t) st.st_size;
}

#define tu_assert_ok(expr) g_assert_cmpint ((expr), ==, 0)

/* Assert that 'len' bytes read back from offset 'off' of a pattern file are
 * the pattern.  */
static inline void
tu_assert_pattern (const void *buf, uint64_t off, size_t len)
{
  const unsigned char *b = buf;
  for (size_t i = 0; i < len; i++)
    if (b[i] != tu_byte (off + i))
      g_error ("byte %" G_GUINT64_FORMAT " is 0x%02x, expected 0x%02x",
               off + i, b[i], tu_byte (off + i));
}

/* Dirty pages of 'path' in the page cache according to cachestat(2), or
 * -1 when the kernel lacks it.  Durability tests use it to see that a
 * flush really wrote the pages back rather than leaving them in the cache
 * (where pread would find them anyway).  The syscall number is common to
 * every architecture but alpha.  */
static inline int64_t
tu_dirty_pages (const char *path)
{
#if defined __linux__ && !defined __alpha__
  struct
  {
    uint64_t off, len;
  } range = { 0, 0 };
  struct
  {
    uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted,
      nr_recently_evicted;
  } cs;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  long r = syscall (451, fd, &range, &cs, 0);
  close (fd);
  if (r < 0)
    return -1;
  return (int64_t) (cs.nr_dirty + cs.nr_writeback);
#else
  (void) path;
  return -1;
#endif
}

/* Give up root for good in a test subprocess: become nobody (65534) with
 * no supplementary groups.  Returns false when that is not possible (not
 * root to begin with).  */
static inline gboolean
tu_become_nobody (void)
{
  if (geteuid () != 0)
    return FALSE;
  if (setgroups (0, NULL) < 0 || setresgid (65534, 65534, 65534) < 0
      || setresuid (65534, 65534, 65534) < 0)
    return FALSE;
  return geteuid () == 65534;
}

/* Whether the test runs under valgrind, whose own reads of every file
 * mapped (it looks for debugging information) change the page cache a
 * residency test observes.  */
static inline gboolean
tu_under_valgrind (void)
{
#if HAVE_VALGRIND_MEMCHECK_H
  return RUNNING_ON_VALGRIND != 0;
#else
  return FALSE;
#endif
}

/* AddressSanitizer replaces mlock() and munlock() with no-ops.  */
#if defined __SANITIZE_ADDRESS__
# define MLOCK_IS_NOOP 1
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define MLOCK_IS_NOOP 1
# endif
#endif
#ifndef MLOCK_IS_NOOP
# define MLOCK_IS_NOOP 0
#endif

/* The number of entries of directory DIR (without . and ..): files
 * left behind in a test directory, or descriptors in /proc/self/fd.  */
static inline unsigned
tu_count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  unsigned n = 0;
  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

#endif
