#!/bin/bash
#
# run-daemon.sh - dealtemp-milter as a daemon: start-up, privileges,
# sockets, signals, counters. Runs as root.
#
#   a) detached start returns 0 only once it serves; the pidfile holds the
#      pid of the process listening; -u nobody -> Uid/Gid in /proc are nobody's
#   b) unix socket: mode socket_mode, group socket_group; a stale socket is
#      replaced, a regular file or a live socket at that path is not; a
#      symlink swapped in while the milter starts never has its target changed
#   c) inet socket: TCP_NODELAY on the listening and on an accepted socket
#      (read from the milter's own descriptors with pidfd_getfd)
#   d) start-up failures (bad config, unknown user) exit 1 with one line
#   e) behind a private Postfix (milter in the foreground): SIGHUP with a
#      new header_prefix takes effect for the next message; a broken
#      config is refused with one log line and the old one keeps working;
#      50 messages while SIGHUP arrives 5 times all arrive with a header
#   f) SIGUSR1 logs the counters with the right numbers; `dealtemp stats`
#      shows them while the milter runs, "not running" after
#   g) SIGTERM: exit 0, pidfile and unix socket removed
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run: DT_BUILD=build bash tests/integration/run-daemon.sh (DT_KEEP=1 keeps logs).
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dt_init postfix smtp-sink swaks python3 timeout stat
[ "$(id -u)" = 0 ] || fail "run-daemon.sh must run as root (-u nobody, chown, a private Postfix)"

M=$DT_MILTER_BIN
DT=$DT_BUILD/dealtemp
D=$DT_TMP/daemon
mkdir -p "$D/run" "$D/db"
# Where the milter, once nobody, must still write: the counters, the pidfile
# and socket removal at exit.
chown nobody "$D/run" "$D/db"

# conf FILE [EXTRA...]: a minimal configuration plus extra lines.
conf() {
    local file=$1
    shift
    {
        printf 'database = "%s";\n' "$D/db/dealtemp.db"
        printf 'internal_domains = ["corp.test"];\n'
        printf '%s\n' "$@"
    } >"$file"
}

check() { # check NAME CONDITION-STATUS WHY
    if [ "$2" -eq 0 ]; then dt_ok "$1"; else dt_not_ok "$1" "$3"; fi
}

# wait_gone PID: bounded wait for a process (not our child) to end.
wait_gone() {
    local i
    for i in $(seq 1 150); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- a) b) detached, unix
SOCK=$D/run/milter.sock
PIDF=$D/run/milter.pid
conf "$D/unix.conf" 'socket_mode = "0660";' 'socket_group = "mail";'

# A stale socket: bound, then its owner went away without removing it.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
[ -S "$SOCK" ] || fail "could not make a stale socket at $SOCK"

out=$(timeout 30 "$M" -c "$D/unix.conf" -p "unix:$SOCK" -P "$PIDF" -u nobody 2>&1)
rc=$?
PID=$(cat "$PIDF" 2>/dev/null)
check "detached start returns 0" "$rc" "exit $rc: $out"
listener=$(ss -Hlxp src "$SOCK" 2>/dev/null)
case $listener in
*"pid=$PID,"*) dt_ok "the pidfile's pid ($PID) listens on the socket (stale one replaced)" ;;
*) dt_not_ok "pidfile pid listens" "pid '$PID', ss: $listener" ;;
esac
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$PID/status" 2>/dev/null)
gids=$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$PID/status" 2>/dev/null)
groups=$(awk '/^Groups:/ {$1 = ""; print}' "/proc/$PID/status" 2>/dev/null | tr -d ' ')
[ "$uids" = "65534 65534 65534 65534" ] && [ "$gids" = "65534 65534 65534 65534" ] &&
    [ "$groups" = 65534 ]
check "-u nobody: real, effective, saved uid/gid are nobody's, no other groups" $? \
    "Uid '$uids' Gid '$gids' Groups '$groups'"
st=$(stat -c '%a %G %U' "$SOCK" 2>/dev/null)
[ "$st" = "660 mail root" ]
check "unix socket mode 0660, group mail (created by root before the drop)" $? "stat: $st"

# The same socket again: refused, the running one untouched.
out=$(timeout 30 "$M" -c "$D/unix.conf" -p "unix:$SOCK" 2>&1)
rc=$?
[ "$rc" = 1 ] && [[ $out == *"another process listens on it"* ]] && kill -0 "$PID" 2>/dev/null
check "a live socket is not stolen" $? "exit $rc: $out"

kill -TERM "$PID"
if wait_gone "$PID"; then
    [ ! -e "$PIDF" ] && [ ! -e "$SOCK" ]
    check "SIGTERM (detached): pidfile and socket removed" $? "$(ls -l "$D/run")"
else
    dt_not_ok "SIGTERM (detached)" "pid $PID still running after 15 s"
    kill -KILL "$PID" 2>/dev/null
fi

# A regular file where the socket should be is an admin's mistake, not ours to delete.
echo keep >"$SOCK"
out=$(timeout 30 "$M" -c "$D/unix.conf" -p "unix:$SOCK" 2>&1)
rc=$?
[ "$rc" = 1 ] && [ "$(cat "$SOCK")" = keep ] && [[ $out == *"exists and is not a socket"* ]]
check "a regular file at the socket path: exit 1, file kept" $? "exit $rc: $out"
rm -f "$SOCK"

# A symlink to a root-owned file swapped in at the socket path, as fast as a
# loop can, while the milter starts again and again (someone who can write
# the socket's directory): the file must keep its mode, owner and group
# however the race falls, and every start either serves or fails with one
# line naming the socket.
VICTIM=$D/victim
echo secret >"$VICTIM"
chmod 0600 "$VICTIM"
before=$(stat -c '%a %U %G' "$VICTIM")
python3 - "$VICTIM" "$SOCK" <<'PY' &
# The attacker waits for the socket to appear and swaps it for the symlink.
import os, stat, sys, time
target, path = sys.argv[1], sys.argv[2]
tmp, end = path + ".swap", time.time() + 60
while time.time() < end:
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            os.symlink(target, tmp)
            os.rename(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
PY
SWAPPER=$!
served=0 refused=0 bad=""
for i in $(seq 1 20); do
    out=$(timeout 30 "$M" -c "$D/unix.conf" -p "unix:$SOCK" -P "$D/run/race.pid" 2>&1)
    if [ $? = 0 ]; then
        served=$((served + 1))
        # SIGKILL: a clean stop costs ~6 s of libmilter's, and nothing here needs one.
        rpid=$(cat "$D/run/race.pid" 2>/dev/null)
        [ -n "$rpid" ] && kill -KILL "$rpid" && wait_gone "$rpid"
        rm -f "$D/run/race.pid"
    elif [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *"$SOCK"* ]]; then
        refused=$((refused + 1))
    else
        bad="start $i: $out"
    fi
    now=$(stat -c '%a %U %G' "$VICTIM")
    [ "$now" = "$before" ] || bad="start $i: the symlink's target became '$now' (was '$before')"
    [ -z "$bad" ] || break
    rm -f "$SOCK" # the symlink the swapper left: the next start finds the path free
done
kill "$SWAPPER" 2>/dev/null
wait "$SWAPPER" 2>/dev/null
rm -f "$SOCK" "$SOCK.swap" "$D/run/race.pid"
[ -z "$bad" ] && [ "$(cat "$VICTIM")" = secret ]
check "a symlink swapped in at the socket path during 20 starts: its target untouched ($served served, $refused refused with one line)" $? "$bad"

# ---------------------------------------------------------------- d) start-up failures
conf "$D/bad.conf" 'euphoria = { warm = 7; };'
out=$(timeout 30 "$M" -c "$D/bad.conf" -p "unix:$SOCK" 2>&1)
rc=$?
[ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *"bad.conf:3: euphoria.warm"* ]] &&
    [ ! -e "$SOCK" ]
check "a broken configuration: exit 1, one line, no socket left" $? "exit $rc: $out"
out=$(timeout 30 "$M" -c "$D/unix.conf" -p "unix:$SOCK" -u no-such-user-dt 2>&1)
rc=$?
[ "$rc" = 1 ] && [[ $out == *"unknown user 'no-such-user-dt'"* ]] && [ ! -e "$SOCK" ]
check "an unknown -u user: exit 1 before anything is opened" $? "exit $rc: $out"
out=$("$M" -n -c "$D/unix.conf" -u nobody:no-such-group-dt 2>&1)
rc=$?
[ "$rc" = 1 ] && [[ $out == *"unknown group 'no-such-group-dt'"* ]]
check "-n checks the user and group too" $? "exit $rc: $out"
out=$("$M" -V)
[[ $out == "dealtemp-milter "[0-9]* ]]
check "-V prints the version" $? "$out"

# ---------------------------------------------------------------- c) TCP_NODELAY
PORT=""
dt_free_port PORT
conf "$D/inet.conf"
out=$(timeout 30 "$M" -c "$D/inet.conf" -p "inet:$PORT@127.0.0.1" -P "$PIDF" 2>&1)
rc=$?
PID=$(cat "$PIDF" 2>/dev/null)
if [ "$rc" = 0 ] && [ -n "$PID" ]; then
    # Read TCP_NODELAY off the milter's own descriptors: the listening one and,
    # while we hold a connection open, the one accept() gave it.
    out=$(timeout 20 python3 - "$PID" "$PORT" <<'PY' 2>&1
import ctypes, os, re, socket, subprocess, sys, time
pid, port = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
def nodelay(state, filt):
    for _ in range(50):
        out = subprocess.run(["ss", "-Htnp", "state", state, filt], capture_output=True, text=True).stdout
        m = re.search(r"pid=%d,fd=(\d+)" % pid, out)
        if m:
            break
        time.sleep(0.1)
    else:
        sys.exit("no %s socket of pid %d in ss: %r" % (state, pid, out))
    pidfd = os.pidfd_open(pid)
    fd = libc.syscall(438, pidfd, int(m.group(1)), 0)  # pidfd_getfd
    if fd < 0:
        sys.exit("pidfd_getfd: " + os.strerror(ctypes.get_errno()))
    s = socket.socket(fileno=fd)
    v = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    s.close()
    os.close(pidfd)
    return v
print("listening", nodelay("listening", "( sport = :%d )" % port))
c = socket.create_connection(("127.0.0.1", port))
print("accepted", nodelay("established", "( sport = :%d )" % port))
c.close()
PY
    )
    [[ $out == *"listening 1"* ]] && [[ $out == *"accepted 1"* ]]
    check "inet socket: TCP_NODELAY on the listener and on accepted connections" $? "$out"
    kill -TERM "$PID"
    wait_gone "$PID" || { kill -KILL "$PID"; dt_not_ok "inet milter stops on SIGTERM" "still running"; }
else
    dt_not_ok "inet milter starts detached" "exit $rc: $out"
fi

# ---------------------------------------------------------------- e) reload behind Postfix
SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT
RUN=$$-$RANDOM
CONF=$D/live.conf
conf "$D/deal.conf" "pidfile = \"$PIDF\";"
conf "$D/test.conf" "pidfile = \"$PIDF\";" 'header_prefix = "X-Test-";'
conf "$D/broken.conf" 'euphoria = { warm = 7; };' 'header_prefix = "X-Broken-";' # line 3 is wrong
cp "$D/deal.conf" "$CONF"

dt_sink_start "$SINK_PORT"
dt_milter_start "inet:$MILTER_PORT@127.0.0.1" "$CONF"
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "{ inet:127.0.0.1:$MILTER_PORT, default_action=accept }"
MPID=$DT_MILTER_PID

SENT=0
# send TOKEN: one euphoric outbound message by SMTP; echoes the delivered file.
send() {
    local f=$DT_TMP/msg/$1.eml
    {
        printf 'From: Alex Rep <rep@corp.test>\nTo: Sam Buyer <buyer@customer.example>\n'
        printf 'Subject: Great call!!!\nMessage-ID: <%s@corp.test>\n' "$1"
        printf 'Date: %s\n\n' "$(LC_ALL=C date -R)"
        printf 'AMAZING call today!!! We are SO excited, best meeting ever, fantastic, incredible!!!\n'
        printf 'Absolutely thrilled, this is HUGE, a dream deal, cannot wait to sign!!! Alex\n'
    } | sed 's/$/\r/' >"$f"
    dt_swaks rep@corp.test buyer@customer.example "$f" >/dev/null || return 1
    SENT=$((SENT + 1))
}

# prefixes FILE: the euphoria fields' names in a delivered copy, one line.
prefixes() { dt_headers_of "$1" | grep -o -i '^X-[A-Za-z-]*Euphoria' | tr '\n' ' '; }

send "dt-r0-$RUN" && f=$(dt_wait_delivery "dt-r0-$RUN")
check "before reload: X-Deal-Euphoria" $? "not delivered"
[ "$(prefixes "$f")" = "X-Deal-Euphoria " ]
check "before reload: only X-Deal-Euphoria" $? "$(prefixes "$f")"

cp "$D/test.conf" "$CONF"
kill -HUP "$MPID"
for _ in $(seq 1 50); do grep -q "reloaded $CONF" "$DT_MILTER_LOG" && break; sleep 0.1; done
send "dt-r1-$RUN" && f=$(dt_wait_delivery "dt-r1-$RUN")
[ -n "${f:-}" ] && [ "$(prefixes "$f")" = "X-Test-Euphoria " ]
check "SIGHUP: the new header_prefix holds for the next message" $? "$(prefixes "${f:-/dev/null}")"

cp "$D/broken.conf" "$CONF"
before=$(grep -c 'reload refused' "$DT_MILTER_LOG")
kill -HUP "$MPID"
for _ in $(seq 1 50); do [ "$(grep -c 'reload refused' "$DT_MILTER_LOG")" -gt "$before" ] && break; sleep 0.1; done
refused=$(grep 'reload refused' "$DT_MILTER_LOG")
[ "$(printf '%s\n' "$refused" | grep -c .)" = 1 ] &&
    [[ $refused == *"reload refused: $CONF:3: euphoria.warm: must be greater than 0 and less than 1; keeping the running configuration" ]]
check "a broken config is refused with one log line naming file:line" $? "log: $refused"
send "dt-r2-$RUN" && f=$(dt_wait_delivery "dt-r2-$RUN")
[ -n "${f:-}" ] && [ "$(prefixes "$f")" = "X-Test-Euphoria " ] && kill -0 "$MPID"
check "after the refused reload the running config still works" $? "$(prefixes "${f:-/dev/null}")"

# Reload under traffic: 50 messages, SIGHUP 5 times, alternating prefixes.
(
    for i in 1 2 3 4 5; do
        sleep 0.7
        if [ $((i % 2)) = 1 ]; then cp "$D/deal.conf" "$CONF.tmp"; else cp "$D/test.conf" "$CONF.tmp"; fi
        mv "$CONF.tmp" "$CONF"
        kill -HUP "$MPID"
    done
) &
HUPPER=$!
for i in $(seq 1 50); do
    send "dt-t$i-$RUN" || dt_note "swaks failed for message $i"
done
wait "$HUPPER"
bad=""
for i in $(seq 1 50); do
    f=$(dt_wait_delivery "dt-t$i-$RUN" 30) || { bad="$bad $i:undelivered"; continue; }
    case $(prefixes "$f") in
    "X-Deal-Euphoria " | "X-Test-Euphoria ") ;;
    *) bad="$bad $i:'$(prefixes "$f")'" ;;
    esac
done
[ -z "$bad" ]
check "50 messages during 5 reloads: all delivered, each with one euphoria header" $? "$bad"
reloads=$(grep -c "reloaded $CONF" "$DT_MILTER_LOG")
[ "$reloads" = 6 ]
check "every SIGHUP reloaded (1 + 5), none stopped the milter" $? "$reloads reloads; alive: $(kill -0 "$MPID" && echo yes)"

# ---------------------------------------------------------------- f) counters
kill -USR1 "$MPID"
for _ in $(seq 1 50); do grep -q 'counters: ' "$DT_MILTER_LOG" && break; sleep 0.1; done
line=$(grep 'counters: ' "$DT_MILTER_LOG" | tail -n 1)
want="seen=$SENT outbound=$SENT inbound=0 internal=0 ignored=0 calm=0 warm=0 euphoric=$SENT analyze_errors=0 store_errors=0"
[[ $line == *"counters: $want headers="* ]] && [ "$SENT" = 53 ]
check "SIGUSR1 logs the counters ($SENT messages)" $? "got '$line', want '$want'"
stats=$("$DT" stats -c "$CONF" 2>&1)
printf '%s\n' "$stats" | grep -q '^milter: running$' &&
    printf '%s\n' "$stats" | grep -q "^  seen  *$SENT$" &&
    printf '%s\n' "$stats" | grep -q "^  pid  *$MPID$"
check "dealtemp stats shows the running milter's counters" $? "$stats"

# ---------------------------------------------------------------- g) SIGTERM
dt_milter_stop
[ "$DT_MILTER_EXIT" = 0 ] && [ ! -e "$PIDF" ]
check "SIGTERM (foreground): exit 0, pidfile removed" $? "exit $DT_MILTER_EXIT, $(ls "$D/run")"
stats=$("$DT" stats -c "$CONF" 2>&1)
printf '%s\n' "$stats" | grep -q '^milter: not running$'
check "dealtemp stats says the milter is not running after it stopped" $? "$(printf '%s\n' "$stats" | tail -n 3)"

if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_MILTER_LOG"; then
    dt_not_ok "milter log has no sanitizer report" "$(grep -m1 -E 'Sanitizer|runtime error:' "$DT_MILTER_LOG")"
else
    dt_ok "milter log has no sanitizer report"
fi

echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
[ "$DT_FAILED" -eq 0 ] || exit 1
exit 0
