## The bad-input table: every class of unusable input, for the
## library and both utilities; and the security basics.

check_PROGRAMS += tests/test-badinput
TESTS += tests/test-badinput
tests_test_badinput_CFLAGS = $(TEST_CFLAGS)
tests_test_badinput_LDADD = $(TEST_LDADD)
tests_test_badinput_LDFLAGS = $(TEST_LDFLAGS)

BADINPUT_TESTS = tests/badinput-tools.sh
TESTS += $(BADINPUT_TESTS)
EXTRA_DIST += $(BADINPUT_TESTS)

check_PROGRAMS += tests/test-security
TESTS += tests/test-security
tests_test_security_CFLAGS = $(TEST_CFLAGS)
tests_test_security_LDADD = $(TEST_LDADD)
tests_test_security_LDFLAGS = $(TEST_LDFLAGS)

SECURITY_TESTS = tests/security-pidfile.sh
TESTS += $(SECURITY_TESTS)
EXTRA_DIST += $(SECURITY_TESTS)
