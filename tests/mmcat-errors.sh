#!/bin/sh
# mmcat's failures, worded as GNU cat words them: missing files,
# directories, the output file as input, a full device, a closed pipe,
# usage errors, and the exit status of each.  TAP output.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

. "${top_srcdir:-.}/tests/mmcat-lib.sh"

make_files

# All well.
mmcat one page medium >out 2>err
check "all well: status 0" [ $? -eq 0 ]
check "all well: no message" expect_text err ""

# A missing file: reported, the other operands still copied, status 1.
mmcat one nosuchfile medium >out 2>err
check "missing file: status 1" [ $? -eq 1 ]
check "missing file: message" expect_text err \
  "mmcat: nosuchfile: No such file or directory"
cat one medium >expect
check "missing file: the others are copied" same out expect

# Names a shell would need quoted are quoted as GNU cat quotes them.
mmcat 'no such' "it's gone" 'new
line' >out 2>err
check "quoted names: status 1" [ $? -eq 1 ]
check "quoted names: messages" expect_text err \
  "mmcat: 'no such': No such file or directory
mmcat: \"it's gone\": No such file or directory
mmcat: 'new'\$'\\n''line': No such file or directory"

# A directory.
mkdir dir
mmcat one dir one >out 2>err
check "directory: status 1" [ $? -eq 1 ]
check "directory: message" expect_text err "mmcat: dir: Is a directory"
cat one one >expect
check "directory: the others are copied" same out expect

# An unreadable file (unless running with the power to read anything).
cp one locked && chmod 0 locked
if [ -r locked ]; then
  skip "unreadable file: the test runs as a user who can read it"
else
  mmcat locked >out 2>err
  check "unreadable file: status 1" [ $? -eq 1 ]
  check "unreadable file: message" expect_text err \
    "mmcat: locked: Permission denied"
fi

# The output file as input, as cat decides: refused when reading would
# start before the end of the file, whatever the method.
for m in $METHODS; do
  cp medium self
  mmcat --method="$m" one self one >>self 2>err
  check "$m: input is output (append): status 1" [ $? -eq 1 ]
  check "$m: input is output (append): message" expect_text err \
    "mmcat: self: input file is output file"
  cat medium one one >expect
  check "$m: input is output (append): file intact" same self expect
done
cp medium self
mmcat self 1<>self 2>err
check "input is output (read-write): status 1" [ $? -eq 1 ]
check "input is output (read-write): message" expect_text err \
  "mmcat: self: input file is output file"
cp medium self
mmcat - <self >>self 2>err
check "stdin is output: status 1" [ $? -eq 1 ]
check "stdin is output: message" expect_text err \
  "mmcat: -: input file is output file"
cp medium self
mmcat self >self 2>err
check "input is output, truncated by the shell: status 0" [ $? -eq 0 ]
check "input is output, truncated by the shell: empty" expect_text self ""
cp medium self
size=$(wc -c <self)
mmcat --offset="$size" self >>self 2>err
check "input is output, range past its end: status 0" [ $? -eq 0 ]
check "input is output, range past its end: no message" expect_text err ""

# A full device: one message, status 1, whatever the input and method.
if [ -w /dev/full ]; then
  for m in $METHODS; do
    for f in one large; do
      mmcat --method="$m" "$f" one >/dev/full 2>err
      check "$m: $f to /dev/full: status 1" [ $? -eq 1 ]
      check "$m: $f to /dev/full: message" expect_text err \
        "mmcat: write error: No space left on device"
    done
  done
  printf 'abc' | mmcat >/dev/full 2>err
  check "stdin to /dev/full: status 1" [ $? -eq 1 ]
  check "stdin to /dev/full: message" expect_text err \
    "mmcat: write error: No space left on device"
  mmcat --help >/dev/full 2>err
  check "--help to /dev/full: status 1" [ $? -eq 1 ]
  check "--help to /dev/full: message" expect_text err \
    "mmcat: write error: No space left on device"
else
  skip "/dev/full is not available"
fi

# A closed standard output.
mmcat one >&- 2>err
check "closed stdout: status 1" [ $? -eq 1 ]
check "closed stdout: message" expect_text err \
  "mmcat: standard output: Bad file descriptor"

# The reader goes away: killed by SIGPIPE like cat (128 + 13), whatever
# the method; with SIGPIPE ignored, a write error.
for m in $METHODS; do
  { mmcat --method="$m" large large 2>err; echo $? >status; } | head -c 1 >/dev/null
  check "$m: reader gone: killed by SIGPIPE" [ "$(cat status)" -eq 141 ]
  check "$m: reader gone: no message" expect_text err ""
done
(
  trap '' PIPE
  { mmcat large large 2>err; echo $? >status; } | head -c 1 >/dev/null
)
check "reader gone, SIGPIPE ignored: status 1" [ "$(cat status)" -eq 1 ]
check "reader gone, SIGPIPE ignored: message" expect_text err \
  "mmcat: write error: Broken pipe"

# Usage errors: status 2 and one hint.
mmcat --bogus one >out 2>err
check "unknown option: status 2" [ $? -eq 2 ]
check "unknown option: message" expect_text err \
  "mmcat: unrecognized option '--bogus'
Try 'mmcat --help' for more information."
check "unknown option: no output" expect_text out ""
mmcat -n one >out 2>err
check "cat's -n is not an option: status 2" [ $? -eq 2 ]
check "cat's -n is not an option: message" expect_text err \
  "mmcat: invalid option -- 'n'
Try 'mmcat --help' for more information."
mmcat --method=mmap one >out 2>err
check "unknown method: status 2" [ $? -eq 2 ]
check "unknown method: message" expect_text err \
  "mmcat: invalid method: 'mmap'
Try 'mmcat --help' for more information."
mmcat --offset one >out 2>err
check "missing argument: status 2" [ $? -eq 2 ]

# --help and --version.
mmcat --help >out 2>err
check "--help: status 0" [ $? -eq 0 ]
check "--help: usage line" [ "$(head -n 1 out)" = "Usage: mmcat [OPTION]... [FILE]..." ]
check "--help: no message" expect_text err ""
mmcat --version >out 2>err
check "--version: status 0" [ $? -eq 0 ]
check "--version: first line" grep -q '^mmcat (libmmapio) [0-9]' out

finish
