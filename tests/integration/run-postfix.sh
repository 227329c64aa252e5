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
#   j) a header value of 16 KB and more whose 16,384th byte is a folding LF
#      (where the milter cuts values) before the From, sent with an external
#      envelope sender -> still outbound (the cut once ended the header there)
#   k) the customer's reply, the same value before From and In-Reply-To, sent
#      by a forwarder -> inbound, in j)'s thread, with X-Deal-Reply-Latency
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

# j, k) The X-Long field: its value as the milter gets it (LF line ends,
# no space after the colon) has a folding LF as byte 16,384, the milter's
# cut (rawhdr.h), then more. Then a message from write_msg.
cut_value_msg() {
    local file=$1 i
    shift
    {
        printf 'X-Long: %s\n' "$(head -c 1023 /dev/zero | tr '\0' x)"
        for i in $(seq 2 16); do
            printf '\t%s\n' "$(head -c 1022 /dev/zero | tr '\0' x)"
        done
        printf '\tthe rest of the folded value\n'
    } | sed 's/$/\r/' >"$file"
    write_msg "$file.rest" "$@"
    cat "$file.rest" >>"$file"
}
TOK_J=dt-j-$RUN
TOK_K=dt-k-$RUN
cut_value_msg "$MSG/j.eml" "$TOK_J" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
    "Pilot kickoff!!!" <<'EOF'
Hi Sam,

AMAZING kickoff today!!! We are SO excited, this pilot is going to be an
absolute game-changer for your team!!! Fantastic energy, incredible fit.
I can't wait to get going 🚀🎉

Alex
EOF
cut_value_msg "$MSG/k.eml" "$TOK_K" "Sam Buyer <buyer@customer.example>" "Alex Rep <rep@corp.test>" \
    "Re: Pilot kickoff!!!" "$(message_id "$TOK_J" "rep@corp.test")" <<'EOF'
Hi Alex,

Thanks, sounds good. Let us talk next week.

Sam
EOF

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
send_smtp bounce-17@mailer.example buyer@customer.example "$MSG/j.eml"

# ---------------------------------------------------------------- checks

# a)..g) and i) on the delivered copies (messages.sh); c) went in by pickup.
check_copies "sendmail -C, non_smtpd_milters" pickup

# j, k) the value cut after its folding LF did not end the header.
if delivered FJ "$TOK_J" "j) value cut after a folding LF: delivered"; then
    check_level "j) value cut after a folding LF, external envelope sender: From still read, outbound" \
        "$FJ" euphoric en
    check_body "j) body byte-identical" "$MSG/j.eml" "$FJ"
    send_smtp srs0=x1=customer.example=buyer@forwarder.example rep@corp.test "$MSG/k.eml"
    if delivered FK "$TOK_K" "k) the reply: delivered"; then
        TJ=$(field_value "$FJ" X-Deal-Thread)
        TK=$(field_value "$FK" X-Deal-Thread)
        if [[ "$TJ" =~ ^[0-9a-f]{12}$ ]] && [ "$TJ" = "$TK" ] &&
            [ -n "$(field_value "$FK" X-Deal-Reply-Latency)" ] && [ -z "$(euphoria_values "$FK")" ]; then
            dt_ok "k) the reply after the cut value: inbound, in j)'s thread ($TJ), X-Deal-Reply-Latency"
        else
            dt_not_ok "k) the reply after the cut value" \
                "thread '$TK' (j: '$TJ'), latency '$(field_value "$FK" X-Deal-Reply-Latency)', euphoria '$(euphoria_values "$FK")'"
        fi
    fi
fi

# h) with the milter gone, mail still flows untouched (milter_default_action = accept).
if [ "${DT_NO_MILTER:-0}" != 1 ]; then
    check_milter_exit
    send_smtp rep@corp.test buyer@customer.example "$MSG/h.eml"
    delivered FH "$TOK_H" "h) milter down: delivered without header" &&
        check_milter_down "$FH" "warning: connect to Milter service inet:127.0.0.1:$MILTER_PORT" Postfix \
            "h) milter down: mail delivered untouched (milter_default_action = accept)"
fi

dt_finish
