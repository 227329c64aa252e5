#!/usr/bin/env python3
"""report-check.py - the checks of run-report.sh that want Python.

  outcomes MBOX CONF AS_OF DEALTEMP REPORT_JSON PAGE_DOM
      Compute the reply outcomes of the team from the mbox itself, on its
      own: threads from Message-ID / In-Reply-To / References (and the
      subject fallback for replies that lost their references), outbound =
      From a corp.example address to an external one, inbound = from
      outside to the company, auto-replies and list mail ignored; the level
      of each outbound mail from `dealtemp score` on that message cut out of
      the mbox; the rule of outcomes.h (answered within the window, pending
      when younger than it, as of AS_OF). Compare with `dealtemp report
      --json` (messages, answered, pending per level: exact; medians and
      75th percentiles) and with the page's rates table as Chromium's DOM
      has it (counts, rates and Wilson intervals rounded half up).
  dom PAGE_DOM
      The DOM Chromium built: every chart's table (caption, th scope), no
      script, no URL in src or href, the statement first.
  png FILE WIDTH
      FILE is a PNG WIDTH pixels wide.
  probe FILE
      The JSON the probe script left in the DOM: no horizontal scroll,
      no text under 12 px, at the window's width.
  private PAGE MBOX REP
      The page holds no subject and no customer address of the mbox, and
      with REP no other rep's address.

Prints "ok - ..." / "not ok - ...: why" lines; the shell counts them.
"""
import email.utils
import html.parser
import json
import mailbox
import math
import os
import re
import struct
import subprocess
import sys
import tempfile

CORP = "corp.example"
WINDOW = 7 * 86400
FALLBACK_DAYS = 30  # thread_window_days
LEVELS = ("calm", "warm", "euphoric")
REPLY_PREFIX = re.compile(r"^\s*(re|fw|fwd|aw|wg|antw|doorst|sv|tr)\s*:\s*", re.I)
AUTO_SUBJECT = re.compile(r"(out of (the )?office|automatic reply|automatisch antwoord|"
                          r"abwesenheit|absence|autoreply|auto-reply)", re.I)


def ok(name):
    print("ok - " + name)


def not_ok(name, why):
    print("not ok - %s: %s" % (name, why))


def addrs(msg, *fields):
    out = []
    for f in fields:
        for _, a in email.utils.getaddresses(msg.get_all(f, [])):
            if a:
                out.append(a.lower())
    return out


def internal(a):
    return a.endswith("@" + CORP) or a.endswith("." + CORP)


def ids(value):
    return [i.lower() for i in re.findall(r"<([^>]+)>", value or "")]


def norm_subject(s):
    s = (s or "").strip()
    while True:
        t = REPLY_PREFIX.sub("", s)
        if t == s:
            return s.lower()
        s = t


def ignored(msg):
    auto = (msg.get("Auto-Submitted") or "no").strip().lower()
    prec = (msg.get("Precedence") or "").strip().lower()
    return (auto != "no" or msg.get("List-Id") is not None or prec in ("bulk", "list", "junk")
            or AUTO_SUBJECT.search(msg.get("Subject") or "") is not None)


def judge(mbox_path, conf, as_of, dealtemp):
    """Per level: messages, answered, pending, and the answered latencies."""
    box = mailbox.mbox(mbox_path)
    msgs = []  # (time, outbound, thread, key)
    key_of = {}  # message id -> thread key
    threads = {}  # thread key -> [last time, {(rep, cp, subject)}]
    outbound_files = {}
    tmp = tempfile.mkdtemp(prefix="dt-report-")
    for i, key in enumerate(box.keys()):
        m = box[key]
        sender = (addrs(m, "From") or [""])[0]
        rcpts = addrs(m, "To", "Cc")
        if ignored(m):
            continue
        if internal(sender) and any(not internal(r) for r in rcpts):
            out, rep, cp = True, sender, next(r for r in rcpts if not internal(r))
        elif not internal(sender) and any(internal(r) for r in rcpts):
            out, rep, cp = False, next(r for r in rcpts if internal(r)), sender
        else:
            continue  # internal only, or nobody of ours
        t = int(email.utils.parsedate_to_datetime(m["Date"]).timestamp())
        own = (ids(m["Message-ID"]) or ["msg%d" % i])[0]
        refs = ids(m.get("References")) + ids(m.get("In-Reply-To"))
        subject = norm_subject(m.get("Subject"))
        thread = next((key_of[r] for r in refs if r in key_of), None)
        if thread is None and refs:
            thread = refs[0]
        if thread is None:  # no references: the subject fallback, same people, in the window
            for k, (last, seen) in threads.items():
                if (rep, cp, subject) in seen and 0 <= t - last <= FALLBACK_DAYS * 86400:
                    thread = k
        if thread is None:
            thread = own
        key_of[own] = thread
        for r in refs:
            key_of.setdefault(r, thread)
        last, seen = threads.setdefault(thread, [t, set()])
        threads[thread][0] = max(last, t)
        seen.add((rep, cp, subject))
        if t > as_of:
            continue
        msgs.append((t, out, thread, key))
        if out:
            path = os.path.join(tmp, "m%03d.eml" % i)
            with open(path, "wb") as f:
                f.write(box.get_bytes(key))
            outbound_files[key] = path
    # the level of each outbound mail, as dealtemp scores it
    files = sorted(outbound_files.values())
    res = subprocess.run([dealtemp, "score", "-c", conf] + files, capture_output=True, text=True,
                         timeout=120)
    level_of = {}
    for line in res.stdout.splitlines():
        j = json.loads(line)
        level_of[j["file"]] = j["level"]
    counts = {l: {"messages": 0, "answered": 0, "pending": 0, "lat": []} for l in LEVELS}
    by_thread = {}
    for t, out, thread, key in msgs:
        by_thread.setdefault(thread, []).append((t, not out, key))
    for events in by_thread.values():
        events.sort()  # by time, an outbound mail before a reply of the same second
        for n, (t, inbound, key) in enumerate(events):
            if inbound:
                continue
            reply = next((e[0] for e in events[n + 1:] if e[1]), None)
            c = counts[level_of[outbound_files[key]]]
            c["messages"] += 1
            if as_of - t < WINDOW:
                c["pending"] += 1
            elif reply is not None and reply - t <= WINDOW:
                c["answered"] += 1
                c["lat"].append(reply - t)
    return counts, len(files)


def wilson(k, n):
    z = 1.959963984540054
    p, z2 = k / n, z * z
    d = 1 + z2 / n
    c = (p + z2 / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def pct(x):
    return int(math.floor(x * 100 + 0.5))  # rounded half up, never floored


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) // 2


class Tables(html.parser.HTMLParser):
    """Every table's caption and rows of cell texts; scope attributes; srcs and hrefs."""

    def __init__(self):
        super().__init__()
        self.tables, self.scopes, self.urls, self.tags = [], [], [], []
        self.cell = None
        self.caption = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for k in ("src", "href"):
            if k in a:
                self.urls.append(a[k])
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.caption = ""
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = ""
            if tag == "th":
                self.scopes.append(a.get("scope"))
        elif tag == "br" and self.cell is not None:
            self.cell += " | "

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1]["rows"][-1].append(self.cell.strip())
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1]["caption"] = self.caption
            self.caption = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.caption is not None:
            self.caption += data


def parse(path):
    p = Tables()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def cmd_outcomes(mbox_path, conf, as_of, dealtemp, report_json, dom):
    counts, n_out = judge(mbox_path, conf, int(as_of), dealtemp)
    with open(report_json) as f:
        rep = json.load(f)["by_level"]
    total = sum(c["messages"] for c in counts.values())
    if total == n_out and total > 20:
        ok("independent: %d outbound mails of the team judged from the mbox" % total)
    else:
        not_ok("independent: outbound mails", "%d judged, %d scored" % (total, n_out))
    for l in LEVELS:
        mine = {k: counts[l][k] for k in ("messages", "answered", "pending")}
        theirs = {k: rep[l][k] for k in ("messages", "answered", "pending")}
        if mine == theirs:
            ok("independent: %s %s equals report --json" % (l, json.dumps(mine, sort_keys=True)))
        else:
            not_ok("independent: %s" % l, "mbox %s, report %s" % (mine, theirs))
        lat = counts[l]["lat"]
        if lat:
            p75 = sorted(lat)[math.ceil(0.75 * len(lat)) - 1]
            if (median(lat), p75) == (rep[l]["median_latency_s"], rep[l]["p75_latency_s"]):
                ok("independent: %s median %d s, 75th percentile %d s" % (l, median(lat), p75))
            else:
                not_ok("independent: %s latencies" % l, "mbox %d/%d, report %s/%s" % (
                    median(lat), p75, rep[l]["median_latency_s"], rep[l]["p75_latency_s"]))
    # the page's first table, as Chromium built it: Level | Mails | Answered | Pending | Rate
    rows = {r[0]: r for r in parse(dom).tables[0]["rows"][1:]}
    for l in LEVELS:
        c = counts[l]
        judged = c["messages"] - c["pending"]
        want = [l, str(c["messages"]), str(c["answered"]), str(c["pending"])]
        if judged:
            lo, hi = wilson(c["answered"], judged)
            want.append("%d\u00a0%% | %d–%d\u00a0%%" % (pct(c["answered"] / judged), pct(lo), pct(hi)))
        else:
            want.append("nothing judged yet")
        if rows.get(l) == want:
            ok("the page's rates table says %s" % " / ".join(want))
        else:
            not_ok("the page's rates table, %s" % l, "%s, not %s" % (rows.get(l), want))


def cmd_dom(dom):
    p = parse(dom)
    text = open(dom, encoding="utf-8").read()
    caps = [t["caption"] for t in p.tables]
    if len(p.tables) == 3 and all(caps):
        ok("the DOM has the three charts' tables, each with a caption: %s" % "; ".join(caps))
    else:
        not_ok("tables", "%d tables, captions %s" % (len(p.tables), caps))
    if p.scopes and all(s in ("col", "row", "rowgroup") for s in p.scopes):
        ok("every th has a scope (%d)" % len(p.scopes))
    else:
        not_ok("th scope", str(p.scopes))
    svgs = p.tags.count("svg")
    if svgs >= 3 and all(t not in p.tags for t in ("script", "img", "iframe", "object", "link")):
        ok("%d inline SVG charts; no script, img, iframe, object or link element" % svgs)
    else:
        not_ok("elements", "svg %d, tags %s" % (svgs, sorted(set(p.tags))))
    bad = [u for u in p.urls if re.match(r"\s*(https?:|//)", u, re.I)]
    if not bad and "http://" not in text and "https://" not in text:
        ok("no http(s) URL anywhere in the DOM (%d src/href)" % len(p.urls))
    else:
        not_ok("URLs", str(bad))
    if text.find("Too few mails to compare yet") < text.find("<svg"):
        ok("the statement comes before the charts")
    else:
        not_ok("statement", "not before the first chart")


def cmd_png(path, width):
    with open(path, "rb") as f:
        head = f.read(24)
    w, h = struct.unpack(">II", head[16:24]) if len(head) == 24 else (0, 0)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR" and w == int(width):
        ok("%s is a PNG %d px wide (%d px tall, %d bytes)" % (path, w, h, os.path.getsize(path)))
    else:
        not_ok("png %s" % path, "header %r, width %d" % (head[:16], w))


def cmd_probe(dom):
    text = open(dom, encoding="utf-8").read()
    m = re.search(r'<pre id="probe">(.*?)</pre>', text, re.S)
    if not m:
        not_ok("probe", "no result in the DOM")
        return
    r = json.loads(html.unescape(m.group(1)) if hasattr(html, "unescape") else m.group(1))
    if r["sw"] <= r["w"] and not r["wide"]:
        ok("at %d px: no horizontal scroll (page %d px wide), nothing past the edge" % (r["w"], r["sw"]))
    else:
        not_ok("scroll at %d px" % r["w"], "scrollWidth %d, past the edge: %s" % (r["sw"], r["wide"]))
    if r["n"] < 50:
        not_ok("probe at %d px" % r["w"], "only %d texts measured: the page was not in" % r["n"])
    elif r["min"] >= 12:
        ok("at %d px: the smallest text is %.1f px (%s), %d texts measured" % (
            r["w"], r["min"], r["minWhat"], r["n"]))
    else:
        not_ok("font size at %d px" % r["w"], "%.1f px: %s" % (r["min"], r["minWhat"]))


def cmd_private(page, mbox_path, rep):
    text = open(page, encoding="utf-8").read()
    box = mailbox.mbox(mbox_path)
    leaks = set()
    for m in box:
        for a in addrs(m, "From", "To", "Cc"):
            dom = a.split("@")[-1]
            if not internal(a) and (a in text or dom in text):
                leaks.add(a)
            if rep and internal(a) and a != rep and a in text:
                leaks.add(a)
        s = (m.get("Subject") or "").strip()
        if len(s) > 12 and html.escape(s, quote=True) in text or (len(s) > 12 and s in text):
            leaks.add("subject: " + s)
    who = "%s's page" % rep if rep else "the team's page"
    if not leaks:
        ok("%s holds no subject and no customer address%s" % (
            who, ", and no other rep's address" if rep else ""))
    else:
        not_ok(who, "; ".join(sorted(leaks)))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"outcomes": cmd_outcomes, "dom": cmd_dom, "png": cmd_png, "probe": cmd_probe,
     "private": lambda p, m, r="": cmd_private(p, m, r)}[cmd](*args)


if __name__ == "__main__":
    main()
