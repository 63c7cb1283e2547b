## libFuzzer targets, built with clang when configured with
## --enable-fuzzing.
##
## Each target tests/fuzz/fuzz-X.c is built twice: linked with replay.c
## as the g_test suite tests/fuzz/replay-X, which "make check" runs on the
## committed corpus tests/fuzz/corpus/X under any compiler; and, with
## --enable-fuzzing, linked with libFuzzer as tests/fuzz/fuzz-X for
## "make fuzz".

fuzz_targets = api parse

FUZZ_SOURCES_api = tests/fuzz/fuzz-api.c
FUZZ_SOURCES_parse = tests/fuzz/fuzz-parse.c utils/mmtouch-parse.c \
	utils/mmcat-range.c
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/utils
FUZZ_LIBS = utils/libutil.a lib/libmmapio.la $(LIBINTL) $(PTHREAD_LIBS)

check_PROGRAMS += tests/fuzz/replay-api tests/fuzz/replay-parse
TESTS += tests/fuzz/replay-api tests/fuzz/replay-parse

tests_fuzz_replay_api_SOURCES = tests/fuzz/replay.c $(FUZZ_SOURCES_api)
tests_fuzz_replay_api_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"api"' \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/api"'
tests_fuzz_replay_api_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_api_LDADD = $(FUZZ_LIBS) $(GLIB_LIBS)
tests_fuzz_replay_api_LDFLAGS = $(TEST_LDFLAGS)

tests_fuzz_replay_parse_SOURCES = tests/fuzz/replay.c $(FUZZ_SOURCES_parse)
tests_fuzz_replay_parse_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_TARGET='"parse"' \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/parse"'
tests_fuzz_replay_parse_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_parse_LDADD = $(FUZZ_LIBS) $(GLIB_LIBS)
tests_fuzz_replay_parse_LDFLAGS = $(TEST_LDFLAGS)

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/api.dict tests/fuzz/parse.dict

.PHONY: fuzz

# make fuzz FUZZ_SECONDS=N: run each target N seconds on a copy of its
# corpus (new inputs go to tests/fuzz/work-X, findings to
# tests/fuzz/findings-X/); fail on any crash, leak or timeout.
FUZZ_SECONDS = 60
FUZZ_TIMEOUT = 10
FUZZ_RSS_MB = 2048
FUZZ_FLAGS =

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-api tests/fuzz/fuzz-parse

tests_fuzz_fuzz_api_SOURCES = $(FUZZ_SOURCES_api)
tests_fuzz_fuzz_api_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_api_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_api_LDFLAGS = $(FUZZ_LDFLAGS) -no-install

tests_fuzz_fuzz_parse_SOURCES = $(FUZZ_SOURCES_parse)
tests_fuzz_fuzz_parse_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_parse_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_parse_LDFLAGS = $(FUZZ_LDFLAGS) -no-install

fuzz: tests/fuzz/fuzz-api$(EXEEXT) tests/fuzz/fuzz-parse$(EXEEXT)
	@fail=0; for t in $(fuzz_targets); do \
	  work=tests/fuzz/work-$$t; found=tests/fuzz/findings-$$t; \
	  rm -rf $$work $$found && mkdir -p $$work $$found && \
	  cp $(srcdir)/tests/fuzz/corpus/$$t/* $$work/ || exit 1; \
	  echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
	  LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0" \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -print_final_stats=1 -dict=$(srcdir)/tests/fuzz/$$t.dict \
	    -artifact_prefix=$$found/ $(FUZZ_FLAGS) $$work \
	    >tests/fuzz/fuzz-$$t.log 2>&1; rc=$$?; \
	  execs=`sed -n 's/^stat::number_of_executed_units: *//p' tests/fuzz/fuzz-$$t.log`; \
	  cov=`grep -o 'cov: [0-9]*' tests/fuzz/fuzz-$$t.log | tail -n 1`; \
	  echo "fuzz-$$t: $${execs:-?} executions, $${cov:-cov: ?}, exit $$rc"; \
	  if test $$rc != 0 || test -n "`ls $$found`"; then \
	    echo "FAIL: fuzz-$$t found a problem: see tests/fuzz/fuzz-$$t.log and $$found/"; \
	    fail=1; \
	  fi; \
	done; test $$fail = 0
else
fuzz:
	@echo "make fuzz needs a build configured with --enable-fuzzing" >&2; exit 1
endif
CLEANFILES += tests/fuzz/*.log
clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/work-* tests/fuzz/findings-*
.PHONY: clean-fuzz
