#!/bin/sh
# Throughput of `mxtrace addrs` on a large generated mbox, side by side with the floor
# (a plain `grep -E` address regex over the same bytes) and what a user might script
# (Python's standard mailbox/email parser). Prints messages/s, MB/s and ratios.
# Usage: bench/mail_bench.sh [SIZE_MB] (default 300). Needs python3. Loopback-free: no network.
set -eu
size=${1:-300}
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bench/out"
mkdir -p "$out"
mbox="$out/bench-${size}M.mbox"
mx="$top/mxtrace"
[ -x "$mx" ] || make -C "$top" -j2 mxtrace >/dev/null
if [ ! -f "$mbox" ]; then
	python3 "$top/bench/gen_mbox.py" "$mbox" "$size" "$top/../shared/data/emails"
fi
bytes=$(wc -c <"$mbox" | tr -d ' ')
cat "$mbox" >/dev/null                          # warm the page cache for everyone

now() { date +%s.%N; }
run() { # label cmd...
	label=$1
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	echo "$label $(echo "$t1 - $t0" | bc -l)"
}

msgs=$("$mx" addrs --json "$mbox" | wc -l)
{
	for i in 1 2 3; do
		run mxtrace sh -c "\"$mx\" addrs --json \"$mbox\" >\"$out/mx.out\""
		run mxtrace_text sh -c "\"$mx\" addrs \"$mbox\" >\"$out/mx.out\""
		run grep sh -c "LC_ALL=C grep -E -o '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}' \"$mbox\" >\"$out/grep.out\""
	done
	run python sh -c "python3 \"$top/bench/py_email_addrs.py\" \"$mbox\" >/dev/null"
} >"$out/times.txt"
rm -f "$out/grep.out" "$out/mx.out"
echo "(grep writes its matches to a file: with stdout on /dev/null GNU grep stops at the first match)"

awk -v bytes="$bytes" -v msgs="$msgs" '
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
	END {
		mb = bytes / 1048576
		printf "input: %.0f MB, %d messages\n", mb, msgs
		printf "%-14s %10s %12s %10s %16s\n", "tool", "seconds", "messages/s", "MB/s", "vs mxtrace"
		n = split("mxtrace mxtrace_text grep python", order, " ")
		for (i = 1; i <= n; i++) {
			t = order[i]
			if (!(t in best)) continue
			printf "%-14s %10.2f %12.0f %10.1f %15.2fx\n", t, best[t], msgs / best[t],
			       mb / best[t], best[t] / best["mxtrace"]
		}
		print "(best of 3 for mxtrace and grep, 1 run for python; \"vs mxtrace\" = time / mxtrace time)"
	}' "$out/times.txt"
