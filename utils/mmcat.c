/* mmcat — concatenate files to standard output through memory mappings.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How a regular file reaches standard output depends on what standard
 * output is, because the fastest honest path differs.  Measured with
 * bench/mmcat-bench.sh on a cached 1 GiB file (2-CPU VM, Linux 6.18):
 *
 *   pipe          splice(2) from the file: the pipe receives references to
 *                 the page-cache pages, no byte is copied by mmcat.  Into
 *                 "dd bs=1M": cat 0.27-0.9 s, read(2) loop 0.25-0.86 s,
 *                 write(2) from the mapping 0.31-0.33 s, vmsplice(2) of
 *                 the mapped pages 0.083 s, splice 0.075 s.  The pipe is
 *                 first grown to 1 MiB (F_SETPIPE_SZ), so that each call
 *                 moves sixteen times more.  No prefetch: fadvise WILLNEED
 *                 ahead of splice made a cold file twice slower than the
 *                 kernel's own readahead.
 *   regular file  copy_file_range(2): an in-kernel copy, or a reflink
 *                 where the file system can share blocks (as GNU cat 9
 *                 does: 0.36 s for both, 0.38 s writing from the mapping).
 *   anything else read(2) and write(2), as cat.  Writing from the mapping
 *                 saves a copy but pays page faults and an unmap: into
 *                 /dev/null it was 1.5x faster than read for one 1 GiB
 *                 file but 2x slower for 4-256 MiB files, and equal into
 *                 a socket.  It stays available as --method=write.
 *
 * When a fast path is refused (no splice for this file system, an O_APPEND
 * output for copy_file_range...), the copy goes on by writing from the
 * mapping, which into a pipe still beats a read loop with the default
 * pipe size.  Ranges under 16 KiB, empty files (which include most of
 * /proc) and files that cannot be mapped always go through read(2): at
 * 4 KiB splice already wins, at 1 KiB it loses.
 *
 * mmcat never touches mapped memory itself: the mapping is read only by
 * the kernel (write, vmsplice) or through libmmapio's guarded calls
 * (mmapio_populate, mmapio_read), so a file truncated under it gives an
 * error return (EFAULT, MMAPIO_E_SHRUNK, an early end of file), never
 * SIGBUS.  After each chunk the file's size is checked; a file found
 * shorter than the range being copied is reported and the status is 1.
 * The zero-copy paths hand page references to the pipe: until the reader
 * has consumed them, a truncation can still change what it reads (the
 * cut-off part of the last page reads as zeroes).  Such a truncation is
 * reported when it happens before mmcat's last check, that is while mmcat
 * still runs; the man page says so.
 */

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mmapio.h"
#include "mmcat.h"

/* Size of the read(2) buffer, as cat's.  */
#define READ_BUFSIZE (128 * 1024)

/* Bytes per write(2) from the mapping when standard output is not a pipe;
 * into a pipe, each call moves what the pipe holds.  */
#define MAP_CHUNK (1024 * 1024)

/* The pipe size asked for with F_SETPIPE_SZ: the largest an unprivileged
 * process gets by default (/proc/sys/fs/pipe-max-size).  */
#define PIPE_SIZE (1024 * 1024)

/* copy_file_range chunks: the size is checked once per chunk.  */
#define COPY_CHUNK (16 * 1024 * 1024)

enum method
{
  M_AUTO,
  M_SPLICE,
  M_VMSPLICE,
  M_COPY,
  M_WRITE,
  M_READ
};

static const char *const method_names[] =
{
  "auto", "splice", "vmsplice", "copy", "write", "read", NULL
};

enum out_kind
{
  OUT_PIPE,
  OUT_REG,
  OUT_OTHER
};

/* Standard output, examined once.  */
static struct
{
  enum out_kind kind;
  dev_t dev;
  ino_t ino;
  bool pipe_tuned;      /* F_SETPIPE_SZ tried */
  size_t chunk;         /* bytes per splice, vmsplice or write call */
} out;

/* Options.  */
static uint64_t opt_offset;
static uint64_t opt_length = UINT64_MAX;
static uint64_t opt_window;
static enum method opt_method = M_AUTO;

/* One input operand.  */
struct src
{
  const char *name;     /* as given; "-" for standard input */
  int fd;
  uint64_t size;        /* st_size when the operand was opened */
};

static char *read_buf;

static off_t
to_off (uint64_t x)
{
  return x > (uint64_t) INT64_MAX ? (off_t) INT64_MAX : (off_t) x;
}

static noreturn void
write_error (int err)
{
  util_error (-err, "%s", _("write error"));
  exit (EXIT_TROUBLE);
}

/* Wait until FD is ready for EVENTS: standard input or output may have been
 * left non-blocking by another program sharing it.  */
static void
wait_fd (int fd, short events)
{
  struct pollfd p = { .fd = fd, .events = events };
  while (poll (&p, 1, -1) < 0 && errno == EINTR)
    continue;
}

/* Write all of BUF to standard output.  Returns 0, or -EFAULT when BUF
 * (part of a mapping) could not be read; any other failure is fatal, as
 * in cat.  */
static int
write_all (const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, len);
      if (n > 0)
        {
          p += n;
          len -= (size_t) n;
        }
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        wait_fd (STDOUT_FILENO, POLLOUT);
      else if (n < 0 && errno == EFAULT)
        return -EFAULT;
      else
        write_error (n < 0 ? errno : ENOSPC);
    }
  return 0;
}

static void
examine_stdout (void)
{
  struct stat st;
  if (fstat (STDOUT_FILENO, &st) != 0)
    {
      util_error (-errno, "%s", _("standard output"));
      exit (EXIT_TROUBLE);
    }
  out.dev = st.st_dev;
  out.ino = st.st_ino;
  out.chunk = MAP_CHUNK;
  if (S_ISFIFO (st.st_mode))
    out.kind = OUT_PIPE;
  else if (S_ISREG (st.st_mode))
    out.kind = OUT_REG;
  else
    out.kind = OUT_OTHER;
}

/* Grow the output pipe before the first large copy into it.  A failure
 * (pipe-user-pages-soft reached, a kernel without the call) leaves the
 * pipe as it was; the chunk then matches what the pipe holds, so that each
 * call fills it once.  */
static void
tune_pipe (void)
{
  if (out.pipe_tuned)
    return;
  out.pipe_tuned = true;
#if HAVE_DECL_F_SETPIPE_SZ
  int size = fcntl (STDOUT_FILENO, F_GETPIPE_SZ);
  if (size >= 0 && size < PIPE_SIZE)
    {
      int r = fcntl (STDOUT_FILENO, F_SETPIPE_SZ, PIPE_SIZE);
      if (r > 0)
        size = r;
    }
  if (size > 0)
    out.chunk = (size_t) size;
#endif
}

/* Is S now shorter than END, i.e. did it shrink under the range being
 * copied?  */
static bool
shrank (const struct src *s, uint64_t end)
{
  struct stat st;
  return fstat (s->fd, &st) == 0 && (uint64_t) st.st_size < end;
}

static bool
report_shrink (const struct src *s)
{
  util_error (0, _("%s: file shrank while reading"), util_quote (s->name));
  return false;
}

/* Read at most LEFT bytes (and at most a buffer) from S into read_buf.
 * Returns the count, 0 at end of file, or -1 after reporting an error.
 * Reading no more than the range asks for matters for a pipe on standard
 * input named twice ("- -"): what the first operand does not print must
 * be left for the second.  */
static ssize_t
read_some (const struct src *s, uint64_t left)
{
  size_t want = left < READ_BUFSIZE ? (size_t) left : READ_BUFSIZE;
  for (;;)
    {
      ssize_t n = read (s->fd, read_buf, want);
      if (n >= 0)
        return n;
      if (errno == EAGAIN)
        wait_fd (s->fd, POLLIN);
      else if (errno != EINTR)
        {
          util_file_error (s->name, -errno);
          return -1;
        }
    }
}

/* Skip N bytes of a descriptor that cannot seek by reading them.  Returns
 * false after reporting a read error; an early end of file is not one.  */
static bool
skip_by_reading (const struct src *s, uint64_t n)
{
  ssize_t r = 1;
  while (n > 0 && (r = read_some (s, n)) > 0)
    n -= (uint64_t) r;
  return r >= 0;
}

/* Copy with read(2) from S->fd's current position, which is POS, until
 * end of file or LIMIT_END.  When the end of file comes before EXPECT_END
 * (the size the file had), the file is checked for shrinkage.  */
static bool
copy_read (const struct src *s, uint64_t pos, uint64_t limit_end,
           uint64_t expect_end)
{
  ssize_t n = 1;
  while (pos < limit_end && (n = read_some (s, limit_end - pos)) > 0)
    {
      (void) write_all (read_buf, (size_t) n);
      pos += (uint64_t) n;
    }
  if (n < 0)
    return false;
  if (pos < expect_end && shrank (s, expect_end))
    return report_shrink (s);
  return true;
}

/* Map S for copying: whole, or windowed when asked for or when the whole
 * file does not fit in the address space.  Returns NULL when the file
 * cannot be mapped; the caller then reads it.  */
static mmapio_file *
map_source (const struct src *s)
{
  mmapio_file *map = NULL;
  int r = -EFBIG;

  if (opt_window == 0)
    r = mmapio_open_fd (&map, s->fd, s->name, MMAPIO_RDONLY, 0);
  if (r == -EFBIG || r == -ENOMEM)
    {
      /* Windowed mode needs a path; reopening the descriptor through
       * /proc keeps the very same file even if it has been renamed.  */
      char path[64];
      mmapio_options o = MMAPIO_OPTIONS_INIT;
      o.window = opt_window != 0 ? opt_window : 64 * 1024 * 1024;
      snprintf (path, sizeof path, "/proc/self/fd/%d", s->fd);
      r = mmapio_open_ex (&map, path, MMAPIO_RDONLY, &o);
      if (r == 0)
        {
          struct stat a, b;
          if (fstat (s->fd, &a) != 0 || fstat (mmapio_fd (map), &b) != 0
              || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
            {
              (void) mmapio_close (map);
              r = -ENODEV;
            }
        }
    }
  return r == 0 ? map : NULL;
}

/* The mapping of a source, made only when a method needs it: splice and
 * copy_file_range work on the descriptor.  */
struct mapping
{
  mmapio_file *file;    /* NULL until mapped */
  mmapio_view view;     /* of the range being copied, unless windowed */
  bool have_view;
  uint64_t view_off;
};

static bool
map_range (const struct src *s, struct mapping *mp, uint64_t off, uint64_t end)
{
  mp->file = map_source (s);
  if (mp->file == NULL)
    return false;
  mp->view_off = off;
  mp->have_view = mmapio_data (mp->file) != NULL
                  && mmapio_view_get (mp->file, off, end - off, &mp->view) == 0;
  if (mp->have_view)
    (void) mmapio_advise (mp->file, off, end - off, MMAPIO_ADV_SEQUENTIAL);
  return true;
}

static void
unmap_range (struct mapping *mp)
{
  if (mp->have_view)
    mmapio_view_release (&mp->view);
  (void) mmapio_close (mp->file);
}

/* One step of the copy of [OFF, END) with method M: returns the number of
 * bytes copied, 0 at an early end of file, or a negative errno value.  */
static ssize_t
copy_step (const struct src *s, struct mapping *mp, enum method m, uint64_t off,
           uint64_t end)
{
  uint64_t left = end - off;
  size_t len = m == M_COPY ? COPY_CHUNK : out.chunk;
  if (left < len)
    len = (size_t) left;

  ssize_t n;

  switch (m)
    {
#if HAVE_SPLICE
    case M_SPLICE:
      {
        loff_t o = (loff_t) off;
        n = splice (s->fd, &o, STDOUT_FILENO, NULL, len, 0);
      }
      break;
#endif
#if HAVE_COPY_FILE_RANGE
    case M_COPY:
      {
        loff_t o = (loff_t) off;
        n = copy_file_range (s->fd, &o, STDOUT_FILENO, NULL, len, 0);
      }
      break;
#endif
#if HAVE_VMSPLICE
    case M_VMSPLICE:
      {
        /* No populate first: vmsplice faults the pages in itself, and
         * populating measured no faster.  */
        struct iovec iov;
        iov.iov_base = (char *) mp->view.data + (off - mp->view_off);
        iov.iov_len = len;
        n = vmsplice (STDOUT_FILENO, &iov, 1, 0);
      }
      break;
#endif
    case M_WRITE:
      if (mp->have_view)
        {
          /* Populating first reads the file even when the output does not
           * look at the bytes (/dev/null): "mmcat FILE >/dev/null" warms
           * the page cache as cat does.  A truncation shows up here as
           * MMAPIO_E_SHRUNK, in write(2) as EFAULT.  */
          int r = mmapio_populate (mp->file, off, len, 0, NULL);
          if (r == MMAPIO_E_SHRUNK)
            return -EFAULT;
          r = write_all ((const char *) mp->view.data + (off - mp->view_off),
                         len);
          return r < 0 ? r : (ssize_t) len;
        }
      else
        {
          /* Windowed: no views, so copy out through the guarded read.  */
          if (len > READ_BUFSIZE)
            len = READ_BUFSIZE;
          int r = mmapio_read (mp->file, off, read_buf, len);
          if (r == MMAPIO_E_BOUNDS || r == MMAPIO_E_SHRUNK)
            return -EFAULT;
          if (r < 0)
            return r;
          (void) write_all (read_buf, len);
          return (ssize_t) len;
        }
    default:
      return -ENOSYS;
    }
  return n >= 0 ? n : -errno;
}

/* Is ERR, met by splice, vmsplice or copy_file_range, certainly the
 * output's fault?  Other errors may come from the input or mean that the
 * call does not apply to these descriptors: the copy then goes on with
 * write(2), whose errors are unambiguous.  */
static bool
output_error (int err)
{
  return err == EPIPE || err == ENOSPC || err == EDQUOT || err == EFBIG;
}

/* Outcome of copy_fast.  */
enum fast_result
{
  FAST_DONE,            /* the whole range was copied */
  FAST_SHRANK,          /* the file shrank; reported */
  FAST_READ_REST        /* finish with read(2) from *POFF */
};

/* Copy [*POFF, END) of regular file S with method M (not M_READ), falling
 * back from splice, vmsplice and copy to write, then set *POFF to where
 * the copy stopped.  */
static enum fast_result
copy_fast (const struct src *s, enum method m, uint64_t *poff, uint64_t end)
{
  uint64_t off = *poff;
  struct mapping mp = { .file = NULL };
  enum fast_result res = FAST_DONE;

  if (out.kind == OUT_PIPE)
    tune_pipe ();
  if (m == M_VMSPLICE || m == M_WRITE)
    {
      if (!map_range (s, &mp, off, end))
        return FAST_READ_REST;
      if (!mp.have_view)
        m = M_WRITE;
    }

  while (off < end)
    {
      ssize_t n = copy_step (s, &mp, m, off, end);
      if (n > 0)
        {
          off += (uint64_t) n;
          if (shrank (s, end))
            {
              res = FAST_SHRANK;
              break;
            }
          continue;
        }
      if (n == 0)
        {
          /* An early end of file.  A file system whose st_size is larger
           * than what it returns is not a shrinking file: stop there.  */
          if (shrank (s, end))
            res = FAST_SHRANK;
          break;
        }
      int err = (int) -n;
      if (err == EINTR)
        continue;
      if (err == EAGAIN)
        {
          wait_fd (STDOUT_FILENO, POLLOUT);
          continue;
        }
      if (m != M_WRITE && output_error (err))
        write_error (err);
      if (shrank (s, end))
        {
          res = FAST_SHRANK;
          break;
        }
      if (m != M_WRITE)
        {
          /* The call does not apply here (EINVAL, EXDEV, EBADF for an
           * O_APPEND output...), or failed on the input: write(2) will
           * tell which.  */
          m = M_WRITE;
          if (mp.file == NULL && !map_range (s, &mp, off, end))
            {
              res = FAST_READ_REST;
              break;
            }
          continue;
        }
      /* write(2) from the mapping met a page it could not read although
       * the file is as long as ever (an I/O error): read(2) will say
       * what it is.  */
      res = FAST_READ_REST;
      break;
    }

  if (mp.file != NULL)
    unmap_range (&mp);
  *poff = off;
  if (res == FAST_SHRANK)
    report_shrink (s);
  return res;
}

/* The method for a regular file, given the output.  */
static enum method
choose_method (void)
{
  enum method m = opt_method;
  if (m == M_AUTO)
    m = out.kind == OUT_PIPE ? M_SPLICE : out.kind == OUT_REG ? M_COPY
      : M_READ;
  if ((m == M_SPLICE || m == M_VMSPLICE) && out.kind != OUT_PIPE)
    m = M_WRITE;
  if (m == M_COPY && out.kind != OUT_REG)
    m = M_WRITE;
#if !HAVE_SPLICE
  if (m == M_SPLICE)
    m = M_WRITE;
#endif
#if !HAVE_VMSPLICE
  if (m == M_VMSPLICE)
    m = M_WRITE;
#endif
#if !HAVE_COPY_FILE_RANGE
  if (m == M_COPY)
    m = M_WRITE;
#endif
  return m;
}

/* Copy a regular file from its current position (0 for a named file, the
 * shared offset for standard input).  */
static bool
cat_regular (const struct src *s, const struct stat *st)
{
  off_t cur = lseek (s->fd, 0, SEEK_CUR);
  uint64_t pos = cur > 0 ? (uint64_t) cur : 0;
  struct mc_range r;
  mc_plan_range (pos, opt_offset, opt_length, s->size, &r);
  uint64_t start = r.start;
  uint64_t limit_end = r.limit_end;
  uint64_t expect_end = r.expect_end;
  uint64_t off = start;
  enum method m = choose_method ();

  /* As cat: copying a file onto itself from before its end would never
   * end, or would destroy it.  */
  if (out.kind == OUT_REG && st->st_dev == out.dev && st->st_ino == out.ino
      && start < s->size)
    {
      util_error (0, _("%s: input file is output file"), util_quote (s->name));
      return false;
    }

  if (r.past_end)
    {
      /* Nothing to copy, as with tail -c +N past the end.  Standard
       * input is still consumed up to the offset, or to its end when
       * the offset is beyond what a file can be.  */
      if (lseek (s->fd, to_off (start), SEEK_SET) < 0)
        (void) lseek (s->fd, 0, SEEK_END);
      return true;
    }

#if HAVE_POSIX_FADVISE
  /* As cat: the kernel doubles its readahead, which a cold file read by
   * splice or copy_file_range needs as much as one read by read(2).  */
  (void) posix_fadvise (s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  if (m != M_READ && r.fast
      && copy_fast (s, m, &off, expect_end) == FAST_SHRANK)
    {
      (void) lseek (s->fd, to_off (off), SEEK_SET);
      return false;
    }

  /* Go on with read(2): for what was not mapped, for what a failed fast
   * path left, and for what was appended to the file meanwhile.  Leaving
   * the descriptor's offset after what was copied is what makes "- -"
   * work on a regular file as on a pipe.  The fast paths leave the
   * offset alone, so a file that cannot seek (some of /proc) is still at
   * POS: skip by reading.  */
  if (off != pos && lseek (s->fd, to_off (off), SEEK_SET) < 0
      && !skip_by_reading (s, off - pos))
    return false;
  return copy_read (s, off, limit_end, expect_end);
}

static bool
cat_operand (const char *name)
{
  struct src s = { .name = name };
  struct stat st;
  bool ok;

  if (strcmp (name, "-") == 0)
    s.fd = STDIN_FILENO;
  else
    {
      s.fd = open (name, O_RDONLY | O_CLOEXEC);
      if (s.fd < 0)
        {
          util_file_error (name, -errno);
          return false;
        }
    }

  if (fstat (s.fd, &st) != 0)
    {
      util_file_error (name, -errno);
      ok = false;
    }
  else if (S_ISDIR (st.st_mode))
    {
      util_file_error (name, -EISDIR);
      ok = false;
    }
  else if (S_ISREG (st.st_mode))
    {
      s.size = (uint64_t) st.st_size;
      ok = cat_regular (&s, &st);
    }
  else
    {
      /* Pipes, terminals, sockets, devices: skip by seeking where that
       * works (block devices), else by reading.  */
      uint64_t skipped = 0;
      ok = true;
      if (opt_offset > 0)
        {
          if (S_ISBLK (st.st_mode)
              && lseek (s.fd, to_off (opt_offset), SEEK_CUR) >= 0)
            skipped = opt_offset;
          ok = skip_by_reading (&s, opt_offset - skipped);
        }
      if (ok)
        ok = copy_read (&s, 0, opt_length, 0);
    }

  if (s.fd != STDIN_FILENO && close (s.fd) != 0 && ok)
    {
      util_file_error (name, -errno);
      ok = false;
    }
  return ok;
}

static noreturn void
usage (void)
{
  printf (_("Usage: %s [OPTION]... [FILE]...\n"), util_program_name);
  fputs (_("\
Concatenate FILE(s) to standard output, reading regular files through\n\
memory mappings and zero-copy system calls.\n\
\n\
With no FILE, or when FILE is -, read standard input.\n\
\n"), stdout);
  fputs (_("\
  -o, --offset=N       start N bytes into each FILE\n\
  -l, --length=N       copy at most N bytes of each FILE\n\
      --method=METHOD  copy regular files with METHOD: auto (the default),\n\
                         splice, vmsplice, copy, write or read; see below\n\
      --window=SIZE    map at most SIZE bytes of a file at a time (methods\n\
                         write and vmsplice; vmsplice then writes)\n\
  -u                   (ignored)\n\
      --help           display this help and exit\n\
      --version        output version information and exit\n\
\n"), stdout);
  fputs (_("\
N and SIZE are decimal, or hexadecimal after 0x, and may be followed by\n\
K, M, G or T (powers of 1024; KiB, MiB... mean the same).\n\
\n\
A range applies to every FILE; on standard input, --offset skips bytes\n\
and --length stops reading, so that a later - goes on from there.  A\n\
range that starts at or past the end of a file copies nothing, and one\n\
that runs past the end stops there, silently, as tail -c and dd do.  An\n\
offset and a length whose sum overflows mean \"to the end\".\n\
\n"), stdout);
  fputs (_("\
Methods (for regular files of 16 KiB or more; smaller ranges, empty\n\
files, /proc files, pipes and devices are always read with read(2)):\n\
  auto      splice into a pipe, copy into a regular file, read otherwise\n\
  splice    splice(2) the file's pages into the pipe (pipes only)\n\
  vmsplice  vmsplice(2) the mapped pages into the pipe (pipes only)\n\
  copy      copy_file_range(2) (regular files only)\n\
  write     write(2) from the mapping\n\
  read      read(2) into a buffer and write(2) it, as cat does\n\
A method that does not apply to standard output, or that the system\n\
refuses, falls back to write, and write to read.\n\
\n"), stdout);
  fputs (_("\
A file that shrinks while it is copied is reported and makes the exit\n\
status 1; what was written before is what the file held.  splice and\n\
vmsplice pass pages of the file to the pipe: a truncation after mmcat's\n\
last check and before the reader reads them may show the reader zeroes.\n\
\n"), stdout);
  fputs (_("\
Exit status:\n\
 0  if all went well,\n\
 1  if a FILE could not be read in full, or writing failed,\n\
 2  on a usage error.\n"), stdout);
  exit (EXIT_OK);
}

int
main (int argc, char **argv)
{
  enum { OPT_METHOD = CHAR_MAX + 1, OPT_WINDOW, OPT_HELP, OPT_VERSION };
  static const struct option long_options[] =
  {
    { "offset", required_argument, NULL, 'o' },
    { "length", required_argument, NULL, 'l' },
    { "method", required_argument, NULL, OPT_METHOD },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
  };
  int c;
  bool ok = true;

  util_init (argv[0]);
  /* getopt names the program after argv[0]: make it the name the other
   * messages use, not the path of a libtool wrapper's binary.  */
  argv[0] = (char *) util_program_name;

  while ((c = getopt_long (argc, argv, "o:l:u", long_options, NULL)) != -1)
    switch (c)
      {
      case 'o':
        if (!util_parse_size (optarg, &opt_offset))
          {
            util_error (0, _("invalid offset: '%s'"), optarg);
            util_try_help ();
          }
        break;
      case 'l':
        if (!util_parse_size (optarg, &opt_length))
          {
            util_error (0, _("invalid length: '%s'"), optarg);
            util_try_help ();
          }
        break;
      case 'u':
        break;
      case OPT_METHOD:
        {
          int i;
          for (i = 0; method_names[i] != NULL; i++)
            if (strcmp (optarg, method_names[i]) == 0)
              break;
          if (method_names[i] == NULL)
            {
              util_error (0, _("invalid method: '%s'"), optarg);
              util_try_help ();
            }
          opt_method = (enum method) i;
        }
        break;
      case OPT_WINDOW:
        if (!util_parse_size (optarg, &opt_window) || opt_window == 0)
          {
            util_error (0, _("invalid window size: '%s'"), optarg);
            util_try_help ();
          }
        break;
      case OPT_HELP:
        usage ();
      case OPT_VERSION:
        util_version ();
      default:
        util_try_help ();
      }

  examine_stdout ();
  /* Page-aligned: the kernel's copies in and out of it measured 5-8%
   * faster than with malloc's 16-byte offset.  */
  read_buf = aligned_alloc ((size_t) sysconf (_SC_PAGESIZE), READ_BUFSIZE);
  if (read_buf == NULL)
    {
      util_error (-ENOMEM, "%s", _("cannot allocate a buffer"));
      return EXIT_TROUBLE;
    }

  if (optind == argc)
    ok = cat_operand ("-");
  for (; optind < argc; optind++)
    ok &= cat_operand (argv[optind]);

  free (read_buf);
  return ok ? EXIT_OK : EXIT_TROUBLE;
}
