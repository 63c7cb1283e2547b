#!/bin/sh
# Run one g_test program in TAP mode, keeping going after a failure.
exec "$@" -k --tap
