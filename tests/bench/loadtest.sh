#!/bin/bash
#
# loadtest.sh - what a milter costs Postfix under load: no milter, a
# do-nothing libmilter filter and dealtemp-milter, each over a unix socket
# and TCP, side by side in one run (make loadtest).
#
# Five private Postfix instances (tests/integration/lib.sh) relay to one
# smtp-sink (which discards): "none" without a milter, "noop-unix" and
# "noop-tcp" with tests/bench/noop-milter.c (built here: it speaks the
# protocol as dealtemp does and does nothing else), "dealtemp-unix" and
# "dealtemp-tcp" with $DT_BUILD/dealtemp-milter on a SQLite store of its own.
# Each cycle sends the same load to every instance in turn (interleaved,
# the order rotated each cycle, so a busy moment of this shared machine
# falls on all of them): tests/bench/smtp-load.c, DT_LOAD_SESSIONS SMTP
# sessions at once (20) of DT_LOAD_MESSAGES messages each (100) of
# DT_LOAD_BYTES (2048) bytes, an outbound sales mail and the customer's reply
# to it in turn; then it waits until that Postfix has delivered everything,
# so no delivery runs into the next measurement. Postfix's in_flow_delay is
# 0, so intake is not paced by deliveries. Per instance it prints:
#   msgs/s      accepted messages per second, median over the cycles
#   vs none     msgs/s over the same cycle's msgs/s without a milter (median)
#   cpu ms/msg  the milter's CPU (utime + stime of /proc/PID/stat, all its
#               threads) over the run, per message (median)
#   own ms/msg  dealtemp's CPU minus the do-nothing filter's on the same
#               socket in the same cycle: dealtemp's own work (median)
#   p50/p99 ms  latency of a message (MAIL FROM to the 250 after its dot),
#               over all cycles; +p50/+p99: what the milter adds to none's
#   rss MB      the milter's resident size after the last cycle (peak: VmHWM)
#   threads     the most threads the milter had at the end of a run
# Afterwards dealtemp's counters must show every message seen and none
# failed, and each database must hold every message once (SQLite).
# Prints numbers; asserts nothing about speed; exits 1 if the setup fails or
# a count does not add up. Needs root. Bounded: about 5 minutes with the
# defaults (DT_LOAD_CYCLES=3); DT_LOAD_CYCLES and DT_LOAD_MESSAGES make
# it longer and steadier; DT_TIME_LIMIT (600 s) caps every wait.
# DT_LOAD_CONFIGS picks configurations (the five above by default); "alt-unix"
# and "alt-tcp" run DT_LOAD_ALT/dealtemp-milter (another build, say the
# commit before) beside this one, for an A/B comparison in one run.
# DT_LOAD_PERF=DIR records each measured run of a milter with perf
# (perf record -g -p PID) into DIR/NAME.CYCLE.data, for perf report.
# Run: DT_BUILD=build bash tests/bench/loadtest.sh
set -u

: "${DT_TIME_LIMIT:=600}"
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

dt_init postfix postconf smtp-sink timeout cc pkg-config sqlite3
[ "$(id -u)" = 0 ] || fail "loadtest.sh must run as root (private Postfix instances, smtp-sink -u nobody)"

CYCLES=${DT_LOAD_CYCLES:-3}
SESSIONS=${DT_LOAD_SESSIONS:-20}
MESSAGES=${DT_LOAD_MESSAGES:-100}
BYTES=${DT_LOAD_BYTES:-2048}
CONFIGS=${DT_LOAD_CONFIGS:-"none noop-unix noop-tcp dealtemp-unix dealtemp-tcp"}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$$-$RANDOM
PER_RUN=$((SESSIONS * MESSAGES))
TICK=$(getconf CLK_TCK)

# ---- the tools this test builds itself
BIN=$DT_TMP/bin
mkdir -p "$BIN" "$DT_TMP/lat"
CFLAGS_BENCH="-std=c11 -O2 -g -Wall -Wextra -Werror -pthread"
# shellcheck disable=SC2086,SC2046 # word splitting wanted
cc $CFLAGS_BENCH -o "$BIN/noop-milter" "$HERE/noop-milter.c" $(pkg-config --cflags --libs milter) \
    >"$DT_TMP/log/cc.log" 2>&1 || { dt_tail cc "$DT_TMP/log/cc.log"; fail "cannot build noop-milter"; }
# shellcheck disable=SC2086
cc $CFLAGS_BENCH -o "$BIN/smtp-load" "$HERE/smtp-load.c" >>"$DT_TMP/log/cc.log" 2>&1 ||
    { dt_tail cc "$DT_TMP/log/cc.log"; fail "cannot build smtp-load"; }
[ -x "$DT_MILTER_BIN" ] || fail "no $DT_MILTER_BIN: make all first"
ALT_BIN=${DT_LOAD_ALT:+$DT_LOAD_ALT/dealtemp-milter}
case " $CONFIGS " in
*" alt-"*) [ -x "$ALT_BIN" ] || fail "alt-* configurations need DT_LOAD_ALT=DIR with DIR/dealtemp-milter" ;;
esac

SINK_PORT=""
dt_free_port SINK_PORT
smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 512 >>"$DT_TMP/log/sink.log" 2>&1 &
DT_SINK_PID=$!
dt_wait_listening smtp-sink "$SINK_PORT" "$DT_SINK_PID" "$DT_TMP/log/sink.log"

DT_POSTFIX_EXTRA="in_flow_delay = 0
default_process_limit = 200"

# start_config NAME: its milter (if any) and its Postfix, as instance NAME.
start_config() {
    # (not "port": dt_free_port sets the caller's variable by name, and has a local "port")
    local name=$1 smtp_port="" mport="" spec="" pf="" conf
    dt_instance "$name"
    dt_free_port smtp_port
    case $name in
    *-tcp)
        dt_free_port mport
        spec="inet:$mport@127.0.0.1"
        pf="{ inet:127.0.0.1:$mport, default_action=accept }"
        ;;
    *-unix)
        spec="unix:$DT_TMP/milter/$name.sock"
        pf="{ unix:$DT_TMP/milter/$name.sock, default_action=accept }"
        ;;
    esac
    case $name in
    none) ;;
    noop-*)
        DT_MILTER_LOG=$DT_TMP/log/milter-$name.log
        "$BIN/noop-milter" "$spec" >>"$DT_MILTER_LOG" 2>&1 &
        DT_MILTER_PID=$!
        wait_milter "$spec"
        ;;
    dealtemp-* | alt-*)
        conf=$DT_TMP/milter/$name.conf
        {
            printf 'database = "%s";\n' "$DT_TMP/milter/$name.db"
            printf 'internal_domains = ["corp.test"];\n'
            printf 'socket_mode = "0660";\nsocket_group = "postfix";\n'
            # (an alt build may live outside the tree: its lexicons are these)
            printf 'euphoria = { lexicon_dir = "%s"; };\n' "$DT_ROOT/conf/lexicons"
        } >"$conf"
        if [ "${name%%-*}" = alt ]; then
            DT_MILTER_BIN=$ALT_BIN dt_milter_start "$spec" "$conf"
        else
            dt_milter_start "$spec" "$conf"
        fi
        ;;
    *) fail "unknown configuration $name" ;;
    esac
    dt_postfix_start "$smtp_port" "$SINK_PORT" "$pf"
}

# wait_milter SPEC: until the noop filter listens.
wait_milter() {
    local i p
    for i in $(seq 1 100); do
        case $1 in
        inet:*) p=${1#inet:} && dt_port_listening "${p%@*}" && return 0 ;;
        unix:*) [ -n "$(ss -Hlx src "${1#unix:}" 2>/dev/null)" ] && return 0 ;;
        esac
        kill -0 "$DT_MILTER_PID" 2>/dev/null || fail "noop-milter exited (see $DT_MILTER_LOG)"
        sleep 0.1
    done
    fail "noop-milter not listening on $1 after $i polls"
}

# cpu_ticks PID: utime + stime of the process (all threads), in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# status_of PID FIELD: a number from /proc/PID/status (kB for sizes).
status_of() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# drain NAME: wait until NAME's Postfix has delivered everything.
drain() {
    local i
    for i in $(seq 1 1200); do
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        dt_queue_empty && return 0
        sleep 0.1
    done
    fail "$1: the queue did not drain (after $i polls)"
}

declare -A TPUT CPU RSS HWM THREADS SENT
# measure NAME CYCLE [WARM]: one run; WARM: a short one, not recorded.
measure() {
    local name=$1 cycle=$2 warm=${3:-} c0=0 c1=0 out sessions=$SESSIONS messages=$MESSAGES
    dt_instance "$name"
    if [ -n "$warm" ]; then
        sessions=$SESSIONS messages=2
    fi
    local perf_pid=""
    if [ -n "${DT_LOAD_PERF:-}" ] && [ -z "$warm" ] && [ -n "$DT_MILTER_PID" ]; then
        mkdir -p "$DT_LOAD_PERF"
        # shellcheck disable=SC2086 # the options are words
        perf record -q ${DT_LOAD_PERF_OPTS:--g} -p "$DT_MILTER_PID" -o "$DT_LOAD_PERF/$name.$cycle.data" \
            >>"$DT_TMP/log/perf.log" 2>&1 &
        perf_pid=$!
        sleep 0.5
    fi
    [ -z "$DT_MILTER_PID" ] || c0=$(cpu_ticks "$DT_MILTER_PID")
    out=$(timeout 600 "$BIN/smtp-load" -s "$sessions" -m "$messages" -l "$BYTES" \
        -t "$RUN.$name.$cycle" -o "$DT_TMP/lat/$name.$cycle" 127.0.0.1 "$DT_SMTPD_PORT" \
        2>>"$DT_TMP/log/smtp-load.log") ||
        { dt_tail smtp-load "$DT_TMP/log/smtp-load.log"; fail "$name: smtp-load failed: $out"; }
    [ -z "$DT_MILTER_PID" ] || c1=$(cpu_ticks "$DT_MILTER_PID")
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null
        wait "$perf_pid" 2>/dev/null
    fi
    SENT[$name]=$((${SENT[$name]:-0} + sessions * messages))
    if [ -n "$DT_MILTER_PID" ]; then
        RSS[$name]=$(status_of "$DT_MILTER_PID" VmRSS)
        HWM[$name]=$(status_of "$DT_MILTER_PID" VmHWM)
        local t
        t=$(status_of "$DT_MILTER_PID" Threads)
        [ "$t" -gt "${THREADS[$name]:-0}" ] && THREADS[$name]=$t
    fi
    drain "$name"
    if [ -n "$warm" ]; then
        rm -f "$DT_TMP/lat/$name.$cycle"
        return 0
    fi
    TPUT[$name,$cycle]=$(field msgs_per_s "$out")
    CPU[$name,$cycle]=$(awk -v d=$((c1 - c0)) -v t="$TICK" -v n="$PER_RUN" \
        'BEGIN { printf "%.3f", d * 1000 / t / n }')
    printf '# cycle %d %-14s %s cpu_ms_per_msg=%s\n' "$cycle" "$name" "$out" \
        "${CPU[$name,$cycle]}" >&2
}

# counters NAME: dealtemp's counters line after SIGUSR1.
counters() {
    local before i
    dt_instance "$1"
    before=$(grep -c 'counters: seen=' "$DT_MILTER_LOG")
    kill -USR1 "$DT_MILTER_PID"
    for i in $(seq 1 50); do
        [ "$(grep -c 'counters: seen=' "$DT_MILTER_LOG")" -gt "$before" ] && break
        sleep 0.1
    done
    grep 'counters: seen=' "$DT_MILTER_LOG" | tail -n 1
}

# field NAME LINE: the value of NAME=VALUE in LINE.
field() { [[ " $2" =~ [[:space:]]$1=([^[:space:]]*) ]] && echo "${BASH_REMATCH[1]}"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
# pct P FILE...: the P-th percentile (nearest rank) of the numbers in FILEs, in ms.
pct() {
    local p=$1
    shift
    cat "$@" | sort -n | awk -v p="$p" '{ v[NR] = $1 }
        END { k = int(p / 100 * NR + 0.999999); if (k < 1) k = 1; printf "%.2f", v[k] / 1000 }'
}

t_setup=$SECONDS
for name in $CONFIGS; do
    start_config "$name"
done
for name in $CONFIGS; do
    measure "$name" 0 warm
done
dt_note "setup and warm-up: $((SECONDS - t_setup)) s"

# shellcheck disable=SC2206 # the list is ours
list=($CONFIGS)
for cycle in $(seq 1 "$CYCLES"); do
    n=${#list[@]}
    for k in $(seq 0 $((n - 1))); do
        measure "${list[$(((k + cycle - 1) % n))]}" "$cycle"
    done
done

# ---- the table
printf '\nloadtest: %d cycles x %d SMTP sessions x %d messages of %d bytes (Postfix %s, %d CPUs, %s)\n' \
    "$CYCLES" "$SESSIONS" "$MESSAGES" "$BYTES" "$(postconf -d -h mail_version)" "$(nproc)" "$(uname -r)"
printf '%-14s %8s %7s %10s %10s %8s %8s %8s %8s %7s %7s %7s\n' config msgs/s 'vs none' 'cpu ms/msg' \
    'own ms/msg' 'p50 ms' 'p99 ms' '+p50' '+p99' 'rss MB' 'peak MB' threads
none_p50=$(pct 50 "$DT_TMP"/lat/none.*) none_p99=$(pct 99 "$DT_TMP"/lat/none.*)
for name in $CONFIGS; do
    tput=$(for c in $(seq 1 "$CYCLES"); do echo "${TPUT[$name,$c]}"; done | median)
    ratio=$(for c in $(seq 1 "$CYCLES"); do
        awk -v a="${TPUT[$name,$c]}" -v b="${TPUT[none,$c]:-0}" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }'
    done | median)
    cpu=- own=- rss=- hwm=- thr=-
    if [ "$name" != none ]; then
        cpu=$(for c in $(seq 1 "$CYCLES"); do echo "${CPU[$name,$c]}"; done | median)
        rss=$(awk -v k="${RSS[$name]}" 'BEGIN { printf "%.1f", k / 1024 }')
        hwm=$(awk -v k="${HWM[$name]}" 'BEGIN { printf "%.1f", k / 1024 }')
        thr=${THREADS[$name]}
    fi
    case $name in
    dealtemp-* | alt-*)
        noop=noop-${name#*-}
        if [ -n "${CPU[$noop,1]:-}" ]; then
            own=$(for c in $(seq 1 "$CYCLES"); do
                awk -v a="${CPU[$name,$c]}" -v b="${CPU[$noop,$c]}" 'BEGIN { printf "%.3f\n", a - b }'
            done | median)
        fi
        ;;
    esac
    p50=$(pct 50 "$DT_TMP"/lat/"$name".*) p99=$(pct 99 "$DT_TMP"/lat/"$name".*)
    printf '%-14s %8.0f %7s %10s %10s %8s %8s %8s %8s %7s %7s %7s\n' "$name" "$tput" "${ratio:--}" \
        "$cpu" "$own" "$p50" "$p99" \
        "$(awk -v a="$p50" -v b="$none_p50" 'BEGIN { printf "%+.2f", a - b }')" \
        "$(awk -v a="$p99" -v b="$none_p99" 'BEGIN { printf "%+.2f", a - b }')" "$rss" "$hwm" "$thr"
done
# ---- every message seen and kept
for name in $CONFIGS; do
    case $name in dealtemp-* | alt-*) ;; *) continue ;; esac
    dt_instance "$name"
    line=$(counters "$name")
    seen=$(field seen "$line")
    errs="$(field analyze_errors "$line") $(field store_errors "$line")"
    [ "$seen" = "${SENT[$name]}" ] || fail "$name: the milter saw $seen messages, ${SENT[$name]} were sent"
    [ "$errs" = "0 0" ] || fail "$name: analyze/store errors: $errs ($line)"
    dt_milter_stop || fail "$name: the milter did not stop on SIGTERM"
    events=$(sqlite3 "$DT_TMP/milter/$name.db" 'SELECT count(*) FROM events') ||
        fail "$name: cannot count the stored messages"
    [ "$events" = "${SENT[$name]}" ] || fail "$name: $events messages stored, ${SENT[$name]} sent"
done

echo "# ${SECONDS}s in all"
