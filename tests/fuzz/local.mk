## libFuzzer targets, built with clang when configured with
## --enable-fuzzing.
