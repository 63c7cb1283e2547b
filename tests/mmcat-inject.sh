#!/bin/sh
# mmcat under injected system-call failures (strace -e inject): a fast
# path the system refuses falls back without losing or repeating a byte,
# and an error that is real is reported as cat reports it.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

libtool=$top_builddir/libtool
bin=$(command -v mmcat)

# inject SPEC ARGS...: run mmcat under strace with the failure SPEC.
# libtool runs the real binary rather than its wrapper script, so that
# the shell of the wrapper is not hit.  LeakSanitizer cannot work under
# ptrace: a sanitized build runs without it here.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS
inject ()
{
  spec=$1
  shift
  "$libtool" --mode=execute strace -o strace.log -e inject="$spec" \
    "$bin" "$@"
}

if ! command -v strace >/dev/null 2>&1 || [ ! -x "$libtool" ] ||
   ! inject splice:error=EINVAL --version >/dev/null 2>&1; then
  echo "1..0 # SKIP strace with -e inject is not available"
  exit 0
fi

make_files

# Fast paths refused: the copy goes on with write(2) from where the
# refused call left it, whether it fails at once or after some chunks.
for spec in splice:error=EINVAL splice:error=EIO splice:error=EINVAL:when=2 \
            vmsplice:error=ENOMEM vmsplice:error=EINVAL:when=2; do
  case $spec in vmsplice*) m=vmsplice ;; *) m=splice ;; esac
  inject "$spec" --method=$m large medium 2>err | cat >out
  cat large medium >expect
  check "$spec: copied in full" same out expect
  check "$spec: no message" expect_text err ""
done
for spec in copy_file_range:error=EXDEV copy_file_range:error=EOPNOTSUPP \
            copy_file_range:error=EIO:when=2; do
  inject "$spec" --method=copy large medium >out 2>err
  cat large medium >expect
  check "$spec: copied in full" same out expect
  check "$spec: no message" expect_text err ""
done

# write(2) from the mapping says EFAULT although the file is whole (a
# page that could not be read): read(2) takes over and finds it fine.
inject write:error=EFAULT:when=2 --method=write large 2>err | cat >out
check "write EFAULT, file whole: copied in full by read" same out large
check "write EFAULT, file whole: no message" expect_text err ""

# Output errors are fatal and worded as cat words them.  Only the first
# write fails: the second is the message's.
for m in write read; do
  { inject write:error=EIO:when=1 --method=$m large 2>err; echo $? >status; } |
    cat >out
  check "$m: write EIO: status 1" [ "$(cat status)" -eq 1 ]
  check "$m: write EIO: message" expect_text err \
    "mmcat: write error: Input/output error"
  check "$m: write EIO: nothing more written" expect_text out ""
done
for m in splice vmsplice; do
  { inject $m:error=ENOSPC --method=$m large one 2>err; echo $? >status; } |
    cat >out
  check "$m ENOSPC: status 1" [ "$(cat status)" -eq 1 ]
  check "$m ENOSPC: message" expect_text err \
    "mmcat: write error: No space left on device"
  check "$m ENOSPC: nothing more written" expect_text out ""
done
inject copy_file_range:error=EDQUOT --method=copy large >out 2>err
check "copy_file_range EDQUOT: status 1" [ $? -eq 1 ]
check "copy_file_range EDQUOT: message" expect_text err \
  "mmcat: write error: Disk quota exceeded"

# An input that fails for real: reported, status 1, the next operand
# copied.
mmcat one /proc/self/mem one >out 2>err
check "unreadable input: status 1" [ $? -eq 1 ]
check "unreadable input: message" expect_text err \
  "mmcat: /proc/self/mem: Input/output error"
cat one one >expect
check "unreadable input: the others copied" same out expect

finish
