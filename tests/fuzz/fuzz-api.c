/* fuzz-api.c — libFuzzer target for the libmmapio API.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a program: a header that chooses how a small file is
 * created and opened (mode, open call, size, flags, windowed or not), then
 * one operation per group of bytes (reads, writes, views, flushes,
 * resizes, advice, populate, atomics, walks, cursors, streams, residency,
 * eviction, locks, and a truncation of the file behind the library's back).
 * Offsets and lengths are drawn from the edges: 0, the size and its
 * neighbours, page boundaries, 2^63 and UINT64_MAX.
 *
 * The target keeps a shadow copy of what the mapping holds and of what
 * the file holds, and abort()s when the library disagrees: a return code
 * that its documentation does not list for the call, a read past the end
 * that succeeds, a byte read back that differs from the shadow, a file
 * that does not hold what RDWR writes put there, a leaked descriptor.
 * Each input starts from a fresh file in a private directory and closes
 * every handle, view and stream it made.
 *
 * To see what an input does, run it with FUZZ_API_TRACE=1 in the
 * environment: each call is printed with its arguments before it is made
 * (tests/fuzz/replay-api FILE replays one input without libFuzzer).  */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmapio.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* AddressSanitizer turns mlock and munlock into no-ops but lets mlock2
 * through: a range locked with MMAPIO_LOCK_ONFAULT would then stay locked
 * after mmapio_unlock, which no real system does.  */
#if defined __SANITIZE_ADDRESS__
# define asan_mlock true
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define asan_mlock true
# endif
#endif
#ifndef asan_mlock
# define asan_mlock false
#endif

/* Sizes stay below this many pages, so that the shadows are small.  */
#define MAX_PAGES 4
#define N_VIEWS 4
#define MAX_OPS 64

/* ------------------------------------------------------------------ */
/* Reading the program.  */

struct input
{
  const uint8_t *p;
  size_t n;
};

static unsigned
get_u8 (struct input *in)
{
  if (in->n == 0)
    return 0;
  in->n--;
  return *in->p++;
}

static unsigned
get_u16 (struct input *in)
{
  unsigned lo = get_u8 (in);
  return lo | get_u8 (in) << 8;
}

static size_t page;
static uint64_t max_size;

/* An offset, length or size, mostly at the edges of SIZE.  */
static uint64_t
get_edge (struct input *in, uint64_t size)
{
  unsigned b = get_u8 (in);
  switch (b % 16)
    {
    case 0: return 0;
    case 1: return size;
    case 2: return size - 1;   /* UINT64_MAX for an empty mapping */
    case 3: return size + 1;
    case 4: return UINT64_MAX;
    case 5: return UINT64_C (1) << 63;
    case 6: return page;
    case 7: return page - 1;
    case 8: return page + 1;
    case 9: return get_u16 (in) % (size + 2);
    case 10: return UINT64_MAX - get_u8 (in);
    case 11: return get_u16 (in);
    case 12: return 1;
    case 13: return size / 2;
    case 14: return (uint64_t) get_u8 (in) * 8 + (b >> 4) % 8;
    default: return b >> 4;
    }
}

/* ------------------------------------------------------------------ */
/* Checks.  */

/* The call being checked, with its arguments, for the failure message.  */
static char note_buf[256];

static void note (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

static void
note (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (note_buf, sizeof note_buf, fmt, ap);
  va_end (ap);
  if (getenv ("FUZZ_API_TRACE") != NULL)
    fprintf (stderr, "fuzz-api: %s\n", note_buf);
}

static void fail (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2), noreturn));

static void
fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("fuzz-api: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  if (note_buf[0] != '\0')
    fprintf (stderr, "fuzz-api: in %s\n", note_buf);
  abort ();
}

/* R must be 0 or one of the N codes that follow.  */
static void
want_rc (const char *call, int r, int n, ...)
{
  va_list ap;
  bool ok = r == 0;
  va_start (ap, n);
  for (int i = 0; i < n; i++)
    if (va_arg (ap, int) == r)
      ok = true;
  va_end (ap);
  if (!ok)
    fail ("%s returned %d (%s), not a documented result", call, r,
          mmapio_strerror (r));
}

static void
want_eq (const char *call, int r, int expected)
{
  if (r != expected)
    fail ("%s returned %d (%s), expected %d (%s)", call, r,
          mmapio_strerror (r), expected, mmapio_strerror (expected));
}

static bool
in_bounds (uint64_t off, uint64_t len, uint64_t size)
{
  return off <= size && len <= size - off;
}

/* ------------------------------------------------------------------ */
/* State of one run.  */

enum open_kind
{
  K_OPEN,        /* mmapio_open of an existing file */
  K_CREATE,      /* mmapio_create */
  K_OOC_OLD,     /* mmapio_open_or_create of an existing file */
  K_OOC_NEW,     /* mmapio_open_or_create of a new file */
  K_EX_WINDOW,   /* mmapio_open_ex, windowed */
  K_EX_CREATE,   /* mmapio_open_ex, create with a small reservation */
  K_FD,          /* mmapio_open_fd */
  K_COUNT
};

struct state
{
  mmapio_file *f;
  enum mmapio_mode mode;
  bool windowed;
  uint64_t size;         /* what the library should say */
  uint8_t *shadow;       /* what the mapping holds: max_size bytes */
  uint8_t *file;         /* what the file holds: max_size bytes */
  uint64_t file_size;
  int fd;                /* our own descriptor on the file */
  mmapio_view views[N_VIEWS];
  uint64_t view_off[N_VIEWS];
  bool view_held[N_VIEWS];
  mmapio_view_mut mviews[N_VIEWS];
  uint64_t mview_off[N_VIEWS];
  bool mview_held[N_VIEWS];
  bool locked;           /* opened with MMAPIO_OPEN_LOCK */
  bool truncated;        /* the file was cut short behind the library */
  uint64_t cut;          /* its size then, a multiple of the page size */
  uint8_t stamp;         /* varies the bytes written */
};

static char *dir_path;
static char *file_path;

static void
remove_dir (void)
{
  if (file_path != NULL)
    unlink (file_path);
  if (dir_path != NULL)
    rmdir (dir_path);
}

/* A private directory, on tmpfs where there is one so that flushes cost
 * little; $TMPDIR wins.  It is removed at exit; a crash leaves it (with
 * at most one small file) behind.  */
static void
setup_once (void)
{
  if (dir_path != NULL)
    return;
  page = (size_t) sysconf (_SC_PAGESIZE);
  max_size = (uint64_t) MAX_PAGES * page;
  const char *base = getenv ("TMPDIR");
  if (base == NULL || *base == '\0')
    base = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  size_t n = strlen (base) + 32;
  dir_path = malloc (n);
  file_path = malloc (n + 8);
  if (dir_path == NULL || file_path == NULL)
    abort ();
  snprintf (dir_path, n, "%s/mmapio-fuzz-XXXXXX", base);
  if (mkdtemp (dir_path) == NULL)
    fail ("mkdtemp %s: %s", dir_path, strerror (errno));
  snprintf (file_path, n + 8, "%s/f", dir_path);
  atexit (remove_dir);
}

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  int n = 0;
  if (d == NULL)
    return -1;
  while (readdir (d) != NULL)
    n++;
  closedir (d);
  return n;
}

/* Shadows follow a change of size: new bytes are zeroes.  */
static void
set_size (struct state *s, uint64_t new_size)
{
  if (new_size > s->size)
    memset (s->shadow + s->size, 0, new_size - s->size);
  s->size = new_size;
  if (s->mode == MMAPIO_RDWR)
    {
      memcpy (s->file, s->shadow, new_size);
      s->file_size = new_size;
    }
}

/* Record a write of LEN bytes of BUF at OFF.  */
static void
shadow_write (struct state *s, uint64_t off, const void *buf, size_t len)
{
  memcpy (s->shadow + off, buf, len);
  if (s->mode == MMAPIO_RDWR)
    memcpy (s->file + off, buf, len);
}

static void
compare (const char *what, const void *got, uint64_t off, size_t len,
         const struct state *s)
{
  if (len > 0 && memcmp (got, s->shadow + off, len) != 0)
    {
      size_t i = 0;
      while (((const uint8_t *) got)[i] == s->shadow[off + i])
        i++;
      fail ("%s: byte %llu reads %u, expected %u", what,
            (unsigned long long) (off + i), ((const uint8_t *) got)[i],
            s->shadow[off + i]);
    }
}

/* The part of [OFF, OFF+LEN) that can still be read after a truncation
 * behind the library's back: bytes below the cut.  */
static bool
safe_range (const struct state *s, uint64_t off, uint64_t len)
{
  return !s->truncated || len == 0 || (off <= s->cut && len <= s->cut - off);
}

static void
fill (uint8_t *buf, size_t len, uint8_t seed)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t) (seed + i * 7);
}

static bool
any_views (const struct state *s)
{
  for (int i = 0; i < N_VIEWS; i++)
    if (s->view_held[i] || s->mview_held[i])
      return true;
  return false;
}

/* ------------------------------------------------------------------ */
/* Operations.  */

static void
op_read (struct state *s, struct input *in)
{
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  /* max_size bytes are enough for any read in bounds: a longer one must
   * fail before the buffer is touched, which ASan checks.  */
  size_t cap = len < max_size ? (size_t) len : (size_t) max_size;
  uint8_t *buf = malloc (cap + 1);
  if (buf == NULL)
    abort ();
  note ("read off=%llu len=%llu size=%llu", (unsigned long long) off,
        (unsigned long long) len, (unsigned long long) s->size);
  int r = mmapio_read (s->f, off, buf, len > SIZE_MAX ? SIZE_MAX : (size_t) len);
  if (!in_bounds (off, len, s->size))
    want_eq ("mmapio_read past the end", r, MMAPIO_E_BOUNDS);
  else if (safe_range (s, off, len))
    {
      want_eq ("mmapio_read", r, 0);
      compare ("mmapio_read", buf, off, (size_t) len, s);
    }
  else if (s->mode == MMAPIO_COW)
    want_rc ("mmapio_read of a truncated COW file", r, 1, MMAPIO_E_SHRUNK);
  else
    want_eq ("mmapio_read of a truncated file", r, MMAPIO_E_SHRUNK);
  free (buf);
}

static void
op_write (struct state *s, struct input *in)
{
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  size_t cap = len < max_size ? (size_t) len : (size_t) max_size;
  uint8_t *buf = malloc (cap + 1);
  if (buf == NULL)
    abort ();
  fill (buf, cap, s->stamp++);
  if (s->truncated && off < s->cut)
    off = s->cut;
  note ("write off=%llu len=%llu size=%llu", (unsigned long long) off,
        (unsigned long long) len, (unsigned long long) s->size);
  int r = mmapio_write (s->f, off, buf, len > SIZE_MAX ? SIZE_MAX : (size_t) len);
  bool ib = in_bounds (off, len, s->size);
  if (s->mode == MMAPIO_RDONLY)
    {
      if (ib)
        want_eq ("mmapio_write on RDONLY", r, MMAPIO_E_MODE);
      else
        want_rc ("mmapio_write on RDONLY", r == 0 ? 1 : r, 2, MMAPIO_E_MODE,
                 MMAPIO_E_BOUNDS);
    }
  else if (!ib)
    want_eq ("mmapio_write past the end", r, MMAPIO_E_BOUNDS);
  else if (s->truncated && len > 0)
    {
      /* Only bytes at or past the cut are written: they are gone from
       * the file, so shared mappings must fail, private ones may hold
       * copies.  Nothing is compared there from now on.  */
      if (s->mode == MMAPIO_COW)
        want_rc ("mmapio_write of a truncated COW file", r, 1,
                 MMAPIO_E_SHRUNK);
      else
        want_eq ("mmapio_write of a truncated file", r, MMAPIO_E_SHRUNK);
    }
  else
    {
      want_eq ("mmapio_write", r, 0);
      shadow_write (s, off, buf, (size_t) len);
    }
  free (buf);
}

static void
op_view (struct state *s, struct input *in, bool mut)
{
  unsigned slot = get_u8 (in) % N_VIEWS;
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  bool ib = in_bounds (off, len, s->size);
  int r;

  if (s->truncated)
    return;
  note ("view%s %u off=%llu len=%llu", mut ? "_mut" : "", slot,
        (unsigned long long) off, (unsigned long long) len);
  if (!mut)
    {
      if (s->view_held[slot])
        {
          mmapio_view_release (&s->views[slot]);
          s->view_held[slot] = false;
          /* Releasing twice is harmless.  */
          mmapio_view_release (&s->views[slot]);
        }
      r = mmapio_view_get (s->f, off, len, &s->views[slot]);
      if (s->windowed)
        want_eq ("mmapio_view_get on a windowed handle", r, MMAPIO_E_MODE);
      else if (!ib)
        want_eq ("mmapio_view_get past the end", r, MMAPIO_E_BOUNDS);
      else
        {
          want_eq ("mmapio_view_get", r, 0);
          if (s->views[slot].len != len || s->views[slot].data == NULL)
            fail ("mmapio_view_get: wrong view");
          compare ("view", s->views[slot].data, off, (size_t) len, s);
          s->view_held[slot] = true;
          s->view_off[slot] = off;
        }
      return;
    }

  if (s->mview_held[slot])
    {
      mmapio_view_mut_release (&s->mviews[slot]);
      s->mview_held[slot] = false;
    }
  r = mmapio_view_get_mut (s->f, off, len, &s->mviews[slot]);
  if (s->mode == MMAPIO_RDONLY || s->windowed)
    {
      if (ib || s->windowed)
        want_eq ("mmapio_view_get_mut", r, MMAPIO_E_MODE);
      else
        want_rc ("mmapio_view_get_mut", r == 0 ? 1 : r, 2, MMAPIO_E_MODE,
                 MMAPIO_E_BOUNDS);
    }
  else if (!ib)
    want_eq ("mmapio_view_get_mut past the end", r, MMAPIO_E_BOUNDS);
  else
    {
      want_eq ("mmapio_view_get_mut", r, 0);
      if (s->mviews[slot].len != len || s->mviews[slot].data == NULL)
        fail ("mmapio_view_get_mut: wrong view");
      compare ("writable view", s->mviews[slot].data, off, (size_t) len, s);
      /* Write through it: the store is seen by reads and, on RDWR, in the
       * file.  */
      uint8_t *buf = malloc ((size_t) len + 1);
      if (buf == NULL)
        abort ();
      fill (buf, (size_t) len, s->stamp++);
      if (len > 0)
        memcpy (s->mviews[slot].data, buf, (size_t) len);
      shadow_write (s, off, buf, (size_t) len);
      free (buf);
      s->mview_held[slot] = true;
      s->mview_off[slot] = off;
    }
}

static void
release_views (struct state *s, unsigned mask)
{
  for (int i = 0; i < N_VIEWS; i++)
    {
      if (s->view_held[i] && (mask & (1u << i)))
        {
          mmapio_view_release (&s->views[i]);
          s->view_held[i] = false;
        }
      if (s->mview_held[i] && (mask & (0x10u << i)))
        {
          mmapio_view_mut_release (&s->mviews[i]);
          s->mview_held[i] = false;
        }
    }
}

/* Views see the mapping as it is now.  */
static void
check_views (const struct state *s)
{
  if (s->truncated)
    return;
  for (int i = 0; i < N_VIEWS; i++)
    {
      if (s->view_held[i])
        compare ("held view", s->views[i].data, s->view_off[i],
                 s->views[i].len, s);
      if (s->mview_held[i])
        compare ("held writable view", s->mviews[i].data, s->mview_off[i],
                 s->mviews[i].len, s);
    }
}

static void
op_flush (struct state *s, struct input *in)
{
  unsigned what = get_u8 (in) % 5;
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  bool ib = in_bounds (off, len, s->size);
  int r;

  if (s->truncated)
    return;
  note ("flush %u off=%llu len=%llu", what, (unsigned long long) off,
        (unsigned long long) len);
  switch (what)
    {
    case 0:
      want_eq ("mmapio_flush", mmapio_flush (s->f), 0);
      if (s->mode == MMAPIO_RDWR && !s->windowed && mmapio_pending (s->f) != 0)
        fail ("mmapio_pending is %llu after mmapio_flush",
              (unsigned long long) mmapio_pending (s->f));
      break;
    case 1:
      r = mmapio_flush_range (s->f, off, len);
      want_eq ("mmapio_flush_range", r, ib ? 0 : MMAPIO_E_BOUNDS);
      break;
    case 2:
      want_eq ("mmapio_flush_async", mmapio_flush_async (s->f), 0);
      break;
    case 3:
      r = mmapio_flush_range_async (s->f, off, len);
      want_eq ("mmapio_flush_range_async", r, ib ? 0 : MMAPIO_E_BOUNDS);
      break;
    default:
      r = mmapio_mark_dirty (s->f, off, len);
      if (s->mode == MMAPIO_RDONLY)
        want_rc ("mmapio_mark_dirty on RDONLY", r == 0 ? 1 : r, 2,
                 MMAPIO_E_MODE, MMAPIO_E_BOUNDS);
      else
        want_eq ("mmapio_mark_dirty", r, ib ? 0 : MMAPIO_E_BOUNDS);
      break;
    }
  /* Per-page counting caps what is pending at the mapping's pages
   * (windowed handles count every byte written).  */
  if (s->mode == MMAPIO_RDWR && !s->windowed
      && mmapio_pending (s->f) > (s->size + page - 1) / page * page)
    fail ("mmapio_pending is %llu for a mapping of %llu bytes",
          (unsigned long long) mmapio_pending (s->f),
          (unsigned long long) s->size);
}

static void
op_policy (struct state *s, struct input *in)
{
  unsigned b = get_u8 (in);
  enum mmapio_flush_policy p = (enum mmapio_flush_policy) (b % 7);
  uint64_t arg = get_u8 (in) % 4;
  int r;

  if (p == MMAPIO_FLUSH_EVERY_MILLIS)
    arg = arg * 5;
  note ("policy %u %llu", p, (unsigned long long) arg);
  r = mmapio_set_flush_policy (s->f, p, arg);
  if (p > MMAPIO_FLUSH_EVERY_MILLIS
      || (p >= MMAPIO_FLUSH_EVERY_BYTES && arg == 0))
    want_eq ("mmapio_set_flush_policy", r, -EINVAL);
  else
    want_rc ("mmapio_set_flush_policy", r, 2, -EAGAIN, -ENOMEM);
}

static void
op_resize (struct state *s, struct input *in)
{
  uint64_t n = get_edge (in, s->size);
  int r;

  if (s->truncated)
    return;
  /* Sizes beyond the shadows are only tried where they must fail before
   * any block is allocated.  */
  if (n > max_size && n <= (uint64_t) INT64_MAX)
    n = n % (max_size + 1);
  note ("resize %llu to %llu", (unsigned long long) s->size,
        (unsigned long long) n);
  r = mmapio_resize (s->f, n);
  if (s->mode != MMAPIO_RDWR || s->windowed)
    want_eq ("mmapio_resize", r, MMAPIO_E_MODE);
  else if (n > max_size)
    {
      if (r == 0)
        fail ("mmapio_resize to %llu succeeded", (unsigned long long) n);
      want_rc ("mmapio_resize", r, 3, -EFBIG, -ENOMEM, -EINVAL);
    }
  else if (n < s->size && any_views (s))
    want_eq ("mmapio_resize shrinking under a view", r, -EBUSY);
  else if (n > s->size && any_views (s))
    want_rc ("mmapio_resize growing under a view", r, 1, -EBUSY);
  else
    want_eq ("mmapio_resize", r, 0);
  if (r == 0)
    set_size (s, n);
  if (mmapio_size (s->f) != s->size)
    fail ("mmapio_size is %llu after mmapio_resize, expected %llu",
          (unsigned long long) mmapio_size (s->f),
          (unsigned long long) s->size);
}

static void
op_advise (struct state *s, struct input *in)
{
  unsigned a = get_u8 (in) % 8;
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  int r;

  if (s->truncated)
    return;
  note ("advise %u off=%llu len=%llu", a, (unsigned long long) off,
        (unsigned long long) len);
  r = mmapio_advise (s->f, off, len, (enum mmapio_advice) a);
  if (a > MMAPIO_ADV_NOHUGEPAGE)
    {
      want_rc ("mmapio_advise (bad advice)", r == 0 ? 1 : r, 3, -EINVAL,
               MMAPIO_E_BOUNDS, MMAPIO_E_MODE);
      return;
    }
  if (s->windowed)
    {
      want_rc ("mmapio_advise (windowed)", r == 0 ? 1 : r, 2, MMAPIO_E_MODE,
               MMAPIO_E_BOUNDS);
      return;
    }
  if (!in_bounds (off, len, s->size))
    {
      want_eq ("mmapio_advise past the end", r, MMAPIO_E_BOUNDS);
      return;
    }
  want_rc ("mmapio_advise", r, 4, -EINVAL, -ENOTSUP, -ENOMEM, -EAGAIN);
  /* The kernel refuses to drop locked pages.  */
  if (r == -EINVAL && a == MMAPIO_ADV_DONTNEED && s->locked)
    return;
  if (r == 0 && a == MMAPIO_ADV_DONTNEED && s->mode == MMAPIO_COW && len > 0)
    {
      /* Private changes of the advised pages are dropped: they read as
       * the file again.  */
      uint64_t lo = off / page * page;
      uint64_t hi = (off + len + page - 1) / page * page;
      if (hi > s->size)
        hi = s->size;
      memcpy (s->shadow + lo, s->file + lo, hi - lo);
    }
  if (r != 0 && a != MMAPIO_ADV_HUGEPAGE && a != MMAPIO_ADV_NOHUGEPAGE)
    fail ("mmapio_advise (%u) failed: %s", a, mmapio_strerror (r));
}

static void
op_populate (struct state *s, struct input *in)
{
  unsigned b = get_u8 (in);
  unsigned flags = b % 3 == 2 ? 0x80u : b % 3 == 1 ? MMAPIO_POPULATE_WRITE : 0;
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  uint64_t pages = UINT64_MAX;
  note ("populate off=%llu len=%llu flags=%u size=%llu",
        (unsigned long long) off, (unsigned long long) len, flags,
        (unsigned long long) s->size);
  int r = mmapio_populate (s->f, off, len, flags, (b & 4) ? &pages : NULL);
  bool ib = in_bounds (off, len, s->size);

  if (flags == 0x80u)
    want_rc ("mmapio_populate (bad flags)", r == 0 ? 1 : r, 3, -EINVAL,
             MMAPIO_E_BOUNDS, MMAPIO_E_MODE);
  else if (s->windowed
           || (s->mode == MMAPIO_RDONLY && flags == MMAPIO_POPULATE_WRITE))
    want_rc ("mmapio_populate", r == 0 ? 1 : r, 2, MMAPIO_E_MODE,
             MMAPIO_E_BOUNDS);
  else if (!ib)
    want_eq ("mmapio_populate past the end", r, MMAPIO_E_BOUNDS);
  else if (!safe_range (s, off, len) && s->mode == MMAPIO_COW)
    want_rc ("mmapio_populate of a truncated COW file", r, 1,
             MMAPIO_E_SHRUNK);
  else if (!safe_range (s, off, len))
    want_eq ("mmapio_populate of a truncated file", r, MMAPIO_E_SHRUNK);
  else
    {
      want_rc ("mmapio_populate", r, 1, -ENOMEM);
      if (r == 0 && (b & 4) && pages > (s->size + page - 1) / page)
        fail ("mmapio_populate walked %llu pages of %llu bytes",
              (unsigned long long) pages, (unsigned long long) s->size);
    }
  /* A populate never changes a byte, a write populate of COW included.  */
}

/* Each operation on the atomics adds ADD to the integer (and checks
 * it held what the shadow says first).  */
static void
op_atomic (struct state *s, struct input *in)
{
  unsigned b = get_u8 (in);
  bool wide = b & 1, array = b & 2;
  uint64_t off = get_edge (in, s->size);
  uint64_t count = array ? get_edge (in, 4) : 1;
  unsigned add = get_u8 (in) + 1;
  size_t w = wide ? 8 : 4;
  void *p = NULL;
  int r;

  if (s->truncated)
    return;
  note ("atomic %u off=%llu count=%llu", b & 3, (unsigned long long) off,
        (unsigned long long) count);
  if (wide)
    {
      _Atomic uint64_t *q = NULL;
      r = array ? mmapio_atomic_u64_array (s->f, off, count, &q)
                : mmapio_atomic_u64 (s->f, off, &q);
      p = (void *) q;
    }
  else
    {
      _Atomic uint32_t *q = NULL;
      r = array ? mmapio_atomic_u32_array (s->f, off, count, &q)
                : mmapio_atomic_u32 (s->f, off, &q);
      p = (void *) q;
    }
  /* Mode, count, alignment, bounds: the documented order.  */
  int expected = 0;
  if (s->mode == MMAPIO_RDONLY || s->windowed)
    expected = MMAPIO_E_MODE;
  else if (count == 0)
    expected = MMAPIO_E_EMPTY;
  else if (off % w != 0)
    expected = MMAPIO_E_ALIGN;
  else if (count > UINT64_MAX / w || !in_bounds (off, count * w, s->size))
    expected = MMAPIO_E_BOUNDS;
  want_eq (wide ? "mmapio_atomic_u64" : "mmapio_atomic_u32", r, expected);
  if (r != 0)
    return;
  if ((uint8_t *) p == NULL)
    fail ("atomic pointer is NULL");
  for (uint64_t i = 0; i < count; i++)
    {
      uint64_t o = off + i * w;
      if (wide)
        {
          _Atomic uint64_t *q = (_Atomic uint64_t *) p + i;
          uint64_t want, old = atomic_fetch_add (q, add);
          memcpy (&want, s->shadow + o, 8);
          if (old != want)
            fail ("atomic u64 at %llu holds %llx, expected %llx",
                  (unsigned long long) o, (unsigned long long) old,
                  (unsigned long long) want);
          want += add;
          shadow_write (s, o, &want, 8);
        }
      else
        {
          _Atomic uint32_t *q = (_Atomic uint32_t *) p + i;
          uint32_t want, old = atomic_fetch_add (q, add);
          memcpy (&want, s->shadow + o, 4);
          if (old != want)
            fail ("atomic u32 at %llu holds %x, expected %x",
                  (unsigned long long) o, old, want);
          want += add;
          shadow_write (s, o, &want, 4);
        }
    }
}

struct walk
{
  struct state *s;
  uint64_t next_off;
  uint64_t chunk;
  unsigned calls;
  unsigned stop_at;      /* stop at this call (0: never) */
};

static void
walk_check (struct walk *w, const void *data, size_t len, uint64_t off)
{
  struct state *s = w->s;
  uint64_t want_len = s->size - off < w->chunk ? s->size - off : w->chunk;
  if (off != w->next_off || len != want_len || len == 0)
    fail ("walk: chunk (%llu, %zu), expected (%llu, %llu)",
          (unsigned long long) off, len, (unsigned long long) w->next_off,
          (unsigned long long) want_len);
  if (safe_range (s, off, len))
    compare ("walk", data, off, len, s);
  w->next_off = off + len;
  w->calls++;
}

static int
walk_read (const void *data, size_t len, uint64_t off, void *userdata)
{
  struct walk *w = userdata;
  walk_check (w, data, len, off);
  return w->calls == w->stop_at ? (int) w->stop_at : 0;
}

static int
walk_write (void *data, size_t len, uint64_t off, void *userdata)
{
  struct walk *w = userdata;
  walk_check (w, data, len, off);
  uint8_t *buf = malloc (len);
  if (buf == NULL)
    abort ();
  fill (buf, len, w->s->stamp++);
  memcpy (data, buf, len);
  shadow_write (w->s, off, buf, len);
  free (buf);
  return w->calls == w->stop_at ? (int) w->stop_at : 0;
}

static void
op_walk (struct state *s, struct input *in)
{
  unsigned b = get_u8 (in);
  unsigned kind = b % 3;   /* chunk, page, writable chunk */
  uint64_t chunk = kind == 1 ? page : get_edge (in, s->size);
  struct walk w = { s, 0, chunk, 0, get_u8 (in) % 4 };
  int r;

  if (s->truncated && kind == 2)
    return;
  note ("walk %u chunk=%llu stop=%u", kind, (unsigned long long) chunk,
        w.stop_at);
  if (kind == 0)
    r = mmapio_foreach_chunk (s->f, chunk, walk_read, &w);
  else if (kind == 1)
    r = mmapio_foreach_page (s->f, walk_read, &w);
  else
    r = mmapio_foreach_chunk_mut (s->f, chunk, walk_write, &w);

  if (kind == 2 && s->mode == MMAPIO_RDONLY)
    {
      want_rc ("mmapio_foreach_chunk_mut on RDONLY", r == 0 ? 1 : r, 2,
               MMAPIO_E_MODE, MMAPIO_E_EMPTY);
      if (w.calls != 0)
        fail ("mmapio_foreach_chunk_mut on RDONLY called back");
      return;
    }
  if (chunk == 0)
    {
      want_eq ("walk with chunk size 0", r, MMAPIO_E_EMPTY);
      return;
    }
  if (s->windowed && r == -EINVAL)
    return;   /* a chunk larger than the window allows */
  if (w.stop_at != 0 && w.calls == w.stop_at)
    want_eq ("walk stopped by its callback", r, (int) w.stop_at);
  else if (s->truncated && r == MMAPIO_E_SHRUNK)
    return;
  else
    {
      want_eq ("walk", r, 0);
      if (w.next_off != s->size)
        fail ("walk ended at %llu of %llu", (unsigned long long) w.next_off,
              (unsigned long long) s->size);
    }
}

static void
op_cursor (struct state *s, struct input *in)
{
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  uint64_t chunk = get_edge (in, s->size);
  mmapio_cursor c;
  const void *data;
  size_t n;
  uint64_t at, next = off;

  if (s->truncated)
    return;
  note ("cursor off=%llu len=%llu chunk=%llu", (unsigned long long) off,
        (unsigned long long) len, (unsigned long long) chunk);
  int r = mmapio_cursor_init (&c, s->f, off, len, chunk);
  if (s->windowed)
    want_rc ("mmapio_cursor_init (windowed)", r == 0 ? 1 : r, 3,
             MMAPIO_E_MODE, MMAPIO_E_BOUNDS, MMAPIO_E_EMPTY);
  else if (!in_bounds (off, len, s->size))
    want_rc ("mmapio_cursor_init past the end", r == 0 ? 1 : r, 2,
             MMAPIO_E_BOUNDS, MMAPIO_E_EMPTY);
  else if (chunk == 0)
    want_eq ("mmapio_cursor_init with chunk 0", r, MMAPIO_E_EMPTY);
  else
    want_eq ("mmapio_cursor_init", r, 0);
  if (r != 0)
    {
      /* After a failed init, next says "end" and end does nothing.  */
      want_eq ("mmapio_cursor_next after a failed init",
               mmapio_cursor_next (&c, &data, &n, &at), 0);
      mmapio_cursor_end (&c);
      return;
    }
  while ((r = mmapio_cursor_next (&c, &data, &n, (next & 1) ? &at : NULL)) == 1)
    {
      uint64_t want = off + len - next < chunk ? off + len - next : chunk;
      if ((next & 1) && at != next)
        fail ("cursor: chunk at %llu, expected %llu",
              (unsigned long long) at, (unsigned long long) next);
      if (n != want || n == 0)
        fail ("cursor: chunk of %zu bytes, expected %llu", n,
              (unsigned long long) want);
      compare ("cursor", data, next, n, s);
      next += n;
    }
  want_eq ("mmapio_cursor_next", r, 0);
  if (next != off + len)
    fail ("cursor ended at %llu, expected %llu", (unsigned long long) next,
          (unsigned long long) (off + len));
  mmapio_cursor_end (&c);
  mmapio_cursor_end (&c);
  want_eq ("mmapio_cursor_next after the end",
           mmapio_cursor_next (&c, &data, &n, NULL), 0);
}

static void
op_stream (struct state *s, struct input *in)
{
  static const char *const modes[] = { "r", "r+", "w", "w+", "a", "rw", "" };
  unsigned m = get_u8 (in) % 7;
  uint64_t pos = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size) % (max_size + 2);
  bool writing = m == 1 || m == 2;
  FILE *fp = NULL;

  if (s->truncated)
    return;
  note ("stream \"%s\" pos=%llu len=%llu", modes[m],
        (unsigned long long) pos, (unsigned long long) len);
  int r = mmapio_fopen (s->f, modes[m], &fp);
  if (m > 2)
    want_eq ("mmapio_fopen (bad mode)", r, -EINVAL);
  else if (writing && s->mode == MMAPIO_RDONLY)
    want_eq ("mmapio_fopen for writing on RDONLY", r, MMAPIO_E_MODE);
  else
    want_rc ("mmapio_fopen", r, 1, -ENOMEM);
  if (r != 0)
    return;

  /* Seeking lands in [0, size].  */
  pos &= (uint64_t) INT64_MAX;
  int sr = fseeko (fp, (off_t) pos, SEEK_SET);
  if ((sr == 0) != (pos <= s->size))
    fail ("fseeko to %llu in %llu bytes returned %d",
          (unsigned long long) pos, (unsigned long long) s->size, sr);
  if (sr != 0)
    {
      fclose (fp);
      return;
    }

  uint8_t *buf = malloc ((size_t) len + 1);
  if (buf == NULL)
    abort ();
  if (!writing)
    {
      size_t got = fread (buf, 1, (size_t) len, fp);
      size_t want = s->size - pos < len ? (size_t) (s->size - pos) : (size_t) len;
      if (got != want)
        fail ("fread of %llu at %llu: %zu bytes, expected %zu",
              (unsigned long long) len, (unsigned long long) pos, got, want);
      compare ("stream", buf, pos, got, s);
      if (fclose (fp) != 0)
        fail ("fclose of a read stream failed");
    }
  else
    {
      fill (buf, (size_t) len, s->stamp++);
      size_t put = fwrite (buf, 1, (size_t) len, fp);
      int fr = fflush (fp);
      int cr = fclose (fp);
      /* What fits is written; a write past the end is an error.  */
      uint64_t fits = s->size - pos < len ? s->size - pos : len;
      shadow_write (s, pos, buf, (size_t) fits);
      if (fits == len && (put != len || fr != 0 || cr != 0))
        fail ("stream write of %llu at %llu failed",
              (unsigned long long) len, (unsigned long long) pos);
      if (fits < len && fr == 0 && cr == 0 && put == len)
        fail ("stream write past the end succeeded");
    }
  free (buf);
}

static void
op_pagectl (struct state *s, struct input *in)
{
  unsigned b = get_u8 (in);
  uint64_t off = get_edge (in, s->size);
  uint64_t len = get_edge (in, s->size);
  bool ib = in_bounds (off, len, s->size);
  uint64_t max_pages = (s->size + page - 1) / page;
  int r;

  if (s->truncated)
    return;
  note ("page control %u off=%llu len=%llu", b, (unsigned long long) off,
        (unsigned long long) len);
  switch (b % 4)
    {
    case 0:
      {
        mmapio_residency_info info;
        unsigned char *vec = (b & 4) ? malloc (MAX_PAGES + 1) : NULL;
        r = mmapio_residency (s->f, off, len, &info, vec);
        if (!ib)
          want_eq ("mmapio_residency past the end", r, MMAPIO_E_BOUNDS);
        else
          want_rc ("mmapio_residency", r, 3, MMAPIO_E_FAKE, -ENOTSUP,
                   -ENOMEM);
        if (r == 0)
          {
            if (info.total > max_pages || info.resident > info.total)
              fail ("mmapio_residency: %llu of %llu pages in %llu bytes",
                    (unsigned long long) info.resident,
                    (unsigned long long) info.total,
                    (unsigned long long) s->size);
            if (vec != NULL)
              {
                uint64_t n = 0;
                for (uint64_t i = 0; i < info.total; i++)
                  {
                    if (vec[i] > 1)
                      fail ("mmapio_residency: vector holds %u", vec[i]);
                    n += vec[i];
                  }
                if (n != info.resident)
                  fail ("mmapio_residency: vector counts %llu, total %llu",
                        (unsigned long long) n,
                        (unsigned long long) info.resident);
              }
          }
        free (vec);
      }
      break;
    case 1:
      r = mmapio_prefetch (s->f, off, len);
      if (!ib)
        want_eq ("mmapio_prefetch past the end", r, MMAPIO_E_BOUNDS);
      else
        want_rc ("mmapio_prefetch", r, 1, -ENOTSUP);
      break;
    case 2:
      {
        unsigned flags = (b & 8) ? 0x40u : (b & 4) ? MMAPIO_EVICT_SYNC : 0;
        uint64_t evicted = 0;
        r = mmapio_evict (s->f, off, len, flags, (b & 16) ? &evicted : NULL);
        if (flags == 0x40u)
          want_rc ("mmapio_evict (bad flags)", r == 0 ? 1 : r, 2, -EINVAL,
                   MMAPIO_E_BOUNDS);
        else if (!ib)
          want_eq ("mmapio_evict past the end", r, MMAPIO_E_BOUNDS);
        else
          want_rc ("mmapio_evict", r, 4, -ENOTSUP, -EIO, -ENOSPC,
                   MMAPIO_E_FAKE);
        if (r == 0 && evicted > max_pages)
          fail ("mmapio_evict: %llu pages evicted of %llu bytes",
                (unsigned long long) evicted, (unsigned long long) s->size);
      }
      break;
    default:
      {
        bool all = b & 4;
        /* Unlocking part of a mapping locked at open would split it into
         * locked and unlocked parts, on which MADV_DONTNEED (advice,
         * above) acts only in part: leave such a mapping whole.  */
        if (s->locked)
          break;
        unsigned flags = (b & 8) && !asan_mlock ? MMAPIO_LOCK_ONFAULT : 0;
        r = all ? mmapio_lock_all (s->f, flags)
                : mmapio_lock (s->f, off, len, flags);
        if (s->windowed)
          want_rc ("mmapio_lock (windowed)", r == 0 ? 1 : r, 2,
                   MMAPIO_E_MODE, MMAPIO_E_BOUNDS);
        else if (!all && !ib)
          want_eq ("mmapio_lock past the end", r, MMAPIO_E_BOUNDS);
        else
          want_rc ("mmapio_lock", r, 6, MMAPIO_E_MEMLOCK, -EPERM, -ENOMEM,
                   -EAGAIN, -ENOTSUP, -EINVAL);
        r = all ? mmapio_unlock_all (s->f) : mmapio_unlock (s->f, off, len);
        if (s->windowed)
          want_rc ("mmapio_unlock (windowed)", r == 0 ? 1 : r, 2,
                   MMAPIO_E_MODE, MMAPIO_E_BOUNDS);
        else if (!all && !ib)
          want_eq ("mmapio_unlock past the end", r, MMAPIO_E_BOUNDS);
        else
          want_rc ("mmapio_unlock", r, 2, -ENOTSUP, -ENOMEM);
      }
      break;
    }
}

/* Cut the file short behind the library's back, as another process
 * would: reads of the lost pages must fail with MMAPIO_E_SHRUNK, never
 * kill the process.  */
static void
op_truncate (struct state *s, struct input *in)
{
  uint64_t cut = get_edge (in, s->size) / page * page;
  if (s->truncated || cut >= s->size || cut >= s->file_size)
    return;
  note ("truncate to %llu", (unsigned long long) cut);
  if (ftruncate (s->fd, (off_t) cut) != 0)
    fail ("ftruncate: %s", strerror (errno));
  s->truncated = true;
  s->cut = cut;
  s->file_size = cut;
}

/* Everything the library says agrees with the shadows.  */
static void
verify (struct state *s)
{
  note ("verify");
  if (mmapio_size (s->f) != s->size)
    fail ("mmapio_size is %llu, expected %llu",
          (unsigned long long) mmapio_size (s->f),
          (unsigned long long) s->size);
  if (mmapio_mode (s->f) != s->mode)
    fail ("mmapio_mode changed");
  if (s->windowed && mmapio_data (s->f) != NULL)
    fail ("mmapio_data of a windowed handle is not NULL");
  if (!s->windowed && (s->size == 0) != (mmapio_data (s->f) == NULL))
    fail ("mmapio_data and mmapio_size disagree");
  check_views (s);
  uint64_t n = s->truncated ? s->cut : s->size;
  uint8_t *buf = malloc ((size_t) max_size + 1);
  if (buf == NULL)
    abort ();
  want_eq ("mmapio_read of everything", mmapio_read (s->f, 0, buf, (size_t) n), 0);
  compare ("mmapio_read of everything", buf, 0, (size_t) n, s);
  /* The file holds what it should: RDWR writes reached it, COW writes
   * did not.  */
  struct stat st;
  if (fstat (s->fd, &st) != 0 || (uint64_t) st.st_size != s->file_size)
    fail ("the file has %lld bytes, expected %llu", (long long) st.st_size,
          (unsigned long long) s->file_size);
  if (pread (s->fd, buf, (size_t) s->file_size, 0) != (ssize_t) s->file_size)
    fail ("pread: %s", strerror (errno));
  if (s->file_size > 0 && memcmp (buf, s->file, (size_t) s->file_size) != 0)
    fail ("the file does not hold what was written to it");
  free (buf);
}

/* ------------------------------------------------------------------ */
/* One input.  */

static bool
open_handle (struct state *s, struct input *in)
{
  unsigned b0 = get_u8 (in), b1 = get_u8 (in), b2 = get_u8 (in);
  enum open_kind kind = (enum open_kind) (b0 % K_COUNT);
  uint64_t size;
  unsigned flags = 0;
  int r, created = -1;

  switch (b1 % 8)
    {
    case 0: size = 0; break;
    case 1: size = 1; break;
    case 2: size = 8; break;
    case 3: size = page - 1; break;
    case 4: size = page; break;
    case 5: size = page + 1; break;
    case 6: size = 2 * page + 17; break;
    default: size = max_size - (b1 >> 3); break;
    }
  s->mode = (enum mmapio_mode) ((b0 / K_COUNT) % 3);
  if (b2 & 1)
    flags |= MMAPIO_OPEN_POPULATE;
  if (b2 & 2)
    flags |= MMAPIO_OPEN_HUGEPAGE;
  if (b2 & 4)
    flags |= MMAPIO_OPEN_NOFOLLOW;
  if (b2 & 8)
    flags |= MMAPIO_OPEN_SPARSE;
  if (b2 & 16)
    flags |= MMAPIO_OPEN_NOATIME;
  if ((b2 & 0xe0) == 0xe0)
    flags |= MMAPIO_OPEN_LOCK;
  if ((b2 & 0xe0) == 0xc0)
    flags |= 1u << 20;   /* unknown: refused */

  /* The file as it is before the open, unless the open creates it.  */
  /* Creating opens are RDWR.  */
  if (kind == K_CREATE || kind == K_OOC_OLD || kind == K_OOC_NEW
      || kind == K_EX_CREATE)
    s->mode = MMAPIO_RDWR;
  note ("open kind=%u mode=%u size=%llu flags=%#x", kind, s->mode,
        (unsigned long long) size, flags);
  bool exists = kind != K_CREATE && kind != K_OOC_NEW && kind != K_EX_CREATE;
  s->file_size = size;
  fill (s->file, (size_t) size, (uint8_t) (b0 ^ b1));
  if (exists)
    {
      int fd = open (file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || (size > 0 && write (fd, s->file, (size_t) size) != (ssize_t) size)
          || close (fd) != 0)
        fail ("cannot write %s: %s", file_path, strerror (errno));
    }
  else
    memset (s->file, 0, (size_t) size);

  /* Creation refuses sizes beyond what a file can hold, and leaves no
   * file behind.  */
  if (!exists && (b2 & 0xe0) == 0xa0)
    {
      uint64_t huge = (b1 & 1) ? UINT64_MAX : UINT64_C (1) << 63;
      mmapio_file *f = NULL;
      if (kind == K_CREATE)
        r = mmapio_create (&f, file_path, huge, 0);
      else
        r = mmapio_open_or_create (&f, file_path, huge, 0, NULL);
      if (r == 0)
        fail ("creating a file of %llu bytes succeeded",
              (unsigned long long) huge);
      want_rc ("mmapio_create (huge)", r, 3, -EFBIG, -EINVAL, -ENOSPC);
      if (f != NULL)
        fail ("a failed open wrote its out-parameter");
      if (access (file_path, F_OK) == 0)
        fail ("a failed create left its file behind");
      return false;
    }

  mmapio_options o = MMAPIO_OPTIONS_INIT;
  o.flags = flags;
  switch (kind)
    {
    case K_OPEN:
      r = mmapio_open (&s->f, file_path, s->mode, flags);
      break;
    case K_CREATE:
      r = mmapio_create (&s->f, file_path, size, flags);
      break;
    case K_OOC_OLD:
    case K_OOC_NEW:
      r = mmapio_open_or_create (&s->f, file_path, size, flags, &created);
      break;
    case K_EX_WINDOW:
      o.window = (b1 & 1) ? page : 2 * page;
      s->windowed = true;
      r = mmapio_open_ex (&s->f, file_path, s->mode, &o);
      /* Windows are shared mappings: no windowed COW.  */
      if (s->mode == MMAPIO_COW && !(flags & (1u << 20)))
        {
          want_eq ("windowed COW open", r, -EINVAL);
          return false;
        }
      break;
    case K_EX_CREATE:
      o.create = 1;
      o.truncate = b1 & 1;
      o.size = size;
      o.reserve = (b1 & 2) ? page : 0;
      r = mmapio_open_ex (&s->f, file_path, s->mode, &o);
      break;
    default:
      {
        int fd = open (file_path, (s->mode == MMAPIO_RDWR ? O_RDWR : O_RDONLY)
                       | O_CLOEXEC);
        if (fd < 0)
          fail ("open: %s", strerror (errno));
        r = mmapio_open_fd (&s->f, fd, (b1 & 1) ? "name" : NULL, s->mode, flags);
        close (fd);
      }
      break;
    }

  /* mmapio_open_fd opens nothing: it refuses the flags that only apply
   * to opening a path.  */
  if ((flags & (1u << 20))
      || (kind == K_FD
          && (flags & (MMAPIO_OPEN_NOFOLLOW | MMAPIO_OPEN_NOATIME))))
    {
      want_eq ("open with unknown flags", r, -EINVAL);
      return false;
    }
  want_rc ("open", r, 3, MMAPIO_E_MEMLOCK, -ENOMEM, -EAGAIN);
  if (r != 0)
    return false;
  if (created != -1 && created != (kind == K_OOC_NEW))
    fail ("mmapio_open_or_create: created is %d", created);
  /* mmapio_open_or_create keeps an existing file as it is.  */
  s->size = size;
  s->locked = flags & MMAPIO_OPEN_LOCK;
  memcpy (s->shadow, s->file, (size_t) size);
  s->fd = open (file_path, O_RDWR | O_CLOEXEC);
  if (s->fd < 0)
    fail ("open: %s", strerror (errno));
  return true;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  struct state s;

  setup_once ();
  note_buf[0] = '\0';
  int fds = count_fds ();
  memset (&s, 0, sizeof s);
  s.fd = -1;
  s.shadow = calloc (1, (size_t) max_size + 1);
  s.file = calloc (1, (size_t) max_size + 1);
  if (s.shadow == NULL || s.file == NULL)
    abort ();
  unlink (file_path);

  if (open_handle (&s, &in))
    {
      for (int n = 0; n < MAX_OPS && in.n > 0; n++)
        {
          unsigned op = get_u8 (&in);
          switch (op % 18)
            {
            case 0: case 1: op_read (&s, &in); break;
            case 2: case 3: op_write (&s, &in); break;
            case 4: op_view (&s, &in, false); break;
            case 5: op_view (&s, &in, true); break;
            case 6: release_views (&s, get_u8 (&in)); break;
            case 7: op_flush (&s, &in); break;
            case 8: op_policy (&s, &in); break;
            case 9: op_resize (&s, &in); break;
            case 10: op_advise (&s, &in); break;
            case 11: op_populate (&s, &in); break;
            case 12: op_atomic (&s, &in); break;
            case 13: op_walk (&s, &in); break;
            case 14: op_cursor (&s, &in); break;
            case 15: op_stream (&s, &in); break;
            case 16: op_pagectl (&s, &in); break;
            default:
              if (op & 0x80)
                op_truncate (&s, &in);
              else
                verify (&s);
              break;
            }
        }
      verify (&s);
      release_views (&s, 0xff);
      int r = mmapio_close (s.f);
      if (!s.truncated)
        want_eq ("mmapio_close", r, 0);
      else if (r > 0)
        fail ("mmapio_close returned %d", r);
      close (s.fd);
    }
  want_eq ("mmapio_close (NULL)", mmapio_close (NULL), 0);
  unlink (file_path);
  free (s.shadow);
  free (s.file);
  if (count_fds () != fds)
    fail ("descriptors leaked: %d open, %d before", count_fds (), fds);
  return 0;
}
