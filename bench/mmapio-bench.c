/* mmapio-bench — libmmapio next to the same work done with libc and the
 * kernel, one case at a time, in one run.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every case has two implementations of one operation: "libmmapio" (the
 * library's calls) and "raw" (mmap, pointer arithmetic, memcpy, msync,
 * madvise... written directly, compiled with the same flags).  Each is
 * calibrated so that a batch lasts at least BATCH_NS, warmed up, then the
 * batches of the two alternate (ABAB...) so that drift of the machine hits
 * both alike.  The median, minimum and maximum of the per-batch ns/op are
 * reported.  See doc/performance.md for the method and the results.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "mmapio.h"

#ifndef BENCH_SEED_TSV
# define BENCH_SEED_TSV "bench/seed.tsv"
#endif

#define KiB (UINT64_C (1) << 10)
#define MiB (UINT64_C (1) << 20)
#define GiB (UINT64_C (1) << 30)

/* A batch lasts at least this long; a case has at least MIN_BATCHES.  */
#define BATCH_NS (20 * 1000 * 1000)
#define BATCHES 11
#define MIN_BATCHES 7
/* Ops slower than this get MIN_BATCHES instead of BATCHES.  */
#define SLOW_OP_NS (50 * 1000 * 1000)
/* --quick caps every file at this size.  */
#define QUICK_MAX_FILE (16 * MiB)
#define ATOMIC_OPS 10000

/* The black box: the compiler must produce X, and must assume memory was
 * read and written.  Used on the results of the measured work so that it
 * cannot be deleted or hoisted out of the loop.  */
#define SINK(x) __asm__ volatile ("" : : "r" (x))
#define CLOBBER(p) __asm__ volatile ("" : : "r" (p) : "memory")

static bool opt_quick;
static FILE *json_out;
static size_t page_size;
static char work_dir[PATH_MAX];

/* Files to remove at exit and on SIGINT/SIGTERM.  Fixed storage so that the
 * signal handler needs nothing but unlink and rmdir.  */
#define MAX_FILES 32
static char reg_files[MAX_FILES][PATH_MAX];
static volatile sig_atomic_t n_reg;

static void die (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2), noreturn, cold));

static void
cleanup_files (void)
{
  for (int i = 0; i < n_reg; i++)
    if (reg_files[i][0])
      unlink (reg_files[i]);
  if (work_dir[0])
    rmdir (work_dir);
}

static void
on_signal (int sig)
{
  cleanup_files ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static const char *
register_file (const char *name)
{
  char path[PATH_MAX];
  if ((size_t) snprintf (path, sizeof path, "%s/%s", work_dir, name)
      >= sizeof path)
    die ("%s/%s: file name too long", work_dir, name);
  for (int i = 0; i < n_reg; i++)
    if (!strcmp (reg_files[i], path))
      return reg_files[i];
  if (n_reg >= MAX_FILES)
    abort ();
  memcpy (reg_files[n_reg], path, sizeof path);
  n_reg = n_reg + 1;
  return reg_files[n_reg - 1];
}

static void
die (const char *fmt, ...)
{
  va_list ap;
  fflush (stdout);
  fputs ("mmapio-bench: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  cleanup_files ();
  exit (EXIT_FAILURE);
}

static void fail (const char *what, int err)
  __attribute__ ((noreturn, cold));

static void
fail (const char *what, int err)
{
  die ("%s: %s", what, mmapio_strerror (err));
}

#define CHECK(call) \
  do { int r_ = (call); if (__builtin_expect (r_ < 0, 0)) fail (#call, r_); } \
  while (0)
#define SYS(call) \
  do { if (__builtin_expect ((call) < 0, 0)) die ("%s: %s", #call, strerror (errno)); } \
  while (0)

static inline uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* xorshift64*: deterministic file contents and offsets.  */
static inline uint64_t
prng_next (uint64_t *state)
{
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * UINT64_C (0x2545F4914F6CDD1D);
}

static uint64_t
qsize (uint64_t size)
{
  return opt_quick && size > QUICK_MAX_FILE ? QUICK_MAX_FILE : size;
}

/* ---------------------------------------------------------------- */
/* Data files: created on first use, shared by every case that needs a file
 * of that size (as the seed's bench reuses its fixtures), written back to
 * disk at once so that write-back does not run during measurements.  */

struct datafile
{
  uint64_t size;
  const char *path;
};
static struct datafile dfiles[16];
static int n_dfiles;

static const char *
data_file (uint64_t size)
{
  for (int i = 0; i < n_dfiles; i++)
    if (dfiles[i].size == size)
      return dfiles[i].path;
  if (n_dfiles == (int) (sizeof dfiles / sizeof dfiles[0]))
    abort ();

  char name[64];
  snprintf (name, sizeof name, "data-%" PRIu64, size);
  const char *path = register_file (name);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die ("%s: %s", path, strerror (errno));
  size_t blk = 1 * MiB;
  uint64_t *buf = malloc (blk);
  if (!buf)
    die ("out of memory");
  uint64_t state = UINT64_C (0x6d6d6170696f) ^ size;
  for (uint64_t done = 0; done < size;)
    {
      for (size_t i = 0; i < blk / 8; i++)
        buf[i] = prng_next (&state);
      size_t n = size - done < blk ? (size_t) (size - done) : blk;
      ssize_t w = write (fd, buf, n);
      if (w < 0)
        die ("%s: %s", path, strerror (errno));
      done += (uint64_t) w;
    }
  free (buf);
  SYS (fdatasync (fd));
  SYS (close (fd));
  dfiles[n_dfiles].size = size;
  dfiles[n_dfiles].path = path;
  n_dfiles++;
  return path;
}

/* ---------------------------------------------------------------- */
/* Cases.  */

struct st;
typedef uint64_t (*run_fn) (struct st *s, uint64_t n);

enum goal_kind { GOAL_NONE, GOAL_ABS, GOAL_RATIO };

struct bcase
{
  const char *group;
  const char *id;
  uint64_t size;       /* file size (before --quick scaling) */
  uint64_t len;        /* request, chunk or thread count */
  enum goal_kind goal_kind;
  double goal;
  void (*setup) (struct st *);
  run_fn lib, raw;
  void (*teardown) (struct st *);
  unsigned arg;        /* a per-case variant (policy, advice, flags) */
};

struct st
{
  const struct bcase *c;
  uint64_t size, len;
  const char *path, *path2;
  mmapio_file *f;
  int fd, fd2;
  uint8_t *base;        /* raw's own mapping */
  uint8_t *rd;          /* what raw's memory-bound loops read: see below */
  size_t maplen;
  uint8_t *buf;
  uint64_t seq;
  const char *skip;
  /* raw background flusher (sequential_write/EveryMillis) */
  pthread_t thr;
  bool thr_on;
  atomic_int thr_stop;
  atomic_int thr_dirty;
};

static void
prefault (const uint8_t *p, uint64_t len)
{
  for (uint64_t off = 0; off < len; off += page_size)
    SINK (p[off]);
}

static void
raw_map (struct st *s, const char *path, int oflags, int prot, int mflags)
{
  s->fd = open (path, oflags | O_CLOEXEC);
  if (s->fd < 0)
    die ("%s: %s", path, strerror (errno));
  s->maplen = s->size;
  s->base = mmap (NULL, s->maplen, prot, mflags, s->fd, 0);
  if (s->base == MAP_FAILED)
    die ("mmap %s: %s", path, strerror (errno));
}

static void
setup_common (struct st *s, enum mmapio_mode mode)
{
  s->path = data_file (s->size);
  CHECK (mmapio_open (&s->f, s->path, mode, 0));
  if (mode == MMAPIO_RDONLY)
    raw_map (s, s->path, O_RDONLY, PROT_READ, MAP_SHARED);
  else
    raw_map (s, s->path, O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);
  prefault (mmapio_data (s->f), s->size);
  prefault (s->base, s->size);
  /* The raw loops of the cases whose mapping stays mapped (reads,
   * copies, page walks and populates, atomics) go through the handle's
   * own mapping: both sides then use the same page tables, and effects
   * tied to one mapping (TLB reach, accessed-bit sampling by DAMON or
   * reclaim) cannot favour either.  Writes, flushes and advice use raw's
   * own mapping, s->base.  */
  s->rd = mmapio_data (s->f);
}

static void
setup_ro (struct st *s)
{
  setup_common (s, MMAPIO_RDONLY);
}

static void
setup_rw (struct st *s)
{
  setup_common (s, MMAPIO_RDWR);
}

static void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (!p)
    die ("out of memory");
  return p;
}

static void
setup_buf (struct st *s, uint64_t n)
{
  s->buf = xmalloc (n);
  memset (s->buf, 0x5a, n);
}

static void
teardown_common (struct st *s)
{
  if (s->thr_on)
    {
      atomic_store (&s->thr_stop, 1);
      pthread_join (s->thr, NULL);
      s->thr_on = false;
    }
  if (s->f)
    CHECK (mmapio_close (s->f));
  s->f = NULL;
  if (s->base && s->base != MAP_FAILED)
    munmap (s->base, s->maplen);
  s->base = NULL;
  if (s->fd > 0)
    close (s->fd);
  if (s->fd2 > 0)
    close (s->fd2);
  s->fd = s->fd2 = -1;
  free (s->buf);
  s->buf = NULL;
}

/* --- iterator_throughput: one pass over a 16 MiB RDONLY mapping, one byte
 * read per chunk (chunk handling, not bandwidth).  */

static int
cb_first (const void *data, size_t len, uint64_t off, void *userdata)
{
  SINK (*(const uint8_t *) data);
  return 0;
}

static uint64_t
lib_chunks (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    CHECK (mmapio_foreach_chunk (s->f, s->len, cb_first, NULL));
  return now_ns () - t0;
}

static uint64_t
lib_pages (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    CHECK (mmapio_foreach_page (s->f, cb_first, NULL));
  return now_ns () - t0;
}

static uint64_t
lib_cursor (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_cursor c;
      const void *d;
      size_t l;
      int r;
      CHECK (mmapio_cursor_init (&c, s->f, 0, s->size, s->len));
      while ((r = mmapio_cursor_next (&c, &d, &l, NULL)) == 1)
        SINK (*(const uint8_t *) d);
      if (r < 0)
        fail ("mmapio_cursor_next", r);
      mmapio_cursor_end (&c);
    }
  return now_ns () - t0;
}

/* Stride over the raw mapping, one byte per s->len bytes.  */
static uint64_t
raw_stride (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += s->len)
      SINK (s->rd[off]);
  return now_ns () - t0;
}

static void
setup_iter (struct st *s)
{
  setup_ro (s);
  if (s->len == 0)
    s->len = page_size;
}

/* owned chunks: malloc + copy + free per chunk.  */
static uint64_t
lib_owned (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += s->len)
      {
        uint8_t *p = xmalloc (s->len);
        CHECK (mmapio_read (s->f, off, p, s->len));
        CLOBBER (p);
        SINK (p[0]);
        free (p);
      }
  return now_ns () - t0;
}

static uint64_t
raw_owned (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += s->len)
      {
        uint8_t *p = xmalloc (s->len);
        memcpy (p, s->rd + off, s->len);
        CLOBBER (p);
        SINK (p[0]);
        free (p);
      }
  return now_ns () - t0;
}

/* --- sequential_read: RDWR mapping reused; view of the whole mapping and
 * one byte per 4 KiB, versus one copy of the whole mapping.  */

static uint64_t
lib_seq_view (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_view v;
      CHECK (mmapio_view_get (s->f, 0, s->size, &v));
      const uint8_t *d = v.data;
      for (uint64_t off = 0; off < v.len; off += 4096)
        SINK (d[off]);
      mmapio_view_release (&v);
    }
  return now_ns () - t0;
}

static void
setup_seq (struct st *s)
{
  setup_rw (s);
  s->len = 4096;
}

static void
setup_copy (struct st *s)
{
  setup_rw (s);
  setup_buf (s, s->size);
}

static uint64_t
lib_copy_all (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      CHECK (mmapio_read (s->f, 0, s->buf, s->size));
      CLOBBER (s->buf);
    }
  return now_ns () - t0;
}

static uint64_t
raw_copy_all (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      memcpy (s->buf, s->rd, s->size);
      CLOBBER (s->buf);
    }
  return now_ns () - t0;
}

/* --- random_read: seeded random offsets in a 16 MiB file.  */

/* The offsets come from xorshift64* inside the timed loop, as in the
 * seed's bench, so that they cover the whole file (a precomputed table
 * would keep the touched lines in cache); every batch of either
 * implementation replays the same sequence.  */
#define RAND_SEED UINT64_C (0x9e3779b97f4a7c15)

static inline uint64_t
rand_off (uint64_t *state, uint64_t span)
{
  /* Multiply-shift rather than a division: a few cycles, not tens.  */
  return (uint64_t) (((unsigned __int128) prng_next (state) * span) >> 64);
}

static void
make_offsets (struct st *s)
{
  s->seq = s->size - s->len + 1;        /* the span of valid offsets */
}

static void
setup_random_ro (struct st *s)
{
  setup_ro (s);
  make_offsets (s);
  setup_buf (s, s->len);
}

static void
setup_random_rw (struct st *s)
{
  setup_rw (s);
  make_offsets (s);
  setup_buf (s, s->len);
}

static uint64_t
lib_rand_view (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_view v;
      CHECK (mmapio_view_get (s->f, rand_off (&state, s->seq), s->len, &v));
      SINK (*(const uint8_t *) v.data);
      mmapio_view_release (&v);
    }
  return now_ns () - t0;
}

static uint64_t
raw_rand_view (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    SINK (s->rd[rand_off (&state, s->seq)]);
  return now_ns () - t0;
}

static uint64_t
lib_rand_view_only (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_view v;
      CHECK (mmapio_view_get (s->f, rand_off (&state, s->seq), s->len, &v));
      SINK (v.data);
      mmapio_view_release (&v);
    }
  return now_ns () - t0;
}

static uint64_t
raw_rand_view_only (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    SINK (s->rd + rand_off (&state, s->seq));
  return now_ns () - t0;
}

static uint64_t
lib_rand_read (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      CHECK (mmapio_read (s->f, rand_off (&state, s->seq), s->buf, s->len));
      CLOBBER (s->buf);
    }
  return now_ns () - t0;
}

static uint64_t
raw_rand_read (struct st *s, uint64_t n)
{
  uint64_t state = RAND_SEED;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      memcpy (s->buf, s->rd + rand_off (&state, s->seq), s->len);
      CLOBBER (s->buf);
    }
  return now_ns () - t0;
}

/* --- read_into_rw: copy the first len bytes of an RDWR mapping.  */

static void
setup_read_into_rw (struct st *s)
{
  setup_rw (s);
  setup_buf (s, s->size);
}

/* --- touch_pages: populate a mapping that stays mapped (every page already
 * resident and mapped after the first pass).  */

static uint64_t
lib_populate (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    CHECK (mmapio_populate (s->f, 0, s->size, 0, NULL));
  return now_ns () - t0;
}

static uint64_t
raw_page_walk (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += page_size)
      SINK (s->rd[off]);
  return now_ns () - t0;
}

#if HAVE_DECL_MADV_POPULATE_READ
static uint64_t
raw_madv_populate (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    SYS (madvise (s->rd, s->size, MADV_POPULATE_READ));
  return now_ns () - t0;
}
#endif

static void
setup_madv (struct st *s)
{
  setup_rw (s);
#if HAVE_DECL_MADV_POPULATE_READ
  if (madvise (s->base, s->size, MADV_POPULATE_READ) < 0)
    s->skip = "MADV_POPULATE_READ not supported by this kernel";
#else
  s->skip = "MADV_POPULATE_READ not known at build time";
#endif
}

/* --- touch_fresh: open + map + touch every page + unmap + close, of a
 * file in the page cache ("cached") or evicted before each operation
 * ("cold", eviction not timed).  */

static void
evict_path (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die ("%s: %s", path, strerror (errno));
  int r = posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  if (r != 0)
    die ("posix_fadvise %s: %s", path, strerror (r));
  close (fd);
}

static uint64_t
resident_pages (const char *path, uint64_t size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die ("%s: %s", path, strerror (errno));
  void *p = mmap (NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    die ("mmap %s: %s", path, strerror (errno));
  uint64_t pages = (size + page_size - 1) / page_size, res = 0;
  unsigned char *vec = xmalloc (pages);
  SYS (mincore (p, size, vec));
  for (uint64_t i = 0; i < pages; i++)
    res += vec[i] & 1;
  free (vec);
  munmap (p, size);
  close (fd);
  return res;
}

static void
setup_fresh (struct st *s)
{
  s->path = data_file (s->size);
  s->fd = s->fd2 = -1;
  /* arg 1: cold.  Check once that eviction works here (a file mapped by
   * someone else, or a filesystem that ignores DONTNEED, would turn the
   * cold case into a warm one without saying so).  */
  if (s->c->arg & 1)
    {
      evict_path (s->path);
      uint64_t res = resident_pages (s->path, s->size);
      if (res > s->size / page_size / 10)
        s->skip = "posix_fadvise(DONTNEED) did not evict the file";
    }
  else
    {
      /* Bring the whole file into the page cache (a cold case may have
       * evicted it), then let go of the mapping.  */
      s->maplen = s->size;
      raw_map (s, s->path, O_RDONLY, PROT_READ, MAP_SHARED);
      prefault (s->base, s->size);
      munmap (s->base, s->maplen);
      close (s->fd);
      s->base = NULL;
      s->fd = -1;
    }
#if !HAVE_DECL_MADV_POPULATE_READ
  if (s->c->arg & 2)
    s->skip = "MADV_POPULATE_READ not known at build time";
#endif
}

static uint64_t
lib_fresh (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      if (s->c->arg & 1)
        evict_path (s->path);
      uint64_t t0 = now_ns ();
      mmapio_file *f;
      CHECK (mmapio_open (&f, s->path, MMAPIO_RDONLY, 0));
      CHECK (mmapio_populate (f, 0, mmapio_size (f), 0, NULL));
      CHECK (mmapio_close (f));
      t += now_ns () - t0;
    }
  return t;
}

static uint64_t
raw_fresh (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      if (s->c->arg & 1)
        evict_path (s->path);
      uint64_t t0 = now_ns ();
      struct stat sb;
      int fd = open (s->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        die ("%s: %s", s->path, strerror (errno));
      SYS (fstat (fd, &sb));
      size_t len = (size_t) sb.st_size;
      const uint8_t *p = mmap (NULL, len, PROT_READ, MAP_SHARED, fd, 0);
      if (p == MAP_FAILED)
        die ("mmap: %s", strerror (errno));
#if HAVE_DECL_MADV_POPULATE_READ
      if (s->c->arg & 2)
        SYS (madvise ((void *) p, len, MADV_POPULATE_READ));
      else
#endif
        for (size_t off = 0; off < len; off += page_size)
          SINK (p[off]);
      munmap ((void *) p, len);
      close (fd);
      t += now_ns () - t0;
    }
  return t;
}

/* --- microflush_overhead: 64 KiB RDWR file.  "N": write N bytes at 0 then
 * flush_range(0, N), both timed (the seed's loop), durable.  "clean/N":
 * flush_range of a range with nothing written since the last flush.  */

static void
setup_flush (struct st *s)
{
  setup_rw (s);
  setup_buf (s, s->len);
  CHECK (mmapio_flush (s->f));
  SYS (msync (s->base, s->size, MS_SYNC));
}

static size_t
page_up (uint64_t x)
{
  return (size_t) ((x + page_size - 1) & ~(uint64_t) (page_size - 1));
}

static uint64_t
lib_write_flush (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      s->buf[0] = (uint8_t) i;
      CHECK (mmapio_write (s->f, 0, s->buf, s->len));
      CHECK (mmapio_flush_range (s->f, 0, s->len));
    }
  return now_ns () - t0;
}

static uint64_t
raw_write_flush (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      s->buf[0] = (uint8_t) i;
      memcpy (s->base, s->buf, s->len);
      SYS (msync (s->base, page_up (s->len), MS_SYNC));
    }
  return now_ns () - t0;
}

static uint64_t
lib_clean_flush (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    CHECK (mmapio_flush_range (s->f, 0, s->len));
  return now_ns () - t0;
}

static uint64_t
raw_clean_flush (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    SYS (msync (s->base, page_up (s->len), MS_SYNC));
  return now_ns () - t0;
}

/* --- durable_flush: 16 MiB RDWR file; before each operation (not timed)
 * s->len bytes are written at the next s->len-aligned offset; the flush
 * alone is timed.  arg: 0 flush_range vs msync(range), 1 flush vs
 * msync(whole), 2 flush_range vs fdatasync.  */

static uint64_t
next_off (struct st *s)
{
  uint64_t slots = s->size / s->len;
  return (s->seq++ % slots) * s->len;
}

static uint64_t
lib_durable (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      uint64_t off = next_off (s);
      s->buf[0] = (uint8_t) i;
      CHECK (mmapio_write (s->f, off, s->buf, s->len));
      uint64_t t0 = now_ns ();
      if (s->c->arg == 1)
        CHECK (mmapio_flush (s->f));
      else
        CHECK (mmapio_flush_range (s->f, off, s->len));
      t += now_ns () - t0;
    }
  return t;
}

static uint64_t
raw_durable (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      uint64_t off = next_off (s);
      s->buf[0] = (uint8_t) i;
      memcpy (s->base + off, s->buf, s->len);
      uint64_t t0 = now_ns ();
      if (s->c->arg == 1)
        SYS (msync (s->base, s->size, MS_SYNC));
      else if (s->c->arg == 2)
        SYS (fdatasync (s->fd));
      else
        SYS (msync (s->base + off, page_up (s->len), MS_SYNC));
      t += now_ns () - t0;
    }
  return t;
}

/* --- atomic_contention: spawn T threads, each 10,000 fetch_add on one u64
 * of an RDWR mapping, join.  */

struct athr
{
  struct st *s;
  bool lib;
};

static void *
athr_main (void *arg)
{
  struct athr *a = arg;
  _Atomic uint64_t *p;
  if (a->lib)
    CHECK (mmapio_atomic_u64 (a->s->f, 0, &p));
  else
    p = (_Atomic uint64_t *) (void *) a->s->rd;
  for (int i = 0; i < ATOMIC_OPS; i++)
    atomic_fetch_add (p, 1);
  return NULL;
}

static uint64_t
run_atomic (struct st *s, uint64_t n, bool lib)
{
  pthread_t th[8];
  struct athr a = { s, lib };
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      for (uint64_t k = 0; k < s->len; k++)
        {
          int r = pthread_create (&th[k], NULL, athr_main, &a);
          if (r)
            die ("pthread_create: %s", strerror (r));
        }
      for (uint64_t k = 0; k < s->len; k++)
        pthread_join (th[k], NULL);
    }
  return now_ns () - t0;
}

static uint64_t
lib_atomic (struct st *s, uint64_t n)
{
  return run_atomic (s, n, true);
}

static uint64_t
raw_atomic (struct st *s, uint64_t n)
{
  return run_atomic (s, n, false);
}

/* --- sequential_write: 4 MiB RDWR file written in 64 KiB pieces.  arg:
 * 0 MANUAL, 1 EVERY_MILLIS(10), 2 EVERY_BYTES(64 KiB), 3 MANUAL with
 * flush_range_async after each write.  */

static void *
raw_flusher (void *arg)
{
  struct st *s = arg;
  const struct timespec ts = { 0, 10 * 1000 * 1000 };
  while (!atomic_load (&s->thr_stop))
    {
      nanosleep (&ts, NULL);
      if (atomic_exchange (&s->thr_dirty, 0))
        msync (s->base, s->size, MS_SYNC);
    }
  return NULL;
}

static void
setup_seqwrite (struct st *s)
{
  setup_rw (s);
  setup_buf (s, s->len);
  if (s->c->arg == 1)
    {
      CHECK (mmapio_set_flush_policy (s->f, MMAPIO_FLUSH_EVERY_MILLIS, 10));
      int r = pthread_create (&s->thr, NULL, raw_flusher, s);
      if (r)
        die ("pthread_create: %s", strerror (r));
      s->thr_on = true;
    }
  else if (s->c->arg == 2)
    CHECK (mmapio_set_flush_policy (s->f, MMAPIO_FLUSH_EVERY_BYTES, 64 * KiB));
#if !HAVE_SYNC_FILE_RANGE
  if (s->c->arg == 3)
    s->skip = "sync_file_range not available";
#endif
}

static void
teardown_seqwrite (struct st *s)
{
  if (s->f)
    CHECK (mmapio_set_flush_policy (s->f, MMAPIO_FLUSH_MANUAL, 0));
  teardown_common (s);
}

static uint64_t
lib_seqwrite (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += s->len)
      {
        s->buf[0] = (uint8_t) off;
        CHECK (mmapio_write (s->f, off, s->buf, s->len));
        if (s->c->arg == 3)
          CHECK (mmapio_flush_range_async (s->f, off, s->len));
      }
  return now_ns () - t0;
}

static uint64_t
raw_seqwrite (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < s->size; off += s->len)
      {
        s->buf[0] = (uint8_t) off;
        memcpy (s->base + off, s->buf, s->len);
        if (s->c->arg == 1)
          atomic_store_explicit (&s->thr_dirty, 1, memory_order_relaxed);
        else if (s->c->arg == 2)
          SYS (msync (s->base + off, s->len, MS_SYNC));
#if HAVE_SYNC_FILE_RANGE
        else if (s->c->arg == 3)
          SYS (sync_file_range (s->fd, (off_t) off, (off_t) s->len,
                                SYNC_FILE_RANGE_WRITE));
#endif
      }
  return now_ns () - t0;
}

/* --- create_rw: create + map + close + unlink, all timed (as the seed).
 * arg 1: sparse (MMAPIO_OPEN_SPARSE versus ftruncate).  */

static void
setup_create (struct st *s)
{
  s->fd = s->fd2 = -1;
  s->path = register_file ("create.tmp");
  unlink (s->path);
}

static uint64_t
lib_create (struct st *s, uint64_t n)
{
  unsigned flags = (s->c->arg & 1) ? MMAPIO_OPEN_SPARSE : 0;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_file *f;
      CHECK (mmapio_create (&f, s->path, s->size, flags));
      CHECK (mmapio_close (f));
      SYS (unlink (s->path));
    }
  return now_ns () - t0;
}

static uint64_t
raw_create (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      int fd = open (s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
      if (fd < 0)
        die ("%s: %s", s->path, strerror (errno));
      if (s->c->arg & 1)
        SYS (ftruncate (fd, (off_t) s->size));
      else
        {
          int r = posix_fallocate (fd, 0, (off_t) s->size);
          if (r)
            die ("posix_fallocate: %s", strerror (r));
        }
      void *p = mmap (NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (p == MAP_FAILED)
        die ("mmap: %s", strerror (errno));
      munmap (p, s->size);
      close (fd);
      SYS (unlink (s->path));
    }
  return now_ns () - t0;
}

/* --- cow_open: open + map copy-on-write + close, 4 MiB file.  */

static void
setup_cow (struct st *s)
{
  s->fd = s->fd2 = -1;
  s->path = data_file (s->size);

  /* The mode must be what its name says: a write through a COW handle is
   * private (MAP_PRIVATE) and never reaches the file.  */
  mmapio_file *f;
  mmapio_view_mut v;
  uint8_t before, after;
  int fd = open (s->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || pread (fd, &before, 1, 0) != 1)
    die ("%s: %s", s->path, strerror (errno));
  CHECK (mmapio_open (&f, s->path, MMAPIO_COW, 0));
  CHECK (mmapio_view_get_mut (f, 0, 1, &v));
  *(uint8_t *) v.data = (uint8_t) ~before;
  uintptr_t addr = (uintptr_t) v.data;
  bool private_map = false;
  FILE *maps = fopen ("/proc/self/maps", "re");
  if (maps)
    {
      char line[512];
      while (fgets (line, sizeof line, maps))
        {
          uintptr_t lo, hi;
          char perms[8];
          if (sscanf (line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, perms) == 3
              && addr >= lo && addr < hi)
            private_map = perms[3] == 'p';
        }
      fclose (maps);
    }
  else
    private_map = true;         /* no /proc: rely on the file check */
  mmapio_view_mut_release (&v);
  CHECK (mmapio_flush (f));
  CHECK (mmapio_close (f));
  if (pread (fd, &after, 1, 0) != 1)
    die ("%s: %s", s->path, strerror (errno));
  close (fd);
  if (after != before || !private_map)
    die ("a COW handle is not a private mapping (write reached the file: %s,"
         " /proc/self/maps private: %s)", after != before ? "yes" : "no",
         private_map ? "yes" : "no");
}

static uint64_t
lib_cow (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      mmapio_file *f;
      CHECK (mmapio_open (&f, s->path, MMAPIO_COW, 0));
      CHECK (mmapio_close (f));
    }
  return now_ns () - t0;
}

static uint64_t
raw_cow (struct st *s, uint64_t n)
{
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    {
      struct stat sb;
      int fd = open (s->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        die ("%s: %s", s->path, strerror (errno));
      SYS (fstat (fd, &sb));
      void *p = mmap (NULL, (size_t) sb.st_size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED)
        die ("mmap: %s", strerror (errno));
      munmap (p, (size_t) sb.st_size);
      close (fd);
    }
  return now_ns () - t0;
}

/* --- resize: 1 MiB RDWR file grown to 8 MiB (blocks allocated) and shrunk
 * back.  arg 0: grow + shrink timed (the seed); arg 1: grow timed alone.  */

static void
setup_resize (struct st *s)
{
  s->fd = s->fd2 = -1;
  s->path = register_file ("resize-lib.tmp");
  s->path2 = register_file ("resize-raw.tmp");
  CHECK (mmapio_create (&s->f, s->path, s->size, 0));
  s->fd = open (s->path2, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (s->fd < 0)
    die ("%s: %s", s->path2, strerror (errno));
  int r = posix_fallocate (s->fd, 0, (off_t) s->size);
  if (r)
    die ("posix_fallocate: %s", strerror (r));
  s->maplen = s->size;
  s->base = mmap (NULL, s->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
  if (s->base == MAP_FAILED)
    die ("mmap: %s", strerror (errno));
}

static void
teardown_resize (struct st *s)
{
  teardown_common (s);
  unlink (s->path);
  unlink (s->path2);
}

static uint64_t
lib_resize (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      uint64_t t0 = now_ns ();
      CHECK (mmapio_resize (s->f, s->len));
      if (s->c->arg == 1)
        t += now_ns () - t0;
      CHECK (mmapio_resize (s->f, s->size));
      if (s->c->arg == 0)
        t += now_ns () - t0;
    }
  return t;
}

static void
raw_remap (struct st *s, size_t to)
{
#if HAVE_MREMAP
  void *p = mremap (s->base, s->maplen, to, MREMAP_MAYMOVE);
#else
  munmap (s->base, s->maplen);
  void *p = mmap (NULL, to, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
#endif
  if (p == MAP_FAILED)
    die ("mremap: %s", strerror (errno));
  s->base = p;
  s->maplen = to;
}

static uint64_t
raw_resize (struct st *s, uint64_t n)
{
  uint64_t t = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      uint64_t t0 = now_ns ();
      int r = posix_fallocate (s->fd, (off_t) s->size,
                               (off_t) (s->len - s->size));
      if (r)
        die ("posix_fallocate: %s", strerror (r));
      raw_remap (s, s->len);
      if (s->c->arg == 1)
        t += now_ns () - t0;
      SYS (ftruncate (s->fd, (off_t) s->size));
      raw_remap (s, s->size);
      if (s->c->arg == 0)
        t += now_ns () - t0;
    }
  return t;
}

/* --- advise: one advice call over a whole 4 MiB RDWR mapping.  */

static uint64_t
lib_advise (struct st *s, uint64_t n)
{
  enum mmapio_advice adv = s->c->arg ? MMAPIO_ADV_WILLNEED
                                     : MMAPIO_ADV_SEQUENTIAL;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    CHECK (mmapio_advise (s->f, 0, s->size, adv));
  return now_ns () - t0;
}

static uint64_t
raw_advise (struct st *s, uint64_t n)
{
  int adv = s->c->arg ? MADV_WILLNEED : MADV_SEQUENTIAL;
  uint64_t t0 = now_ns ();
  for (uint64_t i = 0; i < n; i++)
    SYS (madvise (s->base, s->size, adv));
  return now_ns () - t0;
}

/* ---------------------------------------------------------------- */
/* The table of cases, in the seed report's order, each followed by the
 * variants the seed does not show.  */

#define RATIO(x) GOAL_RATIO, (x)
#define ABS(x) GOAL_ABS, (x)
#define NOGOAL GOAL_NONE, 0
#define MEM RATIO (1.05)        /* memory/TLB-bound: within 5% of raw */
#define SYSC RATIO (1.10)       /* syscall-bound: within 10% of raw */

static const struct bcase cases[] = {
  { "iterator_throughput", "zero_copy_chunks/4096", 16 * MiB, 4096, MEM,
    setup_iter, lib_chunks, raw_stride, teardown_common, 0 },
  { "iterator_throughput", "zero_copy_chunks/65536", 16 * MiB, 65536, MEM,
    setup_iter, lib_chunks, raw_stride, teardown_common, 0 },
  { "iterator_throughput", "zero_copy_pages", 16 * MiB, 0, MEM,
    setup_iter, lib_pages, raw_stride, teardown_common, 0 },
  { "iterator_throughput", "owned_chunks/4096", 16 * MiB, 4096, MEM,
    setup_iter, lib_owned, raw_owned, teardown_common, 0 },
  { "iterator_throughput", "owned_chunks/65536", 16 * MiB, 65536, MEM,
    setup_iter, lib_owned, raw_owned, teardown_common, 0 },
  { "iterator_throughput", "cursor_chunks/4096", 16 * MiB, 4096, MEM,
    setup_iter, lib_cursor, raw_stride, teardown_common, 0 },
  { "iterator_throughput", "cursor_chunks/65536", 16 * MiB, 65536, MEM,
    setup_iter, lib_cursor, raw_stride, teardown_common, 0 },

  { "sequential_read", "as_slice/1M", 1 * MiB, 4096, MEM,
    setup_seq, lib_seq_view, raw_stride, teardown_common, 0 },
  { "sequential_read", "as_slice/16M", 16 * MiB, 4096, MEM,
    setup_seq, lib_seq_view, raw_stride, teardown_common, 0 },
  { "sequential_read", "as_slice/256M", 256 * MiB, 4096, MEM,
    setup_seq, lib_seq_view, raw_stride, teardown_common, 0 },
  { "sequential_read", "read_into/1M", 1 * MiB, 0, MEM,
    setup_copy, lib_copy_all, raw_copy_all, teardown_common, 0 },
  { "sequential_read", "read_into/16M", 16 * MiB, 0, MEM,
    setup_copy, lib_copy_all, raw_copy_all, teardown_common, 0 },
  { "sequential_read", "read_into/256M", 256 * MiB, 0, MEM,
    setup_copy, lib_copy_all, raw_copy_all, teardown_common, 0 },

  { "random_read", "as_slice/64", 16 * MiB, 64, ABS (15),
    setup_random_ro, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "as_slice/256", 16 * MiB, 256, ABS (15),
    setup_random_ro, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "as_slice/4096", 16 * MiB, 4096, ABS (15),
    setup_random_ro, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "as_slice/65536", 16 * MiB, 65536, ABS (15),
    setup_random_ro, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "read_into/64", 16 * MiB, 64, MEM,
    setup_random_ro, lib_rand_read, raw_rand_read, teardown_common, 0 },
  { "random_read", "read_into/256", 16 * MiB, 256, MEM,
    setup_random_ro, lib_rand_read, raw_rand_read, teardown_common, 0 },
  { "random_read", "read_into/4096", 16 * MiB, 4096, MEM,
    setup_random_ro, lib_rand_read, raw_rand_read, teardown_common, 0 },
  { "random_read", "read_into/65536", 16 * MiB, 65536, MEM,
    setup_random_ro, lib_rand_read, raw_rand_read, teardown_common, 0 },
  { "random_read", "view_only/64", 16 * MiB, 64, ABS (3),
    setup_random_ro, lib_rand_view_only, raw_rand_view_only, teardown_common, 0 },
  { "random_read", "as_slice_rw/64", 16 * MiB, 64, ABS (15),
    setup_random_rw, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "as_slice_rw/65536", 16 * MiB, 65536, ABS (15),
    setup_random_rw, lib_rand_view, raw_rand_view, teardown_common, 0 },
  { "random_read", "read_into_rw/64", 16 * MiB, 64, MEM,
    setup_random_rw, lib_rand_read, raw_rand_read, teardown_common, 0 },
  { "random_read", "view_only_rw/64", 16 * MiB, 64, ABS (3),
    setup_random_rw, lib_rand_view_only, raw_rand_view_only, teardown_common, 0 },

  { "touch_pages", "1M", 1 * MiB, 0, SYSC,
    setup_rw, lib_populate, raw_page_walk, teardown_common, 0 },
  { "touch_pages", "8M", 8 * MiB, 0, SYSC,
    setup_rw, lib_populate, raw_page_walk, teardown_common, 0 },
  { "touch_pages", "32M", 32 * MiB, 0, SYSC,
    setup_rw, lib_populate, raw_page_walk, teardown_common, 0 },
#if HAVE_DECL_MADV_POPULATE_READ
  { "touch_pages", "vs_madvise/1M", 1 * MiB, 0, SYSC,
    setup_madv, lib_populate, raw_madv_populate, teardown_common, 0 },
  { "touch_pages", "vs_madvise/32M", 32 * MiB, 0, SYSC,
    setup_madv, lib_populate, raw_madv_populate, teardown_common, 0 },
#endif
  { "touch_pages_large", "touch_pages_1gb_rw", 1 * GiB, 0, SYSC,
    setup_rw, lib_populate, raw_page_walk, teardown_common, 0 },
#if HAVE_DECL_MADV_POPULATE_READ
  { "touch_pages_large", "vs_madvise_1gb_rw", 1 * GiB, 0, SYSC,
    setup_madv, lib_populate, raw_madv_populate, teardown_common, 0 },
#endif
  { "touch_fresh", "cached_1G", 1 * GiB, 0, RATIO (1.0 / 3),
    setup_fresh, lib_fresh, raw_fresh, teardown_common, 0 },
  { "touch_fresh", "cached_1G_vs_madvise", 1 * GiB, 0, SYSC,
    setup_fresh, lib_fresh, raw_fresh, teardown_common, 2 },
  { "touch_fresh", "cold_256M", 256 * MiB, 0, NOGOAL,
    setup_fresh, lib_fresh, raw_fresh, teardown_common, 1 },
  { "touch_fresh", "cold_256M_vs_madvise", 256 * MiB, 0, SYSC,
    setup_fresh, lib_fresh, raw_fresh, teardown_common, 3 },

#define MF(n) \
  { "microflush_overhead", #n, 64 * KiB, n, SYSC, \
    setup_flush, lib_write_flush, raw_write_flush, teardown_common, 0 }
  MF (64), MF (256), MF (512), MF (1024), MF (2048), MF (4096), MF (8192),
#undef MF
#define MFC(n) \
  { "microflush_overhead", "clean/" #n, 64 * KiB, n, ABS (5), \
    setup_flush, lib_clean_flush, raw_clean_flush, teardown_common, 0 }
  MFC (64), MFC (256), MFC (512), MFC (1024), MFC (2048), MFC (4096),
  MFC (8192),
#undef MFC

  { "durable_flush", "flush_range/4096", 16 * MiB, 4096, SYSC,
    setup_flush, lib_durable, raw_durable, teardown_common, 0 },
  { "durable_flush", "flush_range/1M", 16 * MiB, 1 * MiB, SYSC,
    setup_flush, lib_durable, raw_durable, teardown_common, 0 },
  { "durable_flush", "flush/4096_of_16M", 16 * MiB, 4096, SYSC,
    setup_flush, lib_durable, raw_durable, teardown_common, 1 },
  { "durable_flush", "flush/1M_of_16M", 16 * MiB, 1 * MiB, SYSC,
    setup_flush, lib_durable, raw_durable, teardown_common, 1 },
  { "durable_flush", "flush_range_vs_fdatasync/4096", 16 * MiB, 4096, SYSC,
    setup_flush, lib_durable, raw_durable, teardown_common, 2 },

  { "atomic_contention", "1", 64 * KiB, 1, SYSC,
    setup_rw, lib_atomic, raw_atomic, teardown_common, 0 },
  { "atomic_contention", "2", 64 * KiB, 2, SYSC,
    setup_rw, lib_atomic, raw_atomic, teardown_common, 0 },
  { "atomic_contention", "4", 64 * KiB, 4, SYSC,
    setup_rw, lib_atomic, raw_atomic, teardown_common, 0 },
  { "atomic_contention", "8", 64 * KiB, 8, SYSC,
    setup_rw, lib_atomic, raw_atomic, teardown_common, 0 },

  { "sequential_write", "Manual", 4 * MiB, 64 * KiB, MEM,
    setup_seqwrite, lib_seqwrite, raw_seqwrite, teardown_seqwrite, 0 },
  { "sequential_write", "EveryMillis(10)", 4 * MiB, 64 * KiB, SYSC,
    setup_seqwrite, lib_seqwrite, raw_seqwrite, teardown_seqwrite, 1 },
  { "sequential_write", "EveryBytes(64K)", 4 * MiB, 64 * KiB, SYSC,
    setup_seqwrite, lib_seqwrite, raw_seqwrite, teardown_seqwrite, 2 },
  { "sequential_write", "EveryBytes(64K)_async", 4 * MiB, 64 * KiB, SYSC,
    setup_seqwrite, lib_seqwrite, raw_seqwrite, teardown_seqwrite, 3 },

  { "create_rw", "4096", 4096, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 0 },
  { "create_rw", "65536", 65536, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 0 },
  { "create_rw", "1M", 1 * MiB, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 0 },
  { "create_rw", "sparse/4096", 4096, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 1 },
  { "create_rw", "sparse/65536", 65536, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 1 },
  { "create_rw", "sparse/1M", 1 * MiB, 0, SYSC,
    setup_create, lib_create, raw_create, teardown_common, 1 },

  { "cow_open", "open_cow_4MB", 4 * MiB, 0, SYSC,
    setup_cow, lib_cow, raw_cow, teardown_common, 0 },

  { "resize", "grow_1MB_to_8MB", 1 * MiB, 8 * MiB, SYSC,
    setup_resize, lib_resize, raw_resize, teardown_resize, 0 },
  { "resize", "grow_only_1MB_to_8MB", 1 * MiB, 8 * MiB, SYSC,
    setup_resize, lib_resize, raw_resize, teardown_resize, 1 },

  { "advise", "sequential_willneed", 4 * MiB, 0, SYSC,
    setup_rw, lib_advise, raw_advise, teardown_common, 0 },
  { "advise", "willneed_4MB", 4 * MiB, 0, SYSC,
    setup_rw, lib_advise, raw_advise, teardown_common, 1 },

  { "read_into_rw", "4096", 4096, 0, MEM,
    setup_read_into_rw, lib_copy_all, raw_copy_all, teardown_common, 0 },
  { "read_into_rw", "65536", 65536, 0, MEM,
    setup_read_into_rw, lib_copy_all, raw_copy_all, teardown_common, 0 },
  { "read_into_rw", "1M", 1 * MiB, 0, MEM,
    setup_read_into_rw, lib_copy_all, raw_copy_all, teardown_common, 0 },
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* What one operation is, per group: printed as the table's legend.  */
static const char *const legend[][2] = {
  { "iterator_throughput", "one pass over a 16 MiB RDONLY mapping reused, "
    "one byte read per chunk (chunk handling, not bandwidth); libmmapio: "
    "mmapio_foreach_chunk/_page with a callback, cursor_*: the cursor, which "
    "touches every page of each chunk before handing it out; owned: malloc + "
    "mmapio_read + free per chunk; raw: pointer stride (owned: malloc + "
    "memcpy + free)" },
  { "sequential_read", "RDWR mapping of that size reused; as_slice: one view "
    "of the whole mapping and one byte read per 4 KiB (raw: pointer stride); "
    "read_into: one copy of the whole mapping into a buffer (raw: memcpy)" },
  { "random_read", "16 MiB file, one seeded random offset per op; as_slice: "
    "view + first byte + release (raw: load at base+off); view_only: view + "
    "release, no data read (raw: base+off); read_into: mmapio_read of that "
    "many bytes (raw: memcpy); *_rw: the same on an RDWR handle" },
  { "touch_pages", "mmapio_populate of a mapping that stays mapped and "
    "resident; raw: page walk reading one byte per page (vs_madvise: raw is "
    "madvise(MADV_POPULATE_READ))" },
  { "touch_pages_large", "as touch_pages, 1 GiB RDWR mapping" },
  { "touch_fresh", "open + map + touch every page + close of a file in the "
    "page cache (cached) or evicted with posix_fadvise(DONTNEED) before each "
    "op, eviction not timed (cold); libmmapio: mmapio_open(RDONLY) + "
    "mmapio_populate + mmapio_close; raw: open + fstat + mmap + page walk "
    "(vs_madvise: MADV_POPULATE_READ) + munmap + close" },
  { "microflush_overhead", "64 KiB RDWR file; N: write N bytes at 0 then "
    "flush_range(0, N), durable, both timed (raw: memcpy + msync(MS_SYNC)); "
    "clean/N: flush_range of a range with nothing written since its last "
    "flush (raw: msync(MS_SYNC) of the clean pages)" },
  { "durable_flush", "16 MiB RDWR file; before each op (not timed) write "
    "4 KiB or 1 MiB at the next offset; timed: flush_range of it (raw: "
    "msync(MS_SYNC) of the range), flush of the whole mapping (raw: msync of "
    "all 16 MiB), or flush_range against fdatasync" },
  { "atomic_contention", "spawn N threads, each 10,000 atomic_fetch_add on "
    "one u64 of an RDWR mapping (libmmapio: pointer from mmapio_atomic_u64 "
    "taken in each thread), join" },
  { "sequential_write", "4 MiB RDWR file written in 64 KiB mmapio_write "
    "calls under that flush policy (raw: memcpy; EveryMillis: plus a thread "
    "doing msync(MS_SYNC) every 10 ms when dirty; EveryBytes: msync(MS_SYNC) "
    "per 64 KiB; _async: flush_range_async per write against "
    "sync_file_range(WRITE)); ours flush durably, the seed's msync(MS_ASYNC) "
    "does no I/O" },
  { "create_rw", "create (blocks allocated; sparse/: MMAPIO_OPEN_SPARSE) + "
    "map + close + unlink, all timed as in the seed (raw: open(O_CREAT|"
    "O_TRUNC) + posix_fallocate or ftruncate + mmap + munmap + close + "
    "unlink)" },
  { "cow_open", "mmapio_open(COW) + mmapio_close of a 4 MiB file (raw: open "
    "+ fstat + mmap(MAP_PRIVATE, PROT_READ|PROT_WRITE) + munmap + close); the "
    "harness checks first that a COW write stays out of the file" },
  { "resize", "1 MiB RDWR file grown to 8 MiB (blocks allocated) and shrunk "
    "back, both timed as in the seed (grow_only: the growth alone); raw: "
    "posix_fallocate + mremap, ftruncate + mremap" },
  { "advise", "one advice over the whole 4 MiB RDWR mapping: "
    "sequential_willneed is MADV_SEQUENTIAL as the seed's bench issues it; "
    "willneed_4MB is MADV_WILLNEED (raw: madvise)" },
  { "read_into_rw", "mmapio_read of the whole RDWR mapping of that size "
    "into a buffer (raw: memcpy)" },
};

/* ---------------------------------------------------------------- */
/* The seed's numbers, from bench/seed.tsv.  */

struct seedrow
{
  char group[40], id[40];
  double win, lo, hi;   /* < 0: none */
};
static struct seedrow *seeds;
static size_t n_seeds;

static void
load_seeds (const char *path)
{
  FILE *fp = fopen (path, "re");
  if (!fp)
    {
      fprintf (stderr, "mmapio-bench: %s: %s (seed columns left empty)\n",
               path, strerror (errno));
      return;
    }
  char line[256];
  while (fgets (line, sizeof line, fp))
    {
      if (line[0] == '#' || line[0] == '\n')
        continue;
      struct seedrow r;
      char w[32], lo[32], hi[32];
      if (sscanf (line, "%39[^\t]\t%39[^\t]\t%31s\t%31s\t%31s", r.group, r.id,
                  w, lo, hi) != 5)
        continue;
      r.win = strcmp (w, "-") ? strtod (w, NULL) : -1;
      r.lo = strcmp (lo, "-") ? strtod (lo, NULL) : -1;
      r.hi = strcmp (hi, "-") ? strtod (hi, NULL) : -1;
      struct seedrow *n = realloc (seeds, (n_seeds + 1) * sizeof *seeds);
      if (!n)
        die ("out of memory");
      seeds = n;
      seeds[n_seeds++] = r;
    }
  fclose (fp);
}

static const struct seedrow *
find_seed (const char *group, const char *id)
{
  for (size_t i = 0; i < n_seeds; i++)
    if (!strcmp (seeds[i].group, group) && !strcmp (seeds[i].id, id))
      return &seeds[i];
  return NULL;
}

/* ---------------------------------------------------------------- */
/* Running and reporting.  */

static char *
fmt_ns (char *out, size_t size, double ns)
{
  if (ns < 0)
    snprintf (out, size, "—");
  else if (ns < 1e3)
    snprintf (out, size, "%.1f ns", ns);
  else if (ns < 1e6)
    snprintf (out, size, "%.2f µs", ns / 1e3);
  else if (ns < 1e9)
    snprintf (out, size, "%.2f ms", ns / 1e6);
  else
    snprintf (out, size, "%.2f s", ns / 1e9);
  return out;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

struct stats
{
  double median, min, max;
  int batches;
};

static struct stats
summarize (double *v, int n)
{
  struct stats r;
  qsort (v, (size_t) n, sizeof *v, cmp_double);
  r.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  r.min = v[0];
  r.max = v[n - 1];
  r.batches = n;
  return r;
}

/* Double the operation count (or jump straight to the estimate) until one
 * batch lasts BATCH_NS; the runs on the way are the warm-up.  */
static uint64_t
calibrate (struct st *s, run_fn fn, uint64_t *ret_t)
{
  uint64_t n = 1;
  for (;;)
    {
      uint64_t t = fn (s, n);
      if (t >= BATCH_NS)
        {
          *ret_t = t;
          return n;
        }
      double want = t ? (double) n * BATCH_NS * 1.2 / (double) t : n * 100.0;
      if (want > n * 100.0)
        want = n * 100.0;
      n = want < n + 1 ? n + 1 : (uint64_t) want;
    }
}

static void
json_line (const struct bcase *c, const char *impl, const struct stats *st)
{
  if (!json_out)
    return;
  fprintf (json_out, "{\"group\": \"%s\", \"id\": \"%s\", \"impl\": \"%s\", "
           "\"ns_median\": %.2f, \"ns_min\": %.2f, \"ns_max\": %.2f, "
           "\"batches\": %d}\n", c->group, c->id, impl, st->median, st->min,
           st->max, st->batches);
}

static void
fmt_cell (char *out, size_t size, const struct stats *st)
{
  char a[32];
  fmt_ns (a, sizeof a, st->median);
  if (st->min > 0 && st->max / st->min > 1.5)
    snprintf (out, size, "%s (spread %.1fx)", a, st->max / st->min);
  else
    snprintf (out, size, "%s", a);
}

static int n_miss, n_met;
/* Name each case on stderr as it starts when the table goes to a file.  */
static bool progress;

static void
run_case (const struct bcase *c)
{
  struct st s;
  memset (&s, 0, sizeof s);
  s.c = c;
  s.fd = s.fd2 = -1;
  s.size = qsize (c->size);
  s.len = c->len;
  if (progress)
    fprintf (stderr, "mmapio-bench: %s/%s\n", c->group, c->id);
  c->setup (&s);

  const struct seedrow *sr = find_seed (c->group, c->id);
  char seedw[32] = "—", seedl[64] = "—";
  if (sr && sr->win >= 0)
    fmt_ns (seedw, sizeof seedw, sr->win);
  if (sr && sr->lo >= 0)
    {
      fmt_ns (seedl, sizeof seedl, sr->lo);
      if (sr->hi > sr->lo)
        {
          char h[32];
          size_t l = strlen (seedl);
          snprintf (seedl + l, sizeof seedl - l, "–%s",
                    fmt_ns (h, sizeof h, sr->hi));
        }
    }

  if (s.skip)
    {
      printf ("| %s | %s | n/a | n/a | | %s | %s | | skipped: %s |\n",
              c->group, c->id, seedw, seedl, s.skip);
      c->teardown (&s);
      return;
    }

  double vl[BATCHES], vr[BATCHES];
  int nb;
  struct stats sl, sv;
  if (opt_quick)
    {
      vl[0] = (double) c->lib (&s, 1);
      vr[0] = (double) c->raw (&s, 1);
      nb = 1;
    }
  else
    {
      uint64_t tl, tr;
      uint64_t nl = calibrate (&s, c->lib, &tl);
      uint64_t nr = calibrate (&s, c->raw, &tr);
      nb = (tl / nl > SLOW_OP_NS || tr / nr > SLOW_OP_NS) ? MIN_BATCHES
                                                          : BATCHES;
      /* One more batch each as warm-up at the final count, then ABAB.  */
      c->lib (&s, nl);
      c->raw (&s, nr);
      for (int b = 0; b < nb; b++)
        {
          vl[b] = (double) c->lib (&s, nl) / (double) nl;
          vr[b] = (double) c->raw (&s, nr) / (double) nr;
        }
    }
  sl = summarize (vl, nb);
  sv = summarize (vr, nb);
  c->teardown (&s);

  json_line (c, "libmmapio", &sl);
  json_line (c, "raw", &sv);

  char cl[64], cr[64], goal[32] = "", verdict[16] = "";
  fmt_cell (cl, sizeof cl, &sl);
  fmt_cell (cr, sizeof cr, &sv);
  double ratio = sv.median > 0 ? sl.median / sv.median : 0;
  bool met = true;
  switch (c->goal_kind)
    {
    case GOAL_ABS:
      snprintf (goal, sizeof goal, "≤ %g ns", c->goal);
      met = sl.median <= c->goal;
      break;
    case GOAL_RATIO:
      snprintf (goal, sizeof goal, "≤ %.2fx", c->goal);
      met = ratio <= c->goal;
      break;
    case GOAL_NONE:
      break;
    }
  if (c->goal_kind != GOAL_NONE && !opt_quick)
    {
      snprintf (verdict, sizeof verdict, "%s", met ? "met" : "**MISS**");
      if (met)
        n_met++;
      else
        n_miss++;
    }
  printf ("| %s | %s | %s | %s | %.2f | %s | %s | %s | %s |\n", c->group,
          c->id, cl, cr, ratio, seedw, seedl, goal, verdict);
  fflush (stdout);
}

/* --filter GROUP[/ID]: ID matches whole '/'-separated components from the
 * start (random_read/as_slice matches as_slice/64 and as_slice/256).  */
static const char *filters[64];
static int n_filters;

static bool
selected (const struct bcase *c)
{
  if (n_filters == 0)
    return true;
  for (int i = 0; i < n_filters; i++)
    {
      const char *f = filters[i];
      size_t gl = strlen (c->group);
      if (strncmp (f, c->group, gl))
        continue;
      if (f[gl] == '\0')
        return true;
      if (f[gl] != '/')
        continue;
      const char *idf = f + gl + 1;
      size_t il = strlen (idf);
      if (!strncmp (c->id, idf, il) && (c->id[il] == '\0' || c->id[il] == '/'))
        return true;
    }
  return false;
}

static const char *
fs_name (long type)
{
  switch ((unsigned long) type)
    {
    case 0xEF53: return "ext2/3/4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs";
    case 0x6969: return "nfs";
    case 0x65735546: return "fuse";
    case 0x794c7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    case 0xF2F52010: return "f2fs";
    default: return "unknown";
    }
}

static void
print_header (const char *dir)
{
  struct utsname u;
  char cpu[128] = "unknown";
  FILE *fp = fopen ("/proc/cpuinfo", "re");
  if (fp)
    {
      char line[256];
      while (fgets (line, sizeof line, fp))
        if (!strncmp (line, "model name", 10))
          {
            char *p = strchr (line, ':');
            if (p)
              {
                p += 1 + strspn (p + 1, " \t");
                p[strcspn (p, "\n")] = '\0';
                snprintf (cpu, sizeof cpu, "%s", p);
              }
            break;
          }
      fclose (fp);
    }
  struct statfs sfs;
  const char *fsn = statfs (dir, &sfs) == 0 ? fs_name (sfs.f_type) : "unknown";
  uname (&u);
  time_t t = time (NULL);
  char date[64];
  strftime (date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime (&t));

  printf ("# libmmapio %s benchmark%s\n\n", mmapio_version (),
          opt_quick ? " (--quick: one op per case, files capped at 16 MiB; "
          "not a measurement)" : "");
  printf ("%s; %s %s; %ld CPUs (%s); --dir %s (%s); page %zu bytes\n\n",
          date, u.sysname, u.release, sysconf (_SC_NPROCESSORS_ONLN), cpu,
          dir, fsn, page_size);
  printf ("Median ns per operation over %d batches of at least %d ms "
          "(libmmapio and raw batches alternate); ratio = libmmapio / raw; "
          "\"spread\" = max/min over the batches when above 1.5.  Seed (Win): "
          "the seed report's number; crate (Linux): the Rust crate measured on "
          "this class of machine.\n\n", BATCHES, BATCH_NS / 1000000);
  printf ("| group | id | libmmapio | raw | ratio | seed (Win) | crate (Linux)"
          " | goal | |\n");
  printf ("|---|---|--:|--:|--:|--:|--:|---|---|\n");
}

static void
usage (int status)
{
  FILE *out = status ? stderr : stdout;
  if (status)
    {
      fprintf (out, "Try 'mmapio-bench --help' for more information.\n");
      exit (status);
    }
  fprintf (out,
           "Usage: mmapio-bench [OPTION]...\n"
           "Measure libmmapio next to the same work done with libc and the "
           "kernel.\n\n"
           "  -f, --filter=GROUP[/ID]  run only the matching cases (repeatable)\n"
           "  -j, --json=FILE          also write one JSON object per line "
           "and implementation\n"
           "  -d, --dir=DIR            where the test files go (default: "
           "$TMPDIR or /tmp)\n"
           "  -q, --quick              every case once, files capped at "
           "16 MiB (smoke test)\n"
           "  -s, --seed=FILE          the seed's numbers (default: %s)\n"
           "  -l, --list               list the cases and exit\n"
           "  -h, --help               show this help and exit\n\n"
           "The Markdown table goes to standard output.  Exit status: 0, or 1 "
           "when a case failed to run, 2 on a usage error.\n", BENCH_SEED_TSV);
  exit (0);
}

int
main (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "filter", required_argument, NULL, 'f' },
    { "json", required_argument, NULL, 'j' },
    { "dir", required_argument, NULL, 'd' },
    { "quick", no_argument, NULL, 'q' },
    { "seed", required_argument, NULL, 's' },
    { "list", no_argument, NULL, 'l' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *dir = getenv ("TMPDIR");
  const char *json_path = NULL, *seed_path = BENCH_SEED_TSV;
  bool list = false;
  int ch;

  if (!dir || !*dir)
    dir = "/tmp";
  while ((ch = getopt_long (argc, argv, "f:j:d:qs:lh", longopts, NULL)) != -1)
    switch (ch)
      {
      case 'f':
        for (char *tok = strtok (optarg, ","); tok; tok = strtok (NULL, ","))
          if (n_filters < 64)
            filters[n_filters++] = tok;
        break;
      case 'j': json_path = optarg; break;
      case 'd': dir = optarg; break;
      case 'q': opt_quick = true; break;
      case 's': seed_path = optarg; break;
      case 'l': list = true; break;
      case 'h': usage (0); break;
      default: usage (2);
      }
  if (optind < argc)
    {
      fprintf (stderr, "mmapio-bench: extra operand '%s'\n", argv[optind]);
      usage (2);
    }

  int n_sel = 0;
  for (size_t i = 0; i < N_CASES; i++)
    if (selected (&cases[i]))
      {
        n_sel++;
        if (list)
          printf ("%s/%s\n", cases[i].group, cases[i].id);
      }
  if (list)
    return 0;
  if (n_sel == 0)
    {
      fprintf (stderr, "mmapio-bench: no case matches the filter\n");
      return 2;
    }

  page_size = (size_t) sysconf (_SC_PAGESIZE);
  load_seeds (seed_path);
  if (json_path)
    {
      json_out = fopen (json_path, "we");
      if (!json_out)
        {
          fprintf (stderr, "mmapio-bench: %s: %s\n", json_path,
                   strerror (errno));
          return 1;
        }
    }

  snprintf (work_dir, sizeof work_dir, "%s/mmapio-bench-XXXXXX", dir);
  if (!mkdtemp (work_dir))
    {
      fprintf (stderr, "mmapio-bench: %s: %s\n", dir, strerror (errno));
      work_dir[0] = '\0';
      return 1;
    }
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  progress = !isatty (STDOUT_FILENO);
  print_header (dir);
  for (size_t i = 0; i < N_CASES; i++)
    if (selected (&cases[i]))
      run_case (&cases[i]);

  printf ("\nLegend (what one operation is):\n\n");
  for (size_t g = 0; g < sizeof legend / sizeof legend[0]; g++)
    {
      bool used = false;
      for (size_t i = 0; i < N_CASES; i++)
        used |= selected (&cases[i]) && !strcmp (cases[i].group, legend[g][0]);
      if (used)
        printf ("- **%s**: %s.\n", legend[g][0], legend[g][1]);
    }
  if (!opt_quick)
    printf ("\nGoals met: %d; missed: %d.\n", n_met, n_miss);

  if (json_out && fclose (json_out) != 0)
    die ("%s: %s", json_path, strerror (errno));
  cleanup_files ();
  if (fflush (stdout) != 0 || ferror (stdout))
    return 1;
  return 0;
}
