## The bad-input table: every class of unusable input, for the
## library and both utilities; and the security basics.
