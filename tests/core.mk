## tests/core.mk: g_test suites of the core library.
