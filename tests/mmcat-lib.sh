# Sourced by the tests/mmcat-*.sh scripts: TAP output, a scratch
# directory, and the files every test compares on.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/tap-lib.sh"

# same FILE1 FILE2: byte-identical, with the difference shown when not.
same ()
{
  if cmp "$1" "$2" >cmp.out 2>&1; then
    return 0
  fi
  diag cmp.out
  return 1
}

command -v mmcat >/dev/null 2>&1 || {
  echo "1..0 # SKIP mmcat is not built"
  exit 0
}

scratch mmcat-test

page=$(getconf PAGESIZE 2>/dev/null || echo 4096)

# make_files: the inputs, from small to larger than the read(2) threshold
# (16 KiB) so that both the read path and the fast paths are covered.
make_files ()
{
  : >empty
  printf 'x' >one
  head -c "$page" /dev/urandom >page
  head -c $((3 * page + 123)) /dev/urandom >odd
  head -c $((200 * 1024 + 7)) /dev/urandom >medium
  head -c $((3 * 1024 * 1024 + 5)) /dev/urandom >large
  # Binary with every byte value, NULs and newlines included.
  i=0
  while [ $i -lt 256 ]; do
    printf "\\$(printf %03o $i)"
    i=$((i + 1))
  done >bytes
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat bytes; done >binary
  cat binary binary binary binary binary binary binary binary >>binary.8
  cat binary.8 binary.8 binary.8 binary.8 binary.8 binary.8 binary.8 \
    binary.8 >binary
  rm -f binary.8
  # Sparse: holes around a few bytes, bigger than a window.
  truncate -s $((5 * 1024 * 1024 + 17)) sparse
  printf 'middle' | dd of=sparse bs=1 seek=$((2 * 1024 * 1024 + 3)) \
    conv=notrunc status=none
  FILES="empty one page odd medium large binary sparse"
}

METHODS="auto splice vmsplice copy write read"
