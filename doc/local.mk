## doc/: the manual pages of the library (section 3) and the Texinfo
## manual.  The pages of mmtouch and mmcat are built with the utilities.

# One full page per group of functions; every other function has a page
# of its own name that is a ".so" link to its group's page, so that
# "man mmapio_create" works.  tests/man-pages.sh checks that every
# function of mmapio.h is covered.
dist_man3_MANS = \
	doc/libmmapio.3 \
	doc/mmapio_advise.3 \
	doc/mmapio_atomic_u64.3 \
	doc/mmapio_copy_file.3 \
	doc/mmapio_flush.3 \
	doc/mmapio_fopen.3 \
	doc/mmapio_foreach_chunk.3 \
	doc/mmapio_open.3 \
	doc/mmapio_read.3 \
	doc/mmapio_residency.3 \
	doc/mmapio_resize.3 \
	doc/mmapio_size.3 \
	doc/mmapio_strerror.3 \
	doc/mmapio_view_get.3 \
	doc/mmapio_watch_start.3 \
	doc/mmapio_atomic_u32.3 \
	doc/mmapio_atomic_u32_array.3 \
	doc/mmapio_atomic_u64_array.3 \
	doc/mmapio_close.3 \
	doc/mmapio_create.3 \
	doc/mmapio_cursor_end.3 \
	doc/mmapio_cursor_init.3 \
	doc/mmapio_cursor_next.3 \
	doc/mmapio_data.3 \
	doc/mmapio_evict.3 \
	doc/mmapio_fd.3 \
	doc/mmapio_fd_evict.3 \
	doc/mmapio_fd_residency.3 \
	doc/mmapio_flush_async.3 \
	doc/mmapio_flush_range.3 \
	doc/mmapio_flush_range_async.3 \
	doc/mmapio_foreach_chunk_mut.3 \
	doc/mmapio_foreach_page.3 \
	doc/mmapio_hugepages.3 \
	doc/mmapio_lock.3 \
	doc/mmapio_lock_all.3 \
	doc/mmapio_mark_dirty.3 \
	doc/mmapio_memlock_limit.3 \
	doc/mmapio_mode.3 \
	doc/mmapio_open_ex.3 \
	doc/mmapio_open_fd.3 \
	doc/mmapio_open_or_create.3 \
	doc/mmapio_path.3 \
	doc/mmapio_pending.3 \
	doc/mmapio_populate.3 \
	doc/mmapio_prefetch.3 \
	doc/mmapio_remove_file.3 \
	doc/mmapio_set_flush_policy.3 \
	doc/mmapio_unlock.3 \
	doc/mmapio_unlock_all.3 \
	doc/mmapio_version.3 \
	doc/mmapio_view_get_mut.3 \
	doc/mmapio_view_mut_release.3 \
	doc/mmapio_view_release.3 \
	doc/mmapio_watch_dispatch.3 \
	doc/mmapio_watch_fd.3 \
	doc/mmapio_watch_open.3 \
	doc/mmapio_watch_stop.3 \
	doc/mmapio_write.3

info_TEXINFOS += doc/mmapio.texi

# Without TeX, "make dvi" cannot work; check that the HTML manual builds
# instead (make pdf still works where TeX is installed).
AM_DISTCHECK_DVI_TARGET = html

TESTS += tests/man-pages.sh
EXTRA_DIST += tests/man-pages.sh

# tests/man-pages.sh compiles and runs the example of libmmapio(3) with the
# compiler and flags of the build (sanitizers included).
AM_TESTS_ENVIRONMENT += \
	MANTEST_CC='$(CC)'; export MANTEST_CC; \
	MANTEST_CFLAGS='$(CFLAGS)'; export MANTEST_CFLAGS; \
	MANTEST_LDFLAGS='$(LDFLAGS)'; export MANTEST_LDFLAGS;

# What the library promises, with the tests that prove each promise.
EXTRA_DIST += doc/guarantees.md
