## examples/local.mk
