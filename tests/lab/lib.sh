# Shared shell helpers for lab tests: network namespaces with cleanup, deadlines, skipping.
# Source it from tests/lab/test_*.sh. Servers live inside a namespace the test creates, so
# nothing can reach the host's resolver or the outside world, and parallel runs cannot collide.
# Protocol-specific helpers live in lib_dns.sh, lib_whois.sh, ... and source this file.

LAB_NS=""
LAB_TMP=""
LAB_PIDS=""

lab_skip() { # reason...
	echo "SKIP: $*"
	exit 77
}

lab_fail() { # reason...
	echo "FAIL: $*" >&2
	exit 1
}

# Skip unless we can make namespaces (root + iproute2).
lab_require_netns() {
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root to create network namespaces"
	command -v ip >/dev/null 2>&1 || lab_skip "iproute2 (ip) not installed"
}

lab_require_cmd() { # cmd [package]
	command -v "$1" >/dev/null 2>&1 || lab_skip "$1 not installed (apt-get install ${2:-$1})"
}

lab_cleanup() {
	for p in $LAB_PIDS; do kill "$p" 2>/dev/null; done
	if [ -n "$LAB_NS" ]; then
		for p in $(ip netns pids "$LAB_NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$LAB_NS" 2>/dev/null
		rm -rf "/etc/netns/$LAB_NS"
	fi
	[ -n "$LAB_TMP" ] && rm -rf "$LAB_TMP"
	LAB_NS=""
}

# lab_ns_create TAG: make namespace mxt-TAG-PID with loopback up, a temp dir in $LAB_TMP,
# and cleanup on exit. Extra addresses: lab_ns_addr 192.0.2.53/32 ...
lab_ns_create() {
	lab_require_netns
	LAB_NS="mxt-$1-$$"
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mxt-$1.XXXXXX") || lab_fail "mktemp"
	trap lab_cleanup EXIT
	# A signal (also SIGPIPE from a closed pipe) must still run the EXIT cleanup.
	trap 'exit 130' INT TERM HUP PIPE
	ip netns add "$LAB_NS" || lab_fail "ip netns add $LAB_NS"
	ip netns exec "$LAB_NS" ip link set lo up || lab_fail "lo up"
	mkdir -p "/etc/netns/$LAB_NS"
	# Inside the namespace, clients that read resolv.conf see only the lab.
	echo "nameserver 127.0.0.1" >"/etc/netns/$LAB_NS/resolv.conf"
	: >"/etc/netns/$LAB_NS/hosts"
}

lab_ns_addr() { # ADDR/PREFIX ...
	for a in "$@"; do
		case $a in
		*:*) ip netns exec "$LAB_NS" ip -6 addr add "$a" dev lo nodad || lab_fail "addr $a" ;;
		*) ip netns exec "$LAB_NS" ip addr add "$a" dev lo || lab_fail "addr $a" ;;
		esac
	done
}

lab_hosts_add() { # ADDR NAME...: entry in the namespace's /etc/hosts (for unmodified clients)
	echo "$*" >>"/etc/netns/$LAB_NS/hosts"
}

lab_exec() { # command...: run inside the namespace
	ip netns exec "$LAB_NS" "$@"
}

# lab_bg LOGFILE command...: start a command in the namespace in the background.
lab_bg() {
	_log=$1
	shift
	ip netns exec "$LAB_NS" "$@" >"$_log" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
}

# lab_wait_port PROTO ADDR PORT [SECONDS]: wait until something listens (deadline, default 10 s).
lab_wait_port() {
	_proto=$1 _addr=$2 _port=$3 _secs=${4:-10}
	_flag=-lnt
	[ "$_proto" = udp ] && _flag=-lnu
	_i=0
	while [ $_i -lt $((_secs * 10)) ]; do
		if ip netns exec "$LAB_NS" ss $_flag 2>/dev/null | awk '{print $4, $5}' |
			grep -q -- "$_addr:$_port\\b\\|\\[$_addr\\]:$_port\\b"; then
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	lab_fail "nothing listening on $_proto $_addr:$_port after ${_secs}s"
}

# lab_timeout SECONDS command...: run with a deadline (exit 124 on timeout).
lab_timeout() {
	_s=$1
	shift
	timeout -k 2 "$_s" "$@"
}
