#!/bin/sh
# Compares `mxtrace data lookup` with Debian whois's routing lists (ip_del_list, ip6_del_list,
# as_del_list in ../shared/data/whois-servers/debian-whois): the first address (or AS number)
# of every line must get the same first WHOIS server, or the difference must be one of the
# rows of the table in docs/SNAPSHOT.md (between the debian-compare markers). A difference the
# table does not explain, or a row that no longer happens, fails. No network is used.
set -u
: "${MXTRACE:?}"
DEB=../shared/data/whois-servers/debian-whois
[ -d "$DEB" ] || { echo "SKIP: $DEB absent: Debian comparison not run"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-debian.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# list, Debian line (prefix or range), query, Debian server
grep -v '^#' "$DEB/ip_del_list" | awk 'NF >= 2 { split($1, a, "/"); print "ip_del_list\t" $1 "\t" a[1] "\t" $2 }' >"$tmp/in"
grep -v '^#' "$DEB/ip6_del_list" | awk 'NF >= 2 { split($1, a, "/"); print "ip6_del_list\t" $1 "\t" a[1] "\t" $2 }' >>"$tmp/in"
grep -v '^#' "$DEB/as_del_list" | awk 'NF >= 3 { print "as_del_list\t" $1 "-" $2 "\tAS" $1 "\t" $3 }' >>"$tmp/in"
cut -f3 "$tmp/in" | "$MXTRACE" data lookup >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || [ $st -eq 1 ] || { cat "$tmp/err"; echo "FAIL: mxtrace exited $st"; exit 1; }
[ "$(wc -l <"$tmp/in")" -eq "$(wc -l <"$tmp/out")" ] || { echo "FAIL: line counts differ"; exit 1; }
paste "$tmp/in" "$tmp/out" >"$tmp/joined"

# The table: "| list | line | Debian | mxtrace | why |"; line "all N lines naming X" groups.
sed -n '/<!-- debian-compare:begin -->/,/<!-- debian-compare:end -->/p' docs/SNAPSHOT.md |
	grep '^| [a-z0-9_]*_list |' >"$tmp/table"
[ -s "$tmp/table" ] || { echo "FAIL: no debian-compare table in docs/SNAPSHOT.md"; exit 1; }

awk -F'\t' -v table="$tmp/table" '
function norm(s) {
	if (s == "ripe") return "whois.ripe.net"
	if (s ~ /^(apnic|arin|lacnic|afrinic)$/) return "whois." s ".net"
	if (s == "twnic") return "whois.twnic.net"
	return s
}
BEGIN {
	while ((getline row < table) > 0) {
		n = split(row, c, "|")
		for (i = 1; i <= n; i++) { gsub(/^ +| +$/, "", c[i]); gsub(/`/, "", c[i]) }
		list = c[2]; line = c[3]; deb = c[4]; ours = c[5]
		if (line ~ /^all [0-9]+ lines naming /) {
			split(line, w, " ")
			want[list SUBSEP deb SUBSEP ours] = w[2]
		} else {
			specific[list SUBSEP line SUBSEP deb SUBSEP ours] = 1
		}
	}
}
{
	list = $1; line = $2; deb = norm($4); ours = ($7 == "-" ? "(none)" : $7); why = $14
	total[list]++
	if (deb == ours) { agree[list]++; next }
	# Both say there is no server, or both decide by the IPv4 address inside.
	if ((deb == "UNKNOWN" || deb == "UNALLOCATED") && ours == "(none)") { agree[list]++; next }
	if ((deb == "6to4" || deb == "teredo") && why == "embedded-ipv4") { agree[list]++; next }
	k = list SUBSEP line SUBSEP deb SUBSEP ours
	if (k in specific) { seen[k] = 1; diff[list]++; next }
	got[list SUBSEP deb SUBSEP ours]++
	diff[list]++
	example[list SUBSEP deb SUBSEP ours] = line
}
END {
	bad = 0
	for (k in got) {
		split(k, p, SUBSEP)
		if (!(k in want)) {
			printf "unexplained: %s %s: Debian %s, mxtrace %s (%d line(s))\n", p[1],
			       example[k], p[2], p[3], got[k]
			bad = 1
		} else if (want[k] != got[k]) {
			printf "count: %s lines naming %s -> %s: table says %s, now %d\n", p[1], p[2],
			       p[3], want[k], got[k]
			bad = 1
		}
	}
	for (k in want) if (!(k in got)) {
		split(k, p, SUBSEP); printf "stale row: %s all lines naming %s -> %s\n", p[1], p[2], p[3]
		bad = 1
	}
	for (k in specific) if (!(k in seen)) {
		split(k, p, SUBSEP); printf "stale row: %s %s %s -> %s\n", p[1], p[2], p[3], p[4]
		bad = 1
	}
	for (l in total)
		printf "%s: %d lines, %d same server, %d different (all explained: %s)\n", l,
		       total[l], agree[l], diff[l], bad ? "no" : "yes"
	exit bad
}' "$tmp/joined"
