## utils/: mmtouch and mmcat, built on libmmapio.
