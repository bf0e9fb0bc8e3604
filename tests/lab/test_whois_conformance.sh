#!/bin/sh
# WHOIS parser conformance over the recorded real answers in ../shared/data/whois-responses:
# every file parses without a crash, no placeholder or wrong party is ever offered as an
# abuse contact, and the files listed in tests/data/whois-conformance.tsv give the state,
# abuse contact, registrar and referral a reader finds in them. Skips when the data is absent.
. "$(dirname "$0")/lib.sh"
data=../shared/data/whois-responses
[ -d "$data" ] || lab_skip "$data absent (shared real WHOIS answers)"
conform="$BUILD/lab/whois_conform"
[ -x "$conform" ] || lab_fail "$conform not built"
lab_timeout 120 "$conform" "$data" tests/data/whois-conformance.tsv
