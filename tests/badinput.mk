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

# The two suites under valgrind (as check-valgrind-core does for the
# core suites): make check-valgrind-badinput.
badinput_valgrind_tests = tests/test-badinput tests/test-security
check-valgrind-badinput: $(badinput_valgrind_tests)
	@fail=0; for t in $(badinput_valgrind_tests); do \
	  echo "valgrind $$t"; \
	  LC_ALL=C $(LIBTOOL) --mode=execute $(VALGRIND_CORE) $$t -k --tap \
	    >$$t.valgrind.log 2>&1 || { echo "FAIL: $$t (see $$t.valgrind.log)"; fail=1; }; \
	done; test $$fail = 0
.PHONY: check-valgrind-badinput
