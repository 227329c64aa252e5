#!/bin/bash
#
# run-sendmail.sh - dealtemp-milter behind a real, private Sendmail.
#
# Fetches Debian's Sendmail .debs once (apt-get download, cached in
# build/sendmail-debs), unpacks them into the temp dir, builds a .cf with
# INPUT_MAIL_FILTER(`dealtemp', `S=inet:PORT@127.0.0.1, F=, T=S:30s;R:30s;E:5m')
# and runs `sendmail -bD` on a 127.0.0.1 high port inside its own UTS/mount
# namespace (sendmail-lib.sh), relaying everything to an smtp-sink. Mail goes
# in by SMTP (swaks) and by `sendmail -bs` (SMTP on stdin; a plain command-line
# submission is never filtered by Sendmail). Checks on the delivered copies,
# the same as run-postfix.sh (both from messages.sh):
#   a) euphoric English outbound  -> X-Deal-Euphoria level euphoric, lang en
#   b) calm outbound              -> level calm
#   c) euphoric Dutch via sendmail -bs -> euphoric, lang nl
#   d) inbound                    -> no X-Deal-Euphoria
#   i) the reply (joined by subject) carries a)'s X-Deal-Thread and an
#      X-Deal-Reply-Latency; `dealtemp threads` lists it
#   e) 20 MB attachment, f) broken MIME -> bodies byte-identical
#   g) every X-Deal-* field is well-formed (one field, lines < 998 bytes, one
#      space after the colon: Sendmail's smfi_addheader may differ from
#      Postfix's in position and leading space, so values are checked, not
#      positions)
#   s) Sendmail logged no milter error while the milter ran
#   h) milter stopped, F= (no flag): Sendmail still delivers, untouched
#   k) contrib/sendmail/dealtemp.mc builds with cf.m4 and Sendmail parses it
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run from anywhere, as root: DT_BUILD=build bash tests/integration/run-sendmail.sh
# DT_KEEP=1 keeps the temp dir (logs, queue, sink dumps, .mc/.cf).
set -u

# shellcheck source=tests/integration/sendmail-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/sendmail-lib.sh"
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"
DT_WAIT_DELIVERY=sm_wait_delivery

sm_init smtp-sink swaks sha256sum base64 timeout

# The ports, the messages a)..h) in $MSG and their tokens TOK_A..TOK_H (messages.sh).
run_init

# ---------------------------------------------------------------- start

T0=$SECONDS
sm_fetch_debs
sm_unpack
sm_config "$DT_SMTPD_PORT" "$SINK_PORT" "$MILTER_PORT"
sm_syslog_start
dt_sink_start "$SINK_PORT"
dt_milter_start "inet:$MILTER_PORT@127.0.0.1"
sm_start
dt_note "sink 127.0.0.1:$SINK_PORT, sendmail 127.0.0.1:$DT_SMTPD_PORT (pid $SM_PID), milter 127.0.0.1:$MILTER_PORT, tmp $DT_TMP; set up in $((SECONDS - T0))s"

# k) the admins' snippet builds with cf.m4 and this Sendmail accepts the .cf.
if out=$(sm_check_snippet "$DT_ROOT/contrib/sendmail/dealtemp.mc"); then
    dt_ok "k) contrib/sendmail/dealtemp.mc builds and parses: $out"
else
    dt_not_ok "k) contrib/sendmail/dealtemp.mc" "$out"
fi

# ---------------------------------------------------------------- send

send_smtp rep@corp.test buyer@customer.example "$MSG/a.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/b.eml"
sm_bs rep@corp.test sanne@klant.example "$MSG/c.eml" >"$DT_TMP/log/swaks-bs-c.eml.log" 2>&1 ||
    dt_not_ok "send c.eml by sendmail -bs" "swaks --pipe exit $?: $(tail -n 3 "$DT_TMP/log/swaks-bs-c.eml.log" | tr '\n' ' ')"
send_smtp buyer@customer.example rep@corp.test "$MSG/d.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/f.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/e.eml"

# ---------------------------------------------------------------- checks

# a)..g) and i) on the delivered copies (messages.sh).
check_copies "sendmail -bs" "sendmail -bs"

# s) Sendmail's side of the protocol: no milter error, timeout or abort was
# logged (with F= such an error would pass mail silently without headers),
# and the milter logged each message under Sendmail's queue id. Sendmail
# logs each header change, the deletions of d)'s forged X-Deal-* fields too.
errs=$(grep -E 'Milter|milter' "$DT_MAILLOG" | grep -v -E 'Milter \(dealtemp\) (add|insert|change|delete): header' || true)
if [ -z "$errs" ]; then
    dt_ok "s) Sendmail logged no milter error, timeout or abort while the milter ran"
else
    dt_not_ok "s) no milter error in the Sendmail log" "$(printf '%s\n' "$errs" | head -n 3 | tr '\n' ' ')"
fi
qid_a=$(sed -n "s/.* \([0-9A-Za-z]\{14\}\): from=.*msgid=<[^>]*${TOK_A}[^>]*>.*/\1/p" "$DT_MAILLOG" | head -n 1)
if [ -n "$qid_a" ] && grep -q "$qid_a: outbound" "$DT_MILTER_LOG"; then
    dt_ok "s) the milter logged a) under Sendmail's queue id $qid_a"
else
    dt_not_ok "s) milter log line with the queue id" "queue id '${qid_a}'; milter log: $(grep -m1 "$TOK_A\|outbound" "$DT_MILTER_LOG")"
fi

# h) with the milter gone, mail still flows untouched (no F= flag).
check_milter_exit
send_smtp rep@corp.test buyer@customer.example "$MSG/h.eml"
delivered FH "$TOK_H" "h) milter down: delivered without header" &&
    check_milter_down "$FH" "Milter (dealtemp): error connecting to filter" Sendmail \
        "h) milter down, F= (no flag): Sendmail delivers, untouched"

dt_finish
