# fault-lib.sh — sourced by the tests/fault-*.sh scripts: TAP output, a
# scratch directory, and how to run the tree's programs.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
# The tests run in a scratch directory: make the tree's paths absolute.
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
top_builddir=$(cd "$top_builddir" && pwd) || exit 99
LC_ALL=C
export LC_ALL

libtool=$top_builddir/libtool
tool=$top_builddir/tests/fault-tool
mmcat_bin=$top_builddir/utils/mmcat
mmtouch_bin=$top_builddir/utils/mmtouch

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag () { sed 's/^/# /' "$@"; }

# check DESCRIPTION COMMAND...: one test point for a command's success.
check ()
{
  desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_text FILE TEXT: FILE holds exactly TEXT (plus a final newline
# when TEXT is not empty).
expect_text ()
{
  if [ -z "$2" ]; then
    printf '' >expect.txt
  else
    printf '%s\n' "$2" >expect.txt
  fi
  if cmp -s "$1" expect.txt; then
    return 0
  fi
  echo "expected:" | diag
  diag expect.txt
  echo "got:" | diag
  diag "$1"
  return 1
}

# run PROGRAM ARGS...: run a program of the tree (through libtool, which
# runs the real binary rather than a wrapper script).
run_tree () { "$libtool" --mode=execute "$@"; }

finish ()
{
  echo "1..$n"
  [ "$failed" -eq 0 ]
  exit $?
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmapio-fault.XXXXXX") || exit 99
trap 'cd / && rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
cd "$tmp" || exit 99

page=$(getconf PAGESIZE 2>/dev/null || echo 4096)
