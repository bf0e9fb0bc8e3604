#!/bin/sh
# tools/update-data, offline: the script parses, lists the official sources, and its parser
# of the IANA root zone database index agrees with the root database table in
# ../shared/data (type of every TLD). The downloads themselves are never run by tests.
set -u
sh -n tools/update-data || { echo "FAIL: tools/update-data has a syntax error"; exit 1; }
list=$(sh tools/update-data --list) || { echo "FAIL: --list"; exit 1; }
for u in https://www.iana.org/assignments/as-numbers/as-numbers.xml \
	https://data.iana.org/rdap/dns.json \
	https://ftp.arin.net/pub/stats/arin/delegated-arin-extended-latest \
	https://ftp.ripe.net/pub/stats/ripencc/delegated-ripencc-extended-latest \
	https://publicsuffix.org/list/public_suffix_list.dat \
	https://www.internic.net/domain/named.root; do
	echo "$list" | grep -qx "$u" || { echo "FAIL: --list lacks $u"; exit 1; }
done
sh tools/update-data >/dev/null 2>&1
[ $? -eq 64 ] || { echo "FAIL: no argument should be a usage error"; exit 1; }
DB=../shared/data/whois-servers/iana-root-db
[ -f "$DB/iana-root.html" ] || { echo "SKIP: $DB absent: root index parser not checked"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-update.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
sh tools/update-data --parse-root-index "$DB/iana-root.html" >"$tmp/idx" || exit 1
n=$(wc -l <"$tmp/idx")
[ "$n" -eq 1595 ] || { echo "FAIL: $n TLDs parsed, want 1595"; exit 1; }
grep -q "^com	generic	VeriSign Global Registry Services\$" "$tmp/idx" ||
	{ echo "FAIL: com row"; exit 1; }
grep -q '^am	country-code	"Internet Society" Non-governmental Organization$' "$tmp/idx" ||
	{ echo "FAIL: entities in the manager"; exit 1; }
# The type column of every TLD agrees with the CSV (3rd column, unquoted rows suffice).
awk -F'\t' 'NR == FNR { t[$1] = $2; next }
	FNR > 1 { split($0, c, ","); if (c[1] in t && c[3] != "" && c[3] != t[c[1]]) { print "type differs: " c[1]; bad = 1 } }
	END { exit bad }' "$tmp/idx" "$DB/tld-whois-rdap.csv" || exit 1
echo "ok: $n TLDs"
