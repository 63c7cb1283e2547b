## tests/: GLib g_test suites (TAP) and shell tests of the utilities.
## Every test program is a check_PROGRAM linked with -no-install and run
## with "-k --tap".

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_COMPILER = $(top_srcdir)/tests/run-test.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
TEST_EXTENSIONS = .sh
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(top_srcdir)'; export top_srcdir; \
	top_builddir='$(top_builddir)'; export top_builddir; \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	PATH='$(abs_top_builddir)/utils:$(abs_top_builddir)'":$$PATH"; export PATH; \
	LC_ALL=C; export LC_ALL; LANGUAGE=; export LANGUAGE; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0"; \
	export LSAN_OPTIONS; \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; export UBSAN_OPTIONS; \
	CC='$(CC)'; CFLAGS='$(CFLAGS)'; export CC CFLAGS;

TEST_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS)
TEST_LDADD = lib/libmmapio.la $(GLIB_LIBS) $(PTHREAD_LIBS)
TEST_LDFLAGS = -no-install

EXTRA_DIST += tests/run-test.sh tests/testutil.h tests/lsan.supp tests/tap-lib.sh

TESTS += tests/readme.sh
EXTRA_DIST += tests/readme.sh

# make check-valgrind: every test program (the g_test suites, not the
# shell scripts) run under valgrind's memcheck with full leak checking,
# and tests/valgrind-utils.sh, which runs mmcat and mmtouch under it; a
# memory error or a definite leak fails the test.  The summary goes to
# valgrind-suite.log; each program's log replaces that of "make check".
VALGRIND_TESTS = $(filter-out %.sh,$(TESTS)) tests/valgrind-utils.sh
check-valgrind: $(check_PROGRAMS)
	@$(MAKE) $(AM_MAKEFLAGS) check-TESTS TESTS='$(VALGRIND_TESTS)' \
	  LOG_COMPILER='$(SHELL) $(abs_top_srcdir)/tests/valgrind-test.sh' \
	  TEST_SUITE_LOG=valgrind-suite.log
.PHONY: check-valgrind
EXTRA_DIST += tests/valgrind-test.sh tests/valgrind-utils.sh
CLEANFILES += valgrind-suite.log
