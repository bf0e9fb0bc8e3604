#!/usr/bin/env python3
"""Generate a large, varied mbox for bench/mail_bench.sh (written under bench/out, not committed).

Messages are built from templates: plain 7-bit, quoted-printable Latin-1, base64 HTML with
mailto links and entities, multipart/alternative and /mixed with attachments, KOI8-R and
Windows-1251 bodies, RFC 2047 headers, forwarded message/rfc822, obfuscated addresses, long
newsletters with many addresses. Domains are fictitious (*.example) except the free-mail
names the ranking knows. Usage: gen_mbox.py OUT SIZE_MB [SHARED_EMAILS_DIR]
"""
import base64
import os
import quopri
import random
import sys

WORDS = ("fund transfer beneficiary bank account urgent confidential inheritance lottery "
         "winner consignment diplomat customs release payment compensation barrister "
         "please kindly reply contact immediately details million dollars security "
         "company agent delivery approval charity donation").split()
FREE = ["gmail.com", "outlook.com", "yandex.ru", "mail.ru", "hotmail.co.uk", "proton.me",
        "zohomail.eu", "gmx.de", "yahoo.com", "icloud.com"]


def words(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n))


def para(r, lines=8):
    return "\n".join(words(r, r.randint(8, 14)) for _ in range(lines))


def addr(r, dom=None):
    return "%s.%s%d@%s" % (r.choice(WORDS), r.choice(WORDS), r.randint(1, 9999),
                          dom or "%s-crook.example" % r.choice(WORDS))


def headers(r, i, extra=""):
    frm = addr(r)
    return ("Return-Path: <%s>\nDelivered-To: victim@home.example\n"
            "Received: from mx%d.crook.example (mx.crook.example [192.0.2.%d])\n"
            "\tby mx.home.example with ESMTP id %08X\n\tfor <victim@home.example>; "
            "Mon, 2 Dec 2026 10:00:00 +0000\n"
            "From: \"%s\" <%s>\nTo: victim@home.example\nSubject: %s %d\n"
            "Date: Mon, 2 Dec 2026 10:%02d:00 +0000\nMessage-ID: <%d.%d@crook.example>\n"
            "MIME-Version: 1.0\n%s" % (frm, i % 50, i % 250, i, words(r, 2).title(), frm,
                                       words(r, 4), i, i % 60, i, r.randint(0, 10**9),
                                       extra))


def plain(r, i):
    rt = addr(r, r.choice(FREE))
    return headers(r, i, "Reply-To: %s\nContent-Type: text/plain; charset=us-ascii\n" % rt) + \
        "\n%s\n\nContact me at %s for details.\n\n%s\n" % (para(r), rt, para(r, 4))


def qp_latin1(r, i):
    rt = addr(r, r.choice(FREE))
    body = ("Sehr geehrte Damen und Herren, Gr\u00fc\u00dfe aus M\u00fcnchen.\n%s\n"
            "Bitte antworten Sie an %s\n" % (para(r), rt)).encode("latin-1")
    return headers(r, i, "Content-Type: text/plain; charset=ISO-8859-1\n"
                         "Content-Transfer-Encoding: quoted-printable\n") + "\n" + \
        quopri.encodestring(body).decode() + "\n"


def b64_html(r, i):
    a = addr(r, r.choice(FREE))
    local, dom = a.split("@")
    html = ("<html><body><p>%s</p><p>Write to <a href=\"mailto:%s&#64;%s\">our agent</a> "
            "or %s&commat;%s</p><table><tr><td>%s</td></tr></table></body></html>"
            % (para(r).replace("\n", "<br>"), local, dom, local, dom, words(r, 20)))
    b = base64.encodebytes(html.encode()).decode()
    return headers(r, i, "Content-Type: multipart/alternative; boundary=\"=_b%d\"\n" % i) + \
        "\n--=_b%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n--=_b%d\n" \
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n%s" \
        "--=_b%d--\n" % (i, para(r, 3), i, b, i)


def cyrillic(r, i):
    a = addr(r, "mail.ru")
    text = "Здравствуйте! Напишите мне на %s срочно.\n" % a
    enc = r.choice(["koi8-r", "windows-1251"])
    subj = base64.b64encode("Срочное дело".encode(enc)).decode()
    return headers(r, i, "Content-Type: text/plain; charset=%s\n"
                         "Content-Transfer-Encoding: base64\n" % enc).replace(
        "Subject:", "Subject: =?%s?B?%s?=" % (enc, subj), 1) + "\n" + \
        base64.encodebytes((text * 20 + para(r)).encode(enc, "replace")).decode() + "\n"


def forwarded(r, i):
    rt = addr(r, r.choice(FREE))
    inner = ("From: Dr. Crook <%s>\nReply-To: %s\nTo: victim@home.example\nSubject: %s\n\n"
             "%s\nSend your details to %s\n" % (addr(r), rt, words(r, 3), para(r), rt))
    return headers(r, i, "Content-Type: multipart/mixed; boundary=\"fw%d\"\n" % i) + \
        "\n--fw%d\nContent-Type: text/plain\n\nForwarded scam below.\n--fw%d\n" \
        "Content-Type: message/rfc822\n\n%s--fw%d\nContent-Type: application/pdf\n" \
        "Content-Transfer-Encoding: base64\n\n%s--fw%d--\n" % (
            i, i, inner, i, base64.encodebytes(os.urandom(3000)).decode(), i)


def obfuscated(r, i):
    local = "%s.%s" % (r.choice(WORDS), r.choice(WORDS))
    form = r.choice(["%s (at) crook-drop (dot) example", "%s [at] crook-drop [dot] example",
                     "%s at crook-drop dot example", "%s \uff20crook-drop.example"])
    return headers(r, i, "Content-Type: text/plain; charset=utf-8\n"
                         "Content-Transfer-Encoding: 8bit\n") + \
        "\n%s\nFor security write only to: %s\n%s\n" % (para(r), form % local, para(r, 3))


def newsletter(r, i):
    lines = ["%s: %s" % (words(r, 3), addr(r)) for _ in range(40)]
    return headers(r, i, "List-Unsubscribe: <mailto:unsubscribe@news-crook.example>\n"
                         "Content-Type: text/plain\n") + "\n" + "\n".join(lines) + \
        "\n" + para(r, 30) + "\n"


KINDS = [plain, plain, qp_latin1, b64_html, b64_html, cyrillic, forwarded, obfuscated,
         newsletter]


def main():
    out, size_mb = sys.argv[1], int(sys.argv[2])
    shared = sys.argv[3] if len(sys.argv) > 3 else None
    r = random.Random(42)
    pool = []
    for i in range(3000):
        pool.append(r.choice(KINDS)(r, i).encode("utf-8", "replace"))
    if shared and os.path.isdir(shared):
        for root, _, files in os.walk(shared):
            for f in files:
                if f.endswith((".eml", ".txt")):
                    data = open(os.path.join(root, f), "rb").read()
                    if data.startswith(b"From "):
                        data = data.split(b"\n", 1)[1]
                    pool.append(data)
    target = size_mb * 1024 * 1024
    n = 0
    written = 0
    with open(out, "wb") as w:
        while written < target:
            m = pool[n % len(pool)]
            # mboxrd quoting of body lines that start with "From "
            m = b"\n".join((b">" + l if l.startswith(b"From ") or l.startswith(b">From ")
                            else l) for l in m.split(b"\n"))
            chunk = b"From bench@crook.example Mon Dec  2 10:00:00 2026\n" + m.rstrip(b"\n") + \
                b"\n\n"
            w.write(chunk)
            written += len(chunk)
            n += 1
    print("%s: %d messages, %d bytes, %d distinct" % (out, n, written, len(pool)))


if __name__ == "__main__":
    main()
