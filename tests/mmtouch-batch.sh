#!/bin/sh
# mmtouch: -b lists, newline- and NUL-separated, from a file or stdin, with
# names holding spaces and newlines.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 7

cd "$tmp" || exit 99
pattern_file 'with space' 4096
nl='new
line'
pattern_file "$nl" 8192
mkdir dir
pattern_file dir/inside 4096

printf 'with space\ndir\n' >list
run "$MMTOUCH" --output=kv -b list
check "-b: names with spaces" test "$(kv Files out)/$(kv TotalPages out)/$(kv Directories out)" = 2/2/1
run sh -c 'printf "with space\n\ndir\n" | "$1" --output=kv -b -' sh "$MMTOUCH"
check "-b -: standard input, empty lines ignored" test "$(kv Files out)" = 2
printf 'with space\0%s\0' "$nl" >list0
run "$MMTOUCH" --output=kv -b list0 -0
check "-0: a name with a newline" test "$(kv Files out)/$(kv TotalPages out)" = 2/3
run "$MMTOUCH" --output=kv --batch=list0 --null dir
check "-b with operands" test "$(kv Files out)" = 3
printf 'with space\nnosuch\n' >bad
expect "-b: a missing name fails" 1 "mmtouch: nosuch: No such file or directory" "$MMTOUCH" -q -b bad
expect "-b: a missing list fails" 1 "mmtouch: nolist: No such file or directory" "$MMTOUCH" -q -b nolist
if command -v python3 >/dev/null 2>&1; then
  run "$MMTOUCH" --output=json -b list0 -0
  check "-0: the newline survives in JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "new\nline" in [f["path"] for f in d["files"]]' out
else
  skip "-0: the newline survives in JSON" "python3 not installed"
fi

finish
