#!/usr/bin/env python3
"""Generate the lab world of bench/trace_batch.sh (written to a temporary directory).

usage: gen_trace_batch.py OUT [MESSAGES [DOMAINS [NETWORKS]]]   (defaults 200 50 10)

OUT/msgs/NNN.eml   scam messages (inheritance, lottery, refund, parcel fee, job offer,
                   romance, crypto recovery, invoice, charity, loan), each naming one reply
                   address: in Reply-To, or only in the body, plain or base64 or HTML
OUT/zones/*.zone   the reply domains (.com) and the shared relay domains (.net)
OUT/whois/SERVER/  WHOIS answers in the lab server's layout (an overlay for lib_demo.sh):
                   networks at RIPE, at ARIN, and ARIN blocks transferred to RIPE; every
                   domain at Verisign, referring to one of the lab registrars
OUT/expect.json    message -> reply domain, network of each domain, the netblocks

Every reply domain is hosted on one network (domain i on network i % NETWORKS); a domain
either has its own two exchanges (mx1/mx2.DOMAIN) or uses its network's shared relays
(mx1/mx2.relayK-mail.net), each exchange with one IPv4 and one IPv6 address in the
network's /24 and /48. All names, holders and contacts are fictitious.
"""
import base64
import json
import os
import random
import sys
import zlib

NETS = [
    # name, country, kind, IPv4 /24 prefix, IPv6 /48 prefix
    ("Nordwind Hosting AB", "SE", "ripe", "185.100.20", "2a02:7b40:20"),
    ("Baltic VPS SIA", "LV", "ripe", "185.101.21", "2a02:7b41:21"),
    ("Danube Cloud SRL", "RO", "ripe", "185.102.22", "2a02:7b42:22"),
    ("Adriatic Servers d.o.o.", "HR", "ripe", "185.103.23", "2a02:7b43:23"),
    ("Carpathian Net s.r.o.", "SK", "ripe", "185.104.24", "2a02:7b44:24"),
    ("Iberia Colo SL", "ES", "ripe", "185.105.25", "2a02:7b45:25"),
    ("Prairie Host LLC", "US", "arin", "64.46.36", "2605:5c06:36"),
    ("Lakeside Datacenter Inc", "CA", "arin", "64.47.37", "2605:5c07:37"),
    ("Harbor Relay Ltd", "GB", "arin-ripe", "63.158.38", "2602:ff48:38"),
    ("Meridian Transit BV", "NL", "arin-ripe", "63.159.39", "2602:ff49:39"),
]
REGISTRARS = [
    ("whois.labregistrar.example", "Lab Registrar, Inc.", "4242", "abuse@labregistrar.example"),
    ("whois.namesrus.example", "Names R Us Ltd", "9901", "abuse@namesrus.example"),
]
W1 = "secure global prime first united royal trust swift rapid premier".split()
W2 = "refund payout claims parcel prize funds transfer benefit escrow relief".split()
W3 = "desk office center service agency bureau point hub line portal".split()
FIRST = "James Mary Robert Linda Ahmed Grace Peter Helen Samuel Fatima Victor Irene".split()
LAST = "Okafor Williams Mensah Kowalski Harrington Adeyemi Collins Novak Brown Dubois".split()
LOCAL = "claims payments support agent desk info release office verify manager".split()


def slug(s):
    return "".join(c for c in s.lower() if c.isalnum())


def ripe_net(n, k, v6):
    name, cc, _, p4, p6 = n
    h = slug(name)[:10].upper()
    if v6:
        rng, obj, nm = "%s::/48" % p6, "inet6num", "%s-V6" % h
    else:
        rng, obj, nm = "%s.0 - %s.255" % (p4, p4), "inetnum", "%s-NET" % h
    return """% This is the RIPE Database query service.
% The objects are in RPSL format.

% Information related to '{rng}'

% Abuse contact for '{rng}' is 'abuse@{s}.example'

{obj}:{pad}{rng}
netname:        {nm}
descr:          {name} customer servers
country:        {cc}
org:            ORG-B{k}-RIPE
admin-c:        BN{k}-RIPE
tech-c:         BN{k}-RIPE
status:         ASSIGNED{pa}
mnt-by:         B{k}-MNT
created:        2020-03-0{d}T10:00:00Z
last-modified:  2025-09-1{d}T12:00:00Z
source:         RIPE

organisation:   ORG-B{k}-RIPE
org-name:       {name}
country:        {cc}
org-type:       OTHER
abuse-c:        BA{k}-RIPE
mnt-by:         B{k}-MNT
source:         RIPE # Filtered

% This query was served by the RIPE Database Query Service version 1.112 (BENCH)
""".format(rng=rng, s=slug(name), obj=obj, pad=" " * (16 - len(obj) - 1), nm=nm, name=name,
           cc=cc, k=k, pa="" if v6 else " PA", d=k % 9 + 1)


def arin_head():
    return """
#
# ARIN WHOIS data and services are subject to the Terms of Use
# available at: https://www.arin.net/resources/registry/whois/tou/
#

"""


def arin_net(n, k, v6):
    name, cc, kind, p4, p6 = n
    if v6:
        rng, cidr = "%s:: - %s:ffff:ffff:ffff:ffff:ffff" % (p6, p6), "%s::/48" % p6
    else:
        rng, cidr = "%s.0 - %s.255" % (p4, p4), "%s.0/24" % p4
    if kind == "arin-ripe":
        return arin_head() + """NetRange:       {rng}
CIDR:           {cidr}
NetName:        RIPE-TRANSFER-B{k}
NetType:        Transferred to RIPE NCC
Organization:   RIPE Network Coordination Centre (RIPE)
Comment:        These addresses are under RIPE NCC management after a transfer.

OrgName:        RIPE Network Coordination Centre
OrgId:          RIPE
Country:        NL
ReferralServer:  whois://whois.ripe.net

OrgAbuseHandle: ABUSE3850-ARIN
OrgAbuseEmail:  abuse@ripe.net
""".format(rng=rng, cidr=cidr, k=k) + arin_head()
    s = slug(name)
    return arin_head() + """NetRange:       {rng}
CIDR:           {cidr}
NetName:        {nm}
NetHandle:      NET-B{k}-{v}
NetType:        Reassigned
Organization:   {name} (B{k})
RegDate:        2019-0{d}-11
Updated:        2025-0{d}-02

OrgName:        {name}
OrgId:          B{k}
City:           Springfield
Country:        {cc}

OrgAbuseHandle: ABUSE{k}-ARIN
OrgAbuseName:   Abuse Desk
OrgAbuseEmail:  abuse@{s}.example
OrgAbusePhone:  +1-555-010-0{k}{k}
""".format(rng=rng, cidr=cidr, nm=slug(name)[:12].upper() + ("-V6" if v6 else "-NET"), k=k,
           v="6" if v6 else "4", name=name, cc=cc, s=s, d=k % 9 + 1) + arin_head()


def verisign(dom, reg, created):
    up = dom.upper()
    return """   Domain Name: {up}
   Registry Domain ID: {rid}_DOMAIN_{tld}-VRSN
   Registrar WHOIS Server: {srv}
   Registrar URL: http://www.{srv2}
   Updated Date: 2026-11-0{d}T10:11:12Z
   Creation Date: {created}
   Registrar: {name}
   Registrar IANA ID: {iana}
   Registrar Abuse Contact Email: {abuse}
   Registrar Abuse Contact Phone: +1.5555550100
   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
   Name Server: NS1.{up}
   DNSSEC: unsigned
>>> Last update of whois database: 2026-12-04T12:00:00Z <<<

The Registry database contains ONLY .COM, .NET, .EDU domains and
Registrars.
""".format(up=up, rid=zlib.crc32(dom.encode()), tld=dom.rsplit(".", 1)[1].upper(),
           srv=reg[0], srv2=reg[0].replace("whois.", ""), d=len(dom) % 9 + 1,
           created=created, name=reg[1], iana=reg[2], abuse=reg[3])


def registrar(dom, reg, created):
    return """Domain Name: {dom}
Registrar WHOIS Server: {srv}
Registrar URL: http://www.{srv2}
Creation Date: {created}
Registrar: {name}
Registrar IANA ID: {iana}
Registrar Abuse Contact Email: {abuse}
Registrar Abuse Contact Phone: +1.5555550100
Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
Registrant Organization: REDACTED FOR PRIVACY
Registrant Country: NG
DNSSEC: unsigned
>>> Last update of WHOIS database: 2026-12-04T06:00:00Z <<<
""".format(dom=dom, srv=reg[0], srv2=reg[0].replace("whois.", ""), created=created,
           name=reg[1], iana=reg[2], abuse=reg[3])


TEMPLATES = [
    ("URGENT: unclaimed inheritance of {amount}",
     "Dear {victim},\n\nI am {sender}, attorney to the late Engr. {last}, who died intestate.\n"
     "His fund of {amount} remains unclaimed and will be confiscated unless a next of kin\n"
     "comes forward within 14 days. Kindly reply with your full name and telephone number\n"
     "so that we can commence the transfer."),
    ("Your e-mail address won {amount} in the international draw",
     "Congratulations!\n\nYour e-mail address was selected in our quarterly draw and has won\n"
     "{amount}. Ticket number {ref}. To claim, send your name, address and a copy of your\n"
     "passport to our claims agent {sender}."),
    ("Tax refund notification: {amount} awaiting confirmation",
     "Dear taxpayer,\n\nAfter the annual calculation of your fiscal activity you are eligible\n"
     "to a refund of {amount} (reference {ref}). Reply with the card number the refund\n"
     "should be paid to. Claims not confirmed within 72 hours are cancelled."),
    ("Your parcel {ref} is on hold: customs fee unpaid",
     "Hello {victim},\n\nYour parcel {ref} could not be delivered because a customs fee of\n"
     "{small} is unpaid. Reply with your card details to release it. The parcel is returned\n"
     "to the sender after 5 days."),
    ("Work from home: {small} per day, no experience needed",
     "Hi {victim},\n\nOur company is hiring remote payment processing agents. You receive\n"
     "transfers and forward them, keeping 10% ({small} a day on average). Reply with your\n"
     "CV and bank details to {sender}, HR manager."),
    ("I saw your profile and could not stop thinking of you",
     "Hello dear,\n\nMy name is {sender}; I am a nurse on a peace mission abroad. I would like\n"
     "to know you better, but I need {small} for my travel papers. Please write to me."),
    ("Recover your lost crypto: case {ref}",
     "Dear investor,\n\nOur recovery unit traced {amount} of your lost funds to an offshore\n"
     "wallet. To release them, a verification fee of {small} is due. Reply to open case\n"
     "{ref} with our agent {sender}."),
    ("Overdue invoice {ref}: final notice",
     "Dear customer,\n\nInvoice {ref} over {small} is overdue. To avoid collection costs,\n"
     "reply to confirm your payment details today. Accounts department, {sender}."),
    ("Donation request: children's hospital appeal",
     "Dear friend,\n\nOur hospital appeal needs {small} to finish the new ward. Every\n"
     "donation is matched. Reply to receive the bank details. God bless, {sender}."),
    ("Pre-approved loan of {amount} at 2% interest",
     "Hello {victim},\n\nYou are pre-approved for a loan of {amount} at 2% interest, no\n"
     "credit check. Reply with your ID and a processing fee of {small} to {sender}."),
]

def message(r, i, addr, dom):
    subj, body = r.choice(TEMPLATES)
    sender = "%s %s" % (r.choice(FIRST), r.choice(LAST))
    vals = dict(victim=r.choice(["Beneficiary", "Sir/Madam", "Friend", "Customer"]),
                sender=sender, last=r.choice(LAST),
                amount="US$%d,%03d,000.00" % (r.randint(1, 12), r.randint(0, 999)),
                small="%s%d.%02d" % (r.choice(["EUR ", "US$", "GBP "]), r.randint(19, 950),
                                     r.randint(0, 99)),
                ref="%s-%d" % (r.choice(["EML", "KX", "TRK", "CASE"]), r.randint(1000, 99999)))
    subj, text = subj.format(**vals), body.format(**vals)
    style = i % 4
    hdr = ["From: \"%s\" <noreply@mailer%d.bulk-sender.example>" % (sender, i % 7),
           "To: undisclosed-recipients:;",
           "Subject: %s" % subj,
           "Date: Thu, 03 Dec 2026 %02d:%02d:%02d +0000" % (i % 24, i % 60, (i * 7) % 60),
           "Message-ID: <%d.%d@mailer%d.bulk-sender.example>" % (i, r.randint(1, 10 ** 6), i % 7),
           "MIME-Version: 1.0"]
    if style in (0, 1, 2):
        hdr.insert(1, "Reply-To: \"%s\" <%s>" % (sender, addr))
    if style == 3:
        # the address only in the body (From is a spoofed bulk sender)
        text += "\n\nWrite ONLY to my private e-mail: %s" % addr
    else:
        text += "\n\nReply to: %s" % addr
    text += "\n\n%s\n" % sender
    if style == 1:
        hdr += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
        b = base64.encodebytes(text.encode()).decode()
        return "\n".join(hdr) + "\n\n" + b
    if style == 2:
        html = "<html><body><p>" + text.replace("\n\n", "</p><p>").replace(
            addr, '<a href="mailto:%s">%s</a>' % (addr, addr)) + "</p></body></html>\n"
        hdr += ["Content-Type: text/html; charset=utf-8"]
        return "\n".join(hdr) + "\n\n" + html
    hdr += ["Content-Type: text/plain; charset=utf-8"]
    return "\n".join(hdr) + "\n\n" + text


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    out = argv[1]
    nmsg = int(argv[2]) if len(argv) > 2 else 200
    ndom = int(argv[3]) if len(argv) > 3 else 50
    nnet = int(argv[4]) if len(argv) > 4 else 10
    nets = NETS[:nnet]
    r = random.Random(6)
    for d in ("msgs", "zones", "whois"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    whois = {}

    def answer(server, pattern, fname, text):
        whois.setdefault(server, []).append((pattern, fname))
        path = os.path.join(out, "whois", server)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, fname), "w", encoding="utf-8") as f:
            f.write(text)

    # networks
    for k, n in enumerate(nets):
        for v6 in (False, True):
            pat = ("*%s:*" % n[4]) if v6 else ("*%s.*" % n[3])
            fn = "bench-net%d-%s.txt" % (k, "v6" if v6 else "v4")
            if n[2] == "ripe":
                answer("whois.ripe.net", pat, fn, ripe_net(n, k, v6))
            else:
                answer("whois.arin.net", pat, fn, arin_net(n, k, v6))
                if n[2] == "arin-ripe":
                    answer("whois.ripe.net", pat, fn, ripe_net(n, k, v6))
    # domains
    names = set()
    doms = []
    while len(doms) < ndom:
        d = "%s-%s-%s.com" % (r.choice(W1), r.choice(W2), r.choice(W3))
        if d not in names:
            names.add(d)
            doms.append(d)
    hostn = {}

    def addrs(k):
        hostn[k] = hostn.get(k, 9) + 1
        return "%s.%d" % (nets[k][3], hostn[k]), "%s::%x" % (nets[k][4], hostn[k])

    relays = {}
    zones = {}
    regdoms = []
    info = {"domains": {}, "networks": [n[0] for n in nets], "messages": {}}
    for i, d in enumerate(doms):
        k = i % nnet
        own = (i // nnet) % 2 == 0
        if own:
            body = ""
            for h in ("mx1", "mx2"):
                a4, a6 = addrs(k)
                body += "%s\tA\t%s\n%s\tAAAA\t%s\n" % (h, a4, h, a6)
            zones[d] = "@\tMX\t10 mx1\n@\tMX\t20 mx2\n" + body
            exch = ["mx1." + d, "mx2." + d]
        else:
            rd = "relay%d-mail.net" % k
            if rd not in relays:
                body = ""
                for h in ("mx1", "mx2"):
                    a4, a6 = addrs(k)
                    body += "%s\tA\t%s\n%s\tAAAA\t%s\n" % (h, a4, h, a6)
                zones[rd] = body
                relays[rd] = k
                regdoms.append(rd)
            zones[d] = "@\tMX\t10 mx1.%s.\n@\tMX\t20 mx2.%s.\n" % (rd, rd)
            exch = ["mx1." + rd, "mx2." + rd]
        regdoms.append(d)
        info["domains"][d] = {"network": k, "exchanges": exch}
    for z, body in zones.items():
        with open(os.path.join(out, "zones", z + ".zone"), "w", encoding="utf-8") as f:
            f.write(body)
    for j, d in enumerate(regdoms):
        reg = REGISTRARS[j % len(REGISTRARS)]
        created = "2026-%02d-%02dT09:00:00Z" % (j % 12 + 1, j % 27 + 1)
        fn = "bench-" + d + ".txt"
        answer("whois.verisign-grs.com", "domain " + d, fn, verisign(d, reg, created))
        whois["whois.verisign-grs.com"].append((d, fn))
        answer(reg[0], d, fn, registrar(d, reg, created))
    for server, lines in whois.items():
        with open(os.path.join(out, "whois", server, "index"), "w", encoding="utf-8") as f:
            for pat, fn in lines:
                f.write("%s\t%s\n" % (pat, fn))
    # messages
    for m in range(nmsg):
        d = doms[m % ndom]
        addr = "%s%d@%s" % (r.choice(LOCAL), m % 7, d)
        name = "%03d.eml" % m
        with open(os.path.join(out, "msgs", name), "w", encoding="utf-8") as f:
            f.write(message(r, m, addr, d))
        info["messages"][name] = d
    info["netblocks"] = ["%s.0/24" % n[3] for n in nets] + ["%s::/48" % n[4] for n in nets]
    with open(os.path.join(out, "expect.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
