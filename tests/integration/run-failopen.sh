#!/bin/bash
#
# run-failopen.sh - dealtemp fails open: whatever breaks inside the milter or
# under it, mail is delivered. A private Postfix configured as README.md says
# (smtpd_milters = { inet:127.0.0.1:PORT, default_action=accept }), with the
# global milter_default_action at Debian's tempfail, so only the per-milter
# setting the README documents can be what lets mail through. Runs as root.
#
#   a) the milter killed with -9 while a client streams a message body in an
#      SMTP session whose envelope it already saw: that message and the next
#      one in the same session are delivered (without headers), so is mail in
#      a new session while it is down; restarted, it adds headers again
#   b) the database unwritable (directory 0500, milter -u nobody), a
#      directory where the database file should be, locked by another
#      process (BEGIN EXCLUSIVE for longer than the 5 s busy timeout), on a
#      full disk (a 256 KiB tmpfs filled up): 10 messages each pass WITH
#      X-Deal-Euphoria (no X-Deal-Thread), the counters show 10 store errors,
#      the log has one store error line (at most one a minute); a locked
#      database costs ~5 s per message, far from Postfix's milter timeouts
#   c) a 20 MB message passes with its header well inside Postfix's
#      milter_content_timeout, and the milter logs the body cut at scan_limit
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run: DT_BUILD=build bash tests/integration/run-failopen.sh (DT_KEEP=1 keeps logs).
set -u

: "${DT_TIME_LIMIT:=240}"
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dt_init postfix postconf smtp-sink swaks python3 timeout mount umount
[ "$(id -u)" = 0 ] || fail "run-failopen.sh must run as root (a private Postfix, -u nobody, mount tmpfs)"

RUN=$$-$RANDOM
MSG=$DT_TMP/msg
FULL=$DT_TMP/full
LOCK_PID=""

# Unmount the tmpfs before lib.sh's cleanup removes $DT_TMP (the milter,
# which may hold the database there open, is stopped first).
# shellcheck disable=SC2317 # run by the EXIT trap
failopen_cleanup() {
    local rc=$?
    [ -n "$LOCK_PID" ] && kill "$LOCK_PID" 2>/dev/null
    dt_milter_stop >/dev/null 2>&1
    if mountpoint -q "$FULL" 2>/dev/null; then
        umount "$FULL" 2>/dev/null || umount -l "$FULL" 2>/dev/null
    fi
    (exit "$rc")
    dt_cleanup
}
trap failopen_cleanup EXIT

SINK_PORT="" DT_SMTPD_PORT="" MILTER_PORT=""
dt_free_port SINK_PORT
dt_free_port DT_SMTPD_PORT
dt_free_port MILTER_PORT

check() { # check NAME STATUS WHY
    if [ "$2" -eq 0 ]; then dt_ok "$1"; else dt_not_ok "$1" "$3"; fi
}

# conf FILE DATABASE: the smallest configuration.
conf() {
    printf 'database = "%s";\ninternal_domains = ["corp.test"];\n' "$2" >"$1"
}

# milter_run NAME CONF [ARGS...]: dealtemp-milter in the foreground on
# MILTER_PORT with its own log; dt_milter_stop ends it.
milter_run() {
    local name=$1 cf=$2
    shift 2
    DT_MILTER_LOG=$DT_TMP/log/milter-$name.log
    "$DT_MILTER_BIN" -f -c "$cf" -p "inet:$MILTER_PORT@127.0.0.1" "$@" >>"$DT_MILTER_LOG" 2>&1 &
    DT_MILTER_PID=$!
    dt_wait_listening dealtemp-milter "$MILTER_PORT" "$DT_MILTER_PID" "$DT_MILTER_LOG"
}

# euphoric TOKEN: an outbound euphoric message (CRLF), path on stdout.
euphoric() {
    local f=$MSG/$1.eml
    {
        printf 'From: Alex Rep <rep@corp.test>\nTo: Sam Buyer <buyer@customer.example>\n'
        printf 'Subject: Great call %s!!!\nMessage-ID: <%s@corp.test>\n' "$1" "$1"
        printf 'Date: %s\n\n' "$(LC_ALL=C date -R)"
        printf 'AMAZING call today!!! We are SO excited, best meeting ever, fantastic, incredible!!!\n'
        printf 'Absolutely thrilled, this is HUGE, a dream deal, cannot wait to sign!!! Alex\n'
    } | sed 's/$/\r/' >"$f"
    echo "$f"
}

# send TOKEN: one euphoric message by SMTP; its wall time in ms goes to
# $MSG/TOKEN.ms. Returns swaks's status.
send() {
    local f t0 rc
    f=$(euphoric "$1")
    t0=${EPOCHREALTIME/./}
    dt_swaks rep@corp.test buyer@customer.example "$f" >"$DT_TMP/log/swaks-$1.log" 2>&1
    rc=$?
    echo $(((${EPOCHREALTIME/./} - t0) / 1000)) >"$MSG/$1.ms"
    return "$rc"
}

# fields FILE NAME: how many NAME fields the header block of FILE has.
fields() { dt_headers_of "$1" | grep -c -i "^$2:"; }

# counters: ask the running milter for its counters (SIGUSR1), echo the line.
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

dt_sink_start "$SINK_PORT"
milter_run a "$(dt_milter_config)"
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT" "{ inet:127.0.0.1:$MILTER_PORT, default_action=accept }"
# Debian's default for every milter without its own default_action.
postconf -c "$DT_PF_ETC" -e milter_default_action=tempfail
postfix -c "$DT_PF_ETC" reload >>"$DT_TMP/log/postfix-cmd.log" 2>&1 || fail "postfix reload failed"
for _ in $(seq 1 50); do grep -q 'reload -- version' "$DT_MAILLOG" && break; sleep 0.1; done
grep -q 'reload -- version' "$DT_MAILLOG" || fail "postfix never logged the reload"
sleep 0.5 # smtpd processes from before the reload exit once idle
dt_note "sink :$SINK_PORT, smtpd :$DT_SMTPD_PORT, milter :$MILTER_PORT, tmp $DT_TMP"

# ---------------------------------------------------------------- a) kill -9
# The client: EHLO, MAIL, RCPT, DATA, the start of a 4 MB body; then, with the
# milter holding a live connection for this session, kill -9 it, wait until
# it no longer listens, send the rest of the body and the end of data. A
# second message follows in the same session.
TOK_K1=dt-k1-$RUN TOK_K2=dt-k2-$RUN TOK_K3=dt-k3-$RUN TOK_K4=dt-k4-$RUN
# Out of the job table, so bash does not report the kill as "Killed".
KILLED_PID=$DT_MILTER_PID
disown "$KILLED_PID"
out=$(timeout 120 python3 - "$DT_SMTPD_PORT" "$MILTER_PORT" "$KILLED_PID" "$TOK_K1" "$TOK_K2" <<'PY' 2>&1
import os, socket, subprocess, sys, time
smtpd, mport, mpid, tok1, tok2 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
s = socket.create_connection(("127.0.0.1", smtpd), timeout=90)
rf = s.makefile("rb")
def reply():
    lines = []
    while True:
        line = rf.readline()
        if not line:
            sys.exit("connection closed by smtpd")
        lines.append(line.decode(errors="replace").rstrip())
        if line[3:4] != b"-":
            return int(line[:3]), " | ".join(lines)
def cmd(line, want):
    s.sendall(line.encode() + b"\r\n")
    code, text = reply()
    if code != want:
        sys.exit("%s -> %s" % (line, text))
def head(tok):
    return ("From: Alex Rep <rep@corp.test>\r\nTo: Sam Buyer <buyer@customer.example>\r\n"
            "Subject: Great call!!!\r\nMessage-ID: <%s@corp.test>\r\n\r\n"
            "AMAZING call today!!! We are SO excited, best meeting ever, fantastic, incredible!!!\r\n"
            "Absolutely thrilled, this is HUGE, a dream deal, cannot wait to sign!!! Alex\r\n" % tok).encode()
filler = b"".join(b"Appendix line %06d: figures for the quarter, nothing else to read.\r\n" % i
                  for i in range(60000))
def envelope():
    cmd("MAIL FROM:<rep@corp.test>", 250)
    cmd("RCPT TO:<buyer@customer.example>", 250)
    cmd("DATA", 354)
code, text = reply()
if code != 220:
    sys.exit("banner " + text)
cmd("EHLO client.test", 250)
envelope()
s.sendall(head(tok1) + filler[:1 << 20])
est = len(subprocess.run(["ss", "-Htn", "state", "established", "( sport = :%d )" % mport],
                         capture_output=True, text=True).stdout.split("\n")) - 1
os.kill(mpid, 9)
for _ in range(100):
    if not subprocess.run(["ss", "-Hltn", "( sport = :%d )" % mport], capture_output=True, text=True).stdout.strip():
        break
    time.sleep(0.05)
else:
    sys.exit("milter still listening after kill -9")
print("killed with %d milter connection(s) established" % est)
s.sendall(filler[1 << 20:] + b".\r\n")
print("eod1 %d %s" % reply())
envelope()
s.sendall(head(tok2) + b".\r\n")
print("eod2 %d %s" % reply())
cmd("QUIT", 221)
PY
)
rc=$?
DT_MILTER_PID=""
dt_note "client: $(printf '%s' "$out" | tr '\n' ';')"
[ "$rc" = 0 ] && [[ $out == *"killed with "[1-9]*" milter connection"* ]]
check "a) milter killed -9 mid-body while holding this session's milter connection" $? "client exit $rc: $out"
[[ $out == *"eod1 250 "* ]] && [[ $out == *"eod2 250 "* ]]
check "a) smtpd accepts the message in flight and the next one in the same session (250)" $? "$out"
for tok in "$TOK_K1" "$TOK_K2"; do
    if f=$(dt_wait_delivery "$tok" 60); then
        n=$(fields "$f" X-Deal-Euphoria)
        [ "$n" = 0 ] && [ "$(stat -c %s "$f")" -gt 0 ]
        check "a) $tok delivered without headers" $? "$n X-Deal-Euphoria"
    else
        dt_not_ok "a) $tok delivered" "not delivered"
    fi
done
grep -q "milter inet:127.0.0.1:$MILTER_PORT" "$DT_MAILLOG"
check "a) Postfix logged the milter failure" $? "no warning about the milter in the maillog"
send "$TOK_K3" && f=$(dt_wait_delivery "$TOK_K3" 60) && [ "$(fields "$f" X-Deal-Euphoria)" = 0 ]
check "a) a new session with the milter down: delivered without headers" $? "swaks or delivery failed"
milter_run a2 "$(dt_milter_config)"
send "$TOK_K4" && f=$(dt_wait_delivery "$TOK_K4" 60) && [ "$(fields "$f" X-Deal-Euphoria)" = 1 ]
check "a) restarted milter: the next message has X-Deal-Euphoria again" $? "swaks or delivery failed"
dt_milter_stop

# ---------------------------------------------------------------- b) store trouble
# store_case NAME PARALLEL: send 10 messages (PARALLEL=1: all at once), then
# check each was delivered with X-Deal-Euphoria and without X-Deal-Thread,
# the counters say 10 store errors, the log has one store error a minute.
store_case() {
    local name=$1 parallel=$2 i tok f bad="" t0 secs line lines allowed pids=""
    t0=$SECONDS
    for i in $(seq 1 10); do
        tok=dt-$name$i-$RUN
        if [ "$parallel" = 1 ]; then
            send "$tok" &
            pids="$pids $!"
        else
            send "$tok" || bad="$bad $i:swaks"
        fi
    done
    for i in $pids; do wait "$i" || bad="$bad swaks-pid$i"; done
    for i in $(seq 1 10); do
        tok=dt-$name$i-$RUN
        if ! f=$(dt_wait_delivery "$tok" 60); then
            bad="$bad $i:undelivered"
        elif [ "$(fields "$f" X-Deal-Euphoria)" != 1 ] || [ "$(fields "$f" X-Deal-Thread)" != 0 ]; then
            bad="$bad $i:euphoria=$(fields "$f" X-Deal-Euphoria),thread=$(fields "$f" X-Deal-Thread)"
        fi
    done
    [ -z "$bad" ]
    check "b) $name: 10 messages delivered with X-Deal-Euphoria, without X-Deal-Thread" $? "$bad"
    line=$(counters)
    [[ $line == *" store_errors=10 "* ]]
    check "b) $name: the counters count 10 store errors" $? "'$line'"
    secs=$((SECONDS - t0))
    lines=$(grep -c ': store: ' "$DT_MILTER_LOG")
    allowed=$((1 + secs / 60))
    [ "$lines" -ge 1 ] && [ "$lines" -le "$allowed" ]
    check "b) $name: $lines store error line(s) logged for 10 failures in ${secs}s" $? \
        "expected 1..$allowed: $(grep ': store: ' "$DT_MILTER_LOG" | head -n 3 | tr '\n' ' ')"
    dt_note "$name: $(grep -m 1 ': store: ' "$DT_MILTER_LOG")"
}

# b1) unwritable: a 0500 directory owned by the unprivileged milter.
mkdir -p "$DT_TMP/ro"
chown nobody "$DT_TMP/ro"
chmod 0500 "$DT_TMP/ro"
conf "$DT_TMP/ro.conf" "$DT_TMP/ro/dealtemp.db"
milter_run unwritable "$DT_TMP/ro.conf" -u nobody
store_case unwritable 0
dt_milter_stop

# b2) a directory where the database file should be (root ignores modes).
mkdir -p "$DT_TMP/isdir/dealtemp.db"
conf "$DT_TMP/isdir.conf" "$DT_TMP/isdir/dealtemp.db"
milter_run isdir "$DT_TMP/isdir.conf"
store_case isdir 0
dt_milter_stop

# b3) locked: the database exists (one message stored), then another
# process holds BEGIN EXCLUSIVE for the whole run of 10 messages, sent at
# once so their 5 s busy waits overlap.
mkdir -p "$DT_TMP/locked"
conf "$DT_TMP/locked.conf" "$DT_TMP/locked/dealtemp.db"
milter_run locked "$DT_TMP/locked.conf"
tok=dt-lk0-$RUN
send "$tok" && f=$(dt_wait_delivery "$tok" 60) && [ "$(fields "$f" X-Deal-Thread)" = 1 ]
check "b) locked: before the lock the message is stored (X-Deal-Thread)" $? "not delivered or no thread"
python3 - "$DT_TMP/locked/dealtemp.db" "$DT_TMP/locked/held" "$DT_TMP/locked/release" <<'PY' &
import os, sqlite3, sys, time
db, held, release = sys.argv[1:4]
con = sqlite3.connect(db, isolation_level=None, timeout=10)
con.execute("BEGIN EXCLUSIVE")
open(held, "w").close()
deadline = time.time() + 150
while not os.path.exists(release) and time.time() < deadline:
    time.sleep(0.1)
con.execute("ROLLBACK")
PY
LOCK_PID=$!
for _ in $(seq 1 100); do [ -e "$DT_TMP/locked/held" ] && break; sleep 0.1; done
[ -e "$DT_TMP/locked/held" ] || fail "the lock holder never took BEGIN EXCLUSIVE"
store_case locked 1
ms=$(cat "$MSG"/dt-locked[0-9]*-"$RUN".ms | sort -n | tr '\n' ' ')
slowest=${ms% }
slowest=${slowest##* }
fastest=${ms%% *}
dt_note "locked: SMTP transaction times (ms): $ms"
[ "$fastest" -ge 4000 ] && [ "$slowest" -lt 20000 ]
check "b) locked: each message waits the 5 s busy timeout (${fastest}..${slowest} ms), far below milter_command_timeout 30 s" $? \
    "times $ms"
if grep -i 'milter' "$DT_MAILLOG" | grep -q -i 'timeout'; then
    dt_not_ok "b) locked: no Postfix milter timeout" "$(grep -i milter "$DT_MAILLOG" | grep -i -m 1 timeout)"
else
    dt_ok "b) locked: no Postfix milter timeout"
fi
touch "$DT_TMP/locked/release"
wait "$LOCK_PID"
LOCK_PID=""
tok=dt-lk11-$RUN
send "$tok" && f=$(dt_wait_delivery "$tok" 60) && [ "$(fields "$f" X-Deal-Thread)" = 1 ]
check "b) locked: once released, the next message is stored again" $? "no X-Deal-Thread"
dt_milter_stop

# b4) full disk: a 256 KiB tmpfs; the database is made (one message stored),
# then the file system is filled to the last page.
mkdir -p "$FULL"
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$FULL" || fail "mount -t tmpfs on $FULL failed"
conf "$DT_TMP/full.conf" "$FULL/dealtemp.db"
milter_run full "$DT_TMP/full.conf"
tok=dt-fu0-$RUN
send "$tok" && f=$(dt_wait_delivery "$tok" 60) && [ "$(fields "$f" X-Deal-Thread)" = 1 ]
check "b) full disk: before it fills, the message is stored (X-Deal-Thread)" $? "not delivered or no thread"
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
dd if=/dev/zero of="$FULL/filler2" bs=512 2>/dev/null
avail=$(df --output=avail -B1 "$FULL" | tail -n 1 | tr -d ' ')
[ "$avail" = 0 ] || fail "could not fill $FULL ($avail bytes left)"
store_case full 0
rm -f "$FULL/filler" "$FULL/filler2"
tok=dt-fu11-$RUN
send "$tok" && f=$(dt_wait_delivery "$tok" 60) && [ "$(fields "$f" X-Deal-Thread)" = 1 ]
check "b) full disk: once space is back, the next message is stored again" $? "no X-Deal-Thread"
dt_milter_stop
umount "$FULL" || fail "umount $FULL failed"

# ---------------------------------------------------------------- c) 20 MB
milter_run big "$(dt_milter_config)"
TOK_E=dt-e-$RUN
{
    printf 'From: Alex Rep <rep@corp.test>\nTo: Sam Buyer <buyer@customer.example>\n'
    printf 'Subject: The data room export\nDate: %s\n' "$(LC_ALL=C date -R)"
    printf 'Message-ID: <%s@corp.test>\nMIME-Version: 1.0\n' "$TOK_E"
    printf 'Content-Type: multipart/mixed; boundary="dt-%s"\n\n' "$RUN"
    printf -- '--dt-%s\nContent-Type: text/plain; charset=utf-8\n\n' "$RUN"
    printf 'AMAZING news Sam!!! The export is attached, SO excited, best data ever, incredible!!! Alex\n\n'
    printf -- '--dt-%s\nContent-Type: application/octet-stream; name="export.bin"\n' "$RUN"
    printf 'Content-Transfer-Encoding: base64\n\n'
    head -c 15400000 /dev/urandom | base64 -w 76
    printf -- '--dt-%s--\n' "$RUN"
} | sed 's/$/\r/' >"$MSG/$TOK_E.eml"
size=$(stat -c %s "$MSG/$TOK_E.eml")
t0=${EPOCHREALTIME/./}
dt_swaks rep@corp.test buyer@customer.example "$MSG/$TOK_E.eml" >"$DT_TMP/log/swaks-big.log" 2>&1
rc=$?
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
content_timeout=$(postconf -c "$DT_PF_ETC" -h milter_content_timeout)
limit_ms=$((${content_timeout%s} * 1000 / 5))
[ "$rc" = 0 ] && [ "$ms" -lt "$limit_ms" ]
check "c) a $((size / 1000000)) MB message is accepted in $ms ms (limit $limit_ms ms, a fifth of milter_content_timeout $content_timeout)" $? \
    "swaks exit $rc: $(tail -n 3 "$DT_TMP/log/swaks-big.log" | tr '\n' ' ')"
if f=$(dt_wait_delivery "$TOK_E" 90); then
    [ "$(fields "$f" X-Deal-Euphoria)" = 1 ]
    check "c) the 20 MB message is delivered with X-Deal-Euphoria" $? "$(dt_headers_of "$f" | grep -i '^X-Deal')"
else
    dt_not_ok "c) the 20 MB message is delivered" "not delivered"
fi
qid=$(sed -n "s/.* \([0-9A-F]\{6,\}\): message-id=<${TOK_E}@corp.test>.*/\1/p" "$DT_MAILLOG" | head -n 1)
grep -q "${qid:-NO-QID}: outbound .*(body cut at scan_limit)" "$DT_MILTER_LOG"
check "c) the milter logs the body cut at scan_limit for $qid" $? "$(grep "${qid:-NO-QID}" "$DT_MILTER_LOG")"
dt_milter_stop

if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_TMP"/log/milter-*.log; then
    dt_not_ok "milter logs have no sanitizer report" "$(grep -h -m1 -E 'Sanitizer|runtime error:' "$DT_TMP"/log/milter-*.log)"
else
    dt_ok "milter logs have no sanitizer report"
fi

echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
if [ "$DT_FAILED" -ne 0 ]; then
    dt_tail "postfix maillog" "$DT_MAILLOG" 30
    exit 1
fi
exit 0
