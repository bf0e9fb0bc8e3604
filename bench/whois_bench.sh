#!/bin/sh
# WHOIS benchmark in the lab: the same lookups through Debian's whois (its own server tables,
# and -I: IANA first) and through mxtrace whois (the bundled snapshot first, and --iana),
# side by side: servers asked (hops), bytes
# received, wall time (median of RUNS), and whether the client reached the holder's abuse
# contact at the end of the chain. Everything runs inside a network namespace this script
# creates (tests/lab/lib_whois.sh); Debian whois finds the lab servers through the
# namespace's /etc/hosts, mxtrace through the lab's nsd.
#
#   sh bench/whois_bench.sh [RUNS]       (root; build first: make)
#
# Writes the table to stdout and to bench/out/whois-DATE.md.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
RUNS=${1:-5}
MXTRACE=${MXTRACE:-$top/mxtrace}
BUILD=${BUILD:-$top/build}
export MXTRACE BUILD
# servers that never close hold Debian's client this long (it reads to EOF)
WHOIS_LAB_IDLE_MS=${WHOIS_LAB_IDLE_MS:-10000}
export WHOIS_LAB_IDLE_MS
. tests/lab/lib.sh
. tests/lab/lib_whois.sh
command -v whois >/dev/null 2>&1 || lab_skip "Debian whois not installed (apt-get install whois)"
whois_lab_start whois-bench
mkdir -p bench/out
out="bench/out/whois-$(date +%Y%m%d-%H%M%S).md"

# name | query | what the holder's abuse desk is (the end of the chain)
cases="A|130.66.76.222|abuse@nordlab-hosting.example
B|1.179.115.9|noc-abuse@baltic-transit.example
C|69.65.39.166|abuse@labhost-customer.example
D|scam-parcel-delivery.com|abuse@labregistrar.example
F|2a02:c7f:7e11::25|abuse@mobile-lab.example
G|177.91.32.8|abuse@provedor-lab.example"

# run_one CLIENT QUERY: one lookup; prints "hops bytes ms found"
run_one() {
	_c=$1 _q=$2 _want=$3
	: >"$WHOIS_LAB_QLOG"
	: >"$WHOIS_LAB_BLOG"
	_t0=$(date +%s%N)
	case $_c in
	debian) lab_timeout 30 ip netns exec "$LAB_NS" whois "$_q" >"$LAB_TMP/out" 2>&1 ;;
	debian-I) lab_timeout 30 ip netns exec "$LAB_NS" whois -I "$_q" >"$LAB_TMP/out" 2>&1 ;;
	mxtrace) lab_timeout 30 ip netns exec "$LAB_NS" "$MXTRACE" whois --no-cache \
		--dns-server "$WHOIS_LAB_DNS" "$_q" >"$LAB_TMP/out" 2>&1 ;;
	mxtrace-iana) lab_timeout 30 ip netns exec "$LAB_NS" "$MXTRACE" whois --no-cache --iana \
		--dns-server "$WHOIS_LAB_DNS" "$_q" >"$LAB_TMP/out" 2>&1 ;;
	esac
	_ms=$((($(date +%s%N) - _t0) / 1000000))
	_hops=$(wc -l <"$WHOIS_LAB_QLOG")
	_bytes=$(awk -F '\t' '{ s += $2 } END { print s + 0 }' "$WHOIS_LAB_BLOG")
	if [ "$_c" != debian ] && [ "$_c" != debian-I ]; then
		grep -q "^abuse  *$_want " "$LAB_TMP/out" && _f=yes || _f=no
	else
		grep -q "$_want" "$LAB_TMP/out" && _f=yes || _f=no
	fi
	echo "$_hops $_bytes $_ms $_f"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

{
	echo "# WHOIS lookups in the lab: Debian whois vs mxtrace whois"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $RUNS runs each, median wall time."
	echo "Debian whois $(whois --version 2>/dev/null | head -1 | awk '{ sub(/\.$/, "", $NF); print $NF }')," \
	     "mxtrace $("$MXTRACE" --version | awk '{ print $2 }') (bundled snapshot first; and --iana)."
	echo "hops = query lines the lab servers received; bytes = bytes they sent;"
	echo "found = the output names the holder's abuse desk at the end of the chain."
	echo
	echo "| case | query | client | hops | bytes | ms | found |"
	echo "|---|---|---|---:|---:|---:|---|"
} | tee "$out"
echo "$cases" | while IFS='|' read -r name q want; do
	for c in debian debian-I mxtrace mxtrace-iana; do
		: >"$LAB_TMP/times"
		last=""
		i=0
		while [ $i -lt "$RUNS" ]; do
			last=$(run_one "$c" "$q" "$want")
			echo "$last" | awk '{ print $3 }' >>"$LAB_TMP/times"
			i=$((i + 1))
		done
		ms=$(median <"$LAB_TMP/times")
		set -- $last
		echo "| $name | $q | $c | $1 | $2 | $ms | $4 |" | tee -a "$out"
	done
done
echo
echo "written to $out"
