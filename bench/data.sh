#!/bin/sh
# Benchmarks of the bundled snapshots (issue 3). Not a test: prints figures and their ratio to
# the goals. Run from the repository root after `make`:
#
#   sh bench/data.sh            # all three
#   RUNS=50 sh bench/data.sh    # fewer hyperfine runs
#
# 1. One-shot `mxtrace data lookup ADDR` process time (goal: under 10 ms), with the start-up
#    of `true` and of Debian's `whois --version` beside it as floors: Debian whois chooses its
#    server from compiled-in tables too, but cannot do it without sending a query, so its
#    lookup itself is not measurable offline; its process start-up is.
# 2. Bulk lookups per second from stdin (goal: over 2 million per second): 2,000,000 random
#    IPv4 addresses (seeded), then 1,000,000 mixed queries (IPv4, IPv6, AS numbers, names).
# 3. Size of the binary with and without the embedded snapshot (NO_EMBED=1 build).
# Needs hyperfine (apt-get install hyperfine). Results go to bench/out/ (not committed).
set -eu
MXTRACE=${MXTRACE:-./mxtrace}
RUNS=${RUNS:-200}
out=bench/out
mkdir -p "$out"
command -v hyperfine >/dev/null 2>&1 || { echo "bench: hyperfine not installed"; exit 1; }
[ -x "$MXTRACE" ] || { echo "bench: build first (make)"; exit 1; }

mean_ms() { # csv-file row -> mean in ms
	awk -F, -v row="$2" 'NR == row + 1 { printf "%.3f", $2 * 1000 }' "$1"
}

echo "== one-shot lookups ($RUNS runs each; machine: $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
set -- "$MXTRACE data lookup 8.8.8.8" "$MXTRACE data lookup 2a00:1450:4001::1" \
	"$MXTRACE data lookup AS15169" "$MXTRACE data lookup mx1.mail.example.co.uk" true
if command -v whois >/dev/null 2>&1; then set -- "$@" "whois --version"; fi
hyperfine -N --warmup 20 --runs "$RUNS" --export-csv "$out/oneshot.csv" "$@" >"$out/oneshot.txt" 2>&1
i=1
for c in "$@"; do
	m=$(mean_ms "$out/oneshot.csv" $i)
	case $c in
	*"data lookup"*) printf '  %-48s %7s ms   goal 10 ms: %5.1fx under\n' "$c" "$m" \
		"$(echo "$m" | awk '{ printf "%.1f", 10 / $1 }')" ;;
	*) printf '  %-48s %7s ms   (floor)\n' "$c" "$m" ;;
	esac
	i=$((i + 1))
done

echo "== bulk lookups from stdin"
awk 'BEGIN { srand(1); for (i = 0; i < 2000000; i++)
	printf "%d.%d.%d.%d\n", 1 + int(rand() * 223), int(rand() * 256), int(rand() * 256), int(rand() * 256) }' >"$out/ipv4.txt"
awk 'BEGIN { srand(2); for (i = 0; i < 1000000; i++) { k = i % 4
	if (k == 0) printf "%d.%d.%d.%d\n", 1 + int(rand() * 223), int(rand() * 256), int(rand() * 256), int(rand() * 256)
	else if (k == 1) printf "2%03x:%x:%x::1\n", int(rand() * 4096), int(rand() * 65536), int(rand() * 65536)
	else if (k == 2) printf "AS%d\n", int(rand() * 400000)
	else printf "host%d.example%d.%s\n", i, int(rand() * 1000), (i % 3 ? "com" : "co.uk") } }' >"$out/mixed.txt"
for f in ipv4 mixed; do
	n=$(wc -l <"$out/$f.txt")
	hyperfine --warmup 1 --runs 5 --export-csv "$out/bulk-$f.csv" \
		"$MXTRACE data lookup < $out/$f.txt > /dev/null" >"$out/bulk-$f.txt" 2>&1
	m=$(mean_ms "$out/bulk-$f.csv" 1)
	echo "$n $m" | awk -v f="$f" '{ r = $1 / ($2 / 1000); printf "  %-8s %8d queries in %8.1f ms: %10.0f lookups/s   goal 2,000,000/s: %.2fx\n", f, $1, $2, r, r / 2000000 }'
done

echo "== binary size"
make -s BUILD=build/bench-noembed NO_EMBED=1 build/bench-noembed/mxtrace >/dev/null
with=$(wc -c <"$MXTRACE")
without=$(wc -c <build/bench-noembed/mxtrace)
cp "$MXTRACE" "$out/with" && strip "$out/with"
cp build/bench-noembed/mxtrace "$out/without" && strip "$out/without"
sw=$(wc -c <"$out/with")
so=$(wc -c <"$out/without")
snap=$(wc -c <data/mxtrace.snap)
printf '  %-34s %9d bytes (stripped %9d)\n' "with embedded snapshot" "$with" "$sw"
printf '  %-34s %9d bytes (stripped %9d)\n' "without (NO_EMBED=1)" "$without" "$so"
printf '  %-34s %9d bytes; stripped difference %d\n' "data/mxtrace.snap" "$snap" $((sw - so))
