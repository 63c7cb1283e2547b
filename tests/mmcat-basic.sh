#!/bin/sh
# mmcat copies byte for byte what cat copies: every kind of input file,
# every method, into a pipe and into a regular file; several operands
# mixed with standard input; FIFOs and /proc files.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

make_files

for m in $METHODS; do
  for f in $FILES; do
    mmcat --method="$m" "$f" 2>err | cat >out.pipe
    check "$m: $f into a pipe" same out.pipe "$f"
    check "$m: $f into a pipe, no message" expect_text err ""
    mmcat --method="$m" "$f" >out.file 2>err
    check "$m: $f into a regular file, status 0" [ $? -eq 0 ]
    check "$m: $f into a regular file" same out.file "$f"
    : >out.append
    mmcat --method="$m" "$f" >>out.append 2>err
    check "$m: $f appended to a regular file" same out.append "$f"
  done
  # Several operands in one run: a method that falls back must hand the
  # next file a clean start.
  cat $FILES >all
  mmcat --method="$m" $FILES | cat >out
  check "$m: all files in one run" same out all
done

# Windowed mode: the file is larger than the window and the window is
# not a multiple of the chunk.
for f in large sparse binary; do
  mmcat --method=write --window=192K "$f" | cat >out
  check "window 192K: $f" same out "$f"
done

# A file larger than the address space may be: with ulimit -v below its
# size, mapping it whole fails and mmcat maps it a window at a time.
# (Not under AddressSanitizer, which cannot start with such a limit.)
truncate -s 300M huge
printf 'head' | dd of=huge conv=notrunc status=none
printf 'tail' | dd of=huge bs=1 seek=$((300 * 1024 * 1024 - 4)) conv=notrunc status=none
if (ulimit -v 200000 && mmcat --version) >/dev/null 2>&1; then
  (ulimit -v 200000 && exec mmcat --method=write huge) 2>err | cmp - huge >cmp.out 2>&1
  check "larger than the address space allows: copied" [ $? -eq 0 ]
  check "larger than the address space allows: no message" expect_text err ""
else
  skip "mmcat cannot run under ulimit -v (sanitizers?)"
fi
rm -f huge

# Standard input: a pipe and a regular file, named several times and
# mixed with files.
printf 'from stdin\n' | mmcat one - page - odd >out
printf 'from stdin\n' | cat one - page - odd >expect
check "pipe on stdin, - twice among files" same out expect
mmcat one - large - odd <medium >out
cat one - large - odd <medium >expect
check "regular file on stdin, - twice among files" same out expect
mmcat <large | cat >out
check "no operand reads stdin" same out large
mmcat - <binary | cat >out
check "- alone reads stdin" same out binary
# A regular file on standard input is consumed: what follows the
# command in the same shell sees the offset mmcat left.
{ mmcat -; cat; } <medium >out
check "stdin offset left at the end" same out medium

# FIFOs, as input and as output.
mkfifo fifo.in fifo.out
(cat large >fifo.in &)
mmcat one fifo.in one >out
cat one large one >expect
check "FIFO as input" same out expect
(cat fifo.out >out &)
mmcat large >fifo.out
status=$?
wait
sleep 0.1
check "FIFO as output, status 0" [ "$status" -eq 0 ]
i=0
while [ "$(wc -c <out)" -lt "$(wc -c <large)" ] && [ $i -lt 50 ]; do
  sleep 0.1
  i=$((i + 1))
done
check "FIFO as output" same out large

# /proc and /sys files: st_size is 0 or a guess, so they are read.
for f in /proc/version /proc/self/cmdline /sys/kernel/mm/transparent_hugepage/enabled; do
  if [ -r "$f" ]; then
    mmcat "$f" >out && cat "$f" >expect && tr '\0' ' ' <out >out.cmdline
    if [ "$f" = /proc/self/cmdline ]; then
      check "$f is read" grep -q " $f \$" out.cmdline
    else
      check "$f" same out expect
    fi
  else
    skip "$f is missing"
  fi
done

# Terminals and other character devices take the write path.  A terminal
# is had from script(1), when there is one; its line discipline turns
# each newline into CR LF for both commands alike.
if command -v script >/dev/null 2>&1 &&
   script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  base64 <large >text
  script -qec "cat text" /dev/null </dev/null >expect.tty 2>&1
  check "into a terminal, several chunks" [ "$(wc -c <expect.tty)" -gt 3145728 ]
  for m in auto write read; do
    script -qec "mmcat --method=$m text" /dev/null </dev/null >out.tty 2>&1
    check "$m: into a terminal" same out.tty expect.tty
  done
else
  skip "script(1) cannot give a terminal here"
fi
mmcat large >/dev/null
check "into /dev/null, status 0" [ $? -eq 0 ]

mmcat -u one >out
check "-u is accepted and ignored" same out one

finish
