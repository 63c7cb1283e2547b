#!/bin/sh
# Run one g_test program in TAP mode under valgrind's memcheck: the
# LOG_COMPILER of "make check-valgrind".  A memory error or a definite
# leak makes the program exit with status 1, which the TAP driver
# reports as an ERROR, with valgrind's report in the test's log.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: LGPL-2.1-or-later

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
glib_supp=
for f in /usr/share/glib-2.0/valgrind/glib.supp \
         /usr/local/share/glib-2.0/valgrind/glib.supp; do
  if [ -f "$f" ]; then glib_supp="--suppressions=$f"; break; fi
done

exec "$top_builddir/libtool" --mode=execute \
  valgrind --quiet --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --child-silent-after-fork=yes --track-fds=no \
  $glib_supp --suppressions="$top_srcdir/tests/valgrind.supp" \
  "$@" -k --tap
