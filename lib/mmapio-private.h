/* mmapio-private.h — declarations shared by the library's sources.
 * Not installed.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef MMAPIO_PRIVATE_H
#define MMAPIO_PRIVATE_H

#include <config.h>

#define MMAPIO_COMPILATION 1

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "mmapio.h"

#if HAVE_VALGRIND_MEMCHECK_H
# include <valgrind/memcheck.h>
#endif

#if ENABLE_NLS
# include <libintl.h>
# define _(msgid) mmapio__gettext (msgid)
#else
# define _(msgid) (msgid)
#endif
#define N_(msgid) (msgid)

#define MMAPIO_LIKELY(x) __builtin_expect (!!(x), 1)
#define MMAPIO_UNLIKELY(x) __builtin_expect (!!(x), 0)

/* Pending-byte counters, one per page, live in a three-level radix tree
 * that never moves: a fixed top array of MMAPIO_DIRTY_TOP entries, each
 * pointing at MMAPIO_DIRTY_MID chunk pointers, each chunk holding
 * MMAPIO_DIRTY_CHUNK counters.  Levels below the top are allocated on
 * first write and installed with compare-and-swap, so writers never take a
 * lock and growth never reallocates.  With 4 KiB pages this covers 2 PiB.
 */
#define MMAPIO_DIRTY_CHUNK 1024u
#define MMAPIO_DIRTY_MID 1024u
#define MMAPIO_DIRTY_TOP 512u
typedef _Atomic uint32_t mmapio_dirty_chunk[MMAPIO_DIRTY_CHUNK];
typedef _Atomic (mmapio_dirty_chunk *) mmapio_dirty_mid[MMAPIO_DIRTY_MID];

struct mmapio_file
{
  int fd;
  enum mmapio_mode mode;
  unsigned flags;               /* MMAPIO_OPEN_* given at open */
  char *path;

  /* The mapping.  For RDWR the mapping covers 'mapped' bytes of address
   * space, usually more than the file: the tail beyond EOF is the
   * reservation that growth uses without moving (as LMDB does).  */
  uint8_t *base;
  size_t mapped;
  _Atomic uint64_t size;

  /* RDWR only: guards the data path against shrinking and moving.
   * 'users' counts live views and data-path calls in flight; a resize that
   * must cut or move the mapping raises 'exclusive' first and gives up with
   * -EBUSY if users is not zero (see mmapio__enter).  */
  _Atomic unsigned long users;
  _Atomic int exclusive;
  pthread_mutex_t resize_lock;

  /* RDWR only: pending-write accounting, bytes written per page (at most
   * a page each), see MMAPIO_DIRTY_CHUNK.  'dirty_all' is set when a level
   * of the tree could not be allocated: every range then counts as dirty
   * until the next full flush.  */
  _Atomic (mmapio_dirty_mid *) *dirty;
  _Atomic int dirty_all;
  _Atomic uint64_t pending;

  /* Flush policy.  */
  _Atomic int policy;
  _Atomic uint64_t policy_arg;
  _Atomic uint64_t writes;      /* writes since the last policy flush */
  _Atomic int async_error;      /* first error of the background flusher */
  pthread_mutex_t flush_lock;   /* protects the flusher's state */
  pthread_cond_t flush_cond;
  pthread_t flusher;
  bool flusher_running;
  bool flusher_stop;

  /* Windowed mode (window != 0): 'base' is NULL and a window of at most
   * 'window' bytes at 'win_off' is mapped at 'win_base'.  */
  uint64_t window;
  pthread_mutex_t win_lock;
  uint8_t *win_base;
  uint64_t win_off;
  size_t win_len;
};

/* The system page size and its shift, set once by the first open.  */
extern size_t mmapio__page_size;
extern unsigned mmapio__page_shift;
size_t mmapio__pagesize (void);

/* Round to pages.  */
static inline uint64_t
mmapio__page_down (uint64_t x)
{
  return x & ~(uint64_t) (mmapio__page_size - 1);
}

static inline uint64_t
mmapio__page_up (uint64_t x)
{
  return (x + mmapio__page_size - 1) & ~(uint64_t) (mmapio__page_size - 1);
}

/* Bounds check without overflow: is [off, off+len) inside [0, size)?  */
static inline bool
mmapio__in_bounds (uint64_t off, uint64_t len, uint64_t size)
{
  return off <= size && len <= size - off;
}

/* Widen [off, off+len) of a mapping of 'size' bytes to whole pages; the
 * result ends at most at the page holding the last byte of the file.
 * Returns false when the range is out of bounds.  */
bool mmapio__widen (const mmapio_file *f, uint64_t off, uint64_t len,
                    uint64_t *ret_start, uint64_t *ret_len);

static inline uint64_t
mmapio__size (const mmapio_file *f)
{
  return atomic_load_explicit (&f->size, memory_order_acquire);
}

/* Tell valgrind's memcheck which part of the mapping holds the file: the
 * pages of [0, size) are defined, the rest of an RDWR reservation is not
 * to be touched.  Without this, memcheck's leak check at exit reads the
 * reservation a word at a time, each read a SIGBUS it recovers from,
 * which takes minutes per gigabyte; with it, a stray access past the end
 * through mmapio_data() is reported where it happens.  Call after every
 * change of the size or of the mapping.  Natively the client requests
 * cost a few instructions and do nothing.  */
static inline void
mmapio__vg_mark (const mmapio_file *f, uint64_t size)
{
#if HAVE_VALGRIND_MEMCHECK_H
  if (f->base == NULL)
    return;
  uint64_t end = mmapio__page_up (size);
  if (end > f->mapped)
    end = f->mapped;
  (void) VALGRIND_MAKE_MEM_DEFINED (f->base, (size_t) end);
  if (end < f->mapped)
    (void) VALGRIND_MAKE_MEM_NOACCESS ((char *) f->base + end,
                                       f->mapped - (size_t) end);
#else
  (void) f;
  (void) size;
#endif
}

/* Enter and leave the data path of an RDWR handle (no-ops for RDONLY and
 * COW, whose mapping never changes).  While entered, the mapping will not
 * shrink or move.  */
/* In f->users a live view of an RDWR handle weighs MMAPIO_VIEW_UNIT and a
 * call in progress 1: a shrink waits for calls to leave but is refused
 * while a view is live.  */
#define MMAPIO_VIEW_UNIT ((unsigned long) 1 << (sizeof (unsigned long) * 4))

void mmapio__enter_slow (mmapio_file *f, unsigned long weight);

static inline void
mmapio__enter_weight (mmapio_file *f, unsigned long weight)
{
  if (f->mode != MMAPIO_RDWR)
    return;
  atomic_fetch_add_explicit (&f->users, weight, memory_order_seq_cst);
  if (MMAPIO_UNLIKELY (atomic_load_explicit (&f->exclusive,
                                             memory_order_seq_cst)))
    mmapio__enter_slow (f, weight);
}

static inline void
mmapio__enter (mmapio_file *f)
{
  mmapio__enter_weight (f, 1);
}

static inline void
mmapio__leave (mmapio_file *f)
{
  if (f->mode != MMAPIO_RDWR)
    return;
  atomic_fetch_sub_explicit (&f->users, 1, memory_order_release);
}

/* Pending-write accounting (RDWR, flush.c).  */
int mmapio__alloc_dirty (mmapio_file *f);
void mmapio__free_dirty (mmapio_file *f);
void mmapio__mark_dirty (mmapio_file *f, uint64_t off, uint64_t len);
/* After a write: apply the flush policy.  */
int mmapio__after_write (mmapio_file *f, uint64_t off, uint64_t len);
/* Flush every page with pending bytes (durable).  */
int mmapio__flush_pending (mmapio_file *f);
/* Forget pending bytes at and beyond 'from' (shrink).  */
void mmapio__drop_dirty_from (mmapio_file *f, uint64_t from);
void mmapio__stop_flusher (mmapio_file *f);

/* SIGBUS guard.  A guarded section runs with a thread-local recovery point;
 * the library's SIGBUS handler jumps back to it when a fault happens inside
 * the section, and chains to the previous handler otherwise.
 *
 *   MMAPIO_GUARD_DECL;
 *   if (MMAPIO_GUARD_BEGIN ())
 *     {
 *       MMAPIO_GUARD_RECOVER ();
 *       ...undo, return MMAPIO_E_SHRUNK...
 *     }
 *   ...touch mapped memory...
 *   MMAPIO_GUARD_END ();
 *
 * Locals changed inside the section and read after a fault must be
 * volatile.  Sections may nest.  */
extern __thread sigjmp_buf *mmapio__guard_jmp
  __attribute__ ((tls_model ("initial-exec")));
extern atomic_int mmapio__guard_installed;
void mmapio__guard_install (void);

#define MMAPIO_GUARD_DECL \
  sigjmp_buf mmapio_guard_env_; \
  sigjmp_buf *volatile mmapio_guard_prev_
#define MMAPIO_GUARD_BEGIN() \
  (MMAPIO_UNLIKELY (!atomic_load_explicit (&mmapio__guard_installed, \
                                           memory_order_acquire)) \
     ? mmapio__guard_install () : (void) 0, \
   mmapio_guard_prev_ = mmapio__guard_jmp, \
   sigsetjmp (mmapio_guard_env_, 0) \
     ? 1 \
     : (mmapio__guard_jmp = &mmapio_guard_env_, \
        atomic_signal_fence (memory_order_seq_cst), 0))
#define MMAPIO_GUARD_END() \
  (atomic_signal_fence (memory_order_seq_cst), \
   mmapio__guard_jmp = mmapio_guard_prev_)
#define MMAPIO_GUARD_RECOVER() (mmapio__guard_jmp = mmapio_guard_prev_)

/* memcpy under the SIGBUS guard: 0 or MMAPIO_E_SHRUNK.  */
int mmapio__guarded_memcpy (void *dst, const void *src, size_t n);
/* fn (data, len, off, userdata) under the SIGBUS guard: its value, or
 * MMAPIO_E_SHRUNK when a fault abandoned it.  */
int mmapio__guarded_call (int (*fn) (void *, size_t, uint64_t, void *),
                          void *data, size_t len, uint64_t off,
                          void *userdata);

/* Windowed mode (window.c).  */
int mmapio__window_first (mmapio_file *f);
int mmapio__window_read (mmapio_file *f, uint64_t off, void *buf, size_t len);
int mmapio__window_write (mmapio_file *f, uint64_t off, const void *buf,
                          size_t len);
int mmapio__window_foreach (mmapio_file *f, uint64_t chunk, bool writable,
                            int (*fn) (void *, size_t, uint64_t, void *),
                            void *userdata);
void mmapio__window_close (mmapio_file *f);

/* Stop and free the watches still running on F (watch.c); returns the
 * first error.  */
int mmapio__watch_close_all (mmapio_file *f);

/* Translation in the library's own text domain (error.c).  */
const char *mmapio__gettext (const char *msgid);

/* Internal fast path for the environment switch used by tests to force
 * fallbacks: returns true when variable NAME is set to "1".  */
bool mmapio__env_flag (const char *name);

#endif /* MMAPIO_PRIVATE_H */
