## tests/: translations.  po-files.sh checks po/ against the sources;
## i18n.sh runs the library (through tests/strerror-l10n) and the
## utilities in each language of po/LINGUAS with the catalogs of the tree.

check_PROGRAMS += tests/strerror-l10n
tests_strerror_l10n_CFLAGS = $(TEST_CFLAGS)
tests_strerror_l10n_LDADD = $(TEST_LDADD)
tests_strerror_l10n_LDFLAGS = $(TEST_LDFLAGS)

I18N_TESTS = tests/po-files.sh tests/i18n.sh
TESTS += $(I18N_TESTS)
EXTRA_DIST += $(I18N_TESTS)
