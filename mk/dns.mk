# DNS benchmarks: `make bench` runs them against the loopback lab (needs root).
bench:: all
	sh bench/mx_vs_dig.sh

