#!/bin/sh
# mmcat interrupted: every system call that copies data fails now and
# then with EINTR (injected with strace, as a signal handler installed
# without SA_RESTART would make it), and the process is stopped and
# continued many times while it copies.  The copy is whole, the status 0,
# nothing is printed.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/fault-lib.sh"

if [ ! -x "$mmcat_bin" ]; then
  echo "1..0 # SKIP mmcat is not built"
  exit 0
fi

# LeakSanitizer cannot work under ptrace.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

head -c $((4 * 1024 * 1024 + 11)) /dev/urandom >big

# ---- Injected EINTR ------------------------------------------------------
if command -v strace >/dev/null 2>&1 &&
   run_tree strace -o /dev/null -e inject=splice:error=EINTR \
     "$mmcat_bin" --version >/dev/null 2>&1; then
  # every SPEC METHOD [pipe|file] [-P]: mmcat with SPEC injected on every
  # other call from the second on (-P: on calls on the input only; the
  # dynamic loader reads and maps too).
  every ()
  {
    spec=$1:error=EINTR:when=2+2 method=$2 to=$3 only=
    [ "${4-}" = -P ] && only="-P $tmp/big"
    # One call copies the whole file: that one fails, the retry works.
    [ "$1" = copy_file_range ] && spec=$1:error=EINTR:when=1+2
    # shellcheck disable=SC2086
    if [ "$to" = pipe ]; then
      { run_tree strace -o strace.log $only -e inject="$spec" \
          "$mmcat_bin" --method="$method" big 2>err; echo $? >status; } |
        cat >out
    else
      run_tree strace -o strace.log $only -e inject="$spec" \
        "$mmcat_bin" --method="$method" big >out 2>err
      echo $? >status
    fi
    d="EINTR from $1, $method to a $to"
    check "$d: status 0" [ "$(cat status)" -eq 0 ]
    check "$d: no message" expect_text err ""
    check "$d: the copy is whole" cmp -s out big
    check "$d: EINTR was injected" grep -q 'EINTR.*(INJECTED)' strace.log
  }
  every splice splice pipe
  every vmsplice vmsplice pipe
  every write write pipe
  every write write file
  every write read file
  every read read file -P
  every copy_file_range copy file
else
  skip "EINTR injection: strace with -e inject is not available"
fi

# ---- Stopped and continued -----------------------------------------------
# The reader takes a few bytes and waits until the signals are sent, so
# that mmcat is in the middle of the copy, blocked on the full pipe, when
# they come.
for m in auto splice vmsplice write read; do
  rm -f sent pid
  { run_tree "$mmcat_bin" --method=$m big 2>err & echo $! >pid; wait $!
    echo $? >status; } |
    { head -c 4096 >first
      while [ ! -e sent ]; do sleep 0.01; done
      cat >rest; } &
  reader=$!
  while [ ! -s pid ]; do sleep 0.01; done
  i=0
  while [ $i -lt 200 ]; do
    kill -STOP "$(cat pid)" 2>/dev/null
    kill -CONT "$(cat pid)" 2>/dev/null
    i=$((i + 1))
  done
  : >sent
  wait "$reader"
  cat first rest >out
  check "$m, stopped and continued 200 times: status 0" \
    [ "$(cat status)" -eq 0 ]
  check "$m, stopped and continued: no message" expect_text err ""
  check "$m, stopped and continued: the copy is whole" cmp -s out big
done

finish
