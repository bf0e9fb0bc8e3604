#!/usr/bin/env python3
"""What an `mxtrace trace --trail FILE` run waited for (for the trace benchmarks).

usage: trace_path.py critical TRAIL DELAY_MS   the critical path and late starts
       trace_path.py counts TRAIL [JSON]       queries per distinct name / netblock

Every trail record is one round trip (a DNS query, or a WHOIS connection with its query and
answer). Each record depends on what it needed, read from its cause and its server:
  - an exchange's A/AAAA query needs the MX answer of its reply domain;
  - the first record of a WHOIS lookup ("address X of MX host H (of D)") needs the A or
    AAAA answer of H that holds X; "registered domain of MX host H (of D)" needs the MX
    answer of D (the exchange's name); the reply domain's own registrar needs nothing;
  - every later record of a lookup needs the one before it (the referral, or the server's
    address), and a WHOIS hop to server S needs the DNS answer that gave S's address
    (whichever lookup asked for it: the resolver joins and caches);
  - a warm-up query (RIR servers resolved ahead) needs the MX answer that triggered it.
The critical path is the longest chain of such dependencies; at DELAY_MS per answer it
cannot take less than its length x DELAY_MS. A record that started well after everything it
needed had arrived is reported as a late start (a scheduling fault).
"""
import datetime
import json
import re
import sys

TOLERANCE_MS = 3     # trail times are whole milliseconds


def load(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    for i, r in enumerate(recs):
        t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        r["_i"] = i
        r["_start"] = t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000.0
        r["_end"] = r["_start"] + r.get("elapsed_ms", 0)
        cause = r.get("cause", "")
        m = re.match(r"WHOIS server \S+ for (.*)", cause)   # DNS of a WHOIS server's name
        r["_group"] = (m.group(1) if m else cause).split("; ")[0]
    return recs


def is_dns(r):
    return r.get("proto") in ("udp", "tcp")


def label(r):
    if is_dns(r):
        return "DNS %s %s" % (r.get("qtype"), r.get("qname"))
    return "WHOIS %s \"%s\"" % (r.get("server_name"), r.get("qname"))


def norm(name):
    return name.rstrip(".").lower() + "."


def deps(recs):
    """For every record, the records it needed."""
    mx_of = {}
    addr_of = {}          # (host, family) -> records
    dns_of = {}           # name -> DNS A/AAAA records
    for r in recs:
        if is_dns(r) and r.get("qtype") == "MX":
            mx_of.setdefault(norm(r["qname"]), []).append(r)
        if is_dns(r) and r.get("qtype") in ("A", "AAAA"):
            dns_of.setdefault(norm(r["qname"]), []).append(r)
            addr_of.setdefault((norm(r["qname"]), r["qtype"]), []).append(r)
    groups = {}
    for r in recs:
        if r["_group"] and not r["_group"].startswith(("MX of", "exchange ", "warm-up")):
            groups.setdefault(r["_group"], []).append(r)
    for g in groups.values():
        g.sort(key=lambda x: (x["_start"], x["_i"]))

    def latest_before(cands, t):
        ok = [c for c in cands if c["_end"] <= t + TOLERANCE_MS]
        return [max(ok, key=lambda c: c["_end"])] if ok else []

    out = {}
    for r in recs:
        need = []
        cause = r.get("cause", "")
        m = re.match(r"exchange \d+ (\S+) of (\S+)", cause)
        if is_dns(r) and m:
            need += latest_before(mx_of.get(norm(m.group(2)), []), r["_start"])
        elif cause.startswith("warm-up"):
            need += latest_before([x for v in mx_of.values() for x in v], r["_start"])
        elif r["_group"] in groups:
            g = groups[r["_group"]]
            k = g.index(r)
            if k > 0:
                need.append(g[k - 1])
            else:
                m1 = re.match(r"address (\S+) of MX host (\S+) \(of (\S+)\)", r["_group"])
                m2 = re.match(r"registered domain of MX host (\S+) \(of (\S+)\)", r["_group"])
                if m1:
                    fam = "AAAA" if ":" in m1.group(1) else "A"
                    need += latest_before(addr_of.get((norm(m1.group(2)), fam), []),
                                          r["_start"])
                elif m2:
                    need += latest_before(mx_of.get(norm(m2.group(2)), []), r["_start"])
        if not is_dns(r) and r.get("server_name"):
            need += latest_before(dns_of.get(norm(r["server_name"]), []), r["_start"])
        out[r["_i"]] = list({d["_i"]: d for d in need if d is not r}.values())
    return out


def critical(path, delay):
    recs = load(path)
    if not recs:
        print("empty trail")
        return 1
    dep = deps(recs)
    t0 = min(r["_start"] for r in recs)
    depth, via = {}, {}
    for r in sorted(recs, key=lambda x: (x["_end"], x["_i"])):
        best = max(dep[r["_i"]], key=lambda d: (depth.get(d["_i"], 0),
                                                   not d.get("cause", "").startswith("warm-up"),
                                                   d["_end"]),
                   default=None)
        depth[r["_i"]] = 1 + (depth.get(best["_i"], 0) if best else 0)
        via[r["_i"]] = best
    n = max(depth.values())
    last = max((r for r in recs if depth[r["_i"]] == n), key=lambda r: r["_end"])
    chain = []
    while last is not None:
        chain.append(last)
        last = via[last["_i"]]
    chain.reverse()
    ends = max(r["_end"] for r in recs) - t0
    print("critical path: %d round trips x %d ms = %d ms" % (n, delay, n * delay))
    for k, r in enumerate(chain, 1):
        print("  %d. %-62s  %4.0f-%4.0f ms" % (k, label(r), r["_start"] - t0, r["_end"] - t0))
    ties = [r for r in recs if depth[r["_i"]] == n and r is not chain[-1]]
    if ties:
        more = " and %d more" % (len(ties) - 3) if len(ties) > 3 else ""
        print("  (as long: " + "; ".join(label(r) for r in ties[:3]) + more + ")")
    late = []
    for r in recs:
        ready = max((d["_end"] for d in dep[r["_i"]]), default=t0)
        slack = r["_start"] - ready
        if slack > max(10, delay / 5):
            late.append((slack, r, dep[r["_i"]]))
    if late:
        print("late starts (%d started after everything they needed had arrived):" % len(late))
        late.sort(key=lambda x: -x[0])
        for slack, r, d in late[:5]:
            print("  %s: %+.0f ms after %s" % (label(r), slack,
                                              ", ".join(label(x) for x in d) or "the start"))
        if len(late) > 5:
            print("  ... and %d more, %.0f to %.0f ms late" % (len(late) - 5, late[-1][0],
                                                             late[5][0]))
    else:
        print("late starts: none (every lookup started within %d ms of its inputs)" %
              max(10, delay / 5))
    print("first query to last answer: %.0f ms; %d round trips in all" % (ends, len(recs)))
    print("CRITICAL %d %d" % (n, n * delay))
    return 0


def counts(path, json_path=None):
    recs = load(path)
    dns = [r for r in recs if is_dns(r)]
    whois = [r for r in recs if not is_dns(r)]
    names = {(norm(r["qname"]), r.get("qtype")) for r in dns}
    print("DNS queries: %d for %d distinct (name, type): %.2f per name" %
          (len(dns), len(names), len(dns) / max(1, len(names))))
    dup = {}
    for r in dns:
        k = (norm(r["qname"]), r.get("qtype"))
        dup[k] = dup.get(k, 0) + 1
    for k, v in sorted(dup.items()):
        if v > 1:
            print("  asked %d times: %s %s" % (v, k[0], k[1]))
    ipw = [r for r in whois if r.get("step", "").endswith("-ip")]
    dw = [r for r in whois if r.get("step", "").endswith("-domain")]
    print("WHOIS exchanges: %d (IP %d, domain %d)" % (len(whois), len(ipw), len(dw)))
    blocks = set()
    addrs = set()
    if json_path:
        with open(json_path, encoding="utf-8") as f:
            data = f.read()
        try:
            items = [json.loads(data)]
        except json.JSONDecodeError:
            items = [json.loads(line) for line in data.splitlines() if line.strip()]
        for item in items:
            for t in item.get("traces", []):
                for h in t.get("hosts", []):
                    for a in h.get("addresses", []):
                        addrs.add(a.get("address"))
                        if a.get("netblock"):
                            blocks.add(a["netblock"])
        chains = {r["_group"] for r in ipw}
        print("addresses: %d distinct, %d distinct netblocks; IP WHOIS lookups that went on "
              "the wire: %d" % (len(addrs), len(blocks), len(chains)))
        if blocks:
            print("IP WHOIS exchanges per distinct netblock: %.2f (lookups per netblock "
                  "%.2f)" % (len(ipw) / len(blocks), len(chains) / len(blocks)))
        print("COUNTS %d %d %d %d %d %d" % (len(dns), len(names), len(ipw), len(chains),
                                            len(blocks), len(dw)))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "critical":
        return critical(argv[2], int(argv[3]))
    if len(argv) >= 3 and argv[1] == "counts":
        return counts(argv[2], argv[3] if len(argv) > 3 else None)
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
