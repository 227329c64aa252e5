#!/usr/bin/env bash
# Black-box tests of `make install` / `make uninstall` into a DESTDIR: every
# file where dealtemp-milter(8) says, with its mode; the paths rewritten for
# an installed system; an admin's configuration never overwritten; the
# installed binary finding the installed lexicons; the man pages rendering
# without a warning; the systemd units passing `systemd-analyze verify`; the
# tmpfiles.d entry creating its directories; uninstall leaving only the
# configuration. Every check prints "ok - name" or "not ok - name: why"; the
# exit status is 1 if any failed. Needs root (tmpfiles chowns).
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
B=${DT_BUILD:-build}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
P=$dest/usr/local

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; failures=$((failures + 1)); }
for tool in groff man systemd-analyze systemd-tmpfiles; do
    command -v "$tool" >/dev/null || { echo "not ok - $tool missing: run make deps"; exit 1; }
done

# The same tree and flags as the binaries under test (an outer `make check`
# passes its CC and SANITIZE on through MAKEFLAGS), so nothing is rebuilt.
san=()
case $B in *build-san) san=(SANITIZE=1) ;; esac
dt_make() { make --no-print-directory -C "$top" BUILD="$B" "${san[@]}" \
    PREFIX=/usr/local DESTDIR="$dest" "$@"; }

# --- install: every file, its mode, nothing else ------------------------------
if dt_make install >"$tmp/install1.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=/usr/local succeeds"
else not_ok "make install" "$(tail -5 "$tmp/install1.log")"; fi

expected="755 usr/local/bin/dealtemp
755 usr/local/sbin/dealtemp-milter
644 usr/local/etc/dealtemp/dealtemp.conf
644 usr/local/share/dealtemp/lexicons/common.txt
644 usr/local/share/dealtemp/lexicons/de.txt
644 usr/local/share/dealtemp/lexicons/en.txt
644 usr/local/share/dealtemp/lexicons/fr.txt
644 usr/local/share/dealtemp/lexicons/nl.txt
644 usr/local/share/dealtemp/lexicons/recruiting-de.txt
644 usr/local/share/dealtemp/lexicons/recruiting-en.txt
644 usr/local/share/dealtemp/lexicons/recruiting-fr.txt
644 usr/local/share/dealtemp/lexicons/recruiting-nl.txt
644 usr/local/share/man/man1/dealtemp.1
644 usr/local/share/man/man5/dealtemp.conf.5
644 usr/local/share/man/man8/dealtemp-milter.8
644 usr/local/lib/systemd/system/dealtemp-milter.service
644 usr/local/lib/systemd/system/dealtemp-digest.service
644 usr/local/lib/systemd/system/dealtemp-digest.timer
644 usr/local/lib/tmpfiles.d/dealtemp.conf"
(cd "$dest" && find . -type f -printf '%m %P\n' | sort) >"$tmp/found"
printf '%s\n' "$expected" | sort >"$tmp/expected"
if diff "$tmp/expected" "$tmp/found" >"$tmp/files.diff"; then
    ok "exactly the expected 19 files, with their modes"
else not_ok "installed files" "$(cat "$tmp/files.diff")"; fi
bad_dirs=$(cd "$dest" && find usr/local -type d ! -perm 755)
if [ -z "$bad_dirs" ]; then ok "directories are 0755"; else not_ok "directory modes" "$bad_dirs"; fi
for f in "$P/bin/dealtemp" "$P/sbin/dealtemp-milter"; do
    if cmp -s "$f" "$B/${f##*/}"; then
        ok "${f##*/} is the binary under test"
    else not_ok "${f##*/}" "differs from $B/${f##*/}"; fi
done

# --- the installed configuration --------------------------------------------
conf=$P/etc/dealtemp/dealtemp.conf
if grep -q '^database = "/var/lib/dealtemp/dealtemp.db";$' "$conf" && grep -q '^# make install:' "$conf" \
    && ! grep -q '^database = "var/dealtemp.db"' "$conf"; then
    ok "installed config keeps its database in /var/lib/dealtemp, with a comment saying so"
else not_ok "installed database path" "$(grep -n 'database' "$conf")"; fi
if grep -q '^    spool = "/var/lib/dealtemp/spool.db";$' "$conf"; then
    ok "installed config keeps its spool in /var/lib/dealtemp"
else not_ok "installed spool path" "$(grep -n 'spool = ' "$conf")"; fi
if diff <(grep -v '^database = \|^# make install:\|^# (the sample in the source tree\|^    spool = ' "$conf") \
        <(grep -v '^database = \|^    # spool = ' conf/dealtemp.conf) >/dev/null; then
    ok "installed config is the sample otherwise"
else not_ok "installed config" "differs from conf/dealtemp.conf beyond the database and spool lines"; fi
if ! grep -q '^[[:space:]]*lexicon_dir' "$conf"; then
    ok "installed config leaves lexicon_dir unset"
else not_ok "lexicon_dir" "set in the installed config"; fi
out=$("$P/bin/dealtemp" check-config -c "$conf" 2>&1) && out2=$("$P/sbin/dealtemp-milter" -n -c "$conf" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "installed binaries accept the installed config"
else not_ok "installed config check" "$out $out2"; fi

# --- the installed binary finds the installed lexicons -----------------------
# A word only the installed en.txt knows: scored, so that copy was read.
printf 'zorbulent                           1.5   hype\n' >>"$P/share/dealtemp/lexicons/en.txt"
cat >"$tmp/m.eml" <<'EOF'
From: Ann <ann@example.com>
To: Bob <bob@customer.example>
Subject: proposal
Date: Mon, 16 Nov 2026 10:00:00 +0000
Message-ID: <install-test@example.com>

Hello Bob, the proposal is zorbulent and the team thinks the plan is
zorbulent as well. We will send the figures for the pilot on Friday and
look at the rollout with your colleagues the week after.
EOF
"$P/bin/dealtemp" score -c "$conf" "$tmp/m.eml" >"$tmp/score.json" 2>"$tmp/score.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"kind":"hype","text":"zorbulent"' "$tmp/score.json" \
    && grep -q '"lang":"en"' "$tmp/score.json"; then
    ok "installed dealtemp reads <exe>/../share/dealtemp/lexicons"
else not_ok "installed lexicons" "rc=$rc $(cat "$tmp/score.json" "$tmp/score.err")"; fi
# profile = "recruiting" reads the installed recruiting-en.txt and -nl.txt too.
sed 's/^internal_domains = .*/&\nprofile = "recruiting";/' "$conf" >"$tmp/recruiting.conf"
"$P/bin/dealtemp" score -c "$tmp/recruiting.conf" "$tmp/m.eml" >/dev/null 2>"$tmp/score.err"
rc=$?
printf 'Hello Bob, you would be the dream candidate for the role.\n' >>"$tmp/m.eml"
if [ $rc -eq 0 ] && grep -q '^profile = "recruiting";$' "$tmp/recruiting.conf" &&
    "$P/bin/dealtemp" score -c "$tmp/recruiting.conf" "$tmp/m.eml" | grep -q '"text":"dream candidate"'; then
    ok "installed dealtemp reads the installed recruiting lexicons with profile = \"recruiting\""
else not_ok "installed recruiting lexicons" "rc=$rc $(cat "$tmp/score.err")"; fi
# Without them it falls back to DT_DATADIR (/usr/local/share/dealtemp), which
# exists only where dealtemp is really installed; otherwise it refuses.
mv "$P/share/dealtemp/lexicons" "$tmp/lexicons.away"
out=$("$P/sbin/dealtemp-milter" -n -c "$conf" 2>&1); rc=$?
mv "$tmp/lexicons.away" "$P/share/dealtemp/lexicons"
if [ -f /usr/local/share/dealtemp/lexicons/common.txt ]; then
    if [ $rc -eq 0 ]; then ok "without them the installed milter falls back to /usr/local/share/dealtemp"
    else not_ok "no lexicons" "rc=$rc $out"; fi
elif [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'no lexicon directory found'; then
    ok "without them the installed milter refuses to start, naming the lexicons"
else not_ok "no lexicons" "rc=$rc $out"; fi

# --- install again: the admin's configuration is kept -----------------------
dt_make install >"$tmp/install2.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -e "$conf.new" ] && grep -q 'left as it is' "$tmp/install2.log"; then
    ok "reinstall over an unchanged config writes no .new"
else not_ok "reinstall unchanged" "rc=$rc $(tail -3 "$tmp/install2.log")"; fi
printf 'internal_domains = [ "corp.example" ]; # admin\n' >"$tmp/admin.conf"
sed '/^internal_domains = /d' "$conf" >>"$tmp/admin.conf"
install -m 640 "$tmp/admin.conf" "$conf"
dt_make install >"$tmp/install3.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && cmp -s "$conf" "$tmp/admin.conf" && [ "$(stat -c %a "$conf")" = 640 ]; then
    ok "reinstall keeps the admin's config, contents and mode"
else not_ok "admin config" "rc=$rc $(diff "$conf" "$tmp/admin.conf" | head -5)"; fi
if [ -f "$conf.new" ] && [ "$(stat -c %a "$conf.new")" = 644 ] && grep -q 'example.com' "$conf.new" \
    && grep -q '^database = "/var/lib/dealtemp/dealtemp.db";$' "$conf.new" \
    && grep -q "kept your $conf; the new sample is $conf.new" "$tmp/install3.log"; then
    ok "the new sample goes to dealtemp.conf.new, with a message"
else not_ok "dealtemp.conf.new" "$(tail -3 "$tmp/install3.log")"; fi

# --- man pages ---------------------------------------------------------------
for page in "$P/share/man/man1/dealtemp.1" "$P/share/man/man5/dealtemp.conf.5" \
    "$P/share/man/man8/dealtemp-milter.8"; do
    name=${page##*/}
    warn=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
    lint=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
    if [ -z "$warn" ] && [ -z "$lint" ] && printf '%s' "$text" | grep -q '^NAME' \
        && printf '%s' "$text" | grep -q '^SEE ALSO'; then
        ok "man -l $name renders without a warning"
    else not_ok "man $name" "$warn $lint"; fi
    if [ "$(MANPATH=$P/share/man man -w "${name##*.}" "${name%.*}" 2>&1)" = "$page" ]; then
        ok "man finds $name by name under the installed MANPATH"
    else not_ok "man -w $name" "$(MANPATH=$P/share/man man -w "${name##*.}" "${name%.*}" 2>&1)"; fi
done
# Every command and every configuration key is documented.
cmds=$(MANWIDTH=200 man -l "$P/share/man/man1/dealtemp.1" 2>/dev/null)
missing=
for c in score explain text check-config import threads stats purge digest version; do
    printf '%s' "$cmds" | grep -q "dealtemp $c" || missing="$missing $c"
done
if [ -z "$missing" ]; then ok "dealtemp(1) names every command"
else not_ok "dealtemp(1)" "missing:$missing"; fi
keys=$(grep -oE '^ *#? *[a-z_]+ = ' conf/dealtemp.conf | tr -d ' #=' | sort -u)
page5=$(MANWIDTH=200 man -l "$P/share/man/man5/dealtemp.conf.5" 2>/dev/null)
missing=
for k in $keys; do
    case $k in euphoria | business_hours | cooling | customer | report | nudge | digest | log | managers | address) continue ;; esac
    printf '%s' "$page5" | grep -qE "(^|[ .])$k \(" || missing="$missing $k"
done
if [ -z "$missing" ] && [ "$(printf '%s\n' "$keys" | wc -l)" -gt 30 ]; then
    ok "dealtemp.conf(5) documents every key of conf/dealtemp.conf"
else not_ok "dealtemp.conf(5)" "undocumented:$missing"; fi

# --- systemd units -----------------------------------------------------------
unitdir=$P/lib/systemd/system
svc=$unitdir/dealtemp-milter.service
if grep -qx 'ExecStart=/usr/local/sbin/dealtemp-milter -f -c /usr/local/etc/dealtemp/dealtemp.conf' "$svc" \
    && grep -qx 'ExecStart=/usr/local/bin/dealtemp digest -c /usr/local/etc/dealtemp/dealtemp.conf --send' \
        "$unitdir/dealtemp-digest.service"; then
    ok "units start the installed programs with the installed config"
else not_ok "unit paths" "$(grep -h ExecStart "$unitdir"/*.service)"; fi
missing=
for d in 'User=dealtemp' 'ProtectSystem=strict' 'ReadWritePaths=/var/lib/dealtemp /run/dealtemp' \
    'NoNewPrivileges=yes' 'PrivateTmp=yes' 'ProtectHome=yes' "ExecReload=/bin/kill -HUP \$MAINPID" \
    'Restart=on-failure'; do
    grep -qxF "$d" "$svc" || missing="$missing [$d]"
done
if [ -z "$missing" ]; then ok "dealtemp-milter.service carries the hardening"
else not_ok "hardening" "missing:$missing"; fi
# Verified as installed, but with /usr/local pointing into DESTDIR so the
# binaries exist, and MANPATH so Documentation=man:... resolves too.
mkdir -p "$tmp/verify"
for u in "$unitdir"/*; do sed "s|/usr/local/|$P/|g" "$u" >"$tmp/verify/${u##*/}"; done
out=$(cd "$tmp/verify" && MANPATH=$P/share/man systemd-analyze verify ./dealtemp-milter.service \
    ./dealtemp-digest.service ./dealtemp-digest.timer 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then ok "systemd-analyze verify passes on the units"
else not_ok "systemd-analyze verify" "rc=$rc $out"; fi
# The check can fail: a unit whose program is missing is refused.
sed 's|/sbin/dealtemp-milter |/sbin/dealtemp-milter-missing |' "$tmp/verify/dealtemp-milter.service" \
    >"$tmp/verify/broken.service"
out=$(cd "$tmp/verify" && MANPATH=$P/share/man systemd-analyze verify ./broken.service 2>&1)
rc=$?
if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q 'dealtemp-milter-missing'; then
    ok "systemd-analyze verify catches a unit naming a missing program"
else not_ok "verify control" "rc=$rc $out"; fi

# tmpfiles.d: the directories with their owners and modes, in a private root
# whose passwd and group name the users.
troot=$tmp/troot
mkdir -p "$troot/etc"
printf 'root:x:0:0::/root:/bin/sh\ndealtemp:x:990:990::/var/lib/dealtemp:/usr/sbin/nologin\n' >"$troot/etc/passwd"
printf 'root:x:0:\ndealtemp:x:990:\npostfix:x:991:\n' >"$troot/etc/group"
out=$(systemd-tmpfiles --root="$troot" --create "$P/lib/tmpfiles.d/dealtemp.conf" 2>&1)
rc=$?
got=$(stat -c '%a %u %g' "$troot/run/dealtemp" "$troot/var/lib/dealtemp" 2>&1 | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$got" = "750 990 991 750 990 990 " ]; then
    ok "tmpfiles.d creates /run/dealtemp (dealtemp:postfix) and /var/lib/dealtemp, 0750"
else not_ok "tmpfiles.d" "rc=$rc $out got=$got"; fi

# --- uninstall -----------------------------------------------------------------
dt_make uninstall >"$tmp/uninstall.log" 2>&1
rc=$?
left=$(cd "$dest" && find . -type f -printf '%P\n' | sort | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$left" = "usr/local/etc/dealtemp/dealtemp.conf " ] && cmp -s "$conf" "$tmp/admin.conf"; then
    ok "make uninstall removes every file but the configuration"
else not_ok "uninstall" "rc=$rc left: $left"; fi
if [ ! -e "$P/share/dealtemp" ] && grep -q "kept $conf" "$tmp/uninstall.log"; then
    ok "uninstall removes the data directory and says the configuration was kept"
else not_ok "uninstall message" "$(tail -3 "$tmp/uninstall.log")"; fi

[ $failures -eq 0 ] || { echo "run-install: $failures failed"; exit 1; }
echo "run-install: all passed"
