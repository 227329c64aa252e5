#!/bin/bash
#
# run-pg-postfix.sh - two mail servers, one deal view: two real Postfix
# instances ("submission" A and "mx" B), each with its own dealtemp-milter
# (own socket, own spool), sharing one PostgreSQL database (a private server
# of pg-lib.sh, so that the test may stop and restart it; schema made once
# by `dealtemp migrate`).
#
#   1) ann@corp.test's euphoric mail leaves through A; the customer's reply
#      (In-Reply-To it) comes in through B: B's copy carries X-Deal-Reply-Latency
#      and A's X-Deal-Thread; `dealtemp threads --json` shows one thread, one latency
#   2) PostgreSQL stopped: 10 mails through A all delivered with X-Deal-Euphoria,
#      each logged as spooled, one "database unreachable" line; started again:
#      "database back ... 10 spooled messages replayed in order", exactly 10
#      more events (in arrival order), the spool empty, the SIGUSR1 counters
#   3) 2 milters x 20 concurrent SMTP sessions (smtp-source), generated
#      Message-IDs and one Message-ID sent 40 times through both servers at
#      once: every distinct message stored exactly once
#   4) `dealtemp digest --send` on both "hosts" at once: one digest per rep;
#      a second run sends none
#   5) `dealtemp migrate --from SQLITE --to URL`: the same threads --json;
#      again: nothing copied
#   6) wrong password, missing database, schema too new: `dealtemp threads`
#      exits 1 with one line naming the database (never the password), and
#      a milter started against it passes mail with X-Deal-Euphoria, facts
#      spooled; the server restarted in the middle of an import: a rerun
#      completes with exact counts
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed. Runs as
# root (private Postfix instances, smtp-sink -u nobody, postgres as nobody).
# Run: bash tests/integration/with-pg.sh bash tests/integration/run-pg-postfix.sh
# (it starts its own server: with-pg.sh's is not needed, and left alone).
# DT_KEEP=1 keeps the temp dir.
set -u

# shellcheck source=tests/integration/pg-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"
# shellcheck source=tests/integration/messages.sh
. "$(dirname "${BASH_SOURCE[0]}")/messages.sh"

dt_init postfix smtp-sink smtp-source swaks sqlite3 python3 timeout date
[ "$(id -u)" = 0 ] || fail "run-pg-postfix.sh must run as root (private Postfix instances, smtp-sink -u nobody)"

DT=$DT_BUILD/dealtemp
[ -x "$DT" ] || fail "no $DT (make $DT)"
[ -x "$DT_MILTER_BIN" ] || fail "no $DT_MILTER_BIN (make $DT_MILTER_BIN)"
TIMELINE=$DT_ROOT/tests/data/timeline
W=$DT_TMP/w
MSG=$DT_TMP/msg
mkdir -p "$W"
RUN=$$-$RANDOM

# ---------------------------------------------------------------- helpers

# conf_write FILE DATABASE [SPOOL]: the same settings on every host.
conf_write() {
    {
        printf 'database = "%s";\n' "$2"
        printf 'internal_domains = ["corp.test"];\n'
        printf 'store = {\n    connect_timeout_ms = 1000;\n    statement_timeout_ms = 3000;\n'
        [ -n "${3:-}" ] && printf '    spool = "%s";\n' "$3"
        printf '};\n'
        printf 'digest = {\n    from = "dealtemp@corp.test";\n    smtp = "127.0.0.1:%s";\n};\n' "$SINK_PORT"
    } >"$1"
}

# header FILE NAME: the unfolded value of field NAME (the first one).
header() {
    dt_headers_of "$1" | dt_unfold_field "$2" | head -n 1 | sed 's/^[^:]*:[[:space:]]*//'
}

events() { dt_pg_psql 'SELECT count(*) FROM events' 2>/dev/null || echo "?"; }

# spool_count FILE: entries in a milter's spool (0 when there is no file).
spool_count() {
    if [ -f "$1" ]; then sqlite3 "$1" 'SELECT count(*) FROM spool' 2>&1; else echo 0; fi
}

# usr1: SIGUSR1 to the current instance's milter; COUNTERS = the line it logs.
COUNTERS=""
usr1() {
    local n0 i
    n0=$(grep -c 'counters: ' "$DT_MILTER_LOG")
    kill -USR1 "$DT_MILTER_PID" 2>/dev/null || { COUNTERS="(no milter)"; return 1; }
    for i in $(seq 1 50); do
        if [ "$(grep -c 'counters: ' "$DT_MILTER_LOG")" -gt "$n0" ]; then
            COUNTERS=$(grep 'counters: ' "$DT_MILTER_LOG" | tail -n 1)
            COUNTERS=${COUNTERS#*counters: }
            return 0
        fi
        sleep 0.1
    done
    COUNTERS="(no counters line after SIGUSR1, $i polls)"
    return 1
}

# has_counters WANT...: every "key=value" of WANT is in COUNTERS.
has_counters() {
    local w
    for w in "$@"; do
        case " $COUNTERS " in *" $w "*) ;; *) return 1 ;; esac
    done
}

# wait_log FILE REGEX SECONDS: until grep -E finds REGEX in FILE.
wait_log() {
    local i
    for i in $(seq 1 $(($3 * 5))); do
        grep -qE -- "$2" "$1" 2>/dev/null && return 0
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        sleep 0.2
    done
    return 1
}

# sink_files RCPT_DOMAIN: the sink files of messages to that domain.
sink_files() {
    grep -l -e "^X-Rcpt-Args: <[^>]*@$1>" -- "$DT_SINK_DIR"/* 2>/dev/null
}

# queues_empty: nothing waiting in either Postfix.
queues_empty() {
    dt_instance_do submission dt_queue_empty && dt_instance_do mx dt_queue_empty
}

# wait_sink N SECONDS DOMAIN...: until the sink holds N messages to those
# domains and both queues are empty (then a moment for the last write).
wait_sink() {
    local want=$1 secs=$2 i n=0 d
    shift 2
    for i in $(seq 1 $((secs * 5))); do
        n=0
        for d in "$@"; do n=$((n + $(sink_files "$d" | grep -c '^'))); done
        if [ "$n" -ge "$want" ] && queues_empty; then
            sleep 0.3
            return 0
        fi
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        sleep 0.2
    done
    dt_note "sink: $n of $want messages to $* after ${secs}s"
    return 1
}

euphoric_body() {
    cat <<EOF
Hi $1,

AMAZING call today!!! We are SO excited, this is going to be an absolute
game-changer for your team!!! Honestly the best meeting of the year, I can't
wait to get this signed 🚀🎉 Let's make it happen!!!

Ann
EOF
}

# ---------------------------------------------------------------- start

dt_pg_start "$DT_TMP/pg"
PG_URL=$DT_TEST_PG_URL
PG_PORT=$DT_TEST_PG_PORT

SINK_PORT="" A_SMTPD="" B_SMTPD="" A_MILTER="" B_MILTER=""
dt_free_port SINK_PORT
dt_free_port A_SMTPD
dt_free_port B_SMTPD
dt_free_port A_MILTER
dt_free_port B_MILTER
A_CONF=$W/submission.conf A_SPOOL=$W/spool-submission.db
B_CONF=$W/mx.conf B_SPOOL=$W/spool-mx.db
CLI_CONF=$W/cli.conf
conf_write "$A_CONF" "$PG_URL" "$A_SPOOL"
conf_write "$B_CONF" "$PG_URL" "$B_SPOOL"
conf_write "$CLI_CONF" "$PG_URL"

if timeout 60 "$DT" migrate -c "$CLI_CONF" >"$W/migrate.out" 2>&1 &&
    grep -q 'schema created (version' "$W/migrate.out" &&
    [ "$(dt_pg_psql 'SELECT version FROM schema_version')" -ge 4 ]; then
    dt_ok "dealtemp migrate -c creates the schema once ($(cat "$W/migrate.out"))"
else
    fail "dealtemp migrate: $(cat "$W/migrate.out")"
fi

dt_sink_start "$SINK_PORT"
dt_instance submission
dt_milter_start "inet:$A_MILTER@127.0.0.1" "$A_CONF"
dt_postfix_start "$A_SMTPD" "$SINK_PORT" "inet:127.0.0.1:$A_MILTER"
dt_instance mx
dt_milter_start "inet:$B_MILTER@127.0.0.1" "$B_CONF"
dt_postfix_start "$B_SMTPD" "$SINK_PORT" "inet:127.0.0.1:$B_MILTER"
dt_note "postgres $PG_URL; submission smtpd $A_SMTPD milter $A_MILTER; mx smtpd $B_SMTPD milter $B_MILTER; sink $SINK_PORT; tmp $DT_TMP"

# ---------------------------------------------------------------- 1) across two servers

TOK1=deal-$RUN
euphoric_body Sarah | write_msg "$MSG/deal.eml" "$TOK1" "Ann Smit <ann@corp.test>" \
    "Sarah Mitchell <sarah@northwind.test>" "Northwind rollout"
REPLY_PARENT=$(message_id "$TOK1" ann@corp.test)
TOK1R=reply-$RUN
write_msg "$MSG/reply.eml" "$TOK1R" "Sarah Mitchell <sarah@northwind.test>" "Ann Smit <ann@corp.test>" \
    "Re: Northwind rollout" "$REPLY_PARENT" <<'EOF'
Hi Ann,

Thanks, we will look at the proposal with the team next week.

Sarah
EOF

dt_instance submission
send_smtp ann@corp.test sarah@northwind.test "$MSG/deal.eml"
F1=""
delivered F1 "$TOK1" "1) the rep's mail through A" || true
dt_instance mx
send_smtp sarah@northwind.test ann@corp.test "$MSG/reply.eml"
F1R=""
delivered F1R "$TOK1R" "1) the reply through B" || true

T_A="" T_B="" LAT=""
if [ -n "$F1" ]; then
    T_A=$(header "$F1" X-Deal-Thread)
    if [ -n "$(header "$F1" X-Deal-Euphoria)" ] && [ -n "$T_A" ]; then
        dt_ok "1) A (submission) adds X-Deal-Euphoria and X-Deal-Thread: $T_A ($(header "$F1" X-Deal-Euphoria))"
    else
        dt_not_ok "1) A's headers" "$(dt_headers_of "$F1" | grep '^X-Deal' | tr '\n' ' ')"
    fi
fi
if [ -n "$F1R" ]; then
    T_B=$(header "$F1R" X-Deal-Thread)
    LAT=$(header "$F1R" X-Deal-Reply-Latency)
    if [ -n "$LAT" ]; then
        dt_ok "1) B (mx) measures the reply latency across the two servers: X-Deal-Reply-Latency: $LAT"
    else
        dt_not_ok "1) B's X-Deal-Reply-Latency" "none: $(dt_headers_of "$F1R" | grep '^X-Deal' | tr '\n' ' ')"
    fi
    if [ -n "$T_A" ] && [ "$T_A" = "$T_B" ]; then
        dt_ok "1) both messages carry the same X-Deal-Thread ($T_B)"
    else
        dt_not_ok "1) one thread" "A: '$T_A', B: '$T_B'"
    fi
    if [ -z "$(header "$F1R" X-Deal-Euphoria)" ]; then
        dt_ok "1) the inbound reply gets no X-Deal-Euphoria"
    else
        dt_not_ok "1) inbound reply" "X-Deal-Euphoria: $(header "$F1R" X-Deal-Euphoria)"
    fi
fi
timeout 60 "$DT" threads -c "$CLI_CONF" --json >"$W/threads1.json" 2>"$W/threads1.err"
rc=$?
got=$(python3 - "$W/threads1.json" "$T_A" 2>&1 <<'PY'

import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if len(rows) != 1:
    print("%d threads" % len(rows)); sys.exit(1)
r = rows[0]
lat = r.get("latencies_s") or []
if r["thread"] != sys.argv[2] or r["rep"] != "ann@corp.test" or r["counterpart"] != "sarah@northwind.test" \
        or len(lat) != 1 or not 0 <= lat[0] < 300 or r["messages"] != 2:
    print("unexpected: %s" % json.dumps(r)); sys.exit(1)
print("thread %s, %d messages, latencies_s %s, state %s" % (r["thread"], r["messages"], lat, r["state"]))
PY
)
prc=$?
if [ "$rc" -eq 0 ] && [ "$prc" -eq 0 ]; then
    dt_ok "1) dealtemp threads --json on the shared database: one thread, one latency ($got)"
else
    dt_not_ok "1) threads --json" "exit $rc: $got $(cat "$W/threads1.err")"
fi

# ---------------------------------------------------------------- 2) outage

N_OUT=10
before=$(events)
dt_pg_down fast || fail "PostgreSQL did not stop"
dt_instance submission
for i in $(seq -w 1 $N_OUT); do
    euphoric_body "Buyer $i" | write_msg "$MSG/out$i.eml" "out$i-$RUN" "Ann Smit <ann@corp.test>" \
        "Buyer $i <buyer$i@outage.test>" "Offer $i"
    send_smtp ann@corp.test "buyer$i@outage.test" "$MSG/out$i.eml"
done
wait_sink "$N_OUT" 60 outage.test || true
n_del=0 n_euph=0
for f in $(sink_files outage.test); do
    n_del=$((n_del + 1))
    [ -n "$(header "$f" X-Deal-Euphoria)" ] && n_euph=$((n_euph + 1))
done
if [ "$n_del" -eq "$N_OUT" ] && [ "$n_euph" -eq "$N_OUT" ]; then
    dt_ok "2) database down: all $N_OUT mails through A delivered, each with X-Deal-Euphoria"
else
    dt_not_ok "2) delivered while down" "$n_del delivered, $n_euph with X-Deal-Euphoria, of $N_OUT"
fi
n_spooled=$(grep -c 'euphoric.*(facts spooled: database away)' "$DT_MILTER_LOG")
n_down=$(grep -c 'store: database unreachable (' "$DT_MILTER_LOG")
if [ "$n_spooled" -eq "$N_OUT" ] && [ "$n_down" -eq 1 ] &&
    grep -q "mail flows on, message facts are spooled to $A_SPOOL until it is back" "$DT_MILTER_LOG"; then
    dt_ok "2) each message logged \"(facts spooled: database away)\"; exactly one \"database unreachable\" line"
else
    dt_not_ok "2) milter log while down" "$n_spooled spooled lines, $n_down 'database unreachable' lines"
fi
pending=$(spool_count "$A_SPOOL")
usr1
if [ "$pending" = "$N_OUT" ] && has_counters "spooled=$N_OUT" "spool_pending=$N_OUT" store=down; then
    dt_ok "2) while down: the spool holds $N_OUT; SIGUSR1: spooled=$N_OUT spool_pending=$N_OUT store=down"
else
    dt_not_ok "2) while down" "spool $pending; counters: $COUNTERS"
fi

down_at=$SECONDS
dt_pg_up
if wait_log "$DT_MILTER_LOG" "store: database back after [0-9]+ s; $N_OUT spooled messages replayed in order" 45; then
    dt_ok "2) database back: \"$(grep -o 'database back after.*' "$DT_MILTER_LOG" | tail -n 1)\" (within $((SECONDS - down_at)) s)"
else
    dt_not_ok "2) replay" "no 'database back ... $N_OUT spooled messages replayed' line within 45 s"
fi
after=$(events)
order=$(dt_pg_psql "SELECT string_agg(split_part(p.addr, '@', 1), ' ' ORDER BY t.id) FROM events e
    JOIN people p ON p.id = e.counterpart JOIN threads t ON t.id = e.thread WHERE p.addr LIKE '%@outage.test'")
want_order=$(for i in $(seq -w 1 $N_OUT); do printf 'buyer%s ' "$i"; done)
if [ "$after" = "$((before + N_OUT))" ] && [ "$order " = "$want_order" ]; then
    dt_ok "2) the events table holds exactly $N_OUT more ($before -> $after), stored in arrival order"
else
    dt_not_ok "2) events after replay" "$before -> $after (want +$N_OUT); order: $order"
fi
pending=$(spool_count "$A_SPOOL")
usr1
if [ "$pending" = 0 ] &&
    has_counters "spooled=$N_OUT" "replayed=$N_OUT" spool_pending=0 spool_dropped=0 store_outages=1 store=up; then
    dt_ok "2) the spool is empty; SIGUSR1: $COUNTERS"
else
    dt_not_ok "2) after replay" "spool $pending; counters: $COUNTERS"
fi
n_down=$(grep -c 'store: database unreachable (' "$DT_MILTER_LOG")
[ "$n_down" -eq 1 ] || dt_not_ok "2) one outage" "$n_down 'database unreachable' lines"

# ---------------------------------------------------------------- 3) concurrency

before=$(events)
{
    printf 'From: Dave Rep <dave@corp.test>\nTo: Buyer <buyer@shared.test>\nSubject: Shared offer\n'
    printf 'Date: %s\nMessage-ID: <shared-%s@corp.test>\n\n' "$(LC_ALL=C date -R)" "$RUN"
    euphoric_body Buyer
} >"$MSG/shared.eml"
SRC_PIDS=()
smtp_source() { # LOG ARGS...
    local log=$1
    shift
    timeout 90 smtp-source -M corp.test "$@" >"$W/$log.log" 2>&1 &
    SRC_PIDS+=($!)
}
smtp_source gen-a -s 20 -m 40 -l 300 -S "Quote" -f carl@corp.test -t buyer@gen-a.test "127.0.0.1:$A_SMTPD"
smtp_source gen-b -s 20 -m 40 -l 300 -S "Quote" -f carl@corp.test -t buyer@gen-b.test "127.0.0.1:$B_SMTPD"
src_rc=0
for p in "${SRC_PIDS[@]}"; do wait "$p" || src_rc=$?; done
SRC_PIDS=()
smtp_source shared-a -s 20 -m 20 -F "$MSG/shared.eml" -f dave@corp.test -t buyer@shared.test "127.0.0.1:$A_SMTPD"
smtp_source shared-b -s 20 -m 20 -F "$MSG/shared.eml" -f dave@corp.test -t buyer@shared.test "127.0.0.1:$B_SMTPD"
for p in "${SRC_PIDS[@]}"; do wait "$p" || src_rc=$?; done
wait_sink 120 60 gen-a.test gen-b.test shared.test || true
copies=$(for d in gen-a.test gen-b.test shared.test; do sink_files "$d"; done)
n_copies=$(printf '%s\n' "$copies" | grep -c .)
distinct=$(for f in $copies; do header "$f" Message-ID; done | sort -u | grep -c .)
# Anything spooled meanwhile (a busy pool) is replayed within seconds.
for i in $(seq 1 100); do
    [ "$(spool_count "$A_SPOOL")" = 0 ] && [ "$(spool_count "$B_SPOOL")" = 0 ] && break
    sleep 0.2
done
after=$(events)
if [ "$src_rc" -eq 0 ] && [ "$n_copies" -eq 120 ]; then
    dt_ok "3) 2 Postfix x 20 concurrent smtp-source sessions: 120 messages delivered ($distinct distinct Message-IDs)"
else
    dt_not_ok "3) concurrent delivery" "smtp-source exit $src_rc, $n_copies of 120 delivered"
fi
if [ "$after" = "$((before + distinct))" ]; then
    dt_ok "3) every distinct message stored exactly once: events $before -> $after (+$distinct)"
else
    dt_not_ok "3) stored once" "events $before -> $after, expected +$distinct distinct Message-IDs"
fi
threads=$(for f in $(sink_files shared.test); do header "$f" X-Deal-Thread; done | sort | uniq -c | sed 's/^ *//')
if [ "$(printf '%s\n' "$threads" | grep -c .)" -eq 1 ] && [ "${threads%% *}" -eq 40 ]; then
    dt_ok "3) one Message-ID sent 40 times through both servers at once: one event, one thread on all 40 copies (${threads#* })"
else
    dt_not_ok "3) the shared message" "X-Deal-Thread values (count value): $(echo "$threads" | tr '\n' ';')"
fi
# The restart of 2) dropped the mx milter's pooled connections too; with the
# database up that is no outage: nothing spooled, every copy got its thread.
dt_instance mx
usr1
c_mx=$COUNTERS
has_counters spooled=0 store_outages=0 store=up && mx_ok=1 || mx_ok=0
dt_instance submission
usr1
if [ "$mx_ok" = 1 ] && has_counters "spooled=$N_OUT" store_outages=1 store=up &&
    ! grep -q 'database unreachable' "$DT_TMP/log/milter-mx.log"; then
    dt_ok "3) the database up: nothing spooled, no outage logged (mx: spooled=0 store_outages=0; submission: only 2)'s)"
else
    dt_not_ok "3) no outage" "mx: $c_mx; submission: $COUNTERS; mx log: $(grep -c 'database unreachable' "$DT_TMP/log/milter-mx.log") 'database unreachable' lines"
fi
n_shared=$(dt_pg_psql "SELECT count(*) FROM events e JOIN people p ON p.id = e.counterpart WHERE p.addr = 'buyer@shared.test'")
seen_before=$(cat "$DT_TMP/log/milter-submission.log" "$DT_TMP/log/milter-mx.log" | grep -c 'from=<dave@corp.test>.*(seen before)')
if [ "$n_shared" = 1 ] && [ "$seen_before" -eq 39 ]; then
    dt_ok "3) the shared message: 1 event; the milters logged the other 39 copies \"(seen before)\""
else
    dt_not_ok "3) the shared message" "$n_shared events; $seen_before copies logged (seen before), want 39"
fi

# ---------------------------------------------------------------- 4) digest race

AS_OF=$(date -u -d '+5 days' +%Y-%m-%dT%H:%M:%SZ)
conf_write "$W/host-a.conf" "$PG_URL"
conf_write "$W/host-b.conf" "$PG_URL"
timeout 60 "$DT" digest -c "$W/host-a.conf" --as-of "$AS_OF" --dry-run >"$W/dry.mbox" 2>"$W/dry.err"
want_reps=$(grep '^To:' "$W/dry.mbox" | grep -o '[a-z]*@corp.test' | sort | tr '\n' ' ')
n_want=$(echo "$want_reps" | wc -w)
# ann's ten mails of 2) and dave's shared one are cooling by then; carl's are warm.
if [ "$want_reps" = "ann@corp.test dave@corp.test " ]; then
    dt_ok "4) --dry-run as of $AS_OF: a digest for ann and dave (their euphoric mails unanswered 5 days)"
else
    dt_not_ok "4) dry run" "digests for '$want_reps' (want ann and dave): $(cat "$W/dry.err")"
fi
digest_files() { grep -l '^X-Mail-Args: <dealtemp@corp.test>' -- "$DT_SINK_DIR"/* 2>/dev/null; }
timeout 90 "$DT" digest -c "$W/host-a.conf" --as-of "$AS_OF" --send >"$W/dig-a.out" 2>"$W/dig-a.err" &
pa=$!
timeout 90 "$DT" digest -c "$W/host-b.conf" --as-of "$AS_OF" --send >"$W/dig-b.out" 2>"$W/dig-b.err" &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
sleep 0.3
got_reps=$(for f in $(digest_files); do sed -n 's/^X-Rcpt-Args: <\([^>]*\)>.*/\1/p' "$f"; done | sort | tr '\n' ' ')
sa=$(sed -n 's/^dealtemp: digest: \([0-9]*\) sent, \([0-9]*\) already sent today, \([0-9]*\) failed$/\1 \2 \3/p' "$W/dig-a.err")
sb=$(sed -n 's/^dealtemp: digest: \([0-9]*\) sent, \([0-9]*\) already sent today, \([0-9]*\) failed$/\1 \2 \3/p' "$W/dig-b.err")
read -r sent_a skip_a fail_a <<<"${sa:-x x x}"
read -r sent_b skip_b fail_b <<<"${sb:-x x x}"
if [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && [ "$got_reps" = "$want_reps" ] && [ "$n_want" -ge 2 ] &&
    [ "$((sent_a + sent_b))" -eq "$n_want" ] && [ "$((skip_a + skip_b))" -eq "$n_want" ] &&
    [ "$((fail_a + fail_b))" -eq 0 ]; then
    dt_ok "4) two digest --send at once on one database: exactly one digest per rep ($got_reps; host a sent $sent_a, host b $sent_b)"
else
    dt_not_ok "4) digest race" "exit $ra/$rb; delivered to '$got_reps', want '$want_reps'; a: $sa; b: $sb $(cat "$W/dig-a.err" "$W/dig-b.err" | tr '\n' ' ')"
fi
timeout 90 "$DT" digest -c "$W/host-b.conf" --as-of "$AS_OF" --send >"$W/dig-c.out" 2>"$W/dig-c.err"
rc=$?
sleep 0.3
if [ "$rc" -eq 0 ] && [ "$(tail -n 1 "$W/dig-c.err")" = "dealtemp: digest: 0 sent, $n_want already sent today, 0 failed" ] &&
    [ "$(digest_files | grep -c .)" -eq "$n_want" ]; then
    dt_ok "4) a second run sends none ($(tail -n 1 "$W/dig-c.err"))"
else
    dt_not_ok "4) second run" "exit $rc; $(cat "$W/dig-c.err"); $(digest_files | grep -c .) digests in the sink"
fi

# ---------------------------------------------------------------- 5) migrate SQLite -> PostgreSQL

MIG_URL=postgresql://dealtemp_test@127.0.0.1:$PG_PORT/migrated
dt_pg_psql_admin "CREATE DATABASE migrated" || fail "CREATE DATABASE migrated failed"
sed "s|^database = .*|database = \"$W/team.db\";|" "$TIMELINE/team.conf" >"$W/team-sqlite.conf"
sed "s|^database = .*|database = \"$MIG_URL\";|" "$TIMELINE/team.conf" >"$W/team-pg.conf"
timeout 60 "$DT" import -c "$W/team-sqlite.conf" --mbox "$TIMELINE/team-3weeks.mbox" >"$W/team-import.out" 2>&1 ||
    dt_not_ok "5) import into SQLite" "$(cat "$W/team-import.out")"
timeout 60 "$DT" migrate --from "$W/team.db" --to "$MIG_URL" >"$W/mig1.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^dealtemp: 51 messages read: 51 copied, 0 already there' "$W/mig1.out" &&
    grep -q '^dealtemp: verified: the target holds 28 outbound and 23 inbound messages in 14 threads' "$W/mig1.out"; then
    dt_ok "5) migrate --from SQLite --to a fresh PostgreSQL database: 51 copied, verified"
else
    dt_not_ok "5) migrate" "exit $rc: $(cat "$W/mig1.out")"
fi
same=1
for t in 2026-11-12T12:00:00Z 2026-11-20T17:00:00Z; do
    timeout 60 "$DT" threads -c "$W/team-sqlite.conf" --json --as-of "$t" >"$W/sq-$t.json" 2>&1 || same=0
    timeout 60 "$DT" threads -c "$W/team-pg.conf" --json --as-of "$t" >"$W/pg-$t.json" 2>&1 || same=0
    [ -s "$W/sq-$t.json" ] && cmp -s "$W/sq-$t.json" "$W/pg-$t.json" || same=0
done
[ "$(grep -c . "$W/pg-2026-11-20T17:00:00Z.json")" -eq 14 ] || same=0
if [ "$same" = 1 ]; then
    dt_ok "5) threads --json identical on SQLite and PostgreSQL (14 threads with tones and people, as of two moments)"
else
    dt_not_ok "5) threads --json" "differ: $(diff "$W/sq-2026-11-20T17:00:00Z.json" "$W/pg-2026-11-20T17:00:00Z.json" | head -c 400)"
fi
timeout 60 "$DT" migrate --from "$W/team.db" --to "$MIG_URL" >"$W/mig2.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^dealtemp: 51 messages read: 0 copied, 51 already there' "$W/mig2.out"; then
    dt_ok "5) migrate again: 0 copied, 51 already there"
else
    dt_not_ok "5) migrate again" "exit $rc: $(cat "$W/mig2.out")"
fi

# ---------------------------------------------------------------- 5b) a detached milter replays too
# The milter as a daemon (no -f: it forks to detach): its spool's replay
# thread must live in the process that serves. Seen from outside only: the
# spool file fills while the database is away and empties into it after.

dt_instance submission
dt_milter_stop
N_DET=3
rm -f "$W/detached.pid"
"$DT_MILTER_BIN" -c "$A_CONF" -p "inet:$A_MILTER@127.0.0.1" -P "$W/detached.pid" >"$W/detached.out" 2>&1 ||
    fail "the detached milter did not start: $(cat "$W/detached.out")"
DET_PID=$(cat "$W/detached.pid" 2>/dev/null)
dt_wait_listening dealtemp-milter "$A_MILTER" "$DET_PID" "$W/detached.out"
before=$(events)
dt_pg_down fast || fail "PostgreSQL did not stop"
for i in $(seq 1 $N_DET); do
    euphoric_body "Detached $i" | write_msg "$MSG/det$i.eml" "det$i-$RUN" "Ann Smit <ann@corp.test>" \
        "Buyer $i <buyer$i@detached.test>" "Detached offer $i"
    send_smtp ann@corp.test "buyer$i@detached.test" "$MSG/det$i.eml"
done
wait_sink "$N_DET" 60 detached.test || true
pending=$(spool_count "$A_SPOOL")
dt_pg_up
replayed=0
for i in $(seq 1 225); do
    [ "$(spool_count "$A_SPOOL")" = 0 ] && [ "$(events)" = "$((before + N_DET))" ] && { replayed=1; break; }
    sleep 0.2
done
if [ "$pending" = "$N_DET" ] && [ "$replayed" = 1 ]; then
    dt_ok "5b) a detached milter: $N_DET messages spooled while the database was away, replayed after ($before -> $(events) events)"
else
    dt_not_ok "5b) detached replay" "spooled $pending (want $N_DET); spool now $(spool_count "$A_SPOOL"); events $before -> $(events)"
fi
kill -TERM "$DET_PID" 2>/dev/null
for i in $(seq 1 100); do kill -0 "$DET_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DET_PID" 2>/dev/null && { kill -KILL "$DET_PID"; dt_not_ok "5b) detached milter stop" "SIGTERM not obeyed in 10 s"; }
dt_milter_start "inet:$A_MILTER@127.0.0.1" "$A_CONF"

# ---------------------------------------------------------------- 6) faults

# A role that needs a password (trust for everyone else).
dt_pg_psql "CREATE ROLE pwuser LOGIN PASSWORD 'Right-Secret-77'" >/dev/null || fail "CREATE ROLE pwuser failed"
hba=$DT_TEST_PG_DATA/pg_hba.conf
{ echo "host all pwuser 127.0.0.1/32 scram-sha-256"; cat "$hba"; } >"$W/hba" && cat "$W/hba" >"$hba"
dt_pg_psql "SELECT pg_reload_conf()" >/dev/null
dt_pg_psql_admin "CREATE DATABASE toonew" || fail "CREATE DATABASE toonew failed"
conf_write "$W/toonew.conf" "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/toonew"
timeout 60 "$DT" migrate -c "$W/toonew.conf" >/dev/null 2>&1 || fail "migrate toonew failed"
dt_pg_psql_on "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/toonew" "UPDATE schema_version SET version = 99" ||
    fail "UPDATE schema_version failed"

# fault NAME URL LABEL REASON: threads exits 1 with one line "dealtemp: LABEL: ...REASON...";
# the milter of A restarted on that database passes mail with X-Deal-Euphoria.
fault() {
    local name=$1 url=$2 label=$3 reason=$4 rc lines tok n0 conf fdel=""
    conf=$W/fault-${1// /-}.conf
    conf_write "$conf" "$url" "${conf%.conf}-spool.db"
    timeout 30 "$DT" threads -c "$conf" >"${conf%.conf}.out" 2>"${conf%.conf}.err"
    rc=$?
    lines=$(grep -c '' "${conf%.conf}.err")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "^dealtemp: $label: .*$reason" "${conf%.conf}.err" &&
        ! grep -q Wr0ng "${conf%.conf}.err" && [ ! -s "${conf%.conf}.out" ]; then
        dt_ok "6) $name: dealtemp threads exits 1 with one line: $(cat "${conf%.conf}.err")"
    else
        dt_not_ok "6) $name: threads" "exit $rc, $lines lines: $(cat "${conf%.conf}.err")"
    fi
    dt_instance submission
    dt_milter_stop
    n0=$(grep -c '' "$DT_MILTER_LOG")
    dt_milter_start "inet:$A_MILTER@127.0.0.1" "$conf"
    tok=fault-${name// /-}-$RUN
    euphoric_body Lisa | write_msg "$MSG/$tok.eml" "$tok" "Ann Smit <ann@corp.test>" \
        "Lisa <lisa@fault.test>" "Offer ($name)"
    send_smtp ann@corp.test lisa@fault.test "$MSG/$tok.eml"
    if delivered fdel "$tok" "6) $name: mail through A"; then
        if [ -n "$(header "$fdel" X-Deal-Euphoria)" ] &&
            tail -n +$((n0 + 1)) "$DT_MILTER_LOG" | grep -q "from=<ann@corp.test> .*(facts spooled: database away)" &&
            [ "$(tail -n +$((n0 + 1)) "$DT_MILTER_LOG" | grep -c "store: database unreachable ($label: .*$reason")" -eq 1 ] &&
            ! grep -q Wr0ng "$DT_MILTER_LOG"; then
            dt_ok "6) $name: the milter still passes mail with X-Deal-Euphoria, facts spooled, one log line naming $label"
        else
            dt_not_ok "6) $name: milter" "X-Deal-Euphoria '$(header "$fdel" X-Deal-Euphoria)'; log: $(tail -n +$((n0 + 1)) "$DT_MILTER_LOG" | tail -n 4 | tr '\n' ' ')"
        fi
    fi
}
fault "wrong password" "postgresql://pwuser:Wr0ng-Secret-77@127.0.0.1:$PG_PORT/dealtemp_test" \
    "postgresql://pwuser@127.0.0.1:$PG_PORT/dealtemp_test" 'password authentication failed for user "pwuser"'
fault "missing database" "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/nosuchdb" \
    "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/nosuchdb" 'database "nosuchdb" does not exist'
fault "schema too new" "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/toonew" \
    "postgresql://dealtemp_test@127.0.0.1:$PG_PORT/toonew" 'schema version 99 is newer than this dealtemp supports'

# The server restarted in the middle of an import.
N_BIG=7000
STORED_BIG=$((N_BIG - N_BIG / 50))
python3 - "$W/big.mbox" "$N_BIG" <<'PY'
import sys, time
path, n = sys.argv[1], int(sys.argv[2])
base = 1793606400  # 2026-11-02T08:00:00Z
with open(path, "w", encoding="ascii", newline="\n") as f:
    for i in range(n):
        t = base + i * 30
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))
        frm_line = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(t))
        rep = "rep%d@corp.test" % (i % 7)
        cust = "buyer%d@customer%d.example" % (i // 2 % 3000, i // 2 % 3000 // 4)
        if i % 50 == 49:  # internal: ignored
            frm, to, subj, extra = rep, "rep%d@corp.test" % ((i + 1) % 7), "Note %d" % i, ""
        elif i % 2 == 0:
            frm, to, subj, extra = rep, cust, "Offer %d" % (i // 2), ""
        else:
            frm, to, subj = cust, "rep%d@corp.test" % ((i - 1) % 7), "Re: Offer %d" % (i // 2)
            extra = "In-Reply-To: <m%d@corp.test>\nReferences: <m%d@corp.test>\n" % (i - 1, i - 1)
        f.write("From %s %s\nFrom: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <m%d@%s>\n%s"
                "\nThank you for the update on order %d. We will review it this week.\n\n"
                % (frm, frm_line, frm, to, subj, date, i, frm.split("@")[1], extra, i))
PY
BIG_URL=postgresql://dealtemp_test@127.0.0.1:$PG_PORT/bigimport
dt_pg_psql_admin "CREATE DATABASE bigimport" || fail "CREATE DATABASE bigimport failed"
conf_write "$W/big.conf" "$BIG_URL"
timeout 60 "$DT" migrate -c "$W/big.conf" >/dev/null 2>&1 || fail "migrate bigimport failed"
big_events() { dt_pg_psql_on "$BIG_URL" 'SELECT count(*) FROM events' 2>/dev/null || echo 0; }
timeout 120 "$DT" import -c "$W/big.conf" --mbox "$W/big.mbox" >"$W/big1.out" 2>"$W/big1.err" &
imp=$!
# Restart once the import has committed its first batch (at most 30 s).
for i in $(seq 1 300); do
    kill -0 "$imp" 2>/dev/null || break
    [ "$(big_events)" -gt 0 ] && break
    sleep 0.1
done
restarted=0
if kill -0 "$imp" 2>/dev/null; then
    dt_pg_restart fast
    restarted=1
fi
wait "$imp"
rc1=$?
kept=$(big_events)
if [ "$restarted" = 1 ] && [ "$rc1" -eq 1 ] && [ "$(grep -c '' "$W/big1.err")" -eq 1 ] &&
    grep -q "^dealtemp: .*postgresql://dealtemp_test@127.0.0.1:$PG_PORT/bigimport" "$W/big1.err"; then
    dt_ok "6) PostgreSQL restarted in the middle of an import of $N_BIG: it fails with one line ($(cat "$W/big1.err")); $kept stored"
elif [ "$rc1" -eq 0 ]; then
    dt_ok "6) PostgreSQL restarted (restarted=$restarted) during an import of $N_BIG: it completed ($(cat "$W/big1.out"))"
else
    dt_not_ok "6) import during a restart" "restarted=$restarted exit $rc1: $(cat "$W/big1.out" "$W/big1.err" | tr '\n' ' ')"
fi
timeout 120 "$DT" import -c "$W/big.conf" --mbox "$W/big.mbox" >"$W/big2.out" 2>"$W/big2.err"
rc=$?
read -r imported dups ignored malformed < <(sed -n \
    's/^dealtemp: [0-9]* messages: \([0-9]*\) imported, \([0-9]*\) duplicates, \([0-9]*\) ignored, \([0-9]*\) malformed.*/\1 \2 \3 \4/p' \
    "$W/big2.out")
total=$(big_events)
if [ "$rc" -eq 0 ] && [ "${dups:-x}" = "$kept" ] && [ "$((${imported:-0} + ${dups:-0}))" -eq "$STORED_BIG" ] &&
    [ "${ignored:-x}" = "$((N_BIG / 50))" ] && [ "${malformed:-x}" = 0 ] && [ "$total" = "$STORED_BIG" ]; then
    dt_ok "6) the rerun completes: $imported imported + $dups duplicates = $STORED_BIG, $ignored ignored; events = $total"
else
    dt_not_ok "6) rerun" "exit $rc: $(cat "$W/big2.out" "$W/big2.err" | tr '\n' ' '); events $total, want $STORED_BIG (kept $kept)"
fi

dt_finish
