#!/bin/bash
#
# run-miltertest.sh - dealtemp-milter driven by miltertest(8), no MTA.
#
# Starts $DT_BUILD/dealtemp-milter on a free loopback port and runs
# tests/integration/milter.lua against it (three messages on one connection:
# euphoric outbound, calm outbound, inbound); then once more over a unix
# socket. Then every tests/integration/t-*.lua, one behaviour each (named
# for it, in the OpenDKIM style), against a milter of its own on TCP.
# The scripts share mtlib.lua. Checks the milter exits 0 on SIGTERM with
# no sanitizer report.
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed.
# Run: DT_BUILD=build bash tests/integration/run-miltertest.sh (DT_KEEP=1 keeps logs).
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dt_init miltertest timeout

LUADIR=$DT_ROOT/tests/integration

# run_script NAME SPEC SCRIPT: start the milter on SPEC, run the Lua SCRIPT,
# stop it.
run_script() {
    local name=$1 spec=$2 script=$3 out rc
    dt_milter_start "$spec"
    out=$DT_TMP/log/miltertest-$name.log
    timeout 120 miltertest -s "$script" -D "spec=$spec" -D "libdir=$LUADIR" >"$out" 2>&1
    rc=$?
    # The script prints ok/not ok lines itself; count them into our totals.
    while IFS= read -r line; do
        case $line in
        "ok - "*) dt_ok "$name: ${line#ok - }" ;;
        "not ok - "*)
            line=${line#not ok - }
            dt_not_ok "$name: ${line%%: *}" "${line#*: }"
            ;;
        *) echo "# ${line#\# }" ;;
        esac
    done <"$out"
    if [ "$rc" -eq 0 ]; then
        dt_ok "$name: miltertest exit 0"
    else
        dt_not_ok "$name: miltertest exit 0" "exit $rc$([ "$rc" -eq 124 ] && echo ' (timed out)')"
    fi
    dt_milter_stop
    if [ "$DT_MILTER_EXIT" = 0 ]; then
        dt_ok "$name: milter exits 0 on SIGTERM"
    else
        dt_not_ok "$name: milter exits 0 on SIGTERM" "exit status $DT_MILTER_EXIT"
    fi
}

PORT=""
dt_free_port PORT
run_script inet "inet:$PORT@127.0.0.1" "$LUADIR/milter.lua"
run_script unix "unix:$DT_TMP/milter/dealtemp.sock" "$LUADIR/milter.lua"

for script in "$LUADIR"/t-*.lua; do
    PORT=""
    dt_free_port PORT
    run_script "$(basename "$script" .lua)" "inet:$PORT@127.0.0.1" "$script"
done

if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$DT_MILTER_LOG"; then
    dt_not_ok "milter log has no sanitizer report" "$(grep -m1 -E 'Sanitizer|runtime error:' "$DT_MILTER_LOG")"
else
    dt_ok "milter log has no sanitizer report"
fi

echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
if [ "$DT_FAILED" -ne 0 ]; then
    dt_tail "milter log" "$DT_MILTER_LOG" 40
    exit 1
fi
exit 0
