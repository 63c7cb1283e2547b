#!/bin/sh
# The bad-input table of the utilities: each class of unusable input
# through mmtouch (report, -t, -e) and mmcat, with the exit status and the
# exact message of each; offsets and lengths at the edges of 64 bits; and
# the messages in German.  Nothing may hang: every run is guarded by
# timeout(1), and a run it had to stop fails.  TAP output, the plan at
# the end.
#
# Decisions the table records:
#  - mmtouch refuses what is not a regular file (FIFO, socket, device),
#    without opening a FIFO in a way that waits for a writer.
#  - mmtouch on a /proc file (size 0) counts it with no page: the page
#    cache holds nothing of it, there is nothing to touch or evict.  A
#    sysfs attribute reports a page: it is counted, evicting it does
#    nothing, touching it fails as the kernel refuses to map it.
#  - mmcat reads /proc and /sys files, FIFOs and devices with read(2) as
#    cat does: the output is what cat prints, never an empty success.  A
#    FIFO is waited on until a writer comes, as cat waits.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later
. "${top_srcdir:-$(dirname "$0")/..}/tests/mmtouch-lib.sh"

: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd) || exit 99
cd "$tmp" || exit 99

# A hang is a failure, not a stuck suite.
guard="timeout -k 5 30"

# ---------------------------------------------------------------------
# The inputs.

mkdir dir
mkfifo fifo fifo2
ln -s loop2 loop1
ln -s loop1 loop2
: >empty
pattern_file secret 8192
chmod 000 secret
long_name=$(printf '%0300d' 0)
long_path=.
while [ ${#long_path} -le 4200 ]; do long_path=$long_path/.; done
long_path=$long_path/file
have_socket=no
if command -v perl >/dev/null 2>&1 &&
   perl -MSocket -e 'socket (S, PF_UNIX, SOCK_STREAM, 0) or die;
                     bind (S, sockaddr_un ("sock")) or die' 2>/dev/null; then
  have_socket=yes
fi
proc=/proc/sys/kernel/ostype
sys=
for f in /sys/devices/system/cpu/online /sys/devices/system/cpu/possible; do
  if [ -r "$f" ]; then sys=$f; break; fi
done

# A user who may not write a file is shown no residency for it (the
# kernel closes that side channel): mmtouch says so and goes on.
unknown="residency unknown (the kernel reports every page as resident), not counted"
sys_note=
[ "$(id -u)" -eq 0 ] || sys_note="mmtouch: @: $unknown"

# ---------------------------------------------------------------------
# The table: CLASS | OPERAND | TOOLS | STATUS | STDERR.  TOOLS are run
# one after the other with the same expectation: "touch" is mmtouch in
# its three modes (report, -t, -e).  @ in STDERR stands for the operand.
# An operand that names a shell variable ($x) is that variable's value.

table='
missing          |nosuch     |touch       |1|mmtouch: @: No such file or directory
missing          |nosuch     |mmcat       |1|mmcat: @: No such file or directory
missing-dir      |no/such    |touch       |1|mmtouch: @: No such file or directory
missing-dir      |no/such    |mmcat       |1|mmcat: @: No such file or directory
directory        |dir        |touch       |0|
directory        |dir        |mmcat       |1|mmcat: @: Is a directory
fifo             |fifo       |touch       |1|mmtouch: @: not a regular file
socket           |sock       |touch       |1|mmtouch: @: not a regular file
socket           |sock       |mmcat       |1|mmcat: @: No such device or address
proc             |$proc      |touch       |0|
proc             |$proc      |mmcat       |0|
sys              |$sys       |report      |0|$sys_note
sys              |$sys       |evict       |0|$sys_note
sys              |$sys       |mmtouch -t  |1|mmtouch: @: No such device
sys              |$sys       |mmcat       |0|
dev-null         |/dev/null  |touch       |1|mmtouch: @: not a regular file
dev-null         |/dev/null  |mmcat       |0|
dev-zero         |/dev/zero  |touch       |1|mmtouch: @: not a regular file
empty            |empty      |touch       |0|
empty            |empty      |mmcat       |0|
symlink-loop     |loop1      |touch       |1|mmtouch: @: Too many levels of symbolic links
symlink-loop     |loop1      |mmcat       |1|mmcat: @: Too many levels of symbolic links
name-too-long    |$long_name |touch       |1|mmtouch: @: File name too long
name-too-long    |$long_name |mmcat       |1|mmcat: @: File name too long
path-too-long    |$long_path |touch       |1|mmtouch: @: File name too long
path-too-long    |$long_path |mmcat       |1|mmcat: @: File name too long
'

# row CLASS OPERAND COMMAND STATUS STDERR: one test point.
row ()
{
  r_class=$1 r_op=$2 r_cmd=$3 r_rc=$4 r_err=$5
  r_msg=$(printf '%s' "$r_err" | sed "s|@|$r_op|")
  # shellcheck disable=SC2086
  expect "$r_class: $r_cmd" "$r_rc" "$r_msg" $guard $r_cmd "$r_op"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    not_ok "$r_class: $r_cmd: hung"
  fi
}

echo "$table" | while IFS='|' read -r class op tools status err; do
  [ -n "$class" ] || continue
  class=$(echo $class) tools=$(echo $tools) op=$(echo $op)
  case $op in \$*) eval "op=$op" ;; esac
  case $err in \$*) eval "err=$err" ;; esac
  case $class in
    socket) [ $have_socket = yes ] || { skip "$class: $tools" "no perl to make a socket"; continue; } ;;
    sys) [ -n "$op" ] || { skip "$class: $tools" "no sysfs"; continue; } ;;
  esac
  case $tools in
    touch) cmds="mmtouch|mmtouch -t|mmtouch -e" ;;
    report) cmds="mmtouch" ;;
    evict) cmds="mmtouch -e" ;;
    *) cmds=$tools ;;
  esac
  old_ifs=$IFS
  IFS='|'
  for cmd in $cmds; do
    IFS=$old_ifs
    row "$class" "$op" "$cmd" "$status" "$err"
  done
  IFS=$old_ifs
  echo "$t_n $t_failed" >count
done
read -r t_n t_failed <count

# ---------------------------------------------------------------------
# What the successes print.

# mmcat copies what cat prints, however the file reports its size.
for f in "$proc" "$sys" /proc/self/mountinfo; do
  [ -n "$f" ] && [ -r "$f" ] || continue
  cat "$f" >expect.out
  run $guard mmcat "$f"
  # mountinfo is per process but the same for cat and mmcat here.
  check "mmcat $f: what cat prints" cmp -s out expect.out
  check "mmcat $f: not empty" test -s out
done
run $guard mmcat --offset=3 --length=2 "$proc"
check "mmcat a range of a /proc file: as tail -c | head -c" \
  test "$(cat out)" = "$(tail -c +4 "$proc" | head -c 2)"
run $guard sh -c 'mmcat /dev/zero | head -c 10000 | wc -c'
check "mmcat /dev/zero: reads until the reader has enough" test "$(cat out)" -eq 10000
run $guard mmcat --length=5000 /dev/zero
check "mmcat --length on /dev/zero: stops there" test "$(wc -c <out)" -eq 5000

# mmtouch: a /proc file is counted, with no page.
run $guard mmtouch "$proc" empty
check "mmtouch /proc file and empty file: two files, no page" \
  grep -q '^  Resident Pages: 0/0  0/0$' out
check "mmtouch /proc file and empty file: counted" grep -q '^           Files: 2$' out

# ---------------------------------------------------------------------
# FIFOs: mmtouch never waits on one, with or without a writer; mmcat
# reads one as cat does.

exec 3<>fifo2
printf 'abc' >&3
expect "fifo with a writer: mmtouch" 1 "mmtouch: fifo2: not a regular file" $guard mmtouch fifo2
expect "fifo with a writer: mmtouch -t" 1 "mmtouch: fifo2: not a regular file" $guard mmtouch -t fifo2
exec 3<&-
# mmcat with a writer already waiting in its open: mmcat gets its bytes.
$guard sh -c 'printf abc >fifo2' &
run $guard mmcat fifo2
wait
check "fifo with a writer: mmcat gets what was written" test "$(cat out)" = abc
check "fifo with a writer: mmcat status 0" test "$rc" -eq 0

# mmcat first, the writer after: the writer's open blocks until mmcat
# has opened the FIFO, so mmcat is waiting for it, not returning empty.
$guard mmcat fifo >late.out 2>late.err &
bg=$!
$guard sh -c 'printf late >fifo'
wait $bg
late_rc=$?
check "fifo, writer comes later: mmcat waits and copies" test "$(cat late.out)" = late
check "fifo, writer comes later: status 0" test "$late_rc" -eq 0
# A writer that opens and closes without writing: an empty, honest end.
$guard sh -c ': >fifo' &
run $guard mmcat fifo
wait
check "fifo, writer writes nothing: empty, status 0" test "$rc" -eq 0 -a ! -s out

# ---------------------------------------------------------------------
# An unreadable file, as a user who cannot read it.

if unprivileged; then
  for cmd in mmtouch "mmtouch -t" "mmtouch -e"; do
    # shellcheck disable=SC2086
    expect "unreadable: $cmd" 1 "mmtouch: secret: Permission denied" $as_user $guard $cmd secret
  done
  expect "unreadable: mmcat" 1 "mmcat: secret: Permission denied" $as_user $guard mmcat secret
  # Readable but not writable: evicted, the count unknown, not a failure.
  pattern_file readonly 8192
  chmod 644 readonly
  run $as_user $guard mmtouch readonly
  if [ -n "$as_user" ] && grep -q 'residency unknown' "$tmp/err"; then
    expect "not writable: mmtouch -e evicts, count unknown" 0 \
      "mmtouch: readonly: $unknown" $as_user $guard mmtouch -e readonly
    check "not writable: mmtouch -e counts it unknown" grep -q '^         Unknown: 1$' out
  else
    skip "not writable: mmtouch -e" "the kernel shows this user the residency"
    skip "not writable: mmtouch -e" "the kernel shows this user the residency"
  fi
else
  for n in 1 2 3 4 5 6; do skip "unreadable" "cannot run as an unprivileged user"; done
fi

# ---------------------------------------------------------------------
# Offsets and lengths at the edges of 64 bits: 2^63, 2^64 - 1, and a
# length of 0.  Nothing is copied and nothing fails.

big=9223372036854775808
max=18446744073709551615
pattern_file f 20000
printf 'piped' >piped
for o in $big $max; do
  for f in f empty "$proc"; do
    expect "mmcat --offset=$o $f: status 0, no message" 0 "" $guard mmcat --offset=$o "$f"
    check "mmcat --offset=$o $f: nothing copied" test ! -s out
  done
  expect "mmcat --offset=$o from a pipe: status 0" 0 "" $guard sh -c 'cat piped | mmcat --offset="$1"' sh $o
  check "mmcat --offset=$o from a pipe: nothing copied" test ! -s out
  expect "mmcat --offset=$o --length=$o: status 0" 0 "" $guard mmcat --offset=$o --length=$o f
  check "mmcat --offset=$o --length=$o: nothing copied" test ! -s out
  expect "mmcat --offset=1 --length=$o: to the end" 0 "" $guard mmcat --offset=1 --length=$o f
  check "mmcat --offset=1 --length=$o: the rest of the file" \
    sh -c 'tail -c +2 f | cmp -s - out'
done
for f in f empty "$proc" /dev/zero; do
  expect "mmcat --length=0 $f: status 0" 0 "" $guard mmcat --length=0 "$f"
  check "mmcat --length=0 $f: nothing copied" test ! -s out
done

# mmtouch -p: a range past the end covers no page; a range that ends
# where it starts (length 0) or that starts at 2^64 - 1 is a usage error.
for range in $big- $big-$max 20000- 30000-40000; do
  expect "mmtouch -p $range: status 0" 0 "" $guard mmtouch -p $range f
  check "mmtouch -p $range: no page" grep -q '^  Resident Pages: 0/0  0/0$' out
  expect "mmtouch -t -p $range: status 0" 0 "" $guard mmtouch -t -p $range f
  check "mmtouch -t -p $range: nothing touched" grep -q '^   Touched Pages: 0 (0)$' out
done
expect "mmtouch -p $big: the first 2^63 bytes" 0 "" $guard mmtouch -t -p $big f
check "mmtouch -p $big: the whole file" grep -q '^   Touched Pages: 5 (20K)$' out
for range in 0-0 5-5 $max- $max-$max; do
  expect "mmtouch -p $range: usage error" 2 "mmtouch: invalid page range '$range'
Try 'mmtouch --help' for more information." $guard mmtouch -p $range f
done

# ---------------------------------------------------------------------
# The messages are translated: two classes under LANGUAGE=de, with the
# catalog of the tree, as tests/i18n.sh runs them.

utf8=
for loc in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
  if [ "$(LC_ALL=$loc locale charmap 2>/dev/null)" = UTF-8 ]; then
    utf8=$loc
    break
  fi
done
gmo=
for d in "$top_builddir/po" "${top_srcdir:-.}/po"; do
  [ -f "$d/de.gmo" ] && { gmo=$d/de.gmo; break; }
done
if grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h" &&
   [ -n "$utf8" ] && [ -n "$gmo" ]; then
  mkdir -p locale/de/LC_MESSAGES
  cp "$gmo" locale/de/LC_MESSAGES/libmmapio.mo
  de () { env LC_ALL="$utf8" LANGUAGE=de MMAPIO_LOCALEDIR="$tmp/locale" "$@"; }
  expect "de: FIFO: mmtouch" 1 "mmtouch: fifo: keine reguläre Datei" de $guard mmtouch fifo
  expect "de: /dev/null: mmtouch -e" 1 "mmtouch: /dev/null: keine reguläre Datei" de $guard mmtouch -e /dev/null
  expect "de: empty page range: mmtouch" 2 "mmtouch: ungültiger Seitenbereich „5-5“
„mmtouch --help“ liefert weitere Informationen." de $guard mmtouch -p 5-5 f
  ln -s f pidlink
  expect "de: a symbolic link as pid file" 1 "mmtouch: pidlink: symbolischer Link wird nicht verfolgt" de $guard mmtouch -q -l -P pidlink f
else
  for n in 1 2 3 4; do skip "de" "no native language support, UTF-8 locale or de.gmo"; done
fi

echo "1..$t_n"
finish
