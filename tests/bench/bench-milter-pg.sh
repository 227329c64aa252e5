#!/bin/bash
#
# bench-milter-pg.sh - dealtemp-milter storing into SQLite or PostgreSQL,
# behind Postfix, beside Postfix without a milter (make bench).
#
# Set-up as bench-milter.sh (tests/integration/lib.sh): a private Postfix
# on loopback relaying to smtp-sink, outbound mail from a rep to
# customers, so the milter does its whole job (scoring, headers, a store
# write) on each message. Two milters run side by side on unix sockets,
# one with a SQLite store, one with a PostgreSQL store in a private server
# (tests/integration/pg-lib.sh, 127.0.0.1, with PostgreSQL's own
# durability settings: DT_PG_STOCK=1; the milter's default store.*
# settings: 4 connections). Modes:
#   none        Postfix without a milter
#   sqlite      smtpd_milters = the SQLite milter
#   postgresql  smtpd_milters = the PostgreSQL milter
# Each round runs every mode in turn (interleaved, so a busy moment of this
# shared machine falls on all three); per mode and round:
#   ingest   20 SMTP sessions at once (smtp-source -d -s 20), DT_BENCH_INGEST
#            messages of 2 KB (1500) in all: messages/s, wall clock from the
#            first connection to the last reply (Postfix's in_flow_delay is
#            0 so that intake is not paced by deliveries to the sink);
#   latency  one SMTP session, DT_BENCH_LATENCY messages (600) sent one
#            after the other by smtp-latency.py, each timed from MAIL FROM to
#            the 250 after its DATA (the milter answers before that 250):
#            p50/p90/p99 over all rounds, what the milter adds (the mode's
#            percentile minus none's), and p50/p99 of each round: on a shared
#            machine a p99 moves from round to round by more than a milter adds.
# After DT_BENCH_ROUNDS rounds (5) the milters stop; their counters files
# (written at exit) and the count of messages in each database show that
# every message sent through a milter was stored, none spooled or lost.
# Prints numbers, asserts nothing about speed; exits 1 if the set-up fails
# or a count does not add up. Needs root.
# Run: DT_BUILD=build bash tests/bench/bench-milter-pg.sh
set -u

: "${DT_TIME_LIMIT:=900}"
# shellcheck source=tests/integration/pg-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/pg-lib.sh"

dt_init postfix smtp-source smtp-sink timeout python3 sqlite3
[ "$(id -u)" = 0 ] || fail "bench-milter-pg.sh must run as root (a private Postfix, smtp-sink -u nobody)"

ROUNDS=${DT_BENCH_ROUNDS:-5}
INGEST=${DT_BENCH_INGEST:-1500}
SESSIONS=20
LATENCY=${DT_BENCH_LATENCY:-600}
WARM=20
MODES="none sqlite postgresql"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SINK_PORT="" DT_SMTPD_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT

DT_PG_STOCK=1 dt_pg_start "$DT_TMP/pg"
dt_pg_psql_admin "CREATE DATABASE dt_bench_milter" || fail "CREATE DATABASE dt_bench_milter failed"
PG_URL=${DT_TEST_PG_ADMIN_URL%/*}/dt_bench_milter

declare -A DB SOCK CONF PID LOG COUNTERS
mkdir -p "$DT_TMP/milter/sqlite" "$DT_TMP/milter/postgresql"
DB[sqlite]=$DT_TMP/milter/sqlite/dealtemp.db
DB[postgresql]=$PG_URL
COUNTERS[sqlite]=${DB[sqlite]}.counters
COUNTERS[postgresql]=$DT_TMP/milter/postgresql/spool.db.counters
for m in sqlite postgresql; do
    SOCK[$m]=$DT_TMP/milter/$m.sock
    CONF[$m]=$DT_TMP/milter/$m.conf
    LOG[$m]=$DT_TMP/log/milter-$m.log
    {
        printf 'database = "%s";\n' "${DB[$m]}"
        printf 'internal_domains = ["corp.test"];\n'
        # Postfix's smtpd (user postfix) must be able to connect to the unix socket.
        printf 'socket_mode = "0660";\nsocket_group = "postfix";\n'
        printf 'store = { spool = "%s"; };\n' "$DT_TMP/milter/$m/spool.db"
    } >"${CONF[$m]}"
done
"$DT_BUILD/dealtemp" migrate -c "${CONF[postgresql]}" >>"$DT_TMP/log/migrate.log" 2>&1 ||
    { dt_tail migrate "$DT_TMP/log/migrate.log"; fail "dealtemp migrate on $PG_URL failed"; }

# milter_start MODE: its own dealtemp-milter on SOCK[MODE], logging to LOG[MODE].
milter_start() {
    local m=$1 i
    "$DT_MILTER_BIN" -f -c "${CONF[$m]}" -p "unix:${SOCK[$m]}" >>"${LOG[$m]}" 2>&1 &
    PID[$m]=$!
    for i in $(seq 1 150); do
        [ -S "${SOCK[$m]}" ] && [ -n "$(ss -Hlx src "${SOCK[$m]}" 2>/dev/null)" ] && return 0
        kill -0 "${PID[$m]}" 2>/dev/null || { dt_tail "$m milter" "${LOG[$m]}"; fail "the $m milter exited"; }
        sleep 0.1
    done
    fail "the $m milter is not listening on ${SOCK[$m]} after 15 s ($i polls)"
}

# milter_stop MODE: SIGTERM, wait up to 10 s (its counters file is written at exit).
milter_stop() {
    local m=$1 pid=${PID[$1]:-} i
    [ -n "$pid" ] || return 0
    PID[$m]=""
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null && { wait "$pid" 2>/dev/null; return 1; }
    wait "$pid" 2>/dev/null
    return 0
}
# Before lib.sh's clean-up (which stops Postfix and the PostgreSQL server).
trap 'rc=$?; milter_stop sqlite; milter_stop postgresql; (exit $rc); dt_cleanup' EXIT

# counter FILE NAME: one value of a counters file.
counter() { sed -n "s/^$2=//p" "$1"; }

# source_run SESSIONS COUNT: smtp-source, COUNT messages over SESSIONS sessions; echoes the wall time in µs.
source_run() {
    local t0
    t0=${EPOCHREALTIME/./}
    timeout 300 smtp-source -d -s "$1" -m "$2" -l 2048 -M client.test -S 'Benchmark' \
        -f rep@corp.test -t buyer@customer.example "127.0.0.1:$DT_SMTPD_PORT" \
        >>"$DT_TMP/log/smtp-source.log" 2>&1 || fail "smtp-source exited $? (see $DT_TMP/log/smtp-source.log)"
    echo $((${EPOCHREALTIME/./} - t0))
}

# quiet: wait until Postfix has relayed everything to the sink.
quiet() {
    local i
    for i in $(seq 1 1200); do
        dt_queue_empty && return 0
        sleep 0.1
    done
    fail "the queue did not drain in 120 s ($i polls)"
}

# pct P < numbers: the P-th percentile (nearest rank).
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; print v[i] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

milter_start sqlite
milter_start postgresql
dt_sink_start "$SINK_PORT"
DT_POSTFIX_EXTRA="in_flow_delay = 0s"
declare -A RATES
for r in $(seq 1 "$ROUNDS"); do
    for m in $MODES; do
        pf=""
        [ "$m" = none ] || pf="{ unix:${SOCK[$m]}, default_action=accept }"
        dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "$pf"
        PF_VERSION=$(postconf -c "$DT_PF_ETC" -h mail_version)
        source_run 1 "$WARM" >/dev/null
        quiet
        us=$(source_run "$SESSIONS" "$INGEST")
        RATES[$m]+="$(awk -v n="$INGEST" -v u="$us" 'BEGIN { printf "%.0f", n * 1000000 / u }') "
        quiet
        timeout 300 python3 "$HERE/smtp-latency.py" 127.0.0.1 "$DT_SMTPD_PORT" "$LATENCY" \
            "lat-$m-$r-$$" >"$DT_TMP/latency-$m-$r" 2>>"$DT_TMP/log/smtp-latency.log" ||
            { dt_tail smtp-latency "$DT_TMP/log/smtp-latency.log"; fail "smtp-latency.py failed ($m, round $r)"; }
        cat "$DT_TMP/latency-$m-$r" >>"$DT_TMP/latency-$m"
        quiet
        dt_postfix_stop
    done
done
milter_stop sqlite || fail "the sqlite milter had to be killed"
milter_stop postgresql || fail "the postgresql milter had to be killed"

SENT=$((ROUNDS * (WARM + INGEST + LATENCY)))
declare -A STORED
STORED[sqlite]=$(sqlite3 "${DB[sqlite]}" 'SELECT count(*) FROM events') || fail "cannot count ${DB[sqlite]}"
STORED[postgresql]=$(dt_pg_psql_on "$PG_URL" 'SELECT count(*) FROM events') || fail "cannot count $PG_URL"

printf '\nbench-milter-pg: Postfix %s, dealtemp-milter on a unix socket, its store in SQLite (WAL) or\n' \
    "$PF_VERSION"
printf 'PostgreSQL %s on 127.0.0.1 (fsync=%s, synchronous_commit=%s); all on %d CPUs, shared\n' \
    "$(dt_pg_psql "SHOW server_version" | cut -d' ' -f1)" "$(dt_pg_psql "SHOW fsync")" \
    "$(dt_pg_psql "SHOW synchronous_commit")" "$(nproc)"
printf 'ingest: %d SMTP sessions at once, %d messages of 2 KB a round, %d rounds (interleaved)\n' \
    "$SESSIONS" "$INGEST" "$ROUNDS"
printf '  %-11s %8s %8s   %s\n' mode 'msgs/s' best 'rounds (msgs/s)'
for m in $MODES; do
    # shellcheck disable=SC2086 # a list of numbers
    printf '  %-11s %8s %8s   %s\n' "$m" "$(printf '%s\n' ${RATES[$m]} | pct 50)" \
        "$(printf '%s\n' ${RATES[$m]} | sort -n | tail -n 1)" "${RATES[$m]}"
done
printf 'latency: one SMTP session, %d messages a round x %d = %d per mode, MAIL FROM to the 250 after DATA\n' \
    "$LATENCY" "$ROUNDS" "$((LATENCY * ROUNDS))"
printf '  %-11s %8s %8s %8s %8s   %-16s  %s\n' mode 'p50 ms' 'p90 ms' 'p99 ms' 'max ms' 'added: p50, p99' \
    'each round: p50/p99 ms'
for m in $MODES; do
    f=$DT_TMP/latency-$m
    [ "$(grep -c '^' "$f")" = $((LATENCY * ROUNDS)) ] || fail "$f: $(grep -c '^' "$f") times, $((LATENCY * ROUNDS)) expected"
    added=""
    if [ "$m" != none ]; then
        added=$(awk -v a="$(pct 50 <"$f")" -v b="$(pct 50 <"$DT_TMP/latency-none")" \
            -v c="$(pct 99 <"$f")" -v d="$(pct 99 <"$DT_TMP/latency-none")" \
            'BEGIN { printf "%+.2f, %+.2f", (a - b) / 1000, (c - d) / 1000 }')
    fi
    rounds=""
    for r in $(seq 1 "$ROUNDS"); do
        rounds+="$(ms "$(pct 50 <"$f-$r")")/$(ms "$(pct 99 <"$f-$r")") "
    done
    printf '  %-11s %8s %8s %8s %8s   %-16s  %s\n' "$m" "$(ms "$(pct 50 <"$f")")" "$(ms "$(pct 90 <"$f")")" \
        "$(ms "$(pct 99 <"$f")")" "$(ms "$(pct 100 <"$f")")" "$added" "$rounds"
done
printf 'stored: %d messages sent through each milter\n' "$SENT"
bad=0
for m in sqlite postgresql; do
    c=${COUNTERS[$m]}
    [ -s "$c" ] || fail "no counters file $c"
    printf '  %-11s %d messages in the database; milter counters: seen=%s outbound=%s store_errors=%s spooled=%s replayed=%s spool_dropped=%s store_outages=%s\n' \
        "$m" "${STORED[$m]}" "$(counter "$c" seen)" "$(counter "$c" outbound)" "$(counter "$c" store_errors)" \
        "$(counter "$c" spooled)" "$(counter "$c" replayed)" "$(counter "$c" spool_dropped)" \
        "$(counter "$c" store_outages)"
    [ "${STORED[$m]}" = "$SENT" ] && [ "$(counter "$c" seen)" = "$SENT" ] || bad=1
done
[ "$bad" = 0 ] || fail "a milter did not store every message it was sent (see above)"
