#!/bin/sh
# Conformance over ../shared/data/dns-packets: `mxtrace dns --decode` reads every file there
# (messages, malformed fuzz inputs, pcaps, tcpdump texts) without crashing; each refusal
# names its defect; the known-malformed messages are refused for the right reason and every
# other message decodes. Skips cleanly when the shared data is absent.
. "$(dirname "$0")/lib.sh"
D=../shared/data/dns-packets
[ -d "$D/raw" ] || lab_skip "$D absent (shared data not installed)"
out=$(mktemp -d "${TMPDIR:-/tmp}/mxt-conf.XXXXXX") || lab_fail mktemp
trap 'rm -rf "$out"' EXIT

# Messages that must be refused, with the defect the refusal must name.
expect() {
	case $1 in
	raw/cares-answer_aaaa.bin) echo "RDLENGTH 4, must be 16" ;;
	malformed/cares-clusterfuzz-5732960017317888.bin) echo "longer than 65535" ;;
	malformed/cares-clusterfuzz-5680630672654336.bin) echo "longer than 255 octets" ;;
	malformed/cares-clusterfuzz-5650695891451904.bin) echo "runs past the end" ;;
	malformed/cares-clusterfuzz-5695341573177344.bin) echo "runs past the end" ;;
	malformed/cares-clusterfuzz-5674462260756480.bin) echo "empty RDATA" ;;
	malformed/cares-clusterfuzz-5687310655422464.bin) echo "octets of RDATA left" ;;
	malformed/cares-clusterfuzz-5697835103682560.bin) echo "octets of RDATA left" ;;
	extracted/tcpdump-dns-zlip-1-001-q.bin) echo "does not point backwards" ;;
	extracted/tcpdump-dns-zlip-2-001-q.bin) echo "does not point backwards" ;;
	extracted/tcpdump-dns_fwdptr-001-r.bin) echo "does not point backwards" ;;
	extracted/tcpdump-dns-badlabel-001-r.bin) echo "longer than 255 octets" ;;
	extracted/zeek-dns-tkey-001-r.bin) echo "exceeds the" ;;
	extracted/zeek-dns-tkey-002-r.bin) echo "reserved label type 0x80" ;;
	extracted/zeek-dns-tkey-003-r.bin) echo "reserved label type 0x40" ;;
	extracted/zeek-dns-edns-ecs-weirds-005-q.bin) echo "EDNS option of 260 octets" ;;
	*) echo "" ;;
	esac
}

total=0 decoded=0 refused=0
for f in $(cd "$D" && find . -type f | sed 's|^\./||' | sort); do
	total=$((total + 1))
	"$MXTRACE" dns --decode "$D/$f" >"$out/o" 2>"$out/e"
	rc=$?
	want=$(expect "$f")
	case $rc in
	0)
		decoded=$((decoded + 1))
		[ -z "$want" ] || lab_fail "$f decoded, but it must be refused ($want)"
		;;
	65)
		refused=$((refused + 1))
		grep -q 'malformed DNS message: ..*' "$out/e" || grep -q 'bad hex dump: ..*' "$out/e" ||
			lab_fail "$f refused without naming the defect: $(cat "$out/e")"
		if [ -n "$want" ]; then
			grep -qF -- "$want" "$out/e" || lab_fail "$f: '$(cat "$out/e")' lacks '$want'"
		else
			case $f in
			raw/* | extracted/*) lab_fail "$f refused: $(cat "$out/e")" ;;
			esac
		fi
		;;
	*) lab_fail "$f: exit $rc (crash or internal error): $(cat "$out/e")" ;;
	esac
done
echo "$total files: $decoded decoded, $refused refused with a named defect"
for d in raw malformed extracted; do
	n=$(find "$D/$d" -type f | wc -l | tr -d ' ')
	echo "  $d: $n files"
done
[ "$total" -gt 400 ] || lab_fail "only $total files found"
# The JSON form is valid JSON for a decoded and a refused message alike.
if command -v python3 >/dev/null 2>&1; then
	for f in raw/pdns-powerdns-ds.bin extracted/tcpdump-dns-zlip-1-001-q.bin; do
		"$MXTRACE" dns --json --decode "$D/$f" 2>/dev/null |
			python3 -c 'import json,sys; json.load(sys.stdin)' || lab_fail "$f: bad JSON"
	done
fi
