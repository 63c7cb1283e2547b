/* fault-tool.c — a small program for the fault shell tests: a truncation
 * storm against a file, and short sequences of library calls run under
 * strace's failure injection, each call's result printed on a line of
 * its own.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmapio.h"

static void
usage (void)
{
  fputs ("usage: fault-tool storm FILE SIZE CYCLES [PAUSE-US]\n"
         "       fault-tool flush|resize|open|window|evict|async FILE\n"
         "       fault-tool create FILE SIZE\n"
         "       fault-tool copy SRC DST\n"
         "       fault-tool free-limit N\n", stderr);
  exit (2);
}

/* Print "what: ok" or "what: message" and return r.  */
static int
report (const char *what, int r)
{
  printf ("%s: %s\n", what, r == 0 ? "ok" : mmapio_strerror (r));
  fflush (stdout);
  return r;
}

static void
die (const char *what, int r)
{
  fprintf (stderr, "fault-tool: %s: %s\n", what, mmapio_strerror (r));
  exit (1);
}

/* Truncate FILE to a varying shorter size and back, CYCLES times,
 * putting bytes back into the regrown part, pausing PAUSE microseconds
 * between cycles so that the storm lasts while readers start and
 * stop.  */
static int
storm (const char *path, long long size, long cycles, long pause)
{
  int fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    die (path, -errno);
  char chunk[4096];
  memset (chunk, 's', sizeof chunk);
  for (long i = 0; i < cycles; i++)
    {
      off_t cut = (off_t) ((i * 7919) % size);
      if (ftruncate (fd, cut) < 0)
        die ("ftruncate", -errno);
      sched_yield ();
      if (ftruncate (fd, (off_t) size) < 0)
        die ("ftruncate", -errno);
      if (pwrite (fd, chunk, sizeof chunk, cut) < 0)
        die ("pwrite", -errno);
      if (pause > 0)
        usleep ((useconds_t) pause);
    }
  close (fd);
  return 0;
}

/* The RLIMIT_NOFILE value under which a program started as this one was
 * (with the same descriptors inherited) has exactly N descriptors free:
 * the harness running the tests may pass some of its own.  */
static int
free_limit (int n)
{
  int lim = 0;
  while (n > 0 || fcntl (lim, F_GETFD) >= 0)
    {
      if (fcntl (lim, F_GETFD) < 0)
        n--;
      lim++;
    }
  printf ("%d\n", lim);
  return 0;
}

static long
page_size (void)
{
  return sysconf (_SC_PAGESIZE);
}

/* Write a marker, flush it; write more and flush again; then a range
 * flush: the flushes are the calls a msync failure hits.  */
static int
do_flush (const char *path)
{
  mmapio_file *f;
  int r = mmapio_open (&f, path, MMAPIO_RDWR, 0);
  if (r != 0)
    die (path, r);
  if ((r = mmapio_write (f, 0, "flushed-1", 9)) != 0)
    die ("write", r);
  report ("flush", mmapio_flush (f));
  if ((r = mmapio_write (f, (uint64_t) page_size (), "flushed-2", 9)) != 0)
    die ("write", r);
  report ("flush", mmapio_flush (f));
  if ((r = mmapio_write (f, 2 * (uint64_t) page_size (), "flushed-3", 9))
      != 0)
    die ("write", r);
  report ("flush_range",
          mmapio_flush_range (f, 2 * (uint64_t) page_size (), 9));
  /* What a failed flush took off is pending again (counted by whole
   * pages: the bytes of the range that were written are not known any
   * more).  */
  printf ("pending: %s\n", mmapio_pending (f) >= 9 ? "yes" : "no");
  return report ("close", mmapio_close (f)) != 0;
}

static int
do_create (const char *path, const char *size)
{
  mmapio_file *f;
  if (report ("create", mmapio_create (&f, path, strtoull (size, NULL, 10),
                                       0)) != 0)
    return 1;
  int r = mmapio_write (f, mmapio_size (f) - 4, "last", 4);
  if (r != 0)
    die ("write", r);
  return report ("close", mmapio_close (f)) != 0;
}

/* Grow, then shrink, a file whose first bytes were flushed.  */
static int
do_resize (const char *path)
{
  mmapio_file *f;
  int r = mmapio_open (&f, path, MMAPIO_RDWR, 0);
  if (r != 0)
    die (path, r);
  uint64_t size = mmapio_size (f);
  if ((r = mmapio_write (f, 0, "flushed-1", 9)) != 0
      || (r = mmapio_flush (f)) != 0)
    die ("write", r);
  report ("grow", mmapio_resize (f, 64 * (uint64_t) page_size ()));
  printf ("size: %s\n", mmapio_size (f) == size ? "unchanged" : "changed");
  size = mmapio_size (f);
  report ("shrink", mmapio_resize (f, (uint64_t) page_size ()));
  printf ("size: %s\n", mmapio_size (f) == size ? "unchanged" : "changed");
  return report ("close", mmapio_close (f)) != 0;
}

static int
do_open (const char *path)
{
  mmapio_file *f;
  char b[9];
  if (report ("open", mmapio_open (&f, path, MMAPIO_RDONLY, 0)) == 0)
    {
      report ("read", mmapio_read (f, 0, b, sizeof b));
      report ("close", mmapio_close (f));
    }
  if (report ("open rdwr", mmapio_open (&f, path, MMAPIO_RDWR, 0)) == 0)
    {
      report ("read", mmapio_read (f, 0, b, sizeof b));
      report ("close", mmapio_close (f));
    }
  return 0;
}

/* A windowed handle maps as it reads: mmap fails in mmapio_read.  */
static int
do_window (const char *path)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  mmapio_file *f;
  char b[9];
  o.window = (uint64_t) page_size ();
  int r = mmapio_open_ex (&f, path, MMAPIO_RDONLY, &o);
  if (r != 0)
    die (path, r);
  /* The first window, at offset 0, is mapped at open: the read at two
   * pages maps the second, the read at 0 the third.  */
  report ("read", mmapio_read (f, 2 * (uint64_t) page_size (), b, sizeof b));
  report ("read", mmapio_read (f, 0, b, sizeof b));
  return report ("close", mmapio_close (f)) != 0;
}

static int
do_evict (const char *path)
{
  mmapio_file *f;
  int r = mmapio_open (&f, path, MMAPIO_RDWR, 0);
  if (r != 0)
    die (path, r);
  if ((r = mmapio_write (f, 0, "flushed-1", 9)) != 0
      || (r = mmapio_flush (f)) != 0)
    die ("write", r);
  if ((r = mmapio_write (f, 0, "evicted-2", 9)) != 0)
    die ("write", r);
  report ("evict", mmapio_evict (f, 0, mmapio_size (f), MMAPIO_EVICT_SYNC,
                                 NULL));
  return report ("close", mmapio_close (f)) != 0;
}

static int
do_async (const char *path)
{
  mmapio_file *f;
  int r = mmapio_open (&f, path, MMAPIO_RDWR, 0);
  if (r != 0)
    die (path, r);
  if ((r = mmapio_write (f, 0, "flushed-1", 9)) != 0)
    die ("write", r);
  report ("flush_async", mmapio_flush_async (f));
  report ("flush", mmapio_flush (f));
  return report ("close", mmapio_close (f)) != 0;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    usage ();
  const char *cmd = argv[1];
  if (strcmp (cmd, "storm") == 0 && (argc == 5 || argc == 6))
    return storm (argv[2], atoll (argv[3]), atol (argv[4]),
                  argc == 6 ? atol (argv[5]) : 0);
  if (strcmp (cmd, "create") == 0 && argc == 4)
    return do_create (argv[2], argv[3]);
  if (strcmp (cmd, "copy") == 0 && argc == 4)
    return report ("copy", mmapio_copy_file (argv[2], argv[3], 0)) != 0;
  if (argc != 3)
    usage ();
  if (strcmp (cmd, "free-limit") == 0)
    return free_limit (atoi (argv[2]));
  if (strcmp (cmd, "flush") == 0)
    return do_flush (argv[2]);
  if (strcmp (cmd, "resize") == 0)
    return do_resize (argv[2]);
  if (strcmp (cmd, "open") == 0)
    return do_open (argv[2]);
  if (strcmp (cmd, "window") == 0)
    return do_window (argv[2]);
  if (strcmp (cmd, "evict") == 0)
    return do_evict (argv[2]);
  if (strcmp (cmd, "async") == 0)
    return do_async (argv[2]);
  usage ();
}
