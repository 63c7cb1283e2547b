## utils/mmcat.mk
