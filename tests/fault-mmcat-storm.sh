#!/bin/sh
# mmcat while another process truncates and regrows its input 1,000
# times: every run ends with status 0, or status 1 and the shrink
# message; none is killed by a signal.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/fault-lib.sh"

if [ ! -x "$tool" ] || [ ! -x "$mmcat_bin" ]; then
  echo "1..0 # SKIP mmcat or the fault tool is not built"
  exit 0
fi

size=$((4 * 1024 * 1024))
head -c "$size" /dev/urandom >victim
# 1,000 cycles with a pause of 1 ms: the storm outlasts several rounds of
# mmcat runs.
run_tree "$tool" storm victim "$size" 1000 1000 &
storm=$!

# one NAME ARGS...: one mmcat run; its status is recorded under NAME and
# anything but 0, or 1 with the shrink message, is kept in bad.
one ()
{
  name=$1
  shift
  case $name in
    pipe*)
      { run_tree "$mmcat_bin" "$@" victim 2>err; echo $? >status; } |
        cat >/dev/null ;;
    *)
      run_tree "$mmcat_bin" "$@" victim >out 2>err
      echo $? >status ;;
  esac
  rc=$(cat status)
  if [ "$rc" -eq 0 ] && [ ! -s err ]; then
    echo "$name" >>runs.ok
  elif [ "$rc" -eq 1 ] &&
       [ "$(cat err)" = "mmcat: victim: file shrank while reading" ]; then
    echo "$name" >>runs.shrunk
  else
    { echo "$name: status $rc"; cat err; } >>bad
  fi
}

: >runs.ok
: >runs.shrunk
: >bad
rounds=0
while :; do
  one file-auto
  one file-write --method=write
  one file-read --method=read
  one file-window --method=write --window=256K
  one pipe-splice --method=splice
  one pipe-vmsplice --method=vmsplice
  one pipe-range --offset=1M --length=2M
  rounds=$((rounds + 1))
  kill -0 "$storm" 2>/dev/null || break
done
wait "$storm"
check "the storm ran its 1,000 cycles" [ $? -eq 0 ]

runs=$(cat runs.ok runs.shrunk | wc -l)
shrunk=$(wc -l <runs.shrunk)
echo "# $rounds rounds, $runs runs of mmcat, $shrunk met a shrink"
# clean NAME: no run of NAME went wrong.
clean () { ! grep -q "^$1: " bad; }
for name in file-auto file-write file-read file-window pipe-splice \
            pipe-vmsplice pipe-range; do
  echo "# $name: $(grep -c -x "$name" runs.ok) whole," \
    "$(grep -c -x "$name" runs.shrunk) shrunk"
  check "$name: no run killed, every failure the shrink message" \
    clean "$name"
done
[ -s bad ] && diag bad

# Whole again: a plain copy.
head -c "$size" /dev/urandom >victim
run_tree "$mmcat_bin" victim >out 2>err
check "after the storm: status 0" [ $? -eq 0 ]
check "after the storm: a faithful copy" cmp -s out victim

finish
