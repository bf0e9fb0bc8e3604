#!/bin/sh
# Runs every test tier: Check unit suites, fuzz-corpus replays, then lab scripts.
# Environment: MXTRACE (binary under test), BUILD (build directory). Exit 0 only if all pass;
# a lab script exiting 77 is reported as skipped (with its reason) and does not fail the run.
set -u
: "${BUILD:?}" "${MXTRACE:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export MXTRACE BUILD
export CK_FORK=yes
pass=0 fail=0 skip=0
failed=""

report() { # name status
	case $2 in
	0) pass=$((pass + 1)); echo "PASS: $1" ;;
	77) skip=$((skip + 1)); echo "SKIP: $1" ;;
	*) fail=$((fail + 1)); failed="$failed $1"; echo "FAIL: $1 (exit $2)" ;;
	esac
}

for t in "$BUILD"/tests/check_*; do
	[ -x "$t" ] || continue
	"$t" >"$t.log" 2>&1
	st=$?
	[ $st -ne 0 ] && cat "$t.log"
	grep -h '^[0-9]*%: Checks' "$t.log" | sed "s|^|  $(basename "$t"): |"
	report "$(basename "$t")" $st
done

for r in "$BUILD"/fuzz/replay_fuzz_*; do
	[ -x "$r" ] || continue
	name=${r##*/replay_fuzz_}
	set -- "tests/fuzz/corpus/$name"
	if [ -f "tests/fuzz/$name.seeds" ]; then
		while IFS= read -r seed; do
			case $seed in ''|'#'*) continue ;; esac
			if [ -e "$seed" ]; then set -- "$@" "$seed"
			else echo "  note: seed $seed absent, skipped"; fi
		done <"tests/fuzz/$name.seeds"
	fi
	"$r" "$@" >"$r.log" 2>&1
	st=$?
	[ $st -ne 0 ] && tail -20 "$r.log"
	tail -1 "$r.log" | sed "s|^|  |"
	report "fuzz-replay $name" $st
done

for s in tests/lab/test_*.sh; do
	[ -f "$s" ] || continue
	log="$BUILD/lab-$(basename "$s" .sh).log"
	sh "$s" >"$log" 2>&1
	st=$?
	if [ $st -eq 77 ]; then
		sed -n 's/^SKIP: /  skipped: /p' "$log" | head -3
	elif [ $st -ne 0 ]; then
		tail -40 "$log"
	fi
	report "$(basename "$s")" $st
done

echo "== $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
exit 0
