# fault-lib.sh — sourced by the tests/fault-*.sh scripts: TAP output, a
# scratch directory, and how to run the tree's programs.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/tap-lib.sh"

libtool=$top_builddir/libtool
tool=$top_builddir/tests/fault-tool
mmcat_bin=$top_builddir/utils/mmcat
mmtouch_bin=$top_builddir/utils/mmtouch

# run PROGRAM ARGS...: run a program of the tree (through libtool, which
# runs the real binary rather than a wrapper script).
run_tree () { "$libtool" --mode=execute "$@"; }

scratch mmapio-fault

page=$(getconf PAGESIZE 2>/dev/null || echo 4096)
