#!/bin/sh
# mmtouch-bench.sh — whole-process timings of mmtouch next to vmtouch and
# the device limit, with hyperfine, side by side in one run:
#   (a) -t of a cold 1 GiB file      (limit: dd of the cold file, bs=4M)
#   (b) residency report of a tree of 10,000 small files
#   (c) -t of a resident 1 GiB file
#   (d) -e of a resident 1 GiB file
#
# Usage: bench/mmtouch-bench.sh [MMTOUCH]
# Environment: BENCH_DIR (default /var/tmp: must be a disk file system,
# not tmpfs), RUNS (default 10), SIZE_MB (default 1024), NFILES (default
# 10000).  Writes hyperfine's Markdown tables to $BENCH_DIR/mmtouch-*.md
# and prints them.
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

mmtouch=${1:-mmtouch}
runs=${RUNS:-10}
size_mb=${SIZE_MB:-1024}
nfiles=${NFILES:-10000}
base=${BENCH_DIR:-/var/tmp}

for tool in hyperfine vmtouch dd; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "mmtouch-bench: $tool is needed" >&2
    exit 77
  }
done
case $(stat -f -c %T "$base") in
  tmpfs|ramfs)
    echo "mmtouch-bench: $base is on tmpfs: set BENCH_DIR to a disk" >&2
    exit 77 ;;
esac
mmtouch=$(command -v "$mmtouch")

dir=$(mktemp -d "$base/mmtouch-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

big=$dir/big
tree=$dir/tree
echo "# preparing a ${size_mb} MiB file and a tree of $nfiles files in $dir" >&2
dd if=/dev/urandom of="$big" bs=1M count="$size_mb" status=none
i=0
while [ $i -lt 100 ]; do
  mkdir -p "$tree/d$i"
  i=$((i + 1))
done
awk -v n="$nfiles" -v t="$tree" 'BEGIN {
  for (i = 0; i < n; i++) {
    f = sprintf("%s/d%d/f%d", t, i % 100, i)
    printf "%*d\n", 1000 + (i % 7) * 1000, i > f
    close(f)
  }
}'
sync
cold="$mmtouch -q -e --sync $big"
warm="$mmtouch -q -t $big"
hf () { hyperfine -N --style basic --runs "$runs" "$@"; }

# vmtouch 1.3.1 skips files larger than -m; give it room.
vm="vmtouch -m 64G"

echo "## (a) -t of a cold ${size_mb} MiB file"
hf --prepare "$cold" --export-markdown "$base/mmtouch-a.md" \
  -n "mmtouch -t" "$mmtouch -t $big" \
  -n "vmtouch -t" "$vm -t $big" \
  -n "dd bs=4M (limit)" "dd if=$big of=/dev/null bs=4M status=none"

echo "## (b) residency report of $nfiles small files"
"$mmtouch" -q -t "$tree"
hf --warmup 2 --export-markdown "$base/mmtouch-b.md" \
  -n "mmtouch" "$mmtouch $tree" \
  -n "vmtouch" "$vm $tree"

echo "## (c) -t of a resident ${size_mb} MiB file"
hf --warmup 2 --prepare "$warm" --export-markdown "$base/mmtouch-c.md" \
  -n "mmtouch -t" "$mmtouch -t $big" \
  -n "vmtouch -t" "$vm -t $big"

echo "## (d) -e of a resident ${size_mb} MiB file"
hf --prepare "$warm" --export-markdown "$base/mmtouch-d.md" \
  -n "mmtouch -e" "$mmtouch -e $big" \
  -n "vmtouch -e" "$vm -e $big"

for t in a b c d; do
  echo
  cat "$base/mmtouch-$t.md"
done
