#!/bin/sh
# A file truncated by another process while mmcat copies it: mmcat
# reports it and exits with status 1, is never killed by SIGBUS, and
# what it wrote before is what the file held.  TAP output.
#
# The reader is slow on purpose: it takes a few bytes, so that mmcat is
# known to be in the middle of the copy (blocked on the full pipe), then
# truncates the file and only then drains the pipe.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

head -c $((16 * 1024 * 1024)) /dev/urandom >orig
cut=$((100 * 1024 + 123))

# only_zeroes_after OUT: OUT matches orig up to the cut; past the cut,
# each byte is orig's or a zero (the zero-copy methods give the pipe the
# file's own pages, whose cut-off part the truncation clears).
only_zeroes_after ()
{
  cmp -l "$1" orig 2>/dev/null |
    awk -v cut="$cut" '$1 <= cut || $2 != 0 { bad++ } END { exit bad > 0 }'
}

# prefix OUT: OUT is a prefix of orig, byte for byte.
prefix ()
{
  cmp -n "$(wc -c <"$1")" "$1" orig
}

run ()
{
  desc=$1
  shift
  cp orig victim
  { mmcat "$@" victim 2>err; echo $? >status; } |
    { head -c 4096 >first; truncate -s "$cut" victim; cat >rest; }
  cat first rest >out
  check "$desc: status 1, no signal" [ "$(cat status)" -eq 1 ]
  check "$desc: message" expect_text err \
    "mmcat: victim: file shrank while reading"
  check "$desc: stopped early" [ "$(wc -c <out)" -lt 16777216 ]
  check "$desc: the bytes before the cut are the file's" \
    cmp -n "$cut" out orig
}

for m in auto splice vmsplice; do
  run "$m" --method="$m"
  check "$m: past the cut, the file's bytes or zeroes" only_zeroes_after out
done
for m in write read; do
  run "$m" --method="$m"
  check "$m: all bytes written are the file's" prefix out
done
run "windowed write" --method=write --window=1M
check "windowed write: all bytes written are the file's" prefix out
run "range" --offset=0 --length=8M
run "write, range" --method=write --offset=0 --length=8M

# The file shrinks but the range is still whole: not an error.
cp orig victim
{ mmcat --length=64K victim 2>err; echo $? >status; } |
  { head -c 4096 >first; truncate -s "$cut" victim; cat >rest; }
check "shrink beyond the range: status 0" [ "$(cat status)" -eq 0 ]
cat first rest >out
head -c 65536 orig >expect
check "shrink beyond the range: the range" same out expect

# Grown meanwhile (while mmcat waits on the full pipe, well before the
# end): the appended bytes are copied too, as cat would copy them.
for m in auto write read; do
  head -c 4M orig >victim
  { mmcat --method="$m" victim; echo $? >status; } |
    { head -c 4096 >first; printf 'appended' >>victim; cat >rest; }
  cat first rest >out
  { head -c 4M orig; printf 'appended'; } >expect
  check "$m: a file that grows is copied to its new end" same out expect
done

finish
