#!/bin/bash
#
# run-postfix.sh - dealtemp-milter behind a real, private Postfix.
#
# Starts smtp-sink, the milter (inet socket on a free port) and a throwaway
# Postfix that relays everything to the sink, sends mail by SMTP (swaks,
# smtpd_milters) and by local submission (sendmail -C, pickup ->
# non_smtpd_milters), and checks the delivered copies:
#   a) euphoric English outbound  -> X-Deal-Euphoria level euphoric, lang en
#   b) calm outbound              -> level calm
#   c) euphoric Dutch via sendmail -> euphoric, lang nl
#   d) inbound                    -> no X-Deal-Euphoria
#   e) 20 MB attachment, f) broken MIME -> bodies byte-identical
#   i) the reply (joined by subject) carries a)'s X-Deal-Thread and an
#      X-Deal-Reply-Latency; `dealtemp threads` lists it
#   g) every X-Deal-* field is well-formed (one X-Deal-Euphoria, lines < 998
#      bytes, one space after the colon)
#   h) milter stopped: mail still flows, untouched (milter_default_action=accept)
# The messages and the checks are messages.sh's, shared with run-sendmail.sh.
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run from anywhere: DT_BUILD=build bash tests/integration/run-postfix.sh
# DT_KEEP=1 keeps the temp dir (logs, queue, sink dumps).
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"

dt_init postfix smtp-sink swaks sendmail sha256sum base64 timeout
[ "$(id -u)" = 0 ] || fail "run-postfix.sh must run as root (a private Postfix, smtp-sink -u nobody, sendmail -C)"

# The ports, the messages a)..h) in $MSG and their tokens TOK_A..TOK_H (messages.sh).
run_init

# ---------------------------------------------------------------- start

dt_sink_start "$SINK_PORT"
if [ "${DT_NO_MILTER:-0}" = 1 ]; then
    dt_note "DT_NO_MILTER=1: Postfix runs without the milter (harness development only)"
    dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT"
else
    dt_milter_start "inet:$MILTER_PORT@127.0.0.1"
    dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "inet:127.0.0.1:$MILTER_PORT"
fi
dt_note "sink 127.0.0.1:$SINK_PORT, smtpd 127.0.0.1:$DT_SMTPD_PORT, milter 127.0.0.1:$MILTER_PORT, tmp $DT_TMP"

# ---------------------------------------------------------------- send

send_smtp rep@corp.test buyer@customer.example "$MSG/a.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/b.eml"
dt_sendmail rep@corp.test sanne@klant.example "$MSG/c.eml" >"$DT_TMP/log/sendmail-c.log" 2>&1 ||
    dt_not_ok "send c.eml by sendmail -C" "exit $?: $(tr '\n' ' ' <"$DT_TMP/log/sendmail-c.log")"
send_smtp buyer@customer.example rep@corp.test "$MSG/d.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/f.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/e.eml"

# ---------------------------------------------------------------- checks

# a)..g) and i) on the delivered copies (messages.sh); c) went in by pickup.
check_copies "sendmail -C, non_smtpd_milters" pickup

# h) with the milter gone, mail still flows untouched (milter_default_action = accept).
if [ "${DT_NO_MILTER:-0}" != 1 ]; then
    check_milter_exit
    send_smtp rep@corp.test buyer@customer.example "$MSG/h.eml"
    delivered FH "$TOK_H" "h) milter down: delivered without header" &&
        check_milter_down "$FH" "warning: connect to Milter service inet:127.0.0.1:$MILTER_PORT" Postfix \
            "h) milter down: mail delivered untouched (milter_default_action = accept)"
fi

dt_finish
