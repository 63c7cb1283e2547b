## tests/core.mk: g_test suites of the core library (open/close, views,
## reads and writes, flushes, resize, windowed mode, errors, SIGBUS,
## threads), one program per concern.

core_tests = tests/test-open tests/test-io tests/test-flush tests/test-resize \
	tests/test-window tests/test-errors tests/test-sigbus tests/test-threads

EXTRA_DIST += tests/valgrind.supp

check_PROGRAMS += tests/test-open
TESTS += tests/test-open
tests_test_open_CFLAGS = $(TEST_CFLAGS)
tests_test_open_LDADD = $(TEST_LDADD)
tests_test_open_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-io
TESTS += tests/test-io
tests_test_io_CFLAGS = $(TEST_CFLAGS)
tests_test_io_LDADD = $(TEST_LDADD)
tests_test_io_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-flush
TESTS += tests/test-flush
tests_test_flush_CFLAGS = $(TEST_CFLAGS)
tests_test_flush_LDADD = $(TEST_LDADD)
tests_test_flush_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-resize
TESTS += tests/test-resize
tests_test_resize_CFLAGS = $(TEST_CFLAGS)
tests_test_resize_LDADD = $(TEST_LDADD)
tests_test_resize_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-window
TESTS += tests/test-window
tests_test_window_CFLAGS = $(TEST_CFLAGS)
tests_test_window_LDADD = $(TEST_LDADD)
tests_test_window_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-errors
TESTS += tests/test-errors
tests_test_errors_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_LDADD = $(TEST_LDADD)
tests_test_errors_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-sigbus
TESTS += tests/test-sigbus
tests_test_sigbus_CFLAGS = $(TEST_CFLAGS)
tests_test_sigbus_LDADD = $(TEST_LDADD)
tests_test_sigbus_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-threads
TESTS += tests/test-threads
tests_test_threads_CFLAGS = $(TEST_CFLAGS)
tests_test_threads_LDADD = $(TEST_LDADD)
tests_test_threads_LDFLAGS = $(TEST_LDFLAGS)

# The core suites under valgrind: make check-valgrind-core.
VALGRIND_CORE = valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --child-silent-after-fork=yes \
	--suppressions=/usr/share/glib-2.0/valgrind/glib.supp \
	--suppressions=$(srcdir)/tests/valgrind.supp
check-valgrind-core: $(core_tests)
	@fail=0; for t in $(core_tests); do \
	  echo "valgrind $$t"; \
	  LC_ALL=C $(LIBTOOL) --mode=execute $(VALGRIND_CORE) $$t -k --tap \
	    >$$t.valgrind.log 2>&1 || { echo "FAIL: $$t (see $$t.valgrind.log)"; fail=1; }; \
	done; test $$fail = 0
.PHONY: check-valgrind-core
CLEANFILES += tests/*.valgrind.log
