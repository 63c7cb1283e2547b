## lib/extras.mk: iteration, atomics, file watching, the stdio stream and
## the whole-file helpers, with their tests.

lib_libmmapio_la_SOURCES += \
	lib/iter.c \
	lib/atomic.c \
	lib/watch.c \
	lib/stream.c \
	lib/fileops.c

check_PROGRAMS += \
	tests/test-iter \
	tests/test-atomic \
	tests/test-watch \
	tests/test-stream \
	tests/test-fileops
TESTS += \
	tests/test-iter \
	tests/test-atomic \
	tests/test-watch \
	tests/test-stream \
	tests/test-fileops

tests_test_iter_SOURCES = tests/test-iter.c
tests_test_iter_CFLAGS = $(TEST_CFLAGS)
tests_test_iter_LDADD = $(TEST_LDADD)
tests_test_iter_LDFLAGS = $(TEST_LDFLAGS)

tests_test_atomic_SOURCES = tests/test-atomic.c
tests_test_atomic_CFLAGS = $(TEST_CFLAGS)
tests_test_atomic_LDADD = $(TEST_LDADD)
tests_test_atomic_LDFLAGS = $(TEST_LDFLAGS)

tests_test_watch_SOURCES = tests/test-watch.c
tests_test_watch_CFLAGS = $(TEST_CFLAGS)
tests_test_watch_LDADD = $(TEST_LDADD)
tests_test_watch_LDFLAGS = $(TEST_LDFLAGS)

tests_test_stream_SOURCES = tests/test-stream.c
tests_test_stream_CFLAGS = $(TEST_CFLAGS)
tests_test_stream_LDADD = $(TEST_LDADD)
tests_test_stream_LDFLAGS = $(TEST_LDFLAGS)

tests_test_fileops_SOURCES = tests/test-fileops.c
tests_test_fileops_CFLAGS = $(TEST_CFLAGS)
tests_test_fileops_LDADD = $(TEST_LDADD)
tests_test_fileops_LDFLAGS = $(TEST_LDFLAGS)
