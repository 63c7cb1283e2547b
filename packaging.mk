## Distribution packaging: the Debian packaging in debian/ and the RPM spec.
## configure writes libmmapio.spec from libmmapio.spec.in with the
## release's version; the tarball carries it for "rpmbuild -tb".

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
	debian/source/format \
	debian/tests/control \
	debian/tests/build \
	debian/tests/build-static \
	debian/tests/utils \
	packaging/check-debs \
	packaging/check-rpms

# Build the binary RPM packages from the release tarball.  On a system
# whose rpm database does not know the build dependencies (Debian, say),
# use "make rpm RPMBUILD_FLAGS=--nodeps".
RPMBUILD = rpmbuild
RPMBUILD_FLAGS =
rpm: dist-gzip
	$(RPMBUILD) $(RPMBUILD_FLAGS) -tb $(PACKAGE)-$(VERSION).tar.gz
.PHONY: rpm
