## utils/mmtouch.mk
