## Distribution packaging files shipped in the tarball.
