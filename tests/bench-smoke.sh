#!/bin/sh
# Smoke test of the benchmark harness: every case runs once (--quick), the
# JSON has one libmmapio and one raw line per case, every row of the seed
# report is reproduced, the test files are removed, and bench/compare
# passes two equal runs and fails a run made 30% slower.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: LGPL-2.1-or-later

srcdir="${top_srcdir:-.}"
bench="${abs_top_builddir:-.}/bench/mmapio-bench"
compare="$srcdir/bench/compare"
seed="$srcdir/bench/seed.tsv"

echo "1..7"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/dir"

n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
notok () { n=$((n + 1)); echo "not ok $n - $1"; failed=1; }
failed=0

if "$bench" --quick --dir "$tmp/dir" --seed "$seed" --json "$tmp/run.jsonl" \
     > "$tmp/run.md" 2> "$tmp/run.err"; then
  ok "mmapio-bench --quick runs every case"
else
  notok "mmapio-bench --quick runs every case"
  sed 's/^/# /' "$tmp/run.err"
fi

cases=$("$bench" --list | wc -l)
lib=$(grep -c '"impl": "libmmapio"' "$tmp/run.jsonl")
raw=$(grep -c '"impl": "raw"' "$tmp/run.jsonl")
skipped=$(grep -c '| skipped: ' "$tmp/run.md")
if [ "$cases" -gt 0 ] && [ $((lib + skipped)) -eq "$cases" ] &&
   [ "$lib" -eq "$raw" ]; then
  ok "one libmmapio and one raw line per case ($cases cases, $skipped skipped)"
else
  notok "one libmmapio and one raw line per case: $cases cases, $lib libmmapio, $raw raw, $skipped skipped"
fi

missing=$(grep -v '^#' "$seed" | while IFS='	' read -r g id rest; do
  grep -q "^| $g | $id | " "$tmp/run.md" || echo "$g/$id"
done)
if [ -z "$missing" ]; then
  ok "every row of the seed report is in the table"
else
  notok "every row of the seed report is in the table; missing:" $missing
fi

left=$(ls -A "$tmp/dir")
if [ -z "$left" ]; then
  ok "test files removed at the end"
else
  notok "test files removed at the end; left: $left"
fi

if "$compare" "$tmp/run.jsonl" "$tmp/run.jsonl" > "$tmp/cmp.out" &&
   "$compare" -n "$tmp/run.jsonl" "$tmp/run.jsonl" >> "$tmp/cmp.out"; then
  ok "compare passes two equal runs"
else
  notok "compare passes two equal runs"
  sed 's/^/# /' "$tmp/cmp.out"
fi

# One case made 30% slower must fail the gate, and be the one named.
awk 'NR == 1 { sub(/"ns_median": [0-9.]+/, "\"ns_median\": 1e9") } { print }' \
  "$tmp/run.jsonl" > "$tmp/slow.jsonl"
awk 'NR == 1 { sub(/"ns_median": [0-9.]+/, "\"ns_median\": 7e8") } { print }' \
  "$tmp/run.jsonl" > "$tmp/base.jsonl"
"$compare" "$tmp/base.jsonl" "$tmp/slow.jsonl" > "$tmp/cmp2.out"; st=$?
first=$(sed -n '1s/.*"group": "\([^"]*\)", "id": "\([^"]*\)".*/\1\/\2/p' "$tmp/run.jsonl")
if [ "$st" = 1 ] && [ "$(grep -c SLOWER "$tmp/cmp2.out")" = 1 ] &&
   grep -q "^$first .*SLOWER" "$tmp/cmp2.out"; then
  ok "compare fails a case 30% slower"
else
  notok "compare fails a case 30% slower (status $st)"
  sed 's/^/# /' "$tmp/cmp2.out"
fi

# An interrupted run removes its files too (a full-length case, stopped
# as soon as its data file exists).
"$bench" --filter random_read --dir "$tmp/dir" --seed "$seed" > /dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 60 ] && ! ls "$tmp"/dir/*/data-* > /dev/null 2>&1; do
  sleep 1; i=$((i + 1))
done
kill -INT $pid 2>/dev/null
wait $pid
left=$(ls -A "$tmp/dir")
if [ -z "$left" ]; then
  ok "SIGINT removes the test files"
else
  notok "SIGINT removes the test files; left: $left"
fi
exit $failed
