#!/usr/bin/env bash
# Black-box tests of the command-line programs: dealtemp score / explain /
# text / check-config, help and wrong command lines of every command, and
# dealtemp-milter -n and --help, on the real fixtures; and that text from
# mail (bidi overrides, ESC sequences) never reaches the terminal raw. Every
# check prints "ok - name" or "not ok - name: why"; the exit status is 1 if
# any failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${DT_BUILD:-build}
DT="$B/dealtemp"
CONF=tests/data/conf/analyze.conf
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; failures=$((failures + 1)); }
command -v python3 >/dev/null || { echo "not ok - python3 missing: run make deps"; exit 1; }

# score: one JSON object per message, with the documented fields.
"$DT" score -c "$CONF" tests/data/analyze-euphoric-en.eml tests/data/analyze-calm-reply.eml \
    >"$tmp/score.json" 2>"$tmp/score.err"
rc=$?
if [ $rc -eq 0 ] && python3 - "$tmp/score.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 2, rows
e, c = rows
for r in rows:
    for k in ("file", "score", "level", "lang", "words", "evidence"):
        assert k in r, (k, r)
assert e["file"] == "tests/data/analyze-euphoric-en.eml"
assert e["level"] == "euphoric" and e["lang"] == "en" and e["score"] >= 0.6, e
assert any(x["kind"] == "emoji" for x in e["evidence"]), e["evidence"]
assert all(set(x) >= {"kind", "text", "weight"} for x in e["evidence"])
assert c["level"] == "calm" and c["removed"]["quoted"] >= 3, c
PY
then ok "score prints one JSON object per message"; else not_ok "score JSON" "rc=$rc $(cat "$tmp/score.err")"; fi

# score from stdin
if "$DT" score -c "$CONF" - <tests/data/analyze-euphoric-nl.eml | grep -q '"file":"-".*"lang":"nl"'; then
    ok "score reads stdin"
else not_ok "score stdin" "no nl result"; fi

# A missing file and a non-message: one line each naming the file, exit 1, the rest still scored.
printf '' >"$tmp/empty.eml"
"$DT" score -c "$CONF" "$tmp/nope.eml" "$tmp/empty.eml" tests/data/analyze-inbound.eml \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
lines=$(wc -l <"$tmp/err")
if [ $rc -eq 1 ] && [ "$lines" -eq 2 ] && grep -q "^dealtemp: $tmp/nope.eml: No such file or directory$" "$tmp/err" \
    && grep -q "^dealtemp: $tmp/empty.eml: " "$tmp/err" && [ "$(wc -l <"$tmp/out")" -eq 1 ]; then
    ok "bad files: one line each, exit 1, others processed"
else not_ok "bad files" "rc=$rc err=$(cat "$tmp/err") out=$(wc -l <"$tmp/out")"; fi

# explain: marks hits and shows the sum
"$DT" explain -c "$CONF" tests/data/analyze-euphoric-en.eml >"$tmp/explain" 2>&1
if grep -q '\[\[AMAZING\]\]' "$tmp/explain" && grep -q '^score = 1 - exp' "$tmp/explain" \
    && grep -q ' -> euphoric' "$tmp/explain"; then
    ok "explain marks hits and shows the sum"
else not_ok "explain" "$(head -20 "$tmp/explain")"; fi

# explain: each hit with its modifier, and whether the milter adds the header
"$DT" explain -c "$CONF" tests/data/analyze-negation-en.eml tests/data/analyze-euphoric-en.eml \
    tests/data/analyze-list.eml >"$tmp/explain2" 2>&1
if grep -q "^  excited  *excitement   0 (negated by 'not')$" "$tmp/explain2" \
    && grep -q '^  incredible  *hype  *1.50 x1.5 (Absolutely) = 2.25$' "$tmp/explain2" \
    && grep -q '^milter: adds X-Deal-Euphoria: 0.11 calm (en; hype=1)$' "$tmp/explain2" \
    && grep -q '^milter: no X-Deal-Euphoria header: list mail (List-Id header)$' "$tmp/explain2"; then
    ok "explain shows intensifiers and negators per hit, and whether the milter adds the header"
else not_ok "explain modifiers" "$(grep -e '^milter' -e 'negated' -e ' x1' "$tmp/explain2")"; fi

# text: exactly the own words (no quote, no signature)
"$DT" text -c "$CONF" tests/data/analyze-calm-reply.eml >"$tmp/text"
if grep -q "Take the time you" "$tmp/text" && ! grep -q "WOW" "$tmp/text" && ! grep -q "wrote:" "$tmp/text"; then
    ok "text prints only the own words"
else not_ok "text" "$(cat "$tmp/text")"; fi

# check-config and dealtemp-milter -n agree, good and bad
printf 'database = "x.db";\ninternal_domains = ["corp.example"];\neuphoria = { warm = 1.5; };\n' >"$tmp/bad.conf"
out=$("$DT" check-config -c "$tmp/bad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "bad.conf:3: euphoria.warm"; then
    ok "check-config rejects a bad value naming file:line and key"
else not_ok "check-config bad" "rc=$rc $out"; fi
out=$("$B/dealtemp-milter" -n -c "$tmp/bad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "bad.conf:3: euphoria.warm"; then
    ok "dealtemp-milter -n rejects it too"
else not_ok "milter -n bad" "rc=$rc $out"; fi
# (var/ may not exist in the tree yet: a warning on stderr, not a failure)
if "$DT" check-config -c conf/dealtemp.conf >/dev/null 2>&1 && "$B/dealtemp-milter" -n -c conf/dealtemp.conf >/dev/null 2>&1; then
    ok "the sample configuration is valid"
else not_ok "sample conf" "refused"; fi
# check-config: a mistyped key names the key it was probably meant to be.
printf 'database = "x.db";\ninternal_domains = ["corp.example"];\neuphoria = { wram = 0.3; };\n' >"$tmp/typo.conf"
out=$("$DT" check-config -c "$tmp/typo.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$out" = "dealtemp: $tmp/typo.conf:3: unknown key 'euphoria.wram' (did you mean 'euphoria.warm'?)" ]; then
    ok "check-config: an unknown key close to a known one gets 'did you mean'"
else not_ok "did you mean" "rc=$rc $out"; fi

# check-config: a database directory that is missing is a warning with
# file:line (status 0, also from dealtemp-milter -n); a postgresql:// URL is
# not a path; a lexicon that cannot be read names the key and line.
printf 'internal_domains = ["corp.example"];\ndatabase = "%s/no-such-dir/x.db";\n' "$tmp" >"$tmp/nodir.conf"
out=$("$DT" check-config -c "$tmp/nodir.conf" 2>"$tmp/lint.err"); rc=$?
out2=$("$B/dealtemp-milter" -n -c "$tmp/nodir.conf" 2>"$tmp/lint2.err"); rc2=$?
want="$tmp/nodir.conf:2: warning: database: directory $tmp/no-such-dir: No such file or directory; the milter will add X-Deal-Euphoria but keep no deal threads until it is created"
if [ $rc -eq 0 ] && [ "$out" = "dealtemp: $tmp/nodir.conf: OK (1 warning)" ] \
    && [ "$(cat "$tmp/lint.err")" = "dealtemp: $want" ] && [ $rc2 -eq 0 ] \
    && [ "$(cat "$tmp/lint2.err")" = "dealtemp-milter: $want" ] && [ ! -e "$tmp/no-such-dir" ]; then
    ok "check-config and dealtemp-milter -n warn (file:line, status 0) about a missing database directory"
else not_ok "database directory" "rc=$rc $out $(cat "$tmp/lint.err") rc2=$rc2 $out2 $(cat "$tmp/lint2.err")"; fi
printf 'internal_domains = ["corp.example"];\ndatabase = "postgresql://db.example/dealtemp";\nstore = { spool = "%s/spool.db"; };\n' "$tmp" >"$tmp/pg.conf"
out=$("$DT" check-config -c "$tmp/pg.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$out" = "dealtemp: $tmp/pg.conf: OK" ]; then
    ok "check-config connects to no postgresql:// database, and judges the spool's directory"
else not_ok "postgresql" "rc=$rc $out"; fi
printf 'internal_domains = ["corp.example"];\ndatabase = "postgresql://ann:s3%%zzcret@db.example/dealtemp";\n' >"$tmp/pgbad.conf"
out=$("$DT" check-config -c "$tmp/pgbad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "pgbad.conf:2: database: invalid PostgreSQL database string" \
    && ! echo "$out" | grep -q zzcret; then
    ok "check-config refuses a database string libpq cannot parse, in one line, without the password"
else not_ok "postgresql string" "rc=$rc $out"; fi
out=$("$DT" check-config -c tests/data/conf/missing-language.conf 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$out" = "dealtemp: tests/data/conf/missing-language.conf:4: euphoria.languages: 'sv': $PWD/tests/data/lexicons-min/sv.txt: No such file or directory" ]; then
    ok "check-config: a missing lexicon names the key and file:line that asked for it"
else not_ok "missing lexicon" "rc=$rc $out"; fi

printf 'database = "x.db";\ninternal_domains = ["corp.example"];\n' >"$tmp/min.conf"
if "$DT" check-config -c "$tmp/min.conf" >/dev/null; then
    ok "a configuration with only database and internal_domains is valid"
else not_ok "minimal conf" "refused"; fi

# --help and -h: help on stdout, exit 0, nothing done - wherever they stand.
# The configuration names a database in a directory that exists but holds
# nothing: a command that acted would create it (or fail on it).
mkdir "$tmp/db"
printf 'database = "%s/db/dealtemp.db";\ninternal_domains = ["corp.example"];\n' "$tmp" >"$tmp/db.conf"
bad=
for c in score explain text check-config import threads stats purge digest version; do
    for h in --help -h; do
        "$DT" $c -c "$tmp/db.conf" $h >"$tmp/help.out" 2>"$tmp/help.err"; rc=$?
        if [ $rc -ne 0 ] || [ -s "$tmp/help.err" ] || ! head -1 "$tmp/help.out" | grep -q "^usage: dealtemp $c"; then
            bad="$bad $c$h(rc=$rc)"
        fi
    done
    # after a wrong option, and with the configuration missing: still only help
    "$DT" $c --bogus -c "$tmp/nonexistent.conf" --help >"$tmp/help.out" 2>"$tmp/help.err" \
        || bad="$bad $c-after-bogus"
    [ "$(grep -c -- '-h, --help' "$tmp/help.out")" -eq 1 ] || bad="$bad $c-no-options"
done
if [ -z "$bad" ] && [ -z "$(ls -A "$tmp/db")" ]; then
    ok "every command's --help and -h print its help on stdout, exit 0 and do nothing"
else not_ok "--help" "$bad; in db/: $(ls -A "$tmp/db")"; fi
for args in --help -h help; do
    out=$("$DT" $args 2>&1); rc=$?
    if [ $rc -ne 0 ] || ! printf '%s\n' "$out" | grep -q '^usage: dealtemp score' \
        || ! printf '%s\n' "$out" | grep -q 'dealtemp help \[COMMAND\]'; then bad="$bad $args"; fi
done
out=$("$DT" help purge); rc=$?
if [ -z "$bad" ] && [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^usage: dealtemp purge \[-c CONF\]$'; then
    ok "dealtemp --help, -h and help print the general help; help COMMAND a command's"
else not_ok "general help" "$bad rc=$rc $out"; fi
out=$("$B/dealtemp-milter" -c "$tmp/nonexistent.conf" --help 2>"$tmp/help.err"); rc=$?
out2=$("$B/dealtemp-milter" -h); rc2=$?
if [ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ ! -s "$tmp/help.err" ] && [ "$out" = "$out2" ] \
    && printf '%s\n' "$out" | grep -q '^usage: dealtemp-milter' && printf '%s\n' "$out" | grep -q -- '-n'; then
    ok "dealtemp-milter --help and -h print the help on stdout, exit 0"
else not_ok "milter --help" "rc=$rc rc2=$rc2 $out $(cat "$tmp/help.err")"; fi

# A command line that is not understood: one line, the usage, exit 2, nothing done.
bad=
while IFS='|' read -r want args; do
    "$DT" $args >"$tmp/u.out" 2>"$tmp/u.err"; rc=$?
    if [ $rc -ne 2 ] || [ -s "$tmp/u.out" ] || [ "$(head -1 "$tmp/u.err")" != "dealtemp: $want" ] \
        || ! sed -n 2p "$tmp/u.err" | grep -q '^usage: dealtemp'; then
        bad="$bad [$args: rc=$rc $(head -2 "$tmp/u.err" | tr '\n' ' ')]"
    fi
done <<USAGE
stats: unknown option '--bogus'|stats -c $tmp/db.conf --bogus
purge: unexpected argument 'now'|purge -c $tmp/db.conf now
threads: option '--rep' needs a value|threads -c $tmp/db.conf --rep
threads: --state hot: not one of open, waiting, warm, cooling, stalled, slowed, hesitant, carried-away|threads -c $tmp/db.conf --state hot
digest: give exactly one of --dry-run or --send|digest -c $tmp/db.conf
import: give at least one --mbox FILE or --maildir DIR|import -c $tmp/db.conf
score: unknown option '-z'|score -z tests/data/analyze-inbound.eml
check-config needs -c CONF|check-config
unknown command 'purgeall'|purgeall
USAGE
if [ -z "$bad" ] && [ -z "$(ls -A "$tmp/db")" ]; then
    ok "wrong command lines: one line and the usage on stderr, exit 2, nothing done"
else not_ok "usage errors" "$bad; in db/: $(ls -A "$tmp/db")"; fi
out=$("$B/dealtemp-milter" --bogus 2>&1); rc=$?
if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | head -1)" = "dealtemp-milter: unknown option '--bogus'" ] \
    && printf '%s\n' "$out" | sed -n 2p | grep -q '^usage: dealtemp-milter'; then
    ok "dealtemp-milter refuses an unknown option the same way"
else not_ok "milter --bogus" "rc=$rc $out"; fi

# stats, threads, digest and purge on a database that does not exist: one
# line naming it, exit 1, and nothing created; import creates it.
bad=
for args in stats purge threads "threads --json" "digest --dry-run" "digest --send"; do
    "$DT" $args -c "$tmp/db.conf" >"$tmp/n.out" 2>"$tmp/n.err"; rc=$?
    want="dealtemp: $tmp/db/dealtemp.db: no such database (run dealtemp import, or start the milter, to create it)"
    if [ $rc -ne 1 ] || [ "$(cat "$tmp/n.err")" != "$want" ] || [ -s "$tmp/n.out" ]; then
        bad="$bad [$args: rc=$rc $(cat "$tmp/n.err") $(head -c 80 "$tmp/n.out")]"
    fi
done
if [ -z "$bad" ] && [ -z "$(ls -A "$tmp/db")" ]; then
    ok "stats, threads, digest, purge on a missing database: one line naming it, exit 1, nothing created"
else not_ok "missing database" "$bad; in db/: $(ls -A "$tmp/db")"; fi
: >"$tmp/empty.mbox"
out=$("$DT" import -c "$tmp/db.conf" --mbox "$tmp/empty.mbox" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -f "$tmp/db/dealtemp.db" ] && "$DT" stats -c "$tmp/db.conf" >/dev/null \
    && "$DT" purge -c "$tmp/db.conf" | grep -q '^dealtemp: purged 0 messages'; then
    ok "import creates the database; then stats and purge open it"
else not_ok "import creates" "rc=$rc $out; $(ls -A "$tmp/db")"; fi
rm -f "$tmp/db/"*

# threads / digest --rep for an address without deals: said on stderr, exit 0
# (the table still has its heading); a rep with deals but nothing to report
# is told apart.
sed "s|^database = .*|database = \"$tmp/db/team.db\";|" tests/data/timeline/team.conf >"$tmp/team.conf"
"$DT" import -c "$tmp/team.conf" --mbox tests/data/timeline/team-3weeks.mbox >/dev/null 2>&1
AS_OF=2026-11-20T17:00:00Z
"$DT" threads -c "$tmp/team.conf" --as-of $AS_OF --rep nobody@corp.example >"$tmp/t.out" 2>"$tmp/t.err"; rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/t.err")" = "dealtemp: no deals for nobody@corp.example" ] \
    && [ "$(wc -l <"$tmp/t.out")" -eq 1 ] && grep -q '^THREAD ' "$tmp/t.out"; then
    ok "threads --rep without deals: the heading, and 'no deals for ADDR' on stderr, exit 0"
else not_ok "threads no deals" "rc=$rc $(cat "$tmp/t.err" "$tmp/t.out")"; fi
"$DT" threads -c "$tmp/team.conf" --as-of $AS_OF --rep ANN@corp.example --state open >"$tmp/t.out" 2>"$tmp/t.err"; rc=$?
"$DT" threads -c "$tmp/team.conf" --as-of $AS_OF --rep Ann@Corp.Example --json >"$tmp/t2.out" 2>"$tmp/t2.err"; rc2=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/t.err")" = "dealtemp: no open deals for ann@corp.example" ] \
    && [ $rc2 -eq 0 ] && [ ! -s "$tmp/t2.err" ] && [ "$(wc -l <"$tmp/t2.out")" -ge 2 ]; then
    ok "threads --rep matches the address in any case; --state says what it looked for"
else not_ok "threads --rep case/state" "rc=$rc $(cat "$tmp/t.err") rc2=$rc2 $(cat "$tmp/t2.err") $(wc -l <"$tmp/t2.out")"; fi
"$DT" digest -c "$tmp/team.conf" --as-of $AS_OF --dry-run --rep nobody@corp.example >"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
"$DT" digest -c "$tmp/team.conf" --as-of $AS_OF --dry-run --rep dirk@corp.example >"$tmp/d2.out" 2>"$tmp/d2.err"; rc2=$?
"$DT" digest -c "$tmp/team.conf" --as-of $AS_OF --dry-run --rep ann@corp.example >"$tmp/d3.out" 2>"$tmp/d3.err"; rc3=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/d.out" ] && [ "$(cat "$tmp/d.err")" = "dealtemp: no deals for nobody@corp.example" ] \
    && [ $rc2 -eq 0 ] && [ ! -s "$tmp/d2.out" ] \
    && grep -qx "dealtemp: digest: nothing to report for dirk@corp.example ([0-9]* deals\?, none stalled, cooling, hesitant, slowed or carried away)" "$tmp/d2.err" \
    && [ $rc3 -eq 0 ] && [ ! -s "$tmp/d3.err" ] && grep -q '^From ' "$tmp/d3.out"; then
    ok "digest --rep: 'no deals for ADDR', or nothing to report with the number of deals, exit 0"
else not_ok "digest no deals" "rc=$rc $(cat "$tmp/d.err") rc2=$rc2 $(cat "$tmp/d2.err") rc3=$rc3 $(cat "$tmp/d3.err")"; fi
rm -f "$tmp/db/"*

# Text from mail never reaches the terminal raw. A rep's euphoric mail whose
# subject, display names and body carry U+202E, U+2066..U+2069, U+200E/U+200F,
# C0 and C1 controls and ESC sequences is imported from a maildir whose file
# names are hostile too (one a FIFO: skipped, named on stderr); then import,
# threads, threads --json, explain, score, text and stats print it. No output
# may hold a control but LF and TAB, a C1 control or a hidden character
# (utf8.h); the JSON keeps the subject exactly, \u-escaped.
why=""
mkdir -p "$tmp/hmd/cur" "$tmp/hmd/new" "$tmp/hmd/tmp" "$tmp/hdb"
printf 'database = "%s";\ninternal_domains = ["corp.example"];\n' "$tmp/hdb/h.db" >"$tmp/h.conf"
RLO=$'\xe2\x80\xae' LRI=$'\xe2\x81\xa6' PDI=$'\xe2\x81\xa9' LRM=$'\xe2\x80\x8e' RLM=$'\xe2\x80\x8f'
ESC=$'\x1b' CSI1=$'\xc2\x9b'
hostile="$tmp/hmd/cur/1795446300.M1${ESC}[31m${RLO}P1:2,S"
{
    printf 'From: "Ann %s[2J%sRep" <ann@corp.example>\n' "$ESC" "$RLO"
    printf 'To: "Sarah %s%s%s" <sarah@northwind.example>\n' "$LRI" "$CSI1" "$PDI"
    printf 'Subject: Invoice %sfdp.exe %s]0;owned%s %sdeal%s\n' "$RLO" "$ESC" $'\x07' "$LRM" "$RLM"
    printf 'Date: Tue, 17 Nov 2026 16:05:00 +0100\nMessage-ID: <hostile@corp.example>\n'
    printf 'Content-Type: text/plain; charset=utf-8\n\n'
    printf 'AMAZING%s news%s, we are SO excited!!! %s[5m Cannot wait %sto sign!!!\n' \
        "$RLO" "$LRI" "$ESC" "$CSI1"
} >"$hostile"
mkfifo "$tmp/hmd/new/1795446400.M2${ESC}]0;x${RLO}fifo"
# (timeout: a FIFO used to hang the import for ever)
timeout 30 "$DT" import -c "$tmp/h.conf" --maildir "$tmp/hmd" >"$tmp/h.import" 2>"$tmp/h.import.err"; rc1=$?
"$DT" threads -c "$tmp/h.conf" --as-of 2026-11-18 >"$tmp/h.threads" 2>&1
"$DT" threads -c "$tmp/h.conf" --as-of 2026-11-18 --json >"$tmp/h.json" 2>&1
"$DT" explain -c "$CONF" "$hostile" >"$tmp/h.explain" 2>&1
"$DT" score -c "$CONF" "$hostile" >"$tmp/h.score" 2>&1
"$DT" text -c "$CONF" "$hostile" >"$tmp/h.text" 2>&1
"$DT" stats -c "$tmp/h.conf" >"$tmp/h.stats" 2>&1
if [ $rc1 -eq 0 ] && why=$(python3 - "$tmp" <<'PY'
import json, sys, unicodedata
t = sys.argv[1]
hidden = lambda c: (c in (0x061c, 0x200e, 0x200f, 0x00ad, 0x180e, 0x200b, 0xfeff)
                    or 0x202a <= c <= 0x202e or 0x2066 <= c <= 0x2069 or 0x2060 <= c <= 0x2064
                    or 0x206a <= c <= 0x206f or 0xfff9 <= c <= 0xfffb or 0xe0000 <= c <= 0xe007f)
for name in ("import", "import.err", "threads", "json", "explain", "score", "text", "stats"):
    text = open(f"{t}/h.{name}", "rb").read().decode("utf-8")  # valid UTF-8, or this fails
    for c in map(ord, text):
        if (c < 0x20 and c not in (9, 10)) or 0x7f <= c < 0xa0 or hidden(c):
            sys.exit(f"{name}: U+{c:04X} printed")
imp = open(f"{t}/h.import").read()
assert "1 imported" in imp and "1 skipped" in imp, imp
err = open(f"{t}/h.import.err").read()
assert "a FIFO, not a regular file" in err and err.count("\n") == 1, err
threads = open(f"{t}/h.threads").read()
assert "Invoice fdp.exe ]0;owned deal" in threads, threads
row = json.loads(open(f"{t}/h.json").readline())
assert "\u202e" in row["subject"] and "\u200e" in row["subject"], row["subject"]
assert "\\u202e" in open(f"{t}/h.json").read()
assert "[[AMAZING]]" in open(f"{t}/h.explain").read()
PY
); then
    ok "hostile subjects, names, bodies and file names: no control, C1, bidi or hidden character reaches the terminal; JSON keeps them escaped"
else not_ok "terminal-safe output" "rc=$rc1 $why"; fi

if [ "$("$DT" version)" = "$("$B/dealtemp-milter" -V | sed 's/-milter//')" ]; then
    ok "versions agree"
else not_ok "versions" "differ"; fi

[ $failures -eq 0 ] || { echo "run-cli: $failures failed"; exit 1; }
echo "run-cli: all passed"
