#!/bin/sh
# mmtouch: --help, --version and usage errors (exit status 2).
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 27

f=$tmp/f
pattern_file "$f" 8192
try="Try 'mmtouch --help' for more information."

run "$MMTOUCH" --help
check "--help exits 0" test "$rc" -eq 0
check "--help prints usage on stdout" grep -q '^Usage: mmtouch \[OPTION\]' "$tmp/out"
check "--help mentions -h as the hard-link option" grep -q -- '-h, --hard-links' "$tmp/out"
check "--help prints nothing on stderr" test ! -s "$tmp/err"
run "$MMTOUCH" --version
check "--version" grep -q '^mmtouch (libmmapio) ' "$tmp/out"

expect "unknown option" 2 "mmtouch: invalid option -- 'z'
$try" "$MMTOUCH" -z "$f"
expect "unknown long option" 2 "mmtouch: unrecognized option '--frobnicate'
$try" "$MMTOUCH" --frobnicate "$f"
expect "no operand" 2 "mmtouch: no files or directories specified
$try" "$MMTOUCH"
expect "-p 5-2" 2 "mmtouch: invalid page range '5-2'
$try" "$MMTOUCH" -p 5-2 "$f"
expect "-p 4k-4k (empty)" 2 "mmtouch: invalid page range '4k-4k'
$try" "$MMTOUCH" -p 4k-4k "$f"
expect "-p 0" 2 "mmtouch: invalid page range '0'
$try" "$MMTOUCH" -p 0 "$f"
expect "-p garbage" 2 "mmtouch: invalid page range '1x-2'
$try" "$MMTOUCH" --page-range=1x-2 "$f"
expect "-m garbage" 2 "mmtouch: invalid size 'lots'
$try" "$MMTOUCH" -m lots "$f"
expect "-j 0" 2 "mmtouch: invalid number of jobs '0'
$try" "$MMTOUCH" -j 0 "$f"
expect "--output=xml" 2 "mmtouch: invalid output format 'xml' (human, json or kv)
$try" "$MMTOUCH" --output=xml "$f"
expect "-t -e" 2 "mmtouch: options -t and -e cannot be combined
$try" "$MMTOUCH" -e -t "$f"
expect "-l -e" 2 "mmtouch: option -e cannot be combined with -t, -l or -L
$try" "$MMTOUCH" -l -e "$f"
expect "-l -L" 2 "mmtouch: options -l and -L cannot be combined
$try" "$MMTOUCH" -l -L "$f"
expect "-d without -l" 2 "mmtouch: option -d needs -l or -L
$try" "$MMTOUCH" -d "$f"
expect "-P without -l" 2 "mmtouch: option -P needs -l or -L
$try" "$MMTOUCH" -P "$tmp/pid" "$f"
expect "-w without -d" 2 "mmtouch: option -w needs -d
$try" "$MMTOUCH" -l -w "$f"
expect "--sync without -e" 2 "mmtouch: option --sync needs -e
$try" "$MMTOUCH" -t --sync "$f"
expect "-0 without -b" 2 "mmtouch: option -0 needs -b
$try" "$MMTOUCH" -0 "$f"

# Valid ranges and sizes.
expect "-p - (whole file)" 0 "" "$MMTOUCH" -q -p - "$f"
expect "-p -8k, -p 4k-, -p 1.5k" 0 "" sh -c '"$1" -q -p -8k "$2" && "$1" -q -p 4k- "$2" && "$1" -q -p 1.5k "$2"' sh "$MMTOUCH" "$f"
expect "-m with a suffix and a fraction" 0 "" "$MMTOUCH" -q -m 1.5G "$f"
expect "long options" 0 "" "$MMTOUCH" --quiet --max-file-size=1M --page-range=0-4k --jobs=1 --hard-links --follow-symlinks --one-file-system "$f"

finish
