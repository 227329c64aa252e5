#!/bin/bash
#
# run-digest.sh - `dealtemp digest` end to end on the three-week team history
# (tests/data/timeline/team-3weeks.mbox), as of 2026-11-20T17:00:00Z.
#
#   a) --dry-run: an mbox with one digest per rep with something to report,
#      each To that rep only, multipart/alternative (text/plain + text/html),
#      no defects, Auto-Submitted, a counting Subject; its deals are exactly
#      that rep's stalled/cooling/slowed threads of `dealtemp threads --json`,
#      and nothing of another rep's (tests/integration/digest-check.py)
#   b) --send through a private Postfix into Maildirs (virtual(8)): by SMTP
#      (digest.smtp, libetpan) and by local submission (digest.sendmail =
#      sendmail -C ... -t -i); each rep's Maildir gets exactly one, parsed as in a)
#   c) a second --send the same day sends nothing; --force sends again
#   d) failures reported per rep with the reason, exit status 1, the others
#      still sent: a missing sendmail, a sendmail exiting 75 for one rep, SMTP
#      to a closed port
#   e) digest.languages: ann's digest German, bram's French, chloe's English,
#      the manager's roll-up Dutch (a dry run)
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed. Runs as
# root (a private Postfix). DT_BUILD=build-san runs the sanitizer binaries.
set -u

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dt_init postfix postmap sendmail python3 timeout
[ "$(id -u)" = 0 ] || fail "run-digest.sh must run as root (a private Postfix delivering as nobody, sendmail -C)"

DT=$DT_BUILD/dealtemp
[ -x "$DT" ] || fail "no $DT (make $DT)"
DATA=$DT_ROOT/tests/data/timeline
MBOX=$DATA/team-3weeks.mbox
[ -s "$MBOX" ] || fail "fixture $MBOX missing"
CHECK=$DT_ROOT/tests/integration/digest-check.py
AS_OF=2026-11-20T17:00:00Z
FROM=dealtemp@corp.example
REPS="ann@corp.example bram@corp.example chloe@corp.example dirk@corp.example"
W=$DT_TMP/digest
mkdir -p "$W"

# ---------------------------------------------------------------- helpers

# conf_write NAME [DIGEST_SETTING]: $W/NAME.conf with its own database
# $W/NAME.db; DIGEST_SETTING is one more line inside digest = { }.
conf_write() {
    {
        printf 'database = "%s";\n' "$W/$1.db"
        printf 'internal_domains = ["corp.example"];\n'
        printf 'digest = {\n    from = "%s";\n    %s\n};\n' "$FROM" "${2:-}"
    } >"$W/$1.conf"
}

# new_store NAME [DIGEST_SETTING]: conf_write, then the history imported.
new_store() {
    conf_write "$@"
    timeout 60 "$DT" import -c "$W/$1.conf" --mbox "$MBOX" >"$W/$1.import" 2>&1 ||
        fail "import into $1 failed: $(cat "$W/$1.import")"
}

# digest NAME ARGS...: run the digest on NAME's store; stdout $W/NAME.out,
# stderr $W/NAME.err (appended to $W/all.err), exit status in RC.
RC=0
digest() {
    local name=$1
    shift
    timeout 120 "$DT" digest -c "$W/$name.conf" --as-of "$AS_OF" "$@" >"$W/$name.out" 2>"$W/$name.err"
    RC=$?
    cat "$W/$name.err" >>"$W/all.err"
}

# The threads each rep owns, from `dealtemp threads --rep`, for digest-check.py.
THREAD_ARGS=()
load_threads() {
    local r
    for r in $REPS; do
        timeout 60 "$DT" threads -c "$W/$1.conf" --json --as-of "$AS_OF" --rep "$r" >"$W/threads-$r.json" ||
            fail "dealtemp threads --rep $r failed"
        THREAD_ARGS+=(--threads "$r=$W/threads-$r.json")
    done
}

# check LABEL ARGS...: digest-check.py's lines, counted like ours.
check() {
    local label=$1 line
    shift
    while IFS= read -r line; do
        case $line in
        "ok - "*) dt_ok "${line#ok - }" ;;
        "not ok - "*)
            echo "$line"
            DT_COUNT=$((DT_COUNT + 1)) DT_FAILED=$((DT_FAILED + 1))
            ;;
        *) echo "# $line" ;;
        esac
    done < <(python3 "$CHECK" "$label" "${THREAD_ARGS[@]}" --from "$FROM" "$@" 2>&1)
}

# summary_is NAME TEXT: the last stderr line is the digest's summary TEXT.
summary_is() {
    [ "$(tail -n 1 "$W/$1.err")" = "dealtemp: digest: $2" ]
}

# counts: "ann=N bram=N chloe=N dirk=N" of the Maildirs.
counts() {
    local r out=""
    for r in $REPS; do
        out="$out ${r%@*}=$(dt_maildir_files "$r" | grep -c '^')"
    done
    echo "${out# }"
}

# snapshot NAME: remember the Maildir listings; new_since NAME: the files
# delivered since, one per line.
snapshot() {
    local r
    for r in $REPS; do dt_maildir_files "$r"; done | sort >"$W/$1.before"
}
new_since() {
    local r
    for r in $REPS; do dt_maildir_files "$r"; done | sort | comm -13 "$W/$1.before" -
}

# wait_one_more NAME: ann, bram and chloe get one more message than at
# `snapshot NAME`, dirk none; the queue empties.
wait_one_more() {
    local r n
    for r in $REPS; do
        n=$(grep -c "/${r}/" "$W/$1.before")
        [ "$r" = dirk@corp.example ] || n=$((n + 1))
        dt_wait_maildir "$r" "$n" 30 || return 1
    done
}

# ---------------------------------------------------------------- a) dry run

new_store dry
load_threads dry
digest dry --dry-run
if [ "$RC" -eq 0 ] && [ ! -s "$W/dry.err" ] && [ "$(grep -c '^From ' "$W/dry.out")" -eq 3 ]; then
    dt_ok "a) digest --dry-run exits 0, writes 3 mbox entries, nothing on stderr"
else
    dt_not_ok "a) digest --dry-run" "exit $RC, $(grep -c '^From ' "$W/dry.out") entries, stderr: $(head -c 300 "$W/dry.err")"
fi
check "a) dry-run" --mbox "$W/dry.out"
# The customer's side in the cards: the two new states with their advice, and who is involved.
python3 - "$W/dry.out" >"$W/dry.side" 2>&1 <<'PY'
import email, mailbox, sys
from email import policy
text = {}
for m in mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=policy.default)):
    text[m["To"]] = " ".join(m.get_body(("plain",)).get_content().split())
want = {
    "chloe@corp.example": ["== Carried away (1) ==", "Emma Clarke, Harbourview Hotels",
                           "Only Emma Clarke at Harbourview Hotels so far",
                           "Slow down: ask who else at Harbourview Hotels must agree"],
    "ann@corp.example": ["== Hesitant (1) ==", "Marco Rossi, Alpina Foods",
                         "Replied after 1 day — usually 6 hours (in this thread)",
                         "ask what stands in the way and who else must agree"],
    "bram@corp.example": ["2 people at Rheinwerk Maschinen so far (Lisa Brandt, + Jonas Weber since Tue 10 Nov)",
                          "+ New on their side: Jonas Weber joined on Tue 10 Nov — a good sign"],
}
bad = ["%s lacks %r" % (rep, w) for rep, ws in want.items() for w in ws if w not in text.get(rep, "")]
print("\n".join(bad) if bad else "ok")
PY
if [ "$(cat "$W/dry.side")" = ok ]; then
    dt_ok "a) the cards show carried-away (Harbourview) and hesitant (Alpina) with their advice, and Rheinwerk's second person as a good sign"
else
    dt_not_ok "a) the customer's side in the cards" "$(head -c 600 "$W/dry.side")"
fi
digest dry --dry-run --rep bram@corp.example
check "a) dry-run --rep bram" --only bram@corp.example --mbox "$W/dry.out"

# ---------------------------------------------------------------- e) languages

new_store langs 'managers = ( { address = "boss@corp.example"; reps = [ "@corp.example" ]; } );
    languages = { de = [ "ann@corp.example" ]; fr = [ "@corp.example" ]; en = [ "chloe@corp.example" ];
                  nl = [ "boss@corp.example" ]; };'
digest langs --dry-run
# Each message: its To, the html lang attribute, the text part's first line.
if [ "$RC" -eq 0 ] && [ ! -s "$W/langs.err" ]; then
    python3 - "$W/langs.out" >"$W/langs.check" 2>&1 <<'PY'
import email, email.policy, mailbox, sys
want = {"ann@corp.example": ("de", "Deals, die nach Ihrer Begeisterung abkühlen — "),
        "bram@corp.example": ("fr", "Affaires qui refroidissent après l'enthousiasme — "),
        "chloe@corp.example": ("en", "Deals cooling after enthusiasm — "),
        "boss@corp.example": ("nl", "Teamoverzicht: deals die afkoelen na enthousiasme — ")}
box = mailbox.mbox(sys.argv[1])
seen = set()
for key in box.keys():
    m = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    to = m["To"].addresses[0].addr_spec
    text, html = (p.get_content() for p in m.iter_parts())
    lang, first = want.get(to, ("?", "?"))
    if f'<html lang="{lang}">' not in html or not text.startswith(first) or m.defects:
        print(f"{to}: not {lang}: first line {text.splitlines()[0]!r}, defects {m.defects}")
    seen.add(to)
if seen != set(want):
    print(f"messages to {sorted(seen)}, expected {sorted(want)}")
PY
fi
if [ "$RC" -eq 0 ] && [ ! -s "$W/langs.err" ] && [ ! -s "$W/langs.check" ]; then
    dt_ok "e) digest.languages: ann German, bram French (his domain), chloe English (her address beats it), the roll-up Dutch"
else
    dt_not_ok "e) digest.languages" "exit $RC, $(head -c 300 "$W/langs.err") $(head -c 600 "$W/langs.check" 2>/dev/null)"
fi

# ---------------------------------------------------------------- b) Postfix

SINK_PORT="" DT_SMTPD_PORT="" CLOSED_PORT=""
dt_free_port SINK_PORT # relayhost only: nothing here may leave corp.example
dt_free_port DT_SMTPD_PORT
dt_free_port CLOSED_PORT
# shellcheck disable=SC2086 # one word per rep
dt_postfix_maildir corp.example $REPS
dt_postfix_start "$DT_SMTPD_PORT" "$SINK_PORT"
dt_note "smtpd 127.0.0.1:$DT_SMTPD_PORT, maildirs $DT_VMAIL_BASE, tmp $DT_TMP"

# b1) by SMTP, on the store the dry run used (a dry run records nothing).
conf_write dry "smtp = \"127.0.0.1:$DT_SMTPD_PORT\";"
snapshot smtp
digest dry --send
if [ "$RC" -eq 0 ] && summary_is dry "3 sent, 0 already sent today, 0 failed" &&
    wait_one_more smtp; then
    dt_ok "b) --send by SMTP (digest.smtp): exit 0, 3 sent, one in each rep's Maildir ($(counts))"
else
    dt_not_ok "b) --send by SMTP" "exit $RC, stderr: $(tr '\n' ' ' <"$W/dry.err"), maildirs: $(counts)"
fi
mapfile -t NEW < <(new_since smtp)
if [ "${#NEW[@]}" -gt 0 ]; then
    check "b) SMTP delivery" --eml "${NEW[@]}"
    # grep -L: the files without such a line; none may be listed.
    if ! grep -L "^Received: from .*\[127\.0\.0\.1\]" "${NEW[@]}" | grep -q .; then
        dt_ok "b) the SMTP copies came in through smtpd (Received: from ... [127.0.0.1])"
    else
        dt_not_ok "b) the SMTP copies came in through smtpd" "$(grep -L "\[127\.0\.0\.1\]" "${NEW[@]}")"
    fi
fi

# c) the same day again: nothing new; --force: again.
digest dry --send
sleep 1
if [ "$RC" -eq 0 ] && summary_is dry "0 sent, 3 already sent today, 0 failed" && dt_queue_empty &&
    [ "$(counts)" = "ann=1 bram=1 chloe=1 dirk=0" ]; then
    dt_ok "c) second --send the same day: 0 sent, 3 already sent today, Maildirs unchanged"
else
    dt_not_ok "c) second --send the same day" "exit $RC, stderr: $(tr '\n' ' ' <"$W/dry.err"), maildirs: $(counts)"
fi
snapshot force
digest dry --send --force
if [ "$RC" -eq 0 ] && summary_is dry "3 sent, 0 already sent today, 0 failed" &&
    wait_one_more force; then
    dt_ok "c) --send --force: sent again, one more each ($(counts))"
else
    dt_not_ok "c) --send --force" "exit $RC, stderr: $(tr '\n' ' ' <"$W/dry.err"), maildirs: $(counts)"
fi
mapfile -t NEW < <(new_since force)
[ "${#NEW[@]}" -gt 0 ] && check "c) forced delivery" --eml "${NEW[@]}"

# b2) by local submission: Postfix's sendmail with the private configuration.
new_store local "sendmail = \"/usr/sbin/sendmail -C $DT_PF_ETC -t -i\";"
snapshot local
digest local --send
if [ "$RC" -eq 0 ] && summary_is local "3 sent, 0 already sent today, 0 failed" &&
    wait_one_more local; then
    dt_ok "b) --send by sendmail -C ... -t -i (digest.sendmail): exit 0, 3 sent, one more each ($(counts))"
else
    dt_not_ok "b) --send by sendmail" "exit $RC, stderr: $(tr '\n' ' ' <"$W/local.err"), maildirs: $(counts)"
fi
mapfile -t NEW < <(new_since local)
if [ "${#NEW[@]}" -gt 0 ]; then
    check "b) sendmail delivery" --eml "${NEW[@]}"
    if ! grep -L "(Postfix, from userid 0)" "${NEW[@]}" | grep -q .; then
        dt_ok "b) the sendmail copies came in by local submission (Received: ... from userid 0)"
    else
        dt_not_ok "b) the sendmail copies came in by local submission" "$(grep -L "from userid" "${NEW[@]}")"
    fi
fi
dt_postfix_stop

# ---------------------------------------------------------------- d) failures

# d1) digest.sendmail names a program that does not exist.
new_store missing "sendmail = \"$W/no-such-sendmail -t -i\";"
digest missing --send
bad=""
for r in ann bram chloe; do
    grep -qxF "dealtemp: digest for $r@corp.example: $W/no-such-sendmail: No such file or directory" "$W/missing.err" ||
        bad="$bad $r"
done
if [ "$RC" -eq 1 ] && [ -z "$bad" ] && summary_is missing "0 sent, 0 already sent today, 3 failed"; then
    dt_ok "d) missing sendmail: each rep reported with the reason, exit 1"
else
    dt_not_ok "d) missing sendmail" "exit $RC, not reported:${bad:- none}, stderr: $(tr '\n' '|' <"$W/missing.err")"
fi

# d2) a sendmail that refuses bram's digest with EX_TEMPFAIL, keeps the others.
mkdir -p "$W/fake-out"
cat >"$W/fake-sendmail" <<EOF
#!/bin/sh
# A fake sendmail: keeps each message in $W/fake-out, exits 75
# (EX_TEMPFAIL) when the message's To: line is bram's.
out=\$(mktemp "$W/fake-out/msg.XXXXXX") || exit 71
cat >"\$out"
if sed -e 's/\r\$//' -e '/^\$/q' "\$out" | grep -qi '^To:.*bram@corp\.example'; then
    rm -f "\$out"
    echo "fake-sendmail: mailbox busy, try later"
    exit 75
fi
exit 0
EOF
chmod 755 "$W/fake-sendmail"
new_store tempfail "sendmail = \"$W/fake-sendmail -t -i\";"
digest tempfail --send
want="dealtemp: digest for bram@corp.example: sendmail exited 75 (temporary failure): fake-sendmail: mailbox busy, try later"
if [ "$RC" -eq 1 ] && grep -qxF "$want" "$W/tempfail.err" && [ "$(grep -c 'digest for' "$W/tempfail.err")" -eq 1 ] &&
    summary_is tempfail "2 sent, 0 already sent today, 1 failed"; then
    dt_ok "d) sendmail exit 75 for bram: reported with the reason, exit 1, 2 sent"
else
    dt_not_ok "d) sendmail exit 75 for bram" "exit $RC, stderr: $(tr '\n' '|' <"$W/tempfail.err")"
fi
mapfile -t NEW < <(find "$W/fake-out" -type f)
check "d) the others despite bram's failure" --only ann@corp.example,chloe@corp.example --eml "${NEW[@]}"
# The failure was not recorded: the next run retries bram only.
digest tempfail --send
if [ "$RC" -eq 1 ] && summary_is tempfail "0 sent, 2 already sent today, 1 failed" &&
    grep -qxF "$want" "$W/tempfail.err" && [ "$(find "$W/fake-out" -type f | wc -l)" -eq 2 ]; then
    dt_ok "d) the next run retries bram only (0 sent, 2 already sent today, 1 failed)"
else
    dt_not_ok "d) retry after a failure" "exit $RC, stderr: $(tr '\n' '|' <"$W/tempfail.err")"
fi

# d3) SMTP to a loopback port nobody listens on.
dt_port_listening "$CLOSED_PORT" && fail "port $CLOSED_PORT is in use now"
new_store refused "smtp = \"127.0.0.1:$CLOSED_PORT\";"
digest refused --send
bad=""
for r in ann bram chloe; do
    grep -qxF "dealtemp: digest for $r@corp.example: smtp 127.0.0.1:$CLOSED_PORT: connection refused" "$W/refused.err" ||
        bad="$bad $r"
done
if [ "$RC" -eq 1 ] && [ -z "$bad" ] && summary_is refused "0 sent, 0 already sent today, 3 failed"; then
    dt_ok "d) SMTP connection refused: each rep reported with the reason, exit 1"
else
    dt_not_ok "d) SMTP refused" "exit $RC, not reported:${bad:- none}, stderr: $(tr '\n' '|' <"$W/refused.err")"
fi

if grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$W/all.err"; then
    dt_not_ok "no sanitizer report" "$(grep -m1 -E 'Sanitizer|runtime error:' "$W/all.err")"
else
    dt_ok "no sanitizer report on any dealtemp digest run"
fi

echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
if [ "$DT_FAILED" -ne 0 ]; then
    dt_tail "postfix maillog" "$DT_MAILLOG" 30
    exit 1
fi
exit 0
