#!/bin/sh
# mmtouch: directory crawl with -i, -I, -h, -f (and a symbolic link loop)
# and -F.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 15

cd "$tmp" || exit 99
mkdir -p t/sub t/.git t/deep/er
pattern_file t/a.c 4096
pattern_file t/b.h 8192
pattern_file t/c.bak 4096
pattern_file t/.git/obj 4096
pattern_file t/sub/d.c 4096
pattern_file t/deep/er/e.c 4096
pattern_file other 12288

files () { kv Files out; }
dirs () { kv Directories out; }

run "$MMTOUCH" --output=kv t
check "crawl counts files and directories" test "$(files)/$(dirs)" = 6/5
run "$MMTOUCH" --output=kv -i .git -i '*.bak' t
check "-i prunes directories and files" test "$(files)/$(dirs)" = 4/4
run "$MMTOUCH" --output=kv -I '*.c' t
check "-I selects files" test "$(files)" = 3
run sh -c 'cd t && "$1" --output=kv -i ".*" .' sh "$MMTOUCH"
check "-i '.*' skips hidden entries, not the operand ." test "$(files)/$(dirs)" = 5/4
run "$MMTOUCH" --output=kv -I '*.c' -I '*.h' -i sub t
check "-I and -i together" test "$(files)" = 3

ln t/a.c t/hard
run "$MMTOUCH" --output=kv t
check "a hard link is counted once" test "$(files)/$(kv TotalPages out)" = 6/7
run "$MMTOUCH" --output=kv -h t
check "-h counts every hard link" test "$(files)/$(kv TotalPages out)" = 7/8
rm t/hard

ln -s ../../other t/sub/link
ln -s .. t/sub/loop
run "$MMTOUCH" --output=kv t
check "symbolic links not followed without -f" test "$(files)/$(dirs)" = 6/5
check "... silently" test ! -s err
expect "-f: a loop is a warning" 0 "mmtouch: t/sub/loop: symbolic link loop, not followed" sh -c '"$1" -f t >/dev/null' sh "$MMTOUCH"
"$MMTOUCH" --output=kv -f t >out 2>/dev/null
check "-f follows links to files" test "$(files)" = 7
rm t/sub/loop
ln -s nowhere t/dangling
expect "-f: a dangling link is a warning" 0 "mmtouch: t/dangling: dangling symbolic link, skipped" sh -c '"$1" -f t >/dev/null' sh "$MMTOUCH"
rm t/dangling
run "$MMTOUCH" --output=kv t/sub/link
check "an operand that is a symbolic link is followed" test "$(kv TotalPages out)" = 3

# -F needs a second file system below the tree: a tmpfs mount, when the
# test may mount.
mkdir t/mnt
if mount -t tmpfs mmtouch-test t/mnt 2>/dev/null; then
  pattern_file t/mnt/m 4096
  run "$MMTOUCH" --output=kv t
  n_all=$(files)
  run "$MMTOUCH" --output=kv -F t
  n_one=$(files)
  umount t/mnt
  check "-F does not cross into the mount" test "$n_all/$n_one" = 7/6
  check "-F counts the other directories" test "$(dirs)" = 5
else
  skip "-F does not cross into the mount" "cannot mount a tmpfs here"
  skip "-F counts the other directories" "cannot mount a tmpfs here"
fi

finish
