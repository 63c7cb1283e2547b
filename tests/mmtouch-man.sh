#!/bin/sh
# mmtouch: the manual page documents every option of --help, has the
# required sections, and formats without warnings.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 4

page=
for d in "${top_builddir:-.}" "${top_srcdir:-.}"; do
  if [ -f "$d/doc/mmtouch.1" ]; then page=$d/doc/mmtouch.1; break; fi
done
if [ -z "$page" ]; then
  echo "1..0 # SKIP doc/mmtouch.1 not built"
  exit 0
fi

"$MMTOUCH" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/opts"
missing=
while read -r o; do
  esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
  grep -q -- "$esc" "$page" || missing="$missing $o"
done <"$tmp/opts"
check "every long option of --help is in the page" test -z "$missing"
[ -n "$missing" ] && echo "# missing:$missing"

secs_ok=yes
for s in OPTIONS OUTPUT '"EXIT STATUS"' EXAMPLES; do
  grep -q "^\.SH $s\$" "$page" || secs_ok="no ($s)"
done
check "sections OPTIONS, OUTPUT, EXIT STATUS, EXAMPLES" test "$secs_ok" = yes
[ "$secs_ok" = yes ] || echo "# $secs_ok"

if command -v groff >/dev/null 2>&1; then
  groff -ww -man -z "$page" >"$tmp/groff" 2>&1
  check "groff -ww -man -z is silent" test ! -s "$tmp/groff"
else
  skip "groff -ww -man -z is silent" "groff not installed"
fi
if command -v man >/dev/null 2>&1; then
  MANPAGER=cat MANWIDTH=80 man --warnings -l "$page" 2>"$tmp/man" >/dev/null
  check "man --warnings is silent" test ! -s "$tmp/man"
else
  skip "man --warnings is silent" "man not installed"
fi

finish
