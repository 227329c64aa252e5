#!/bin/bash
#
# bench-milter.sh - what dealtemp-milter costs Postfix per message (make bench).
#
# A private Postfix (tests/integration/lib.sh) relaying to smtp-sink takes
# 200 messages of 2 KB in ONE SMTP session from smtp-source
# (-d -s 1 -m 200 -l 2048), outbound from a rep to a customer, so the
# milter does its whole job (scoring, headers, a store write) on each:
#   none   Postfix without a milter
#   tcp    dealtemp-milter on inet:PORT@127.0.0.1 (TCP_NODELAY, as it sets it)
#   unix   dealtemp-milter on a unix socket
# One session shows the per-message round-trip stalls that many parallel
# sessions would hide. Each mode runs DT_BENCH_ROUNDS times (3) after a
# warm-up of 20 messages; the table gives the median and the best round in
# ms per message, and messages/s of the median. The milter's counters are
# read after each mode to make sure it saw every message. Prints numbers,
# asserts nothing about speed; exits 1 if the setup fails. Needs root.
# Run: DT_BUILD=build bash tests/bench/bench-milter.sh
set -u

: "${DT_TIME_LIMIT:=900}"
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

dt_init postfix smtp-source smtp-sink timeout
[ "$(id -u)" = 0 ] || fail "bench-milter.sh must run as root (a private Postfix, smtp-sink -u nobody)"

ROUNDS=${DT_BENCH_ROUNDS:-3}
MESSAGES=200
SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT
SOCK=$DT_TMP/milter/milter.sock
CONF=$DT_TMP/milter/bench.conf
{
    printf 'database = "%s";\n' "$DT_TMP/milter/dealtemp.db"
    printf 'internal_domains = ["corp.test"];\n'
    # Postfix's smtpd (user postfix) must be able to connect to the unix socket.
    printf 'socket_mode = "0660";\nsocket_group = "postfix";\n'
} >"$CONF"

# source N: one session of N messages; echoes the wall time in microseconds.
source_run() {
    local t0
    t0=${EPOCHREALTIME/./}
    timeout 300 smtp-source -d -s 1 -m "$1" -l 2048 -M client.test -S 'Benchmark' \
        -f rep@corp.test -t buyer@customer.example "127.0.0.1:$DT_SMTPD_PORT" \
        >>"$DT_TMP/log/smtp-source.log" 2>&1 || fail "smtp-source exited $? (see $DT_TMP/log/smtp-source.log)"
    echo $((${EPOCHREALTIME/./} - t0))
}

# quiet: wait until Postfix has relayed everything to the sink, so deliveries
# of one round do not run during the next.
quiet() {
    local i
    for i in $(seq 1 600); do
        dt_queue_empty && return 0
        sleep 0.1
    done
    fail "the queue did not drain in 60 s ($i polls)"
}

# seen: the milter's message counter (SIGUSR1 logs it).
seen() {
    local before i
    before=$(grep -c 'counters: seen=' "$DT_MILTER_LOG")
    kill -USR1 "$DT_MILTER_PID"
    for i in $(seq 1 50); do
        [ "$(grep -c 'counters: seen=' "$DT_MILTER_LOG")" -gt "$before" ] && break
        sleep 0.1
    done
    grep 'counters: seen=' "$DT_MILTER_LOG" | tail -n 1 | sed 's/.*counters: seen=\([0-9]*\).*/\1/'
}

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

ROWS=""
# mode NAME POSTFIX_MILTER [MILTER_SPEC]: one row of the table.
mode() {
    local name=$1 pf_milter=$2 spec=${3:-} us med best seen0=0 seen1 per=()
    if [ -n "$spec" ]; then
        dt_milter_start "$spec" "$CONF"
        seen0=$(seen)
    fi
    dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "$pf_milter"
    source_run 20 >/dev/null
    quiet
    while [ "${#per[@]}" -lt "$ROUNDS" ]; do
        us=$(source_run "$MESSAGES")
        per+=("$((us / MESSAGES))")
        quiet
    done
    dt_postfix_stop
    if [ -n "$spec" ]; then
        seen1=$(seen)
        [ "$((seen1 - seen0))" = $((20 + ROUNDS * MESSAGES)) ] ||
            fail "$name: the milter saw $((seen1 - seen0)) messages, $((20 + ROUNDS * MESSAGES)) were sent"
        dt_milter_stop
    fi
    med=$(printf '%s\n' "${per[@]}" | median)
    best=$(printf '%s\n' "${per[@]}" | sort -n | head -n 1)
    ROWS+=$(printf '%-6s %8s %8s %8s   %s' "$name" "$(ms "$med")" "$(ms "$best")" \
        "$(awk -v u="$med" 'BEGIN { printf "%.0f", 1000000 / u }')" \
        "$(for us in "${per[@]}"; do printf '%s ' "$(ms "$us")"; done)")$'\n'
}
# ms MICROSECONDS: as milliseconds with two decimals.
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

dt_sink_start "$SINK_PORT"
mode none ""
mode tcp "{ inet:127.0.0.1:$MILTER_PORT, default_action=accept }" "inet:$MILTER_PORT@127.0.0.1"
mode unix "{ unix:$SOCK, default_action=accept }" "unix:$SOCK"

printf '\nbench-milter: one SMTP session, %d messages of 2 KB, %d rounds (Postfix %s, %d CPUs)\n' \
    "$MESSAGES" "$ROUNDS" "$(postconf -c "$DT_TMP/pf/etc" -h mail_version)" "$(nproc)"
printf '%-6s %8s %8s %8s   %s\n' mode 'ms/msg' best 'msgs/s' 'rounds (ms/msg)'
printf '%s' "$ROWS"
