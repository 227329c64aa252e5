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
# the same as run-postfix.sh:
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

sm_init smtp-sink swaks sha256sum base64 timeout

RUN=$$-$RANDOM
MSG=$DT_TMP/msg

SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT

# ---------------------------------------------------------------- messages
# The same messages as run-postfix.sh; the Message-ID carries a per-message
# token so the delivered copy can be found.
# write_msg FILE TOKEN FROM TO SUBJECT: headers (CRLF) then the body from stdin
# (CRLF), so the file is what an MTA would get on the wire.
write_msg() {
    local file=$1 token=$2 from=$3 to=$4 subject=$5
    {
        printf 'From: %s\n' "$from"
        printf 'To: %s\n' "$to"
        printf 'Subject: %s\n' "$subject"
        printf 'Date: %s\n' "$(LC_ALL=C date -R)"
        printf 'Message-ID: <%s@corp.test>\n' "$token"
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n'
        printf '\n'
        cat
    } | sed 's/$/\r/' >"$file"
}

TOK_A=dt-a-$RUN
write_msg "$MSG/a.eml" "$TOK_A" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
    "Great call today!!!" <<'EOF'
Hi Sam,

AMAZING call today!!! We are SO excited about this partnership, it is going
to be an absolute game-changer for your team!!! Honestly the best meeting we
have had all year, fantastic energy, incredible fit. I can't wait to get this
signed 🚀🎉

This is going to be HUGE, truly a dream deal. Let's make it happen!!! 🥂🎉

Best,
Alex
EOF

TOK_B=dt-b-$RUN
write_msg "$MSG/b.eml" "$TOK_B" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
    "Revised proposal" <<'EOF'
Hello Sam,

Thank you for your time on the call today. As discussed, I have attached the
revised proposal with the updated pricing for the 50-seat licence. Please
review it with your procurement team and let me know if you have questions.

I suggest a follow-up meeting next Tuesday to go through the contract terms.

Kind regards,
Alex
EOF

TOK_C=dt-c-$RUN
write_msg "$MSG/c.eml" "$TOK_C" "Alex Rep <rep@corp.test>" "Sanne Klant <sanne@klant.example>" \
    "Wat een gesprek!!!" <<'EOF'
Hoi Sanne,

Wat een GEWELDIG gesprek vandaag!!! We zijn super enthousiast over deze
samenwerking, dit wordt echt te gek voor jullie team!!! Het was het beste
gesprek van het hele jaar, fantastisch en ontzettend inspirerend. Ik heb er
ontzettend veel zin in en we willen het contract zo snel mogelijk tekenen 🚀🎉

Dit wordt een absolute topdeal, echt geweldig!!! 🥂🎉

Groetjes,
Alex
EOF

TOK_D=dt-d-$RUN
write_msg "$MSG/d.eml" "$TOK_D" "Sam Buyer <buyer@customer.example>" "Alex Rep <rep@corp.test>" \
    "Re: Great call today!!!" <<'EOF'
Hi Alex,

AMAZING, we are SO excited too!!! Fantastic call, can't wait to get going 🎉🚀

Sam
EOF

# e) a 20 MB base64 attachment (15 MiB of random bytes), lines of 76.
TOK_E=dt-e-$RUN
{
    printf 'From: Alex Rep <rep@corp.test>\n'
    printf 'To: Sam Buyer <buyer@customer.example>\n'
    printf 'Subject: The full data room export\n'
    printf 'Date: %s\n' "$(LC_ALL=C date -R)"
    printf 'Message-ID: <%s@corp.test>\n' "$TOK_E"
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary="dt-outer-%s"\n' "$RUN"
    printf '\n'
    printf 'This is a multi-part message in MIME format.\n\n'
    printf -- '--dt-outer-%s\n' "$RUN"
    printf 'Content-Type: text/plain; charset=utf-8\n\n'
    printf 'Hi Sam,\n\nAs promised, the export is attached. SO excited to see what you find!!! 🎉\n\nAlex\n\n'
    printf -- '--dt-outer-%s\n' "$RUN"
    printf 'Content-Type: application/octet-stream; name="export.bin"\n'
    printf 'Content-Transfer-Encoding: base64\n'
    printf 'Content-Disposition: attachment; filename="export.bin"\n\n'
    head -c 15728640 /dev/urandom | base64 -w 76
    printf -- '--dt-outer-%s--\n' "$RUN"
} | sed 's/$/\r/' >"$MSG/e.eml"

# f) broken MIME: declared boundary never used, a part that never closes,
# base64 cut mid-quantum, a header-looking line in the body, a leading dot.
TOK_F=dt-f-$RUN
{
    printf 'From: Alex Rep <rep@corp.test>\n'
    printf 'To: Sam Buyer <buyer@customer.example>\n'
    printf 'Subject: broken mime\n'
    printf 'Date: %s\n' "$(LC_ALL=C date -R)"
    printf 'Message-ID: <%s@corp.test>\n' "$TOK_F"
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: multipart/alternative; boundary="declared-boundary"\n'
    printf '\n'
    printf -- '--other-boundary\n'
    printf 'Content-Type: text/plain; charset=utf-8\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    printf 'SGkgU2FtLCB0aGlzIGlzIGEgZmFudGFzdGljIGRlYWwhISEgV2UgYXJlIFNPIGV4Y2l0ZWQh\n'
    printf 'SGkgU2FtLCB0aGlzIGlzIGEgZm\n'
    printf -- '--other-boundary\n'
    printf 'Content-Type: text/html; charset=iso-8859-1\n'
    printf 'Content-Transfer-Encoding: quoted-printable\n\n'
    printf '<p>Caf=E9 =\n'
    printf '=ZZ broken escape <b>unclosed\n'
    printf 'X-Not-A-Header: inside the body\n'
    printf '.a line that starts with a dot\n'
    printf 'Ünïcödé tëxt and a stray =\n'
    printf 'SGVsbG8\n'
} | sed 's/$/\r/' >"$MSG/f.eml"

TOK_H=dt-h-$RUN
write_msg "$MSG/h.eml" "$TOK_H" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
    "Minutes" <<'EOF'
Hello Sam,

Please find the minutes of today's meeting below.

Regards,
Alex
EOF

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

# send_smtp FROM RCPT FILE: swaks to Sendmail's daemon (dt_swaks uses
# $DT_SMTPD_PORT); a failure is counted, not fatal.
send_smtp() {
    dt_swaks "$1" "$2" "$3" >"$DT_TMP/log/swaks-$(basename "$3").log" 2>&1 ||
        dt_not_ok "send $(basename "$3") by SMTP" "swaks exit $?: $(tail -n 3 "$DT_TMP/log/swaks-$(basename "$3").log" | tr '\n' ' ')"
}
send_smtp rep@corp.test buyer@customer.example "$MSG/a.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/b.eml"
sm_bs rep@corp.test sanne@klant.example "$MSG/c.eml" >"$DT_TMP/log/swaks-bs-c.eml.log" 2>&1 ||
    dt_not_ok "send c.eml by sendmail -bs" "swaks --pipe exit $?: $(tail -n 3 "$DT_TMP/log/swaks-bs-c.eml.log" | tr '\n' ' ')"
send_smtp buyer@customer.example rep@corp.test "$MSG/d.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/f.eml"
send_smtp rep@corp.test buyer@customer.example "$MSG/e.eml"

# ---------------------------------------------------------------- checks

# delivered VAR TOKEN NAME: set VAR to the sink file of TOKEN's message, or
# report NAME as not ok (runs in this shell so the failure is counted).
delivered() {
    local f
    if f=$(sm_wait_delivery "$2" 60); then
        printf -v "$1" '%s' "$f"
        return 0
    fi
    printf -v "$1" '%s' ""
    dt_not_ok "$3" "message $2 never reached the sink (see the sendmail log)"
    return 1
}

# euphoria_values FILE: the unfolded X-Deal-Euphoria values, one per line.
euphoria_values() {
    dt_headers_of "$1" | dt_unfold_field X-Deal-Euphoria | sed 's/^[^:]*:[[:space:]]*//'
}

VALUE_RE='^([0-9]\.[0-9][0-9]) (calm|warm|euphoric) \(([A-Za-z-]+); ([^()]*)\)$'

# check_level NAME FILE LEVEL [LANG]
check_level() {
    local name=$1 file=$2 level=$3 lang=${4:-} values n v
    values=$(euphoria_values "$file")
    n=$(printf '%s' "$values" | grep -c '^')
    if [ "$n" -ne 1 ]; then
        dt_not_ok "$name" "expected one X-Deal-Euphoria, found $n"
        return
    fi
    v=$values
    if [[ ! $v =~ $VALUE_RE ]]; then
        dt_not_ok "$name" "value not in the documented format: '$v'"
    elif [ "${BASH_REMATCH[2]}" != "$level" ]; then
        dt_not_ok "$name" "level ${BASH_REMATCH[2]}, expected $level: '$v'"
    elif [ -n "$lang" ] && [ "${BASH_REMATCH[3]}" != "$lang" ]; then
        dt_not_ok "$name" "lang ${BASH_REMATCH[3]}, expected $lang: '$v'"
    else
        dt_ok "$name ($v)"
    fi
}

# check_body NAME SENT_FILE SINK_FILE
check_body() {
    local name=$1 sent=$2 got=$3 a b
    a=$(dt_sent_body "$sent" | dt_sha)
    b=$(dt_sink_body "$got" | dt_sha)
    if [ "$a" = "$b" ]; then
        dt_ok "$name (sha256 $a, $(stat -c %s "$sent") bytes sent)"
    else
        dt_sent_body "$sent" >"$DT_TMP/msg/$(basename "$sent").sent-body"
        dt_sink_body "$got" >"$DT_TMP/msg/$(basename "$sent").got-body"
        dt_not_ok "$name" "delivered body differs (sent $a, got $b; cmp: $(cmp "$DT_TMP/msg/$(basename "$sent").sent-body" "$DT_TMP/msg/$(basename "$sent").got-body" 2>&1 | head -n 1))"
    fi
}

# check_wellformed FILE...: every X-Deal-Euphoria is a single field, each
# physical line of every X-Deal-* field < 998 bytes with exactly one space
# after the colon, score \d.\d\d in 0.00..1.00.
check_wellformed() {
    local f bad="" n lines long v seen=0 name
    for f in "$@"; do
        [ -n "$f" ] || continue
        n=$(euphoria_values "$f" | grep -c '^')
        [ "$n" -eq 0 ] && continue
        seen=$((seen + 1))
        [ "$n" -gt 1 ] && bad="$bad $(basename "$f"): $n fields;"
        for name in X-Deal-Euphoria X-Deal-Thread X-Deal-Reply-Latency; do
            lines=$(dt_headers_of "$f" | dt_field_lines "$name")
            [ -n "$lines" ] || continue
            long=$(printf '%s\n' "$lines" | awk -F'\t' '$1 >= 998' | wc -l)
            [ "$long" -gt 0 ] && bad="$bad $(basename "$f"): $name: $long line(s) >= 998 bytes;"
            # The first line of the field: "Name: value", one space.
            if printf '%s\n' "$lines" | cut -f2- | grep -i "^$name:" | grep -q -v -i "^$name: [^[:space:]]"; then
                bad="$bad $(basename "$f"): $name: not exactly one space after the colon: '$(printf '%s\n' "$lines" | cut -f2- | grep -i -m1 "^$name:")';"
            fi
        done
        while IFS= read -r v; do
            if [[ ! $v =~ $VALUE_RE ]]; then
                bad="$bad $(basename "$f"): bad value '$v';"
            elif ! awk -v s="${BASH_REMATCH[1]}" 'BEGIN { exit !(s >= 0 && s <= 1) }'; then
                bad="$bad $(basename "$f"): score ${BASH_REMATCH[1]} out of 0..1;"
            fi
        done < <(euphoria_values "$f")
    done
    if [ "$seen" -eq 0 ]; then
        dt_not_ok "g) X-Deal-* well-formed" "no delivered message carried the header"
    elif [ -n "$bad" ]; then
        dt_not_ok "g) X-Deal-* well-formed" "$bad"
    else
        dt_ok "g) X-Deal-* well-formed ($seen messages: one X-Deal-Euphoria, lines < 998 bytes, 'Name: value', score \\d.\\d\\d in 0..1)"
    fi
}

delivered FA "$TOK_A" "a) euphoric English outbound" &&
    check_level "a) euphoric English outbound (swaks) is euphoric/en" "$FA" euphoric en
delivered FB "$TOK_B" "b) calm outbound" &&
    check_level "b) calm outbound (swaks) is calm" "$FB" calm
delivered FC "$TOK_C" "c) euphoric Dutch outbound" &&
    check_level "c) euphoric Dutch outbound (sendmail -bs) is euphoric/nl" "$FC" euphoric nl
if delivered FD "$TOK_D" "d) inbound has no header"; then
    n=$(euphoria_values "$FD" | grep -c '^')
    if [ "$n" -eq 0 ]; then
        dt_ok "d) inbound (customer -> corp.test) has no X-Deal-Euphoria"
    else
        dt_not_ok "d) inbound has no header" "found: $(euphoria_values "$FD" | tr '\n' ' ')"
    fi
fi
# i) the customer's reply (no References: it joins by subject within the
# rep <-> customer pair) carries the thread of a) and its reply latency, and
# `dealtemp threads` lists that thread.
field_value() { dt_headers_of "$1" | dt_unfold_field "$2" | sed 's/^[^:]*:[[:space:]]*//'; }
if [ -n "$FA" ] && [ -n "$FD" ]; then
    ta=$(field_value "$FA" X-Deal-Thread)
    td=$(field_value "$FD" X-Deal-Thread)
    lat=$(field_value "$FD" X-Deal-Reply-Latency)
    if [[ "$ta" =~ ^[0-9a-f]{12}$ ]] && [ "$ta" = "$td" ]; then
        dt_ok "i) outbound and the customer's reply carry the same X-Deal-Thread ($ta)"
    else
        dt_not_ok "i) same X-Deal-Thread" "outbound '$ta', reply '$td'"
    fi
    if [[ "$lat" =~ ^[0-9]+[smhd]( [0-9]+[smh])?\ \(usual\ [0-9]+[smhd].*\;\ (normal|slow)\)$ ]]; then
        dt_ok "i) the reply carries X-Deal-Reply-Latency: $lat"
    else
        dt_not_ok "i) X-Deal-Reply-Latency" "got '$lat'"
    fi
    if [ -n "$FB" ] && [ "$(field_value "$FB" X-Deal-Thread)" != "$ta" ]; then
        dt_ok "i) a message with another subject starts another thread"
    else
        dt_not_ok "i) separate threads" "b) missing or joined a)'s thread"
    fi
    if "$DT_BUILD/dealtemp" threads -c "$DT_TMP/milter/dealtemp.conf" --json >"$DT_TMP/threads.json" &&
        grep -q "\"thread\":\"$ta\",\"rep\":\"rep@corp.test\",\"counterpart\":\"buyer@customer.example\"" "$DT_TMP/threads.json" &&
        grep "\"thread\":\"$ta\"" "$DT_TMP/threads.json" | grep -q '"latencies_s":\[[0-9]'; then
        dt_ok "i) dealtemp threads lists the thread with its reply latency"
    else
        dt_not_ok "i) dealtemp threads" "$(head -c 600 "$DT_TMP/threads.json")"
    fi
fi
delivered FE "$TOK_E" "e) 20 MB attachment body unchanged" &&
    check_body "e) 20 MB attachment: body byte-identical" "$MSG/e.eml" "$FE"
delivered FF "$TOK_F" "f) broken MIME body unchanged" &&
    check_body "f) broken MIME: body byte-identical" "$MSG/f.eml" "$FF"
[ -n "$FA" ] && check_body "a) euphoric message: body byte-identical" "$MSG/a.eml" "$FA"
[ -n "$FC" ] && check_body "c) Dutch message via sendmail -bs: body byte-identical" "$MSG/c.eml" "$FC"
check_wellformed "$FA" "$FB" "$FC" "$FD" "$FE" "$FF"

# s) Sendmail's side of the protocol: no milter error, timeout or abort was
# logged (with F= such an error would pass mail silently without headers),
# and the milter logged each message under Sendmail's queue id.
errs=$(grep -E 'Milter|milter' "$DT_MAILLOG" | grep -v -E 'Milter \(dealtemp\) (add|insert|change): header' || true)
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
dt_milter_stop
case $DT_MILTER_EXIT in
0) dt_ok "milter exits 0 on SIGTERM" ;;
*) dt_not_ok "milter exits 0 on SIGTERM" "exit status $DT_MILTER_EXIT" ;;
esac
if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_MILTER_LOG"; then
    dt_not_ok "milter log has no sanitizer report" "$(grep -m1 -E 'Sanitizer|runtime error:' "$DT_MILTER_LOG")"
else
    dt_ok "milter log has no sanitizer report"
fi
send_smtp rep@corp.test buyer@customer.example "$MSG/h.eml"
if delivered FH "$TOK_H" "h) milter down: delivered without header"; then
    n=$(dt_headers_of "$FH" | grep -c -i '^X-Deal-')
    if ! grep -q 'Milter (dealtemp): error connecting to filter' "$DT_MAILLOG"; then
        dt_not_ok "h) milter down: delivered without header" "Sendmail never logged failing to reach the milter"
    elif [ "$n" -eq 0 ]; then
        dt_ok "h) milter down, F= (no flag): Sendmail delivers, untouched"
    else
        dt_not_ok "h) milter down: delivered without header" "found $n X-Deal-* fields"
    fi
    check_body "h) milter down: body byte-identical" "$MSG/h.eml" "$FH"
fi

echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
if [ "$DT_FAILED" -ne 0 ]; then
    dt_tail "sendmail log" "$DT_MAILLOG" 30
    dt_tail "milter log" "$DT_MILTER_LOG" 30
    exit 1
fi
exit 0
