# shellcheck shell=bash
#
# pg-lib.sh - a private PostgreSQL for the dealtemp tests (sourced, bash;
# sources lib.sh first unless the caller already did).
#
#   dt_pg_start DIR      initdb into DIR/data as an unprivileged user (nobody when
#                        run as root, else the caller), start the server on
#                        127.0.0.1:<free high port> and a unix socket in DIR/sock,
#                        log to DIR/log, create database dealtemp_test; export the
#                        variables below. DIR: absent, empty, or left by an earlier
#                        dt_pg_start; its parents must be searchable by that user.
#   dt_pg_stop           pg_ctl stop -m fast (bounded; then immediate, then
#                        SIGKILL), remove DIR (DT_KEEP=1 keeps it), put back the
#                        DT_TEST_PG_* values from before dt_pg_start (with-pg.sh's)
#   dt_pg_restart [MODE] stop (MODE fast, smart or immediate; default fast) and
#                        start again: same port, same data
#   dt_pg_down [MODE], dt_pg_up   the two halves, for tests that act while it is down
#   dt_pg_pid            the postmaster's pid (kill -KILL it, then dt_pg_up: a crash)
#   dt_pg_psql [SQL...]  the bundled psql on DT_TEST_PG_URL (-X -q -At -v
#                        ON_ERROR_STOP=1), one -c per SQL; no SQL: the script on stdin
#   dt_pg_psql_admin [SQL...]  the same on DT_TEST_PG_ADMIN_URL
#
# Exported by dt_pg_start:
#   DT_TEST_PG_URL        postgresql://dealtemp_test@127.0.0.1:PORT/dealtemp_test
#   DT_TEST_PG_ADMIN_URL  the same user (superuser), database postgres: for
#                         CREATE/DROP DATABASE per test
#   DT_TEST_PG_PORT, DT_TEST_PG_SOCKDIR (unix socket directory), DT_TEST_PG_BIN
#   (the server's bin directory: psql, pg_ctl, ...), DT_TEST_PG_DATA (data
#   directory), DT_TEST_PG_LOG (server log), DT_TEST_PG_USER (OS user running it)
#
# DT_PG_STOCK=1 (make bench): PostgreSQL's own defaults for durability and
# memory instead (fsync, synchronous_commit and full_page_writes on,
# shared_buffers as initdb set it, 128 MB), so that figures stand for a real
# server; the rest is the same.
#
# One server per shell. Loopback and unix socket only, trust authentication,
# fsync off: a throwaway server for tests, never a system cluster (no
# pg_ctlcluster, nothing in /etc/postgresql). Every wait is bounded. The
# server binaries missing is a failure naming `make deps`, never a skip.
# The EXIT trap of lib.sh's dt_init calls dt_pg_stop.

if ! declare -F dt_free_port >/dev/null; then
    # shellcheck source=tests/integration/lib.sh
    . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi

# Where Debian puts the server (one bin/ per major version); a test may point it elsewhere.
DT_PG_LIBDIR=${DT_PG_LIBDIR:-/usr/lib/postgresql}
DT_PG_ROLE=dealtemp_test
DT_PG_DB=dealtemp_test
DT_PG_DIR=""
DT_PG_VARS="DT_TEST_PG_URL DT_TEST_PG_ADMIN_URL DT_TEST_PG_PORT DT_TEST_PG_SOCKDIR DT_TEST_PG_BIN
DT_TEST_PG_DATA DT_TEST_PG_LOG DT_TEST_PG_USER"
declare -gA DT_PG_OUTER=()

# dt_pg_bindir: the newest $DT_PG_LIBDIR/<version>/bin with the four programs.
dt_pg_bindir() {
    local d best=""
    while read -r d; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ] && best=$d
    done < <(printf '%s\n' "$DT_PG_LIBDIR"/*/bin | sort -V)
    [ -n "$best" ] && echo "$best"
}

# dt_pg_run CMD...: CMD as the server's user, in DIR (root: runuser; initdb
# and postgres refuse to run as root).
dt_pg_run() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$DT_PG_DIR" && runuser -u "$DT_TEST_PG_USER" -- "$@")
    else
        (cd "$DT_PG_DIR" && "$@")
    fi
}

# dt_pg_procs DATA: pids of the processes whose working directory is DATA
# (the postmaster and every backend chdir there).
dt_pg_procs() {
    find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$1" 2>/dev/null | cut -d/ -f3
}

dt_pg_pid() {
    [ -n "$DT_PG_DIR" ] && [ -s "$DT_TEST_PG_DATA/postmaster.pid" ] && head -n 1 "$DT_TEST_PG_DATA/postmaster.pid"
}

# dt_pg_reap: wait (5 s) for the server's processes to go, SIGKILL what is
# left (5 s more), then remove a stale postmaster.pid and socket lock.
dt_pg_reap() {
    local pids i
    for i in $(seq 1 50); do
        pids=$(dt_pg_procs "$DT_TEST_PG_DATA")
        [ -z "$pids" ] && break
        sleep 0.1
    done
    if [ -n "$pids" ]; then
        dt_note "postgres processes left in $DT_TEST_PG_DATA: $(echo "$pids" | tr '\n' ' ')- killed"
        # shellcheck disable=SC2086 # a list of pids
        kill -KILL $pids 2>/dev/null
        for i in $(seq 1 50); do
            [ -z "$(dt_pg_procs "$DT_TEST_PG_DATA")" ] && break
            sleep 0.1
        done
    fi
    [ -z "$(dt_pg_procs "$DT_TEST_PG_DATA")" ] || return 1
    rm -f "$DT_TEST_PG_DATA/postmaster.pid" "$DT_TEST_PG_SOCKDIR"/.s.PGSQL.*
}

# dt_pg_write_conf PORT: the settings pg-lib.sh owns, included from postgresql.conf.
dt_pg_write_conf() {
    cat >"$DT_TEST_PG_DATA/dealtemp_test.conf" <<EOF
# Written by tests/integration/pg-lib.sh: a throwaway server for tests.
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$DT_TEST_PG_SOCKDIR'
unix_socket_permissions = 0777
max_connections = 100
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    if [ "${DT_PG_STOCK:-0}" != 1 ]; then
        cat >>"$DT_TEST_PG_DATA/dealtemp_test.conf" <<EOF
shared_buffers = 32MB
# Tests only: nothing here has to survive a crash of the machine.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    [ "$(id -u)" = 0 ] && chown "$DT_TEST_PG_USER:" "$DT_TEST_PG_DATA/dealtemp_test.conf"
    return 0
}

# dt_pg_ctl_start: pg_ctl start -w -t 30. On failure the processes are reaped
# and DT_PG_BIND_FAILED says whether the port was taken.
DT_PG_BIND_FAILED=0
dt_pg_ctl_start() {
    local off
    DT_PG_BIND_FAILED=0
    off=$(stat -c %s "$DT_TEST_PG_LOG" 2>/dev/null) || off=0
    if dt_pg_run timeout 40 "$DT_TEST_PG_BIN/pg_ctl" start -w -t 30 -D "$DT_TEST_PG_DATA" \
        -l "$DT_TEST_PG_LOG" >>"$DT_PG_DIR/log/pg_ctl.log" 2>&1; then
        return 0
    fi
    tail -c +$((off + 1)) "$DT_TEST_PG_LOG" 2>/dev/null |
        grep -q 'could not bind IPv4 address\|could not create any TCP/IP sockets' && DT_PG_BIND_FAILED=1
    dt_pg_run timeout 20 "$DT_TEST_PG_BIN/pg_ctl" stop -m immediate -w -t 10 -D "$DT_TEST_PG_DATA" \
        >>"$DT_PG_DIR/log/pg_ctl.log" 2>&1
    dt_pg_reap
    return 1
}

dt_pg_start() {
    local dir=${1:-} bin user attempt pg_port="" v
    [ -n "$dir" ] || fail "dt_pg_start: no directory given"
    [ -z "$DT_PG_DIR" ] || fail "dt_pg_start: a server of this shell runs from $DT_PG_DIR (dt_pg_stop first)"
    bin=$(dt_pg_bindir) ||
        fail "no PostgreSQL server in $DT_PG_LIBDIR/*/bin (initdb, pg_ctl, postgres, psql): run make deps (sudo make deps)"
    dt_require_commands ss timeout find stat
    # Canonical: it is compared with the processes' /proc/PID/cwd.
    dir=$(realpath -m -- "$dir") || fail "dt_pg_start: bad directory $1"
    if [ "$(id -u)" = 0 ]; then
        dt_require_commands runuser
        user=nobody
    else
        user=$(id -un)
    fi
    # A stale DIR of an earlier run is replaced, unless its server still runs.
    if [ -f "$dir/.dealtemp-pg" ]; then
        [ -z "$(dt_pg_procs "$dir/data")" ] ||
            fail "dt_pg_start: a server still runs from $dir/data (pids $(dt_pg_procs "$dir/data" | tr '\n' ' '))"
        rm -rf -- "$dir"
    elif [ -e "$dir" ] && { [ ! -d "$dir" ] || [ -n "$(ls -A "$dir")" ]; }; then
        fail "dt_pg_start: $dir exists and is not an empty directory"
    fi
    # unix socket paths are limited to 107 bytes: DIR/sock/.s.PGSQL.PORT.lock
    [ $((${#dir} + 26)) -le 107 ] || fail "dt_pg_start: $dir is too long for a unix socket path"
    mkdir -p "$dir" || fail "dt_pg_start: cannot create $dir"
    chmod 755 "$dir"
    : >"$dir/.dealtemp-pg"
    mkdir "$dir/data" "$dir/sock" "$dir/log"
    chmod 700 "$dir/data"
    chmod 755 "$dir/sock" "$dir/log"
    if [ "$user" != "$(id -un)" ]; then
        chown "$user:" "$dir/data" "$dir/sock" "$dir/log"
        runuser -u "$user" -- test -w "$dir/sock" ||
            fail "dt_pg_start: $user cannot reach $dir (a parent directory not searchable by others? mktemp -d makes 0700 directories: chmod 755)"
    fi

    DT_PG_OUTER=()
    for v in $DT_PG_VARS; do
        [ -n "${!v+x}" ] && DT_PG_OUTER[$v]=${!v}
    done
    DT_PG_DIR=$dir
    export DT_TEST_PG_BIN=$bin DT_TEST_PG_USER=$user DT_TEST_PG_DATA=$dir/data \
        DT_TEST_PG_SOCKDIR=$dir/sock DT_TEST_PG_LOG=$dir/log/postgresql.log

    if ! dt_pg_run timeout 120 "$bin/initdb" -D "$DT_TEST_PG_DATA" -U "$DT_PG_ROLE" \
        --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/log/initdb.log" 2>&1; then
        dt_tail initdb "$dir/log/initdb.log"
        fail "initdb into $DT_TEST_PG_DATA as $user failed"
    fi
    printf "\n# dealtemp tests (tests/integration/pg-lib.sh)\ninclude = 'dealtemp_test.conf'\n" \
        >>"$DT_TEST_PG_DATA/postgresql.conf"

    # A port free now may be taken before the server binds it: two more tries.
    # DT_PG_FIRST_PORT (tests of this file) forces the first one.
    for attempt in 1 2 3; do
        if [ "$attempt" = 1 ] && [ -n "${DT_PG_FIRST_PORT:-}" ]; then
            pg_port=$DT_PG_FIRST_PORT
        else
            dt_free_port pg_port
        fi
        dt_pg_write_conf "$pg_port"
        dt_pg_ctl_start && break
        if [ "$DT_PG_BIND_FAILED" != 1 ] || [ "$attempt" = 3 ]; then
            dt_tail "postgresql log" "$DT_TEST_PG_LOG"
            dt_tail "pg_ctl" "$dir/log/pg_ctl.log" 10
            fail "postgres did not start on 127.0.0.1:$pg_port (attempt $attempt)"
        fi
        dt_note "postgres: port $pg_port taken, trying another"
    done
    export DT_TEST_PG_PORT=$pg_port
    export DT_TEST_PG_URL=postgresql://$DT_PG_ROLE@127.0.0.1:$pg_port/$DT_PG_DB
    export DT_TEST_PG_ADMIN_URL=postgresql://$DT_PG_ROLE@127.0.0.1:$pg_port/postgres
    PGCONNECT_TIMEOUT=10 timeout 60 "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$DT_TEST_PG_SOCKDIR" \
        -p "$pg_port" -U "$DT_PG_ROLE" -d postgres -c "CREATE DATABASE $DT_PG_DB" >>"$dir/log/psql.log" 2>&1 ||
        { dt_tail psql "$dir/log/psql.log"; fail "CREATE DATABASE $DT_PG_DB failed"; }
    return 0
}

# dt_pg_down [MODE]: stop the server, keep its data.
dt_pg_down() {
    local mode=${1:-fast}
    [ -n "$DT_PG_DIR" ] || return 0
    if ! dt_pg_run timeout 40 "$DT_TEST_PG_BIN/pg_ctl" stop -m "$mode" -w -t 30 -D "$DT_TEST_PG_DATA" \
        >>"$DT_PG_DIR/log/pg_ctl.log" 2>&1 && [ "$mode" != immediate ]; then
        dt_pg_run timeout 20 "$DT_TEST_PG_BIN/pg_ctl" stop -m immediate -w -t 10 -D "$DT_TEST_PG_DATA" \
            >>"$DT_PG_DIR/log/pg_ctl.log" 2>&1
    fi
    dt_pg_reap || { dt_note "postgres processes in $DT_TEST_PG_DATA survived SIGKILL"; return 1; }
}

# dt_pg_up: start the stopped (or crashed) server again, same port and data.
dt_pg_up() {
    [ -n "$DT_PG_DIR" ] || fail "dt_pg_up: no server (dt_pg_start first)"
    dt_pg_reap || fail "dt_pg_up: postgres processes in $DT_TEST_PG_DATA do not go away"
    if ! dt_pg_ctl_start; then
        dt_tail "postgresql log" "$DT_TEST_PG_LOG"
        fail "postgres did not start again on 127.0.0.1:$DT_TEST_PG_PORT"
    fi
}

dt_pg_restart() {
    dt_pg_down "${1:-fast}" || fail "dt_pg_restart: the server did not stop"
    dt_pg_up
}

dt_pg_stop() {
    local dir=$DT_PG_DIR rc=0 v
    [ -n "$dir" ] || return 0
    dt_pg_down fast || rc=1
    DT_PG_DIR=""
    if [ "${DT_KEEP:-0}" = 1 ]; then
        dt_note "kept $dir (postgres stopped)"
    else
        rm -rf -- "$dir"
    fi
    for v in $DT_PG_VARS; do
        if [ -n "${DT_PG_OUTER[$v]+x}" ]; then
            export "$v=${DT_PG_OUTER[$v]}"
        else
            unset "$v"
        fi
    done
    DT_PG_OUTER=()
    return "$rc"
}

dt_pg_psql_on() {
    local url=$1 s args=()
    shift
    if [ -z "$url" ] || [ -z "${DT_TEST_PG_BIN:-}" ]; then
        fail "dt_pg_psql: no server (dt_pg_start first, or run under tests/integration/with-pg.sh)"
    fi
    for s in "$@"; do
        args+=(-c "$s")
    done
    [ $# -gt 0 ] || args=(-f -)
    PGCONNECT_TIMEOUT=10 timeout 60 "$DT_TEST_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$url" "${args[@]}"
}

dt_pg_psql() { dt_pg_psql_on "${DT_TEST_PG_URL:-}" "$@"; }
dt_pg_psql_admin() { dt_pg_psql_on "${DT_TEST_PG_ADMIN_URL:-}" "$@"; }
