#!/bin/sh
# --offset and --length: at 0, at the end, past the end, overflowing,
# with suffixes and hexadecimal, on files and on standard input.  TAP
# output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

make_files
max=0xffffffffffffffff

# slice FILE OFFSET LENGTH: the reference, with tail and head.
slice ()
{
  tail -c +$(($2 + 1)) "$1" | head -c "$3"
}

size=$(wc -c <large)
for m in $METHODS; do
  for r in "0 10" "0 $size" "12345 300000" "$page $((2 * page))" \
           "$((size - 10)) 10" "$((size - 5)) 100" "1 $((size - 2))" \
           "70000 100000"; do
    set -- $r
    mmcat --method="$m" --offset="$1" --length="$2" large 2>err | cat >out
    slice large "$1" "$2" >expect
    check "$m: range $1+$2 into a pipe" same out expect
    mmcat --method="$m" -o "$1" -l "$2" large >out 2>>err
    check "$m: range $1+$2 into a file" same out expect
    check "$m: range $1+$2, no message" expect_text err ""
  done
  mmcat --method="$m" --offset=100000 large | cat >out
  tail -c +100001 large >expect
  check "$m: offset without length" same out expect
done

# Past the end: nothing, silently, status 0.
for r in "$size 10" "$((size + 1)) 10" "$((size * 2)) 1" "$max 1"; do
  set -- $r
  mmcat --offset="$1" --length="$2" large >out 2>err
  check "offset $1 past the end: status 0" [ $? -eq 0 ]
  check "offset $1 past the end: no output" expect_text out ""
  check "offset $1 past the end: no message" expect_text err ""
done

# Offset and length whose sum overflows: to the end, no wrap-around.
mmcat --offset=10 --length=$max large >out 2>err
tail -c +11 large >expect
check "overflowing offset+length copies to the end" same out expect
check "overflowing offset+length: no message" expect_text err ""
mmcat --offset=$max --length=$max large >out 2>err
check "maximal offset and length: status 0" [ $? -eq 0 ]
check "maximal offset and length: no output" expect_text out ""
mmcat --offset=1 --length=$max one medium | cat >out
tail -c +2 medium >expect
check "overflowing range on a small and a large file" same out expect

# Length 0 and empty files.
mmcat --length=0 large one >out
check "length 0 copies nothing" expect_text out ""
mmcat --offset=5 --length=5 empty >out
check "range on an empty file" expect_text out ""

# Suffixes and hexadecimal.
mmcat --offset=1K --length=2K large >out
slice large 1024 2048 >expect
check "K suffix" same out expect
mmcat --offset=1M --length=0x10000 large | cat >out
slice large 1048576 65536 >expect
check "M suffix and hexadecimal" same out expect
mmcat --offset=0x100 --length=1KiB binary >out
slice binary 256 1024 >expect
check "hexadecimal offset and KiB" same out expect

# The range applies to each FILE.
mmcat -o 3 -l 4 odd one page binary >out
{ slice odd 3 4; slice one 3 4; slice page 3 4; slice binary 3 4; } >expect
check "the range applies to every operand" same out expect

# Standard input: skipped and limited, and a later - goes on from there,
# whether stdin is a pipe or a regular file.
cat medium | mmcat -o 2 -l 3 - - >out
{ slice medium 2 3; slice medium 7 3; } >expect
check "pipe on stdin: range applied to each -" same out expect
mmcat -o 2 -l 3 - - <medium >out
check "regular file on stdin: range applied to each -" same out expect
cat large | mmcat -o 100000 -l 200000 - - | cat >out
{ slice large 100000 200000; slice large 400000 200000; } >expect
check "pipe on stdin: large ranges" same out expect
mmcat -o 100000 -l 200000 - - <large | cat >out
check "regular file on stdin: large ranges" same out expect
{ mmcat -l 10 -; cat; } <medium >out
check "stdin offset left after the range" same out medium
printf 'abc' | mmcat -o 10 - >out
check "offset past the end of a pipe" expect_text out ""

# Invalid numbers are usage errors.
for arg in --offset=abc --length=-1 --length=1X --offset= --window=0 \
           --offset=99999999999999999999 --length=16777216T; do
  mmcat "$arg" one >out 2>err
  status=$?
  check "$arg: status 2" [ "$status" -eq 2 ]
  check "$arg: one hint" [ "$(grep -c "^Try 'mmcat --help' for more information.\$" err)" -eq 1 ]
done
mmcat --offset=abc one 2>err
check "invalid offset message" expect_text err "mmcat: invalid offset: 'abc'
Try 'mmcat --help' for more information."

finish
