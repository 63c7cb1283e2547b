#!/bin/sh
# mmcat-bench.sh — mmcat against GNU cat, timed as whole processes side by
# side with hyperfine, on one file:
#
#   pipe      cached file into a pipe read by "dd of=/dev/null bs=1M"
#   file      cached file into a regular file (removed before each run)
#   cold      the same pipe case with the file evicted before each run
#             (dd iflag=nocache count=0)
#   null      cached file into /dev/null
#
# Usage: bench/mmcat-bench.sh [--quick] [--size SIZE] [--dir DIR]
#                             [--runs N] [--methods]
#   --quick    a 64 MiB file and 2 runs: checks that the script works
#   --size     size of the test file (dd notation: 1G, 256M; default 1G)
#   --dir      where the test file goes (default $TMPDIR or /tmp)
#   --runs     runs per command (default 10; 5 for the cold case)
#   --methods  also time every --method of mmcat in the pipe case
#
# The mmcat run is $MMCAT if set, else the freshly built one
# (utils/.libs/mmcat of the build tree, with its library), else the one
# in PATH.  Prints a Markdown table: seconds (median) for cat and mmcat
# and the ratio cat/mmcat (above 1: mmcat is faster).
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

size=1G
dir=${TMPDIR:-/tmp}
runs=10
cold_runs=5
methods=no
while [ $# -gt 0 ]; do
  case $1 in
    --quick) size=64M; runs=2; cold_runs=2 ;;
    --size) size=$2; shift ;;
    --dir) dir=$2; shift ;;
    --runs) runs=$2; cold_runs=$2; shift ;;
    --methods) methods=yes ;;
    --help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
      exit 0 ;;
    *) echo "mmcat-bench.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

command -v hyperfine >/dev/null 2>&1 || {
  echo "mmcat-bench.sh: hyperfine is needed" >&2
  exit 77
}

here=$(cd "$(dirname "$0")" && pwd)
builddir=${top_builddir:-$here/..}
if [ -n "${MMCAT:-}" ]; then
  mmcat=$MMCAT
elif [ -x "$builddir/utils/.libs/mmcat" ]; then
  # The real binary, not the libtool wrapper script, whose start-up
  # would be timed too.
  mmcat=$(cd "$builddir/utils/.libs" && pwd)/mmcat
  LD_LIBRARY_PATH=$(cd "$builddir/lib/.libs" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
elif [ -x "$builddir/utils/mmcat" ]; then
  mmcat=$builddir/utils/mmcat
else
  mmcat=mmcat
fi
cat=${CAT:-cat}

work=$(mktemp -d "$dir/mmcat-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
f=$work/data
out=$work/out
dd if=/dev/urandom of="$f" bs=1M count="$(echo "$size" |
  awk '/[Gg]$/ { print $0 * 1024; next } /[Mm]$/ { print $0 + 0; next }
       { print int($0 / 1048576) }')" status=none
"$cat" "$f" >/dev/null

sink='dd of=/dev/null bs=1M status=none'
evict="dd if=$f iflag=nocache count=0 status=none"

# median SECONDS of each command of a hyperfine CSV, in order.
medians ()
{
  awk -F, 'NR > 1 { print $4 }' "$1"
}

row ()
{
  name=$1
  csv=$2
  set -- $(medians "$csv")
  awk -v n="$name" -v c="$1" -v m="$2" \
    'BEGIN { printf "| %s | %.3f | %.3f | %.2f |\n", n, c, m, c / m }'
}

bench ()
{
  csv=$work/$1.csv
  shift
  hyperfine --style none --export-csv "$csv" "$@" >/dev/null 2>&1 ||
    hyperfine --export-csv "$csv" "$@" >&2
}

bench pipe --warmup 1 --runs "$runs" \
  "$cat $f | $sink" "$mmcat $f | $sink"
bench file --warmup 1 --runs "$runs" --prepare "rm -f $out" \
  "$cat $f > $out" "$mmcat $f > $out"
bench cold --runs "$cold_runs" --prepare "$evict" \
  "$cat $f | $sink" "$mmcat $f | $sink"
"$cat" "$f" >/dev/null
bench null --warmup 1 --runs "$runs" \
  "$cat $f > /dev/null" "$mmcat $f > /dev/null"

echo "mmcat: $("$mmcat" --version | head -n 1); cat: $("$cat" --version 2>/dev/null | head -n 1)"
echo "file: $size, $(uname -r), $(nproc) CPUs; median of $runs runs ($cold_runs cold)"
echo
echo "| case | cat (s) | mmcat (s) | cat/mmcat |"
echo "|---|---|---|---|"
row "cached, into a pipe (dd bs=1M)" "$work/pipe.csv"
row "cached, into a regular file" "$work/file.csv"
row "cold, into a pipe (dd bs=1M)" "$work/cold.csv"
row "cached, into /dev/null" "$work/null.csv"

if [ "$methods" = yes ]; then
  set --
  for m in splice vmsplice write read; do
    set -- "$@" "$mmcat --method=$m $f | $sink"
  done
  bench methods --warmup 1 --runs "$runs" "$cat $f | $sink" "$@"
  echo
  echo "| cached, into a pipe | median (s) | cat/this |"
  echo "|---|---|---|"
  awk -F, 'NR == 2 { c = $4 } NR > 1 {
      name = "cat"
      if (match($1, /--method=[a-z]+/))
        name = "mmcat " substr($1, RSTART, RLENGTH)
      printf "| %s | %.3f | %.2f |\n", name, $4, c / $4 }' "$work/methods.csv"
fi
