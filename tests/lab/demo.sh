#!/bin/sh
# `make run`: start the example lab and trace the example scams end to end, writing report
# drafts to ${DEMO_OUT:-build/demo}. Needs root for the network namespace.
set -u
LAB_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
: "${MXTRACE:=$(pwd)/mxtrace}"
out=${DEMO_OUT:-build/demo}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "== starting the loopback lab (namespace, nsd, unbound, lab WHOIS servers)"
demo_lab_start demo
echo "== mxtrace trace examples/*.eml --report $out/reports --trail $out/trail.jsonl"
echo
demo_mxtrace trace --trail "$out/trail.jsonl" --report "$out/reports" \
	examples/inheritance.eml examples/lottery-freemail.eml examples/phishing-dead.eml
rc=$?
echo
echo "== exit code $rc; $(wc -l <"$out/trail.jsonl") exchanges in $out/trail.jsonl"
echo "== first draft:"
first=$(ls "$out/reports" | head -1)
[ -n "$first" ] && sed -n '1,40p' "$out/reports/$first"
# 0: something to report was found
exit $rc
