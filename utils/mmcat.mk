## utils/mmcat.mk: mmcat, cat through mmap, with its man page and tests.

bin_PROGRAMS += utils/mmcat
utils_mmcat_SOURCES = utils/mmcat.c utils/mmcat.h utils/mmcat-range.c
utils_mmcat_LDADD = $(UTIL_LDADD)

## The page is written by hand; tests/mmcat-man.sh keeps it in step with
## --help and checks it with groff and man.
dist_man_MANS += doc/mmcat.1

MMCAT_TESTS = \
	tests/mmcat-basic.sh \
	tests/mmcat-range.sh \
	tests/mmcat-errors.sh \
	tests/mmcat-shrink.sh \
	tests/mmcat-inject.sh \
	tests/mmcat-man.sh
TESTS += $(MMCAT_TESTS)
EXTRA_DIST += $(MMCAT_TESTS) tests/mmcat-lib.sh bench/mmcat-bench.sh
