/* sigbus.c — turn SIGBUS inside the library's guarded sections into an
 * error return.
 *
 * Copyright (C) 2026 The libmmapio developers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When the file behind a mapping is truncated, touching a page beyond the
 * new end raises SIGBUS.  The copying calls protect themselves with a
 * thread-local recovery point (see MMAPIO_GUARD_BEGIN): the handler below
 * jumps back to it when the fault happens on a thread inside a guarded
 * section.  Any other SIGBUS goes to the disposition that was in place
 * before the library installed its handler, so programs that handle SIGBUS
 * themselves keep working.
 */

#include "mmapio-private.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

__thread sigjmp_buf *mmapio__guard_jmp
  __attribute__ ((tls_model ("initial-exec")));
atomic_int mmapio__guard_installed;

static struct sigaction previous;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void
sigbus_handler (int sig, siginfo_t *info, void *context)
{
  sigjmp_buf *jmp = mmapio__guard_jmp;

  if (jmp != NULL && info != NULL && info->si_code > 0)
    {
      /* A fault inside a guarded section of this thread.  The section's
       * own code restores the previous recovery point.  SA_NODEFER keeps
       * SIGBUS unblocked, so no signal mask needs restoring.  */
      mmapio__guard_jmp = NULL;
      siglongjmp (*jmp, 1);
    }

  /* Not ours: hand it to whoever had it before.  */
  if (previous.sa_flags & SA_SIGINFO)
    {
      if (previous.sa_sigaction != NULL)
        {
          previous.sa_sigaction (sig, info, context);
          return;
        }
    }
  else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
    {
      previous.sa_handler (sig);
      return;
    }
  else if (previous.sa_handler == SIG_IGN
           && (info == NULL || info->si_code <= 0))
    /* The program ignores SIGBUS: one sent with kill() or raise() stays
     * ignored, as it would be without the library.  */
    return;

  /* Default (or ignored, which the kernel overrides for real faults):
   * restore the default action.  A real fault re-executes the faulting
   * instruction on return and now kills the process with the right status;
   * a SIGBUS sent by kill() has to be raised again.  */
  struct sigaction dfl;
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset (&dfl.sa_mask);
  sigaction (SIGBUS, &dfl, NULL);
  if (info == NULL || info->si_code <= 0)
    raise (SIGBUS);
}

static void
install (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = sigbus_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK | SA_RESTART;
  sigemptyset (&sa.sa_mask);
  if (sigaction (SIGBUS, &sa, &previous) == 0)
    atomic_store_explicit (&mmapio__guard_installed, 1, memory_order_release);
}

void
mmapio__guard_install (void)
{
  pthread_once (&install_once, install);
}

int
mmapio__guarded_memcpy (void *dst, const void *src, size_t n)
{
  MMAPIO_GUARD_DECL;
  if (MMAPIO_GUARD_BEGIN ())
    {
      MMAPIO_GUARD_RECOVER ();
      return MMAPIO_E_SHRUNK;
    }
  memcpy (dst, src, n);
  MMAPIO_GUARD_END ();
  return 0;
}

int
mmapio__guarded_call (int (*fn) (void *, size_t, uint64_t, void *),
                      void *data, size_t len, uint64_t off, void *userdata)
{
  int r;
  MMAPIO_GUARD_DECL;
  if (MMAPIO_GUARD_BEGIN ())
    {
      MMAPIO_GUARD_RECOVER ();
      return MMAPIO_E_SHRUNK;
    }
  r = fn (data, len, off, userdata);
  MMAPIO_GUARD_END ();
  return r;
}
