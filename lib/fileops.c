/* fileops.c — whole-file helpers: copy and remove.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "mmapio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bytes asked of one copy_file_range() call; the kernel may do less.  */
#define CFR_CHUNK ((size_t) 1 << 30)
/* Buffer of the read/write fallback.  */
#define RW_BUFSIZE ((size_t) 128 * 1024)
/* A temporary name is retried this many times when it exists.  */
#define TEMP_TRIES 100

/* Copy state shared by the extents of one copy.  */
struct copier
{
  int in, out;
  bool use_cfr;         /* copy_file_range() still worth trying */
  unsigned char *buf;   /* read/write buffer, allocated on first use */
};

static int
rw_buffer (struct copier *c)
{
  if (!c->buf)
    {
      c->buf = malloc (RW_BUFSIZE);
      if (!c->buf)
        return -ENOMEM;
    }
  return 0;
}

static int
write_all (int fd, const unsigned char *p, size_t n, off_t off)
{
  while (n > 0)
    {
      ssize_t w = pwrite (fd, p, n, off);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      p += w;
      n -= (size_t) w;
      off += w;
    }
  return 0;
}

/* Copy up to LEN bytes at OFF of the source to the same offset of the
 * destination.  *RET_DONE receives the bytes copied, less than LEN only
 * when the source ended early (it shrank during the copy).  */
static int
copy_extent (struct copier *c, uint64_t off, uint64_t len,
             uint64_t *ret_done)
{
  uint64_t done = 0;
  int r;

  while (done < len)
    {
#if HAVE_COPY_FILE_RANGE
      if (c->use_cfr)
        {
          size_t want = len - done < CFR_CHUNK ? (size_t) (len - done)
                                               : CFR_CHUNK;
          off_t io = (off_t) (off + done), oo = io;
          ssize_t n = copy_file_range (c->in, &io, c->out, &oo, want, 0);
          if (n > 0)
            {
              done += (uint64_t) n;
              continue;
            }
          if (n < 0 && errno == EINTR)
            continue;
          /* Cross-device copies (before Linux 5.3 and again since 5.19),
           * filesystems without support and kernels without the call:
           * read and write instead, from where it stopped.  A return of 0
           * may mean the end of the file or a filesystem that cannot tell
           * (procfs-like); the read below decides.  */
          if (n < 0 && errno != EXDEV && errno != ENOSYS && errno != EINVAL
              && errno != EOPNOTSUPP && errno != ENOTSUP)
            return -errno;
          if (n < 0)
            c->use_cfr = false;
        }
#endif
      if ((r = rw_buffer (c)) < 0)
        return r;
      size_t want = len - done < RW_BUFSIZE ? (size_t) (len - done)
                                            : RW_BUFSIZE;
      ssize_t n = pread (c->in, c->buf, want, (off_t) (off + done));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (n == 0)
        break;
      if ((r = write_all (c->out, c->buf, (size_t) n,
                          (off_t) (off + done))) < 0)
        return r;
      done += (uint64_t) n;
    }
  *ret_done = done;
  return 0;
}

/* Copy the contents of a regular file of SIZE bytes (per fstat), extent
 * by extent so that holes stay holes, and give the destination its final
 * size.  A file that reports size 0 (procfs and the like report 0 for
 * files with contents) is read to its end instead.  */
static int
copy_contents (struct copier *c, uint64_t size)
{
  uint64_t pos = 0, end = size;
  int r;

  if (size == 0)
    {
      uint64_t got;
      c->use_cfr = false;
      do
        {
          if ((r = copy_extent (c, pos, RW_BUFSIZE, &got)) < 0)
            return r;
          pos += got;
        }
      while (got > 0);
      return 0;
    }

  while (pos < end)
    {
      off_t data = lseek (c->in, (off_t) pos, SEEK_DATA);
      off_t hole;
      if (data < 0)
        {
          if (errno == ENXIO)   /* only a hole remains */
            break;
          /* No SEEK_DATA on this filesystem: one extent to the end.  */
          data = (off_t) pos;
          hole = (off_t) end;
        }
      else
        {
          hole = lseek (c->in, data, SEEK_HOLE);
          if (hole < 0 || (uint64_t) hole > end)
            hole = (off_t) end;
        }
      if ((uint64_t) data >= end)
        break;
      uint64_t want = (uint64_t) (hole - data), got;
      if ((r = copy_extent (c, (uint64_t) data, want, &got)) < 0)
        return r;
      if (got < want)
        {
          /* The source shrank: the copy ends where it does.  */
          end = (uint64_t) data + got;
          break;
        }
      pos = (uint64_t) hole;
    }
  if (ftruncate (c->out, (off_t) end) < 0)
    return -errno;
  return 0;
}

/* A name in DIR for a temporary file, unlikely to exist.  Collisions are
 * handled by the callers (O_EXCL, link() failing with EEXIST).  */
static void
temp_name (char *buf, size_t bufsz, const char *dir, const char *base)
{
  static atomic_uint counter;
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  uint64_t x = ((uint64_t) getpid () << 32)
               ^ (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 20)
               ^ ((uint64_t) atomic_fetch_add (&counter, 1)
                  * UINT64_C (0x9e3779b97f4a7c15));
  x ^= x >> 29;
  x *= UINT64_C (0xbf58476d1ce4e5b9);
  x ^= x >> 32;
  /* The base name is shortened so that the temporary name stays within
   * NAME_MAX whatever the length of dst's name.  */
  snprintf (buf, bufsz, "%s/.%.200s.%012llx", dir, base,
            (unsigned long long) (x & UINT64_C (0xffffffffffff)));
}

/* The temporary file: with O_TMPFILE it has no name until it is complete,
 * so a crash leaves nothing behind; without it (old kernels, filesystems
 * without support) it is created under a hidden temporary name.  The
 * anonymous file needs /proc/self/fd to be given a name by linkat().
 * Permissions are given at creation, so the kernel applies the umask
 * without the library reading it (umask() is not thread-safe).
 * PORTABLE asks for the named file even where O_TMPFILE works.  */
static int
open_temp (const char *dir, const char *base, mode_t perm, bool portable,
           char *name, size_t namesz, bool *ret_named)
{
#if HAVE_DECL_O_TMPFILE
  if (!portable && access ("/proc/self/fd", X_OK) == 0)
    {
      int fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, perm);
      if (fd >= 0)
        {
          *ret_named = false;
          return fd;
        }
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return -errno;
    }
#endif
  for (int i = 0; i < TEMP_TRIES; i++)
    {
      temp_name (name, namesz, dir, base);
      int fd = open (name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC
                     | O_NOFOLLOW, perm);
      if (fd >= 0)
        {
          *ret_named = true;
          return fd;
        }
      if (errno != EEXIST)
        return -errno;
    }
  return -EEXIST;
}

/* Move the named temporary file NAME to DST; with EXCL fail with EEXIST
 * rather than replace an existing DST.  */
static int
install_named (const char *name, const char *dst, bool excl)
{
  if (!excl)
    return rename (name, dst) < 0 ? -errno : 0;
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, name, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -errno;
#endif
  /* link() is atomic with respect to an existing name too.  */
  if (link (name, dst) < 0)
    return -errno;
  unlink (name);
  return 0;
}

int
mmapio_copy_file (const char *src, const char *dst, unsigned flags)
{
  struct copier c = { -1, -1, true, NULL };
  char *dir = NULL;
  char *tmp = NULL;
  bool named = false, excl = flags & MMAPIO_COPY_EXCL;
  struct stat sst, dstst;
  int r;

  if (flags & ~MMAPIO_COPY_EXCL)
    return -EINVAL;

  /* O_NONBLOCK so that naming a FIFO cannot hang the caller before the
   * type check below; it has no effect on regular files.  */
  c.in = open (src, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (c.in < 0)
    return -errno;
  if (fstat (c.in, &sst) < 0)
    {
      r = -errno;
      goto out;
    }
  if (S_ISDIR (sst.st_mode))
    {
      r = -EISDIR;
      goto out;
    }
  if (!S_ISREG (sst.st_mode))
    {
      r = -EINVAL;
      goto out;
    }

  /* A copy onto itself (same name, a hard link or a symbolic link to
   * it) is refused: it would change nothing but the inode.  With EXCL any
   * existing dst, a dangling symbolic link included, is refused first.  */
  if (excl && lstat (dst, &dstst) == 0)
    {
      r = -EEXIST;
      goto out;
    }
  if (stat (dst, &dstst) == 0 && dstst.st_dev == sst.st_dev
      && dstst.st_ino == sst.st_ino)
    {
      r = -EINVAL;
      goto out;
    }

  const char *slash = strrchr (dst, '/');
  const char *base = slash ? slash + 1 : dst;
  if (*base == '\0')
    {
      r = -EISDIR;
      goto out;
    }
  if (!slash)
    dir = strdup (".");
  else if (slash == dst)
    dir = strdup ("/");
  else
    dir = strndup (dst, (size_t) (slash - dst));
  size_t tmpsz = strlen (dir) + 256;
  tmp = malloc (tmpsz);
  if (!dir || !tmp)
    {
      r = -ENOMEM;
      goto out;
    }

  /* The test switch forces every fallback at once: read/write and the
   * named temporary file.  */
  bool portable = mmapio__env_flag ("MMAPIO_FORCE_RW_COPY");
  if (portable)
    c.use_cfr = false;
  c.out = open_temp (dir, base, sst.st_mode & 07777, portable, tmp, tmpsz,
                     &named);
  if (c.out < 0)
    {
      r = c.out;
      goto out;
    }

  if ((r = copy_contents (&c, (uint64_t) sst.st_size)) < 0)
    goto out;
  /* The data reaches stable storage before the name does: after a crash
   * dst is the old file or the complete new one, never an empty or
   * partial one.  The directory is not synced: a crash may lose the
   * rename itself, which leaves the old dst in place.  */
  if (fsync (c.out) < 0)
    {
      r = -errno;
      goto out;
    }

  if (named)
    r = install_named (tmp, dst, excl);
  else
    {
      char proc[64];
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", c.out);
      if (excl)
        r = linkat (AT_FDCWD, proc, AT_FDCWD, dst, AT_SYMLINK_FOLLOW) < 0
            ? -errno : 0;
      else
        {
          /* linkat() cannot replace dst: give the file a temporary name,
           * then rename it over dst.  */
          r = -EEXIST;
          for (int i = 0; i < TEMP_TRIES && r == -EEXIST; i++)
            {
              temp_name (tmp, tmpsz, dir, base);
              r = linkat (AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW)
                  < 0 ? -errno : 0;
            }
          if (r == 0)
            {
              named = true;
              r = install_named (tmp, dst, false);
            }
        }
    }
  if (r == 0)
    named = false;      /* installed: nothing to clean up */

 out:
  if (c.out >= 0)
    close (c.out);
  if (named)
    unlink (tmp);
  close (c.in);
  free (c.buf);
  free (tmp);
  free (dir);
  return r;
}

int
mmapio_remove_file (const char *path)
{
  return unlink (path) < 0 ? -errno : 0;
}
