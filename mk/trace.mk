# Trace benchmarks: `make bench` runs them in the example lab with 50 ms per answer (needs
# root): the trace against the manual dig + whois procedure, then a 200-message batch.
bench:: all
	sh bench/trace_vs_manual.sh
	sh bench/trace_batch.sh
