## examples/: small complete programs on libmmapio.

noinst_PROGRAMS += examples/mmapio-info
examples_mmapio_info_SOURCES = examples/mmapio-info.c
examples_mmapio_info_LDADD = lib/libmmapio.la

EXTRA_DIST += examples/sample.txt
check_SCRIPTS += tests/example.sh
TESTS += tests/example.sh
EXTRA_DIST += tests/example.sh
