/* mmtouch — report, load, evict and lock files in the page cache.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options and the default summary follow vmtouch 1.3.1; GNU long
 * options, --output=json|kv, parallel files (-j), --sync and --foreground
 * are additions.  The program crawls the operands on the main thread and
 * hands the regular files found to worker threads; the main thread then
 * prints the results in crawl order.  */

#include "mmtouch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct mt_options mt_opt;
long mt_page_size;
bool mt_failed;

/* Sums over the files of one run.  */
struct totals
{
  uint64_t files, pages, resident, done, skipped, failed, unknown;
  size_t json_count;
};

/* Handles kept open (and locked) by -l and -L until the end or SIGHUP.  */
static mmapio_file **held;
static size_t n_held, alloc_held;

/* Hard links already counted: (dev, ino) of files with more than one
   link, in an open-addressing table.  */
struct link_key { dev_t dev; ino_t ino; bool used; };
static struct link_key *links;
static size_t links_alloc, links_used;

static struct timespec t_start;
static bool progress_shown;
static int progress_width;

enum
{
  OPT_OUTPUT = CHAR_MAX + 1,
  OPT_FOREGROUND,
  OPT_SYNC,
  OPT_HELP,
  OPT_VERSION
};

static const struct option long_options[] = {
  { "touch", no_argument, NULL, 't' },
  { "evict", no_argument, NULL, 'e' },
  { "lock", no_argument, NULL, 'l' },
  { "lock-all", no_argument, NULL, 'L' },
  { "daemon", no_argument, NULL, 'd' },
  { "foreground", no_argument, NULL, OPT_FOREGROUND },
  { "wait", no_argument, NULL, 'w' },
  { "pidfile", required_argument, NULL, 'P' },
  { "sync", no_argument, NULL, OPT_SYNC },
  { "max-file-size", required_argument, NULL, 'm' },
  { "page-range", required_argument, NULL, 'p' },
  { "follow-symlinks", no_argument, NULL, 'f' },
  { "one-file-system", no_argument, NULL, 'F' },
  { "hard-links", no_argument, NULL, 'h' },
  { "ignore", required_argument, NULL, 'i' },
  { "include", required_argument, NULL, 'I' },
  { "batch", required_argument, NULL, 'b' },
  { "null", no_argument, NULL, '0' },
  { "verbose", no_argument, NULL, 'v' },
  { "quiet", no_argument, NULL, 'q' },
  { "output", required_argument, NULL, OPT_OUTPUT },
  { "jobs", required_argument, NULL, 'j' },
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 }
};

static noreturn void
usage (void)
{
  printf (_("Usage: %s [OPTION]... FILE|DIRECTORY...\n"), util_program_name);
  fputs (_("\
Report how much of each file is in the page cache, or load, evict or lock\n\
its pages.  Directories are crawled recursively.  With no action option the\n\
residency is reported and nothing is changed.\n\
"), stdout);
  fputs (_("\
\n\
Options:\n\
Actions:\n\
  -t, --touch              read the pages into memory\n\
  -e, --evict              evict the pages from memory\n\
  -l, --lock               touch the pages and lock them in memory with\n\
                             mlock(2), then wait until killed\n\
  -L, --lock-all           as -l, but lock with mlockall(2) after the crawl\n\
  -d, --daemon             with -l or -L: lock from a background process\n\
      --foreground         with -l or -L: run as a service in the\n\
                             foreground (for systemd)\n\
  -w, --wait               with -d: return only once every page is locked\n\
  -P, --pidfile=FILE       with -l or -L: write the process ID to FILE\n\
      --sync               with -e: write dirty pages back first, so that\n\
                             they are evicted too\n\
"), stdout);
  fputs (_("\
\n\
Selection:\n\
  -m, --max-file-size=SIZE  skip files larger than SIZE (default: no limit)\n\
  -p, --page-range=RANGE   process only RANGE of each file: START-END,\n\
                             START-, -END, or END (the first END bytes)\n\
  -f, --follow-symlinks    follow symbolic links met while crawling\n\
  -F, --one-file-system    do not crawl into other file systems\n\
  -h, --hard-links         count every hard link to a file, not only the\n\
                             first one met\n\
  -i, --ignore=PATTERN     skip files and directories whose name matches\n\
                             the shell PATTERN (may be repeated)\n\
  -I, --include=PATTERN    process only files whose name matches PATTERN\n\
                             (may be repeated)\n\
  -b, --batch=FILE         read the files and directories to process from\n\
                             FILE, one per line; '-' is standard input\n\
  -0, --null               with -b: names in FILE end with a NUL byte\n\
"), stdout);
  fputs (_("\
\n\
Output:\n\
  -v, --verbose            list every file with its resident pages (with a\n\
                             bar on a terminal)\n\
  -q, --quiet              print neither the summary nor warnings\n\
      --output=FORMAT      summary format: human (default), json or kv\n\
  -j, --jobs=N             process N files at a time (default: the number\n\
                             of CPUs)\n\
      --help               display this help and exit\n\
      --version            output version information and exit\n\
"), stdout);
  fputs (_("\
\n\
SIZE and RANGE values are bytes, with an optional suffix K, M, G or T\n\
(powers of 1024) and an optional fraction (1.5G).  -h is vmtouch's option to\n\
count hard links: help is available as --help only.  The exit status is 0\n\
when every file was processed, 1 when a file could not be, 2 on a usage\n\
error.\n\
"), stdout);
  exit (EXIT_OK);
}

static noreturn void usage_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

static noreturn void
usage_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  util_verror (0, fmt, ap);
  va_end (ap);
  util_try_help ();
}

void
mt_warn (const char *fmt, ...)
{
  va_list ap;
  if (mt_opt.quiet)
    return;
  va_start (ap, fmt);
  util_verror (0, fmt, ap);
  va_end (ap);
}

void
mt_fail (int err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  util_verror (err, fmt, ap);
  va_end (ap);
  mt_failed = true;
}

static void
add_pattern (char ***list, size_t *n, char *pattern)
{
  char **l = realloc (*list, (*n + 1) * sizeof *l);
  if (l == NULL)
    {
      util_error (-ENOMEM, "%s", _("cannot allocate memory"));
      exit (EXIT_TROUBLE);
    }
  l[(*n)++] = pattern;
  *list = l;
}

static unsigned
cpu_count (void)
{
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return (unsigned) CPU_COUNT (&set);
#endif
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned) n : 1;
}

static double
elapsed (void)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - t_start.tv_sec)
         + (double) (now.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* Workers.  */

/* Workers take a share of the waiting files at a time (at most
   WORK_BATCH) and report them done together: one lock round per batch
   rather than per file, which matters for trees of small files.  */
#define WORK_BATCH 32

static void *
worker (void *arg)
{
  struct mt_entry *batch[WORK_BATCH];
  (void) arg;
  pthread_mutex_lock (&mt_q.lock);
  for (;;)
    {
      while (mt_q.next >= mt_q.count && !mt_q.closed)
        {
          mt_q.idle_workers++;
          pthread_cond_wait (&mt_q.more, &mt_q.lock);
          mt_q.idle_workers--;
        }
      if (mt_q.next >= mt_q.count)
        break;
      size_t take = (mt_q.count - mt_q.next) / (2 * mt_opt.jobs);
      if (take < 1)
        take = 1;
      if (take > WORK_BATCH)
        take = WORK_BATCH;
      size_t n = 0;
      for (size_t k = 0; k < take; k++)
        {
          /* Messages queued by the crawl are done from the start, and the
             main thread may already have printed and freed them (leaving
             NULL).  */
          struct mt_entry *e = mt_q.items[mt_q.next++];
          if (e != NULL && !(e->flags & MT_F_DONE))
            batch[n++] = e;
        }
      if (n == 0)
        continue;
      pthread_mutex_unlock (&mt_q.lock);
      for (size_t k = 0; k < n; k++)
        mt_process_entry (batch[k]);
      pthread_mutex_lock (&mt_q.lock);
      for (size_t k = 0; k < n; k++)
        batch[k]->flags |= MT_F_DONE;
      if (mt_q.main_waiting)
        pthread_cond_signal (&mt_q.done);
    }
  pthread_mutex_unlock (&mt_q.lock);
  return NULL;
}

static pthread_t *workers;
static unsigned n_workers;

static void
start_workers (void)
{
  workers = calloc (mt_opt.jobs, sizeof *workers);
  if (workers == NULL)
    {
      util_error (-ENOMEM, "%s", _("cannot allocate memory"));
      exit (EXIT_TROUBLE);
    }
  for (n_workers = 0; n_workers < mt_opt.jobs; n_workers++)
    {
      int rc = pthread_create (&workers[n_workers], NULL, worker, NULL);
      if (rc != 0)
        {
          if (n_workers > 0)
            break;   /* fewer threads than asked is still a run */
          util_error (-rc, "%s", _("cannot start a thread"));
          exit (EXIT_TROUBLE);
        }
    }
}

static void
close_queue (void)
{
  mt_queue_flush ();
  pthread_mutex_lock (&mt_q.lock);
  mt_q.closed = true;
  pthread_cond_broadcast (&mt_q.more);
  pthread_mutex_unlock (&mt_q.lock);
}

static void
join_workers (void)
{
  for (unsigned i = 0; i < n_workers; i++)
    pthread_join (workers[i], NULL);
  free (workers);
  workers = NULL;
  n_workers = 0;
}

/* ------------------------------------------------------------------ */
/* Output.  */

static const char *
action_name (void)
{
  switch (mt_opt.action)
    {
    case MT_TOUCH: return "touch";
    case MT_EVICT: return "evict";
    case MT_LOCK: return "lock";
    case MT_LOCK_ALL: return "lock-all";
    default: return "report";
    }
}

/* A JSON string.  Bytes that are not valid UTF-8 (file names may hold
   any byte) become U+FFFD so that the document stays valid.  */
static void
json_string (const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  putchar ('"');
  while (*p)
    {
      unsigned c = *p;
      if (c == '"' || c == '\\')
        {
          putchar ('\\');
          putchar ((int) c);
          p++;
        }
      else if (c < 0x20 || c == 0x7f)
        {
          switch (c)
            {
            case '\n': fputs ("\\n", stdout); break;
            case '\t': fputs ("\\t", stdout); break;
            case '\r': fputs ("\\r", stdout); break;
            default: printf ("\\u%04x", c); break;
            }
          p++;
        }
      else if (c < 0x80)
        {
          putchar ((int) c);
          p++;
        }
      else
        {
          int n = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;
          int i;
          if (c >= 0xf5)
            n = -1;
          for (i = 1; n > 0 && i <= n; i++)
            if ((p[i] & 0xc0) != 0x80)
              break;
          /* Overlong three- and four-byte forms and surrogates.  */
          if (n == 2 && i > n
              && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
            n = -1;
          if (n == 3 && i > n
              && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
            n = -1;
          if (n < 0 || i <= n)
            {
              fputs ("\\ufffd", stdout);
              p++;
            }
          else
            {
              fwrite (p, 1, (size_t) n + 1, stdout);
              p += n + 1;
            }
        }
    }
  putchar ('"');
}

static const char *
done_key_json (void)
{
  switch (mt_opt.action)
    {
    case MT_TOUCH: return "touched";
    case MT_EVICT: return "evicted";
    case MT_LOCK: case MT_LOCK_ALL: return "locked";
    default: return NULL;
    }
}

static void
print_bar (const struct mt_entry *e)
{
  char bar[64];
  uint64_t w = e->pages < 60 ? e->pages : 60;
  for (uint64_t i = 0; i < w; i++)
    {
      uint64_t a = e->pages * i / w, b = e->pages * (i + 1) / w, in = 0;
      for (uint64_t k = a; k < b; k++)
        in += e->vec[k] & 1;
      bar[i] = in == b - a ? 'O' : in > 0 ? 'o' : ' ';
    }
  bar[w] = '\0';
  printf ("%s\n[%s] %" PRIu64 "/%" PRIu64 "\n", e->path, bar, e->resident,
          e->pages);
}

static void
progress_clear (void)
{
  if (progress_shown)
    {
      fprintf (stderr, "\r%*s\r", progress_width, "");
      progress_shown = false;
    }
}

/* Files printed so far in this run, for the progress line.  */
static size_t n_consumed;

/* The progress line: on a terminal only, from one second into the run,
   four times a second.  Called by the main thread, during the crawl too.  */
void
mt_progress (size_t queued)
{
  static int on = -1;
  static double last;
  char size[32];
  double t;
  int n;

  if (on < 0)
    on = !mt_opt.quiet && isatty (STDERR_FILENO);
  if (!on || (t = elapsed ()) < 1.0 || t - last < 0.25)
    return;
  last = t;
  util_human_size (atomic_load_explicit (&mt_bytes_done,
                                         memory_order_relaxed), size);
  fputc ('\r', stderr);
  n = 1 + fprintf (stderr, _("%s: %zu/%zu files, %s, %.0f s"),
                   util_program_name, n_consumed, queued, size, t);
  if (n > progress_width)
    progress_width = n;
  progress_shown = true;
}

static bool
link_seen (dev_t dev, ino_t ino)
{
  if (links_used * 2 >= links_alloc)
    {
      size_t n = links_alloc ? links_alloc * 2 : 256;
      struct link_key *t = calloc (n, sizeof *t);
      if (t == NULL)
        return false;   /* counted twice rather than failing the run */
      for (size_t i = 0; i < links_alloc; i++)
        if (links[i].used)
          {
            size_t h = (size_t) (links[i].ino * 0x9e3779b97f4a7c15u
                                 ^ links[i].dev) & (n - 1);
            while (t[h].used)
              h = (h + 1) & (n - 1);
            t[h] = links[i];
          }
      free (links);
      links = t;
      links_alloc = n;
    }
  size_t h = (size_t) (ino * 0x9e3779b97f4a7c15u ^ dev) & (links_alloc - 1);
  while (links[h].used)
    {
      if (links[h].dev == dev && links[h].ino == ino)
        return true;
      h = (h + 1) & (links_alloc - 1);
    }
  links[h].dev = dev;
  links[h].ino = ino;
  links[h].used = true;
  links_used++;
  return false;
}

static void
hold (mmapio_file *f)
{
  if (n_held == alloc_held)
    {
      size_t n = alloc_held ? alloc_held * 2 : 64;
      mmapio_file **h = realloc (held, n * sizeof *h);
      if (h == NULL)
        {
          util_error (-ENOMEM, "%s", _("cannot allocate memory"));
          exit (EXIT_TROUBLE);
        }
      held = h;
      alloc_held = n;
    }
  held[n_held++] = f;
}

static void
release_held (void)
{
  for (size_t i = 0; i < n_held; i++)
    (void) mmapio_close (held[i]);
  n_held = 0;
}

/* Account for a finished entry and print its line.  Frees it.  */
static void
consume (struct mt_entry *e, struct totals *t)
{
  if (e->message != NULL)
    {
      if (e->flags & MT_F_FAILED)
        mt_fail (0, "%s", e->message);
      else
        mt_warn ("%s", e->message);
    }
  if (e->flags & MT_F_FAILED)
    t->failed++;
  else if (e->flags & MT_F_SKIPPED)
    t->skipped++;
  else if (e->flags & MT_F_FAKE)
    t->unknown++;
  else if (!(e->flags & MT_F_NOTE)
           && (mt_opt.hard_links || e->nlink <= 1
               || !link_seen (e->dev, e->ino)))
    {
      t->files++;
      t->pages += e->pages;
      t->resident += e->resident;
      t->done += e->done_pages;
      if (e->handle != NULL)
        {
          hold (e->handle);
          e->handle = NULL;
        }
      if (mt_opt.quiet)
        ;
      else if (mt_opt.output == MT_OUT_JSON)
        {
          const char *k = done_key_json ();
          progress_clear ();
          fputs (t->json_count++ ? ",\n    {\"path\": " : "\n    {\"path\": ",
                 stdout);
          json_string (e->path);
          printf (", \"size\": %" PRIu64 ", \"pages\": %" PRIu64
                  ", \"resident\": %" PRIu64, e->size, e->pages,
                  e->resident);
          if (k != NULL)
            printf (", \"%s\": %" PRIu64, k, e->done_pages);
          putchar ('}');
        }
      else if (mt_opt.output == MT_OUT_HUMAN && mt_opt.verbose)
        {
          progress_clear ();
          if (e->vec != NULL)
            print_bar (e);
          else
            printf ("%s  %" PRIu64 "/%" PRIu64 "\n", e->path, e->resident,
                    e->pages);
        }
    }
  /* A duplicate hard link's handle is not kept: its pages are already
     held through the first link.  */
  if (e->handle != NULL)
    (void) mmapio_close (e->handle);
  mt_dir_release (e->dir);
  free (e->vec);
  free (e->message);
  free (e->path);
  free (e);
}

/* Print and free every entry in crawl order as the workers finish them.  */
static void
consume_all (struct totals *t)
{
  size_t i = 0;
  pthread_mutex_lock (&mt_q.lock);
  for (;;)
    {
      while (i < mt_q.count && (mt_q.items[i]->flags & MT_F_DONE))
        {
          struct mt_entry *e = mt_q.items[i];
          mt_q.items[i++] = NULL;
          pthread_mutex_unlock (&mt_q.lock);
          consume (e, t);
          n_consumed = i;
          pthread_mutex_lock (&mt_q.lock);
        }
      if (i >= mt_q.count && mt_q.closed)
        break;
      size_t queued = mt_q.count;
      pthread_mutex_unlock (&mt_q.lock);
      mt_progress (queued);
      pthread_mutex_lock (&mt_q.lock);
      struct timespec until;
      clock_gettime (CLOCK_REALTIME, &until);
      until.tv_nsec += 250 * 1000 * 1000;
      if (until.tv_nsec >= 1000 * 1000 * 1000)
        {
          until.tv_sec++;
          until.tv_nsec -= 1000 * 1000 * 1000;
        }
      mt_q.main_waiting = true;
      pthread_cond_timedwait (&mt_q.done, &mt_q.lock, &until);
      mt_q.main_waiting = false;
    }
  pthread_mutex_unlock (&mt_q.lock);
  progress_clear ();
}

/* Empty the queue for the next run, once the workers are gone.  */
static void
reset_queue (void)
{
  free (mt_q.items);
  mt_q.items = NULL;
  mt_q.count = mt_q.alloc = mt_q.next = 0;
  mt_q.closed = false;
}

static void print_summary_1 (const struct totals *t, uint64_t dirs,
                             double secs);

/* The JSON and key=value formats are for programs: their decimal point is
   always '.', whatever the locale says.  */
static void
print_summary (const struct totals *t, uint64_t dirs, double secs)
{
  locale_t c = (locale_t) 0, old = (locale_t) 0;
  if (mt_opt.output != MT_OUT_HUMAN
      && (c = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0)) != (locale_t) 0)
    old = uselocale (c);
  print_summary_1 (t, dirs, secs);
  if (c != (locale_t) 0)
    {
      uselocale (old);
      freelocale (c);
    }
}

static void
print_summary_1 (const struct totals *t, uint64_t dirs, double secs)
{
  uint64_t ps = (uint64_t) mt_page_size;
  double pct = t->pages ? 100.0 * (double) t->resident / (double) t->pages
                        : 0.0;
  char a[32], b[32];

  if (mt_opt.output == MT_OUT_JSON)
    {
      printf ("%s],\n  \"totals\": {\"action\": \"%s\", \"files\": %" PRIu64
              ", \"directories\": %" PRIu64 ", \"total_pages\": %" PRIu64
              ", \"resident_pages\": %" PRIu64 ", \"total_size\": %" PRIu64
              ", \"resident_size\": %" PRIu64 ", \"resident_percent\": %.2f"
              ", \"touched_pages\": %" PRIu64 ", \"evicted_pages\": %" PRIu64
              ", \"locked_pages\": %" PRIu64 ", \"skipped\": %" PRIu64
              ", \"failed\": %" PRIu64 ", \"unknown\": %" PRIu64
              ", \"page_size\": %" PRIu64 ", \"elapsed\": %.6f}\n}\n",
              t->json_count ? "\n  " : "", action_name (), t->files, dirs,
              t->pages, t->resident, t->pages * ps, t->resident * ps, pct,
              mt_opt.action == MT_TOUCH ? t->done : 0,
              mt_opt.action == MT_EVICT ? t->done : 0,
              mt_opt.action >= MT_LOCK ? t->done : 0,
              t->skipped, t->failed, t->unknown, ps, secs);
      return;
    }
  if (mt_opt.output == MT_OUT_KV)
    {
      printf ("Files=%" PRIu64 " Directories=%" PRIu64 " ResidentPages=%"
              PRIu64 " TotalPages=%" PRIu64 " ResidentSize=%" PRIu64
              " TotalSize=%" PRIu64 " ResidentPercent=%.3g Elapsed=%g",
              t->files, dirs, t->resident, t->pages, t->resident * ps,
              t->pages * ps, pct, secs);
      if (mt_opt.action == MT_TOUCH)
        printf (" TouchedPages=%" PRIu64, t->done);
      else if (mt_opt.action == MT_EVICT)
        printf (" EvictedPages=%" PRIu64, t->done);
      else if (mt_opt.action >= MT_LOCK)
        printf (" LockedPages=%" PRIu64, t->done);
      printf (" Skipped=%" PRIu64 " Failed=%" PRIu64 " Unknown=%" PRIu64 "\n",
              t->skipped, t->failed, t->unknown);
      return;
    }

  if (mt_opt.verbose && t->files > 0)
    putchar ('\n');
  /* The labels are vmtouch's, in English in every locale: scripts parse
   * this summary.  */
  printf ("%16s: %" PRIu64 "\n", "Files", t->files);
  printf ("%16s: %" PRIu64 "\n", "Directories", dirs);
  switch (mt_opt.action)
    {
    case MT_REPORT:
      printf ("%16s: %" PRIu64 "/%" PRIu64 "  %s/%s", "Resident Pages",
              t->resident, t->pages, util_human_size (t->resident * ps, a),
              util_human_size (t->pages * ps, b));
      if (t->pages > 0)
        printf ("  %.3g%%", pct);
      putchar ('\n');
      break;
    case MT_TOUCH:
      printf ("%16s: %" PRIu64 " (%s)\n", "Touched Pages", t->done,
              util_human_size (t->done * ps, a));
      break;
    case MT_EVICT:
      printf ("%16s: %" PRIu64 " (%s)\n", "Evicted Pages", t->done,
              util_human_size (t->done * ps, a));
      break;
    case MT_LOCK:
    case MT_LOCK_ALL:
      printf ("%16s: %" PRIu64 " (%s)\n", "Locked Pages", t->done,
              util_human_size (t->done * ps, a));
      break;
    }
  if (t->skipped > 0)
    printf ("%16s: %" PRIu64 "\n", "Skipped (-m)", t->skipped);
  if (t->unknown > 0)
    printf ("%16s: %" PRIu64 "\n", "Unknown", t->unknown);
  printf ("%16s: %g %s\n", "Elapsed", secs, "seconds");
}

/* ------------------------------------------------------------------ */
/* Crawl input.  */

static char **operands;
static size_t n_operands;

static void
crawl_list_item (char *item, size_t len, void *data)
{
  mt_crawl_operand (item);
}

static void
read_list (const char *name)
{
  FILE *fp = strcmp (name, "-") == 0 ? stdin : fopen (name, "re");

  if (fp == NULL)
    {
      mt_fail (-errno, "%s", name);
      return;
    }
  if (!mt_read_list (fp, mt_opt.nul_list ? '\0' : '\n', crawl_list_item,
                     NULL))
    mt_fail (-errno, "%s", name);
  if (fp != stdin)
    fclose (fp);
}

static void
crawl_all (void)
{
  for (size_t i = 0; i < n_operands; i++)
    mt_crawl_operand (operands[i]);
  if (mt_opt.list_file != NULL)
    read_list (mt_opt.list_file);
}

/* ------------------------------------------------------------------ */
/* Locking.  */

static bool
have_cap_ipc_lock (void)
{
  /* CAP_IPC_LOCK (bit 14) lifts RLIMIT_MEMLOCK.  Read from /proc rather
     than through libcap, which the project does not depend on.  */
  FILE *fp = fopen ("/proc/self/status", "re");
  char line[256];
  bool yes = false;
  if (fp == NULL)
    return false;
  while (fgets (line, sizeof line, fp))
    {
      unsigned long long caps;
      if (sscanf (line, "CapEff: %llx", &caps) == 1)
        {
          yes = (caps >> 14) & 1;
          break;
        }
    }
  fclose (fp);
  return yes;
}

/* Before anything is locked, compare what the files need with
   RLIMIT_MEMLOCK, so that a service fails at once with a message naming
   the limit instead of locking half its files.  */
static bool
memlock_fits (void)
{
  uint64_t need = 0, limit, ps = (uint64_t) mt_page_size;
  char a[32], b[32];

  if (mmapio_memlock_limit (&limit) != 0 || limit == UINT64_MAX
      || have_cap_ipc_lock ())
    return true;
  pthread_mutex_lock (&mt_q.lock);
  for (size_t i = 0; i < mt_q.count; i++)
    {
      const struct mt_entry *e = mt_q.items[i];
      if (!(e->flags & MT_F_STATTED) || e->size > mt_opt.max_size)
        continue;
      uint64_t s = mt_opt.range_start < e->size ? mt_opt.range_start : e->size;
      uint64_t t = mt_opt.range_end < e->size ? mt_opt.range_end : e->size;
      if (t > s)
        need += (t - (s - s % ps) + ps - 1) / ps * ps;
    }
  pthread_mutex_unlock (&mt_q.lock);
  if (need <= limit)
    return true;
  mt_fail (0, _("locking %s needs a locked-memory limit (RLIMIT_MEMLOCK) of "
                "at least that much, but it is %s: raise it with 'ulimit -l', "
                "LimitMEMLOCK= in the systemd unit, or memlock in "
                "/etc/security/limits.conf"),
           util_human_size (need, a), util_human_size (limit, b));
  return false;
}

/* mlockall is all or nothing: false when nothing was locked.  */
static bool
lock_everything (void)
{
  if (mlockall (MCL_CURRENT) != 0)
    {
      int err = errno;
      uint64_t limit;
      char a[32];
      if (err == ENOMEM && mmapio_memlock_limit (&limit) == 0)
        mt_fail (0, _("mlockall: the locked-memory limit (RLIMIT_MEMLOCK) "
                      "is %s; raise it with 'ulimit -l' or LimitMEMLOCK= "
                      "in the systemd unit"),
                 util_human_size (limit, a));
      else
        mt_fail (-err, "mlockall");
      return false;
    }
  return true;
}

static const char *pidfile_written;

static void
remove_pidfile (void)
{
  if (pidfile_written != NULL)
    unlink (pidfile_written);
}

/* The process ID in the pid file PATH that exists already: > 0, 0 when
   the file holds none, -1 after a message saying why the file is not
   one to read or replace, -2 when it is gone.  A symbolic link is not
   followed (its target is whatever its owner chose, and the stale case
   would have mmtouch remove it), and only a regular file is read: a
   FIFO would block the read, a device would feed it anything.  */
static long
read_pidfile (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
                       | O_NOCTTY);
  struct stat st;
  char buf[32];
  ssize_t n = -1;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return -2;
      if (errno == ELOOP)
        mt_fail (0, "%s: %s", path, _("refusing to follow a symbolic link"));
      else
        mt_fail (-errno, "%s", path);
      return -1;
    }
  if (fstat (fd, &st) == 0 && !S_ISREG (st.st_mode))
    {
      close (fd);
      mt_fail (0, "%s: %s", path, _("not a regular file"));
      return -1;
    }
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  char *end;
  long pid = strtol (buf, &end, 10);
  return end != buf && pid > 0 ? pid : 0;
}

static bool
write_pidfile (const char *path)
{
  for (int attempt = 0; attempt < 3; attempt++)
    {
      /* O_EXCL does not follow a symbolic link: one at PATH is EEXIST.  */
      int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0)
        {
          char buf[32];
          int n = snprintf (buf, sizeof buf, "%ld\n", (long) getpid ());
          if (write (fd, buf, (size_t) n) != n || close (fd) != 0)
            {
              mt_fail (-errno, "%s", path);
              unlink (path);
              return false;
            }
          pidfile_written = path;
          atexit (remove_pidfile);
          return true;
        }
      if (errno != EEXIST)
        break;
      long pid = read_pidfile (path);
      if (pid == -1)
        return false;
      if (pid == -2)
        continue;
      /* A pid file left by a process that no longer exists is stale.  */
      if (pid == 0 || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        {
          errno = EEXIST;
          break;
        }
      unlink (path);
    }
  mt_fail (-errno, "%s", path);
  return false;
}

/* ------------------------------------------------------------------ */

static bool
lock_mode (void)
{
  return mt_opt.action == MT_LOCK || mt_opt.action == MT_LOCK_ALL;
}

/* One crawl with its processing and summary.  Returns false when the run
   could not start (locked-memory limit).  */
static bool
run (void)
{
  struct totals t = { 0 };
  uint64_t dirs;

  clock_gettime (CLOCK_MONOTONIC, &t_start);
  atomic_store (&mt_bytes_done, 0);
  n_consumed = 0;
  mt_q.directories = 0;
  if (links != NULL)
    {
      free (links);
      links = NULL;
      links_alloc = links_used = 0;
    }

  /* One regular file: threads would only add their start-up time.  */
  struct stat st;
  bool one_file = !lock_mode () && n_operands == 1 && mt_opt.list_file == NULL
                  && stat (operands[0], &st) == 0 && S_ISREG (st.st_mode);

  if (!lock_mode () && !one_file)
    start_workers ();
  crawl_all ();
  mt_queue_flush ();
  if (one_file)
    for (size_t i = 0; i < mt_q.count; i++)
      if (!(mt_q.items[i]->flags & MT_F_DONE))
        {
          mt_process_entry (mt_q.items[i]);
          mt_q.items[i]->flags |= MT_F_DONE;
        }
  if (lock_mode ())
    {
      if (!memlock_fits ())
        {
          close_queue ();
          pthread_mutex_lock (&mt_q.lock);
          for (size_t i = 0; i < mt_q.count; i++)
            mt_q.items[i]->flags |= MT_F_DONE;
          pthread_mutex_unlock (&mt_q.lock);
          bool q = mt_opt.quiet;
          mt_opt.quiet = true;
          consume_all (&t);
          reset_queue ();
          mt_opt.quiet = q;
          return false;
        }
      start_workers ();
    }
  close_queue ();
  dirs = mt_q.directories;
  if (!mt_opt.quiet && mt_opt.output == MT_OUT_JSON)
    fputs ("{\n  \"files\": [", stdout);
  consume_all (&t);
  join_workers ();
  reset_queue ();
  if (mt_opt.action == MT_LOCK_ALL && n_held > 0 && !lock_everything ())
    /* Nothing is locked: a summary would count the mapped pages as
       locked, and waiting would hold nothing.  */
    return false;
  if (!mt_opt.quiet)
    {
      /* Microseconds, as vmtouch prints.  */
      double secs = (double) (long long) (elapsed () * 1e6 + 0.5) / 1e6;
      print_summary (&t, dirs, secs);
    }
  return true;
}

/* -d: the crawl and the locks belong to a child in a new session (locks
   are not inherited across fork, so the child must take them).  With -w
   the parent waits for the child's word that everything is locked and
   exits with its status.  Returns the descriptor the child reports on.  */
static int
daemonize (void)
{
  int p[2];
  pid_t pid;
  fflush (stdout);
  if (pipe2 (p, O_CLOEXEC) != 0)
    {
      util_error (-errno, "%s", _("cannot create a pipe"));
      exit (EXIT_TROUBLE);
    }
  pid = fork ();
  if (pid < 0)
    {
      util_error (-errno, "%s", _("cannot fork"));
      exit (EXIT_TROUBLE);
    }
  if (pid > 0)
    {
      unsigned char status = EXIT_TROUBLE;
      close (p[1]);
      if (!mt_opt.wait_locked)
        exit (EXIT_OK);
      if (read (p[0], &status, 1) != 1)
        status = EXIT_TROUBLE;
      exit (status);
    }
  close (p[0]);
  setsid ();
  if (!mt_opt.wait_locked)
    {
      /* Nobody reads the status: the parent has gone.  */
      close (p[1]);
      return -1;
    }
  /* A parent killed while it waits must not take the daemon with it
     through SIGPIPE.  */
  signal (SIGPIPE, SIG_IGN);
  return p[1];
}

static void
detach_stdio (void)
{
  int fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return;
  fflush (stdout);
  fflush (stderr);
  dup2 (fd, STDIN_FILENO);
  dup2 (fd, STDOUT_FILENO);
  dup2 (fd, STDERR_FILENO);
  if (fd > STDERR_FILENO)
    close (fd);
}

static void
raise_nofile_limit (void)
{
  /* Every locked file keeps a descriptor open.  */
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      (void) setrlimit (RLIMIT_NOFILE, &rl);
    }
}

static int
lock_and_wait (void)
{
  sigset_t set;
  int notify = -1, sig;
  bool daemon = mt_opt.daemon && !mt_opt.foreground, detached = false;

  if (daemon)
    notify = daemonize ();
  /* Signals are taken with sigwait: block them before any thread exists so
     that every thread inherits the mask.  */
  sigemptyset (&set);
  sigaddset (&set, SIGHUP);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGQUIT);
  pthread_sigmask (SIG_BLOCK, &set, NULL);

  if (mt_opt.pidfile != NULL && !write_pidfile (mt_opt.pidfile))
    {
      if (notify >= 0)
        {
          unsigned char st = EXIT_TROUBLE;
          (void) !write (notify, &st, 1);
        }
      return EXIT_TROUBLE;
    }

  for (;;)
    {
      bool started = run ();
      /* What was printed must be out before the wait, which never ends on
         its own.  */
      if (fflush (stdout) != 0 || ferror (stdout))
        {
          util_error (-errno, "%s", _("write error"));
          return EXIT_TROUBLE;
        }
      if (!started)
        {
          if (notify >= 0)
            {
              unsigned char st = EXIT_TROUBLE;
              (void) !write (notify, &st, 1);
            }
          return EXIT_TROUBLE;
        }
      if (notify >= 0)
        {
          unsigned char st = mt_failed ? EXIT_TROUBLE : EXIT_OK;
          (void) !write (notify, &st, 1);
          close (notify);
          notify = -1;
        }
      if (daemon && !detached)
        {
          detach_stdio ();
          detached = true;
        }
      do
        {
          if (sigwait (&set, &sig) != 0)
            sig = SIGTERM;
        }
      while (sig != SIGHUP && sig != SIGINT && sig != SIGTERM
             && sig != SIGQUIT);
      if (sig != SIGHUP)
        break;
      /* SIGHUP: drop every lock and crawl again, to follow files that
         were added, removed or replaced.  */
      if (mt_opt.action == MT_LOCK_ALL)
        munlockall ();
      release_held ();
      mt_failed = false;
    }
  release_held ();
  return mt_failed ? EXIT_TROUBLE : EXIT_OK;
}

int
main (int argc, char **argv)
{
  int c;
  bool any_action = false;

  util_init (argv[0]);
  /* getopt names the program after argv[0] in its messages.  */
  argv[0] = (char *) util_program_name;
  mt_page_size = sysconf (_SC_PAGESIZE);
  if (mt_page_size <= 0)
    mt_page_size = 4096;
  mt_opt.max_size = UINT64_MAX;
  mt_opt.range_end = UINT64_MAX;
  mt_opt.jobs = 0;

  while ((c = getopt_long (argc, argv, "teLldm:p:fFhi:I:b:0wP:vqj:",
                           long_options, NULL)) != -1)
    {
      switch (c)
        {
        case 't':
          if (mt_opt.action == MT_EVICT)
            usage_error (_("options -t and -e cannot be combined"));
          if (mt_opt.action == MT_REPORT)
            mt_opt.action = MT_TOUCH;
          any_action = true;
          break;
        case 'e':
          if (any_action && mt_opt.action != MT_EVICT)
            usage_error (_("option -e cannot be combined with -t, -l or -L"));
          mt_opt.action = MT_EVICT;
          any_action = true;
          break;
        case 'l':
        case 'L':
          if (mt_opt.action == MT_EVICT)
            usage_error (_("option -e cannot be combined with -t, -l or -L"));
          if ((c == 'l' && mt_opt.action == MT_LOCK_ALL)
              || (c == 'L' && mt_opt.action == MT_LOCK))
            usage_error (_("options -l and -L cannot be combined"));
          mt_opt.action = c == 'l' ? MT_LOCK : MT_LOCK_ALL;
          any_action = true;
          break;
        case 'd':
          mt_opt.daemon = true;
          break;
        case OPT_FOREGROUND:
          mt_opt.foreground = true;
          break;
        case 'w':
          mt_opt.wait_locked = true;
          break;
        case 'P':
          mt_opt.pidfile = optarg;
          break;
        case OPT_SYNC:
          mt_opt.sync = true;
          break;
        case 'm':
          if (!mt_parse_size (optarg, &mt_opt.max_size))
            usage_error (_("invalid size '%s'"), optarg);
          break;
        case 'p':
          if (!mt_parse_range (optarg, &mt_opt.range_start, &mt_opt.range_end))
            usage_error (_("invalid page range '%s'"), optarg);
          break;
        case 'f':
          mt_opt.follow = true;
          break;
        case 'F':
          mt_opt.one_fs = true;
          break;
        case 'h':
          mt_opt.hard_links = true;
          break;
        case 'i':
          add_pattern (&mt_opt.ignore, &mt_opt.n_ignore, optarg);
          break;
        case 'I':
          add_pattern (&mt_opt.only, &mt_opt.n_only, optarg);
          break;
        case 'b':
          mt_opt.list_file = optarg;
          break;
        case '0':
          mt_opt.nul_list = true;
          break;
        case 'v':
          mt_opt.verbose++;
          break;
        case 'q':
          mt_opt.quiet = true;
          break;
        case 'j':
          {
            char *end;
            unsigned long n;
            errno = 0;
            n = strtoul (optarg, &end, 10);
            if (errno || end == optarg || *end || n < 1 || n > 1024
                || optarg[0] == '-')
              usage_error (_("invalid number of jobs '%s'"), optarg);
            mt_opt.jobs = (unsigned) n;
          }
          break;
        case OPT_OUTPUT:
          if (strcmp (optarg, "human") == 0)
            mt_opt.output = MT_OUT_HUMAN;
          else if (strcmp (optarg, "json") == 0)
            mt_opt.output = MT_OUT_JSON;
          else if (strcmp (optarg, "kv") == 0)
            mt_opt.output = MT_OUT_KV;
          else
            usage_error (_("invalid output format '%s' (human, json or kv)"),
                         optarg);
          break;
        case OPT_HELP:
          usage ();
        case OPT_VERSION:
          util_version ();
        default:
          util_try_help ();
        }
    }

  if (mt_opt.daemon && !lock_mode ())
    usage_error (_("option -d needs -l or -L"));
  if (mt_opt.foreground && !lock_mode ())
    usage_error (_("option --foreground needs -l or -L"));
  if (mt_opt.pidfile != NULL && !lock_mode ())
    usage_error (_("option -P needs -l or -L"));
  if (mt_opt.wait_locked && !mt_opt.daemon)
    usage_error (_("option -w needs -d"));
  if (mt_opt.sync && mt_opt.action != MT_EVICT)
    usage_error (_("option --sync needs -e"));
  if (mt_opt.nul_list && mt_opt.list_file == NULL)
    usage_error (_("option -0 needs -b"));
  operands = argv + optind;
  n_operands = (size_t) (argc - optind);
  if (n_operands == 0 && mt_opt.list_file == NULL)
    usage_error (_("no files or directories specified"));
  if (mt_opt.jobs == 0)
    mt_opt.jobs = cpu_count () < 64 ? cpu_count () : 64;
  if (mt_opt.quiet)
    mt_opt.verbose = 0;
  mt_opt.bars = mt_opt.verbose && mt_opt.output == MT_OUT_HUMAN
                && isatty (STDOUT_FILENO);

  /* Directories are held open while their files wait for a worker, and
     every locked file keeps its descriptor.  */
  raise_nofile_limit ();
  if (lock_mode ())
    return lock_and_wait ();
  run ();
  return mt_failed ? EXIT_TROUBLE : EXIT_OK;
}
