## utils/: code shared by mmtouch and mmcat (utils/mmtouch.mk and
## utils/mmcat.mk build the programs).

noinst_LIBRARIES = utils/libutil.a
utils_libutil_a_SOURCES = utils/common.c utils/common.h
utils_libutil_a_CFLAGS = $(AM_CFLAGS)
UTIL_LDADD = utils/libutil.a lib/libmmapio.la $(LIBINTL)
