/* common.h — helpers shared by mmtouch and mmcat.
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#ifndef MMAPIO_UTILS_COMMON_H
#define MMAPIO_UTILS_COMMON_H

#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#if ENABLE_NLS
# include <libintl.h>
# define _(msgid) gettext (msgid)
#else
# define _(msgid) (msgid)
#endif
#define N_(msgid) (msgid)

/* Exit statuses shared by both utilities (documented in their man pages). */
enum { EXIT_OK = 0, EXIT_TROUBLE = 1, EXIT_USAGE = 2 };

/* The program's name for messages, set by util_init.  */
extern const char *util_program_name;

/* setlocale, bindtextdomain, textdomain, and atexit (util_close_stdout).  */
void util_init (const char *program_name);

/* Print "PROG: MESSAGE" (and ": strerror(-err)" when err != 0) on stderr.
 * 'err' is a libmmapio error code (negative errno or MMAPIO_E_*).  */
void util_error (int err, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

/* util_error with a va_list.  */
void util_verror (int err, const char *format, va_list ap)
  __attribute__ ((format (printf, 2, 0)));

/* NAME as GNU tools print file names in messages: unchanged when it holds
 * only characters a shell would not mind, else quoted the way a shell
 * reads it back ('a b', "it's", 'a'$'\n''b').  The string lives in a
 * thread-local buffer until the next call in the same thread.  */
const char *util_quote (const char *name);

/* "PROG: FILE: reason" for a file operand, FILE quoted by util_quote.  */
void util_file_error (const char *file, int err);

/* The one-line hint after a usage error, then exit 2.  */
noreturn void util_try_help (void);

/* Print "PROG (libmmapio) VERSION" and the license, then exit 0.  */
noreturn void util_version (void);

/* Parse a size: decimal, 0x hexadecimal or 0 octal digits, optionally
 * followed by K, M, G, T (powers of 1024; also KiB, MiB... and k) or
 * B.  Returns false on syntax error or overflow of uint64_t.  */
bool util_parse_size (const char *s, uint64_t *ret);

/* Human-readable size as vmtouch prints it ("1M", "12K", "3G", "812").
 * Writes into buf (at least 32 bytes) and returns it.  */
char *util_human_size (uint64_t bytes, char *buf);

/* Registered with atexit by util_init: close standard output and report
 * a write error (e.g. ENOSPC on /dev/full, EPIPE) with exit status 1.  */
void util_close_stdout (void);

#endif
