#!/bin/sh
# The translation files agree with the sources: every source file of lib/
# and utils/ that marks a string with _() or N_() is listed in
# po/POTFILES.in (a file left out is silently not translated), every file
# listed there exists, and every catalog named in po/LINGUAS exists,
# passes msgfmt --check and has no fuzzy or untranslated message.  TAP
# output, the plan at the end.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

: "${top_srcdir:=.}"
LC_ALL=C
export LC_ALL

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag () { sed 's/^/# /' "$@"; }

potfiles=$top_srcdir/po/POTFILES.in
linguas=$top_srcdir/po/LINGUAS
if [ ! -r "$potfiles" ] || [ ! -r "$linguas" ]; then
  echo "Bail out! po/POTFILES.in or po/LINGUAS cannot be read"
  exit 99
fi

# The names listed, comments and blank lines aside.
listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles")

is_listed ()
{
  printf '%s\n' "$listed" | grep -Fqx "$1"
}

# A mark is _ or N_ standing alone before "(", with or without GNU
# style's space.
nsrc=0
for f in "$top_srcdir"/lib/*.c "$top_srcdir"/utils/*.c; do
  [ -f "$f" ] || continue
  grep -Eq '(^|[^[:alnum:]_])N?_ ?\(' "$f" || continue
  nsrc=$((nsrc + 1))
  rel=${f#"$top_srcdir"/}
  if is_listed "$rel"; then
    ok "$rel: marks strings and is in po/POTFILES.in"
  else
    not_ok "$rel: marks strings but is missing from po/POTFILES.in"
  fi
done
# The scan itself must have found the sources, or the checks above prove
# nothing.
if [ "$nsrc" -gt 0 ]; then
  ok "the scan found $nsrc source files with marked strings"
else
  not_ok "the scan found no source file with marked strings"
fi

for rel in $listed; do
  if [ -f "$top_srcdir/$rel" ]; then
    ok "po/POTFILES.in: $rel exists"
  else
    not_ok "po/POTFILES.in: $rel does not exist"
  fi
done

langs=$(sed -e 's/#.*//' "$linguas")
if [ -n "$(printf '%s' "$langs" | tr -d '[:space:]')" ]; then
  ok "po/LINGUAS names languages: $(echo $langs)"
else
  not_ok "po/LINGUAS names no language"
fi

for po in "$top_srcdir"/po/*.po; do
  [ -f "$po" ] || continue
  lang=$(basename "$po" .po)
  if printf '%s\n' $langs | grep -Fqx "$lang"; then
    ok "po/$lang.po is named in po/LINGUAS"
  else
    not_ok "po/$lang.po is not named in po/LINGUAS"
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/po-files.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
out=$tmp/msgfmt.out

have_msgfmt=false
if msgfmt --version >/dev/null 2>&1; then
  have_msgfmt=true
fi

for lang in $langs; do
  po=$top_srcdir/po/$lang.po
  if [ ! -f "$po" ]; then
    not_ok "po/$lang.po exists"
    continue
  fi
  ok "po/$lang.po exists"
  if ! $have_msgfmt; then
    skip "po/$lang.po: msgfmt is not installed"
    continue
  fi
  # --check compares the format directives of each translation with its
  # original; the statistics line counts what is left to do.
  if msgfmt --check --statistics -o /dev/null "$po" >"$out" 2>&1; then
    ok "po/$lang.po: msgfmt --check"
  else
    not_ok "po/$lang.po: msgfmt --check"
    diag "$out"
  fi
  if grep -Eq 'fuzzy|untranslated' "$out"; then
    not_ok "po/$lang.po: every message translated, none fuzzy"
    diag "$out"
  else
    ok "po/$lang.po: every message translated, none fuzzy"
  fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
