## Fault tests: truncation storms, full disks, crashes after flush,
## resource limits, signals and injected system-call failures.

fault_tests = tests/test-faults tests/test-faults-threads

check_PROGRAMS += tests/test-faults
TESTS += tests/test-faults
tests_test_faults_CFLAGS = $(TEST_CFLAGS)
tests_test_faults_LDADD = $(TEST_LDADD)
tests_test_faults_LDFLAGS = $(TEST_LDFLAGS)

check_PROGRAMS += tests/test-faults-threads
TESTS += tests/test-faults-threads
tests_test_faults_threads_CFLAGS = $(TEST_CFLAGS)
tests_test_faults_threads_LDADD = $(TEST_LDADD)
tests_test_faults_threads_LDFLAGS = $(TEST_LDFLAGS)

# A helper of the shell tests, not a test itself.
check_PROGRAMS += tests/fault-tool
tests_fault_tool_CFLAGS = $(TEST_CFLAGS)
tests_fault_tool_LDADD = lib/libmmapio.la
tests_fault_tool_LDFLAGS = $(TEST_LDFLAGS)

TESTS += tests/fault-inject.sh
EXTRA_DIST += tests/fault-lib.sh tests/fault-inject.sh

TESTS += tests/fault-mmcat-storm.sh
EXTRA_DIST += tests/fault-mmcat-storm.sh

TESTS += tests/fault-limits.sh
EXTRA_DIST += tests/fault-limits.sh

TESTS += tests/fault-full.sh
EXTRA_DIST += tests/fault-full.sh

TESTS += tests/fault-mmcat-signals.sh
EXTRA_DIST += tests/fault-mmcat-signals.sh
