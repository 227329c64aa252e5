#!/bin/bash
#
# run-pg-diskfull.sh - PostgreSQL's disk fills up under dealtemp: nothing is
# lost, and the errors say so in one line.
#
# The database lives in a tablespace on a 3 MB tmpfs of its own (needs
# root: mount). Then:
#   - a filler file takes every byte left;
#   - dealtemp-milter passes three messages with X-Deal-Euphoria
#     (miltertest checks them) and spools their facts (the log says so;
#     SIGUSR1 counts spooled=3, store=down);
#   - `dealtemp import` of 6,000 messages stops with one line naming the
#     database and PostgreSQL's reason (exit 1);
#   - the filler goes and the tmpfs grows to 64 MB: the milter replays the spool by itself
#     ("database back ... 3 spooled messages replayed"), and a rerun of
#     the import completes with exact counts (imported + duplicates = the
#     messages of the mbox; the events table holds every one exactly once).
# Runs inside the PostgreSQL of `make check` (tests/integration/with-pg.sh
# exports DT_TEST_PG_ADMIN_URL); without it, it fails naming the command.
# Run: bash tests/integration/with-pg.sh bash tests/integration/run-pg-diskfull.sh
set -u

# shellcheck source=tests/integration/pg-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"

dt_init miltertest timeout python3 sqlite3 mount umount
[ "$(id -u)" = 0 ] || fail "run-pg-diskfull.sh needs root (it mounts a small tmpfs)"
[ -n "${DT_TEST_PG_ADMIN_URL:-}" ] ||
    fail "no PostgreSQL: run it as 'bash tests/integration/with-pg.sh bash $0' (make check does)"
DT=$DT_BUILD/dealtemp
PSQL="$DT_TEST_PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1"
N=6000
DB=dt_full_$$
TS=dt_full_ts_$$
MNT=$DT_TMP/ts

cleanup_full() {
    $PSQL -d "$DT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
    $PSQL -d "$DT_TEST_PG_ADMIN_URL" -c "DROP TABLESPACE IF EXISTS $TS" >/dev/null 2>&1
    mountpoint -q "$MNT" && umount "$MNT"
}
trap 'cleanup_full; dt_cleanup' EXIT

mkdir -p "$MNT"
mount -t tmpfs -o size=3m,mode=0700 tmpfs "$MNT" || fail "cannot mount a tmpfs on $MNT"
chown "$DT_TEST_PG_USER" "$MNT"
$PSQL -d "$DT_TEST_PG_ADMIN_URL" -c "CREATE TABLESPACE $TS LOCATION '$MNT'" \
    -c "CREATE DATABASE $DB TABLESPACE $TS" || fail "cannot make the database on the tmpfs"
URL="postgresql://${DT_TEST_PG_URL#postgresql://}"
URL="${URL%/*}/$DB"
CONF=$DT_TMP/full.conf
cat >"$CONF" <<EOF
database = "$URL";
internal_domains = ["corp.test"];
store = { spool = "$DT_TMP/spool.db"; };
EOF
"$DT" migrate -c "$CONF" >/dev/null || fail "dealtemp migrate failed"

# N outbound messages, each a thread of its own with a long subject (the
# threads table fills the disk fastest).
python3 - "$DT_TMP/many.mbox" "$N" <<'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        f.write("From ann@corp.test Mon Nov 16 10:00:00 2026\n")
        f.write("From: Ann <ann@corp.test>\nTo: buyer%d@customer.test\n" % i)
        f.write("Subject: Proposal %d %s\n" % (i, "for the northern warehouse rollout " * 12))
        f.write("Date: Mon, 16 Nov 2026 10:%02d:%02d +0000\n" % (i // 60 % 60, i % 60))
        f.write("Message-ID: <full-%d@corp.test>\n\n" % i)
        f.write("Hello, this is AMAZING news, we can't wait to start!!!\n\n")
EOF

# Every byte left goes to a filler file: the first insert has nowhere to go.
dd if=/dev/zero of="$MNT/filler" bs=16k >/dev/null 2>&1

# The milter on the full database: mail passes with its header, facts spooled.
PORT=""
dt_free_port PORT
dt_milter_start "inet:$PORT@127.0.0.1" "$CONF"
timeout 60 miltertest -s "$DT_ROOT/tests/integration/milter.lua" -D "spec=inet:$PORT@127.0.0.1" \
    -D "libdir=$DT_ROOT/tests/integration" >"$DT_TMP/log/mt.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q '^not ok' "$DT_TMP/log/mt.log"; then
    dt_ok "three messages pass with X-Deal-Euphoria while the disk is full (miltertest)"
else
    dt_not_ok "mail passes on a full disk" "miltertest exit $rc: $(grep -m3 'not ok' "$DT_TMP/log/mt.log")"
fi
spooled=$(grep -c '(facts spooled: database away)' "$DT_MILTER_LOG")
unreachable=$(grep -c 'store: database unreachable' "$DT_MILTER_LOG")
if [ "$spooled" -eq 3 ] && [ "$unreachable" -eq 1 ]; then
    dt_ok "each message's facts spooled, one outage line in the log"
else
    dt_not_ok "spooled on a full disk" "spooled lines $spooled, outage lines $unreachable"
fi
kill -USR1 "$DT_MILTER_PID"
for _ in $(seq 1 50); do grep -q 'counters:.*spooled=' "$DT_MILTER_LOG" && break; sleep 0.1; done
if grep 'counters:' "$DT_MILTER_LOG" | tail -1 | grep -q 'spooled=3 replayed=0 spool_pending=3 .*store=down'; then
    dt_ok "SIGUSR1: spooled=3 replayed=0 spool_pending=3 store=down"
else
    dt_not_ok "SIGUSR1 counters while full" "$(grep 'counters:' "$DT_MILTER_LOG" | tail -1)"
fi

"$DT" import -c "$CONF" --mbox "$DT_TMP/many.mbox" >"$DT_TMP/import1.out" 2>"$DT_TMP/import1.err"
rc=$?
err_lines=$(wc -l <"$DT_TMP/import1.err")
if [ $rc -eq 1 ] && [ "$err_lines" -eq 1 ] && grep -q "$DB" "$DT_TMP/import1.err" &&
    grep -qi 'no space left on device\|could not extend' "$DT_TMP/import1.err"; then
    dt_ok "import on a full disk: exit 1, one line naming the database and the reason"
else
    dt_not_ok "import on a full disk" "exit $rc, $err_lines lines: $(head -c 400 "$DT_TMP/import1.err")"
fi
kept=0
# Room again: the milter replays by itself, the import reruns to the end.
rm -f "$MNT/filler"
mount -o remount,size=64m "$MNT" || fail "cannot grow the tmpfs"
back=""
for _ in $(seq 1 200); do
    back=$(grep 'store: database back' "$DT_MILTER_LOG") && break
    sleep 0.1
done
if echo "$back" | grep -q '3 spooled messages replayed in order'; then
    dt_ok "the milter replays the spool when there is room: ${back#*notice: }"
else
    dt_not_ok "replay after the disk full" "no 'database back' line within 20 s"
fi
left=$(sqlite3 "$DT_TMP/spool.db" "SELECT count(*) FROM spool")
[ "$left" = 0 ] && dt_ok "the spool is empty" || dt_not_ok "spool empty" "$left entries left"
dt_milter_stop

"$DT" import -c "$CONF" --mbox "$DT_TMP/many.mbox" >"$DT_TMP/import2.out" 2>"$DT_TMP/import2.err"
rc=$?
line=$(cat "$DT_TMP/import2.out")
imported=$(sed -n 's/.*messages: \([0-9]*\) imported, \([0-9]*\) duplicates.*/\1/p' <<<"$line")
dups=$(sed -n 's/.*messages: \([0-9]*\) imported, \([0-9]*\) duplicates.*/\2/p' <<<"$line")
if [ $rc -eq 0 ] && [ -n "$imported" ] && [ $((imported + dups)) -eq $N ] && [ "$dups" -eq "$kept" ]; then
    dt_ok "rerun completes: $imported imported + $dups duplicates = $N"
else
    dt_not_ok "rerun of the import" "exit $rc: $line $(cat "$DT_TMP/import2.err")"
fi
total=$($PSQL -d "$URL" -c "SELECT count(*), count(DISTINCT msgid) FROM events")
if [ "$total" = "$((N + 3))|$((N + 3))" ]; then
    dt_ok "events: $N imported + 3 from the milter, each exactly once"
else
    dt_not_ok "events after the rerun" "count|distinct = $total, expected $((N + 3))|$((N + 3))"
fi

dt_finish
