# shellcheck shell=bash disable=SC2034 # TOK_*, MSG, the ports are read by the run-*.sh scripts
#
# messages.sh - the messages run-postfix.sh and run-sendmail.sh send and the
# checks they make on the delivered copies, the same for both MTAs (sourced
# after lib.sh or sendmail-lib.sh, bash).
#
#   run_init                  free ports SINK_PORT DT_SMTPD_PORT MILTER_PORT, RUN,
#                             and the messages (write_messages) in MSG=$DT_TMP/msg
#   write_msg FILE TOKEN FROM TO SUBJECT [IN-REPLY-TO [EXTRA]]  a text/plain
#                             message, body from stdin (also make demo's messages)
#   message_id TOKEN FROM     "<TOKEN@domain of FROM's address>"
#   message_id_error FILE     why FILE's Message-ID is not one "<left@right>"
#   write_messages DIR RUN    a)..f) and h) as DIR/<letter>.eml; TOK_A..TOK_H
#                             their Message-ID tokens, MSG_DIR=DIR
#   send_smtp FROM RCPT FILE  dt_swaks; a failure is counted, not fatal
#   delivered VAR TOKEN NAME  VAR = the sink file ($DT_WAIT_DELIVERY waits)
#   euphoria_values FILE      the unfolded X-Deal-Euphoria values
#   check_level NAME FILE LEVEL [LANG]   one X-Deal-Euphoria of that level/lang
#   check_body NAME SENT SINK            the body arrived byte-identical
#   check_message_ids FILE...            every message sent has one well-formed Message-ID
#   check_wellformed FILE...             g) every X-Deal-* field well-formed
#   check_inbound FILE                   d) no X-Deal-Euphoria on inbound, the
#                                        forged X-Deal-* fields it was sent with gone
#   check_thread FA FD FB                i) the reply joins a)'s thread
#   check_copies C_ROUTE C_VIA           all of the above on a)..f); FA..FF
#   check_milter_exit                    the milter stops cleanly, no sanitizer report
#   check_milter_down FILE LOGGED MTA OK h) sent with the milter down: untouched
# Every check prints "ok - name" / "not ok - name: why" (lib.sh's dt_ok/dt_not_ok).

# The function delivered() waits with: dt_wait_delivery (Postfix) or
# sm_wait_delivery (run-sendmail.sh).
DT_WAIT_DELIVERY=${DT_WAIT_DELIVERY:-dt_wait_delivery}

# run_init: after dt_init/sm_init. The three loopback ports of the run, the
# RUN token that makes the messages unique, and the messages in $MSG.
run_init() {
    RUN=$$-$RANDOM
    MSG=$DT_TMP/msg
    SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
    dt_free_port SINK_PORT
    dt_free_port DT_SMTPD_PORT
    dt_free_port MILTER_PORT
    write_messages "$MSG" "$RUN"
}

# ---------------------------------------------------------------- messages
# Message-ID carries a per-message token so the delivered copy can be found.

# message_id TOKEN FROM: "<TOKEN@domain>", the domain of the address in FROM,
# which may be "Name <user@domain>" or a bare "user@domain".
message_id() {
    local addr=$2
    case $addr in *"<"*">"*)
        addr=${addr##*<}
        addr=${addr%%>*}
        ;;
    esac
    printf '<%s@%s>' "$1" "${addr##*@}"
}

# message_id_error FILE: print why the header of FILE does not hold exactly
# one Message-ID of the form "<left@right>" (one '<', one '@', one '>', no
# blanks); print nothing and succeed if it does.
message_id_error() {
    local ids n re='^<[^<>@[:space:]]+@[^<>@[:space:]]+>$'
    ids=$(dt_headers_of "$1" | grep -i '^Message-ID:' | sed 's/^[^:]*:[[:space:]]*//')
    n=$(printf '%s' "$ids" | grep -c '^')
    if [ "$n" -ne 1 ]; then
        echo "$(basename "$1"): $n Message-ID fields"
        return 1
    fi
    if [[ ! $ids =~ $re ]]; then
        echo "$(basename "$1"): malformed Message-ID '$ids'"
        return 1
    fi
}

# write_msg FILE TOKEN FROM TO SUBJECT [IN-REPLY-TO [EXTRA]]: headers (CRLF)
# then the body from stdin (CRLF), so the file is what an MTA would get on the
# wire. The Message-ID is message_id TOKEN FROM; EXTRA, header lines of the
# caller's, go first.
write_msg() {
    local file=$1 token=$2 from=$3 to=$4 subject=$5 parent=${6:-} extra=${7:-}
    {
        [ -z "$extra" ] || printf '%s\n' "$extra"
        printf 'From: %s\n' "$from"
        printf 'To: %s\n' "$to"
        printf 'Subject: %s\n' "$subject"
        printf 'Date: %s\n' "$(LC_ALL=C date -R)"
        printf 'Message-ID: %s\n' "$(message_id "$token" "$from")"
        if [ -n "$parent" ]; then
            printf 'In-Reply-To: %s\nReferences: %s\n' "$parent" "$parent"
        fi
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n'
        printf '\n'
        cat
    } | sed 's/$/\r/' >"$file"
}

# write_messages DIR RUN: the messages of both runs, DIR/a.eml .. DIR/h.eml
# (no g); RUN makes the tokens and the MIME boundary unique.
#   a) euphoric English outbound   b) calm outbound   c) euphoric Dutch
#   d) inbound reply to a), with forged X-Deal-* fields   e) 20 MB base64 attachment
#   f) broken MIME
#   h) a calm one, sent while the milter is down
write_messages() {
    local dir=$1 run=$2
    MSG_DIR=$dir
    TOK_A=dt-a-$run
    write_msg "$dir/a.eml" "$TOK_A" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
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

    TOK_B=dt-b-$run
    write_msg "$dir/b.eml" "$TOK_B" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
        "Revised proposal" <<'EOF'
Hello Sam,

Thank you for your time on the call today. As discussed, I have attached the
revised proposal with the updated pricing for the 50-seat licence. Please
review it with your procurement team and let me know if you have questions.

I suggest a follow-up meeting next Tuesday to go through the contract terms.

Kind regards,
Alex
EOF

    TOK_C=dt-c-$run
    write_msg "$dir/c.eml" "$TOK_C" "Alex Rep <rep@corp.test>" "Sanne Klant <sanne@klant.example>" \
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

    TOK_D=dt-d-$run
    # The customer's reply comes with fields in dealtemp's name space: a
    # latency, a verdict and a nudge mark a rep's mail filter might trust.
    write_msg "$dir/d.eml" "$TOK_D" "Sam Buyer <buyer@customer.example>" "Alex Rep <rep@corp.test>" \
        "Re: Great call today!!!" "" "X-Deal-Reply-Latency: 1 minute (forged)
X-Deal-Euphoria: 0.00 calm (forged)
X-Deal-Nudge: yes
x-deal-nudge: forged" <<'EOF'
Hi Alex,

AMAZING, we are SO excited too!!! Fantastic call, can't wait to get going 🎉🚀

Sam
EOF

    # e) a 20 MB base64 attachment (15 MiB of random bytes), lines of 76.
    TOK_E=dt-e-$run
    {
        printf 'From: Alex Rep <rep@corp.test>\n'
        printf 'To: Sam Buyer <buyer@customer.example>\n'
        printf 'Subject: The full data room export\n'
        printf 'Date: %s\n' "$(LC_ALL=C date -R)"
        printf 'Message-ID: <%s@corp.test>\n' "$TOK_E"
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: multipart/mixed; boundary="dt-outer-%s"\n' "$run"
        printf '\n'
        printf 'This is a multi-part message in MIME format.\n\n'
        printf -- '--dt-outer-%s\n' "$run"
        printf 'Content-Type: text/plain; charset=utf-8\n\n'
        printf 'Hi Sam,\n\nAs promised, the export is attached. SO excited to see what you find!!! 🎉\n\nAlex\n\n'
        printf -- '--dt-outer-%s\n' "$run"
        printf 'Content-Type: application/octet-stream; name="export.bin"\n'
        printf 'Content-Transfer-Encoding: base64\n'
        printf 'Content-Disposition: attachment; filename="export.bin"\n\n'
        head -c 15728640 /dev/urandom | base64 -w 76
        printf -- '--dt-outer-%s--\n' "$run"
    } | sed 's/$/\r/' >"$dir/e.eml"

    # f) broken MIME: declared boundary never used, a part that never closes,
    # base64 cut mid-quantum, a header-looking line in the body, a leading dot.
    TOK_F=dt-f-$run
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
    } | sed 's/$/\r/' >"$dir/f.eml"

    TOK_H=dt-h-$run
    write_msg "$dir/h.eml" "$TOK_H" "Alex Rep <rep@corp.test>" "Sam Buyer <buyer@customer.example>" \
        "Minutes" <<'EOF'
Hello Sam,

Please find the minutes of today's meeting below.

Regards,
Alex
EOF
}

# ---------------------------------------------------------------- send and wait

# send_smtp FROM RCPT FILE: swaks to the MTA's daemon (dt_swaks uses
# $DT_SMTPD_PORT); a failure is counted, not fatal.
send_smtp() {
    dt_swaks "$1" "$2" "$3" >"$DT_TMP/log/swaks-$(basename "$3").log" 2>&1 ||
        dt_not_ok "send $(basename "$3") by SMTP" "swaks exit $?: $(tail -n 3 "$DT_TMP/log/swaks-$(basename "$3").log" | tr '\n' ' ')"
}

# delivered VAR TOKEN NAME: set VAR to the sink file of TOKEN's message, or
# report NAME as not ok (runs in this shell so the failure is counted).
delivered() {
    local f
    if f=$("$DT_WAIT_DELIVERY" "$2" 60); then
        printf -v "$1" '%s' "$f"
        return 0
    fi
    printf -v "$1" '%s' ""
    dt_not_ok "$3" "message $2 never reached the sink (see the $DT_MAILLOG_LABEL)"
    return 1
}

# ---------------------------------------------------------------- checks

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

# check_message_ids FILE...: every message as sent carries exactly one
# Message-ID "<left@right>" (make demo's once ended in ">>": the domain was
# cut from "Name <user@domain>" with the '>' still on it).
check_message_ids() {
    local f why bad="" n=0
    for f in "$@"; do
        n=$((n + 1))
        why=$(message_id_error "$f") || bad="$bad $why;"
    done
    if [ -n "$bad" ]; then
        dt_not_ok "the messages sent have well-formed Message-IDs" "$bad"
    else
        dt_ok "the $n messages sent have one well-formed Message-ID each (<left@right>)"
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

# check_inbound FILE: d) the customer's message carries no X-Deal-Euphoria,
# and none of the X-Deal-* fields it was sent with (d.eml's "forged" ones, its
# two X-Deal-Nudge) arrived.
check_inbound() {
    local n forged
    n=$(euphoria_values "$1" | grep -c '^')
    if [ "$n" -eq 0 ]; then
        dt_ok "d) inbound (customer -> corp.test) has no X-Deal-Euphoria"
    else
        dt_not_ok "d) inbound has no header" "found: $(euphoria_values "$1" | tr '\n' ' ')"
    fi
    forged=$(dt_headers_of "$1" | grep -i -e '^X-Deal-[^:]*:.*forged' -e '^X-Deal-Nudge:')
    if [ -z "$forged" ]; then
        dt_ok "d) the forged X-Deal-* fields the customer sent (latency, verdict, two nudge marks) are gone"
    else
        dt_not_ok "d) forged X-Deal-* fields removed" "delivered with: $(printf '%s' "$forged" | tr '\n' '|')"
    fi
}

field_value() { dt_headers_of "$1" | dt_unfold_field "$2" | sed 's/^[^:]*:[[:space:]]*//'; }

# check_thread FA FD FB: i) the customer's reply FD (no References: it joins
# by subject within the rep <-> customer pair) carries the thread of a) (FA)
# and its reply latency, b) (FB, another subject) has a thread of its own,
# and `dealtemp threads` lists a)'s thread with the latency.
check_thread() {
    local fa=$1 fd=$2 fb=$3 ta td lat
    ta=$(field_value "$fa" X-Deal-Thread)
    td=$(field_value "$fd" X-Deal-Thread)
    lat=$(field_value "$fd" X-Deal-Reply-Latency)
    if [[ "$ta" =~ ^[0-9a-f]{12}$ ]] && [ "$ta" = "$td" ]; then
        dt_ok "i) outbound and the customer's reply carry the same X-Deal-Thread ($ta)"
    else
        dt_not_ok "i) same X-Deal-Thread" "outbound '$ta', reply '$td'"
    fi
    # words on the clock in force, where the usual came from, the verdict:
    # "less than a minute (usual 2 days, assumed, no history yet; normal)"
    local dur='(less than a (working )?minute|1 (working )?(minute|hour|day)|[0-9]+ (working )?(minutes|hours|days))'
    if [[ "$lat" =~ ^$dur\ \(usual\ $dur,\ (in\ this\ thread|in\ their\ other\ threads|assumed,\ no\ history\ yet)\;\ (normal|slow)\)$ ]]; then
        dt_ok "i) the reply carries X-Deal-Reply-Latency: $lat"
    else
        dt_not_ok "i) X-Deal-Reply-Latency" "got '$lat'"
    fi
    if [ -n "$fb" ] && [ "$(field_value "$fb" X-Deal-Thread)" != "$ta" ]; then
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
}

# check_milter_exit: stop the milter; it must exit 0 on SIGTERM and have
# logged no sanitizer report.
check_milter_exit() {
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
}

# check_milter_down FILE LOGGED MTA OK: h) the message sent while the milter
# was down (FILE, the sink copy of h.eml) carries no X-Deal-* field and its
# body arrived byte-identical, and the MTA (named MTA in the failure) logged
# LOGGED, a fixed string, for failing to reach the milter. OK: the ok line.
check_milter_down() {
    local file=$1 logged=$2 mta=$3 ok=$4 n
    n=$(dt_headers_of "$file" | grep -c -i '^X-Deal-')
    if ! grep -q -F -e "$logged" "$DT_MAILLOG"; then
        dt_not_ok "h) milter down: delivered without header" "$mta never logged failing to reach the milter"
    elif [ "$n" -eq 0 ]; then
        dt_ok "$ok"
    else
        dt_not_ok "h) milter down: delivered without header" "found $n X-Deal-* fields"
    fi
    check_body "h) milter down: body byte-identical" "$MSG_DIR/h.eml" "$file"
}

# check_copies C_ROUTE C_VIA: wait for the copies of a)..f) (FA..FF, "" for
# one never delivered) and check them: a) euphoric/en, b) calm, c)
# euphoric/nl, d) no header, i) the thread, e) f) a) c) bodies intact, g)
# the fields well-formed. C_ROUTE and C_VIA name how c) went in, in the
# names of its checks.
check_copies() {
    local c_route=$1 c_via=$2
    check_message_ids "$MSG_DIR"/*.eml
    delivered FA "$TOK_A" "a) euphoric English outbound" &&
        check_level "a) euphoric English outbound (swaks) is euphoric/en" "$FA" euphoric en
    delivered FB "$TOK_B" "b) calm outbound" &&
        check_level "b) calm outbound (swaks) is calm" "$FB" calm
    delivered FC "$TOK_C" "c) euphoric Dutch outbound" &&
        check_level "c) euphoric Dutch outbound ($c_route) is euphoric/nl" "$FC" euphoric nl
    delivered FD "$TOK_D" "d) inbound has no header" && check_inbound "$FD"
    # i) the customer's reply carries the thread of a) and its reply latency.
    [ -n "$FA" ] && [ -n "$FD" ] && check_thread "$FA" "$FD" "$FB"
    delivered FE "$TOK_E" "e) 20 MB attachment body unchanged" &&
        check_body "e) 20 MB attachment: body byte-identical" "$MSG_DIR/e.eml" "$FE"
    delivered FF "$TOK_F" "f) broken MIME body unchanged" &&
        check_body "f) broken MIME: body byte-identical" "$MSG_DIR/f.eml" "$FF"
    [ -n "$FA" ] && check_body "a) euphoric message: body byte-identical" "$MSG_DIR/a.eml" "$FA"
    [ -n "$FC" ] && check_body "c) Dutch message via $c_via: body byte-identical" "$MSG_DIR/c.eml" "$FC"
    check_wellformed "$FA" "$FB" "$FC" "$FD" "$FE" "$FF"
}
