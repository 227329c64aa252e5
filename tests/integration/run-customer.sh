#!/bin/bash
#
# run-customer.sh - the customer's side through a real, private Postfix:
# the three newest stories of the team timeline (tests/data/timeline:
# Harbourview, Alpina, Rheinwerk) sent by SMTP through Postfix and the
# milter, one message at a time, into a fresh SQLite store.
#
#   a) every message delivered; the customers' replies unaltered (bodies
#      byte-identical) with the X-Deal-Thread of the mail they answer
#   b) `dealtemp threads --json`: Harbourview carried-away (chloe euphoric,
#      Emma just as enthusiastic a moment later, nobody else there),
#      Alpina hesitant (Marco must discuss it internally, after the budget
#      round), Rheinwerk with two people on the customer's side, Jonas
#      joined later (customer.joined_after is 1 s here: the mail flows in
#      seconds, not weeks), Lisa's reply engaged
#   c) the store holds the customers' tone as numbers and kinds, never
#      their words: not one phrase of their replies is in the database file
#   d) `dealtemp digest --dry-run`: the cards say so (Carried away,
#      Hesitant, "2 people at Rheinwerk Maschinen so far")
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed. Runs as
# root (a private Postfix). DT_BUILD=build-san runs the sanitizer binaries.
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"

dt_init postfix smtp-sink swaks python3 sqlite3 timeout sha256sum
[ "$(id -u)" = 0 ] || fail "run-customer.sh must run as root (a private Postfix)"

MSG=$DT_TMP/msg
mkdir -p "$MSG"
SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT
CONF=$DT_TMP/milter/dealtemp.conf
DB=$DT_TMP/milter/dealtemp.db
DT=$DT_BUILD/dealtemp
mkdir -p "$DT_TMP/milter"
cat >"$CONF" <<EOF
database = "$DB";
internal_domains = [ "corp.example" ];
customer = {
    joined_after = "1s";
};
digest = {
    from = "dealtemp@corp.example";
};
EOF

# The stories' messages, in order, cut out of the timeline mbox: NAME FROM RCPT per line.
python3 - "$DT_ROOT/tests/data/timeline/team-3weeks.mbox" "$MSG" >"$MSG/list" <<'PY'
import mailbox, os, sys, email.utils
src, out = sys.argv[1], sys.argv[2]
want = ["1a71@corp.example", "CAHarbour-m2@mail.gmail.com",                      # Harbourview
        "2b81@corp.example", "alpina.20261109.1600", "2b93@corp.example",          # Alpina
        "alpina.20261118.1100",
        "3c11@corp.example", "rw.20261103.0930", "3c33@corp.example",              # Rheinwerk
        "rw.20261110.1000", "3c55@corp.example"]
msgs = {}
for m in mailbox.mbox(src):
    for w in want:
        if w in (m["Message-ID"] or ""):
            msgs[w] = m
for i, w in enumerate(want):
    m = msgs[w]
    name = "%02d.eml" % i
    raw = m.as_bytes(unixfrom=False).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    open(os.path.join(out, name), "wb").write(raw)
    frm = email.utils.parseaddr(m["From"])[1]
    rcpt = email.utils.parseaddr(m["To"])[1]
    print(name, frm, rcpt, w)
PY
[ "$(grep -c . "$MSG/list")" -eq 11 ] || fail "could not cut the 11 messages out of the timeline: $(cat "$MSG/list")"

dt_sink_start "$SINK_PORT"
dt_milter_start "inet:$MILTER_PORT@127.0.0.1" "$CONF"
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "inet:127.0.0.1:$MILTER_PORT"

# ---------------------------------------------------------------- a) through Postfix

n_ok=0 replies_ok=0 n_replies=0 why=""
while read -r name from rcpt token; do
    send_smtp "$from" "$rcpt" "$MSG/$name"
    copy=""
    delivered copy "$token" "a) $name ($token)" || continue
    n_ok=$((n_ok + 1))
    case $from in *@corp.example) continue ;; esac
    # a customer's reply: its own body, and the thread of what it answers
    n_replies=$((n_replies + 1))
    want=$(dt_sent_body "$MSG/$name" | dt_sha) got=$(dt_sink_body "$copy" | dt_sha)
    thread=$(field_value "$copy" X-Deal-Thread)
    if [ "$got" = "$want" ] && [ -n "$thread" ]; then
        replies_ok=$((replies_ok + 1))
    else
        why="$why $name: body $got, sent $want, X-Deal-Thread '$thread';"
    fi
    sleep 1 # one second apart, so every reply has a time after what it answers
done <"$MSG/list"
if [ "$n_ok" -eq 11 ] && [ "$replies_ok" -eq "$n_replies" ] && [ "$n_replies" -eq 5 ]; then
    dt_ok "a) 11 messages through Postfix and the milter; the 5 customer replies unaltered, each with its X-Deal-Thread"
else
    dt_not_ok "a) delivery" "$n_ok of 11 delivered, $replies_ok of $n_replies replies right:$why"
fi

# ---------------------------------------------------------------- b) threads

timeout 60 "$DT" threads -c "$CONF" --json >"$DT_TMP/threads.json" 2>"$DT_TMP/threads.err" ||
    dt_not_ok "b) dealtemp threads" "exit $?: $(cat "$DT_TMP/threads.err")"
python3 - "$DT_TMP/threads.json" >"$DT_TMP/threads.check" 2>&1 <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    for k in ("Harbourview", "Alpina", "Rheinwerk"):
        if k in (r["subject"] or ""):
            rows[k] = r
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
h, a, r = rows.get("Harbourview"), rows.get("Alpina"), rows.get("Rheinwerk")
want(len(rows) == 3, "three threads, got %s" % sorted(rows))
if h:
    want(h["state"] == "carried-away", "Harbourview %s" % h["state"])
    want(h["customer_tone"] == "enthusiastic", "Emma %s" % h["customer_tone"])
    want([p["address"] for p in h["customer_people"]] == ["emma.clarke@harbourview-hotels.com"],
         "Harbourview people %s" % h["customer_people"])
if a:
    want(a["state"] == "hesitant", "Alpina %s" % a["state"])
    want(a["customer_tone"] == "hesitant" and "hesitation" in a["customer_evidence"],
         "Marco %s %s" % (a["customer_tone"], a["customer_evidence"]))
    want(a["customer_trend"] == "cooling", "Marco's trend %s" % a["customer_trend"])
if r:
    people = [(p["address"], p["joined_later"]) for p in r["customer_people"]]
    want(people == [("l.brandt@rheinwerk-maschinen.de", False),
                    ("j.weber@rheinwerk-maschinen.de", True)], "Rheinwerk people %s" % people)
    want(r["customer_replies"] == 2, "Rheinwerk replies %s" % r["customer_replies"])
print("ok" if not bad else "; ".join(bad))
PY
if [ "$(cat "$DT_TMP/threads.check")" = ok ]; then
    dt_ok "b) threads: Harbourview carried-away, Alpina hesitant (cooling trend, hesitation), Rheinwerk with Jonas joined later"
else
    dt_not_ok "b) threads" "$(cat "$DT_TMP/threads.check") in $(head -c 1500 "$DT_TMP/threads.json")"
fi

# ---------------------------------------------------------------- c) no words stored

# Phrases of the customers' replies, each long enough to be unmistakable.
leaked=""
for phrase in "discuss this internally" "not a priority" "budget round" "absolutely love it" \
    "roll it out to all 14 hotels" "looped in Jonas" "integration with our ERP" "We will review it"; do
    grep -aqF "$phrase" "$DB" "$DB-wal" 2>/dev/null && leaked="$leaked '$phrase'"
done
# (the search itself works: the metadata it keeps is found)
grep -aqF "emma.clarke@harbourview-hotels.com" "$DB" "$DB-wal" 2>/dev/null || leaked="$leaked (the search finds nothing at all)"
# Emma's, Marco's stall and Lisa's next step matched words; "received, could you send" and
# "we will review it" matched none.
kinds=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE NOT outbound AND kinds != 0 AND phrases IS NULL")
if [ -z "$leaked" ] && [ "$kinds" -eq 3 ]; then
    dt_ok "c) the store keeps the replies' tone ($kinds with kinds, none with phrases) and not one of their words"
else
    dt_not_ok "c) privacy" "in the database:$leaked; replies with kinds and no phrases: $kinds"
fi

# ---------------------------------------------------------------- d) the digest

timeout 60 "$DT" digest -c "$CONF" --dry-run >"$DT_TMP/digest.mbox" 2>"$DT_TMP/digest.err"
python3 - "$DT_TMP/digest.mbox" >"$DT_TMP/digest.check" 2>&1 <<'PY'
import email, mailbox, sys
from email import policy
text = {}
for m in mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=policy.default)):
    text[m["To"]] = " ".join(m.get_body(("plain",)).get_content().split())
want = {"chloe@corp.example": ["== Carried away (1) ==", "Only Emma Clarke at Harbourview Hotels so far"],
        "ann@corp.example": ["== Hesitant (1) ==", "Only Marco Rossi at Alpina Foods so far"]}
bad = ["%s lacks %r" % (k, w) for k, ws in want.items() for w in ws if w not in text.get(k, "")]
print("ok" if not bad else "; ".join(bad) + " (digests to %s)" % sorted(text))
PY
if [ "$(cat "$DT_TMP/digest.check")" = ok ]; then
    dt_ok "d) digest --dry-run: chloe's card is Carried away, ann's Hesitant, each naming who has written"
else
    dt_not_ok "d) digest" "$(cat "$DT_TMP/digest.check" "$DT_TMP/digest.err")"
fi

dt_finish
