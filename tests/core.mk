## tests/core.mk: g_test suites of the core library (open/close, views,
## reads and writes, flushes, resize, windowed mode, errors, SIGBUS,
## threads), one program per concern.

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

