#!/bin/bash
#
# run-load.sh - 500 SMTP sessions at once through a private Postfix into
# dealtemp-milter, over a unix socket and over TCP: every message comes out
# with its headers, and the milter's threads and memory stay bounded.
#
# Per socket: a private Postfix (tests/integration/lib.sh; its process limit
# raised to DT_LOAD_SESSIONS + 100, so smtpd and cleanup can run one each
# per session, and in_flow_delay 0) relays to one smtp-sink that keeps each
# message; dealtemp-milter runs on a SQLite store of its own.
# tests/bench/smtp-load.c (built here) opens DT_LOAD_SESSIONS sessions (500)
# at once, and each waits after its EHLO until all have said theirs (-w): by
# then Postfix runs an smtpd for each, and each smtpd holds a connection to
# the milter. Then each sends a rep's mail to a customer and the customer's
# reply to it (In-Reply-To), a deal of its own (-u). Checked:
#   - the milter held a connection for every session at once (its open
#     files, sampled every 50 ms from /proc);
#   - every session's two messages accepted, and all delivered to the sink;
#   - each outbound one carries exactly one X-Deal-Euphoria and one
#     X-Deal-Thread, each reply one X-Deal-Thread - the same id as its
#     original's, though hundreds of sessions wrote to the store at once -
#     and one X-Deal-Reply-Latency;
#   - the milter's counters: every message seen, no analyze or store error,
#     nothing answered for and then lost (store_lost);
#   - the milter's threads (sampled likewise) never more than
#     THREADS_MAX (one per session and a few: what libmilter can make) and
#     its peak resident size (VmHWM) under RSS_MAX_MB (64; 1024 for a
#     build with AddressSanitizer).
# Prints the figures per socket: the most files the milter had open (its
# MTA connections: how many sessions reached it at once), time, messages/s,
# threads, peak RSS. Runs as
# root; about a minute (DT_LOAD_SESSIONS smaller or larger scales it).
# Run: DT_BUILD=build bash tests/integration/run-load.sh (DT_KEEP=1 keeps logs).
set -u

: "${DT_TIME_LIMIT:=170}"
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dt_init postfix smtp-sink cc python3 timeout
[ "$(id -u)" = 0 ] || fail "run-load.sh must run as root (a private Postfix, smtp-sink -u nobody)"

SESSIONS=${DT_LOAD_SESSIONS:-500}
MESSAGES=$((2 * SESSIONS))
# libmilter runs a worker per connection that has a command waiting, and
# lets idle ones go: never more than one a session, plus its own and ours.
THREADS_MAX=$((SESSIONS + 16))
RSS_MAX_MB=64
# Under AddressSanitizer (make check SANITIZE=1) shadow memory and the
# quarantine of freed blocks multiply the resident size.
if ldd "$DT_MILTER_BIN" 2>/dev/null | grep -q libasan || grep -q -a -m 1 AddressSanitizer "$DT_MILTER_BIN"; then
    RSS_MAX_MB=1024
fi
RUN=$$-$RANDOM
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../bench" && pwd)

cc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$DT_TMP/smtp-load" "$HERE/smtp-load.c" \
    >"$DT_TMP/log/cc.log" 2>&1 || { dt_tail cc "$DT_TMP/log/cc.log"; fail "cannot build smtp-load"; }
[ -x "$DT_MILTER_BIN" ] || fail "no $DT_MILTER_BIN: make all first"

SINK_PORT=""
dt_free_port SINK_PORT
dt_sink_start "$SINK_PORT"
DT_POSTFIX_EXTRA="default_process_limit = $((SESSIONS + 100))
in_flow_delay = 0"

# sample PID FILE: the most threads, open files (the MTA's connections and
# a few of its own) and the largest RSS (kB) PID had, every 50 ms until it
# goes or FILE.stop appears; "threads files rss" into FILE.
sample() {
    local pid=$1 out=$2 k v threads=0 files=0 rss=0 fds
    while [ ! -e "$out.stop" ] && [ -r "/proc/$pid/status" ]; do
        while read -r k v _; do
            case $k in
            Threads:) [ "$v" -gt "$threads" ] && threads=$v ;;
            VmRSS:) [ "$v" -gt "$rss" ] && rss=$v ;;
            esac
        done <"/proc/$pid/status"
        fds=("/proc/$pid/fd/"*)
        [ "${#fds[@]}" -gt "$files" ] && files=${#fds[@]}
        sleep 0.05
    done
    echo "$threads $files $rss" >"$out"
}

# delivered TAG N: wait (bounded) until the sink holds N messages of TAG.
delivered() {
    local tag=$1 want=$2 n=0 i
    for i in $(seq 1 600); do
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        n=$(grep -l -F -e "<$tag." -- "$DT_SINK_DIR"/* 2>/dev/null | wc -l)
        [ "$n" -ge "$want" ] && dt_queue_empty && return 0
        sleep 0.2
    done
    dt_note "$tag: $n of $want messages in the sink after $i polls"
    return 1
}

FIGURES=""
# run SOCKET: one private Postfix + milter over a unix socket or TCP, the load, the checks.
run() {
    local mode=$1 smtp_port="" mport="" spec pf conf tag=load-$RUN-$1 out t0 secs line hwm
    dt_instance "$mode"
    dt_free_port smtp_port
    if [ "$mode" = tcp ]; then
        dt_free_port mport
        spec="inet:$mport@127.0.0.1"
        pf="{ inet:127.0.0.1:$mport, default_action=accept }"
    else
        spec="unix:$DT_TMP/milter/$mode.sock"
        pf="{ unix:$DT_TMP/milter/$mode.sock, default_action=accept }"
    fi
    conf=$DT_TMP/milter/$mode.conf
    {
        printf 'database = "%s";\n' "$DT_TMP/milter/$mode.db"
        printf 'internal_domains = ["corp.test"];\n'
        printf 'socket_mode = "0660";\nsocket_group = "postfix";\n'
    } >"$conf"
    dt_milter_start "$spec" "$conf"
    dt_postfix_start "$smtp_port" "$SINK_PORT" "$pf"
    rm -f "$DT_TMP/sample-$mode.stop"
    sample "$DT_MILTER_PID" "$DT_TMP/sample-$mode" &
    local sampler=$!

    t0=${EPOCHREALTIME/./}
    out=$(timeout 150 "$DT_TMP/smtp-load" -s "$SESSIONS" -m 2 -u -w -t "$tag" 127.0.0.1 "$smtp_port" \
        2>"$DT_TMP/log/smtp-load-$mode.log")
    local rc=$?
    secs=$(awk -v us=$((${EPOCHREALTIME/./} - t0)) 'BEGIN { printf "%.1f", us / 1e6 }')
    [ "$rc" = 0 ] && [[ $out == "sent=$MESSAGES failed=0 "* ]]
    dt_check "$mode: $SESSIONS sessions at once, $MESSAGES messages accepted" $? \
        "$out $(head -n 3 "$DT_TMP/log/smtp-load-$mode.log" | tr '\n' ' ')"
    delivered "$tag" "$MESSAGES"
    dt_check "$mode: all $MESSAGES delivered" $? "see the sink"

    # Every header, from the sink's copies.
    out=$(python3 - "$DT_SINK_DIR" "$tag" "$SESSIONS" <<'PY'
import os, re, sys
sink, tag, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
msgs = {}
for name in os.listdir(sink):
    with open(os.path.join(sink, name), 'rb') as f:
        head = f.read().split(b'\n\n', 1)[0].decode('utf-8', 'replace')
    head = re.sub(r'\n[ \t]+', ' ', head)
    fields = {}
    for line in head.split('\n'):
        k, _, v = line.partition(':')
        fields.setdefault(k.strip().lower(), []).append(v.strip())
    mid = fields.get('message-id', [''])[0]
    m = re.match(r'<' + re.escape(tag) + r'\.(\d+)\.(\d+)@', mid)
    if m:
        msgs[(int(m.group(1)), int(m.group(2)))] = fields
bad = []
for s in range(sessions):
    out, rep = msgs.get((s, 0)), msgs.get((s, 1))
    if out is None or rep is None:
        bad.append('%d: missing' % s)
        continue
    n = lambda f, k: len(f.get('x-deal-' + k, []))
    if n(out, 'euphoria') != 1 or n(out, 'thread') != 1 or n(out, 'reply-latency') != 0:
        bad.append('%d: outbound euphoria=%d thread=%d' % (s, n(out, 'euphoria'), n(out, 'thread')))
    elif n(rep, 'thread') != 1 or n(rep, 'reply-latency') != 1 or n(rep, 'euphoria') != 0:
        bad.append('%d: reply thread=%d latency=%d' % (s, n(rep, 'thread'), n(rep, 'reply-latency')))
    elif rep['x-deal-thread'] != out['x-deal-thread']:
        bad.append('%d: reply in thread %s, its original in %s' % (s, rep['x-deal-thread'][0], out['x-deal-thread'][0]))
print('%d messages, %d bad%s' % (len(msgs), len(bad), (': ' + '; '.join(bad[:5])) if bad else ''))
PY
)
    [[ $out == "$MESSAGES messages, 0 bad" ]]
    dt_check "$mode: every message has its X-Deal-* fields, each reply its original's thread" $? "$out"

    line=$(counters)
    [[ $line == *" seen=$MESSAGES "* ]] && [[ $line == *" analyze_errors=0 store_errors=0 "* ]] &&
        [[ $line == *" store_lost=0 "* ]]
    dt_check "$mode: the milter saw $MESSAGES, no analyze or store error, no facts lost" $? "$line"

    touch "$DT_TMP/sample-$mode.stop"
    wait "$sampler"
    local threads files rss
    read -r threads files rss <"$DT_TMP/sample-$mode"
    hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$DT_MILTER_PID/status")
    [ "$files" -ge "$SESSIONS" ]
    dt_check "$mode: all $SESSIONS sessions reached the milter at once ($files files open)" $? "$files"
    [ "$threads" -gt 0 ] && [ "$threads" -le "$THREADS_MAX" ]
    dt_check "$mode: at most $threads milter threads (bound $THREADS_MAX)" $? "$threads"
    [ "$hwm" -lt $((RSS_MAX_MB * 1024)) ]
    dt_check "$mode: peak resident size $((hwm / 1024)) MB (bound $RSS_MAX_MB MB)" $? "$hwm kB"
    FIGURES+=$(printf '%-5s %9s %9s %8s %8s %9s %9s' "$mode" "$SESSIONS" "$files" "$secs" \
        "$(awk -v n="$MESSAGES" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')" "$threads" \
        "$((hwm / 1024))")$'\n'
    dt_milter_stop || dt_not_ok "$mode: the milter stops on SIGTERM" "$DT_MILTER_EXIT"
    dt_postfix_stop
}

# dt_check NAME STATUS WHY
dt_check() {
    if [ "$2" = 0 ]; then dt_ok "$1"; else dt_not_ok "$1" "$3"; fi
}

# counters: the milter's counters line after SIGUSR1.
counters() {
    local before i
    before=$(grep -c 'counters: seen=' "$DT_MILTER_LOG")
    kill -USR1 "$DT_MILTER_PID"
    for i in $(seq 1 50); do
        [ "$(grep -c 'counters: seen=' "$DT_MILTER_LOG")" -gt "$before" ] && break
        sleep 0.1
    done
    grep 'counters: seen=' "$DT_MILTER_LOG" | tail -n 1
}

run unix
run tcp
if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_TMP"/log/milter-*.log 2>/dev/null; then
    dt_not_ok "milter logs have no sanitizer report" "$(grep -h -m1 -E 'Sanitizer|runtime error:' "$DT_TMP"/log/milter-*.log)"
else
    dt_ok "milter logs have no sanitizer report"
fi
printf '# %-5s %9s %9s %8s %8s %9s %9s\n' socket sessions 'open fds' seconds 'msgs/s' 'threads' \
    'peak MB'
printf '%s' "$FIGURES" | sed 's/^/# /'
dt_finish
