#!/usr/bin/env bash
# tests/fuzz/run.sh - what `make fuzz` runs once the targets are built:
# seed every target from tests/data (seeds.py), run each libFuzzer binary
# in turn, print one line per target and fail when any found something.
#
# Environment (the Makefile passes its variables):
#   FUZZ_BUILD    where the binaries are and everything goes (build-fuzz)
#   FUZZ_TARGETS  which targets ("analyze html quote config import digest")
#   FUZZ_RUNS     inputs per target for the short run (2000), on a fresh
#                 corpus with a fixed seed (FUZZ_SEED, 1): much the same
#                 inputs every time (address layout still varies which
#                 comparisons count as new), so CI is repeatable
#   FUZZ_TIME     seconds per target instead: a long run, -max_total_time,
#                 on the corpus kept in FUZZ_BUILD/corpus/<target> (it grows
#                 from run to run), with a random seed
#   FUZZ_JOBS     parallel libFuzzer jobs per target in a long run (1)
#   FUZZ_MAX_LEN (262144), FUZZ_TIMEOUT (10 s per input), FUZZ_RSS_MB (2048)
# tests/fuzz/<target>.dict, where there is one, is passed with -dict.
#
# Each target reads its corpus, the seeds (FUZZ_BUILD/seeds/<target>) and
# the findings kept in tests/data/fuzz/<target>/, so every old finding is
# replayed under the sanitizers too. A finding is written to
# FUZZ_BUILD/findings/<target>/ (crash-*, leak-*, timeout-*, oom-*); the
# target's whole output is FUZZ_BUILD/logs/<target>.log. Replay one with
#   FUZZ_BUILD/fuzz_<target> FUZZ_BUILD/findings/<target>/crash-...
set -uo pipefail
cd "$(dirname "$0")/../.."

B=${FUZZ_BUILD:-build-fuzz}
TARGETS=${FUZZ_TARGETS:-analyze html quote config import digest}
RUNS=${FUZZ_RUNS:-2000}
TIME=${FUZZ_TIME:-}
JOBS=${FUZZ_JOBS:-1}
MAX_LEN=${FUZZ_MAX_LEN:-262144}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
SEED=${FUZZ_SEED:-1}
TOP=$(pwd)

# Contracts known broken on main (tests/fuzz/pending): checked no more until fixed.
DT_FUZZ_PENDING=$(sed -e 's/#.*//' tests/fuzz/pending | awk 'NF { print $1 }' | paste -sd, -)
export DT_FUZZ_PENDING

python3 tests/fuzz/seeds.py "$B/seeds" >/dev/null || { echo "fuzz: seeds.py failed" >&2; exit 1; }
mkdir -p "$B/logs"

failed=""
start=$(date +%s)
for t in $TARGETS; do
    bin=$B/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz: $bin missing (make fuzz-build)" >&2; exit 1; }
    found=$TOP/$B/findings/$t
    log=$B/logs/$t.log
    mkdir -p "$found"
    if [ -n "$TIME" ]; then
        corpus=$B/corpus/$t
        limit=(-max_total_time="$TIME")
        [ "$JOBS" -gt 1 ] && limit+=(-jobs="$JOBS" -workers="$JOBS")
    else
        corpus=$B/corpus-short/$t
        rm -rf "$corpus"
        limit=(-runs="$RUNS" -seed="$SEED")
    fi
    mkdir -p "$corpus"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    dirs=("$corpus" "$B/seeds/$t")
    [ -d "tests/data/fuzz/$t" ] && dirs+=("tests/data/fuzz/$t")
    before=$(ls "$found" | wc -l)
    t0=$(date +%s)
    "$bin" "${limit[@]}" "${dict[@]}" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        -print_final_stats=1 -artifact_prefix="$found/" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    # -jobs writes fuzz-N.log into the current directory: keep them with the rest.
    for f in fuzz-[0-9]*.log; do [ -e "$f" ] && mv "$f" "$B/logs/$t-$f"; done
    secs=$(( $(date +%s) - t0 ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s+=$1} END {print s+0}')
    cov=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$log" | tail -1 |
          sed -n 's/.*\(cov: [0-9]* ft: [0-9]*\).*/\1/p')
    new=$(( $(ls "$found" | wc -l) - before ))
    if [ "$rc" -ne 0 ] || [ "$new" -gt 0 ]; then
        failed="$failed $t"
        printf 'fuzz_%-8s FAILED (exit %s) after %s inputs, %s s; see %s\n' "$t" "$rc" "$execs" \
            "$secs" "$log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error|.*Test unit written|ALARM|==[0-9]+== ERROR: libFuzzer)' \
            "$log" | head -8 | sed 's/^/    /'
    else
        printf 'fuzz_%-8s ok: %s inputs in %s s, %s\n' "$t" "$execs" "$secs" "${cov:-cov: ?}"
    fi
done
echo "fuzz: $(( $(date +%s) - start )) s in all"
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (inputs in $B/findings/<target>/; keep each as a fixture," \
         "tests/data/fuzz/README)" >&2
    exit 1
fi
