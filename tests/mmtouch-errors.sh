#!/bin/sh
# mmtouch: exit status and exact messages for each class of failure.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

plan 14

cd "$tmp" || exit 99
pattern_file good 8192
mkfifo fifo

expect "missing file: exit 1" 1 "mmtouch: nosuch: No such file or directory" "$MMTOUCH" nosuch
check "missing file: summary still printed" grep -q '^           Files: 0$' out
expect "missing file among good ones" 1 "mmtouch: nosuch: No such file or directory" "$MMTOUCH" good nosuch good
check "the good files are still counted" grep -q "^           Files: 2$" out
expect "FIFO: not a regular file" 1 "mmtouch: fifo: not a regular file" "$MMTOUCH" fifo
expect "character device: not a regular file" 1 "mmtouch: /dev/null: not a regular file" "$MMTOUCH" -t /dev/null
expect "FIFO inside a directory is skipped" 0 "" "$MMTOUCH" -q "$tmp"
expect "-q still reports errors" 1 "mmtouch: nosuch: No such file or directory" "$MMTOUCH" -q nosuch good
check "-q prints nothing on stdout" test ! -s out
expect "output to /dev/full" 1 "mmtouch: write error: No space left on device" sh -c '"$1" good >/dev/full' sh "$MMTOUCH"

if unprivileged; then
  mkdir -p locked/inner
  pattern_file locked/inner/x 4096
  pattern_file secret 4096
  chmod 000 locked secret
  expect "unreadable file: exit 1" 1 "mmtouch: secret: Permission denied" $as_user "$MMTOUCH" secret
  expect "unreadable directory: exit 1" 1 "mmtouch: locked: Permission denied" $as_user "$MMTOUCH" locked
  expect "unreadable file: evict" 1 "mmtouch: secret: Permission denied" $as_user "$MMTOUCH" -e secret
  chmod 755 locked
  expect "readable tree" 0 "" $as_user "$MMTOUCH" -q locked
else
  for n in 1 2 3 4; do skip "permissions" "cannot run as an unprivileged user"; done
fi

finish
