## bench/: the benchmark harness (never run by make check except --quick).
