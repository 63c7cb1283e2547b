/* test-watch.c — watching the file behind a handle.
 * SPDX-License-Identifier: LGPL-2.1-or-later */

#include <config.h>

#include <dirent.h>
#include <stdatomic.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <sys/wait.h>

#include "testutil.h"

/* How long an expected event may take to arrive, and how long we wait to
 * be reasonably sure an unexpected one does not.  */
#define EVENT_TIMEOUT_US (5 * G_TIME_SPAN_SECOND)
#define QUIET_US (200 * G_TIME_SPAN_MILLISECOND)

/* Events gathered by the callback.  POSIX locks rather than GLib's, which
 * ThreadSanitizer cannot see through.  */
struct rec
{
  pthread_mutex_t lock;
  pthread_cond_t cond;
  unsigned events;
  unsigned calls;
  mmapio_file *file;     /* the handle the callback must receive */
  gboolean wrong_file;
};

static void
rec_init (struct rec *r, mmapio_file *f)
{
  pthread_condattr_t ca;
  pthread_condattr_init (&ca);
  pthread_condattr_setclock (&ca, CLOCK_MONOTONIC);
  pthread_mutex_init (&r->lock, NULL);
  pthread_cond_init (&r->cond, &ca);
  pthread_condattr_destroy (&ca);
  r->events = 0;
  r->calls = 0;
  r->file = f;
  r->wrong_file = FALSE;
}

static void
rec_clear (struct rec *r)
{
  pthread_mutex_destroy (&r->lock);
  pthread_cond_destroy (&r->cond);
}

static void
on_event (mmapio_file *f, unsigned events, void *userdata)
{
  struct rec *r = userdata;
  pthread_mutex_lock (&r->lock);
  if (f != r->file)
    r->wrong_file = TRUE;
  r->events |= events;
  r->calls++;
  pthread_cond_broadcast (&r->cond);
  pthread_mutex_unlock (&r->lock);
}

/* Wait until every event in MASK was seen (or TIMEOUT passed); returns
 * the events seen so far and forgets them.  */
static unsigned
rec_wait (struct rec *r, unsigned mask, gint64 timeout)
{
  struct timespec end;
  clock_gettime (CLOCK_MONOTONIC, &end);
  end.tv_sec += timeout / G_TIME_SPAN_SECOND;
  end.tv_nsec += (long) (timeout % G_TIME_SPAN_SECOND) * 1000;
  if (end.tv_nsec >= 1000000000)
    {
      end.tv_sec++;
      end.tv_nsec -= 1000000000;
    }
  pthread_mutex_lock (&r->lock);
  while ((r->events & mask) != mask)
    if (pthread_cond_timedwait (&r->cond, &r->lock, &end) != 0)
      break;
  unsigned seen = r->events;
  gboolean wrong = r->wrong_file;
  r->events = 0;
  pthread_mutex_unlock (&r->lock);
  g_assert_false (wrong);
  return seen;
}

static void
append_through_other_fd (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, text, strlen (text), 0), ==,
                   (gssize) strlen (text));
  close (fd);
}

/* A watched handle on a fresh pattern file.  */
struct fixture
{
  char *dir;
  char *path;
  mmapio_file *f;
  mmapio_watch *w;
  struct rec rec;
};

static void
fixture_start (struct fixture *x, unsigned events)
{
  x->dir = tu_tmpdir ();
  x->path = tu_pattern_file (x->dir, "watched", 8192);
  tu_assert_ok (mmapio_open (&x->f, x->path, MMAPIO_RDONLY, 0));
  rec_init (&x->rec, x->f);
  tu_assert_ok (mmapio_watch_start (&x->w, x->f, events, on_event,
                                    &x->rec));
}

static void
fixture_stop (struct fixture *x)
{
  tu_assert_ok (mmapio_watch_stop (x->w));
  tu_assert_ok (mmapio_close (x->f));
  rec_clear (&x->rec);
  g_free (x->path);
  tu_tmpdir_free (x->dir);
}

static void
test_modify_write (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  append_through_other_fd (x.path, "changed");
  unsigned seen = rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US);
  g_assert_cmpuint (seen & MMAPIO_WATCH_MODIFY, ==, MMAPIO_WATCH_MODIFY);
  g_assert_cmpuint (seen & MMAPIO_WATCH_DELETE, ==, 0);
  /* The mapping shows the change (shared page cache).  */
  char buf[7];
  tu_assert_ok (mmapio_read (x.f, 0, buf, sizeof buf));
  g_assert_cmpmem (buf, 7, "changed", 7);
  fixture_stop (&x);
}

static void
test_modify_child (void)
{
  struct fixture x;
  int status;
  fixture_start (&x, MMAPIO_WATCH_MODIFY);

  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd = open (x.path, O_WRONLY | O_CLOEXEC);
      _exit (fd >= 0 && pwrite (fd, "child", 5, 100) == 5 ? 0 : 1);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_MODIFY);
  fixture_stop (&x);
}

static void
test_truncate_is_modify (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_MODIFY);
  g_assert_cmpint (truncate (x.path, 4096), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_MODIFY);
  fixture_stop (&x);
}

static void
test_attrib (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  g_assert_cmpint (chmod (x.path, 0600), ==, 0);
  unsigned seen = rec_wait (&x.rec, MMAPIO_WATCH_ATTRIB, EVENT_TIMEOUT_US);
  g_assert_cmpuint (seen, ==, MMAPIO_WATCH_ATTRIB);
  fixture_stop (&x);
}

static void
test_delete (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  g_assert_cmpint (unlink (x.path), ==, 0);
  unsigned seen = rec_wait (&x.rec, MMAPIO_WATCH_DELETE, EVENT_TIMEOUT_US);
  g_assert_cmpuint (seen & MMAPIO_WATCH_DELETE, ==, MMAPIO_WATCH_DELETE);
  /* The link count changed: that is an attribute change as well.  */
  g_assert_cmpuint (seen & MMAPIO_WATCH_ATTRIB, ==, MMAPIO_WATCH_ATTRIB);
  fixture_stop (&x);
}

static void
test_delete_only (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_DELETE);
  g_assert_cmpint (chmod (x.path, 0600), ==, 0);
  /* Attribute changes are not asked for and not reported.  */
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_DELETE, QUIET_US), ==, 0);
  g_assert_cmpint (unlink (x.path), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_DELETE, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_DELETE);
  fixture_stop (&x);
}

static void
test_unlink_other_link (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_DELETE | MMAPIO_WATCH_REPLACE);
  char *other = g_build_filename (x.dir, "other-link", NULL);
  g_assert_cmpint (link (x.path, other), ==, 0);
  g_assert_cmpint (unlink (x.path), ==, 0);
  /* The name is gone but the file lives on under its other name.  */
  unsigned seen = rec_wait (&x.rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US);
  g_assert_cmpuint (seen, ==, MMAPIO_WATCH_REPLACE);
  g_free (other);
  fixture_stop (&x);
}

static void
test_replace_rename_over (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_REPLACE);
  char *newer = tu_pattern_file (x.dir, "newer", 100);
  g_assert_cmpint (rename (newer, x.path), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_REPLACE);
  /* The handle still maps the old file.  */
  g_assert_cmpuint (mmapio_size (x.f), ==, 8192);
  g_free (newer);
  fixture_stop (&x);
}

static void
test_replace_recreate (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  g_assert_cmpint (unlink (x.path), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_DELETE, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_DELETE, ==, MMAPIO_WATCH_DELETE);
  char *again = tu_pattern_file (x.dir, "watched", 10);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_REPLACE, ==, MMAPIO_WATCH_REPLACE);
  /* Writes to the new file under the old name are not this file's.  */
  append_through_other_fd (again, "x");
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, QUIET_US)
                    & MMAPIO_WATCH_MODIFY, ==, 0);
  g_free (again);
  fixture_stop (&x);
}

static void
test_rename_away (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  char *moved = g_build_filename (x.dir, "moved", NULL);
  g_assert_cmpint (rename (x.path, moved), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_REPLACE, ==, MMAPIO_WATCH_REPLACE);
  /* The file is still watched under its new name.  */
  append_through_other_fd (moved, "y");
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_MODIFY, ==, MMAPIO_WATCH_MODIFY);
  g_free (moved);
  fixture_stop (&x);
}

static void
test_filter (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_MODIFY);
  g_assert_cmpint (chmod (x.path, 0600), ==, 0);
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_ATTRIB, QUIET_US), ==, 0);
  append_through_other_fd (x.path, "z");
  g_assert_cmpuint (rec_wait (&x.rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_MODIFY);
  fixture_stop (&x);
}

static void
test_dispatch (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  mmapio_file *f;
  mmapio_watch *w;
  struct rec rec;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  rec_init (&rec, f);
  tu_assert_ok (mmapio_watch_open (&w, f, MMAPIO_WATCH_ALL, on_event, &rec));
  int fd = mmapio_watch_fd (w);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, FD_CLOEXEC);

  struct pollfd p = { .fd = fd, .events = POLLIN };
  g_assert_cmpint (poll (&p, 1, 0), ==, 0);
  g_assert_cmpint (mmapio_watch_dispatch (w), ==, 0);
  g_assert_cmpuint (rec.calls, ==, 0);

  append_through_other_fd (path, "abc");
  g_assert_cmpint (chmod (path, 0600), ==, 0);
  g_assert_cmpint (poll (&p, 1, 5000), ==, 1);
  g_assert_cmpint (mmapio_watch_dispatch (w), >=, 2);
  /* One call with the union of what was read.  */
  g_assert_cmpuint (rec.calls, ==, 1);
  g_assert_cmpuint (rec.events, ==,
                    MMAPIO_WATCH_MODIFY | MMAPIO_WATCH_ATTRIB);
  g_assert_cmpint (mmapio_watch_dispatch (w), ==, 0);
  g_assert_cmpuint (rec.calls, ==, 1);

  /* The library's own writes go through the mapping, which inotify does
   * not see; write(2) on the handle's descriptor is seen.  */
  g_assert_cmpint (pwrite (mmapio_fd (f), "d", 1, 0), ==, 1);
  g_assert_cmpint (poll (&p, 1, 5000), ==, 1);
  g_assert_cmpint (mmapio_watch_dispatch (w), >=, 1);
  g_assert_cmpuint (rec.calls, ==, 2);

  tu_assert_ok (mmapio_watch_stop (w));
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_threaded_has_no_fd (void)
{
  struct fixture x;
  fixture_start (&x, MMAPIO_WATCH_ALL);
  g_assert_cmpint (mmapio_watch_fd (x.w), ==, -EINVAL);
  g_assert_cmpint (mmapio_watch_dispatch (x.w), ==, -EINVAL);
  fixture_stop (&x);
}

static void
test_errors (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  mmapio_file *f;
  mmapio_watch *w = NULL;
  struct rec rec;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  rec_init (&rec, f);
  g_assert_cmpint (mmapio_watch_start (&w, f, 0, on_event, &rec), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_watch_open (&w, f, 0, on_event, &rec), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_watch_start (&w, f, 1u << 4, on_event, &rec), ==,
                   -EINVAL);
  g_assert_cmpint (mmapio_watch_open (&w, f, MMAPIO_WATCH_ALL | 1u << 31,
                                      on_event, &rec), ==, -EINVAL);
  g_assert_null (w);
  tu_assert_ok (mmapio_watch_stop (NULL));
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (path);
  tu_tmpdir_free (dir);
}

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  int n = 0;
  g_assert_nonnull (d);
  while (readdir (d))
    n++;
  closedir (d);
  return n;
}

/* Writes to a file as fast as it can until told to stop.  */
struct writer
{
  const char *path;
  atomic_int stop;
  unsigned long writes;
};

static gpointer
writer_thread (gpointer data)
{
  struct writer *wr = data;
  int fd = open (wr->path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  while (!atomic_load (&wr->stop))
    {
      g_assert_cmpint (pwrite (fd, "b", 1, (off_t) (wr->writes % 4096)), ==,
                       1);
      if (wr->writes % 64 == 0)
        g_assert_cmpint (fchmod (fd, wr->writes % 128 ? 0644 : 0600), ==, 0);
      wr->writes++;
    }
  close (fd);
  return NULL;
}

static void
test_stop_during_burst (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 8192);
  mmapio_file *f;
  struct rec rec;
  struct writer wr = { path, 0, 0 };

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  rec_init (&rec, f);
  int before = count_fds ();
  GThread *t = g_thread_new ("writer", writer_thread, &wr);

  for (int i = 0; i < 50; i++)
    {
      mmapio_watch *w;
      tu_assert_ok (mmapio_watch_start (&w, f, MMAPIO_WATCH_ALL, on_event,
                                        &rec));
      if (i % 5 == 0)
        {
          /* Stop only after events have flowed.  */
          g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_MODIFY,
                                      EVENT_TIMEOUT_US)
                            & MMAPIO_WATCH_MODIFY, ==, MMAPIO_WATCH_MODIFY);
        }
      tu_assert_ok (mmapio_watch_stop (w));
      /* Dispatch mode too, with events left unread at the stop.  */
      tu_assert_ok (mmapio_watch_open (&w, f, MMAPIO_WATCH_ALL, on_event,
                                       &rec));
      if (i % 2)
        g_assert_cmpint (mmapio_watch_dispatch (w), >=, 0);
      tu_assert_ok (mmapio_watch_stop (w));
    }
  atomic_store (&wr.stop, 1);
  g_thread_join (t);
  g_assert_cmpuint (wr.writes, >, 0);
  /* After the stop nothing calls back any more.  */
  pthread_mutex_lock (&rec.lock);
  unsigned calls = rec.calls;
  pthread_mutex_unlock (&rec.lock);
  append_through_other_fd (path, "late");
  g_usleep (QUIET_US);
  pthread_mutex_lock (&rec.lock);
  unsigned later = rec.calls;
  pthread_mutex_unlock (&rec.lock);
  g_assert_cmpuint (later, ==, calls);

  g_assert_cmpint (count_fds (), ==, before);
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_open_fd_display_name (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  mmapio_file *f;
  mmapio_watch *w;
  struct rec rec;

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  tu_assert_ok (mmapio_open_fd (&f, fd, "standard input", MMAPIO_RDONLY, 0));
  close (fd);
  rec_init (&rec, f);
  /* The display name is not a path: the file is found through its
   * descriptor, its name through the kernel's record of it.  */
  tu_assert_ok (mmapio_watch_start (&w, f, MMAPIO_WATCH_ALL, on_event, &rec));
  append_through_other_fd (path, "m");
  g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_MODIFY, ==, MMAPIO_WATCH_MODIFY);
  char *newer = tu_pattern_file (dir, "newer", 10);
  g_assert_cmpint (rename (newer, path), ==, 0);
  g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_REPLACE, ==, MMAPIO_WATCH_REPLACE);
  tu_assert_ok (mmapio_watch_stop (w));
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (newer);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_removed_before_watch (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  mmapio_file *f;
  mmapio_watch *w;
  struct rec rec;

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDWR, 0));
  int other = open (path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (other, >=, 0);
  g_assert_cmpint (unlink (path), ==, 0);
  rec_init (&rec, f);
  /* No name is left, yet changes to the file are seen.  */
  tu_assert_ok (mmapio_watch_start (&w, f, MMAPIO_WATCH_ALL, on_event, &rec));
  g_assert_cmpint (pwrite (other, "q", 1, 0), ==, 1);
  g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_MODIFY, EVENT_TIMEOUT_US)
                    & MMAPIO_WATCH_MODIFY, ==, MMAPIO_WATCH_MODIFY);
  /* A new file under the old name is not it.  */
  char *again = tu_pattern_file (dir, "watched", 10);
  append_through_other_fd (again, "r");
  g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_ALL, QUIET_US), ==, 0);
  close (other);
  tu_assert_ok (mmapio_watch_stop (w));
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (again);
  g_free (path);
  tu_tmpdir_free (dir);
}

static void
test_relative_path_after_chdir (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  char *cwd = g_get_current_dir ();
  mmapio_file *f;
  mmapio_watch *w;
  struct rec rec;

  g_assert_cmpint (chdir (dir), ==, 0);
  tu_assert_ok (mmapio_open (&f, "watched", MMAPIO_RDONLY, 0));
  g_assert_cmpint (chdir (cwd), ==, 0);
  rec_init (&rec, f);
  tu_assert_ok (mmapio_watch_start (&w, f, MMAPIO_WATCH_REPLACE, on_event,
                                    &rec));
  char *newer = tu_pattern_file (dir, "newer", 10);
  g_assert_cmpint (rename (newer, path), ==, 0);
  g_assert_cmpuint (rec_wait (&rec, MMAPIO_WATCH_REPLACE, EVENT_TIMEOUT_US),
                    ==, MMAPIO_WATCH_REPLACE);
  tu_assert_ok (mmapio_watch_stop (w));
  tu_assert_ok (mmapio_close (f));
  rec_clear (&rec);
  g_free (newer);
  g_free (cwd);
  g_free (path);
  tu_tmpdir_free (dir);
}

/* mmapio_close stops and frees the watches the handle still has: their
 * descriptors and threads are gone, and the callback never runs again.  */
static void
test_close_stops_watches (void)
{
  char *dir = tu_tmpdir ();
  char *path = tu_pattern_file (dir, "watched", 100);
  mmapio_file *f;
  mmapio_watch *threaded, *polled;
  struct rec rec;
  int before = count_fds ();

  tu_assert_ok (mmapio_open (&f, path, MMAPIO_RDONLY, 0));
  rec_init (&rec, f);
  tu_assert_ok (mmapio_watch_start (&threaded, f, MMAPIO_WATCH_ALL, on_event,
                                    &rec));
  tu_assert_ok (mmapio_watch_open (&polled, f, MMAPIO_WATCH_ALL, on_event,
                                   &rec));
  g_assert_cmpint (count_fds (), >, before);
  tu_assert_ok (mmapio_close (f));
  g_assert_cmpint (count_fds (), ==, before);

  pthread_mutex_lock (&rec.lock);
  unsigned calls = rec.calls;
  pthread_mutex_unlock (&rec.lock);
  append_through_other_fd (path, "after close");
  g_usleep (QUIET_US);
  pthread_mutex_lock (&rec.lock);
  g_assert_cmpuint (rec.calls, ==, calls);
  pthread_mutex_unlock (&rec.lock);

  rec_clear (&rec);
  g_free (path);
  tu_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/watch/modify-by-write", test_modify_write);
  g_test_add_func ("/watch/modify-by-child-process", test_modify_child);
  g_test_add_func ("/watch/truncate-is-modify", test_truncate_is_modify);
  g_test_add_func ("/watch/chmod-is-attrib", test_attrib);
  g_test_add_func ("/watch/unlink-is-delete", test_delete);
  g_test_add_func ("/watch/delete-only", test_delete_only);
  g_test_add_func ("/watch/unlink-one-of-two-links",
                   test_unlink_other_link);
  g_test_add_func ("/watch/rename-over-is-replace", test_replace_rename_over);
  g_test_add_func ("/watch/recreate-is-replace", test_replace_recreate);
  g_test_add_func ("/watch/rename-away-is-replace", test_rename_away);
  g_test_add_func ("/watch/only-asked-events", test_filter);
  g_test_add_func ("/watch/dispatch-with-poll", test_dispatch);
  g_test_add_func ("/watch/threaded-has-no-fd", test_threaded_has_no_fd);
  g_test_add_func ("/watch/errors", test_errors);
  g_test_add_func ("/watch/stop-during-burst", test_stop_during_burst);
  g_test_add_func ("/watch/open-fd-display-name", test_open_fd_display_name);
  g_test_add_func ("/watch/removed-before-watch", test_removed_before_watch);
  g_test_add_func ("/watch/relative-path-after-chdir",
                   test_relative_path_after_chdir);
  g_test_add_func ("/watch/close-stops-watches", test_close_stops_watches);
  return g_test_run ();
}
