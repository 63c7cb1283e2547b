#!/bin/sh
# mmtouch's pid file (-P with -l or -L): it honours the umask, never
# follows a symbolic link (the file it points to stays as it was, whatever
# it holds), never reads a FIFO or a device in its place, refuses the pid
# file of a live process and replaces a stale one.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 34

cd "$tmp" || exit 99
pattern_file f 4096
guard="timeout -k 5 30"

alive () { kill -0 "$1" 2>/dev/null; }
gone () { ! alive "$1"; }
# stop PID: SIGTERM, and wait for it to end (killed after 10 s).
stop ()
{
  kill -TERM "$1" 2>/dev/null
  until_ok 10 gone "$1" || kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
holds () { test "$(cat "$1" 2>/dev/null)" = "$2"; }

# ---------------------------------------------------------------------
# The umask.

for mask in 022 077; do
  rm -f pid
  (umask $mask && exec "$MMTOUCH" -q -l -P pid f) &
  bg=$!
  until_ok 10 holds pid "$bg"
  check "umask $mask: pid file written" holds pid "$bg"
  want=$(printf '%o' $((0644 & ~0$mask)))
  check "umask $mask: mode $want" test "$(stat -c %a pid)" = "$want"
  stop "$bg"
  check "umask $mask: pid file removed at exit" test ! -e pid
done

# ---------------------------------------------------------------------
# Symbolic links are not followed, whatever they point to.

printf 'precious\n' >target
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >stale-target
sleep 300 &
other=$!
echo "$other" >live-target
mkfifo fifo-target

for what in target stale-target live-target fifo-target nowhere; do
  rm -f link
  ln -s "$what" link
  if [ -f "$what" ]; then cp "$what" "$what.before"; fi
  for opt in -l -L; do
    expect "symlink to $what, $opt: refused" 1 \
      "mmtouch: link: refusing to follow a symbolic link" \
      $guard "$MMTOUCH" -q $opt -P link f
  done
  check "symlink to $what: the link is left alone" \
    test "$(readlink link)" = "$what"
  case $what in
    nowhere) check "symlink to nothing: nothing created" test ! -e nowhere ;;
    fifo-target) check "symlink to a FIFO: still a FIFO" test -p fifo-target ;;
    *) check "symlink to $what: the file is unchanged" cmp -s "$what" "$what.before" ;;
  esac
done

# ---------------------------------------------------------------------
# Something else than a regular file in place of the pid file: never
# read (a FIFO would block), never replaced.

mkfifo pfifo
expect "a FIFO as pid file: refused without waiting" 1 \
  "mmtouch: pfifo: not a regular file" $guard "$MMTOUCH" -q -l -P pfifo f
check "a FIFO as pid file: left alone" test -p pfifo
mkdir pdir
expect "a directory as pid file: refused" 1 "mmtouch: pdir: not a regular file" \
  $guard "$MMTOUCH" -q -l -P pdir f

# ---------------------------------------------------------------------
# A live process's pid file is refused and left as it is; a stale one,
# or one holding no number, is replaced.

echo "$other" >live.pid
cp live.pid live.before
expect "the pid file of a live process: refused" 1 "mmtouch: live.pid: File exists" \
  $guard "$MMTOUCH" -q -l -P live.pid f
check "the pid file of a live process: unchanged" cmp -s live.pid live.before
kill "$other" 2>/dev/null
wait "$other" 2>/dev/null

echo "$dead" >stale.pid
"$MMTOUCH" -q -l -P stale.pid f &
bg=$!
until_ok 10 holds stale.pid "$bg"
check "a stale pid file: replaced with the new process ID" holds stale.pid "$bg"
stop "$bg"
check "a stale pid file: removed at exit" test ! -e stale.pid

# An empty pid file (a writer that died before writing) proves nothing:
# it is refused rather than replaced, as the pid of a live process.
: >empty.pid
expect "an empty pid file: refused" 1 "mmtouch: empty.pid: File exists" \
  $guard "$MMTOUCH" -q -l -P empty.pid f

finish
