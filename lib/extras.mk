## lib/extras.mk
