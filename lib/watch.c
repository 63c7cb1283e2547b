/* watch.c — watching the file behind a handle (inotify).
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if HAVE_INOTIFY_INIT1 && HAVE_SYS_INOTIFY_H
# include <poll.h>
# include <sys/eventfd.h>
# include <sys/inotify.h>
# define WATCH_SUPPORTED 1
#else
# define WATCH_SUPPORTED 0
#endif

/* Reads of the inotify descriptor per dispatch: bounded so that a steady
 * stream of events cannot keep one dispatch call (and the event loop
 * calling it) busy forever; what is left keeps the descriptor readable.  */
#define DISPATCH_READS 16

struct mmapio_watch
{
  mmapio_file *file;
  unsigned events;              /* MMAPIO_WATCH_* asked for */
  mmapio_watch_fn fn;
  void *userdata;
  int ifd;                      /* inotify instance, non-blocking */
  int wd_file;                  /* watch on the mapped file */
  int wd_dir;                   /* watch on the name's directory, or -1 */
  char *path;                   /* a name of the file when watched, or NULL */
  const char *name;             /* its last component (inside path) */
  int stop_fd;                  /* eventfd waking the thread, or -1 */
  bool threaded;
  pthread_t thread;
  int error;                    /* first error of the thread */
  mmapio_watch *next;           /* in the registry */
};

/* mmapio_close() stops the watches its handle still has.  Running watches
 * are kept in one list for the process, searched at close; there are few
 * (each costs an inotify instance, of which a user has 128 by default).  */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static mmapio_watch *registry;

#if WATCH_SUPPORTED

/* Is PATH the file open as FD (same device and inode)?  */
static bool
same_file (const char *path, const struct stat *st)
{
  struct stat pst;
  return stat (path, &pst) == 0 && pst.st_dev == st->st_dev
         && pst.st_ino == st->st_ino;
}

/* Find a name of the mapped file: mmapio_path() when it still names the
 * mapped file (made absolute, so that a later chdir does not change what
 * it means), else the name the kernel keeps for the descriptor (a display
 * name given to mmapio_open_fd() is usually not a path).  Returns a
 * malloc'ed absolute path, or NULL when the file has no usable name
 * (removed already, or no /proc).  */
static char *
find_name (mmapio_file *f, const struct stat *st)
{
  const char *path = mmapio_path (f);
  char buf[PATH_MAX];

  if (path && *path && same_file (path, st))
    {
      if (path[0] == '/')
        return strdup (path);
      if (getcwd (buf, sizeof buf))
        {
          size_t n = strlen (buf), m = strlen (path);
          char *abs = malloc (n + m + 2);
          if (!abs)
            return NULL;
          memcpy (abs, buf, n);
          abs[n] = '/';
          memcpy (abs + n + 1, path, m + 1);
          if (same_file (abs, st))
            return abs;
          free (abs);
        }
    }

  char proc[64];
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", mmapio_fd (f));
  ssize_t n = readlink (proc, buf, sizeof buf - 1);
  if (n <= 0 || buf[0] != '/')
    return NULL;
  buf[n] = '\0';
  return same_file (buf, st) ? strdup (buf) : NULL;
}

static uint32_t
file_mask (unsigned events)
{
  uint32_t m = 0;
  if (events & MMAPIO_WATCH_MODIFY)
    m |= IN_MODIFY;
  /* A removal of the last link shows up as IN_ATTRIB (the link count
   * changes): IN_DELETE_SELF only comes once every descriptor and mapping
   * of the file is gone, which cannot happen while the handle lives.  */
  if (events & (MMAPIO_WATCH_ATTRIB | MMAPIO_WATCH_DELETE))
    m |= IN_ATTRIB | IN_DELETE_SELF;
  if (events & MMAPIO_WATCH_REPLACE)
    m |= IN_MOVE_SELF;
  return m;
}

/* Set up the inotify instance and its watches.  */
static int
watch_init (mmapio_watch *w, mmapio_file *f, unsigned events,
            mmapio_watch_fn fn, void *userdata)
{
  struct stat st;
  char proc[64];
  int r;

  w->file = f;
  w->events = events;
  w->fn = fn;
  w->userdata = userdata;
  w->ifd = w->wd_file = w->wd_dir = w->stop_fd = -1;
  w->path = NULL;
  w->name = NULL;
  w->threaded = false;
  w->error = 0;

  if (fstat (mmapio_fd (f), &st) < 0)
    return -errno;
  w->ifd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (w->ifd < 0)
    return errno == ENOSYS ? -ENOTSUP : -errno;

  /* The file is watched through its descriptor's /proc entry, which
   * always leads to the mapped inode, even when its name has been reused
   * or the handle came from mmapio_open_fd() with a display name.  */
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", mmapio_fd (f));
  w->wd_file = inotify_add_watch (w->ifd, proc, file_mask (events));
  if (w->wd_file < 0)
    {
      const char *path = mmapio_path (f);
      if (errno != ENOENT || !path || !same_file (path, &st))
        return -errno;
      w->wd_file = inotify_add_watch (w->ifd, path, file_mask (events));
      if (w->wd_file < 0)
        return -errno;
    }

  /* The directory watch sees another file take the name (rename over it,
   * or removal and re-creation) and the name going away while other links
   * keep the file alive.  */
  if (events & (MMAPIO_WATCH_REPLACE | MMAPIO_WATCH_DELETE))
    {
      w->path = find_name (f, &st);
      if (w->path)
        {
          /* Absolute: there is a slash.  */
          const char *slash = strrchr (w->path, '/');
          char *dir = slash == w->path
                      ? strdup ("/")
                      : strndup (w->path, (size_t) (slash - w->path));
          w->name = slash + 1;
          if (!dir)
            return -ENOMEM;
          w->wd_dir = inotify_add_watch (w->ifd, dir,
                                         IN_CREATE | IN_MOVED_TO | IN_DELETE
                                         | IN_MOVED_FROM | IN_ONLYDIR);
          r = w->wd_dir < 0 ? -errno : 0;
          free (dir);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

static void
watch_free (mmapio_watch *w)
{
  if (w->ifd >= 0)
    close (w->ifd);
  if (w->stop_fd >= 0)
    close (w->stop_fd);
  free (w->path);
  free (w);
}

/* Translate one inotify event.  */
static unsigned
translate (mmapio_watch *w, const struct inotify_event *ev)
{
  unsigned out = 0;
  struct stat st;

  if (ev->mask & IN_Q_OVERFLOW)
    {
      /* Events were lost: report what may have happened, and what the
       * file's state proves did.  */
      out |= MMAPIO_WATCH_MODIFY | MMAPIO_WATCH_ATTRIB;
      if (fstat (mmapio_fd (w->file), &st) == 0)
        {
          if (st.st_nlink == 0)
            out |= MMAPIO_WATCH_DELETE;
          if (w->wd_dir >= 0 && !same_file (w->path, &st))
            out |= MMAPIO_WATCH_REPLACE;
        }
      return out;
    }

  if (ev->wd == w->wd_file)
    {
      if (ev->mask & IN_MODIFY)
        out |= MMAPIO_WATCH_MODIFY;
      if (ev->mask & IN_ATTRIB)
        {
          out |= MMAPIO_WATCH_ATTRIB;
          if (fstat (mmapio_fd (w->file), &st) == 0 && st.st_nlink == 0)
            out |= MMAPIO_WATCH_DELETE;
        }
      if (ev->mask & IN_DELETE_SELF)
        out |= MMAPIO_WATCH_DELETE;
      if (ev->mask & IN_MOVE_SELF)
        out |= MMAPIO_WATCH_REPLACE;
    }
  else if (ev->wd == w->wd_dir && ev->len > 0 && w->name
           && strcmp (ev->name, w->name) == 0)
    {
      if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM))
        out |= MMAPIO_WATCH_REPLACE;
      if (ev->mask & IN_DELETE)
        {
          /* The name is gone; whether the file is too depends on its
           * other links.  */
          if (fstat (mmapio_fd (w->file), &st) == 0 && st.st_nlink == 0)
            out |= MMAPIO_WATCH_DELETE;
          else
            out |= MMAPIO_WATCH_REPLACE;
        }
    }
  return out;
}

static int
dispatch (mmapio_watch *w)
{
  /* Aligned for struct inotify_event, large enough for several events
   * with names up to NAME_MAX.  */
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  unsigned seen = 0;
  int count = 0;

  for (int i = 0; i < DISPATCH_READS; i++)
    {
      ssize_t n = read (w->ifd, buf, sizeof buf);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          if (count == 0)
            return -errno;
          break;
        }
      for (char *p = buf; p < buf + n;)
        {
          const struct inotify_event *ev = (const struct inotify_event *) p;
          seen |= translate (w, ev);
          count++;
          p += sizeof *ev + ev->len;
        }
      if ((size_t) n < sizeof buf / 2)
        break;                  /* most likely drained */
    }
  seen &= w->events;
  if (seen)
    w->fn (w->file, seen, w->userdata);
  return count;
}

static void *
watch_thread (void *arg)
{
  mmapio_watch *w = arg;
  struct pollfd pfd[2] = {
    { .fd = w->stop_fd, .events = POLLIN },
    { .fd = w->ifd, .events = POLLIN }
  };

  for (;;)
    {
      if (poll (pfd, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          w->error = -errno;
          break;
        }
      if (pfd[0].revents)
        break;
      if (pfd[1].revents & (POLLERR | POLLNVAL))
        {
          w->error = -EIO;
          break;
        }
      if (pfd[1].revents & POLLIN)
        {
          int r = dispatch (w);
          if (r < 0)
            {
              w->error = r;
              break;
            }
        }
    }
  return NULL;
}

static void
registry_add (mmapio_watch *w)
{
  pthread_mutex_lock (&registry_lock);
  w->next = registry;
  registry = w;
  pthread_mutex_unlock (&registry_lock);
}

static void
registry_remove (mmapio_watch *w)
{
  pthread_mutex_lock (&registry_lock);
  for (mmapio_watch **pp = &registry; *pp; pp = &(*pp)->next)
    if (*pp == w)
      {
        *pp = w->next;
        break;
      }
  pthread_mutex_unlock (&registry_lock);
}

/* Stop the thread, if any, and free W.  */
static int
watch_destroy (mmapio_watch *w)
{
  int r = 0;

  if (w->threaded)
    {
      uint64_t one = 1;
      /* An eventfd write only fails when the counter would overflow,
       * which one write per watch cannot cause.  */
      if (write (w->stop_fd, &one, sizeof one) < 0)
        r = -errno;
      int e = pthread_join (w->thread, NULL);
      if (e != 0 && r == 0)
        r = -e;
      if (w->error < 0 && r == 0)
        r = w->error;
    }
  watch_free (w);
  return r;
}

int
mmapio__watch_close_all (mmapio_file *f)
{
  mmapio_watch *mine = NULL;
  int r = 0;

  pthread_mutex_lock (&registry_lock);
  for (mmapio_watch **pp = &registry; *pp;)
    {
      mmapio_watch *w = *pp;
      if (w->file == f)
        {
          *pp = w->next;
          w->next = mine;
          mine = w;
        }
      else
        pp = &w->next;
    }
  pthread_mutex_unlock (&registry_lock);

  /* Joined outside the lock: a callback may be starting another watch.  */
  while (mine)
    {
      mmapio_watch *next = mine->next;
      int e = watch_destroy (mine);
      if (e < 0 && r == 0)
        r = e;
      mine = next;
    }
  return r;
}

static int
validate (unsigned events)
{
  if (events == 0 || (events & ~MMAPIO_WATCH_ALL))
    return -EINVAL;
  return 0;
}

int
mmapio_watch_open (mmapio_watch **ret, mmapio_file *f, unsigned events,
                   mmapio_watch_fn fn, void *userdata)
{
  int r = validate (events);
  if (r < 0)
    return r;
  mmapio_watch *w = malloc (sizeof *w);
  if (!w)
    return -ENOMEM;
  r = watch_init (w, f, events, fn, userdata);
  if (r < 0)
    {
      watch_free (w);
      return r;
    }
  registry_add (w);
  *ret = w;
  return 0;
}

int
mmapio_watch_start (mmapio_watch **ret, mmapio_file *f, unsigned events,
                    mmapio_watch_fn fn, void *userdata)
{
  mmapio_watch *w;
  sigset_t all, old;
  int r = mmapio_watch_open (&w, f, events, fn, userdata);
  if (r < 0)
    return r;

  w->stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->stop_fd < 0)
    {
      r = -errno;
      registry_remove (w);
      watch_free (w);
      return r;
    }

  /* The thread inherits this mask: process signals are not delivered on
   * a library thread.  Faults stay unblocked, so that a callback touching
   * a truncated mapping still reaches the SIGBUS guard (a blocked
   * synchronous fault would kill the process).  */
  sigfillset (&all);
  sigdelset (&all, SIGBUS);
  sigdelset (&all, SIGSEGV);
  sigdelset (&all, SIGFPE);
  sigdelset (&all, SIGILL);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  r = -pthread_create (&w->thread, NULL, watch_thread, w);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (r < 0)
    {
      registry_remove (w);
      watch_free (w);
      return r;
    }
  w->threaded = true;
  *ret = w;
  return 0;
}

int
mmapio_watch_fd (const mmapio_watch *w)
{
  return w->threaded ? -EINVAL : w->ifd;
}

int
mmapio_watch_dispatch (mmapio_watch *w)
{
  if (w->threaded)
    return -EINVAL;
  return dispatch (w);
}

int
mmapio_watch_stop (mmapio_watch *w)
{
  if (!w)
    return 0;
  registry_remove (w);
  return watch_destroy (w);
}

#else /* !WATCH_SUPPORTED */

int
mmapio_watch_open (mmapio_watch **ret, mmapio_file *f, unsigned events,
                   mmapio_watch_fn fn, void *userdata)
{
  (void) ret, (void) f, (void) events, (void) fn, (void) userdata;
  return -ENOTSUP;
}

int
mmapio_watch_start (mmapio_watch **ret, mmapio_file *f, unsigned events,
                    mmapio_watch_fn fn, void *userdata)
{
  (void) ret, (void) f, (void) events, (void) fn, (void) userdata;
  return -ENOTSUP;
}

int
mmapio_watch_fd (const mmapio_watch *w)
{
  (void) w;
  return -ENOTSUP;
}

int
mmapio_watch_dispatch (mmapio_watch *w)
{
  (void) w;
  return -ENOTSUP;
}

int
mmapio_watch_stop (mmapio_watch *w)
{
  (void) w;
  return 0;
}

int
mmapio__watch_close_all (mmapio_file *f)
{
  (void) f;
  return 0;
}

#endif
