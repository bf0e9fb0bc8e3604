#!/bin/sh
# Conformance of `mxtrace addrs` over the shared scam corpus (../shared/data/emails):
# every message is read without a crash, the Nazario mbox gives all 415 messages, the top
# candidate of every INDEX.tsv message with a Reply-To is that address, and no victim
# address (phishing@pot, username@domain.com, To/Cc/Delivered-To/X-Original-To) is ever a
# candidate. The recipient lists are taken with Python's own email parser, independently
# of ours. Skips when the corpus or python3 is absent.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
data="$top/../shared/data/emails"
[ -d "$data" ] || { echo "SKIP: $data absent: corpus conformance not run"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
: "${MXTRACE:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-mail-conf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

fail=0
find "$data" -type f ! -name INDEX.tsv | sort >"$tmp/files"
while IFS= read -r f; do
	out="$tmp/$(echo "$f" | tr '/' '_').jsonl"
	timeout 120 "$MXTRACE" addrs --json "$f" >"$out" 2>"$out.err"
	st=$?
	case $st in
	0|1) ;;
	*) echo "FAIL: $f: exit $st"; cat "$out.err"; fail=1 ;;
	esac
	printf '%s\t%s\n' "$f" "$out" >>"$tmp/map"
done <"$tmp/files"

python3 - "$data" "$tmp/map" <<'PY' || fail=1
import csv, email, email.policy, email.utils, json, sys

data, mapfile = sys.argv[1], sys.argv[2]
outs = dict(line.rstrip("\n").split("\t") for line in open(mapfile))
bad = 0

def results(path):
    return [json.loads(l) for l in open(outs[path], encoding="utf-8") if l.strip()]

def lower(a):
    return a.strip().lower()

def victims(raw):
    """Recipient addresses by Python's parser, minus the list's own posting address."""
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    vs = {"phishing@pot", "username@domain.com"}
    for h in ("To", "Cc", "Delivered-To", "X-Original-To"):
        for _, a in email.utils.getaddresses([str(v) for v in m.get_all(h, [])]):
            if "@" in a:
                vs.add(lower(a))
    lists = set()
    for v in m.get_all("List-Post", []):
        s = str(v)
        if "mailto:" in s:
            lists.add(lower(s.split("mailto:", 1)[1].split(">")[0].split("?")[0]))
    for _, a in email.utils.getaddresses([str(v) for v in m.get_all("Sender", [])]):
        loc, _, dom = lower(a).partition("@")
        for pre in ("owner-",):
            if loc.startswith(pre):
                lists.add(loc[len(pre):] + "@" + dom)
        for suf in ("-admin", "-request", "-bounces", "-owner"):
            if loc.endswith(suf):
                lists.add(loc[: -len(suf)] + "@" + dom)
    return vs - lists

nmsg = 0
for path in sorted(outs):
    raw_file = open(path, "rb").read()
    for r in results(path):
        nmsg += 1
        if r["status"] != "ok":
            print("FAIL: %s #%d not read: %s" % (path, r["message"], r.get("error")))
            bad += 1
            continue
        raw = raw_file[r["offset"]: r["offset"] + r["length"]]
        vs = victims(raw)
        for c in r["candidates"]:
            if lower(c["address_ascii"]) in vs or lower(c["address"]) in vs:
                print("FAIL: %s #%d: victim address %s is a candidate" % (path, r["message"], c["address"]))
                bad += 1

mbox = data + "/mbox/nazario-phishing0.mbox"
n = len(results(mbox))
if n != 415:
    print("FAIL: mbox gave %d messages, want 415" % n)
    bad += 1

checked = 0
with open(data + "/INDEX.tsv", newline="", encoding="utf-8", errors="replace") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        rt = row["reply_to"].strip()
        if not rt:
            continue
        want = lower(email.utils.parseaddr(rt)[1])
        rs = results(data + "/" + row["file"])
        top = lower(rs[0]["candidates"][0]["address_ascii"]) if rs and rs[0]["candidates"] else "-"
        checked += 1
        if top != want:
            print("FAIL: %s: top candidate %s, Reply-To %s" % (row["file"], top, want))
            bad += 1
print("corpus: %d messages read, %d Reply-To checks, %d failures" % (nmsg, checked, bad))
sys.exit(1 if bad else 0)
PY
[ $fail -eq 0 ] || exit 1
echo "PASS: corpus conformance"
