# DNS part of the lab: a small internet of real Debian servers plus our scriptable dnslab.
# Source after lib.sh. Reusable by every lab test and demo that needs names resolved.
#
# Standard lab (lab_dns_start_standard), all inside the namespace $LAB_NS, port 53:
#   192.0.2.1   LAB_DNS_ROOT      nsd: the root zone (a.root.test.)
#   192.0.2.2   LAB_DNS_TLD       nsd: every TLD seen in the zone files (ns.tld.test.)
#   192.0.2.3   LAB_DNS_AUTH      nsd: the domain zones (ns.auth.test.)
#   192.0.2.4   LAB_DNS_BROKEN    dnslab: SERVFAIL for everything (ns.broken.test.)
#   192.0.2.5   LAB_DNS_ROGUE     dnslab: serves the zones marked "rogue" (ns.rogue.test.),
#                                 whose bodies are dnslab scenarios (forged data, tricks)
#   192.0.2.53  LAB_DNS_RESOLVER  unbound, recursive from the lab root: give it to
#                                 mxtrace as --server; dig and other clients inside the
#                                 namespace find it in /etc/resolv.conf
#   $LAB_DNS_HINTS                root hints of the lab (for mxtrace --iterative --hints)
# Zones: tests/lab/zones/*.zone plus any directories passed to lab_dns_start_standard (a
# later file with the same name wins). See tests/lab/zones/README.md for the format. Logs:
# $LAB_TMP/dns/*.log; unbound logs every query it receives (lab_dns_resolver_queries).

LAB_DNS_ROOT=192.0.2.1
LAB_DNS_TLD=192.0.2.2
LAB_DNS_AUTH=192.0.2.3
LAB_DNS_BROKEN=192.0.2.4
LAB_DNS_ROGUE=192.0.2.5
LAB_DNS_RESOLVER=192.0.2.53
LAB_DNS_DIR=""
LAB_DNS_HINTS=""

# Where tests/lab is: scripts outside it (bench/, mk/) set LAB_LIB_DIR before sourcing.
_lab_dns_src=${LAB_LIB_DIR:-$(cd "$(dirname "$0")" && pwd)}

# Path of a lab server program built by make (dnslab, ...).
lab_dns_bin() { # NAME
	_b="${BUILD:-build}/lab/$1"
	[ -x "$_b" ] || lab_fail "$_b not built (run make)"
	echo "$_b"
}

# Common zone head: origin, TTL, SOA, NS.
_lab_dns_head() { # ZONE NS-NAME (POSIX sh has no locals: _h_ names are this function's)
	_h_z=$1
	[ "$_h_z" = "." ] || _h_z="$_h_z."
	cat <<-HEAD
	\$ORIGIN $_h_z
	\$TTL 300
	@	IN SOA $2 hostmaster.lab.test. 1 3600 600 86400 60
	@	IN NS $2
	HEAD
}

# nsd on one address serving the zone files listed as "NAME FILE" lines on stdin.
_lab_dns_nsd() { # TAG ADDR
	_d="$LAB_DNS_DIR/nsd-$1"   # _d, _name, _file: scratch of the helpers below
	mkdir -p "$_d"
	cat >"$_d/nsd.conf" <<-CONF
	server:
	    ip-address: $2
	    port: 53
	    username: ""
	    chroot: ""
	    database: ""
	    zonesdir: "$_d"
	    pidfile: "$_d/nsd.pid"
	    xfrdfile: "$_d/xfrd.state"
	    zonelistfile: "$_d/zone.list"
	    logfile: "$LAB_DNS_DIR/nsd-$1.log"
	    server-count: 1
	    verbosity: 1
	    hide-version: yes
	remote-control:
	    control-enable: no
	CONF
	while read -r _name _file; do
		cp "$_file" "$_d/"
		printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$_name" "$(basename "$_file")" \
			>>"$_d/nsd.conf"
	done
	lab_bg "$LAB_DNS_DIR/nsd-$1.out" nsd -d -c "$_d/nsd.conf"
}

# Start the standard lab. Extra arguments are directories with more NAME.zone files.
lab_dns_start_standard() { # [ZONEDIR...]
	lab_require_cmd nsd nsd
	lab_require_cmd unbound unbound
	[ -n "$LAB_NS" ] || lab_ns_create dns
	lab_ns_addr "$LAB_DNS_ROOT/32" "$LAB_DNS_TLD/32" "$LAB_DNS_AUTH/32" "$LAB_DNS_BROKEN/32" \
		"$LAB_DNS_ROGUE/32" "$LAB_DNS_RESOLVER/32"
	LAB_DNS_DIR="$LAB_TMP/dns"
	_z="$LAB_DNS_DIR/zones"
	mkdir -p "$_z"
	for _dir in "$_lab_dns_src/zones" "$@"; do
		for _f in "$_dir"/*.zone; do
			[ -f "$_f" ] && cp "$_f" "$_z/$(basename "$_f" .zone).body"
		done
	done
	: >"$LAB_DNS_DIR/auth.list"
	: >"$LAB_DNS_DIR/tlds"
	: >"$LAB_DNS_DIR/rogue.scenario"
	for _f in "$_z"/*.body; do
		_name=$(basename "$_f" .body)
		_tld=${_name##*.}
		grep -qx "$_tld" "$LAB_DNS_DIR/tlds" || echo "$_tld" >>"$LAB_DNS_DIR/tlds"
		_first=$(head -1 "$_f")
		case $_first in
		"; lab-server: broken"*)
			echo "$_name. NS ns.broken.test." >>"$_z/deleg.$_tld"
			continue ;;
		"; lab-server: rogue"*)
			echo "$_name. NS ns.rogue.test." >>"$_z/deleg.$_tld"
			cat "$_f" >>"$LAB_DNS_DIR/rogue.scenario"
			continue ;;
		"; lab-delegate: "*)
			echo "$_name. NS ${_first#; lab-delegate: }" >>"$_z/deleg.$_tld"
			continue ;;
		esac
		echo "$_name. NS ns.auth.test." >>"$_z/deleg.$_tld"
		{ _lab_dns_head "$_name" ns.auth.test.; cat "$_f"; } >"$_z/$_name.zone"
		echo "$_name $_z/$_name.zone" >>"$LAB_DNS_DIR/auth.list"
	done
	grep -qx test "$LAB_DNS_DIR/tlds" || echo test >>"$LAB_DNS_DIR/tlds"
	# TLD zones: delegations; test. also holds the lab's own server names.
	: >"$LAB_DNS_DIR/tld.list"
	while read -r _tld; do
		{
			_lab_dns_head "$_tld" ns.tld.test.
			[ -f "$_z/deleg.$_tld" ] && cat "$_z/deleg.$_tld"
			if [ "$_tld" = test ]; then
				printf 'a.root\tA\t%s\nns.tld\tA\t%s\nns.auth\tA\t%s\n' \
					"$LAB_DNS_ROOT" "$LAB_DNS_TLD" "$LAB_DNS_AUTH"
				printf 'ns.broken\tA\t%s\nns.rogue\tA\t%s\n' "$LAB_DNS_BROKEN" \
					"$LAB_DNS_ROGUE"
			fi
		} >"$_z/tld.$_tld.zone"
		echo "$_tld $_z/tld.$_tld.zone" >>"$LAB_DNS_DIR/tld.list"
	done <"$LAB_DNS_DIR/tlds"
	{
		_lab_dns_head . a.root.test.
		echo "a.root.test. A $LAB_DNS_ROOT"
		echo "ns.tld.test. A $LAB_DNS_TLD"
		while read -r _tld; do echo "$_tld. NS ns.tld.test."; done <"$LAB_DNS_DIR/tlds"
	} >"$_z/root.zone"
	echo ". $_z/root.zone" | _lab_dns_nsd root "$LAB_DNS_ROOT"
	_lab_dns_nsd tld "$LAB_DNS_TLD" <"$LAB_DNS_DIR/tld.list"
	_lab_dns_nsd auth "$LAB_DNS_AUTH" <"$LAB_DNS_DIR/auth.list"
	printf 'on * * servfail\n' >"$LAB_DNS_DIR/broken.scenario"
	lab_dns_dnslab "$LAB_DNS_DIR/broken.scenario" "$LAB_DNS_BROKEN" \
		"$LAB_DNS_DIR/broken.queries"
	lab_dns_dnslab "$LAB_DNS_DIR/rogue.scenario" "$LAB_DNS_ROGUE" "$LAB_DNS_DIR/rogue.queries"
	_lab_dns_unbound
	for _a in "$LAB_DNS_ROOT" "$LAB_DNS_TLD" "$LAB_DNS_AUTH" "$LAB_DNS_BROKEN" \
		"$LAB_DNS_ROGUE" "$LAB_DNS_RESOLVER"; do
		lab_wait_port udp "$_a" 53
		lab_wait_port tcp "$_a" 53
	done
	echo "nameserver $LAB_DNS_RESOLVER" >"/etc/netns/$LAB_NS/resolv.conf"
	# Ready means answering: ask the resolver through the whole chain once (deadline 10 s).
	lab_timeout 10 ip netns exec "$LAB_NS" dig +tries=5 +time=1 +short \
		"@$LAB_DNS_RESOLVER" a.root.test A >/dev/null ||
		lab_fail "the lab resolver does not answer"
}

_lab_dns_unbound() {
	_d="$LAB_DNS_DIR/unbound"
	mkdir -p "$_d"
	printf '.\t3600000\tNS\ta.root.test.\na.root.test.\t3600000\tA\t%s\n' "$LAB_DNS_ROOT" \
		>"$_d/root.hints"
	LAB_DNS_HINTS="$_d/root.hints"
	cat >"$_d/unbound.conf" <<-CONF
	server:
	    interface: $LAB_DNS_RESOLVER
	    port: 53
	    username: ""
	    chroot: ""
	    directory: "$_d"
	    pidfile: "$_d/unbound.pid"
	    do-daemonize: no
	    use-syslog: no
	    logfile: "$LAB_DNS_DIR/unbound.log"
	    log-queries: yes
	    verbosity: 1
	    num-threads: 1
	    so-reuseport: no
	    do-ip6: no
	    root-hints: "$_d/root.hints"
	    module-config: "iterator"
	    access-control: 0.0.0.0/0 allow
	    do-not-query-localhost: no
	    local-zone: "test." nodefault
	    qname-minimisation: no
	    prefetch: no
	remote-control:
	    control-enable: no
	CONF
	lab_bg "$LAB_DNS_DIR/unbound.out" unbound -d -c "$_d/unbound.conf"
}

# Start dnslab in the namespace on ADDR:53 with SCENARIO, logging queries to LOG.
lab_dns_dnslab() { # SCENARIO ADDR LOG
	lab_bg "$3.out" "$(lab_dns_bin dnslab)" -f "$1" -a "$2" -p 53 -l "$3"
	lab_wait_port udp "$2" 53
}

# Number of queries dnslab logged in LOG.
lab_dns_count() { # LOG
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# Number of client queries unbound has received so far (its log-queries lines).
lab_dns_resolver_queries() {
	grep -c ' info: [0-9a-f.:]* [^ ]* [A-Z0-9]* IN$' "$LAB_DNS_DIR/unbound.log" 2>/dev/null ||
		echo 0
}

# dig inside the namespace against the lab resolver (bounded).
lab_dig() { # dig-args...
	lab_timeout 20 ip netns exec "$LAB_NS" dig +time=2 +tries=2 "@$LAB_DNS_RESOLVER" "$@"
}
