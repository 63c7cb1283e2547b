## utils/mmtouch.mk: mmtouch, page-cache control for admin scripts, with its
## man page and tests.

bin_PROGRAMS += utils/mmtouch
utils_mmtouch_SOURCES = \
	utils/mmtouch.c \
	utils/mmtouch.h \
	utils/mmtouch-crawl.c \
	utils/mmtouch-file.c \
	utils/mmtouch-parse.c
utils_mmtouch_LDADD = $(UTIL_LDADD) $(PTHREAD_LIBS)

## The page is generated from --help and doc/mmtouch.x by help2man, and
## shipped in the tarball so that building a release does not need
## help2man.  It depends on the source holding the help text; the program
## itself is only an order-only prerequisite, so that a release's page
## (newer than its sources) is never rebuilt.
dist_man_MANS += doc/mmtouch.1
EXTRA_DIST += doc/mmtouch.x
doc/mmtouch.1: $(top_srcdir)/utils/mmtouch.c $(top_srcdir)/doc/mmtouch.x \
		$(top_srcdir)/configure.ac | utils/mmtouch$(EXEEXT)
	$(AM_V_GEN)if test -z '$(HELP2MAN)'; then \
	  echo "help2man is needed to generate $@" >&2; exit 1; \
	fi; \
	$(MKDIR_P) doc && \
	LC_ALL=C $(HELP2MAN) --no-info --section=1 \
	  --name='page-cache control: report, load, evict and lock files' \
	  --include=$(top_srcdir)/doc/mmtouch.x \
	  --output=$@-t ./utils/mmtouch$(EXEEXT) && \
	mv -f $@-t $@

MMTOUCH_TESTS = \
	tests/mmtouch-usage.sh \
	tests/mmtouch-residency.sh \
	tests/mmtouch-errors.sh \
	tests/mmtouch-output.sh \
	tests/mmtouch-crawl.sh \
	tests/mmtouch-batch.sh \
	tests/mmtouch-lock.sh \
	tests/mmtouch-man.sh
TESTS += $(MMTOUCH_TESTS)
EXTRA_DIST += $(MMTOUCH_TESTS) tests/mmtouch-lib.sh bench/mmtouch-bench.sh
