## lib/pages.mk
