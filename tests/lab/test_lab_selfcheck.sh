#!/bin/sh
# The lab harness itself: a namespace is created, isolated, and cleaned up.
. "$(dirname "$0")/lib.sh"
lab_ns_create selfcheck
lab_ns_addr 192.0.2.1/32 2001:db8::1/128
lab_exec ip addr show dev lo | grep -q 192.0.2.1 || lab_fail "address not added"
# Only loopback exists inside: no route to anything else.
if lab_exec ip route get 8.8.8.8 >/dev/null 2>&1; then
	lab_fail "namespace has a route out"
fi
echo "namespace $LAB_NS ok"
