# mmtouch-lib.sh — helpers for the mmtouch shell tests (sourced).
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each test prints TAP: a plan, then "ok N - name" or "not ok N - name".

LC_ALL=C
export LC_ALL
unset MMAPIO_FORCE_PAGE_WALK

: "${MMTOUCH:=mmtouch}"
t_n=0
t_failed=0

plan () { echo "1..$1"; }

ok () { t_n=$((t_n + 1)); echo "ok $t_n - $1"; }

not_ok ()
{
  t_n=$((t_n + 1))
  echo "not ok $t_n - $1"
  t_failed=1
}

skip () { t_n=$((t_n + 1)); echo "ok $t_n - $1 # SKIP $2"; }

# until_ok SECONDS COMMAND...: retry COMMAND every 0.1 s, for at most
# SECONDS; fails when it never succeeded.
until_ok ()
{
  u_n=$(($1 * 10))
  shift
  while ! "$@"; do
    u_n=$((u_n - 1))
    [ $u_n -gt 0 ] || return 1
    sleep 0.1
  done
}

# check NAME COMMAND...: ok when COMMAND succeeds.
check ()
{
  t_name=$1
  shift
  if "$@"; then ok "$t_name"; else not_ok "$t_name"; fi
}

# A scratch directory under $TMPDIR (default /tmp), removed at exit.
# Eviction tests need it on a file system with a page cache of its own,
# not tmpfs: real_fs tells.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmtouch-test.XXXXXX") || exit 99
cleanup () { rm -rf "$tmp"; }
trap 'cleanup' EXIT
trap 'exit 1' HUP INT TERM

real_fs ()
{
  case $(stat -f -c %T "$1" 2>/dev/null) in
    tmpfs|ramfs|"") return 1 ;;
  esac
  return 0
}

# run COMMAND...: sets $rc, and $tmp/out, $tmp/err to its output.
run ()
{
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

# expect NAME RC STDERR COMMAND...: the exit status must be RC and the
# standard error exactly STDERR (a string; "" for none).
expect ()
{
  e_name=$1 e_rc=$2 e_err=$3
  shift 3
  run "$@"
  printf '%s' "$e_err" >"$tmp/err.exp"
  [ -n "$e_err" ] && echo >>"$tmp/err.exp"
  if [ "$rc" -eq "$e_rc" ] && cmp -s "$tmp/err.exp" "$tmp/err"; then
    ok "$e_name"
  else
    not_ok "$e_name"
    echo "# status $rc (expected $e_rc); stderr:" >&2
    sed 's/^/#   /' "$tmp/err" >&2
    echo "# expected stderr:" >&2
    sed 's/^/#   /' "$tmp/err.exp" >&2
  fi
}

# kv KEY FILE: the value of KEY in mmtouch --output=kv output.
kv ()
{
  tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"
}

# A file of SIZE bytes with a known pattern (SIZE/16 numbered lines).
pattern_file ()
{
  awk -v n="$(($2 / 16))" 'BEGIN { for (i = 0; i < n; i++) printf "%015d\n", i }' >"$1"
}

# Run as an unprivileged user (for permission and rlimit tests): sets
# $as_user to a command prefix, or returns 1 when that is not possible.
unprivileged ()
{
  if [ "$(id -u)" -ne 0 ]; then
    as_user=
    return 0
  fi
  command -v setpriv >/dev/null 2>&1 || return 1
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --"
  $as_user true 2>/dev/null || return 1
  chmod 755 "$tmp"
  return 0
}



json_ok () { python3 -m json.tool "$1" >/dev/null; }
finish () { exit "$t_failed"; }
