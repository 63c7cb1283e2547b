## Fault tests: truncation storms, full disks, crashes after flush,
## resource limits, signals and injected system-call failures.

fault_tests = tests/test-faults

check_PROGRAMS += tests/test-faults
TESTS += tests/test-faults
tests_test_faults_CFLAGS = $(TEST_CFLAGS)
tests_test_faults_LDADD = $(TEST_LDADD)
tests_test_faults_LDFLAGS = $(TEST_LDFLAGS)
