## Distribution packaging: the Debian packaging in debian/ and the RPM spec.
## The spec is generated here rather than by configure so that it is
## rebuilt whenever the version changes, and shipped in the tarball for
## "rpmbuild -ta".

EXTRA_DIST += \
	libmmapio.spec.in \
	libmmapio.spec \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/libmmapio-dev.docs \
	debian/libmmapio-dev.install \
	debian/libmmapio0.install \
	debian/libmmapio0.symbols \
	debian/mmapio-utils.install \
	debian/not-installed \
	debian/rules \
	debian/source/format

libmmapio.spec: $(srcdir)/libmmapio.spec.in $(top_builddir)/config.status
	$(AM_V_GEN)rm -f $@ $@-t && \
	sed -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	  $(srcdir)/libmmapio.spec.in > $@-t && \
	mv $@-t $@
DISTCLEANFILES += libmmapio.spec

# Build the RPM packages from the release tarball.
rpm: dist-xz libmmapio.spec
	rpmbuild -ta $(PACKAGE)-$(VERSION).tar.xz
.PHONY: rpm
