# DNS benchmarks: `make bench` runs them against the loopback lab (needs root).
bench:: all
	sh bench/mx_vs_dig.sh
# This fragment is read before the Makefile's own rules: hand the default goal back to
# them (the next target parsed, `all`), or a bare `make` would run the benchmark.
.DEFAULT_GOAL :=
