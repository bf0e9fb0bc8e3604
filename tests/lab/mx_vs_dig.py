#!/usr/bin/env python3
"""Compare `mxtrace mx --json` with the manual dig procedure on the lab resolver.

usage: mx_vs_dig.py NAMESPACE RESOLVER MXTRACE_JSONL DOMAIN...
For every domain, dig asks MX, follows CNAMEs, then asks A and AAAA of every exchange (or of
the domain itself when it has no MX) and derives the verdict the way a person would; the
verdict, the MX set and every address set must equal what mxtrace reported. Prints one line
per domain and exits 1 on any difference.
"""
import json
import re
import subprocess
import sys

ns, resolver, jsonl = sys.argv[1], sys.argv[2], sys.argv[3]
domains = sys.argv[4:]


def dig(name, rtype):
    cmd = ["ip", "netns", "exec", ns, "dig", "+time=3", "+tries=2", "@" + resolver, name,
           rtype, "+noall", "+comments", "+answer"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"status: (\w+)", out)
    status = m.group(1) if m else "TIMEOUT"
    rrs = []
    for line in out.splitlines():
        if not line or line.startswith(";"):
            continue
        f = line.split(None, 4)
        if len(f) == 5:
            rrs.append((f[0].lower(), f[3], f[4]))
    return status, rrs


def follow(name, rtype, rrs):
    """Records of rtype at the end of name's CNAME chain in an answer."""
    cur, hops = name.lower(), 0
    while hops < 16:
        if any(o == cur and t == rtype for o, t, _ in rrs):
            break
        nxt = [d for o, t, d in rrs if o == cur and t == "CNAME"]
        if not nxt:
            break
        cur, hops = nxt[0].lower(), hops + 1
    return [d for o, t, d in rrs if o == cur and t == rtype]


def addresses(name):
    got, temp = set(), False
    for rtype in ("A", "AAAA"):
        st, rrs = dig(name, rtype)
        if st not in ("NOERROR", "NXDOMAIN"):
            temp = True
        got.update(follow(name, rtype, rrs))
    return got, temp


def expected(domain):
    fq = domain.rstrip(".") + "."
    st, rrs = dig(fq, "MX")
    if st == "NXDOMAIN":
        return "nxdomain", {}
    if st != "NOERROR":
        return "temporary-failure", {}
    mx = []
    for d in follow(fq, "MX", rrs):
        pref, exch = d.split()
        mx.append((int(pref), exch.lower()))
    if mx and all(e == "." for _, e in mx):
        return "null-mx", {}
    hosts = {}
    if not mx:
        addrs, temp = addresses(fq)
        if addrs:
            return "implicit-mx", {(0, fq): addrs}
        return ("temporary-failure" if temp else "no-mail"), {(0, fq): set()}
    anytemp = False
    for pref, exch in mx:
        if exch == ".":
            continue
        key = (pref, exch)
        addrs, temp = addresses(exch)
        anytemp = anytemp or temp
        hosts[key] = addrs
    if any(hosts.values()):
        return "found", hosts
    return ("temporary-failure" if anytemp else "all-dead"), hosts


results = {}
with open(jsonl) as f:
    for line in f:
        r = json.loads(line)
        results[r["domain"].lower()] = r

bad = 0
for d in domains:
    fq = d.rstrip(".").lower() + "."
    want_status, want_hosts = expected(d)
    r = results.get(fq)
    if r is None:
        print("MISSING %s" % fq)
        bad += 1
        continue
    got_hosts = {(h["preference"], h["name"].lower()): set(h["addresses"])
                 for h in r["exchanges"]}
    same = r["status"] == want_status and got_hosts == want_hosts
    print("%s %-20s dig: %-17s mxtrace: %-17s exchanges %d, addresses %d" % (
        "ok  " if same else "DIFF", fq, want_status, r["status"], len(got_hosts),
        sum(len(a) for a in got_hosts.values())))
    if not same:
        print("   dig:     %s" % sorted((k, sorted(v)) for k, v in want_hosts.items()))
        print("   mxtrace: %s" % sorted((k, sorted(v)) for k, v in got_hosts.items()))
        bad += 1
sys.exit(1 if bad else 0)
