# WHOIS lab helpers: a namespace holding the lab WHOIS server (build/lab/whoisd) for every
# server folder of tests/data/whois, each on its own address, plus an nsd serving the lab
# names, and /etc/hosts entries so unmodified clients (Debian whois) find them too.
# Source after lib.sh. Needs root (namespaces) and nsd; skips otherwise.
#
#   whois_lab_start TAG        namespace mxt-TAG-PID, servers on port 43 (RWhois 4321)
#   whois_lab_addr NAME        the lab address of server NAME
#   whois_lab_queries NAME     the query lines NAME received, one per line
#   whois_lab_mxtrace ARGS...  run $MXTRACE inside the namespace against the lab DNS
#
# Variables set: WHOIS_LAB_DIR (answers), WHOIS_LAB_DNS (nsd address),
# WHOIS_LAB_QLOG (query log: "NAME<TAB>QUERY" per line), WHOIS_LAB_BLOG (bytes log:
# "NAME<TAB>BYTES" per connection). WHOIS_LAB_IDLE_MS: how long servers that never close
# (RWhois, noclose) hold a connection (default 20000).

WHOIS_LAB_DIR=${WHOIS_LAB_DIR:-tests/data/whois}
WHOIS_LAB_DNS=192.0.2.53
WHOIS_LAB_QLOG=""
WHOIS_LAB_BLOG=""
WHOIS_LAB_MAP=""

# Address of every lab server: 192.0.2.10 upwards in folder order; names under
# "internal.lab.example" sit on loopback (a referral target the client must refuse).
whois_lab_plan() {
	_i=10
	for _d in "$WHOIS_LAB_DIR"/*/; do
		_n=$(basename "$_d")
		case $_n in
		*.internal.lab.example) echo "$_n 127.0.0.2" ;;
		*) echo "$_n 192.0.2.$_i"; _i=$((_i + 1)) ;;
		esac
	done
}

whois_lab_addr() { # NAME
	awk -v n="$1" '$1 == n { print $2 }' "$WHOIS_LAB_MAP"
}

whois_lab_queries() { # NAME
	awk -F '\t' -v n="$1" '$1 == n { print $2 }' "$WHOIS_LAB_QLOG" 2>/dev/null
}

whois_lab_start() { # TAG
	lab_require_cmd nsd
	[ -x "$BUILD/lab/whoisd" ] || lab_fail "$BUILD/lab/whoisd not built"
	lab_ns_create "$1"
	WHOIS_LAB_MAP="$LAB_TMP/servers.map"
	WHOIS_LAB_QLOG="$LAB_TMP/queries.log"
	WHOIS_LAB_BLOG="$LAB_TMP/bytes.log"
	whois_lab_plan >"$WHOIS_LAB_MAP"
	lab_ns_addr "$WHOIS_LAB_DNS/32"
	_args=""
	while read -r _n _a; do
		case $_a in 127.*) ;; *) lab_ns_addr "$_a/32" ;; esac
		lab_hosts_add "$_a" "$_n"
		case $_n in
		rwhois.*) _args="$_args -l $_n=$_a:4321" ;;
		*) _args="$_args -l $_n=$_a:43" ;;
		esac
	done <"$WHOIS_LAB_MAP"
	# shellcheck disable=SC2086
	lab_bg "$LAB_TMP/whoisd.log" "$BUILD/lab/whoisd" -d "$WHOIS_LAB_DIR" -q "$WHOIS_LAB_QLOG" \
		-b "$WHOIS_LAB_BLOG" -t "${WHOIS_LAB_IDLE_MS:-20000}" $_args
	_w=0
	until grep -q '^ready$' "$LAB_TMP/whoisd.log" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -gt 100 ] && lab_fail "whoisd did not start: $(cat "$LAB_TMP/whoisd.log")"
		sleep 0.1
	done
	whois_lab_nsd
}

# nsd authoritative for "." holding an A record for every lab server name.
whois_lab_nsd() {
	_z="$LAB_TMP/nsd"
	mkdir -p "$_z"
	{
		echo '$TTL 3600'
		echo '. IN SOA ns.lab.example. hostmaster.lab.example. 1 3600 600 86400 60'
		echo '. IN NS ns.lab.example.'
		echo "ns.lab.example. IN A $WHOIS_LAB_DNS"
		while read -r _n _a; do echo "$_n. IN A $_a"; done <"$WHOIS_LAB_MAP"
	} >"$_z/root.zone"
	cat >"$_z/nsd.conf" <<EOF
server:
	ip-address: $WHOIS_LAB_DNS
	port: 53
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$_z"
	pidfile: "$_z/nsd.pid"
	xfrdfile: "$_z/xfrd.state"
	zonelistfile: "$_z/zone.list"
	logfile: "$_z/nsd.log"
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: "."
	zonefile: "root.zone"
EOF
	lab_bg "$_z/stdout.log" nsd -d -c "$_z/nsd.conf"
	lab_wait_port udp "$WHOIS_LAB_DNS" 53 10
}

whois_lab_mxtrace() { # ARGS...
	lab_exec "$MXTRACE" "$@"
}
