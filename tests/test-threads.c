/* test-threads.c — one handle used by many threads at once: readers,
 * writers on disjoint ranges, a flusher and a resizer.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Meant to run under --enable-sanitizers=thread as well as plain and with
 * AddressSanitizer: it is kept short (a fraction of a second of work per
 * thread, bounded in time as well as in iterations).
 */

#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "testutil.h"

#define PAGE ((uint64_t) sysconf (_SC_PAGESIZE))
/* [0, HALF) keeps the pattern; [HALF, BASE_SIZE) is split between the
 * writers; beyond BASE_SIZE the resizer grows and shrinks, and nobody
 * writes there, so it reads as zeros.  */
#define BASE_SIZE (2u << 20)
#define HALF (BASE_SIZE / 2)
#define WRITERS 2
#define READERS 3
#define REGION (HALF / WRITERS)
#define MAX_GROWTH (64 * 4096)
#define ITERATIONS 20000
#define SECONDS 1.5

struct shared
{
  mmapio_file *f;
  gint64 deadline;
  atomic_int stop;
  atomic_ulong reads, views, writes, flushes, grows, shrinks, busy;
};

static gboolean
keep_going (struct shared *s, int i)
{
  if (atomic_load (&s->stop))
    return FALSE;
  if (i >= ITERATIONS || g_get_monotonic_time () > s->deadline)
    return FALSE;
  return TRUE;
}

static void
check_zero (const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (p[i] != 0)
      g_error ("grown byte %zu is 0x%02x, not zero", i, p[i]);
}

static gpointer
reader (gpointer data)
{
  struct shared *s = data;
  GRand *rand = g_rand_new ();
  unsigned char *buf = g_malloc (64 * 1024);

  for (int i = 0; keep_going (s, i); i++)
    {
      uint64_t off = (uint64_t) g_rand_int_range (rand, 0, HALF);
      uint64_t len = (uint64_t) g_rand_int_range (rand, 0, 64 * 1024);
      if (len > HALF - off)
        len = HALF - off;
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          {
            mmapio_view v;
            tu_assert_ok (mmapio_view_get (s->f, off, len, &v));
            tu_assert_pattern (v.data, off, v.len);
            mmapio_view_release (&v);
            atomic_fetch_add (&s->views, 1);
            break;
          }
        case 1:
          tu_assert_ok (mmapio_read (s->f, off, buf, (size_t) len));
          tu_assert_pattern (buf, off, (size_t) len);
          atomic_fetch_add (&s->reads, 1);
          break;
        case 2:
          {
            /* The grown part, if any: it may shrink under our feet, in
             * which case the view is refused, never torn.  */
            mmapio_view v;
            uint64_t glen = (uint64_t) g_rand_int_range (rand, 1, 8192);
            int r = mmapio_view_get (s->f, BASE_SIZE, glen, &v);
            if (r == MMAPIO_E_BOUNDS)
              break;
            tu_assert_ok (r);
            check_zero (v.data, v.len);
            mmapio_view_release (&v);
            atomic_fetch_add (&s->views, 1);
            break;
          }
        default:
          {
            uint64_t glen = (uint64_t) g_rand_int_range (rand, 1, 8192);
            int r = mmapio_read (s->f, BASE_SIZE, buf, (size_t) glen);
            if (r == MMAPIO_E_BOUNDS)
              break;
            tu_assert_ok (r);
            check_zero (buf, (size_t) glen);
            atomic_fetch_add (&s->reads, 1);
            break;
          }
        }
    }
  g_free (buf);
  g_rand_free (rand);
  return NULL;
}

struct writer_job
{
  struct shared *s;
  uint64_t start;          /* region [start, start + REGION) */
  unsigned char *shadow;   /* what the region must hold */
};

static gpointer
writer (gpointer data)
{
  struct writer_job *j = data;
  struct shared *s = j->s;
  GRand *rand = g_rand_new ();
  unsigned char buf[8192], back[8192];

  for (int i = 0; keep_going (s, i); i++)
    {
      uint64_t len = (uint64_t) g_rand_int_range (rand, 1, sizeof buf);
      uint64_t off = (uint64_t) g_rand_int_range (rand, 0,
                                                  (gint32) (REGION - len));
      memset (buf, (int) (i & 0xff), (size_t) len);
      buf[0] = (unsigned char) g_rand_int (rand);
      if (i % 3 == 0)
        {
          mmapio_view_mut m;
          tu_assert_ok (mmapio_view_get_mut (s->f, j->start + off, len, &m));
          memcpy (m.data, buf, (size_t) len);
          mmapio_view_mut_release (&m);
        }
      else
        tu_assert_ok (mmapio_write (s->f, j->start + off, buf, (size_t) len));
      memcpy (j->shadow + off, buf, (size_t) len);
      /* Only this thread writes here: it reads back exactly its bytes.  */
      tu_assert_ok (mmapio_read (s->f, j->start + off, back, (size_t) len));
      g_assert_cmpmem (back, len, buf, len);
      atomic_fetch_add (&s->writes, 1);
    }
  g_rand_free (rand);
  return NULL;
}

static gpointer
flusher (gpointer data)
{
  struct shared *s = data;
  GRand *rand = g_rand_new ();

  for (int i = 0; keep_going (s, i); i++)
    {
      uint64_t off = (uint64_t) g_rand_int_range (rand, 0, BASE_SIZE);
      uint64_t len = (uint64_t) g_rand_int_range (rand, 0, 256 * 1024);
      if (len > BASE_SIZE - off)
        len = BASE_SIZE - off;
      switch (i % 4)
        {
        case 0:
          tu_assert_ok (mmapio_flush (s->f));
          break;
        case 1:
          tu_assert_ok (mmapio_flush_range (s->f, off, len));
          break;
        case 2:
          tu_assert_ok (mmapio_flush_range_async (s->f, off, len));
          break;
        default:
          (void) mmapio_pending (s->f);
          tu_assert_ok (mmapio_flush_async (s->f));
          break;
        }
      atomic_fetch_add (&s->flushes, 1);
      g_usleep (500);
    }
  g_rand_free (rand);
  return NULL;
}

static gpointer
resizer (gpointer data)
{
  struct shared *s = data;
  GRand *rand = g_rand_new ();

  for (int i = 0; keep_going (s, i); i++)
    {
      /* Only this thread resizes, so the size it reads is current.  A
       * refused shrink leaves the file grown: grow from there, within a
       * bound.  */
      uint64_t cur = mmapio_size (s->f);
      g_assert_cmpuint (cur, >=, BASE_SIZE);
      if (cur < BASE_SIZE + 4 * MAX_GROWTH)
        {
          uint64_t grow = cur + (uint64_t) g_rand_int_range (rand, 1,
                                                             MAX_GROWTH);
          tu_assert_ok (mmapio_resize (s->f, grow));
          g_assert_cmpuint (mmapio_size (s->f), ==, grow);
          atomic_fetch_add (&s->grows, 1);
        }
      int r = mmapio_resize (s->f, BASE_SIZE);
      if (r == -EBUSY)
        atomic_fetch_add (&s->busy, 1);
      else
        {
          tu_assert_ok (r);
          atomic_fetch_add (&s->shrinks, 1);
        }
      g_usleep (200);
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_stress (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", BASE_SIZE);
  struct shared s;
  struct writer_job jobs[WRITERS];
  GThread *threads[READERS + WRITERS + 2];
  int n = 0;

  memset (&s, 0, sizeof s);
  tu_assert_ok (mmapio_open (&s.f, path, MMAPIO_RDWR, 0));
  /* The background flusher joins in.  */
  tu_assert_ok (mmapio_set_flush_policy (s.f, MMAPIO_FLUSH_EVERY_MILLIS, 5));
  s.deadline = g_get_monotonic_time () + (gint64) (SECONDS * G_USEC_PER_SEC);

  for (int i = 0; i < WRITERS; i++)
    {
      jobs[i].s = &s;
      jobs[i].start = HALF + (uint64_t) i * REGION;
      jobs[i].shadow = g_malloc (REGION);
      for (size_t k = 0; k < REGION; k++)
        jobs[i].shadow[k] = tu_byte (jobs[i].start + k);
      threads[n++] = g_thread_new ("writer", writer, &jobs[i]);
    }
  for (int i = 0; i < READERS; i++)
    threads[n++] = g_thread_new ("reader", reader, &s);
  threads[n++] = g_thread_new ("flusher", flusher, &s);
  threads[n++] = g_thread_new ("resizer", resizer, &s);
  for (int i = 0; i < n; i++)
    g_thread_join (threads[i]);

  g_test_message ("reads %lu, views %lu, writes %lu, flushes %lu, "
                  "grows %lu, shrinks %lu, refused shrinks %lu",
                  atomic_load (&s.reads), atomic_load (&s.views),
                  atomic_load (&s.writes), atomic_load (&s.flushes),
                  atomic_load (&s.grows), atomic_load (&s.shrinks),
                  atomic_load (&s.busy));
  g_assert_cmpuint (atomic_load (&s.writes), >, 0);
  g_assert_cmpuint (atomic_load (&s.reads) + atomic_load (&s.views), >, 0);

  /* Every view was released: a shrink now goes through.  */
  tu_assert_ok (mmapio_resize (s.f, BASE_SIZE));
  tu_assert_ok (mmapio_flush (s.f));
  g_assert_cmpuint (mmapio_pending (s.f), ==, 0);
  tu_assert_ok (mmapio_close (s.f));

  /* The file holds the pattern and exactly the writers' last bytes.  */
  g_assert_cmpuint (tu_file_size (path), ==, BASE_SIZE);
  unsigned char *back = g_malloc (HALF);
  tu_pread (path, 0, back, HALF);
  tu_assert_pattern (back, 0, HALF);
  for (int i = 0; i < WRITERS; i++)
    {
      tu_pread (path, jobs[i].start, back, REGION);
      g_assert_cmpmem (back, REGION, jobs[i].shadow, REGION);
      g_free (jobs[i].shadow);
    }
  g_free (back);
  tu_tmpdir_free (dir);
  g_free (path);
}

/* Views taken in one thread and released in another, while a third keeps
 * trying to shrink: the accounting must balance.  The hand-off queue uses
 * pthreads directly so that ThreadSanitizer sees its synchronisation.  */
#define HANDOFFS 2000
#define SLOTS 16

struct handoff
{
  mmapio_file *f;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  mmapio_view slots[SLOTS];
  unsigned head, tail;  /* taken views in [tail, head) */
  atomic_int done;
};

static gpointer
taker (gpointer data)
{
  struct handoff *h = data;
  for (int i = 0; i < HANDOFFS; i++)
    {
      mmapio_view v;
      tu_assert_ok (mmapio_view_get (h->f, (uint64_t) i, 100, &v));
      pthread_mutex_lock (&h->lock);
      while (h->head - h->tail == SLOTS)
        pthread_cond_wait (&h->cond, &h->lock);
      h->slots[h->head++ % SLOTS] = v;
      pthread_cond_broadcast (&h->cond);
      pthread_mutex_unlock (&h->lock);
    }
  return NULL;
}

static gpointer
releaser (gpointer data)
{
  struct handoff *h = data;
  for (int i = 0; i < HANDOFFS; i++)
    {
      pthread_mutex_lock (&h->lock);
      while (h->head == h->tail)
        pthread_cond_wait (&h->cond, &h->lock);
      mmapio_view v = h->slots[h->tail++ % SLOTS];
      pthread_cond_broadcast (&h->cond);
      pthread_mutex_unlock (&h->lock);
      tu_assert_pattern (v.data, (uint64_t) i, 100);
      mmapio_view_release (&v);
    }
  atomic_store (&h->done, 1);
  return NULL;
}

static void
test_view_handoff (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 64 * 1024);
  struct handoff h;

  memset (&h, 0, sizeof h);
  atomic_init (&h.done, 0);
  pthread_mutex_init (&h.lock, NULL);
  pthread_cond_init (&h.cond, NULL);
  tu_assert_ok (mmapio_open (&h.f, path, MMAPIO_RDWR, 0));
  GThread *t1 = g_thread_new ("taker", taker, &h);
  GThread *t2 = g_thread_new ("releaser", releaser, &h);
  /* Meanwhile shrink and regrow the tail, which no view covers: each
   * shrink goes through or is refused, and neither disturbs the views.  */
  while (!atomic_load (&h.done))
    {
      int r = mmapio_resize (h.f, 60 * 1024);
      g_assert_true (r == 0 || r == -EBUSY);
      tu_assert_ok (mmapio_resize (h.f, 64 * 1024));
    }
  g_thread_join (t1);
  g_thread_join (t2);
  /* Every view was released exactly once: nothing blocks a shrink.  */
  tu_assert_ok (mmapio_resize (h.f, 4096));
  tu_assert_ok (mmapio_close (h.f));
  pthread_cond_destroy (&h.cond);
  pthread_mutex_destroy (&h.lock);
  tu_tmpdir_free (dir);
  g_free (path);
}

/* Calls in progress on other threads (reads here, and the background
 * flusher) delay a shrink but never make it fail: only live views do.  */
struct busy_reader
{
  mmapio_file *f;
  atomic_int stop;
  atomic_ulong reads;
};

static gpointer
busy_reader_main (gpointer data)
{
  struct busy_reader *b = data;
  unsigned char buf[4096];
  while (!atomic_load (&b->stop))
    {
      tu_assert_ok (mmapio_read (b->f, 0, buf, sizeof buf));
      tu_assert_pattern (buf, 0, sizeof buf);
      atomic_fetch_add (&b->reads, 1);
    }
  return NULL;
}

static void
test_shrink_waits_for_calls (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "f", 64 * 1024);
  struct busy_reader b;
  GThread *t[2];

  b.f = NULL;
  atomic_init (&b.stop, 0);
  atomic_init (&b.reads, 0);
  tu_assert_ok (mmapio_open (&b.f, path, MMAPIO_RDWR, 0));
  tu_assert_ok (mmapio_set_flush_policy (b.f, MMAPIO_FLUSH_EVERY_MILLIS, 1));
  for (int i = 0; i < 2; i++)
    t[i] = g_thread_new ("reader", busy_reader_main, &b);
  for (int i = 0; i < 300; i++)
    {
      tu_assert_ok (mmapio_write (b.f, 40 * 1024, "x", 1));
      tu_assert_ok (mmapio_resize (b.f, 32 * 1024));
      tu_assert_ok (mmapio_resize (b.f, 64 * 1024));
    }
  atomic_store (&b.stop, 1);
  for (int i = 0; i < 2; i++)
    g_thread_join (t[i]);
  g_test_message ("%lu concurrent reads", atomic_load (&b.reads));
  tu_assert_ok (mmapio_close (b.f));
  tu_tmpdir_free (dir);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/threads/stress", test_stress);
  g_test_add_func ("/threads/view-handoff", test_view_handoff);
  g_test_add_func ("/threads/shrink-waits-for-calls",
                   test_shrink_waits_for_calls);

  return g_test_run ();
}
