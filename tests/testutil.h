/* testutil.h — helpers shared by the g_test suites.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#ifndef MMAPIO_TESTUTIL_H
#define MMAPIO_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#endif
