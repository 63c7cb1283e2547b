#!/bin/sh
# mmtouch: -l and -L in a background process that is then killed, SIGHUP,
# -d -w, pid files and the RLIMIT_MEMLOCK check.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 19

cd "$tmp" || exit 99
pattern_file f 1048576
kb=1024

vmlck () { sed -n "s/^VmLck:[[:space:]]*\([0-9]*\) kB$/\1/p" "/proc/$1/status" 2>/dev/null; }
locked_at_least () { l=$(vmlck "$1"); [ -n "$l" ] && [ "$l" -ge "$2" ]; }
# check_locked NAME PID KB: the process holds at least KB of locked memory.
# The address and thread sanitizers turn mlock and mlockall into no-ops;
# gcc loads their runtimes as libasan/libtsan, clang links them in.
sanitized_build=no
case " ${CFLAGS-} " in
  *-fsanitize=*address*|*-fsanitize=*thread*) sanitized_build=yes ;;
esac
check_locked ()
{
  if [ $sanitized_build = yes ] ||
     grep -Eq "lib(a|t)san" "/proc/$2/maps" 2>/dev/null; then
    skip "$1" "mlock is a no-op under the sanitizers"
  else
    check "$1" locked_at_least "$2" "$3"
  fi
}
# stop PID SIGNAL: send SIGNAL and wait (10 s at most) for the process to
# end; sets $rc to its status, or to 124 after killing it.
alive () { kill -0 "$1" 2>/dev/null; }
stop ()
{
  kill "-$2" "$1"
  s_n=100
  while alive "$1" && [ $s_n -gt 0 ]; do
    sleep 0.1
    s_n=$((s_n - 1))
  done
  if alive "$1"; then
    kill -KILL "$1"
    wait "$1"
    rc=124
  else
    wait "$1"
    rc=$?
  fi
}
summaries ()
{
  s_c=$(grep -c '^    Locked Pages: ' lock.out 2>/dev/null)
  test "${s_c:-0}" -ge "$1"
}

mkdir ld
cp f ld/f
rm -f lock.out
"$MMTOUCH" -l -P pid ld >lock.out 2>lock.err &
bg=$!
until_ok 10 summaries 1
check "-l: summary flushed before waiting" grep -q '^    Locked Pages: 256 (1M)$' lock.out
check "-l: pid file holds the process ID" test "$(cat pid 2>/dev/null)" = "$bg"
check_locked "-l: the pages are locked" "$bg" "$kb"
pattern_file g 1048576
cp g ld/g
kill -HUP "$bg"
until_ok 10 summaries 2
check "SIGHUP: crawl again and find the new file" test "$(grep '^    Locked Pages: ' lock.out | tail -n 1)" = "    Locked Pages: 512 (2M)"
stop "$bg" TERM
check "-l: SIGTERM ends it with status 0" test "$rc" -eq 0
check "-l: pid file removed at exit" test ! -e pid
check "-l: nothing on stderr" test ! -s lock.err

rm -f lock.out
"$MMTOUCH" -L f g >lock.out 2>lock.err &
bg=$!
until_ok 10 summaries 1
check_locked "-L: everything locked" "$bg" $((2 * kb))
stop "$bg" INT
check "-L: SIGINT ends it" test "$rc" -eq 0

run "$MMTOUCH" -d -w -l -P dpid f
check "-d -w: returns once locked, status 0" test "$rc" -eq 0
check "-d -w: the summary is printed" grep -q '^    Locked Pages: 256 (1M)$' out
dpid=$(cat dpid 2>/dev/null)
check_locked "-d: the daemon holds the lock" "${dpid:-0}" "$kb"
[ -n "$dpid" ] && kill -TERM "$dpid"
gone () { test ! -e dpid; }
until_ok 10 gone
check "-d: pid file removed when killed" gone

# -d without -w: the command returns at once; the daemon goes on alone
# (it once died of SIGPIPE writing to the parent that had gone).
run "$MMTOUCH" -d -l -P dpid2 f
check "-d: returns with status 0" test "$rc" -eq 0
has_pid () { test -s dpid2; }
until_ok 10 has_pid
dpid=$(cat dpid2 2>/dev/null)
daemon_locked () { alive "${dpid:-0}" && locked_at_least "$dpid" "$kb"; }
until_ok 10 daemon_locked
if [ $sanitized_build = yes ] ||
   grep -Eq "lib(a|t)san" "/proc/${dpid:-0}/maps" 2>/dev/null; then
  check "-d: the daemon lives on" alive "${dpid:-0}"
else
  check "-d: the daemon lives on, locked" daemon_locked
fi
[ -n "$dpid" ] && kill -TERM "$dpid"
gone2 () { test ! -e dpid2; }
until_ok 10 gone2
check "-d without -w: pid file removed when killed" gone2

echo $$ >busy.pid
expect "a live pid file is refused" 1 "mmtouch: busy.pid: File exists" "$MMTOUCH" -l -P busy.pid f
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >stale.pid
"$MMTOUCH" --foreground -d -l -P stale.pid f >lock.out 2>&1 &
bg=$!
stale_replaced () { test "$(cat stale.pid 2>/dev/null)" = "$bg"; }
until_ok 10 stale_replaced
check "a stale pid file is replaced (--foreground)" stale_replaced
stop "$bg" TERM

if unprivileged && command -v prlimit >/dev/null 2>&1; then
  expect "RLIMIT_MEMLOCK checked before locking" 1 "mmtouch: locking 1M needs a locked-memory limit (RLIMIT_MEMLOCK) of at least that much, but it is 64K: raise it with 'ulimit -l', LimitMEMLOCK= in the systemd unit, or memlock in /etc/security/limits.conf" prlimit --memlock=65536:65536 $as_user "$MMTOUCH" -l "$tmp/f"
else
  skip "RLIMIT_MEMLOCK checked before locking" "cannot drop CAP_IPC_LOCK"
fi

finish
