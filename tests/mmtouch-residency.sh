#!/bin/sh
# mmtouch: counts of resident pages after evicting and touching ranges of a
# file, checked against vmtouch and fincore when they are installed.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 22

f=$tmp/data
pattern_file "$f" 1048576   # 256 pages of 4 KiB
ps=$(getconf PAGESIZE)
pages=$((1048576 / ps))

if ! real_fs "$tmp"; then
  i=0
  while [ $i -lt 22 ]; do
    skip "residency" "$tmp is on tmpfs: set TMPDIR to a disk file system"
    i=$((i + 1))
  done
  finish
fi

# --sync: the file was just written, its pages are dirty and are not
# evicted without it.
run "$MMTOUCH" -e --sync --output=kv "$f"
check "evict --sync exits 0" test "$rc" -eq 0
run "$MMTOUCH" --output=kv "$f"
check "nothing resident after evict --sync" test "$(kv ResidentPages "$tmp/out")" = 0
check "total pages" test "$(kv TotalPages "$tmp/out")" = "$pages"

run "$MMTOUCH" -t -p 64k-128k --output=kv "$f"
check "touch of a range reports its pages" test "$(kv TouchedPages "$tmp/out")" = $((65536 / ps))
run "$MMTOUCH" --output=kv "$f"
check "exactly the range is resident" test "$(kv ResidentPages "$tmp/out")" = $((65536 / ps))
run "$MMTOUCH" --output=kv -p 64k-128k "$f"
check "the range is fully resident" test "$(kv ResidentPages "$tmp/out")/$(kv TotalPages "$tmp/out")" = "$((65536 / ps))/$((65536 / ps))"

if command -v vmtouch >/dev/null 2>&1; then
  vmtouch "$f" >"$tmp/vm"
  check "vmtouch agrees" grep -q "Resident Pages: $((65536 / ps))/$pages " "$tmp/vm"
  grep "Resident Pages" "$tmp/vm" >"$tmp/a"
  run "$MMTOUCH" "$f"
  grep "Resident Pages" "$tmp/out" >"$tmp/b"
  check "same summary line as vmtouch" cmp -s "$tmp/a" "$tmp/b"
else
  skip "vmtouch agrees" "vmtouch not installed"
  skip "same summary line as vmtouch" "vmtouch not installed"
fi
if command -v fincore >/dev/null 2>&1 && fincore -n -o PAGES "$f" >/dev/null 2>&1; then
  check "fincore agrees" test "$(fincore -n -o PAGES "$f" | tr -d ' ')" = $((65536 / ps))
else
  skip "fincore agrees" "fincore not installed"
fi

# Eviction reports the pages that actually left the cache.
run "$MMTOUCH" -e -p 64k-96k --output=kv "$f"
check "evict reports measured pages" test "$(kv EvictedPages "$tmp/out")" = $((32768 / ps))
run "$MMTOUCH" -e --output=kv "$f"
check "evict of the rest" test "$(kv EvictedPages "$tmp/out")" = $((32768 / ps))
run "$MMTOUCH" -e --output=kv "$f"
check "evicting a cold file evicts nothing" test "$(kv EvictedPages "$tmp/out")" = 0

# -p edges: ranges are widened to whole pages and clipped to the file.
run "$MMTOUCH" --output=kv -p 4k-8k "$f"
check "-p one page" test "$(kv TotalPages "$tmp/out")" = 1
run "$MMTOUCH" --output=kv -p 4095-4097 "$f"
check "-p across a page boundary" test "$(kv TotalPages "$tmp/out")" = 2
run "$MMTOUCH" --output=kv -p 2M- "$f"
check "-p past the end of the file" test "$(kv TotalPages "$tmp/out")" = 0
run "$MMTOUCH" --output=kv -p 1020k-2M "$f"
check "-p clipped at the end" test "$(kv TotalPages "$tmp/out")" = 1
run "$MMTOUCH" --output=kv -p 8k "$f"
check "-p SIZE is the first SIZE bytes" test "$(kv TotalPages "$tmp/out")" = 2

# Whole-file touch, twice (the second finds everything resident).
run "$MMTOUCH" -t "$f"
check "touch summary" grep -q "^   Touched Pages: $pages (1M)\$" "$tmp/out"
run "$MMTOUCH" -t --output=kv "$f"
check "touching a resident file" test "$(kv TouchedPages "$tmp/out")" = "$pages"
run "$MMTOUCH" "$f"
check "all resident after touch" grep -q "^  Resident Pages: $pages/$pages  1M/1M  100%\$" "$tmp/out"

# The page walk used where MADV_POPULATE_READ is missing gives the same.
"$MMTOUCH" -q -e "$f"
MMAPIO_FORCE_PAGE_WALK=1 "$MMTOUCH" -q -t -p 8k-16k "$f"
run "$MMTOUCH" --output=kv "$f"
check "touch through the page walk" test "$(kv ResidentPages "$tmp/out")" = 2

# -m: too large is reported, not a failure, not counted.
expect "-m skips a larger file" 0 "mmtouch: $f: larger than the -m limit (1M > 512K), skipped" "$MMTOUCH" -m 512k "$f"

finish
