#!/bin/sh
# The C example in README.md must compile against the built library and
# run as it says.
echo "1..2"
top_srcdir=${top_srcdir:-.}
top_builddir=${abs_top_builddir:-$(pwd)}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on=1; next} /^```$/ {on=0} on' "$top_srcdir/README.md" > "$tmp/tour.c"
if ${CC:-cc} $CFLAGS -std=gnu11 -Wall -Wextra -Werror -I"$top_builddir/lib" "$tmp/tour.c" \
     -o "$tmp/tour" -L"$top_builddir/lib/.libs" -lmmapio -lpthread 2>"$tmp/cc.err"; then
  echo "ok 1 - README example compiles"
else
  sed 's/^/# /' "$tmp/cc.err"; echo "not ok 1 - README example compiles"; exit 0
fi
out=$(cd "$tmp" && LD_LIBRARY_PATH="$top_builddir/lib/.libs" ./tour)
if [ "$out" = "hello, mapped world (20 bytes)" ] && [ "$(stat -c %s "$tmp/counter.dat")" = 1048576 ]; then
  echo "ok 2 - README example runs"
else
  echo "not ok 2 - README example runs: '$out'"
fi
