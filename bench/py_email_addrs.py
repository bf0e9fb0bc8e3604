#!/usr/bin/env python3
"""What a user might script with Python's standard library: read an mbox with `mailbox`,
parse each message with `email`, decode every text part and collect addresses with a regex
from the decoded text and the From/Reply-To headers. Prints messages and addresses found."""
import email.policy
import email.utils
import mailbox
import re
import sys

ADDR = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
msgs = found = 0
for m in mailbox.mbox(sys.argv[1], factory=None, create=False):
    msgs += 1
    seen = set()
    for h in ("Reply-To", "From"):
        for _, a in email.utils.getaddresses(m.get_all(h, [])):
            seen.add(a.lower())
    for part in m.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True) or b""
        for a in ADDR.findall(payload):
            seen.add(a.lower())
    found += len(seen)
print("%d messages, %d addresses" % (msgs, found))
