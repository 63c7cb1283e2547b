/* mmtouch-crawl.c — walk the operands and queue the regular files found.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "mmtouch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

struct mt_queue mt_q = {
  .lock = PTHREAD_MUTEX_INITIALIZER,
  .more = PTHREAD_COND_INITIALIZER,
  .done = PTHREAD_COND_INITIALIZER,
};

/* The directories between an operand and the one being read, for symbolic
 * link loop detection (only filled in with -f or -F).  */
struct dir_stack
{
  dev_t dev;
  ino_t ino;
  const struct dir_stack *up;
};

bool
mt_match_any (char *const *patterns, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (fnmatch (patterns[i], name, 0) == 0)
      return true;
  return false;
}

/* Entries found by the crawl wait here and are handed to the workers a
   batch at a time, so that the lock is taken once per batch, not once per
   file.  Used by the main thread only.  */
#define PUSH_BATCH 128
static struct mt_entry *pending[PUSH_BATCH];
static size_t n_pending;

void
mt_queue_flush (void)
{
  if (n_pending == 0)
    return;
  pthread_mutex_lock (&mt_q.lock);
  if (mt_q.count + n_pending > mt_q.alloc)
    {
      size_t n = mt_q.alloc ? mt_q.alloc * 2 : 1024;
      struct mt_entry **items = realloc (mt_q.items, n * sizeof *items);
      if (items == NULL)
        {
          pthread_mutex_unlock (&mt_q.lock);
          util_error (-ENOMEM, "%s", _("cannot queue files"));
          exit (EXIT_TROUBLE);
        }
      mt_q.items = items;
      mt_q.alloc = n;
    }
  memcpy (mt_q.items + mt_q.count, pending, n_pending * sizeof *pending);
  mt_q.count += n_pending;
  n_pending = 0;
  if (mt_q.idle_workers > 0)
    pthread_cond_broadcast (&mt_q.more);
  size_t queued = mt_q.count;
  pthread_mutex_unlock (&mt_q.lock);
  mt_progress (queued);
}

void
mt_queue_push (struct mt_entry *e)
{
  pending[n_pending++] = e;
  if (n_pending == PUSH_BATCH)
    mt_queue_flush ();
}

static void *
xzalloc (size_t n)
{
  void *p = calloc (1, n);
  if (p == NULL)
    {
      util_error (-ENOMEM, "%s", _("cannot allocate memory"));
      exit (EXIT_TROUBLE);
    }
  return p;
}

static char *
xstrdup (const char *s)
{
  size_t n = strlen (s) + 1;
  return memcpy (xzalloc (n), s, n);
}

static struct mt_entry *
new_entry (const char *path, unsigned flags, const struct stat *st)
{
  struct mt_entry *e = xzalloc (sizeof *e);
  e->path = xstrdup (path);
  e->flags = flags;
  if (st != NULL)
    {
      e->flags |= MT_F_STATTED;
      e->dev = st->st_dev;
      e->ino = st->st_ino;
      e->nlink = st->st_nlink;
      e->size = (uint64_t) st->st_size;
    }
  return e;
}

/* Queue a message about PATH so that it is printed in crawl order with the
 * messages of the files around it.  */
static void
note (const char *path, bool failed, int err, const char *reason)
{
  struct mt_entry *e = new_entry (path, MT_F_NOTE | MT_F_DONE, NULL);
  if (err != 0)
    reason = mmapio_strerror (err);
  mt_set_message (e, failed, "%s: %s", path, reason);
  mt_queue_push (e);
}

/* The last component of PATH, for -i and -I ("" for "dir/").  */
static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

static bool
want_file (const char *name)
{
  if (mt_match_any (mt_opt.ignore, mt_opt.n_ignore, name))
    return false;
  if (mt_opt.n_only > 0 && !mt_match_any (mt_opt.only, mt_opt.n_only, name))
    return false;
  return true;
}

static int
open_dir (const char *path)
{
  int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY;
#if HAVE_DECL_O_NOATIME
  int fd = open (path, flags | O_NOATIME);
  if (fd >= 0 || errno != EPERM)
    return fd;
#endif
  return open (path, flags);
}

/* Directories held open for the workers, at most max_held_dirs at a time
   (a quarter of the descriptor limit); beyond that, files are opened by
   path.  */
static _Atomic unsigned held_dirs;
static unsigned max_held_dirs;

void
mt_dir_release (struct mt_dir *d)
{
  if (d != NULL && atomic_fetch_sub (&d->refs, 1) == 1)
    {
      closedir (d->dir);
      free (d);
      atomic_fetch_sub (&held_dirs, 1);
    }
}

static char *
join (const char *dir, const char *name)
{
  size_t dl = strlen (dir), nl = strlen (name);
  bool slash = dl > 0 && dir[dl - 1] != '/';
  char *p = xzalloc (dl + slash + nl + 1);
  memcpy (p, dir, dl);
  if (slash)
    p[dl] = '/';
  memcpy (p + dl + slash, name, nl + 1);
  return p;
}

static void
crawl_dir (const char *path, dev_t root_dev, const struct dir_stack *up)
{
  struct dir_stack me = { 0, 0, up };
  struct dirent *de;
  DIR *d;
  int fd = open_dir (path);
  if (fd < 0)
    {
      note (path, true, -errno, NULL);
      return;
    }
  if (mt_opt.follow || mt_opt.one_fs)
    {
      struct stat st;
      if (fstat (fd, &st) != 0)
        {
          note (path, true, -errno, NULL);
          close (fd);
          return;
        }
      if (mt_opt.one_fs && st.st_dev != root_dev)
        {
          close (fd);
          return;
        }
      for (const struct dir_stack *s = up; s != NULL; s = s->up)
        if (s->dev == st.st_dev && s->ino == st.st_ino)
          {
            /* Reached again through a symbolic link: reading it again
               would never end.  A warning, as "find -L" gives.  */
            note (path, false, 0, _("symbolic link loop, not followed"));
            close (fd);
            return;
          }
      me.dev = st.st_dev;
      me.ino = st.st_ino;
    }
  d = fdopendir (fd);
  if (d == NULL)
    {
      note (path, true, -errno, NULL);
      close (fd);
      return;
    }
  mt_q.directories++;
  if (max_held_dirs == 0)
    {
      struct rlimit rl;
      max_held_dirs = getrlimit (RLIMIT_NOFILE, &rl) == 0
                      && rl.rlim_cur != RLIM_INFINITY
                      ? (unsigned) (rl.rlim_cur / 4) : 256;
      if (max_held_dirs < 8)
        max_held_dirs = 8;
    }
  /* The crawl's own reference; released when the directory is read.  */
  struct mt_dir *held = NULL;
  if (atomic_load (&held_dirs) < max_held_dirs
      && (held = malloc (sizeof *held)) != NULL)
    {
      held->dir = d;
      atomic_init (&held->refs, 1);
      atomic_fetch_add (&held_dirs, 1);
    }

  errno = 0;
  while ((de = readdir (d)) != NULL)
    {
      const char *name = de->d_name;
      unsigned char type = de->d_type;
      struct stat st;
      bool have_st = false;

      if (name[0] == '.'
          && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
        continue;
      if (mt_match_any (mt_opt.ignore, mt_opt.n_ignore, name))
        continue;

      /* d_type saves a stat per file; stat only where it cannot tell, where
         a link is to be followed, and where the lock modes need the size
         before anything is locked.  */
      if (type == DT_UNKNOWN || (type == DT_LNK && mt_opt.follow)
          || (type == DT_REG && (mt_opt.action == MT_LOCK
                                 || mt_opt.action == MT_LOCK_ALL)))
        {
          int flags = mt_opt.follow ? 0 : AT_SYMLINK_NOFOLLOW;
          if (fstatat (dirfd (d), name, &st, flags) != 0)
            {
              int err = errno;
              char *p = join (path, name);
              if (err == ENOENT && mt_opt.follow)
                note (p, false, 0, _("dangling symbolic link, skipped"));
              else
                note (p, true, -err, NULL);
              free (p);
              continue;
            }
          have_st = true;
          type = IFTODT (st.st_mode);
        }

      if (type == DT_DIR)
        {
          char *p = join (path, name);
          crawl_dir (p, root_dev, &me);
          free (p);
        }
      else if (type == DT_REG)
        {
          if (mt_opt.n_only > 0
              && !mt_match_any (mt_opt.only, mt_opt.n_only, name))
            continue;
          char *p = join (path, name);
          struct mt_entry *e = new_entry (p, 0, have_st ? &st : NULL);
          free (p);
          if (held != NULL)
            {
              e->dir = held;
              e->name_off = strlen (e->path) - strlen (name);
              atomic_fetch_add (&held->refs, 1);
            }
          mt_queue_push (e);
        }
      /* Symbolic links not followed, devices, FIFOs and sockets found in a
         directory are not candidates: skipped without a word, as vmtouch
         does.  */
      errno = 0;
    }
  if (errno != 0)
    note (path, true, -errno, NULL);
  if (held != NULL)
    mt_dir_release (held);
  else
    closedir (d);
  /* Keep the workers fed while the crawl goes on below.  */
  mt_queue_flush ();
}

void
mt_crawl_operand (const char *path)
{
  struct stat st;

  /* Operands are followed even without -f, as "find -H" does: naming a
     link on the command line means the file it points to.  */
  if (stat (path, &st) != 0)
    {
      note (path, true, -errno, NULL);
      return;
    }
  if (S_ISDIR (st.st_mode))
    {
      /* "-i '.*'" is meant for hidden entries, not for the operand ".".  */
      const char *b = base_name (path);
      if (*b != '\0' && strcmp (b, ".") != 0 && strcmp (b, "..") != 0
          && mt_match_any (mt_opt.ignore, mt_opt.n_ignore, b))
        return;
      crawl_dir (path, st.st_dev, NULL);
    }
  else if (S_ISREG (st.st_mode))
    {
      if (!want_file (base_name (path)))
        return;
      mt_queue_push (new_entry (path, MT_F_OPERAND, &st));
    }
  else
    note (path, true, 0, _("not a regular file"));
}
