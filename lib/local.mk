## lib/: libmmapio itself.

lib_LTLIBRARIES += lib/libmmapio.la
nodist_include_HEADERS += lib/mmapio.h
pkgconfig_DATA += lib/mmapio.pc

lib_libmmapio_la_SOURCES = \
	lib/mmapio-private.h \
	lib/mmapio.c \
	lib/io.c \
	lib/flush.c \
	lib/sigbus.c \
	lib/error.c \
	lib/window.c
lib_libmmapio_la_CFLAGS = $(AM_CFLAGS) $(VISIBILITY_CFLAGS)
lib_libmmapio_la_LIBADD = $(LTLIBINTL) $(PTHREAD_LIBS)
lib_libmmapio_la_LDFLAGS = -version-info $(MMAPIO_LT_VERSION_INFO) -no-undefined
if HAVE_LD_VERSION_SCRIPT
lib_libmmapio_la_LDFLAGS += -Wl,--version-script=$(top_srcdir)/lib/libmmapio.sym
endif
EXTRA_lib_libmmapio_la_DEPENDENCIES = lib/libmmapio.sym

EXTRA_DIST += lib/libmmapio.sym lib/mmapio.h.in lib/mmapio.pc.in
