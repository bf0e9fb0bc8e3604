# The end-to-end lab: the standard DNS lab plus every lab WHOIS server, with the example
# scams' zones and WHOIS answers, in one namespace. Used by `make run`, the trace tests and
# the trace benchmarks. Source after lib.sh (scripts outside tests/lab set LAB_LIB_DIR).
#
#   demo_lab_start TAG [DELAY_MS [WHOIS_DIR [ZONE_DIR...]]]
#                       start it. DELAY_MS > 0 delays every WHOIS answer by that much and
#                       also starts DEMO_DNS_DELAYED, a dnslab server answering every lab
#                       zone directly (as a recursive server would, RA set) after DELAY_MS;
#                       nsd and unbound cannot delay. WHOIS_DIR ("" for none) is one more
#                       WHOIS overlay (same layout as examples/lab/whois, its index lines
#                       win over all others); ZONE_DIRs hold more NAME.zone files.
#                       A caller may create the namespace first (lab_ns_create), e.g. to
#                       generate WHOIS_DIR and ZONE_DIRs under $LAB_TMP.
#   demo_mxtrace ARGS...  run $MXTRACE inside the namespace with --server $DEMO_DNS
#   DEMO_DNS_RULES=FILE   (set before demo_lab_start) dnslab `on` lines for the delayed
#                       server, applied before the uniform delay (per-name delays, failures)
#
# Addresses: the DNS lab's (lib_dns.sh: resolver 192.0.2.53); the delayed server
# 192.0.2.54; WHOIS servers 192.0.2.100 and up (RWhois servers on port 4321), published in
# the lab DNS under their own names and in the namespace's /etc/hosts (for Debian whois).
# Variables: DEMO_WHOIS_DIR (merged answers), DEMO_QLOG (WHOIS query log, "NAME<TAB>QUERY"),
# DEMO_DNS (the DNS server clients should use: the resolver, or the delayed server with a
# delay), DEMO_DNS_QLOG (the delayed server's query log).

_demo_src=${LAB_LIB_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$_demo_src/lib_dns.sh"
_demo_top=$(cd "$_demo_src/../.." && pwd)
DEMO_WHOIS_DIR=""
DEMO_QLOG=""

DEMO_DNS=""
DEMO_DNS_DELAYED=192.0.2.54
DEMO_DNS_QLOG=""

# Put overlay SRC over the WHOIS answers in OUT: SRC's index lines come first, so they win.
_demo_overlay_whois() { # OUT SRC
	for _s in "$2"/*/; do
		[ -d "$_s" ] || continue
		_n=$(basename "$_s")
		mkdir -p "$1/$_n"
		for _f in "$_s"*; do
			[ "$(basename "$_f")" = index ] || cp "$_f" "$1/$_n/"
		done
		if [ -f "$1/$_n/index" ]; then
			cat "$_s/index" "$1/$_n/index" >"$1/$_n/index.new"
			mv "$1/$_n/index.new" "$1/$_n/index"
		else
			cp "$_s/index" "$1/$_n/index"
		fi
	done
}

# Merge the base WHOIS fixtures with the example overlay and an optional extra one.
_demo_merge_whois() { # OUT [EXTRA]
	cp -R "$_demo_top/tests/data/whois" "$1"
	_demo_overlay_whois "$1" "$_demo_top/examples/lab/whois"
	[ -n "${2:-}" ] && _demo_overlay_whois "$1" "$2"
	return 0
}

# The lab zones (NAME.zone bodies, see tests/lab/zones/README.md) as one dnslab scenario:
# every record under its full name, one SOA per zone, and a delay on every answer. Zones
# served by the lab's special servers (broken, rogue, glueless delegations) are left out.
_demo_dnslab_scenario() { # DELAY_MS ZONE_DIR...
	_dl=$1
	shift
	for _dir in "$@"; do
		for _f in "$_dir"/*.zone; do
			[ -f "$_f" ] || continue
			awk -v z="$(basename "$_f" .zone)." '
				function full(n) { return n == "@" ? z : n ~ /\.$/ ? n : n "." z }
				NR == 1 && /^; lab-(server|delegate):/ { exit }
				NR == 1 { printf "rr %s 300 SOA ns.delayed.test. hostmaster.lab.test. 1 3600 600 86400 60\n", z }
				/^[ \t]*([;#]|$)/ { next }
				$2 == "A" || $2 == "AAAA" { print "rr", full($1), 300, $2, $3; next }
				$2 == "MX" { print "rr", full($1), 300, "MX", $3, ($4 == "." ? "." : full($4)); next }
				$2 == "CNAME" || $2 == "NS" || $2 == "PTR" { print "rr", full($1), 300, $2, full($3); next }
				$2 == "TXT" { t = $0; sub(/^[^ \t]+[ \t]+TXT[ \t]+/, "", t); print "rr", full($1), 300, "TXT", t }
			' "$_f"
		done
	done
	echo "on * * delay=$_dl"
}

demo_lab_start() { # TAG [DELAY_MS [WHOIS_DIR [ZONE_DIR...]]]
	_tag=$1
	_delay=${2:-0}
	_extra_whois=${3:-}
	if [ $# -gt 3 ]; then shift 3; else set --; fi
	lab_require_cmd nsd nsd
	lab_require_cmd unbound unbound
	[ -x "${BUILD:-build}/lab/whoisd" ] || lab_fail "${BUILD:-build}/lab/whoisd not built"
	[ -n "$LAB_NS" ] || lab_ns_create "$_tag"
	DEMO_WHOIS_DIR="$LAB_TMP/whois"
	DEMO_QLOG="$LAB_TMP/whois-queries.log"
	_demo_merge_whois "$DEMO_WHOIS_DIR" "$_extra_whois"
	if [ "$_delay" -gt 0 ]; then
		for _i in "$DEMO_WHOIS_DIR"/*/index; do
			awk -v d="$_delay" -F '\t' 'BEGIN { OFS = "\t" }
				/^#/ || NF < 2 { print; next } { print $0, "delay=" d }' "$_i" >"$_i.d"
			mv "$_i.d" "$_i"
		done
	fi
	mkdir -p "$LAB_TMP/whois-zones"
	_i=100
	_args=""
	for _d in "$DEMO_WHOIS_DIR"/*/; do
		_n=$(basename "$_d")
		case $_n in *.*) ;; *) continue ;; esac
		case $_n in
		*.internal.lab.example) _a=127.0.0.2 ;;    # a referral target that must be refused
		*) _a=192.0.2.$_i; _i=$((_i + 1)); lab_ns_addr "$_a/32" ;;
		esac
		case $_n in
		rwhois.*) _args="$_args -l $_n=$_a:4321" ;;
		*) _args="$_args -l $_n=$_a:43" ;;
		esac
		printf '@\tA\t%s\n' "$_a" >"$LAB_TMP/whois-zones/$_n.zone"
		lab_hosts_add "$_a" "$_n"
	done
	# shellcheck disable=SC2086
	lab_bg "$LAB_TMP/whoisd.log" "${BUILD:-build}/lab/whoisd" -d "$DEMO_WHOIS_DIR" \
		-q "$DEMO_QLOG" -t 20000 $_args
	_w=0
	until grep -q '^ready$' "$LAB_TMP/whoisd.log" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -gt 100 ] && lab_fail "whoisd did not start: $(cat "$LAB_TMP/whoisd.log")"
		sleep 0.1
	done
	lab_dns_start_standard "$_demo_top/examples/lab/zones" "$LAB_TMP/whois-zones" "$@"
	DEMO_DNS=$LAB_DNS_RESOLVER
	if [ "$_delay" -gt 0 ]; then
		lab_ns_addr "$DEMO_DNS_DELAYED/32"
		{
			[ -n "${DEMO_DNS_RULES:-}" ] && cat "$DEMO_DNS_RULES"
			_demo_dnslab_scenario "$_delay" "$_demo_src/zones" \
				"$_demo_top/examples/lab/zones" "$LAB_TMP/whois-zones" "$@"
		} >"$LAB_TMP/delayed.scenario"
		DEMO_DNS_QLOG="$LAB_TMP/delayed-queries.log"
		lab_dns_dnslab "$LAB_TMP/delayed.scenario" "$DEMO_DNS_DELAYED" "$DEMO_DNS_QLOG"
		DEMO_DNS=$DEMO_DNS_DELAYED
	fi
}

demo_mxtrace() { # ARGS...
	lab_exec "$MXTRACE" --server "${DEMO_DNS:-$LAB_DNS_RESOLVER}" "$@"
}
