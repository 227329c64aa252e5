#!/usr/bin/env bash
# Deal threads end to end through `dealtemp import`: the three-week team
# timeline (tests/data/timeline/team-3weeks.mbox) imported into a fresh
# store gives the states of tests/data/timeline/expected.txt as of each
# moment listed there; importing twice adds nothing; --rep and --state
# filter; stats shows the per-rep table. Then a large generated mbox is
# imported and killed with SIGKILL half-way: the database passes PRAGMA
# integrity_check and a rerun stores every message exactly once. Every
# check prints "ok - name" or "not ok - name: why"; the exit status is 1
# if any failed. Every wait is bounded.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${DT_BUILD:-build}
DT="$B/dealtemp"
DATA=tests/data/timeline
MBOX=$DATA/team-3weeks.mbox
EXPECTED=$DATA/expected.txt
failures=0
tmp=$(mktemp -d)
bg_pid=""
cleanup() {
    if [ -n "$bg_pid" ]; then
        kill -9 "$bg_pid" 2>/dev/null
        { wait "$bg_pid"; } 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; failures=$((failures + 1)); }
for c in python3 sqlite3 timeout; do
    command -v "$c" >/dev/null || { echo "not ok - $c missing: run make deps"; exit 1; }
done
[ -x "$DT" ] || { echo "not ok - $DT missing: run make all"; exit 1; }

# The fixture's configuration, with the database in the temp dir.
conf_for() { # conf_for DB OUT
    sed "s|^database = .*|database = \"$1\";|" "$DATA/team.conf" >"$2"
}
CONF=$tmp/team.conf
conf_for "$tmp/team.db" "$CONF"

# Run dealtemp with a time limit; stdout to $tmp/out, stderr to $tmp/err.
dt() { timeout 120 "$DT" "$@" >"$tmp/out" 2>"$tmp/err"; }

# Python prints "ok - ..." / "not ok - ..." lines; count the failures.
tally() {
    cat "$1"
    local n
    n=$(grep -c '^not ok' "$1")
    failures=$((failures + n))
}

# ---- import, and import again ----------------------------------------------

want='dealtemp: 56 messages: 51 imported, 0 duplicates, 5 ignored, 0 malformed'
if dt import -c "$CONF" --mbox "$MBOX" && grep -q "^$want (" "$tmp/out" && [ ! -s "$tmp/err" ]; then
    ok "import: 51 imported, 5 ignored (2 out-of-office, 1 newsletter, 2 internal), 0 malformed"
else not_ok "import summary" "rc=$? $(cat "$tmp/out" "$tmp/err")"; fi

want='dealtemp: 56 messages: 0 imported, 51 duplicates, 5 ignored, 0 malformed'
if dt import -c "$CONF" --mbox "$MBOX" && grep -q "^$want (" "$tmp/out"; then
    ok "import again: everything a duplicate, nothing new"
else not_ok "second import" "$(cat "$tmp/out" "$tmp/err")"; fi

want='store: 28 outbound, 23 inbound messages in 14 threads'
if dt stats -c "$CONF" && grep -qx "$want" "$tmp/out"; then
    ok "the store holds 28 outbound and 23 inbound messages in 14 threads"
else not_ok "store counts" "$(head -3 "$tmp/out") $(cat "$tmp/err")"; fi

# ---- the states of expected.txt ---------------------------------------------

mapfile -t moments < <(sed -n 's/^as-of \([^ ]*\).*/\1/p' "$EXPECTED")
if [ "${#moments[@]}" -ge 2 ]; then
    ok "expected.txt lists ${#moments[@]} moments"
else not_ok "expected.txt" "fewer than two moments"; fi
for t in "${moments[@]}"; do
    if ! dt threads -c "$CONF" --as-of "$t" --json; then
        not_ok "threads --as-of $t" "rc=$? $(cat "$tmp/err")"
        continue
    fi
    cp "$tmp/out" "$tmp/threads-$t.json"
    python3 - "$EXPECTED" "$t" "$tmp/threads-$t.json" >"$tmp/check" 2>&1 <<'PY'
import json, sys
expected, moment, got_file = sys.argv[1:4]
rows = [json.loads(l) for l in open(got_file, encoding="utf-8")]
cur, want, count = None, [], None
for line in open(expected, encoding="utf-8"):
    f = line.split()
    if not f or f[0].startswith("#"):
        continue
    if f[0] == "as-of":
        cur = f[1]
    elif cur != moment:
        continue
    elif f[0] == "threads":
        count = int(f[1])
    else:
        want.append(f)
def res(good, name, why):
    print(("ok - %s" if good else "not ok - %s: " + why) % name)
res(count is not None and len(rows) == count, "as of %s: %s threads" % (moment, count),
    "got %d: %s" % (len(rows), [r["subject"] for r in rows]))
for f in want:
    marker, rep, cp, state = f[:4]
    extra = dict(x.split("=", 1) for x in f[4:])
    hits = [r for r in rows if r["subject"] and marker in r["subject"]]
    name = "as of %s: %s %s" % (moment, marker, state)
    if state == "absent":
        res(not hits, name, "exists: %s" % hits)
        continue
    if len(hits) != 1:
        res(False, name, "%d threads match %r" % (len(hits), marker))
        continue
    r = hits[0]
    bad = []
    for k, v in (("rep", rep), ("counterpart", cp), ("state", state)):
        if r[k] != v:
            bad.append("%s %r, expected %r" % (k, r[k], v))
    people = ",".join(p["address"] for p in r["customer_people"])
    joined = ",".join(p["address"] for p in r["customer_people"] if p["joined_later"])
    for k, v in extra.items():
        if k in ("people", "joined"):
            have = people if k == "people" else joined
            if have != v:
                bad.append("%s %r, expected %r" % (k, have, v))
        elif str(r.get(k)) != v:
            bad.append("%s %r, expected %s" % (k, r.get(k), v))
    res(not bad, name + " (%s, %s)" % (rep, cp), "; ".join(bad) + " in " + json.dumps(r))
PY
    tally "$tmp/check"
done

# ---- filters ----------------------------------------------------------------

T=2026-11-20T17:00:00Z
for rep in ann@corp.example chloe@corp.example; do
    if dt threads -c "$CONF" --as-of "$T" --json --rep "$rep" && python3 - "$rep" "$T" "$EXPECTED" \
        "$tmp/out" <<'PY'
import json, sys
rep, moment, expected, got = sys.argv[1:5]
rows = [json.loads(l) for l in open(got, encoding="utf-8")]
want, cur = 0, None
for line in open(expected, encoding="utf-8"):
    f = line.split()
    if f and f[0] == "as-of":
        cur = f[1]
    elif cur == moment and len(f) >= 4 and f[1] == rep and f[3] != "absent":
        want += 1
assert want > 0 and len(rows) == want, (want, rows)
assert all(r["rep"] == rep for r in rows), rows
PY
    then ok "threads --rep $rep shows only that rep's threads"
    else not_ok "threads --rep $rep" "$(cat "$tmp/out" "$tmp/err")"; fi
done
if dt threads -c "$CONF" --as-of "$T" --json --rep nobody@corp.example && [ ! -s "$tmp/out" ]; then
    ok "threads --rep of an unknown rep shows nothing"
else not_ok "threads --rep unknown" "$(cat "$tmp/out" "$tmp/err")"; fi

for t in "${moments[@]}"; do
    for state in cooling stalled; do
        n_want=$(awk -v t="$t" -v s="$state" '$1 == "as-of" { cur = $2; next }
                 cur == t && $4 == s { n++ } END { print n + 0 }' "$EXPECTED")
        if dt threads -c "$CONF" --as-of "$t" --json --state "$state" \
            && [ "$(wc -l <"$tmp/out")" -eq "$n_want" ] \
            && { [ "$n_want" -eq 0 ] || ! grep -qv "\"state\":\"$state\"" "$tmp/out"; }; then
            ok "threads --state $state --as-of $t shows the $n_want $state thread(s) only"
        else not_ok "threads --state $state --as-of $t" "want $n_want: $(cat "$tmp/out" "$tmp/err")"; fi
    done
done
if ! dt threads -c "$CONF" --state lukewarm && grep -q -- "--state lukewarm" "$tmp/err"; then
    ok "threads --state of an unknown state is refused"
else not_ok "threads --state unknown" "$(cat "$tmp/out" "$tmp/err")"; fi

# The table: a header and one row per thread.
if dt threads -c "$CONF" --as-of "$T" && head -1 "$tmp/out" | grep -q '^THREAD  *STATE  *CUSTOMER  *REP' \
    && [ "$(wc -l <"$tmp/out")" -eq 15 ] && grep -q 'stalled .*Polderkaas' "$tmp/out"; then
    ok "threads prints a table with a header and 14 rows"
else not_ok "threads table" "$(cat "$tmp/out" "$tmp/err")"; fi

# ---- stats --------------------------------------------------------------------

# Outbound per rep (euphoric ones): ann 10 (4), bram 9 (3), chloe 5 (3), dirk 4 (2).
if dt stats -c "$CONF" && grep -q '^per rep ' "$tmp/out" \
    && grep -Eq '^  ann@corp.example +10 +[0-9]+ +[0-9]+ +4 \(40.0%\)$' "$tmp/out" \
    && grep -Eq '^  bram@corp.example +9 +[0-9]+ +[0-9]+ +3 \(33.3%\)$' "$tmp/out" \
    && grep -Eq '^  chloe@corp.example +5 +[0-9]+ +[0-9]+ +3 \(60.0%\)$' "$tmp/out" \
    && grep -Eq '^  dirk@corp.example +4 +[0-9]+ +[0-9]+ +2 \(50.0%\)$' "$tmp/out"; then
    ok "stats shows the per-rep table"
else not_ok "stats" "$(cat "$tmp/out" "$tmp/err")"; fi

# ---- kill -9 in the middle of an import ------------------------------------------

# 60,000 small messages: customer replies to rep mails, every 50th an
# internal note (ignored), so 58,800 are stored.
N=60000
python3 - "$tmp/big.mbox" "$N" <<'PY'
import sys, time
path, n = sys.argv[1], int(sys.argv[2])
base = 1793606400  # 2026-11-02T08:00:00Z
with open(path, "w", encoding="ascii", newline="\n") as f:
    for i in range(n):
        t = base + i * 30
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))
        frm_line = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(t))
        rep = "rep%d@corp.example" % (i % 7)
        cust = "buyer%d@customer%d.example" % (i // 2 % 3000, i // 2 % 3000 // 4)
        if i % 50 == 49:
            frm, to, subj, extra = rep, "rep%d@corp.example" % ((i + 1) % 7), "Note %d" % i, ""
        elif i % 2 == 0:
            frm, to, subj, extra = rep, cust, "Offer %d" % (i // 2), ""
        else:
            frm, to, subj = cust, "rep%d@corp.example" % ((i - 1) % 7), "Re: Offer %d" % (i // 2)
            extra = "In-Reply-To: <m%d@corp.example>\nReferences: <m%d@corp.example>\n" % (i - 1, i - 1)
        f.write("From %s %s\nFrom: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <m%d@%s>\n%s"
                "\nThank you for the update on order %d. We will review it this week.\n\n"
                % (frm, frm_line, frm, to, subj, date, i, frm.split("@")[1], extra, i))
PY
STORED=$((N - N / 50))
BIG_CONF=$tmp/big.conf
BIG_DB=$tmp/big.db
conf_for "$BIG_DB" "$BIG_CONF"
size=$(wc -c <"$tmp/big.mbox")
count_events() { sqlite3 "$BIG_DB" 'SELECT count(*) FROM events' 2>/dev/null || echo 0; }

"$DT" import -c "$BIG_CONF" --mbox "$tmp/big.mbox" >"$tmp/big1.out" 2>"$tmp/big1.err" &
bg_pid=$!
sleep 0.5
# Kill once the import has committed something (at most 30 s from now).
stored_before=0
for _ in $(seq 300); do
    kill -0 "$bg_pid" 2>/dev/null || break
    stored_before=$(count_events)
    [ "${stored_before:-0}" -gt 0 ] && break
    sleep 0.1
done
if kill -0 "$bg_pid" 2>/dev/null; then
    kill -9 "$bg_pid"
    { wait "$bg_pid"; } 2>/dev/null # no "Killed" notice from the shell
    rc=$?
    bg_pid=""
    stored_kill=$(count_events)
    if [ $rc -eq 137 ] && [ "$stored_kill" -gt 0 ] && [ "$stored_kill" -lt "$STORED" ]; then
        ok "import of $N messages ($size bytes) killed mid-way: $stored_kill of $STORED stored"
    else not_ok "kill -9 mid-import" "rc=$rc stored=$stored_kill of $STORED"; fi
else
    wait "$bg_pid"
    rc=$?
    bg_pid=""
    stored_kill=$(count_events)
    not_ok "kill -9 mid-import" "the import ended (rc=$rc) before it could be killed: $(cat "$tmp/big1.out" "$tmp/big1.err")"
fi

out=$(timeout 60 sqlite3 "$BIG_DB" 'PRAGMA integrity_check' 2>&1)
if [ "$out" = ok ]; then
    ok "after kill -9 the database passes PRAGMA integrity_check"
else not_ok "integrity_check" "$out"; fi

if timeout 600 "$DT" import -c "$BIG_CONF" --mbox "$tmp/big.mbox" >"$tmp/big2.out" 2>"$tmp/big2.err"; then
    read -r imported dups ignored malformed < <(sed -n \
        's/^dealtemp: [0-9]* messages: \([0-9]*\) imported, \([0-9]*\) duplicates, \([0-9]*\) ignored, \([0-9]*\) malformed.*/\1 \2 \3 \4/p' \
        "$tmp/big2.out")
    if [ "${dups:-x}" = "$stored_kill" ] && [ "${imported:-0}" -eq $((STORED - stored_kill)) ] \
        && [ "${ignored:-0}" -eq $((N / 50)) ] && [ "${malformed:-1}" -eq 0 ]; then
        ok "the rerun completes: $imported imported + $dups duplicates = $STORED, $ignored ignored"
    else not_ok "rerun summary" "$(cat "$tmp/big2.out") (stored before: $stored_kill)"; fi
else not_ok "rerun" "rc=$? $(cat "$tmp/big2.out" "$tmp/big2.err")"; fi

total=$(count_events)
# every even message is a rep's offer (a thread of its own), the odd ones replies
if [ "$total" -eq "$STORED" ] && dt stats -c "$BIG_CONF" \
    && grep -qx "store: $((N / 2)) outbound, $((STORED - N / 2)) inbound messages in $((N / 2)) threads" \
        "$tmp/out"; then
    ok "every distinct message stored exactly once: $STORED"
else not_ok "stored after rerun" "events=$total $(head -1 "$tmp/out") $(cat "$tmp/err")"; fi
out=$(timeout 60 sqlite3 "$BIG_DB" 'PRAGMA integrity_check' 2>&1)
if [ "$out" = ok ]; then
    ok "the database passes PRAGMA integrity_check after the rerun"
else not_ok "integrity_check after rerun" "$out"; fi

[ $failures -eq 0 ] || { echo "run-timeline: $failures failed"; exit 1; }
echo "run-timeline: all passed"
