#!/bin/bash
#
# demo.sh - `make demo`: the newcomer's tour of dealtemp, end to end on loopback.
#
#   1. imports a three-week team history (tests/data/timeline/team-3weeks.mbox:
#      ann, bram, chloe and dirk @corp.example) into a fresh store;
#   2. starts dealtemp-milter and a private Postfix using it: mail for the
#      four reps goes into Maildirs, everything else to an smtp-sink;
#   3. sends three new messages through Postfix (swaks) - an euphoric
#      outbound, a calm one, a customer's late reply - and prints the
#      X-Deal-* headers of the delivered copies;
#   4. sends the digests as of the end of the history (2026-11-20 17:00 UTC)
#      through the same Postfix, keeps each as an .eml and its HTML part as
#      an .html preview with an index.html;
#   5. stops everything and says where the results are: var/demo/<time>/
#      (var/demo/latest points at the newest), kept after exit.
# Runs as root (a private Postfix delivering as nobody). Every wait is
# bounded; any failure stops the tour with the reason and the log tails.
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# write_msg and message_id_error, the ones make check's Postfix and Sendmail
# tests use (and check).
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"

if [ "$(id -u)" != 0 ]; then
    echo "make demo runs a private Postfix and needs root: sudo make demo" >&2
    exit 1
fi
dt_init postfix postmap smtp-sink swaks python3 timeout

DT=$DT_BUILD/dealtemp
{ [ -x "$DT" ] && [ -x "$DT_MILTER_BIN" ]; } || fail "build first: make (no $DT or $DT_MILTER_BIN)"
MBOX=$DT_ROOT/tests/data/timeline/team-3weeks.mbox
AS_OF=2026-11-20T17:00:00Z
REPS="ann@corp.example bram@corp.example chloe@corp.example dirk@corp.example"
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$DT_ROOT/var/demo/$STAMP
REL=var/demo/$STAMP
mkdir -p "$OUT/mail" "$OUT/digests" "$OUT/preview" "$OUT/logs" || fail "cannot create $OUT"
ln -sfn "$STAMP" "$DT_ROOT/var/demo/latest"

say() { printf '\n==> %s\n' "$*"; }
run() { timeout 120 "$@" || fail "$* failed (exit $?)"; }

# Keep the logs whatever happens; the runtime (queue, sockets) goes with $DT_TMP.
keep_logs() {
    cp -f "$DT_MAILLOG" "$OUT/logs/maillog" 2>/dev/null
    cp -f "$DT_MILTER_LOG" "$OUT/logs/milter.log" 2>/dev/null
    return 0
}
demo_exit() {
    local rc=$?
    keep_logs
    (exit "$rc")
    dt_cleanup
}
trap demo_exit EXIT

# The kept configuration (the store lives next to it) and, for this run only,
# the same plus digest.smtp pointing at the private Postfix.
CONF=$OUT/dealtemp.conf
cat >"$CONF" <<EOF
# make demo, $STAMP. Try:
#   build/dealtemp threads -c $REL/dealtemp.conf --as-of $AS_OF
#   build/dealtemp digest  -c $REL/dealtemp.conf --as-of $AS_OF --dry-run
database = "$OUT/dealtemp.db";
internal_domains = ["corp.example"];
digest = { from = "dealtemp@corp.example"; };
EOF

# ---------------------------------------------------------------- 1. history

say "1. Importing three weeks of team mail ($(basename "$MBOX")) into $REL/dealtemp.db"
run "$DT" import -c "$CONF" --mbox "$MBOX"
echo "   Deal threads as of $AS_OF, the end of that history:"
run "$DT" threads -c "$CONF" --as-of "$AS_OF" | sed 's/^/   /'

# ---------------------------------------------------------------- 2. servers

SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT
say "2. Starting dealtemp-milter (127.0.0.1:$MILTER_PORT) and a private Postfix (127.0.0.1:$DT_SMTPD_PORT)"
dt_sink_start "$SINK_PORT"
dt_milter_start "inet:$MILTER_PORT@127.0.0.1" "$CONF"
# shellcheck disable=SC2086 # one word per rep
dt_postfix_maildir corp.example $REPS
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "inet:127.0.0.1:$MILTER_PORT"
echo "   Mail to the four reps goes into Maildirs, mail to customers to an smtp-sink (127.0.0.1:$SINK_PORT)."

# ---------------------------------------------------------------- 3. new mail

RUN=demo-$$-$RANDOM
# write_msg FILE TOKEN FROM TO SUBJECT [IN-REPLY-TO] (messages.sh): body from
# stdin, CRLF, Message-ID <TOKEN@the sender's domain>.
write_msg "$OUT/mail/1-sent-euphoric.eml" "$RUN-1" "Bram de Wit <bram@corp.example>" \
    "Marta Silva <m.silva@lisboa-foods.example>" "What a call!!!" <<'EOF'
Hi Marta,

AMAZING call today!!! We are SO excited about working together, this is going
to be an absolute game-changer for your stores!!! Honestly the best meeting of
the year, fantastic energy and an incredible fit. Can't wait to sign 🚀🎉

Let's make it happen this week!!!

Bram
EOF

write_msg "$OUT/mail/2-sent-calm.eml" "$RUN-2" "Chloe Martin <chloe@corp.example>" \
    "Jan Kowalski <j.kowalski@baltic-freight.pl>" \
    "Re: Request for quote: cold-chain monitoring for 40 trailers" "<5f3e1c2a-baltic@baltic-freight.pl>" <<'EOF'
Hello Jan,

Thank you for your request. Attached is the quote for cold-chain monitoring of
40 trailers, with the installation plan and the yearly service fee.

What matters most to your team when you compare offers? I am happy to go
through the numbers with you and your colleagues whenever it suits you.

Kind regards,
Chloe
EOF

write_msg "$OUT/mail/3-received-reply.eml" "$RUN-3" "Sarah Mitchell <sarah.mitchell@northwind-retail.co.uk>" \
    "Bram de Wit <bram@corp.example>" "RE: Pilot for Northwind stores" "<20261116100000.d4a8@corp.example>" <<'EOF'
Hi Bram,

Sorry for the slow reply. We discussed the pilot internally; finance wants to
see the cost per store before we commit. Could you send that?

Best,
Sarah
EOF

for f in "$OUT"/mail/[123]-*.eml; do
    why=$(message_id_error "$f") || fail "generated a bad message: $why"
done

say "3. Sending three new messages through Postfix (swaks -> smtpd -> dealtemp-milter)"
send() {
    dt_swaks "$1" "$2" "$3" >"$DT_TMP/log/swaks-$(basename "$3").log" 2>&1 ||
        fail "swaks $(basename "$3"): $(tail -n 3 "$DT_TMP/log/swaks-$(basename "$3").log")"
    echo "   sent $(basename "$3"): $1 -> $2"
}
send bram@corp.example m.silva@lisboa-foods.example "$OUT/mail/1-sent-euphoric.eml"
send chloe@corp.example j.kowalski@baltic-freight.pl "$OUT/mail/2-sent-calm.eml"
send sarah.mitchell@northwind-retail.co.uk bram@corp.example "$OUT/mail/3-received-reply.eml"

# The X-Deal-* fields of a delivered copy, each with its continuation lines.
deal_headers() {
    dt_headers_of "$1" | awk '/^[^ \t]/ { on = tolower($0) ~ /^x-deal-/ } on { print "     " $0 }'
}
F1=$(dt_wait_delivery "$RUN-1" 60) || fail "the euphoric message never reached the sink"
F2=$(dt_wait_delivery "$RUN-2" 60) || fail "the calm message never reached the sink"
dt_wait_maildir bram@corp.example 1 60 || fail "the customer's reply never reached bram's Maildir"
F3=$(dt_maildir_files bram@corp.example | head -n 1)
cp "$F1" "$OUT/mail/1-delivered-euphoric.txt"
cp "$F2" "$OUT/mail/2-delivered-calm.txt"
cp "$F3" "$OUT/mail/3-delivered-reply.eml"
echo "   Delivered copies and what dealtemp added:"
echo "   * bram -> a new prospect, euphoric (a new thread):"
deal_headers "$F1"
echo "   * chloe -> the customer who asked for a quote, calm (joins that thread):"
deal_headers "$F2"
echo "   * the customer's reply to bram's euphoric mail of 16 Nov, in bram's Maildir (its latency):"
deal_headers "$F3"

# ---------------------------------------------------------------- 4. digests

say "4. Today's digests - as of $AS_OF, the end of the three weeks"
echo "   (--as-of: the history ends there; today every one of its threads would be long stalled,"
echo "   and the messages just sent count from their real arrival time, after that moment.)"
SEND_CONF=$DT_TMP/send.conf
sed "s|^digest = { \(.*\) };|digest = { \1 smtp = \"127.0.0.1:$DT_SMTPD_PORT\"; };|" "$CONF" >"$SEND_CONF"
grep -q "smtp = " "$SEND_CONF" || fail "could not write $SEND_CONF"
run "$DT" digest -c "$SEND_CONF" --as-of "$AS_OF" --dry-run >"$OUT/digests/digests.mbox"
want=$(grep -c '^From ' "$OUT/digests/digests.mbox")
timeout 120 "$DT" digest -c "$SEND_CONF" --as-of "$AS_OF" --send 2>&1 | sed 's/^/   /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "dealtemp digest --send failed"
# Each rep's digest, from their Maildir.
got=0
for rep in $REPS; do
    for i in $(seq 1 150); do
        f=$(dt_maildir_files "$rep" | xargs -r grep -l -m1 '^Message-ID: <digest\.' | head -n 1)
        [ -n "$f" ] && break
        # Nothing queued and nothing delivered: this rep has no digest.
        [ "$i" -gt 10 ] && dt_queue_empty && break
        sleep 0.2
    done
    [ -n "$f" ] || continue
    cp "$f" "$OUT/digests/${rep%@*}.eml"
    got=$((got + 1))
done
[ "$got" -eq "$want" ] || fail "$got digests delivered, $want expected"

python3 - "$OUT" <<'PY' || fail "writing the HTML previews failed"
import email, email.policy, glob, html, os, sys
out = sys.argv[1]
rows = []
for path in sorted(glob.glob(os.path.join(out, "digests", "*.eml"))):
    name = os.path.basename(path)[:-4]
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    part = msg.get_body(preferencelist=("html",))
    with open(os.path.join(out, "preview", name + ".html"), "w", encoding="utf-8") as f:
        f.write(part.get_content())
    rows.append((name, str(msg["To"]), str(msg["Subject"])))
    print(f"   {name}.eml  To: {msg['To']}  Subject: {msg['Subject']}")
items = "\n".join(
    f'<li><a href="{html.escape(n)}.html">{html.escape(to)}</a> &mdash; {html.escape(s)} '
    f'(<a href="../digests/{html.escape(n)}.eml">.eml</a>)</li>' for n, to, s in rows)
with open(os.path.join(out, "preview", "index.html"), "w", encoding="utf-8") as f:
    f.write(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dealtemp demo: digests</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:640px;margin:24px auto;">
<h1>Digests as of 2026-11-20 17:00 UTC</h1>
<p>One mail per rep with deals that went quiet or slow after an enthusiastic message.
Each preview is the HTML part of the mail as delivered.</p>
<ul>
{items}
</ul>
</body></html>
""")
PY

# ---------------------------------------------------------------- 5. done

say "5. Stopping the milter and Postfix"
dt_postfix_stop
dt_milter_stop || fail "dealtemp-milter did not stop on SIGTERM"
dt_sink_stop
cp -a "$DT_VMAIL_BASE" "$OUT/maildirs"
chmod 644 "$OUT"/digests/*.eml "$OUT"/mail/*
keep_logs

cat <<EOF

Everything is in $REL/ (var/demo/latest):
  preview/index.html     open in a browser: each rep's digest as HTML
  digests/*.eml          the digests as delivered (open in a mail client); digests.mbox: the --dry-run
  mail/                  the three new messages as sent, and the delivered copies with X-Deal-* headers
  maildirs/              the reps' Maildirs (mutt -f $REL/maildirs/bram@corp.example)
  dealtemp.conf, .db     the store: build/dealtemp threads -c $REL/dealtemp.conf --as-of $AS_OF
  logs/                  Postfix's maillog and the milter's log
EOF
