#!/bin/sh
# The example program describes the shipped sample file; its numbers are
# checked against wc(1) and its error path against a missing file.
echo "1..3"
prog="${abs_top_builddir:-.}/examples/mmapio-info"
sample="${top_srcdir:-.}/examples/sample.txt"
out=$("$prog" "$sample") || { echo "not ok 1 - runs on the sample"; exit 1; }
echo "ok 1 - runs on the sample"
set -- $(wc -c -l -w < "$sample")
lines=$1 words=$2 bytes=$3
case "$out" in
  *": $bytes bytes, $lines lines, $words words,"*) echo "ok 2 - counts match wc" ;;
  *) echo "not ok 2 - counts match wc: $out"; exit 1 ;;
esac
err=$("$prog" /nonexistent/file 2>&1); st=$?
if [ "$st" = 1 ] && [ "$err" = "mmapio-info: /nonexistent/file: No such file or directory" ]; then
  echo "ok 3 - missing file"
else
  echo "not ok 3 - missing file: status $st, '$err'"
fi
