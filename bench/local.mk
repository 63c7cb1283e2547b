## bench/: the benchmark harness.  "make bench" runs the whole suite (never
## part of make check); make check only runs it with --quick, as a smoke
## test, so that the harness cannot rot.

check_PROGRAMS += bench/mmapio-bench
bench_mmapio_bench_SOURCES = bench/mmapio-bench.c
bench_mmapio_bench_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBENCH_SEED_TSV='"$(abs_top_srcdir)/bench/seed.tsv"'
bench_mmapio_bench_LDADD = lib/libmmapio.la $(PTHREAD_LIBS)
bench_mmapio_bench_LDFLAGS = -no-install

TESTS += tests/bench-smoke.sh
EXTRA_DIST += tests/bench-smoke.sh
EXTRA_DIST += bench/compare bench/plot bench/seed.tsv bench/baseline.jsonl \
	doc/performance.md doc/performance.svg

## Extra options for "make bench", e.g. BENCH_FLAGS='--filter random_read'
## or BENCH_FLAGS='--dir /var/tmp'.
BENCH_FLAGS =
BENCH_OUT = bench-results

.PHONY: bench
bench: bench/mmapio-bench$(EXEEXT)
	bench/mmapio-bench$(EXEEXT) --json $(BENCH_OUT).jsonl $(BENCH_FLAGS) \
	  > $(BENCH_OUT).md.tmp && mv $(BENCH_OUT).md.tmp $(BENCH_OUT).md
	@cat $(BENCH_OUT).md
	@echo "bench: results in $(BENCH_OUT).md and $(BENCH_OUT).jsonl;"
	@echo "bench: compare runs with $(srcdir)/bench/compare OLD.jsonl $(BENCH_OUT).jsonl"

CLEANFILES += $(BENCH_OUT).jsonl $(BENCH_OUT).md $(BENCH_OUT).md.tmp
