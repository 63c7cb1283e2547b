#!/bin/sh
# Bootstrap the build system from a version-control checkout.
set -e
cd "$(dirname "$0")"
autoreconf --force --install --verbose
