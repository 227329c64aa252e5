#!/bin/bash
#
# run-nudge.sh - the same-hour nudge end to end: a private Postfix with the
# milter, nudge.reps listing ann only, customers' mail relayed to smtp-sink,
# the reps' mail (and so the nudges) delivered into Maildirs.
#
#   a) ann sends a calm mail, bram (not listed) and then ann a euphoric one:
#      exactly one nudge, in ann's Maildir - To ann alone, the subject "Your
#      mail to Sarah Mitchell sounded euphoric", the mail's subject, phrases
#      and advice, X-Deal-Nudge and Auto-Submitted; nothing in bram's
#   b) the customers' copies: delivered with their X-Deal headers, bodies
#      byte-identical, and no nudge among them (nothing reaches a customer)
#   c) the note passed the milter too, ignored (Auto-Submitted): no X-Deal
#      header of its own, never scored or stored
#   d) ann's second euphoric mail within nudge.interval: no second nudge,
#      "nudge=limited" in its log line, SIGUSR1: nudges_sent=1 limited=1
#   e) reload to nudge.reps = @corp.test and digest.sendmail = /bin/false:
#      bram (now listed) sends a euphoric mail; it flows with its headers,
#      one log line with its queue id says why the nudge was not sent, and
#      nudges_failed=1
#   f) a sendmail that hangs: SIGTERM still ends the milter in time (exit 0
#      within 10 s), the hanging command is killed, the nudge counted failed
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed. Runs as
# root (a private Postfix, sendmail -C). DT_BUILD=build-san runs the
# sanitizer binaries.
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"

dt_init postfix postmap sendmail smtp-sink swaks python3 timeout sha256sum
[ "$(id -u)" = 0 ] || fail "run-nudge.sh must run as root (a private Postfix, sendmail -C)"

RUN=$$-$RANDOM
MSG=$DT_TMP/msg
SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT
CONF=$DT_TMP/milter/dealtemp.conf
PF_ETC=$DT_TMP/pf/etc # where dt_postfix_start puts the default instance's main.cf

# conf_write NUDGE_REPS SENDMAIL: the milter's configuration.
conf_write() {
    cat >"$CONF" <<EOF
database = "$DT_TMP/milter/dealtemp.db";
internal_domains = [ "corp.test" ];
nudge = {
    reps = [ $1 ];
    interval = "1h";
};
digest = {
    from = "dealtemp@corp.test";
    sendmail = "$2";
};
EOF
}

# reload: SIGHUP, then wait (bounded) for the milter to say it reloaded.
RELOADS=0
reload() {
    RELOADS=$((RELOADS + 1))
    kill -HUP "$DT_MILTER_PID"
    for _ in $(seq 1 50); do
        [ "$(grep -c "reloaded $CONF" "$DT_MILTER_LOG")" -ge "$RELOADS" ] && return 0
        sleep 0.1
    done
    fail "the milter did not reload $CONF in 5 s"
}

# counters: SIGUSR1, then the counters line it logs (bounded wait).
counters() {
    local before after
    before=$(grep -c 'counters: ' "$DT_MILTER_LOG")
    kill -USR1 "$DT_MILTER_PID"
    for _ in $(seq 1 50); do
        after=$(grep -c 'counters: ' "$DT_MILTER_LOG")
        [ "$after" -gt "$before" ] && break
        sleep 0.1
    done
    grep 'counters: ' "$DT_MILTER_LOG" | tail -n 1
}

# log_wait PATTERN [SECONDS]: wait until the milter log has a line matching PATTERN (grep -E).
log_wait() {
    local i
    for i in $(seq 1 $((${2:-20} * 5))); do
        grep -qE "$1" "$DT_MILTER_LOG" && return 0
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        sleep 0.2
    done
    dt_note "no milter log line matching '$1' after $i polls"
    return 1
}

# qid_of TOKEN: the Postfix queue id of the message whose Message-ID holds TOKEN.
qid_of() {
    sed -n "s/.* \([0-9A-F]\{6,\}\): message-id=<[^>]*$1[^>]*>.*/\1/p" "$DT_MAILLOG" | head -n 1
}

# ---------------------------------------------------------------- messages

write_msg "$MSG/calm.eml" "nd-calm-$RUN" "Ann Rep <ann@corp.test>" \
    "Sarah Mitchell <sarah@northwind.example>" "Revised proposal" <<'EOF'
Hello Sarah,

Thank you for your time on the call today. As discussed, I have attached the
revised proposal with the updated pricing for the 50-seat licence. Please
review it with your procurement team and let me know if you have questions.

Kind regards,
Ann
EOF

# euphoric FILE TOKEN FROM SUBJECT: the same over-excited body for every sender.
euphoric() {
    write_msg "$1" "$2" "$3" "Sarah Mitchell <sarah@northwind.example>" "$4" <<'EOF'
Hi Sarah,

AMAZING call today!!! We are SO excited about this partnership, it is going
to be an absolute game-changer for your team!!! Honestly the best meeting we
have had all year, fantastic energy, incredible fit. I can't wait to get this
signed 🚀🎉

Best,
EOF
}
euphoric "$MSG/bram1.eml" "nd-bram1-$RUN" "Bram Rep <bram@corp.test>" "What a call!!!"
euphoric "$MSG/ann1.eml" "nd-ann1-$RUN" "Ann Rep <ann@corp.test>" "Great call today!!!"
euphoric "$MSG/ann2.eml" "nd-ann2-$RUN" "Ann Rep <ann@corp.test>" "And one more thing!!!"
euphoric "$MSG/bram2.eml" "nd-bram2-$RUN" "Bram Rep <bram@corp.test>" "Even better news!!!"
euphoric "$MSG/chloe.eml" "nd-chloe-$RUN" "Chloe Rep <chloe@corp.test>" "Unbelievable!!!"

# ---------------------------------------------------------------- start

dt_sink_start "$SINK_PORT"
dt_postfix_maildir corp.test ann@corp.test bram@corp.test chloe@corp.test dealtemp@corp.test
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "inet:127.0.0.1:$MILTER_PORT"
[ "$DT_PF_ETC" = "$PF_ETC" ] || fail "the private Postfix is in $DT_PF_ETC, not $PF_ETC"
conf_write '"ann@corp.test"' "/usr/sbin/sendmail -C $PF_ETC -t -i"
dt_milter_start "inet:$MILTER_PORT@127.0.0.1" "$CONF"
dt_note "sink 127.0.0.1:$SINK_PORT, smtpd 127.0.0.1:$DT_SMTPD_PORT, milter 127.0.0.1:$MILTER_PORT, tmp $DT_TMP"

# ---------------------------------------------------------------- a) one nudge

send_smtp ann@corp.test sarah@northwind.example "$MSG/calm.eml"
send_smtp bram@corp.test sarah@northwind.example "$MSG/bram1.eml"
send_smtp ann@corp.test sarah@northwind.example "$MSG/ann1.eml"
delivered F_CALM "nd-calm-$RUN" "a) calm mail delivered"
delivered F_BRAM1 "nd-bram1-$RUN" "a) bram's mail delivered"
delivered F_ANN1 "nd-ann1-$RUN" "a) ann's mail delivered"

if dt_wait_maildir ann@corp.test 1 30 && [ "$(dt_maildir_files bram@corp.test | grep -c '^')" = 0 ]; then
    dt_ok "a) exactly one nudge, in ann's Maildir; none for bram (not in nudge.reps)"
else
    dt_not_ok "a) one nudge for ann" "ann: $(dt_maildir_files ann@corp.test | grep -c '^'), bram: $(dt_maildir_files bram@corp.test | grep -c '^')"
fi
NUDGE=$(dt_maildir_files ann@corp.test | head -n 1)

# The note, parsed by Python's email module.
check_note() {
    python3 - "$1" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
bad = []
def want(cond, why):
    if not cond:
        bad.append(why)
want(m["Subject"] == "Your mail to Sarah Mitchell sounded euphoric", "subject %r" % m["Subject"])
want(m.get_all("To") == ["ann@corp.test"], "To %r" % m.get_all("To"))
want(m["Cc"] is None and m["Bcc"] is None, "Cc/Bcc present")
want(m["From"] == "dealtemp@corp.test", "From %r" % m["From"])
want(m["X-Deal-Nudge"] == "yes", "X-Deal-Nudge %r" % m["X-Deal-Nudge"])
want(m["Auto-Submitted"] == "auto-generated", "Auto-Submitted %r" % m["Auto-Submitted"])
want(not m.is_multipart() and m.get_content_type() == "text/plain", "not one text/plain part")
want(m.defects == [], "defects %r" % m.defects)
text = m.get_content() if not m.is_multipart() else ""
for s in ["Subject:  Great call today!!!", "Sarah Mitchell, Northwind", "sarah@northwind.example",
          "\u201cAMAZING\u201d", "\u201ccan't wait\u201d", "Give them room",
          "never the customer", "No further note before"]:
    want(s in text, "text lacks %r" % s)
want("What a call" not in text and "Revised proposal" not in text, "another mail in the note")
print("; ".join(bad) if bad else "ok")
EOF
}
if [ -n "$NUDGE" ]; then
    why=$(check_note "$NUDGE")
    if [ "$why" = ok ]; then
        dt_ok "a) the nudge: To ann alone, its subject, the mail's subject, phrases and advice, X-Deal-Nudge, Auto-Submitted"
    else
        dt_not_ok "a) the nudge's content" "$why"
    fi
fi

# ---------------------------------------------------------------- b) customers' copies

for pair in "calm:F_CALM:calm" "bram1:F_BRAM1:euphoric" "ann1:F_ANN1:euphoric"; do
    IFS=: read -r name var level <<<"$pair"
    f=${!var}
    [ -n "$f" ] || continue
    check_level "b) $name.eml reached the customer with X-Deal-Euphoria" "$f" "$level" en
    check_body "b) $name.eml body unaltered" "$MSG/$name.eml" "$f"
    if dt_headers_of "$f" | grep -qi '^X-Deal-Thread: '; then
        dt_ok "b) $name.eml carries X-Deal-Thread"
    else
        dt_not_ok "b) $name.eml carries X-Deal-Thread" "$(dt_headers_of "$f" | grep -i '^X-Deal' | tr '\n' '|')"
    fi
done
if ! grep -rlqi -e '^X-Deal-Nudge:' -e 'sounded euphoric' "$DT_SINK_DIR"; then
    dt_ok "b) no nudge among the $(find "$DT_SINK_DIR" -type f | wc -l) messages that left for customers"
else
    dt_not_ok "b) no nudge reached a customer" "$(grep -rli -e '^X-Deal-Nudge:' -e 'sounded euphoric' "$DT_SINK_DIR")"
fi

# ---------------------------------------------------------------- c) never scored itself

if [ -n "$NUDGE" ] && ! dt_headers_of "$NUDGE" | grep -qi '^X-Deal-\(Euphoria\|Thread\|Reply-Latency\):' &&
    grep -q 'ignored from=<dealtemp@corp.test> why=Auto-Submitted' "$DT_MILTER_LOG"; then
    dt_ok "c) the nudge passed the milter ignored (Auto-Submitted): no X-Deal header of its own"
else
    dt_not_ok "c) the nudge is never scored" "headers: $(dt_headers_of "${NUDGE:-/dev/null}" | grep -i '^X-Deal' | tr '\n' '|'), log: $(grep -c 'from=<dealtemp@corp.test>' "$DT_MILTER_LOG") line(s) for it"
fi
q=$(qid_of "nd-ann1-$RUN")
if [ -n "$q" ] && grep -q "$q: outbound from=<ann@corp.test> .*level=euphoric.* nudge=queued" "$DT_MILTER_LOG" &&
    grep -q "$q: nudge sent to <ann@corp.test>" "$DT_MILTER_LOG"; then
    dt_ok "c) ann's mail logged nudge=queued, then one line: nudge sent (queue id $q)"
else
    dt_not_ok "c) the log lines of ann's nudge" "queue id '${q}': $(grep "${q:-none}:" "$DT_MILTER_LOG" | tr '\n' '|')"
fi

# ---------------------------------------------------------------- d) rate limit

send_smtp ann@corp.test sarah@northwind.example "$MSG/ann2.eml"
delivered F_ANN2 "nd-ann2-$RUN" "d) ann's second mail delivered"
q=$(qid_of "nd-ann2-$RUN")
[ -n "$F_ANN2" ] && check_level "d) ann's second mail reached the customer with X-Deal-Euphoria" "$F_ANN2" euphoric en
if [ -n "$q" ] && log_wait "$q: outbound from=<ann@corp.test> .* nudge=limited" 10; then
    dt_ok "d) ann's second euphoric mail within the hour: nudge=limited ($q)"
else
    dt_not_ok "d) rate limit in the log" "$(grep "${q:-none}:" "$DT_MILTER_LOG" | tr '\n' '|')"
fi
sleep 1 # a nudge, had one been queued, would be in the Maildir by now
line=$(counters)
if dt_wait_maildir ann@corp.test 1 5 &&
    [[ $line == *"nudges_sent=1 nudges_failed=0 nudges_dropped=0 nudges_limited=1" ]]; then
    dt_ok "d) still one nudge in ann's Maildir; SIGUSR1: nudges_sent=1 nudges_failed=0 nudges_dropped=0 nudges_limited=1"
else
    dt_not_ok "d) no second nudge, counters" "ann: $(dt_maildir_files ann@corp.test | grep -c '^'), counters: $line"
fi

# ---------------------------------------------------------------- e) a broken sendmail

conf_write '"ann@corp.test", "@corp.test"' "/bin/false"
reload
send_smtp bram@corp.test sarah@northwind.example "$MSG/bram2.eml"
delivered F_BRAM2 "nd-bram2-$RUN" "e) bram's mail delivered"
[ -n "$F_BRAM2" ] && check_level "e) with the delivery command broken, bram's mail still reached the customer with X-Deal-Euphoria" "$F_BRAM2" euphoric en
[ -n "$F_BRAM2" ] && check_body "e) and its body unaltered" "$MSG/bram2.eml" "$F_BRAM2"
q=$(qid_of "nd-bram2-$RUN")
if [ -n "$q" ] && log_wait "$q: nudge to <bram@corp.test> not sent: sendmail exited 1" 20 &&
    [ "$(grep -c "$q: nudge to" "$DT_MILTER_LOG")" = 1 ]; then
    dt_ok "e) after the reload bram is listed; his nudge failed: one log line with the queue id ($q)"
else
    dt_not_ok "e) the failed nudge's log line" "$(grep "${q:-none}:" "$DT_MILTER_LOG" | tr '\n' '|')"
fi
line=$(counters)
if [[ $line == *"nudges_sent=1 nudges_failed=1 nudges_dropped=0 nudges_limited=1" ]] &&
    [ "$(dt_maildir_files bram@corp.test | grep -c '^')" = 0 ]; then
    dt_ok "e) SIGUSR1: nudges_failed=1; nothing in bram's Maildir"
else
    dt_not_ok "e) counters after the failure" "$line"
fi

# ---------------------------------------------------------------- f) a hanging sendmail at SIGTERM

cat >"$DT_TMP/hang-sendmail" <<EOF
#!/bin/sh
echo \$\$ > "$DT_TMP/hang.pid"
cat > /dev/null
exec sleep 60
EOF
chmod 755 "$DT_TMP/hang-sendmail"
conf_write '"@corp.test"' "$DT_TMP/hang-sendmail -t -i"
reload
send_smtp chloe@corp.test sarah@northwind.example "$MSG/chloe.eml"
delivered F_CHLOE "nd-chloe-$RUN" "f) chloe's mail delivered"
for _ in $(seq 1 100); do [ -s "$DT_TMP/hang.pid" ] && break; sleep 0.1; done
HANG=$(cat "$DT_TMP/hang.pid" 2>/dev/null)
if [ -n "$HANG" ] && kill -0 "$HANG" 2>/dev/null; then
    t0=$SECONDS
    dt_milter_stop
    took=$((SECONDS - t0))
    sleep 0.5
    if [ "$DT_MILTER_EXIT" = 0 ] && [ "$took" -le 9 ] && ! kill -0 "$HANG" 2>/dev/null &&
        grep -q "nudge to <chloe@corp.test> not sent: sendmail cancelled (killed)" "$DT_MILTER_LOG" &&
        grep 'counters: ' "$DT_MILTER_LOG" | tail -n 1 | grep -q 'nudges_failed=2 '; then
        dt_ok "f) SIGTERM with a nudge in a hanging sendmail: exit 0 after ${took}s, the command killed, counted failed"
    else
        dt_not_ok "f) SIGTERM with a hanging sendmail" "exit $DT_MILTER_EXIT after ${took}s, command alive: $(kill -0 "$HANG" 2>/dev/null && echo yes || echo no), last lines: $(tail -n 3 "$DT_MILTER_LOG" | tr '\n' '|')"
        kill -KILL "$HANG" 2>/dev/null
    fi
else
    dt_not_ok "f) the hanging sendmail was started for chloe's nudge" "no process ($HANG)"
fi

if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_MILTER_LOG"; then
    dt_not_ok "no sanitizer report" "$(grep -m1 -E 'Sanitizer|runtime error:' "$DT_MILTER_LOG")"
else
    dt_ok "no sanitizer report in the milter's log"
fi

dt_finish
