/* mmtouch.h — declarations shared by the parts of mmtouch.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#ifndef MMAPIO_UTILS_MMTOUCH_H
#define MMAPIO_UTILS_MMTOUCH_H

#include "common.h"

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "mmapio.h"

/* What to do with each file.  */
enum mt_action
{
  MT_REPORT,    /* count resident pages only */
  MT_TOUCH,     /* -t: read the pages into the page cache */
  MT_EVICT,     /* -e: drop them from the page cache */
  MT_LOCK,      /* -l: touch and mlock each file */
  MT_LOCK_ALL   /* -L: touch each file, then mlockall */
};

enum mt_output { MT_OUT_HUMAN, MT_OUT_JSON, MT_OUT_KV };

struct mt_options
{
  enum mt_action action;
  enum mt_output output;
  bool daemon;           /* -d */
  bool foreground;       /* --foreground */
  bool wait_locked;      /* -w */
  bool follow;           /* -f */
  bool one_fs;           /* -F */
  bool hard_links;       /* -h: count every hard link */
  bool nul_list;         /* -0 */
  bool sync;             /* --sync */
  int verbose;           /* -v */
  bool quiet;            /* -q */
  bool bars;             /* -v on a terminal, human output */
  uint64_t max_size;     /* -m; UINT64_MAX when not given */
  uint64_t range_start;  /* -p: byte range [start, end) */
  uint64_t range_end;    /* UINT64_MAX: to the end of the file */
  char **ignore;         /* -i patterns */
  size_t n_ignore;
  char **only;           /* -I patterns */
  size_t n_only;
  const char *list_file; /* -b */
  const char *pidfile;   /* -P */
  unsigned jobs;         /* -j */
};

extern struct mt_options mt_opt;
extern long mt_page_size;

/* Flags of an entry's outcome.  */
enum
{
  MT_F_DONE = 1u << 0,      /* processed (successfully or not) */
  MT_F_FAILED = 1u << 1,    /* an error was reported: exit status 1 */
  MT_F_SKIPPED = 1u << 2,   /* larger than -m: reported, not counted */
  MT_F_FAKE = 1u << 3,      /* residency unknown (fake mincore answer) */
  MT_F_OPERAND = 1u << 4,   /* named on the command line or in -b */
  MT_F_STATTED = 1u << 5,   /* size, dev, ino filled in by the crawl */
  MT_F_NOTE = 1u << 6       /* not a file: only a message to print in
                               crawl order */
};

/* A directory kept open while files found in it wait to be processed, so
   that workers open them with openat() and a one-component lookup instead
   of walking the whole path again.  */
struct mt_dir
{
  DIR *dir;
  _Atomic unsigned refs;
};

/* One regular file to process.  Written by one worker, read by the main
 * thread once MT_F_DONE is seen under the queue lock.  */
struct mt_entry
{
  char *path;
  struct mt_dir *dir;  /* directory holding it, or NULL: open by path */
  size_t name_off;     /* start of the last component in path */
  unsigned flags;
  dev_t dev;
  ino_t ino;
  nlink_t nlink;
  uint64_t size;
  uint64_t pages;      /* pages in the range */
  uint64_t resident;   /* resident pages (after the action) */
  uint64_t done_pages; /* pages touched, evicted or locked */
  unsigned char *vec;  /* per-page residency for -v bars, or NULL */
  mmapio_file *handle; /* kept mapped (and locked) in the lock modes */
  char *message;       /* deferred warning or error text, or NULL */
};

/* The queue between the crawl (producer) and the workers; the main thread
 * consumes finished entries in crawl order.  */
struct mt_queue
{
  pthread_mutex_t lock;
  pthread_cond_t more;   /* an entry was added, or the crawl ended */
  pthread_cond_t done;   /* an entry was finished */
  struct mt_entry **items;
  size_t count, alloc;
  size_t next;           /* next entry for a worker */
  bool closed;           /* the crawl has ended */
  unsigned idle_workers; /* workers waiting on 'more' */
  bool main_waiting;     /* the main thread waits on 'done' */
  uint64_t directories;
  uint64_t bytes_done;   /* for the progress line */
};

extern struct mt_queue mt_q;

/* mmtouch-crawl.c */
bool mt_match_any (char *const *patterns, size_t n, const char *name);
void mt_crawl_operand (const char *path);
void mt_queue_push (struct mt_entry *e);
void mt_queue_flush (void);
void mt_dir_release (struct mt_dir *d);

/* mmtouch-file.c */
extern _Atomic uint64_t mt_bytes_done;
void mt_process_entry (struct mt_entry *e);
int mt_open_noatime (int dirfd, const char *path);
void mt_set_message (struct mt_entry *e, bool failed, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* mmtouch-parse.c */
/* util_parse_size, plus a decimal fraction before the suffix ("1.5G"), as
   vmtouch accepts.  */
bool mt_parse_size (const char *s, uint64_t *ret);
/* -p: START-END, START-, -END, -, or END alone (the first END bytes), as
   the byte range [*ret_start, *ret_end); false on a syntax error or an
   empty range.  */
bool mt_parse_range (const char *s, uint64_t *ret_start, uint64_t *ret_end);
/* Called for each item of a list, with its length (the item may hold NUL
   bytes when the delimiter is not NUL).  */
typedef void (*mt_list_fn) (char *item, size_t len, void *data);
/* -b: call FN for each non-empty item of FP, items ending at DELIM or at
   the end of the file.  Returns false, errno set, when reading failed.  */
bool mt_read_list (FILE *fp, int delim, mt_list_fn fn, void *data);

/* mmtouch.c */
void mt_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void mt_fail (int err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern bool mt_failed;
void mt_progress (size_t queued);

#endif
