#!/bin/sh
# Library calls under injected system-call failures (strace -e inject):
# each failure comes back as the documented error from the call that met
# it, and what was flushed before is still in the file.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/fault-lib.sh"

# LeakSanitizer cannot work under ptrace: a sanitized build runs without
# it here.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

# inject SPEC [-P PATH] ARGS...: run fault-tool under strace with the
# failure SPEC (restricted to system calls on PATH with -P, for calls
# that the program's start-up makes too, such as mmap); output in out,
# err, status in $status.
inject ()
{
  spec=$1
  shift
  if [ "$1" = -P ]; then
    only="-P $2"
    shift 2
  else
    only=
  fi
  # shellcheck disable=SC2086
  run_tree strace -o strace.log $only -e inject="$spec" "$tool" "$@" \
    >out 2>err
  status=$?
}

# The probe runs the tool without arguments: status 2, its usage.
probe=99
if command -v strace >/dev/null 2>&1 && [ -x "$tool" ]; then
  run_tree strace -o /dev/null -e inject=fsync:error=EIO "$tool" \
    >/dev/null 2>&1
  probe=$?
fi
if [ "$probe" -ne 2 ]; then
  echo "1..0 # SKIP strace with -e inject is not available"
  exit 0
fi

# at FILE OFFSET LEN: LEN bytes of FILE at OFFSET.
at () { dd if="$1" bs=1 skip="$2" count="$3" status=none; }
zeros () { head -c "$1" /dev/zero >"$2"; }

# ---- msync: flush, flush_range, evict ----------------------------------
zeros $((4 * page)) f
inject msync:error=EIO:when=2 flush f
check "msync EIO on the second flush: that flush fails" expect_text out \
"flush: ok
flush: Input/output error
flush_range: ok
pending: yes
close: ok"
check "msync EIO: the bytes flushed before are in the file" \
  [ "$(at f 0 9)" = flushed-1 ]
check "msync EIO: the later bytes are not lost either" \
  [ "$(at f "$page" 9)$(at f $((2 * page)) 9)" = flushed-2flushed-3 ]

zeros $((4 * page)) f
inject msync:error=ENOSPC:when=3 flush f
check "msync ENOSPC on the range flush: flush_range fails" expect_text out \
"flush: ok
flush: ok
flush_range: No space left on device
pending: yes
close: ok"
check "msync ENOSPC: the bytes flushed before are in the file" \
  [ "$(at f 0 9)$(at f "$page" 9)" = flushed-1flushed-2 ]

zeros $((4 * page)) f
inject msync:error=EIO:when=2 evict f
check "msync EIO under evict: evict fails" expect_text out \
"evict: Input/output error
close: ok"
check "msync EIO under evict: the dirty page is not dropped" \
  [ "$(at f 0 9)" = evicted-2 ]

zeros $((4 * page)) f
inject sync_file_range:error=EIO async f
check "sync_file_range EIO: flush_async fails, flush works" expect_text out \
"flush_async: Input/output error
flush: ok
close: ok"

# ---- fallocate: create, resize ------------------------------------------
listing () { ls -a | grep -v -x -e after -e before; }
listing >before
inject fallocate:error=ENOSPC create new $((16 * page))
check "fallocate ENOSPC: create fails" expect_text out \
  "create: No space left on device"
check "fallocate ENOSPC: create's status" [ "$status" -eq 1 ]
listing >after
check "fallocate ENOSPC: no file left by create" cmp -s before after

inject fallocate:error=EDQUOT create new $((16 * page))
check "fallocate EDQUOT: create fails" expect_text out \
  "create: Disk quota exceeded"
check "fallocate EDQUOT: no file left by create" test ! -e new

for spec in fallocate:error=EINTR:when=1 fallocate:error=EINTR:when=1..3 \
            fallocate:error=EOPNOTSUPP; do
  rm -f new
  inject "$spec" create new $((16 * page))
  check "$spec: create works" expect_text out "create: ok
close: ok"
  check "$spec: the file has its size" \
    [ "$(stat -c %s new)" -eq $((16 * page)) ]
  check "$spec: and its last bytes" [ "$(at new $((16 * page - 4)) 4)" = last ]
done

zeros $((2 * page)) f
inject fallocate:error=ENOSPC resize f
check "fallocate ENOSPC: growth fails, size kept" expect_text out \
"grow: No space left on device
size: unchanged
shrink: ok
size: changed
close: ok"
check "fallocate ENOSPC: the file is whole, shrunk after" \
  [ "$(stat -c %s f)" -eq "$page" ]
check "fallocate ENOSPC: the flushed bytes are kept" [ "$(at f 0 9)" = flushed-1 ]

zeros $((2 * page)) f
inject fallocate:error=EINTR:when=1 resize f
check "fallocate EINTR: growth works" expect_text out \
"grow: ok
size: changed
shrink: ok
size: changed
close: ok"

# ---- ftruncate: shrink ---------------------------------------------------
zeros $((2 * page)) f
inject ftruncate:error=EIO resize f
check "ftruncate EIO: the shrink fails, size kept" expect_text out \
"grow: ok
size: changed
shrink: Input/output error
size: unchanged
close: ok"
check "ftruncate EIO: the file keeps its grown size" \
  [ "$(stat -c %s f)" -eq $((64 * page)) ]
check "ftruncate EIO: the flushed bytes are kept" [ "$(at f 0 9)" = flushed-1 ]

# ---- mmap: open, reservation, windows -----------------------------------
zeros $((4 * page)) f
printf 'flushed-1' | dd of=f conv=notrunc status=none
inject mmap:error=ENOMEM -P "$tmp/f" open f
check "mmap ENOMEM: open fails" expect_text out \
"open: Cannot allocate memory
open rdwr: Cannot allocate memory"
# The second mmap of the file is the RDWR handle's address reservation:
# refused, the file alone is mapped.
inject mmap:error=ENOMEM:when=2 -P "$tmp/f" open f
check "mmap ENOMEM for the reservation: open works without it" \
  expect_text out \
"open: ok
read: ok
close: ok
open rdwr: ok
read: ok
close: ok"
# A windowed handle maps its first window at open: the second mmap is
# that of the first read's window.
inject mmap:error=ENOMEM:when=1 -P "$tmp/f" window f
check "mmap ENOMEM for the first window: the open fails" [ "$status" -ne 0 ]
inject mmap:error=ENOMEM:when=2 -P "$tmp/f" window f
check "mmap ENOMEM for a window: that read fails, the next works" \
  expect_text out \
"read: Cannot allocate memory
read: ok
close: ok"
check "the file is untouched" [ "$(at f 0 9)" = flushed-1 ]

# ---- copy_file: copy_file_range, pread/pwrite, fsync --------------------
head -c $((64 * page + 5)) /dev/urandom >src
echo old >dst
listing >before
for spec in copy_file_range:error=EIO fsync:error=EIO \
            pwrite64:error=ENOSPC; do
  case $spec in
    pwrite64*) MMAPIO_FORCE_RW_COPY=1; export MMAPIO_FORCE_RW_COPY ;;
  esac
  inject "$spec" copy src dst
  unset MMAPIO_FORCE_RW_COPY
  case $spec in
    *EIO) msg="Input/output error" ;;
    *) msg="No space left on device" ;;
  esac
  check "$spec: copy fails" expect_text out "copy: $msg"
  check "$spec: dst unchanged" [ "$(cat dst)" = old ]
  listing >after
  check "$spec: no temporary file left" cmp -s before after
done
MMAPIO_FORCE_RW_COPY=1
export MMAPIO_FORCE_RW_COPY
inject pread64:error=EIO -P "$tmp/src" copy src dst
unset MMAPIO_FORCE_RW_COPY
check "pread64 EIO (read/write copy): copy fails" expect_text out \
  "copy: Input/output error"
check "pread64 EIO: dst unchanged" [ "$(cat dst)" = old ]
for spec in copy_file_range:error=EINTR:when=1 pwrite64:error=EINTR:when=1 \
            copy_file_range:error=EXDEV; do
  case $spec in
    pwrite64*) MMAPIO_FORCE_RW_COPY=1; export MMAPIO_FORCE_RW_COPY ;;
  esac
  echo old >dst
  inject "$spec" copy src dst
  unset MMAPIO_FORCE_RW_COPY
  check "$spec: copy works" expect_text out "copy: ok"
  check "$spec: dst is src" cmp -s src dst
done

finish
