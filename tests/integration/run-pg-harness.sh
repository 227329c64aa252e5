#!/bin/bash
#
# run-pg-harness.sh - the private PostgreSQL of tests/integration/pg-lib.sh
# and with-pg.sh, which make check runs every test inside.
#
#   a) dt_pg_start: the DT_TEST_PG_* variables; the server answers on its unix
#      socket and on 127.0.0.1:PORT, with the settings pg-lib.sh writes
#   b) it runs as an unprivileged user (nobody when root), data dir 0700 theirs;
#      it listens on 127.0.0.1:PORT and nowhere else (ss -ltnp), its unix
#      socket only in DT_TEST_PG_SOCKDIR
#   c) DT_TEST_PG_ADMIN_URL creates and drops databases; dt_pg_psql stops at
#      the first error
#   d) dt_pg_restart keeps port and data; after kill -9 of the postmaster
#      (stale postmaster.pid) dt_pg_up starts it again
#   e) dt_pg_stop: processes gone, DIR removed, port free, the variables as
#      before; start/stop again in the same DIR, and over a kept DIR
#   f) a taken port: dt_pg_start moves on to another one
#   g) no server binaries: a failure naming make deps; a foreign non-empty DIR
#      is refused and left alone
#   h) with-pg.sh: CMD sees the variables and the server, its status is
#      returned, the temp dir is gone afterwards
#   i) no system cluster (pg_lsclusters) is online, before or after
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run: bash tests/integration/run-pg-harness.sh (DT_KEEP=1 keeps the temp dir).
set -u

# shellcheck source=tests/integration/pg-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"

dt_init python3 timeout pg_lsclusters ps

HERE=$DT_ROOT/tests/integration
PGDIR=$DT_TMP/pg
OUTER_URL=${DT_TEST_PG_URL-unset}

# alive PID: a process, not a zombie (this machine's init reaps the exited
# postmaster late; kill -0 succeeds on a zombie)
alive() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$st" ] && [ "$st" != Z ]
}

# online system clusters, one "version/name" a line
online_clusters() {
    pg_lsclusters -h 2>/dev/null | awk '$4 ~ /^online/ { print $1 "/" $2 }'
}

# i) before
before=$(online_clusters)
if [ -z "$before" ]; then
    dt_ok "no system cluster online before the test"
else
    dt_not_ok "system clusters" "online before the test: $before (pg-lib.sh never uses one)"
fi

# ------------------------------------------------------------------ a)
dt_pg_start "$PGDIR"
PORT=$DT_TEST_PG_PORT
missing=""
for v in $DT_PG_VARS; do
    [ -n "${!v:-}" ] || missing="$missing $v"
done
if [ -z "$missing" ] &&
    [ "$DT_TEST_PG_URL" = "postgresql://dealtemp_test@127.0.0.1:$PORT/dealtemp_test" ] &&
    [ "$DT_TEST_PG_ADMIN_URL" = "postgresql://dealtemp_test@127.0.0.1:$PORT/postgres" ] &&
    [ "$DT_TEST_PG_DATA" = "$PGDIR/data" ] && [ "$DT_TEST_PG_SOCKDIR" = "$PGDIR/sock" ] &&
    [ -x "$DT_TEST_PG_BIN/psql" ] && [ "$PORT" -ge 20000 ]; then
    dt_ok "dt_pg_start exports the DT_TEST_PG_* variables ($DT_TEST_PG_URL)"
else
    dt_not_ok "variables" "missing:${missing:- none}; $(env | grep '^DT_TEST_PG_' | tr '\n' ' ')"
fi

got=$(timeout 30 "$DT_TEST_PG_BIN/psql" -X -At -h "$DT_TEST_PG_SOCKDIR" -p "$PORT" -U dealtemp_test \
    -d dealtemp_test -c 'SELECT current_user, current_database(), inet_server_addr() IS NULL' 2>&1)
if [ "$got" = "dealtemp_test|dealtemp_test|t" ]; then
    dt_ok "reachable over the unix socket in $DT_TEST_PG_SOCKDIR"
else
    dt_not_ok "unix socket" "got '$got'"
fi

got=$(dt_pg_psql 'SELECT current_user, current_database(), inet_server_addr(), inet_server_port()' 2>&1)
if [ "$got" = "dealtemp_test|dealtemp_test|127.0.0.1|$PORT" ]; then
    dt_ok "reachable over TCP on 127.0.0.1:$PORT (DT_TEST_PG_URL)"
else
    dt_not_ok "loopback TCP" "got '$got'"
fi

got=$(dt_pg_psql "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('listen_addresses', 'unix_socket_directories', 'fsync', 'synchronous_commit',
                   'full_page_writes', 'max_connections', 'server_encoding', 'port')" 2>&1)
want="fsync=off full_page_writes=off listen_addresses=127.0.0.1 max_connections=100 port=$PORT"
want="$want server_encoding=UTF8 synchronous_commit=off unix_socket_directories=$DT_TEST_PG_SOCKDIR"
if [ "$got" = "$want" ]; then
    dt_ok "settings: $got"
else
    dt_not_ok "settings" "got '$got', want '$want'"
fi

# ------------------------------------------------------------------ b)
PID=$(dt_pg_pid)
owner=$(ps -o user= -p "$PID" 2>/dev/null | tr -d ' ')
procs=$(dt_pg_procs "$DT_TEST_PG_DATA")
others=$(for p in $procs; do ps -o user= -p "$p"; done | tr -d ' ' | grep -v -x -F "$DT_TEST_PG_USER")
if [ "$(id -u)" = 0 ]; then want_user=nobody; else want_user=$(id -un); fi
if [ -n "$PID" ] && [ "$owner" = "$DT_TEST_PG_USER" ] && [ "$owner" = "$want_user" ] &&
    [ "$(id -u "$owner")" != 0 ] && [ -z "$others" ] && [ "$(echo "$procs" | grep -c .)" -ge 3 ] &&
    [ "$(stat -c '%U %a' "$DT_TEST_PG_DATA")" = "$owner 700" ]; then
    dt_ok "runs as $owner (postmaster $PID and $(($(echo "$procs" | grep -c .) - 1)) children, data dir 0700)"
else
    dt_not_ok "unprivileged user" "postmaster '$PID' owner '$owner' (want $want_user); others: '$others';" \
        "data dir $(stat -c '%U %a' "$DT_TEST_PG_DATA")"
fi

listen=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$PID," 'index($0, p) { print $4 }' | sort -u)
if [ "$listen" = "127.0.0.1:$PORT" ]; then
    dt_ok "listens on 127.0.0.1:$PORT only (ss -ltnp)"
else
    dt_not_ok "TCP listeners" "postmaster $PID listens on: $(echo "$listen" | tr '\n' ' ')"
fi
ulisten=$(ss -Hlxp 2>/dev/null | awk -v p="pid=$PID," 'index($0, p) { print $5 }' | sort -u)
if [ "$ulisten" = "$DT_TEST_PG_SOCKDIR/.s.PGSQL.$PORT" ]; then
    dt_ok "its unix socket is $ulisten"
else
    dt_not_ok "unix listeners" "postmaster $PID: $(echo "$ulisten" | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ c)
if dt_pg_psql_admin 'CREATE DATABASE dt_harness_a' &&
    [ "$(timeout 30 "$DT_TEST_PG_BIN/psql" -X -At \
        "postgresql://dealtemp_test@127.0.0.1:$PORT/dt_harness_a" -c 'SELECT current_database()')" = dt_harness_a ] &&
    dt_pg_psql_admin 'DROP DATABASE dt_harness_a' &&
    [ -z "$(dt_pg_psql_admin "SELECT datname FROM pg_database WHERE datname = 'dt_harness_a'")" ]; then
    dt_ok "DT_TEST_PG_ADMIN_URL: CREATE DATABASE, connect, DROP DATABASE"
else
    dt_not_ok "admin URL" "create/connect/drop of dt_harness_a failed"
fi

dt_pg_psql 'CREATE TABLE t (n int)'
err=$(printf 'INSERT INTO t VALUES (1);\nSELECT 1/0;\nINSERT INTO t VALUES (2);\n' | dt_pg_psql 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$(dt_pg_psql 'SELECT string_agg(n::text, $$,$$) FROM t')" = 1 ] &&
    ! dt_pg_psql 'SELECT nosuchcolumn FROM t' 2>/dev/null; then
    dt_ok "dt_pg_psql stops at the first error, exit status $rc"
else
    dt_not_ok "dt_pg_psql" "rc=$rc, table holds '$(dt_pg_psql 'SELECT string_agg(n::text, $$,$$) FROM t')': $err"
fi

# ------------------------------------------------------------------ d)
dt_pg_psql 'INSERT INTO t VALUES (42)'
dt_pg_restart fast
PID2=$(dt_pg_pid)
if [ -n "$PID2" ] && [ "$PID2" != "$PID" ] && [ "$DT_TEST_PG_PORT" = "$PORT" ] &&
    ! alive "$PID" && [ "$(dt_pg_psql 'SELECT max(n) FROM t')" = 42 ]; then
    dt_ok "dt_pg_restart: new postmaster $PID2, same port, data kept"
else
    dt_not_ok "restart" "pid $PID -> '$PID2', port $PORT -> $DT_TEST_PG_PORT"
fi

kill -KILL "$PID2"
for i in $(seq 1 50); do
    alive "$PID2" || break
    sleep 0.1
done
stale=no
[ -s "$DT_TEST_PG_DATA/postmaster.pid" ] && [ "$(dt_pg_pid)" = "$PID2" ] && stale=yes
dt_pg_up
PID3=$(dt_pg_pid)
if [ "$stale" = yes ] && [ -n "$PID3" ] && [ "$PID3" != "$PID2" ] &&
    [ "$(dt_pg_psql 'SELECT max(n) FROM t')" = 42 ]; then
    dt_ok "kill -9 of the postmaster, stale postmaster.pid: dt_pg_up starts it again ($PID3)"
else
    dt_not_ok "crash and up" "stale pid file: $stale; postmaster $PID2 -> '$PID3'"
fi

# ------------------------------------------------------------------ e)
# stopped_ok DIR PORT PIDS...: everything of a stopped dt_pg_start is gone.
stopped_ok() {
    local dir=$1 port=$2 p
    shift 2
    [ ! -e "$dir" ] || { echo "$dir still exists"; return 1; }
    dt_port_listening "$port" && { echo "port $port still listening"; return 1; }
    for p in "$@"; do
        alive "$p" && { echo "process $p still runs"; return 1; }
    done
    [ "${DT_TEST_PG_URL-unset}" = "$OUTER_URL" ] ||
        { echo "DT_TEST_PG_URL is '${DT_TEST_PG_URL-unset}', was '$OUTER_URL'"; return 1; }
    return 0
}

procs=$(dt_pg_procs "$DT_TEST_PG_DATA")
why="dt_pg_stop failed"
# shellcheck disable=SC2086 # a list of pids
if dt_pg_stop && why=$(stopped_ok "$PGDIR" "$PORT" $procs); then
    dt_ok "dt_pg_stop: $(echo "$procs" | grep -c .) processes gone, $PGDIR removed, port $PORT free"
else
    dt_not_ok "stop" "$why"
fi

cycles=0
why=""
for i in 1 2; do
    dt_pg_start "$PGDIR"
    port=$DT_TEST_PG_PORT
    [ "$(dt_pg_psql 'SELECT 1')" = 1 ] || break
    procs=$(dt_pg_procs "$DT_TEST_PG_DATA")
    dt_pg_stop || break
    # shellcheck disable=SC2086 # a list of pids
    why=$(stopped_ok "$PGDIR" "$port" $procs) || break
    cycles=$i
done
if [ "$cycles" = 2 ]; then
    dt_ok "start/stop twice more in the same DIR"
else
    dt_not_ok "start/stop cycles" "cycle $((cycles + 1)) failed: ${why:-}"
fi

dt_pg_start "$PGDIR"
dt_pg_psql 'CREATE TABLE old (n int)'
DT_KEEP=1 dt_pg_stop 2>/dev/null
kept=no
[ -f "$PGDIR/data/PG_VERSION" ] && [ -f "$PGDIR/.dealtemp-pg" ] && kept=yes
dt_pg_start "$PGDIR"
if [ "$kept" = yes ] && [ "$(dt_pg_psql "SELECT count(*) FROM pg_class WHERE relname = 'old'")" = 0 ]; then
    dt_ok "DT_KEEP=1 keeps DIR; dt_pg_start over it begins afresh"
else
    dt_not_ok "kept DIR" "kept: $kept; table old: $(dt_pg_psql "SELECT count(*) FROM pg_class WHERE relname = 'old'")"
fi
dt_pg_stop

# ------------------------------------------------------------------ f)
busy=""
dt_free_port busy
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True); time.sleep(60)' "$busy" >"$DT_TMP/log/busy.log" 2>&1 &
busy_pid=$!
for i in $(seq 1 50); do
    dt_port_listening "$busy" && break
    sleep 0.1
done
DT_PG_FIRST_PORT=$busy dt_pg_start "$PGDIR"
if [ "$DT_TEST_PG_PORT" != "$busy" ] && [ "$(dt_pg_psql 'SELECT 1')" = 1 ] &&
    grep -q "could not bind IPv4 address \"127.0.0.1\": Address already in use" "$DT_TEST_PG_LOG"; then
    dt_ok "port $busy taken: started on $DT_TEST_PG_PORT instead"
else
    dt_not_ok "port race" "port $DT_TEST_PG_PORT (busy: $busy)"
fi
kill "$busy_pid" 2>/dev/null
wait "$busy_pid" 2>/dev/null
dt_pg_stop

# ------------------------------------------------------------------ g)
err=$( (DT_PG_LIBDIR=$DT_TMP/no-postgresql dt_pg_start "$DT_TMP/pg-none") 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && echo "$err" | grep -q 'make deps' && [ ! -e "$DT_TMP/pg-none" ]; then
    dt_ok "no server binaries: fails naming make deps ($(echo "$err" | head -n 1))"
else
    dt_not_ok "missing binaries" "rc=$rc: $err"
fi

mkdir -p "$DT_TMP/foreign"
echo keep >"$DT_TMP/foreign/file"
err=$( (dt_pg_start "$DT_TMP/foreign") 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$(cat "$DT_TMP/foreign/file")" = keep ] && [ ! -e "$DT_TMP/foreign/data" ]; then
    dt_ok "a foreign non-empty DIR is refused and left alone"
else
    dt_not_ok "foreign DIR" "rc=$rc: $err"
fi

# ------------------------------------------------------------------ h)
out=$(bash "$HERE/with-pg.sh" bash -c '
    . "$1/pg-lib.sh"
    echo "data=$DT_TEST_PG_DATA"
    echo "user=$DT_TEST_PG_USER"
    echo "answer=$(dt_pg_psql "SELECT 6 * 7")"
    exit 3' _ "$HERE" 2>"$DT_TMP/log/with-pg.log")
rc=$?
wdata=$(echo "$out" | sed -n 's/^data=//p')
if [ "$rc" = 3 ] && echo "$out" | grep -q '^answer=42$' && [ -n "$wdata" ] &&
    [ "$wdata" != "${DT_TEST_PG_DATA:-}" ] && [ ! -e "$(dirname "$wdata")" ]; then
    dt_ok "with-pg.sh: CMD reaches its server, status 3 returned, $(dirname "$wdata") removed"
else
    dt_not_ok "with-pg.sh" "rc=$rc out=$(echo "$out" | tr '\n' ' ') $(tail -n 5 "$DT_TMP/log/with-pg.log")"
fi

# ------------------------------------------------------------------ i) after
after=$(online_clusters)
if [ -z "$after" ]; then
    dt_ok "no system cluster online after the test ($(pg_lsclusters -h | awk '{ print $1 "/" $2 " " $4 }' |
        tr '\n' ' '))"
else
    dt_not_ok "system clusters" "online after the test: $after"
fi

dt_finish
