## doc/: man pages and the Texinfo manual.
