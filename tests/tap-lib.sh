# tap-lib.sh — sourced by the shell tests of tests/: absolute paths to
# the tree, TAP output, and a scratch directory.
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

finish ()
{
  echo "1..$n"
  [ "$failed" -eq 0 ]
  exit $?
}

# scratch NAME: make a scratch directory under $TMPDIR (default /tmp),
# removed at exit, and work in it.
scratch ()
{
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 99
  trap 'cd / && rm -rf "$tmp"' EXIT
  trap 'exit 1' HUP INT TERM
  cd "$tmp" || exit 99
}
