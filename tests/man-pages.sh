#!/bin/sh
# Check the section 3 manual pages of libmmapio (TAP output):
#  - every page formats without a warning under groff -ww and man --warnings;
#  - every function declared in mmapio.h has a page of its own name, either
#    a full page or a ".so" link to a full page that names it in NAME;
#  - no page documents a function that the header does not declare;
#  - the example program of libmmapio(3) compiles, links and runs.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: LGPL-2.1-or-later

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
docdir=$top_srcdir/doc

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag () { sed 's/^/# /'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-pages.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The header: the generated one when the tree is configured, else its
# template (the declarations are the same).
header=$top_builddir/lib/mmapio.h
[ -f "$header" ] || header=$top_srcdir/lib/mmapio.h.in
if [ ! -f "$header" ]; then
  echo "Bail out! mmapio.h not found"
  exit 99
fi

# Public functions: every "mmapio_NAME (" at the start of a declarator.
sed -n 's/^[a-z0-9_ *]*[ *]\(mmapio_[a-z0-9_]*\) (.*/\1/p' "$header" \
  | sort -u > "$tmp/functions"
if [ ! -s "$tmp/functions" ]; then
  echo "Bail out! no function found in $header"
  exit 99
fi

# Pages: full pages and .so links.
: > "$tmp/full"
: > "$tmp/links"
for page in "$docdir"/*.3; do
  [ -f "$page" ] || continue
  name=$(basename "$page" .3)
  if head -n 1 "$page" | grep -q '^\.so '; then
    echo "$name" >> "$tmp/links"
  else
    echo "$name" >> "$tmp/full"
  fi
done
if [ ! -s "$tmp/full" ]; then
  echo "Bail out! no manual page in $docdir"
  exit 99
fi

# The names a full page documents: its NAME section up to "\-".
names_of () {
  sed -n '/^\.SH NAME/,/^\.SH/p' "$docdir/$1.3" \
    | sed '1d;$d' | tr '\n' ' ' | sed 's/\\-.*//' | tr ',' '\n' \
    | sed 's/^ *//;s/ *$//' | grep -v '^$'
}

# Pages are checked from a directory where man3/ is the page directory, so
# that ".so man3/PAGE.3" resolves as it does once installed.
mkdir "$tmp/man" && ln -s "$(cd "$docdir" && pwd)" "$tmp/man/man3" || exit 99

have_groff=no
command -v groff > /dev/null 2>&1 && have_groff=yes
have_man=no
if command -v man > /dev/null 2>&1 && man --help 2>&1 | grep -q -- --warnings
then
  have_man=yes
fi

while read -r name; do
  if [ $have_groff = no ]; then
    skip "groff -ww $name.3: groff not installed"
  else
    out=$(cd "$tmp/man" && groff -ww -man -z "man3/$name.3" 2>&1)
    if [ -z "$out" ]; then
      ok "groff -ww $name.3"
    else
      not_ok "groff -ww $name.3"
      printf '%s\n' "$out" | diag
    fi
  fi
  if [ $have_man = no ]; then
    skip "man --warnings $name.3: man-db not installed"
  else
    out=$(cd "$tmp/man" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
          man --warnings -E UTF-8 -l -Tutf8 -Z "man3/$name.3" 2>&1 >/dev/null)
    if [ -z "$out" ]; then
      ok "man --warnings $name.3"
    else
      not_ok "man --warnings $name.3"
      printf '%s\n' "$out" | diag
    fi
  fi
  if names_of "$name" | grep -qx "$name"; then
    ok "$name.3 names itself in NAME"
  else
    not_ok "$name.3 names itself in NAME"
  fi
done < "$tmp/full"

# Every link points at a full page whose NAME lists the linked name.
while read -r name; do
  target=$(sed -n '1s,^\.so man3/\(.*\)\.3$,\1,p' "$docdir/$name.3")
  if [ -n "$target" ] && grep -qx "$target" "$tmp/full" \
     && names_of "$target" | grep -qx "$name"; then
    ok "$name.3 links to $target.3, which documents it"
  else
    not_ok "$name.3 links to a page that documents it"
    head -n 1 "$docdir/$name.3" | diag
  fi
done < "$tmp/links"

# Every public function has a page.
while read -r fn; do
  if [ -f "$docdir/$fn.3" ]; then
    ok "$fn has a manual page"
  else
    not_ok "$fn has a manual page"
  fi
done < "$tmp/functions"

# Every name a page documents is a public function (or the overview).
for name in $(cat "$tmp/full" | while read -r p; do names_of "$p"; done); do
  case $name in
    libmmapio) continue ;;
  esac
  if grep -qx "$name" "$tmp/functions"; then
    ok "documented $name is declared in mmapio.h"
  else
    not_ok "documented $name is declared in mmapio.h"
  fi
done

# The example of libmmapio(3): extract it, compile it against the header,
# link it against the library when it is built, and run it.
sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$docdir/libmmapio.3" \
  | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' \
  | sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" > "$tmp/example.c"
cc=${MANTEST_CC:-${CC:-cc}}
if ! command -v "${cc%% *}" > /dev/null 2>&1; then
  skip "libmmapio.3 example compiles: no C compiler"
elif [ ! -s "$tmp/example.c" ]; then
  not_ok "libmmapio.3 has an example"
elif [ ! -f "$top_builddir/lib/mmapio.h" ]; then
  skip "libmmapio.3 example compiles: tree not configured"
else
  if out=$($cc -std=gnu11 -Wall -Wextra -Werror $MANTEST_CFLAGS \
             -I"$top_builddir/lib" -I"$top_srcdir/lib" \
             -c "$tmp/example.c" -o "$tmp/example.o" 2>&1); then
    ok "libmmapio.3 example compiles without a warning"
  else
    not_ok "libmmapio.3 example compiles without a warning"
    printf '%s\n' "$out" | diag
  fi
  libs=$top_builddir/lib/.libs
  if [ ! -f "$tmp/example.o" ] || [ ! -f "$libs/libmmapio.so" ]; then
    skip "libmmapio.3 example runs: library not built"
  elif ! out=$($cc $MANTEST_CFLAGS $MANTEST_LDFLAGS -o "$tmp/example" \
                 "$tmp/example.o" -L"$libs" -Wl,-rpath,"$(cd "$libs" && pwd)" \
                 -lmmapio 2>&1); then
    not_ok "libmmapio.3 example links"
    printf '%s\n' "$out" | diag
  else
    printf 'one\ntwo\nthree\n' > "$tmp/input"
    out=$("$tmp/example" "$tmp/input" "$tmp/log" 2>&1)
    if [ "$out" = "3 lines" ] && [ "$(cat "$tmp/log" 2>/dev/null)" = 3 ] \
       && "$tmp/example" "$tmp/input" "$tmp/log" > /dev/null 2>&1 \
       && [ "$(cat "$tmp/log")" = "3
3" ]; then
      ok "libmmapio.3 example runs"
    else
      not_ok "libmmapio.3 example runs"
      { printf '%s\n' "$out"; cat "$tmp/log" 2>/dev/null; } | diag
    fi
  fi
fi

echo "1..$n"
[ $failed -eq 0 ]
