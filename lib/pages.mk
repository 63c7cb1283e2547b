## lib/pages.mk: page control (advice, populate, locks, huge pages),
## residency and eviction, and their tests.

lib_libmmapio_la_SOURCES += lib/pagectl.c lib/residency.c

check_PROGRAMS += tests/test-pagectl tests/test-residency
TESTS += tests/test-pagectl tests/test-residency

tests_test_pagectl_SOURCES = tests/test-pagectl.c tests/testutil.h
tests_test_pagectl_CFLAGS = $(TEST_CFLAGS)
tests_test_pagectl_LDADD = $(TEST_LDADD)
tests_test_pagectl_LDFLAGS = $(TEST_LDFLAGS)

tests_test_residency_SOURCES = tests/test-residency.c tests/testutil.h
tests_test_residency_CFLAGS = $(TEST_CFLAGS)
tests_test_residency_LDADD = $(TEST_LDADD)
tests_test_residency_LDFLAGS = $(TEST_LDFLAGS)
