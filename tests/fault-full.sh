#!/bin/sh
# mmcat writing to a file on a full filesystem: a 1 MiB tmpfs mounted in
# a private mount namespace (root only), so that nothing stays mounted if
# the test dies.  Every method stops with status 1 and the message cat
# gives.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/fault-lib.sh"

if [ ! -x "$mmcat_bin" ]; then
  echo "1..0 # SKIP mmcat is not built"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP mounting a small tmpfs needs root"
  exit 0
fi
if ! command -v unshare >/dev/null 2>&1 ||
   ! unshare -m sh -c 'mount --make-rprivate / &&
       mount -t tmpfs -o size=1m fault "$1"' sh "$tmp" 2>/dev/null; then
  echo "1..0 # SKIP cannot mount a tmpfs in a private mount namespace here"
  exit 0
fi

mkdir mnt
head -c $((3 * 1024 * 1024)) /dev/urandom >big
head -c $((600 * 1024)) /dev/urandom >half
printf x >one

# The commands run in the namespace; their results are left outside the
# mount.
cat >inner.sh <<EOI
mount --make-rprivate / || exit 3
mount -t tmpfs -o size=1m,mode=0700 fault mnt || exit 3
for m in auto copy write read; do
  "$libtool" --mode=execute "$mmcat_bin" --method=\$m big >mnt/out 2>err.\$m
  echo \$? >status.\$m
  wc -c <mnt/out >size.\$m
  rm -f mnt/out
done
# Full before the first byte: the small-file path (read and write).
head -c 1048576 /dev/zero >mnt/fill 2>/dev/null
"$libtool" --mode=execute "$mmcat_bin" one >mnt/out 2>err.full
echo \$? >status.full
rm -f mnt/fill mnt/out
# Two operands, the second does not fit: the first is copied whole.
"$libtool" --mode=execute "$mmcat_bin" half half >mnt/out 2>err.two
echo \$? >status.two
cmp -n $((600 * 1024)) mnt/out half >/dev/null 2>&1
echo \$? >first.two
EOI
unshare -m sh inner.sh
check "the commands ran in the namespace" [ $? -eq 0 ]

msg="mmcat: write error: No space left on device"
for m in auto copy write read; do
  check "$m: status 1" [ "$(cat status.$m)" -eq 1 ]
  check "$m: message" expect_text err.$m "$msg"
  check "$m: stopped at the size of the filesystem" \
    [ "$(cat size.$m)" -le 1048576 ]
done
check "already full: status 1" [ "$(cat status.full)" -eq 1 ]
check "already full: message" expect_text err.full "$msg"
check "second operand too large: status 1" [ "$(cat status.two)" -eq 1 ]
check "second operand too large: message" expect_text err.two "$msg"
check "second operand too large: the first copied whole" \
  [ "$(cat first.two)" -eq 0 ]
check "nothing mounted outside the namespace" \
  sh -c '! grep -q " $1 " /proc/self/mounts' sh "$tmp/mnt"

finish
