/* test-faults-threads.c — long calls interrupted by signals at a high
 * rate, handles closed while their background flusher runs, and watches
 * torn down during a burst of events.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <time.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))
#define MIB (UINT64_C (1) << 20)

#ifndef TMPFS_MAGIC
# define TMPFS_MAGIC 0x01021994
#endif

/* ---- Signals during long calls ---------------------------------------- */

static atomic_ulong signals_taken;

static void
on_signal (int sig)
{
  (void) sig;
  atomic_fetch_add_explicit (&signals_taken, 1, memory_order_relaxed);
}

struct pelter
{
  pthread_t target;
  atomic_int stop;
  unsigned long sent;
};

/* Send SIGUSR1 to the target thread every 20 microseconds or so.  Not
 * faster: a sender that never sleeps can starve the target where threads
 * take turns (valgrind runs one thread at a time), and no call would
 * ever finish.  */
static gpointer
pelter_thread (gpointer data)
{
  struct pelter *p = data;
  const struct timespec pause = { 0, 20000 };
  while (!atomic_load (&p->stop))
    {
      if (pthread_kill (p->target, SIGUSR1) != 0)
        break;
      p->sent++;
      nanosleep (&pause, NULL);
    }
  return NULL;
}

/* Start pelting this thread with SIGUSR1, whose handler is installed
 * without SA_RESTART, so that every interruptible system call the
 * library makes may fail with EINTR.  */
static GThread *
pelter_start (struct pelter *p)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = 0;
  g_assert_cmpint (sigaction (SIGUSR1, &sa, NULL), ==, 0);
  p->target = pthread_self ();
  atomic_store (&p->stop, 0);
  p->sent = 0;
  unsigned long before = atomic_load (&signals_taken);
  GThread *t = g_thread_new ("pelter", pelter_thread, p);
  /* Only go on once signals arrive, so that the calls that follow are
   * the ones interrupted.  */
  while (atomic_load (&signals_taken) == before)
    g_usleep (100);
  return t;
}

static void
pelter_stop (struct pelter *p, GThread *t, const char *what)
{
  atomic_store (&p->stop, 1);
  g_thread_join (t);
  g_test_message ("%s: %lu signals sent, %lu handled so far", what, p->sent,
                  atomic_load (&signals_taken));
  signal (SIGUSR1, SIG_IGN);
}

static void
test_eintr_populate (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 32 * MIB);
  mmapio_file *ro, *rw, *huge;
  struct pelter p;
  uint64_t pages;

  tu_assert_ok (mmapio_open (&ro, path, MMAPIO_RDONLY, 0));
  tu_assert_ok (mmapio_open (&huge, path, MMAPIO_RDONLY,
                             MMAPIO_OPEN_HUGEPAGE));
  GThread *t = pelter_start (&p);
  for (int i = 0; i < 3; i++)
    {
      /* Evicted first, so that the page walk and MADV_POPULATE_READ
       * have the file to read again.  */
      tu_assert_ok (mmapio_evict (ro, 0, 32 * MIB, 0, NULL));
      tu_assert_ok (mmapio_evict (huge, 0, 32 * MIB, 0, NULL));
      tu_assert_ok (mmapio_populate (ro, 0, 32 * MIB, 0, &pages));
      g_assert_cmpuint (pages, ==, 32 * MIB / PAGE);
      tu_assert_ok (mmapio_evict (ro, 0, 32 * MIB, 0, NULL));
      tu_assert_ok (mmapio_evict (huge, 0, 32 * MIB, 0, NULL));
      tu_assert_ok (mmapio_populate (huge, 0, 32 * MIB, 0, &pages));
      g_assert_cmpuint (pages, ==, 32 * MIB / PAGE);
    }
  tu_assert_ok (mmapio_close (huge));
  tu_assert_ok (mmapio_close (ro));
  tu_assert_ok (mmapio_open (&rw, path, MMAPIO_RDWR, 0));
  for (int i = 0; i < 3; i++)
    {
      /* A write walk dirties the pages: written back before eviction.  */
      tu_assert_ok (mmapio_evict (rw, 0, 32 * MIB, MMAPIO_EVICT_SYNC, NULL));
      tu_assert_ok (mmapio_populate (rw, 0, 32 * MIB, MMAPIO_POPULATE_WRITE,
                                     &pages));
      g_assert_cmpuint (pages, ==, 32 * MIB / PAGE);
    }
  pelter_stop (&p, t, "populate");
  tu_assert_ok (mmapio_close (rw));
  /* The write walk changed nothing.  */
  unsigned char buf[4096];
  for (uint64_t off = 0; off < 32 * MIB; off += 3 * MIB + 17)
    {
      tu_pread (path, off, buf, sizeof buf);
      tu_assert_pattern (buf, off, sizeof buf);
    }
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_eintr_flush_evict (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "f", NULL);
  const uint64_t size = 16 * MIB;
  unsigned char *data = g_malloc (size), *back = g_malloc (size);
  mmapio_file *f;
  struct pelter p;

  for (uint64_t i = 0; i < size; i++)
    data[i] = tu_byte (i);
  tu_assert_ok (mmapio_create (&f, path, size, 0));
  GThread *t = pelter_start (&p);
  for (int i = 0; i < 3; i++)
    {
      /* Every page dirty, then one flush of them all; then by ranges.  */
      tu_assert_ok (mmapio_write (f, 0, data, size));
      tu_assert_ok (mmapio_flush (f));
      g_assert_cmpuint (mmapio_pending (f), ==, 0);
      tu_assert_ok (mmapio_write (f, 0, data, size));
      for (uint64_t off = 0; off < size; off += 4 * MIB)
        tu_assert_ok (mmapio_flush_range (f, off, 4 * MIB));
      g_assert_cmpuint (mmapio_pending (f), ==, 0);
      /* Dirty again, and evicted with write-back.  */
      tu_assert_ok (mmapio_write (f, 0, data, size));
      uint64_t evicted;
      int r = mmapio_evict (f, 0, size, MMAPIO_EVICT_SYNC, &evicted);
      g_assert_true (r == 0 || r == MMAPIO_E_FAKE);
    }
  pelter_stop (&p, t, "flush and evict");
  tu_assert_ok (mmapio_close (f));
  tu_pread (path, 0, back, size);
  g_assert_true (memcmp (back, data, size) == 0);
  g_free (back);
  g_free (data);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_eintr_copy (void)
{
  char *dir = tu_tmpdir ();
  char *src = tu_pattern_file (dir, "src", 16 * MIB + 123);
  char *dst = g_build_filename (dir, "dst", NULL);
  unsigned char *back = g_malloc (16 * MIB + 123);
  struct pelter p;

  GThread *t = pelter_start (&p);
  for (int i = 0; i < 4; i++)
    {
      /* copy_file_range, then read and write.  */
      if (i % 2)
        g_setenv ("MMAPIO_FORCE_RW_COPY", "1", TRUE);
      else
        g_unsetenv ("MMAPIO_FORCE_RW_COPY");
      tu_assert_ok (mmapio_copy_file (src, dst, 0));
      g_assert_cmpuint (tu_file_size (dst), ==, 16 * MIB + 123);
      tu_pread (dst, 0, back, 16 * MIB + 123);
      tu_assert_pattern (back, 0, 16 * MIB + 123);
      g_assert_cmpint (unlink (dst), ==, 0);
    }
  pelter_stop (&p, t, "copy_file");
  g_unsetenv ("MMAPIO_FORCE_RW_COPY");
  /* No temporary file left behind by an interrupted copy.  */
  GDir *d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_assert_cmpstr (g_dir_read_name (d), ==, "src");
  g_assert_null (g_dir_read_name (d));
  g_dir_close (d);
  g_free (back);
  g_free (dst);
  g_free (src);
  tu_tmpdir_free (dir);
}

static void
test_eintr_lock (void)
{
  const uint64_t size = 4 * MIB;
  uint64_t limit;
  tu_assert_ok (mmapio_memlock_limit (&limit));
  if (geteuid () != 0 && limit < 2 * size)
    {
      g_test_skip ("RLIMIT_MEMLOCK is too low to lock 4 MiB");
      return;
    }
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", size);
  mmapio_file *f;
  struct pelter p;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));

  /* Locked pages stay when the range is evicted; the others go.  (Under
   * AddressSanitizer mlock is a no-op but mlock2 is not.)  */
  tu_assert_ok (mmapio_lock (f, 2 * PAGE, 4 * PAGE, 0));
  uint64_t evicted;
  tu_assert_ok (mmapio_populate (f, 0, size, 0, NULL));
  tu_assert_ok (mmapio_evict (f, 0, size, 0, &evicted));
  mmapio_residency_info res;
  tu_assert_ok (mmapio_residency (f, 0, size, &res, NULL));
  if (!MLOCK_IS_NOOP)
    g_assert_cmpuint (res.resident, >=, 4);
  tu_assert_ok (mmapio_unlock_all (f));

  GThread *t = pelter_start (&p);
  for (int i = 0; i < 5; i++)
    {
      tu_assert_ok (mmapio_evict (f, 0, size, 0, NULL));
      tu_assert_ok (mmapio_lock_all (f, 0));
      tu_assert_ok (mmapio_unlock_all (f));
      /* mlock2 is missing in some kernels (and in valgrind).  */
      int r = mmapio_lock (f, PAGE, size - 2 * PAGE, MMAPIO_LOCK_ONFAULT);
      if (r == -ENOTSUP)
        continue;
      tu_assert_ok (r);
      tu_assert_ok (mmapio_unlock (f, PAGE, size - 2 * PAGE));
    }
  pelter_stop (&p, t, "lock");
  tu_assert_ok (mmapio_close (f));
  g_free (path);
  tu_tmpdir_free (dir);
}

/* A directory on tmpfs, where block allocation checks for signals page
 * by page, or NULL.  */
static char *
tmpfs_dir (void)
{
  struct statfs sfs;
  if (statfs ("/dev/shm", &sfs) != 0 || sfs.f_type != TMPFS_MAGIC
      || access ("/dev/shm", W_OK) != 0)
    return NULL;
  return g_strdup ("/dev/shm");
}

static void
test_eintr_allocate (void)
{
  char *shm = tmpfs_dir ();
  if (shm == NULL)
    {
      g_test_skip ("no writable tmpfs at /dev/shm");
      return;
    }
  char *path = g_strdup_printf ("%s/mmapio-eintr-%d", shm, (int) getpid ());
  mmapio_file *f;
  struct pelter p;

  GThread *t = pelter_start (&p);
  for (int i = 0; i < 5; i++)
    {
      int r = mmapio_create (&f, path, 16 * MIB, 0);
      if (r != 0)
        g_error ("create: %s", mmapio_strerror (r));
      r = mmapio_resize (f, 32 * MIB);
      if (r != 0)
        g_error ("resize: %s", mmapio_strerror (r));
      g_assert_cmpuint (mmapio_size (f), ==, 32 * MIB);
      g_assert_cmpuint (tu_file_size (path), ==, 32 * MIB);
      tu_assert_ok (mmapio_write (f, 32 * MIB - 4, "last", 4));
      tu_assert_ok (mmapio_close (f));
      g_assert_cmpint (unlink (path), ==, 0);
    }
  pelter_stop (&p, t, "create and resize on tmpfs");
  g_free (path);
  g_free (shm);
}

/* ---- Close while the flusher runs ------------------------------------- */

static void
test_close_with_flusher (void)
{
  char *dir = tu_tmpdir ();
  char *path = g_build_filename (dir, "f", NULL);
  GRand *rand = g_rand_new_with_seed (77);
  char rec[32], back[32];

  for (int i = 0; i < 200; i++)
    {
      mmapio_file *f;
      tu_assert_ok (mmapio_create (&f, path, 4 * PAGE, 0));
      tu_assert_ok (mmapio_set_flush_policy (f, MMAPIO_FLUSH_EVERY_MILLIS,
                                             1));
      int writes = g_rand_int_range (rand, 0, 4);
      for (int j = 0; j <= writes; j++)
        {
          memset (rec, 0, sizeof rec);
          snprintf (rec, sizeof rec, "round %03d write %d", i, j);
          tu_assert_ok (mmapio_write (f, (uint64_t) j * PAGE, rec,
                                      sizeof rec));
          /* Let the flusher wake at some point of its own (or not).  */
          g_usleep ((gulong) g_rand_int_range (rand, 0, 1500));
        }
      tu_assert_ok (mmapio_close (f));
      for (int j = 0; j <= writes; j++)
        {
          memset (rec, 0, sizeof rec);
          snprintf (rec, sizeof rec, "round %03d write %d", i, j);
          tu_pread (path, (uint64_t) j * PAGE, back, sizeof back);
          g_assert_cmpmem (back, sizeof back, rec, sizeof rec);
        }
    }
  g_rand_free (rand);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* ---- Watches torn down during a burst --------------------------------- */

struct burst
{
  const char *path;
  atomic_int stop;
  unsigned long writes;
};

static gpointer
burst_writer (gpointer data)
{
  struct burst *b = data;
  int fd = open (b->path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  while (!atomic_load (&b->stop))
    {
      g_assert_cmpint (pwrite (fd, "burst", 5, (off_t) (b->writes % 4096)),
                       ==, 5);
      b->writes++;
    }
  close (fd);
  return NULL;
}

struct seen
{
  atomic_ulong calls;
  atomic_ulong reads_ok;
};

/* The callback uses the handle, as the header allows.  */
static void
on_burst_event (mmapio_file *f, unsigned events, void *userdata)
{
  struct seen *s = userdata;
  char b[5];
  (void) events;
  atomic_fetch_add (&s->calls, 1);
  if (mmapio_read (f, 0, b, sizeof b) == 0)
    atomic_fetch_add (&s->reads_ok, 1);
}

static void
test_watch_teardown_burst (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 8192);
  struct burst b = { path, 0, 0 };
  struct seen s;
  GRand *rand = g_rand_new_with_seed (5);

  atomic_init (&s.calls, 0);
  atomic_init (&s.reads_ok, 0);
  int before = (int) tu_count_entries ("/proc/self/fd");
  GThread *t = g_thread_new ("writer", burst_writer, &b);
  for (int i = 0; i < 60; i++)
    {
      mmapio_file *f;
      mmapio_watch *w1, *w2;
      tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
      tu_assert_ok (mmapio_watch_start (&w1, f, MMAPIO_WATCH_ALL,
                                        on_burst_event, &s));
      tu_assert_ok (mmapio_watch_open (&w2, f, MMAPIO_WATCH_MODIFY,
                                       on_burst_event, &s));
      g_usleep ((gulong) g_rand_int_range (rand, 0, 2000));
      g_assert_cmpint (mmapio_watch_dispatch (w2), >=, 0);
      switch (i % 3)
        {
        case 0:
          /* Closing the handle stops both watches.  */
          break;
        case 1:
          tu_assert_ok (mmapio_watch_stop (w1));
          break;
        default:
          tu_assert_ok (mmapio_watch_stop (w2));
          tu_assert_ok (mmapio_watch_stop (w1));
          break;
        }
      tu_assert_ok (mmapio_close (f));
    }
  atomic_store (&b.stop, 1);
  g_thread_join (t);
  g_test_message ("%lu writes, %lu callbacks, %lu reads in callbacks",
                  b.writes, atomic_load (&s.calls),
                  atomic_load (&s.reads_ok));
  g_assert_cmpuint (b.writes, >, 0);
  g_assert_cmpuint (atomic_load (&s.reads_ok), ==, atomic_load (&s.calls));
  g_assert_cmpint ((int) tu_count_entries ("/proc/self/fd"), ==, before);
  g_rand_free (rand);
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/faults/eintr/populate", test_eintr_populate);
  g_test_add_func ("/faults/eintr/flush-evict", test_eintr_flush_evict);
  g_test_add_func ("/faults/eintr/copy-file", test_eintr_copy);
  g_test_add_func ("/faults/eintr/lock", test_eintr_lock);
  g_test_add_func ("/faults/eintr/allocate-tmpfs", test_eintr_allocate);
  g_test_add_func ("/faults/close-with-flusher", test_close_with_flusher);
  g_test_add_func ("/faults/watch-teardown-burst",
                   test_watch_teardown_burst);

  return g_test_run ();
}
