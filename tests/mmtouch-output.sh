#!/bin/sh
# mmtouch: the human summary, -v lines, --output=json and --output=kv.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 16

cd "$tmp" || exit 99
mkdir -p d/e
pattern_file d/a 8192
pattern_file d/e/b 4096
printf '' >d/empty
"$MMTOUCH" -q -t d

run "$MMTOUCH" d
check "human: exit 0" test "$rc" -eq 0
sed 's/[0-9.e-]* seconds$/N seconds/' out >out.sed
cat >exp <<'EXP'
           Files: 3
     Directories: 2
  Resident Pages: 3/3  12K/12K  100%
         Elapsed: N seconds
EXP
check "human: the layout of vmtouch" cmp -s exp out.sed

run "$MMTOUCH" -v d
check "-v into a pipe: no carriage return" sh -c '! grep -q "$(printf "\r")" out'
check "-v into a pipe: one line per file" grep -qx 'd/a  2/2' out
check "-v into a pipe: empty file listed" grep -qx 'd/empty  0/0' out

run "$MMTOUCH" --output=kv d
check "kv: one line" test "$(wc -l <out)" -eq 1
check "kv: keys of vmtouch in order" grep -Eq '^Files=3 Directories=2 ResidentPages=3 TotalPages=3 ResidentSize=12288 TotalSize=12288 ResidentPercent=100 Elapsed=[0-9.e-]+ Skipped=0 Failed=0 Unknown=0$' out
run "$MMTOUCH" -t --output=kv d
check "kv: touched pages" test "$(kv TouchedPages out)" = 3

if command -v python3 >/dev/null 2>&1; then
  run "$MMTOUCH" --output=json d nosuch
  check "json: exit 1 with a missing file" test "$rc" -eq 1
  check "json: parses" json_ok out
  check "json: documented keys" python3 - out <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
t = doc["totals"]
keys = {"action", "files", "directories", "total_pages", "resident_pages",
        "total_size", "resident_size", "resident_percent", "touched_pages",
        "evicted_pages", "locked_pages", "skipped", "failed", "unknown",
        "page_size", "elapsed"}
assert keys <= set(t), keys - set(t)
assert t["files"] == 3 and t["directories"] == 2 and t["failed"] == 1
assert t["action"] == "report"
files = {f["path"]: f for f in doc["files"]}
assert set(files) == {"d/a", "d/e/b", "d/empty"}, files
assert files["d/a"]["pages"] == 2 and files["d/a"]["size"] == 8192
assert {"path", "size", "pages", "resident"} <= set(files["d/a"])
PY
  printf 'x' >"$(printf 'd/we\tird\001\377name')"
  run "$MMTOUCH" -e --output=json d
  check "json: odd names still parse" json_ok out
  check "json: evicted key" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all("evicted" in f for f in d["files"]); assert d["totals"]["action"] == "evict"' out
  run "$MMTOUCH" --output=json nosuch
  check "json: no files still parses" json_ok out
else
  for n in 1 2 3 4 5 6; do skip "json" "python3 not installed"; done
fi

# -v on a terminal draws a bar (script(1) gives a terminal).
if command -v script >/dev/null 2>&1 \
   && script -qec true /dev/null >/dev/null 2>&1; then
  "$MMTOUCH" -q -t d/a
  script -qec "$MMTOUCH -v d/a" /dev/null >tty.out 2>&1
  check "-v on a terminal: a bar" grep -q '^\[OO\] 2/2' tty.out
else
  skip "-v on a terminal: a bar" "script(1) not available"
fi
run "$MMTOUCH" -q d
check "-q: nothing printed" sh -c 'test ! -s out && test ! -s err'

finish
