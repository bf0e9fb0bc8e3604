# The end-to-end lab: the standard DNS lab plus every lab WHOIS server, with the example
# scams' zones and WHOIS answers, in one namespace. Used by `make run`, the trace tests and
# the trace benchmark. Source after lib.sh (scripts outside tests/lab set LAB_LIB_DIR).
#
#   demo_lab_start TAG [DELAY_MS]   start it; DELAY_MS delays every WHOIS answer and, with
#                                   dnslab instead of nsd/unbound, every DNS answer (bench)
#   demo_mxtrace ARGS...            run $MXTRACE inside the namespace against the lab
#
# Addresses: the DNS lab's (lib_dns.sh: resolver 192.0.2.53); WHOIS servers 192.0.2.100 and
# up (RWhois servers on port 4321), published in the lab DNS under their own names.
# Variables: DEMO_WHOIS_DIR (merged answers), DEMO_QLOG (WHOIS query log, "NAME<TAB>QUERY").

_demo_src=${LAB_LIB_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$_demo_src/lib_dns.sh"
_demo_top=$(cd "$_demo_src/../.." && pwd)
DEMO_WHOIS_DIR=""
DEMO_QLOG=""

# Merge the base WHOIS fixtures with the example overlay: overlay index lines come first.
_demo_merge_whois() { # OUT
	cp -R "$_demo_top/tests/data/whois" "$1"
	for _s in "$_demo_top"/examples/lab/whois/*/; do
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

demo_lab_start() { # TAG [DELAY_MS]
	_delay=${2:-0}
	lab_require_cmd nsd nsd
	lab_require_cmd unbound unbound
	[ -x "${BUILD:-build}/lab/whoisd" ] || lab_fail "${BUILD:-build}/lab/whoisd not built"
	lab_ns_create "$1"
	DEMO_WHOIS_DIR="$LAB_TMP/whois"
	DEMO_QLOG="$LAB_TMP/whois-queries.log"
	_demo_merge_whois "$DEMO_WHOIS_DIR"
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
	lab_dns_start_standard "$_demo_top/examples/lab/zones" "$LAB_TMP/whois-zones"
}

demo_mxtrace() { # ARGS...
	lab_exec "$MXTRACE" --server "$LAB_DNS_RESOLVER" "$@"
}
