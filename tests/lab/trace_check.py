#!/usr/bin/env python3
"""Checks on one `mxtrace trace --json --trail` run, for tests/lab/test_trace_lab.sh.

usage: trace_check.py CHECK [ARGS...] OUTPUT.json TRAIL.jsonl
Exit 0 when the check holds, 1 (with a reason on stderr) when it does not.
Set UPDATE_GOLDEN=1 to rewrite a golden file instead of comparing with it.
"""
import email
import email.policy
import json
import os
import sys

# Members whose values change from run to run (timing, ports, lab addresses, file sizes of
# the answers are stable but the hop timing is not).
VOLATILE = {"elapsed_ms", "src_port", "qid", "address_port", "text"}


def load_items(path):
    with open(path, encoding="utf-8") as f:
        data = f.read()
    data = data.strip()
    if not data:
        return []
    try:
        return [json.loads(data)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in data.splitlines() if line.strip()]


def load_trail(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def traces(items):
    for it in items:
        for t in it.get("traces", []):
            yield t


def fail(msg):
    print("check failed: " + msg, file=sys.stderr)
    sys.exit(1)


def normalise(o):
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            if k in VOLATILE:
                continue
            # An address's WHOIS details depend on which of two addresses in one netblock
            # reached the server first (the other is answered from the netblock cache);
            # the extracted facts (netblock, holder, abuse) stay and are compared.
            if k == "whois" and "snapshot" in o and "address" in o:
                continue
            if k == "address" and isinstance(v, str) and v.startswith("192.0.2.") and ":" in v:
                continue  # the lab address:port of a WHOIS server
            out[k] = normalise(v)
        return out
    if isinstance(o, list):
        return [normalise(v) for v in o]
    return o


def original(path):
    with open(path, "rb") as f:
        return f.read()


def check_drafts_text(d, originals):
    raws = [original(p) for p in originals]
    names = sorted(os.listdir(d))
    if not names:
        fail("no drafts in " + d)
    for n in names:
        data = original(os.path.join(d, n))
        msg = email.message_from_bytes(data, policy=email.policy.default)
        for h in ("To", "Subject", "Date", "MIME-Version"):
            if msg[h] is None:
                fail("%s: no %s header" % (n, h))
        if msg.defects:
            fail("%s: header defects %r" % (n, msg.defects))
        head = data.split(b"\n\n", 1)[0]
        for line in head.split(b"\n"):
            if line and not line[:1].isspace() and b":" not in line:
                fail("%s: not a header line: %r" % (n, line))
        if "provider" in n:
            if "gmail" not in data.decode("utf-8", "replace").lower():
                fail(n + ": provider draft does not name the mailbox")
        # every draft carries at least one original, byte for byte, between the markers
        if not any(r in data for r in raws):
            fail(n + ": no original message copied unaltered")
        if "network" in n and raws[0] not in data:
            fail(n + ": the network draft lacks the traced message")
        if msg["To"] and "@" not in str(msg["To"]) and "provider" not in n:
            fail(n + ": no abuse address in To")


def check_drafts_arf(d, originals):
    raw = original(originals[0])
    names = sorted(os.listdir(d))
    if not names:
        fail("no drafts in " + d)
    for n in names:
        data = original(os.path.join(d, n))
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        if msg.get_content_type() != "multipart/report":
            fail(n + ": not multipart/report")
        if msg.get_param("report-type") != "feedback-report":
            fail(n + ": report-type is not feedback-report")
        parts = msg.get_payload()
        types = [p.get_content_type() for p in parts]
        if types != ["text/plain", "message/feedback-report", "message/rfc822"]:
            fail("%s: parts %r" % (n, types))
        fb = parts[1].get_payload()
        if isinstance(fb, list):
            fb = "\n".join(str(x) for x in fb)
        fields = {}
        for line in str(fb).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                fields.setdefault(k.strip().lower(), []).append(v.strip())
        for k, want in (("feedback-type", "fraud"), ("version", "1")):
            if fields.get(k) != [want]:
                fail("%s: %s is %r" % (n, k, fields.get(k)))
        if len(fields.get("user-agent", [])) != 1:
            fail(n + ": User-Agent must appear once")
        if not fields.get("reported-domain"):
            fail(n + ": no Reported-Domain")
        if not any(u.startswith("mailto:") for u in fields.get("reported-uri", [])):
            fail(n + ": no Reported-URI mailto:")
        if raw not in data:
            fail(n + ": the message/rfc822 part is not the original byte for byte")


def main(argv):
    if len(argv) < 4:
        fail(__doc__)
    check, args, out, trail_path = argv[1], argv[2:-2], argv[-2], argv[-1]
    items = load_items(out)
    trail = load_trail(trail_path)
    ts = list(traces(items))
    if check == "verdict":
        codes = [t["verdict"]["code"] for t in ts] or ["none"]
        if codes[0] != args[0]:
            fail("verdict %r, wanted %r" % (codes, args[0]))
    elif check == "recipients":
        got = set()
        for t in ts:
            for r in t["recipients"]:
                got.update(r["to"])
        if got != set(args):
            fail("recipients %r, wanted %r" % (sorted(got), sorted(args)))
    elif check == "trail-complete":
        need = ("time", "step", "proto", "server", "port", "qname", "outcome", "elapsed_ms",
                "cause")
        if not trail:
            fail("empty trail")
        for r in trail:
            miss = [k for k in need if k not in r]
            if miss:
                fail("trail record lacks %r: %r" % (miss, r))
    elif check == "trail-count":
        if len(trail) != int(args[0]):
            fail("%d trail records, wanted %s" % (len(trail), args[0]))
    elif check == "item-error":
        if not items or "error" not in items[0] or items[0].get("traces"):
            fail("no input error reported: %r" % (items[:1],))
    elif check == "jsonl":
        if len(items) != int(args[0]):
            fail("%d JSON lines, wanted %s" % (len(items), args[0]))
    elif check == "once-whois":
        hits = [(r.get("server_name"), r.get("qname")) for r in trail
                if r.get("proto") in ("whois", "rwhois") and args[0] in (r.get("qname") or "")]
        if not hits:
            fail("no WHOIS query for " + args[0])
        if len(hits) != len(set(hits)):
            fail("a WHOIS query for %s was sent twice: %r" % (args[0], hits))
    elif check == "once-dns":
        hits = [r for r in trail if r.get("qname") == args[0] and r.get("qtype") == args[1]]
        if len(hits) != 1:
            fail("%d DNS queries for %s %s, wanted 1" % (len(hits), args[0], args[1]))
    elif check == "netblock-pair":
        sent = [a for a in args
                if any(r.get("proto") == "whois" and a in (r.get("qname") or "") for r in trail)]
        if len(sent) != 1:
            fail("WHOIS queries sent for %r, wanted exactly one of %r" % (sent, args))
        cached = [a["address"] for t in ts for h in t["hosts"] for a in h["addresses"]
                  if a["address"] in args and a["whois"] and a["whois"]["from_netblock_cache"]]
        if len(set(cached)) != 1 or cached[0] in sent:
            fail("netblock cache hits %r, wanted the one not sent of %r" % (cached, args))
    elif check == "missing":
        if not any(args[0] in m for t in ts for m in t["missing"]):
            fail("no missing-fact note names " + args[0])
    elif check == "drafts-text":
        check_drafts_text(args[0], args[1:])
    elif check == "drafts-arf":
        check_drafts_arf(args[0], args[1:])
    elif check == "golden":
        got = normalise(items[0])
        if os.environ.get("UPDATE_GOLDEN"):
            with open(args[0], "w", encoding="utf-8") as f:
                json.dump(got, f, indent=1, sort_keys=True, ensure_ascii=False)
                f.write("\n")
            return
        with open(args[0], encoding="utf-8") as f:
            want = json.load(f)
        if got != want:
            a = json.dumps(got, indent=1, sort_keys=True).splitlines()
            b = json.dumps(want, indent=1, sort_keys=True).splitlines()
            import difflib
            diff = "\n".join(list(difflib.unified_diff(b, a, "golden", "now", lineterm=""))[:60])
            fail("JSON differs from %s:\n%s" % (args[0], diff))
    else:
        fail("unknown check " + check)


if __name__ == "__main__":
    main(sys.argv)
