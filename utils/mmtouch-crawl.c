/* mmtouch-crawl.c — walk the operands and queue the regular files found.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "mmtouch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
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

void
mt_queue_push (struct mt_entry *e)
{
  pthread_mutex_lock (&mt_q.lock);
  if (mt_q.count == mt_q.alloc)
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
  mt_q.items[mt_q.count++] = e;
  pthread_cond_signal (&mt_q.more);
  pthread_mutex_unlock (&mt_q.lock);
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
          mt_queue_push (e);
        }
      /* Symbolic links not followed, devices, FIFOs and sockets found in a
         directory are not candidates: skipped without a word, as vmtouch
         does.  */
      errno = 0;
    }
  if (errno != 0)
    note (path, true, -errno, NULL);
  closedir (d);
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
      const char *b = base_name (path);
      if (*b != '\0' && mt_match_any (mt_opt.ignore, mt_opt.n_ignore, b))
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
