#!/usr/bin/env bash
#
# with-pg.sh CMD [ARGS...] - run CMD with a private PostgreSQL.
#
# Starts one server (tests/integration/pg-lib.sh: initdb in a fresh temp dir,
# as nobody when root, 127.0.0.1 on a free high port and a unix socket),
# exports DT_TEST_PG_URL, DT_TEST_PG_ADMIN_URL, DT_TEST_PG_PORT,
# DT_TEST_PG_SOCKDIR, DT_TEST_PG_BIN, DT_TEST_PG_DATA, DT_TEST_PG_LOG and
# DT_TEST_PG_USER, runs CMD, then stops the server and removes the temp dir,
# also when CMD fails or this script gets SIGINT/SIGTERM/SIGHUP (passed on to
# CMD). Exits with CMD's status. make check runs the unit suites and the
# integration tests inside one of these; for a single suite:
#   bash tests/integration/with-pg.sh build/tests/check_store
# DT_KEEP=1 keeps the temp dir (server stopped) for a post-mortem.
set -u

# shellcheck source=tests/integration/pg-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

WP_BASE=""
WP_CHILD=""

# shellcheck disable=SC2317 # run by the traps
wp_cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    dt_pg_stop || dt_note "with-pg: stopping postgres did not go cleanly"
    if [ -n "$WP_BASE" ] && [ -e "$WP_BASE" ] && [ "${DT_KEEP:-0}" != 1 ]; then
        rm -rf -- "$WP_BASE"
    fi
    exit "$rc"
}

# wp_signal SIG STATUS: pass SIG on to CMD, give it 10 s, then SIGKILL; exit STATUS.
# shellcheck disable=SC2317 # run by the traps
wp_signal() {
    local i
    if [ -n "$WP_CHILD" ]; then
        kill -"$1" "$WP_CHILD" 2>/dev/null
        for i in $(seq 1 100); do
            kill -0 "$WP_CHILD" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$WP_CHILD" 2>/dev/null
    fi
    exit "$2"
}

trap wp_cleanup EXIT
trap 'wp_signal INT 130' INT
trap 'wp_signal TERM 143' TERM
trap 'wp_signal HUP 129' HUP

WP_BASE=$(mktemp -d "${DT_TMPBASE:-${TMPDIR:-/tmp}}/dealtemp-pg.XXXXXX") ||
    fail "with-pg: mktemp -d failed"
dt_pg_start "$WP_BASE"

# In the background so that a signal reaches the traps at once; stdin stays
# CMD's (a background command would get /dev/null).
"$@" <&0 &
WP_CHILD=$!
wait "$WP_CHILD"
rc=$?
WP_CHILD=""
if [ "$rc" -ne 0 ]; then
    dt_tail "postgresql log (with-pg.sh)" "$DT_TEST_PG_LOG" 15
fi
exit "$rc"
