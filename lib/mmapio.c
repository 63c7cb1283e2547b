/* mmapio.c — opening, closing, properties and resizing of mapped files.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

/* Filesystems whose regular files report a size that has nothing to do
 * with their contents and cannot be mapped meaningfully.  */
#define PROC_SUPER_MAGIC_ 0x9fa0
#define SYSFS_MAGIC_ 0x62656572
#define DEBUGFS_MAGIC_ 0x64626720
#define TRACEFS_MAGIC_ 0x74726163
#define CGROUP_SUPER_MAGIC_ 0x27e0eb
#define CGROUP2_SUPER_MAGIC_ 0x63677270

size_t mmapio__page_size = 4096;
unsigned mmapio__page_shift = 12;

/* The page size is read once, when the library is loaded, so that the
 * hot paths can use it without synchronisation.  */
__attribute__ ((constructor)) static void
init_page_size (void)
{
  long ps = sysconf (_SC_PAGESIZE);
  size_t p = ps > 0 ? (size_t) ps : 4096;
  unsigned shift = 0;
  while (((size_t) 1 << shift) < p)
    shift++;
  mmapio__page_shift = shift;
  mmapio__page_size = p;
}

size_t
mmapio__pagesize (void)
{
  return mmapio__page_size;
}

bool
mmapio__widen (const mmapio_file *f, uint64_t off, uint64_t len,
               uint64_t *ret_start, uint64_t *ret_len)
{
  uint64_t size = mmapio__size (f);
  if (!mmapio__in_bounds (off, len, size))
    return false;
  uint64_t start = mmapio__page_down (off);
  uint64_t end = len == 0 ? start : mmapio__page_up (off + len);
  *ret_start = start;
  *ret_len = end - start;
  return true;
}

void
mmapio__enter_slow (mmapio_file *f, unsigned long weight)
{
  /* A shrink or move is in progress: step aside until it is done.  The
   * resize holds resize_lock for its whole duration, so taking the lock is
   * the wait.  */
  while (atomic_load_explicit (&f->exclusive, memory_order_seq_cst))
    {
      atomic_fetch_sub_explicit (&f->users, weight, memory_order_seq_cst);
      pthread_mutex_lock (&f->resize_lock);
      pthread_mutex_unlock (&f->resize_lock);
      atomic_fetch_add_explicit (&f->users, weight, memory_order_seq_cst);
    }
}


/* Called with resize_lock held and 'exclusive' raised: wait for the calls
 * in progress in other threads to finish (new ones wait in
 * mmapio__enter_slow) and tell whether the mapping is then free, with no
 * call in it and no live view.  A call in progress that never finishes
 * (a resize made from inside a mmapio_foreach_chunk callback on the same
 * handle) ends the wait after a second.  */
static bool
wait_for_calls (mmapio_file *f)
{
  struct timespec deadline, now;
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += 1;
  for (unsigned i = 0;; i++)
    {
      unsigned long u = atomic_load_explicit (&f->users,
                                              memory_order_seq_cst);
      if (u % MMAPIO_VIEW_UNIT == 0)
        return u == 0;
      if (i < 64)
        {
          sched_yield ();
          continue;
        }
      clock_gettime (CLOCK_MONOTONIC, &now);
      if (now.tv_sec > deadline.tv_sec
          || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
        return false;
      struct timespec nap = { 0, 50 * 1000 };
      nanosleep (&nap, NULL);
    }
}

/* Default address-space reservation for growable mappings.  */
static uint64_t
default_reserve (uint64_t size)
{
  if (sizeof (void *) < 8)
    return size;
  uint64_t r = UINT64_C (1) << 30;
  if (size > r / 2)
    r = size > UINT64_MAX / 2 ? size : size * 2;
  return r;
}

/* Allocate the file's blocks in [off, off+len): a full disk is then an
 * error now instead of a SIGBUS at the first write of a page.  */
static int
allocate_blocks (int fd, uint64_t off, uint64_t len)
{
  if (len == 0)
    return 0;
  if (off > (uint64_t) INT64_MAX || len > (uint64_t) INT64_MAX - off)
    return -EFBIG;
#if HAVE_FALLOCATE
  /* A signal caught during the allocation gives EINTR (older kernels'
   * tmpfs did so for any signal): a caller's interval timer must not
   * make a create or a resize fail.  */
  int r;
  while ((r = fallocate (fd, 0, (off_t) off, (off_t) len)) < 0
         && errno == EINTR)
    ;
  if (r == 0)
    return 0;
  if (errno != EOPNOTSUPP && errno != ENOSYS)
    return -errno;
#endif
#if HAVE_POSIX_FALLOCATE
  {
    /* glibc emulates by writing a byte per block where the filesystem
     * cannot allocate.  */
    int e;
    while ((e = posix_fallocate (fd, (off_t) off, (off_t) len)) == EINTR)
      ;
    if (e == 0)
      return 0;
    if (e != EOPNOTSUPP && e != EINVAL)
      return -e;
  }
#endif
  /* No way to reserve blocks here (e.g. tmpfs without fallocate): size
   * the file and accept that a full filesystem shows up later.  */
  if (ftruncate (fd, (off_t) (off + len)) < 0)
    return -errno;
  return 0;
}

static int
set_file_size (mmapio_file *f, uint64_t old_size, uint64_t new_size)
{
  if (new_size > (uint64_t) INT64_MAX)
    return -EFBIG;
  if (new_size > old_size && !(f->flags & MMAPIO_OPEN_SPARSE))
    {
      int r = allocate_blocks (f->fd, old_size, new_size - old_size);
      if (r < 0)
        return r;
      /* fallocate with mode 0 already extended the file.  */
      struct stat st;
      if (fstat (f->fd, &st) == 0 && (uint64_t) st.st_size == new_size)
        return 0;
    }
  if (ftruncate (f->fd, (off_t) new_size) < 0)
    return -errno;
  return 0;
}

static int
check_mappable (int fd, struct stat *st)
{
  if (fstat (fd, st) < 0)
    return -errno;
  if (S_ISDIR (st->st_mode))
    return -EISDIR;
  if (!S_ISREG (st->st_mode))
    return -ENODEV;
  if (st->st_size == 0)
    {
      /* /proc, /sys and friends report 0 bytes for files that do have
       * contents; an empty mapping would be a silent wrong answer.  */
      struct statfs sfs;
      if (fstatfs (fd, &sfs) == 0)
        switch ((unsigned long) sfs.f_type)
          {
          case PROC_SUPER_MAGIC_:
          case SYSFS_MAGIC_:
          case DEBUGFS_MAGIC_:
          case TRACEFS_MAGIC_:
          case CGROUP_SUPER_MAGIC_:
          case CGROUP2_SUPER_MAGIC_:
            return -ENODEV;
          default:
            break;
          }
    }
  return 0;
}

static void
free_handle (mmapio_file *f)
{
  mmapio__free_dirty (f);
  pthread_mutex_destroy (&f->resize_lock);
  pthread_mutex_destroy (&f->flush_lock);
  pthread_cond_destroy (&f->flush_cond);
  pthread_mutex_destroy (&f->win_lock);
  free (f->path);
  free (f);
}

/* Map 'size' bytes of the file (RDWR: 'reserve' bytes of address space).  */
static int
map_file (mmapio_file *f, uint64_t size, uint64_t reserve)
{
  int prot, mflags;
  uint64_t len;

  if (f->mode == MMAPIO_RDONLY)
    {
      prot = PROT_READ;
      mflags = MAP_SHARED;
      len = size;
    }
  else if (f->mode == MMAPIO_COW)
    {
      prot = PROT_READ | PROT_WRITE;
      mflags = MAP_PRIVATE;
      len = size;
    }
  else
    {
      prot = PROT_READ | PROT_WRITE;
      mflags = MAP_SHARED;
      len = reserve < size ? size : reserve;
    }
  len = mmapio__page_up (len);
  if (len < size || len > SIZE_MAX)
    return -EFBIG;
  if (len == 0)
    return 0;

#if HAVE_DECL_MAP_POPULATE
  /* Only a mapping that ends at EOF can be populated by mmap itself;
   * a reservation's tail has no pages to fault in.  */
  if ((f->flags & MMAPIO_OPEN_POPULATE) && len == mmapio__page_up (size))
    mflags |= MAP_POPULATE;
#endif
  void *p = mmap (NULL, (size_t) len, prot, mflags, f->fd, 0);
  if (p == MAP_FAILED && f->mode == MMAPIO_RDWR && len > mmapio__page_up (size)
      && errno == ENOMEM)
    {
      /* No room for the reservation (RLIMIT_AS, 32-bit): map what exists;
       * growth will move the mapping when no view is live.  */
      len = mmapio__page_up (size);
      if (len == 0)
        return 0;
      p = mmap (NULL, (size_t) len, prot, mflags, f->fd, 0);
    }
  if (p == MAP_FAILED)
    return errno == EACCES && f->mode == MMAPIO_RDWR ? -EACCES : -errno;
  f->base = p;
  f->mapped = (size_t) len;
  mmapio__vg_mark (f, size);
  return 0;
}

static int
open_common (mmapio_file **ret, int fd, const char *name,
             enum mmapio_mode mode, const mmapio_options *o,
             const struct stat *known)
{
  struct stat st;
  int r = 0;
  if (known != NULL)
    st = *known;   /* a regular file the caller just sized */
  else
    r = check_mappable (fd, &st);
  if (r < 0)
    return r;
  if ((uint64_t) st.st_size > SIZE_MAX)
    return -EFBIG;

  mmapio_file *f = calloc (1, sizeof *f);
  if (f == NULL)
    return -ENOMEM;
  f->path = strdup (name);
  if (f->path == NULL)
    {
      free (f);
      return -ENOMEM;
    }
  f->fd = fd;
  f->mode = mode;
  f->flags = o->flags;
  f->window = o->window;
  pthread_mutex_init (&f->resize_lock, NULL);
  pthread_mutex_init (&f->flush_lock, NULL);
  {
    /* The flusher's interval must not jump with the wall clock.  */
    pthread_condattr_t ca;
    pthread_condattr_init (&ca);
    pthread_condattr_setclock (&ca, CLOCK_MONOTONIC);
    pthread_cond_init (&f->flush_cond, &ca);
    pthread_condattr_destroy (&ca);
  }
  pthread_mutex_init (&f->win_lock, NULL);
  atomic_init (&f->size, (uint64_t) st.st_size);

  if (f->window != 0)
    {
      /* Windows are mapped on demand by window.c.  */
      f->window = mmapio__page_up (f->window);
      if (f->window > SIZE_MAX / 2)
        f->window = mmapio__page_down (SIZE_MAX / 2);
      r = mmapio__window_first (f);
      if (r < 0)
        goto fail;
    }
  else
    {
      uint64_t reserve = o->reserve ? o->reserve
                                    : default_reserve ((uint64_t) st.st_size);
      r = map_file (f, (uint64_t) st.st_size, reserve);
      if (r < 0)
        goto fail;
      if (mode == MMAPIO_RDWR)
        {
          r = mmapio__alloc_dirty (f);
          if (r < 0)
            goto fail;
        }
    }

  if (f->window == 0 && st.st_size > 0)
    {
      if (f->flags & MMAPIO_OPEN_HUGEPAGE)
        (void) mmapio_advise (f, 0, (uint64_t) st.st_size,
                              MMAPIO_ADV_HUGEPAGE);
      if ((f->flags & MMAPIO_OPEN_POPULATE) && f->mapped > (size_t)
          mmapio__page_up ((uint64_t) st.st_size))
        {
          r = mmapio_populate (f, 0, (uint64_t) st.st_size, 0, NULL);
          if (r < 0)
            goto fail;
        }
      if (f->flags & MMAPIO_OPEN_LOCK)
        {
          r = mmapio_lock_all (f, 0);
          if (r < 0)
            goto fail;
        }
    }
  *ret = f;
  return 0;

fail:
  if (f->window != 0)
    mmapio__window_close (f);
  if (f->base != NULL)
    munmap (f->base, f->mapped);
  f->fd = -1;
  free_handle (f);
  return r;
}

static int
open_path (const char *path, int oflags, mode_t perm, unsigned flags)
{
  int fd;
#if HAVE_DECL_O_NOATIME
  if (flags & MMAPIO_OPEN_NOATIME)
    {
      fd = open (path, oflags | O_NOATIME, perm);
      if (fd >= 0 || errno != EPERM)
        return fd;
      /* O_NOATIME needs ownership; fall through without it.  */
    }
#endif
  return open (path, oflags, perm);
}

/* Create 'path' with 'size' bytes already in place, so that a racing
 * opener never maps a file that is still empty: the file is made
 * nameless (O_TMPFILE), sized, then linked at 'path', which fails with
 * EEXIST if someone else got there first.  Returns the descriptor,
 * -EEXIST, a real error of the sizing (-ENOSPC...), or -EOPNOTSUPP when
 * the method is not available here and a plain O_EXCL create must do.  */
static int
create_complete (const char *path, int oflags, mode_t perm,
                 const mmapio_options *o)
{
#if HAVE_DECL_O_TMPFILE
  const char *slash = strrchr (path, '/');
  char *dir;

  if (slash != NULL && slash[1] == '\0')
    return -EOPNOTSUPP;
  if (slash == NULL)
    dir = strdup (".");
  else if (slash == path)
    dir = strdup ("/");
  else
    dir = strndup (path, (size_t) (slash - path));
  if (dir == NULL)
    return -ENOMEM;
  int fd = open (dir, (oflags & ~(O_NOFOLLOW | O_NONBLOCK)) | O_TMPFILE,
                 perm);
  free (dir);
  if (fd < 0)
    return -EOPNOTSUPP;

  int r = (o->flags & MMAPIO_OPEN_SPARSE)
            ? (ftruncate (fd, (off_t) o->size) < 0 ? -errno : 0)
            : allocate_blocks (fd, 0, o->size);
  if (r < 0)
    {
      /* Nothing to remove: the file never had a name.  */
      close (fd);
      return r;
    }

  char proc[64];
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (linkat (AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
    return fd;
  r = errno;
  if (r != EEXIST)
    {
      /* Without /proc, AT_EMPTY_PATH still works for privileged
       * callers.  */
      if (linkat (fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
        return fd;
      r = errno;
    }
  close (fd);
  return r == EEXIST ? -EEXIST : -EOPNOTSUPP;
#else
  (void) path;
  (void) oflags;
  (void) perm;
  (void) o;
  return -EOPNOTSUPP;
#endif
}

static int
open_internal (mmapio_file **ret, const char *path, enum mmapio_mode mode,
               const mmapio_options *opts, int *ret_created)
{
  static const mmapio_options defaults = MMAPIO_OPTIONS_INIT;
  mmapio_options o = defaults;
  bool created = false;
  int fd, r;

  if (ret == NULL || path == NULL)
    return -EINVAL;
  if (opts != NULL)
    {
      if (opts->struct_size > sizeof o || opts->struct_size < sizeof (size_t))
        return -EINVAL;
      memcpy (&o, opts, opts->struct_size);
      o.struct_size = sizeof o;
    }
  if (mode != MMAPIO_RDONLY && mode != MMAPIO_RDWR && mode != MMAPIO_COW)
    return -EINVAL;
  if (o.flags & ~(MMAPIO_OPEN_POPULATE | MMAPIO_OPEN_HUGEPAGE
                  | MMAPIO_OPEN_LOCK | MMAPIO_OPEN_NOFOLLOW
                  | MMAPIO_OPEN_SPARSE | MMAPIO_OPEN_NOATIME))
    return -EINVAL;
  if ((o.create || o.truncate) && mode != MMAPIO_RDWR)
    return -EINVAL;
  if (o.window != 0 && mode == MMAPIO_COW)
    return -EINVAL;
  if (o.size > (uint64_t) INT64_MAX)
    return -EFBIG;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * right after by the file-type check.  The flag has no effect on the
   * regular files that remain, so it is left set (clearing it would cost
   * two more system calls on every open).  */
  int oflags = (mode == MMAPIO_RDWR ? O_RDWR : O_RDONLY) | O_CLOEXEC
               | O_NONBLOCK | O_NOCTTY;
  if (o.flags & MMAPIO_OPEN_NOFOLLOW)
    oflags |= O_NOFOLLOW;
  mode_t perm = o.perm ? o.perm : 0666;

  if (o.create)
    {
      /* O_EXCL first so that 'created' is exact: a file this call made is
       * removed again on failure, an existing one never is (except by the
       * truncating ENOSPC rule below).  */
      bool tmpfile = !o.truncate && o.size > 0;
      for (;;)
        {
          if (tmpfile)
            {
              fd = create_complete (path, oflags, perm, &o);
              if (fd >= 0)
                {
                  created = true;
                  break;
                }
              if (fd != -EEXIST && fd != -EOPNOTSUPP)
                return fd;
              if (fd == -EOPNOTSUPP)
                tmpfile = false;
            }
          if (!tmpfile)
            {
              fd = open_path (path, oflags | O_CREAT | O_EXCL, perm,
                              o.flags);
              if (fd >= 0)
                {
                  created = true;
                  break;
                }
              if (errno != EEXIST)
                return -errno;
            }
          /* O_TRUNC is ignored for FIFOs and devices, which are refused
           * below anyway.  */
          fd = open_path (path, oflags | (o.truncate ? O_TRUNC : 0), perm,
                          o.flags);
          if (fd >= 0)
            break;
          /* Removed between the two opens: try to create it again.  */
          if (errno != ENOENT)
            return -errno;
          /* A dangling symbolic link makes O_EXCL fail with EEXIST and the
           * open that follows it fail with ENOENT, on every round: the
           * file is not created through the link.  */
          struct stat lst;
          if (lstat (path, &lst) == 0 && S_ISLNK (lst.st_mode))
            return -ENOENT;
        }
    }
  else
    {
      fd = open_path (path, oflags, 0, o.flags);
      if (fd < 0)
        return -errno;
    }

  struct stat st;
  const struct stat *known = NULL;
  if (o.truncate || created)
    {
      /* An existing file may be of any kind, /proc's included, which
       * would fail the sizing with an unrelated error (ESPIPE).  */
      r = created ? (fstat (fd, &st) < 0 ? -errno : 0)
                  : check_mappable (fd, &st);
      if (r == 0 && o.size > 0)
        r = (o.flags & MMAPIO_OPEN_SPARSE)
              ? (ftruncate (fd, (off_t) o.size) < 0 ? -errno : 0)
              : allocate_blocks (fd, 0, o.size);
      if (r < 0)
        goto fail_fd;
      /* The file now has exactly the size asked: no need to ask the
       * kernel again.  */
      st.st_size = (off_t) o.size;
      known = &st;
    }

  r = open_common (ret, fd, path, mode, &o, known);
  if (r < 0)
    goto fail_fd;
  if (ret_created != NULL)
    *ret_created = created;
  return 0;

fail_fd:
  close (fd);
  if (created || (o.truncate && r == -ENOSPC))
    unlink (path);
  return r;
}

int
mmapio_open_ex (mmapio_file **ret, const char *path, enum mmapio_mode mode,
                const mmapio_options *opts)
{
  return open_internal (ret, path, mode, opts, NULL);
}

int
mmapio_open (mmapio_file **ret, const char *path, enum mmapio_mode mode,
             unsigned flags)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.flags = flags;
  return mmapio_open_ex (ret, path, mode, &o);
}

int
mmapio_create (mmapio_file **ret, const char *path, uint64_t size,
               unsigned flags)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.flags = flags;
  o.create = 1;
  o.truncate = 1;
  o.size = size;
  return mmapio_open_ex (ret, path, MMAPIO_RDWR, &o);
}

int
mmapio_open_or_create (mmapio_file **ret, const char *path, uint64_t size,
                       unsigned flags, int *ret_created)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.flags = flags;
  o.create = 1;
  o.size = size;
  return open_internal (ret, path, MMAPIO_RDWR, &o, ret_created);
}

int
mmapio_open_fd (mmapio_file **ret, int fd, const char *name,
                enum mmapio_mode mode, unsigned flags)
{
  mmapio_options o = MMAPIO_OPTIONS_INIT;
  char buf[32];

  if (ret == NULL || fd < 0)
    return fd < 0 ? -EBADF : -EINVAL;
  if (mode != MMAPIO_RDONLY && mode != MMAPIO_RDWR && mode != MMAPIO_COW)
    return -EINVAL;
  if (flags & ~(MMAPIO_OPEN_POPULATE | MMAPIO_OPEN_HUGEPAGE
                | MMAPIO_OPEN_LOCK | MMAPIO_OPEN_SPARSE))
    return -EINVAL;
  int fl = fcntl (fd, F_GETFL);
  if (fl < 0)
    return -errno;
  if ((fl & O_ACCMODE) == O_WRONLY
      || (mode == MMAPIO_RDWR && (fl & O_ACCMODE) != O_RDWR))
    return -EACCES;
  if (name == NULL)
    {
      snprintf (buf, sizeof buf, "fd:%d", fd);
      name = buf;
    }
  int dup = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (dup < 0)
    /* With RLIMIT_NOFILE at 3 or less, below the lowest descriptor asked
     * for, Linux says EINVAL: the process is out of descriptors all the
     * same.  */
    return errno == EINVAL ? -EMFILE : -errno;
  o.flags = flags;
  int r = open_common (ret, dup, name, mode, &o, NULL);
  if (r < 0)
    close (dup);
  return r;
}

int
mmapio_close (mmapio_file *f)
{
  int r = 0;

  if (f == NULL)
    return 0;
  r = mmapio__watch_close_all (f);
  if (f->mode == MMAPIO_RDWR
      && atomic_load (&f->policy) != MMAPIO_FLUSH_MANUAL)
    {
      int e = mmapio__flush_pending (f);
      if (r == 0)
        r = e;
    }
  mmapio__stop_flusher (f);
  {
    int e = atomic_load (&f->async_error);
    if (r == 0 && e != 0)
      r = e;
  }
  if (f->window != 0)
    mmapio__window_close (f);
  if (f->base != NULL && munmap (f->base, f->mapped) < 0 && r == 0)
    r = -errno;
  if (f->fd >= 0 && close (f->fd) < 0 && r == 0 && errno != EINTR)
    r = -errno;
  free_handle (f);
  return r;
}

uint64_t
mmapio_size (const mmapio_file *f)
{
  return mmapio__size (f);
}

const char *
mmapio_path (const mmapio_file *f)
{
  return f->path;
}

enum mmapio_mode
mmapio_mode (const mmapio_file *f)
{
  return f->mode;
}

int
mmapio_fd (const mmapio_file *f)
{
  return f->fd;
}

void *
mmapio_data (const mmapio_file *f)
{
  /* An empty RDWR mapping still has its reservation; the contract says
   * NULL for an empty mapping, and no byte of it may be touched anyway.  */
  if (mmapio__size (f) == 0)
    return NULL;
  return f->base;
}

/* Grow the address space of an RDWR mapping to at least 'need' bytes.
 * Called with resize_lock held.  */
static int
grow_mapping (mmapio_file *f, uint64_t need)
{
  uint64_t want = default_reserve (need);
  if (want < need)
    want = need;
  want = mmapio__page_up (want);
  if (want > SIZE_MAX || want < need)
    return -EFBIG;

  if (f->base == NULL)
    {
      void *p = mmap (NULL, (size_t) want, PROT_READ | PROT_WRITE,
                      MAP_SHARED, f->fd, 0);
      if (p == MAP_FAILED)
        return -errno;
      f->base = p;
      f->mapped = (size_t) want;
      mmapio__vg_mark (f, mmapio__size (f));
      return 0;
    }
#if HAVE_MREMAP
  /* In place first: existing pointers stay valid.  */
  void *p = mremap (f->base, f->mapped, (size_t) want, 0);
  if (p != MAP_FAILED)
    {
      f->mapped = (size_t) want;
      mmapio__vg_mark (f, mmapio__size (f));
      return 0;
    }
  /* Moving invalidates pointers: only when nobody holds a view.  */
  atomic_store_explicit (&f->exclusive, 1, memory_order_seq_cst);
  if (!wait_for_calls (f))
    {
      atomic_store_explicit (&f->exclusive, 0, memory_order_seq_cst);
      return -EBUSY;
    }
  p = mremap (f->base, f->mapped, (size_t) want, MREMAP_MAYMOVE);
  int r = p == MAP_FAILED ? -errno : 0;
  if (r == 0)
    {
      f->base = p;
      f->mapped = (size_t) want;
      mmapio__vg_mark (f, mmapio__size (f));
    }
  atomic_store_explicit (&f->exclusive, 0, memory_order_seq_cst);
  return r;
#else
  return -ENOMEM;
#endif
}

int
mmapio_resize (mmapio_file *f, uint64_t new_size)
{
  int r = 0;

  if (f->mode != MMAPIO_RDWR || f->window != 0)
    return MMAPIO_E_MODE;
  if (new_size > (uint64_t) INT64_MAX || new_size > SIZE_MAX)
    return -EFBIG;

  pthread_mutex_lock (&f->resize_lock);
  uint64_t old = mmapio__size (f);
  if (new_size == old)
    goto out;

  if (new_size > old)
    {
      if (mmapio__page_up (new_size) > f->mapped)
        {
          r = grow_mapping (f, new_size);
          if (r < 0)
            goto out;
        }
      r = set_file_size (f, old, new_size);
      if (r < 0)
        {
          /* Undo a partial extension; if even that fails the file is
           * longer than the mapping says, which is harmless: the size
           * the handle reports is still the old one.  */
          if (ftruncate (f->fd, (off_t) old) < 0)
            {
              /* Nothing better to do; keep the first error.  */
            }
          goto out;
        }
      mmapio__vg_mark (f, new_size);
      atomic_store_explicit (&f->size, new_size, memory_order_release);
    }
  else
    {
      /* Views may be reading the part being cut off: refuse rather than
       * let them fault.  Calls in progress are waited for.  */
      atomic_store_explicit (&f->exclusive, 1, memory_order_seq_cst);
      if (!wait_for_calls (f))
        {
          atomic_store_explicit (&f->exclusive, 0, memory_order_seq_cst);
          r = -EBUSY;
          goto out;
        }
      if (ftruncate (f->fd, (off_t) new_size) < 0)
        r = -errno;
      else
        {
          atomic_store_explicit (&f->size, new_size, memory_order_release);
          mmapio__vg_mark (f, new_size);
          mmapio__drop_dirty_from (f, new_size);
        }
      atomic_store_explicit (&f->exclusive, 0, memory_order_seq_cst);
    }

out:
  pthread_mutex_unlock (&f->resize_lock);
  return r;
}
