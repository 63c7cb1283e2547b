#!/bin/sh
# mmtouch at low resource limits: out of descriptors while crawling a
# tree, and a locked-memory limit that the files fit but mlockall(2)
# does not.  Errors are reported, the exit status is 1, and no process
# is left waiting with nothing locked.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/fault-lib.sh"

if [ ! -x "$mmtouch_bin" ] || ! command -v prlimit >/dev/null 2>&1; then
  echo "1..0 # SKIP mmtouch or prlimit is missing"
  exit 0
fi

# mmtouch under LIMITS... (prlimit options), with a time limit so that a
# process that should have ended cannot hang the suite.  Sets $rc.
limited ()
{
  l_opts=
  while [ $# -gt 0 ]; do
    case $1 in --*) l_opts="$l_opts $1"; shift ;; *) break ;; esac
  done
  # shellcheck disable=SC2086
  run_tree timeout 30 $drop prlimit $l_opts "$mmtouch_bin" "$@" \
    >out 2>err
  rc=$?
}
drop=

# ---- Out of descriptors ------------------------------------------------
mkdir -p tree/a/b tree/c
for i in 1 2 3 4 5 6; do
  head -c 100000 /dev/zero >tree/a/f$i
  head -c 1000 /dev/zero >tree/a/b/g$i
  head -c 5000 /dev/zero >tree/c/h$i
done
limited -t tree
check "normal limit: status 0" [ "$rc" -eq 0 ]
check "normal limit: nothing on stderr" [ ! -s err ]

# only_emfile: every line of err is a file of the tree that could not be
# opened for lack of descriptors.
only_emfile ()
{
  ! grep -v -x 'mmtouch: tree[/a-z0-9]*: Too many open files' err
}

# Limits from one free descriptor (the tree's own) up to enough for the
# crawl; mmtouch cannot raise a hard limit.  The dynamic loader needs one
# too, briefly, to load the library.
for free in 1 2 3 4; do
  lim=$("$tool" free-limit $free)
  limited --nofile=$lim:$lim -t tree
  if [ "$free" -eq 1 ]; then
    check "nofile, $free free: status 1" [ "$rc" -eq 1 ]
  else
    check "nofile, $free free: status 0 or 1" [ "$rc" -le 1 ]
  fi
  check "nofile, $free free: status 1 exactly when files were skipped" \
    [ "$rc" -eq "$([ -s err ] && echo 1 || echo 0)" ]
  check "nofile, $free free: only 'Too many open files' errors" only_emfile
  check "nofile, $free free: the summary is printed" grep -q 'Touched Pages:' out
done
[ -s err ] && diag err

# ---- Locked-memory limit -----------------------------------------------
# gcc loads the sanitizers' runtimes as libasan/libtsan, clang links
# them in: the build's CFLAGS tell.
case " ${CFLAGS-} " in
  *-fsanitize=*address*|*-fsanitize=*thread*)
    echo "# mlock and mlockall are no-ops under the sanitizers"
    finish ;;
esac
if grep -Eq 'lib(a|t)san' "/proc/$$/maps" 2>/dev/null ||
   run_tree ldd "$mmtouch_bin" 2>/dev/null | grep -Eq 'lib(a|t)san'; then
  echo "# mlock and mlockall are no-ops under the sanitizers"
  finish
fi
if [ "$(id -u)" -eq 0 ]; then
  # Root keeps its uid (and owns the files) but loses CAP_IPC_LOCK,
  # which would bypass the limit.
  if command -v setpriv >/dev/null 2>&1 &&
     setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock true 2>/dev/null
  then
    drop="setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock"
  else
    skip "RLIMIT_MEMLOCK" "cannot drop CAP_IPC_LOCK"
    finish
  fi
fi

head -c $((768 * 1024)) /dev/zero >m1
limited --memlock=65536:65536 -l m1
check "-l over the limit: status 1" [ "$rc" -eq 1 ]
check "-l over the limit: the message names the limit" expect_text err \
  "mmtouch: locking 768K needs a locked-memory limit (RLIMIT_MEMLOCK) of at least that much, but it is 64K: raise it with 'ulimit -l', LimitMEMLOCK= in the systemd unit, or memlock in /etc/security/limits.conf"

# The file fits in 1M, but mlockall locks the program's own memory too.
limited --memlock=1048576:1048576 -L m1
check "-L, mlockall refused: status 1, no wait" [ "$rc" -eq 1 ]
check "-L, mlockall refused: the message names the limit" expect_text err \
  "mmtouch: mlockall: the locked-memory limit (RLIMIT_MEMLOCK) is 1M; raise it with 'ulimit -l' or LimitMEMLOCK= in the systemd unit"
check "-L, mlockall refused: no pages claimed locked" \
  sh -c '! grep -q "Locked Pages" out'
limited --memlock=1048576:1048576 -d -w -P pid -L m1
check "-d -w -L, mlockall refused: status 1" [ "$rc" -eq 1 ]
check "-d -w -L, mlockall refused: no daemon left" [ ! -e pid ]

finish
