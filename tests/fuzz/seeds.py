#!/usr/bin/env python3
"""seeds.py OUT - the seed corpus of every fuzz target, from tests/data.

Writes OUT/<target>/<name> for analyze, html, quote, config, import and
digest (OUT is emptied first). Run from the top of the tree (make fuzz,
tests/fuzz/run.sh). The seeds are the project's own fixtures, cut to what
each target reads: whole messages, HTML bodies, plain texts, configuration
and lexicon files, mboxes, and digest records in fuzz_digest.c's layout.
"""
import email
import email.policy
import glob
import hashlib
import os
import shutil
import struct
import sys


def put(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mbox_messages(path):
    """The messages of an mbox, without their From_ lines."""
    msgs, cur = [], None
    for line in read(path).splitlines(keepends=True):
        if line.startswith(b"From "):
            if cur is not None:
                msgs.append(b"".join(cur))
            cur = []
        elif cur is not None:
            cur.append(line)
    if cur:
        msgs.append(b"".join(cur))
    return msgs


def parts(raw):
    """(content type, decoded bytes) of every leaf part of a message."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:
        return []
    found = []
    for p in msg.walk():
        if p.is_multipart():
            continue
        try:
            body = p.get_payload(decode=True) or b""
        except Exception:
            continue
        found.append((p.get_content_type(), body))
    return found


# fuzz_html: the features html.h promises to handle, and how it must not break.
HTML = [
    "<p>Hello&nbsp;Ann,<br>great to meet you &amp; the team&#33; &#x1F680;</p>",
    "<div>Own words</div><div class=\"gmail_quote\"><div>On Mon wrote:</div>"
    "<blockquote>QUOTED</blockquote></div>",
    "<html><head><style>p{color:red}</style><title>t</title></head><body>"
    "<script>var x='<p>';</script><!-- comment <p> --><table><tr><td>a<td>b</table>"
    "<ul><li>one<li>two</ul><h1>Big</h1></body></html>",
    "<div id=\"divRplyFwdMsg\">From: x</div>rest of the reply",
    "<div id=\"appendonsend\"></div><hr>old mail",
    "<blockquote type=\"cite\">apple quote</blockquote><div class=\"moz-cite-prefix\">On ...</div>",
    "<p>unclosed <b>bold <i>and < stray <<< less-than &unknown; &#99999999; &#x; &",
    "<blockquote>" * 40 + "deep" + "</blockquote>" * 40,
    "<!--" + "-" * 100 + "<p>never closed",
    "<a href='x'>link</a> text <img src=x alt=\"pic\"> <BR/> <P CLASS=X>caps</P>",
]

# fuzz_digest: a record in fuzz_digest.c's layout.
T0 = 1763000000  # Thu 13 Nov 2025


def u8(v):
    return struct.pack("B", v & 0xFF)


def u64(v):
    return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)


def s(v):
    if v is None:
        return b"\x01\x00"
    return (v if isinstance(v, bytes) else v.encode("utf-8")) + b"\x00"


def digest_record(conf, rep, items):
    b = u8(conf) + u64(T0 + 7 * 86400) + s(rep) + u8(len(items))
    for it in items:
        st, flags, cp, name, subj, phrases, people = it
        b += u8(st) + u8(flags)
        if flags & 4:
            b += u64(28800 - 60)  # working day
        b += u64(0x1234567890AB + len(b)) + s(cp) + s(name) + s(subj) + s(phrases)
        b += u64(T0) + u64(910) + u64(5 * 86400)
        if flags & 2:
            b += u64(3 * 86400)
        b += u64(86400) + u8(0) + u8(3) + u64(3600) + u64(7200) + u64(86400)
        b += u8(2) + u8(1) + u8(len(people))
        for i, (addr, pname) in enumerate(people):
            b += s(addr) + s(pname) + u64(T0 + i * 86400)
            if i > 0:
                b += u8(1)
        b += u8(1)  # more people than listed
        b += u64(T0 - 86400)
        if not flags & 16:
            b += u64(T0)
        if not flags & 32:
            b += u64(T0 + 3600)
        b += u8(6) + u8(1) + u8(0) + u8(5)
    return b


def digest_seeds(out):
    subjects = []
    for path in sorted(glob.glob("tests/data/*.eml")):
        try:
            msg = email.message_from_bytes(read(path), policy=email.policy.default)
            subj = str(msg.get("Subject", "") or "")
            name = msg.get("From")
            name = name.addresses[0].display_name if name and name.addresses else None
        except Exception:
            continue
        if subj:
            subjects.append((subj, name or None))
    hostile = [
        ("Re: \r\nBcc: everyone@example.com", "Evil\r\nX-Injected: 1"),
        ("\x1b[31mred\x1b[0m terminal", "\u202eevil RTL"),
        ("\"quotes\" and \\backslash\\ and <tags> & ampersands", "<script>alert(1)</script>"),
        (b"\xff\xfe not UTF-8 \xc3", b"Ren\xe9 in Latin-1"),
        ("x" * 2000, "y" * 300),
    ]
    n = 0
    for conf in range(3):
        for rep in ("ann@corp.example", "bram@corp.example", "a\r\nb@corp.example"):
            items = []
            for i, (subj, name) in enumerate((subjects + hostile)[n % 7:n % 7 + 4]):
                items.append((i, (i * 37 + conf) & 0x7F, "bob@customer.example", name, subj,
                              "amazing, can't wait, \U0001F680",
                              [("bob@customer.example", name), ("eve@customer.example", "Eve")]))
            put(out, "digest", "record-%d" % n, digest_record(conf, rep, items))
            n += 1
    for subj, name in hostile:
        items = [(st, 0x0F, "x@y", name, subj, subj, [(subj, name)]) for st in range(5)]
        put(out, "digest", "hostile-%d" % n, digest_record(n % 3, "ann@corp.example", items))
        n += 1


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seeds.py OUT")
    out = sys.argv[1]
    shutil.rmtree(out, ignore_errors=True)
    emls = sorted(glob.glob("tests/data/*.eml")) + ["tests/data/mime-garbage.bin"]
    timeline = mbox_messages("tests/data/timeline/team-3weeks.mbox")

    for path in emls:
        put(out, "analyze", os.path.basename(path), read(path))
    for i, m in enumerate(timeline):
        put(out, "analyze", "timeline-%03d.eml" % i, m)

    texts = sorted(glob.glob("tests/data/quote-*.txt") + glob.glob("tests/data/score-*-1.txt") +
                   glob.glob("tests/data/tone-*.txt"))
    for path in texts:
        put(out, "quote", os.path.basename(path), read(path))
    for i, h in enumerate(HTML):
        put(out, "html", "features-%02d.html" % i, h)
    for path in emls:
        for j, (ctype, body) in enumerate(parts(read(path))):
            name = "%s-%d" % (os.path.basename(path), j)
            if ctype == "text/html":
                put(out, "html", name + ".html", body)
            elif ctype == "text/plain":
                put(out, "quote", name + ".txt", body)

    confs = sorted(glob.glob("tests/data/conf/*.conf")) + ["conf/dealtemp.conf",
                                                           "tests/data/timeline/team.conf"]
    lexicons = sorted(glob.glob("tests/data/lexicon-test-*.txt") +
                      glob.glob("tests/data/lexicons-min/*.txt") + glob.glob("conf/lexicons/*.txt"))
    for path in confs + lexicons:
        put(out, "config", path.replace("/", "_"), read(path))

    # Small mboxes (a few messages each) run fast and mutate well.
    stamp = b"From ann@corp.example Thu Nov 13 02:13:20 2025\n"
    fixtures = [read(p).replace(b"\r\n", b"\n") + b"\n" for p in emls]
    for i in range(0, len(fixtures), 4):
        put(out, "import", "fixtures-%02d.mbox" % i, b"".join(stamp + m for m in fixtures[i:i + 4]))
    for i in range(0, len(timeline), 6):
        chunk = b"".join(stamp + m for m in timeline[i:i + 6])
        put(out, "import", "timeline-%03d.mbox" % i, chunk)
    put(out, "import", "crlf-and-escaped.mbox",
        b"From a@b.example Mon Jan  1 00:00:00 2024\r\nFrom: a@b.example\r\n\r\n"
        b">From the start\r\n\r\nFrom c@d.example Tue Feb 29 23:59:60 2028\r\n"
        b"From: c@d.example\r\nDate: Tue, 29 Feb 2028 23:59:60 +1400\r\n\r\nlast line")

    digest_seeds(out)
    for target in sorted(os.listdir(out)):
        n = len(os.listdir(os.path.join(out, target)))
        print("seeds: %-8s %3d files" % (target, n))


if __name__ == "__main__":
    main()
