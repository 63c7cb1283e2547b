#!/bin/sh
# The hand-written page doc/mmcat.1 stays true to "mmcat --help": every
# option and method of the help is documented in it, it has the sections
# the GNU standards ask for, and it formats without a warning.  TAP
# output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

page=$top_srcdir/doc/mmcat.1
mmcat --help >help

# Long and short options, as they appear at the start of a help line.
sed -n 's/^ \{1,\}\(-[A-Za-z]\)\{0,1\},\{0,1\} *\(--[a-z-]*\).*/\1 \2/p;
        s/^ \{1,\}\(-[A-Za-z]\) .*/\1/p' help | tr ' ' '\n' | sed '/^$/d' |
  sort -u >options
check "--help lists options" [ "$(wc -l <options)" -ge 7 ]
while read -r opt; do
  # In roff source a hyphen of an option is written \-.
  pattern=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  check "option $opt is in the page" grep -q -e "$pattern" "$page"
done <options

# The methods named in --help.
sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' help >methods
check "--help lists the methods" [ "$(wc -l <methods)" -eq 6 ]
while read -r m; do
  check "method $m is in the page" grep -q "^\\.B $m\$" "$page"
done <methods

for s in NAME SYNOPSIS DESCRIPTION OPTIONS '"EXIT STATUS"' EXAMPLES '"SEE ALSO"'; do
  check "section $s" grep -q "^\\.SH $s\$" "$page"
done

if command -v groff >/dev/null 2>&1; then
  groff -ww -man -z "$page" >groff.out 2>&1
  check "groff -ww -man -z: status 0" [ $? -eq 0 ]
  check "groff -ww -man -z: no warning" expect_text groff.out ""
else
  skip "groff is not installed"
fi
if command -v man >/dev/null 2>&1 && man --help 2>&1 | grep -q -e --warnings; then
  MANWIDTH=80 man --warnings -l "$page" >man.out 2>man.err
  check "man --warnings -l: status 0" [ $? -eq 0 ]
  check "man --warnings -l: no warning" expect_text man.err ""
else
  skip "man with --warnings is not installed"
fi

finish
