#!/bin/sh
# The library and the utilities speak the languages of po/LINGUAS: with
# LANGUAGE set and the catalogs of the build tree installed in a scratch
# locale directory named by MMAPIO_LOCALEDIR, mmapio_strerror (through
# tests/strerror-l10n) and the utilities' messages come out translated,
# and they come out in English when that directory holds no catalog.
# TAP output, the plan at the end.
#
# Copyright (C) 2026 The libmmapio developers.
# SPDX-License-Identifier: GPL-3.0-or-later

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
diag () { sed 's/^/# /' "$@"; }

if ! grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h"; then
  echo "1..0 # SKIP built without native language support (--disable-nls)"
  exit 0
fi

# glibc ignores LANGUAGE under the C locale, and the catalogs are UTF-8:
# a UTF-8 locale is needed.  C.UTF-8 is built into glibc 2.35 and later.
utf8=
for loc in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
  if [ "$(LC_ALL=$loc locale charmap 2>/dev/null)" = UTF-8 ] \
     && [ -z "$(LC_ALL=$loc locale 2>&1 >/dev/null)" ]; then
    utf8=$loc
    break
  fi
done
if [ -z "$utf8" ]; then
  echo "1..0 # SKIP no UTF-8 locale (C.UTF-8 or en_US.UTF-8) is available"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/i18n.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
mkdir locale empty || exit 99
# A one-page file for mmtouch.
echo text >file || exit 99

strerror_l10n=$top_builddir/tests/strerror-l10n
mmcat=$top_builddir/utils/mmcat
mmtouch=$top_builddir/utils/mmtouch

# run LANG_CODE LOCALEDIR COMMAND...: COMMAND in that language, with its
# standard output in out and its standard error in err.
run ()
{
  lang=$1 dir=$2
  shift 2
  env LC_ALL="$utf8" LANGUAGE="$lang" MMAPIO_LOCALEDIR="$dir" "$@" \
    >out 2>err
}

# expect FILE TEXT: FILE holds exactly TEXT and a newline.
expect ()
{
  printf '%s\n' "$2" >expected
  if cmp -s "$1" expected; then
    return 0
  fi
  echo "expected:" | diag
  diag expected
  echo "got:" | diag
  diag "$1"
  return 1
}

# check DESCRIPTION COMMAND...: one test point.
check ()
{
  desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# The messages in English, to compare with.
run en "$tmp/empty" "$strerror_l10n" && cp out english
check "strerror-l10n runs" [ -s english ]

langs=$(sed -e 's/#.*//' "$top_srcdir/po/LINGUAS")
# A non-breaking space, as French typography puts before a colon.
nb=$(printf '\302\240')

for lang in $langs; do
  # The catalog that "make install" installs: built in po/ of the source
  # tree by po/Makefile (or of the build tree by a future gettext).
  mo=$tmp/locale/$lang/LC_MESSAGES/libmmapio.mo
  mkdir -p "$tmp/locale/$lang/LC_MESSAGES"
  if [ -f "$top_builddir/po/$lang.gmo" ]; then
    cp "$top_builddir/po/$lang.gmo" "$mo"
  elif [ -f "$top_srcdir/po/$lang.gmo" ]; then
    cp "$top_srcdir/po/$lang.gmo" "$mo"
  fi
  if [ -f "$mo" ]; then
    ok "$lang: the catalog po/$lang.gmo is built"
  else
    not_ok "$lang: the catalog po/$lang.gmo is built"
    continue
  fi

  case $lang in
    de)
      bounds="Bereich außerhalb der Speicherabbildung"
      usage_error="mmcat: ungültiger Versatz: „x“
„mmcat --help“ liefert weitere Informationen."
      mmcat_usage="Aufruf: mmcat [OPTION]... [DATEI]..."
      mmtouch_error="mmtouch: ungültiges Ausgabeformat „xml“ (human, json oder kv)
„mmtouch --help“ liefert weitere Informationen."
      mmtouch_usage="Aufruf: mmtouch [OPTION]... DATEI|VERZEICHNIS..."
      ;;
    fr)
      bounds="Plage hors de la projection en mémoire"
      usage_error="mmcat: position non valable$nb: «${nb}x$nb»
Saisissez «${nb}mmcat --help$nb» pour plus d'informations."
      mmcat_usage="Utilisation$nb: mmcat [OPTION]... [FICHIER]..."
      mmtouch_error="mmtouch: format de sortie non valable «${nb}xml$nb» (human, json ou kv)
Saisissez «${nb}mmtouch --help$nb» pour plus d'informations."
      mmtouch_usage="Utilisation$nb: mmtouch [OPTION]... FICHIER|RÉPERTOIRE..."
      ;;
    es)
      bounds="Rango fuera del mapeo en memoria"
      usage_error="mmcat: desplazamiento no válido: «x»
Pruebe «mmcat --help» para más información."
      mmcat_usage="Uso: mmcat [OPCIÓN]... [ARCHIVO]..."
      mmtouch_error="mmtouch: formato de salida no válido «xml» (human, json o kv)
Pruebe «mmtouch --help» para más información."
      mmtouch_usage="Uso: mmtouch [OPCIÓN]... ARCHIVO|DIRECTORIO..."
      ;;
    *)
      bounds=
      ;;
  esac

  # Every message of the library, MMAPIO_E_BOUNDS first.
  run "$lang" "$tmp/locale" "$strerror_l10n"
  if [ -n "$bounds" ]; then
    head -n 1 out >first
    check "$lang: mmapio_strerror (MMAPIO_E_BOUNDS) is translated" \
      expect first "$bounds"
  fi
  # Line by line, no message of the library is left in English.
  if [ "$(wc -l <out)" -eq "$(wc -l <english)" ] \
     && ! paste -d '\n' out english | uniq -d | grep -q .; then
    ok "$lang: every message of mmapio_strerror is translated"
  else
    not_ok "$lang: every message of mmapio_strerror is translated"
    diag out
  fi

  [ -n "$bounds" ] || continue

  # A utility's own messages, and its status.
  run "$lang" "$tmp/locale" "$mmcat" --offset=x
  check "$lang: mmcat usage error: status 2" [ $? -eq 2 ]
  check "$lang: mmcat usage error: translated message" \
    expect err "$usage_error"
  run "$lang" "$tmp/locale" "$mmcat" --help
  head -n 1 out >first
  check "$lang: mmcat --help is translated" expect first "$mmcat_usage"

  run "$lang" "$tmp/locale" "$mmtouch" --output=xml file
  check "$lang: mmtouch usage error: status 2" [ $? -eq 2 ]
  check "$lang: mmtouch usage error: translated message" \
    expect err "$mmtouch_error"
  run "$lang" "$tmp/locale" "$mmtouch" --help
  head -n 1 out >first
  check "$lang: mmtouch --help is translated" expect first "$mmtouch_usage"

  # The default summary has the shape of vmtouch's, labels included, for
  # the scripts that read it: the catalogs keep those labels in English.
  run "$lang" "$tmp/locale" "$mmtouch" file
  sed -e 's/^\( *Elapsed: \)[0-9.e+-]* seconds$/\1T seconds/' \
      -e 's/^\( *Resident Pages: \)[0-9]*\/1 .*$/\1R\/1/' out >summary
  check "$lang: mmtouch's summary keeps vmtouch's labels" \
    expect summary "           Files: 1
     Directories: 0
  Resident Pages: R/1
         Elapsed: T seconds"

  # Without a catalog in MMAPIO_LOCALEDIR, English: the catalogs above
  # were found through it, not elsewhere.
  run "$lang" "$tmp/empty" "$strerror_l10n"
  check "$lang: English without a catalog (library)" cmp -s out english
  run "$lang" "$tmp/empty" "$mmcat" --offset=x
  check "$lang: English without a catalog (mmcat)" \
    expect err "mmcat: invalid offset: 'x'
Try 'mmcat --help' for more information."
done

echo "1..$n"
[ "$failed" -eq 0 ]
