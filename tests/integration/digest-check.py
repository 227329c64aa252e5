#!/usr/bin/env python3
"""digest-check.py - check digests written by `dealtemp digest` (used by run-digest.sh).

    digest-check.py LABEL --threads REP=FILE... [--only REP,...] [--from ADDR]
                    (--mbox FILE | --eml FILE...)

FILE per rep is `dealtemp threads --json --as-of T --rep REP`. A rep is expected
to get a digest when it owns a stalled, cooling, hesitant, slowed or carried-away thread (--only: just
these reps). Every message must parse without defects (email.policy.default),
be To that rep only, multipart/alternative with text/plain and text/html,
Auto-Submitted: auto-generated, a Subject naming its most urgent deal and
counting the others; its deals are
exactly the rep's reported threads (counterpart + subject, in both parts), and
no other rep's counterpart or subject appears anywhere in it.
Prints "ok - LABEL: ..." / "not ok - LABEL: ...", exits 1 if any failed.
"""
import argparse
import email
import email.policy
import html
import json
import mailbox
import re
import sys

REPORTED = ("stalled", "cooling", "hesitant", "slowed", "carried-away")
failures = 0


def ok(label, what):
    print(f"ok - {label}: {what}")


def not_ok(label, what, why):
    global failures
    failures += 1
    print(f"not ok - {label}: {what}: {why}")


def parse_bytes(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def defects_of(msg):
    """Every defect of the message, its parts and its header fields."""
    found = []
    for part in msg.walk():
        found += [f"{part.get_content_type()}: {d!r}" for d in part.defects]
        for name, value in part.items():
            found += [f"{name}: {d!r}" for d in getattr(value, "defects", ())]
    return found


def plain_entries(text):
    """(counterpart, subject) of each deal in the text part: "* who  [tag]", then
    the address, then the subject."""
    lines = text.splitlines()
    out = set()
    for i, line in enumerate(lines):
        if re.match(r"^\* .+  \[[a-z ]+\]$", line) and i + 2 < len(lines):
            out.add((lines[i + 1].strip(), lines[i + 2].strip()))
    return out


def check_message(label, msg, rep, threads, sender):
    mine = [t for t in threads[rep] if t["state"] in REPORTED]
    want = {(t["counterpart"], t.get("subject") or "") for t in mine}
    name = f"digest for {rep}"
    problems = []

    defects = defects_of(msg)
    if defects:
        problems.append("defects " + "; ".join(defects[:5]))
    to = msg.get("To")
    addrs = [a.addr_spec for a in to.addresses] if to is not None else []
    if addrs != [rep] or msg.get("Cc") is not None or msg.get("Bcc") is not None:
        problems.append(f"To {addrs}, Cc {msg.get('Cc')}, Bcc {msg.get('Bcc')}")
    frm = msg.get("From")
    if sender and (frm is None or [a.addr_spec for a in frm.addresses] != [sender]):
        problems.append(f"From {frm}")
    for h in ("Date", "Message-ID", "MIME-Version"):
        if msg.get(h) is None:
            problems.append(f"no {h}")
    if msg.get("Date") is not None and msg["Date"].datetime is None:
        problems.append(f"Date not parseable: {msg['Date']}")
    if str(msg.get("Auto-Submitted", "")).strip().lower() != "auto-generated":
        problems.append(f"Auto-Submitted {msg.get('Auto-Submitted')}")
    subject = str(msg.get("Subject", ""))
    # The most urgent deal names the subject, "(+N more)" counts the others.
    m = re.match(r"^.+: (silent|replied after) .+?(?: \(\+(\d+) more\))?$", subject)
    if len(want) == 0:
        if not subject.startswith("No deals cooling"):
            problems.append(f"Subject {subject!r} of an empty digest")
    elif not m or int(m.group(2) or 0) != len(want) - 1:
        problems.append(f"Subject {subject!r} does not stand for {len(want)} deal(s)")

    plain = html_text = None
    if msg.get_content_type() != "multipart/alternative":
        problems.append(f"top type {msg.get_content_type()}")
    else:
        parts = list(msg.iter_parts())
        types = [p.get_content_type() for p in parts]
        if types != ["text/plain", "text/html"]:
            problems.append(f"parts {types}")
        else:
            try:
                plain, html_text = parts[0].get_content(), parts[1].get_content()
            except (LookupError, ValueError) as e:
                problems.append(f"part content: {e}")
    if plain is not None:
        got = plain_entries(plain)
        if got != want:
            problems.append(f"deals in text/plain {sorted(got)}, expected {sorted(want)}")
        for cp, subj in want:
            if cp not in html_text or html.escape(subj, quote=True) not in html_text:
                problems.append(f"text/html lacks {cp} / {subj!r}")
        # Privacy and "no others": nothing of a thread this digest does not report.
        own_cps = {c for c, _ in want}
        own_subjects = {s for _, s in want}
        for other, rows in threads.items():
            for t in rows:
                if t["state"] in REPORTED and other == rep:
                    continue
                cp, subj = t["counterpart"], t.get("subject") or ""
                leaks = []
                if cp not in own_cps:
                    leaks += [cp]
                if subj and subj not in own_subjects:
                    leaks += [subj, html.escape(subj, quote=True)]
                for s in leaks:
                    if s in plain or s in html_text:
                        problems.append(f"mentions {s!r} ({other}'s {t['state']} thread)")
                        break
    if problems:
        not_ok(label, name, "; ".join(problems))
    else:
        ok(label, f"{name}: {subject!r}, {len(want)} deal(s), multipart/alternative "
                  "text/plain+text/html, no defects, no other rep's deals")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("label")
    ap.add_argument("--threads", action="append", required=True, metavar="REP=FILE")
    ap.add_argument("--only")
    ap.add_argument("--from", dest="sender")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--mbox")
    src.add_argument("--eml", nargs="+")
    a = ap.parse_args()

    threads = {}
    for spec in a.threads:
        rep, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            threads[rep] = [json.loads(line) for line in f if line.strip()]
        stray = [t["thread"] for t in threads[rep] if t["rep"] != rep]
        if stray:
            not_ok(a.label, f"threads --rep {rep}", f"lists other reps' threads {stray}")
    expected = {r for r, rows in threads.items() if any(t["state"] in REPORTED for t in rows)}
    if a.only:
        expected = set(a.only.split(","))

    if a.mbox:
        box = mailbox.mbox(a.mbox, factory=None, create=False)
        msgs = [parse_bytes(box.get_bytes(k)) for k in box.keys()]
    else:
        msgs = []
        for path in a.eml:
            with open(path, "rb") as f:
                msgs.append(parse_bytes(f.read()))

    tos = []
    for msg in msgs:
        to = msg.get("To")
        tos.append(to.addresses[0].addr_spec if to is not None and len(to.addresses) == 1 else str(to))
    if sorted(tos) == sorted(expected):
        ok(a.label, f"{len(msgs)} message(s), one per rep with something to report ({', '.join(sorted(tos))})")
    else:
        not_ok(a.label, "one message per rep with something to report",
               f"got To {sorted(tos)}, expected {sorted(expected)}")
    for msg, to in zip(msgs, tos):
        if to in threads:
            check_message(a.label, msg, to, threads, a.sender)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
