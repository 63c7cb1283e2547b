#!/bin/sh
# mmcat and mmtouch under valgrind's memcheck: each of their main modes,
# ranges, batch input, output formats and error paths, with full leak
# checking.  A memory error or a definite leak fails the run.  Part of
# "make check-valgrind"; it skips when valgrind is not installed.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/tap-lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 0
fi

scratch valgrind-utils

# vg STATUS NAME PROGRAM ARGS...: run PROGRAM of utils/ under memcheck;
# the test passes when it exits with STATUS and memcheck reports nothing.
vg ()
{
  want=$1 name=$2 prog=$3
  shift 3
  "$top_builddir/libtool" --mode=execute valgrind --quiet \
    --error-exitcode=125 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --log-file=vg.log \
    "$top_builddir/utils/$prog" "$@" >out 2>err </dev/null
  got=$?
  # memcheck's reports are the "==PID==" lines; "--PID--" lines are
  # valgrind's own notes (a system call it does not know, say).
  if [ "$got" = "$want" ] && ! grep -q '^==[0-9]*==' vg.log; then
    ok "$prog $name"
  else
    not_ok "$prog $name: status $got, expected $want"
    diag vg.log err
  fi
}

seq 1 200000 > data
: > empty
mkdir -p tree/a/b
seq 1 5000 > tree/one
seq 1 9000 > tree/a/two
ln -s ../../one tree/a/b/link
printf 'data\ntree/one\n' > list
printf 'data\000tree/one\000' > list0

vg 0 "a file" mmcat data
vg 0 "two files and stdin" mmcat data - tree/one
vg 0 "--offset --length" mmcat --offset=1000 --length=5000 data
vg 0 "--method=write --window=64K" mmcat --method=write --window=64K data
vg 0 "--method=copy into a file" mmcat --method=copy data
vg 0 "an empty file" mmcat empty
vg 1 "a missing file" mmcat missing
vg 1 "a directory" mmcat tree
vg 2 "a bad option" mmcat --no-such-option
vg 2 "a bad size" mmcat --offset=12Q data
vg 0 "--help" mmcat --help
vg 0 "a report" mmtouch data
vg 0 "-t" mmtouch -t -q data
vg 0 "-e" mmtouch -e -q data
vg 0 "-v on a tree" mmtouch -v tree
vg 0 "-f on a tree" mmtouch -f tree
vg 0 "-p range" mmtouch -p 4k-64k data
vg 0 "--output=json" mmtouch --output=json tree
vg 0 "--output=kv" mmtouch --output=kv data
vg 0 "-b list" mmtouch -b list
vg 0 "-0 -b list" mmtouch -0 -b list0
vg 1 "a missing file" mmtouch missing
vg 2 "a bad option" mmtouch --no-such-option
vg 0 "--version" mmtouch --version
finish
