# shellcheck shell=bash disable=SC2034 # variables here are read by run-sendmail.sh
#
# sendmail-lib.sh - a private, throwaway Sendmail MTA for the integration tests
# (sourced, bash; sources lib.sh for the generic helpers: ports, milter, sink,
# message parsing, ok/not ok).
#
# Debian's sendmail-bin conflicts with postfix, so nothing is installed: the
# .debs are fetched once with `apt-get download` into a cache, unpacked with
# `dpkg -x` under $DT_TMP, and the MTA runs in its own UTS + mount namespace
# (unshare) with a fully qualified hostname, its own /etc/hosts and
# nsswitch.conf and a /dev whose log socket a small receiver reads - without
# that, every start sleeps 60 s on "unqualified host name", and its log is lost.
#
#   sm_init CMD...          dt_init + sendmail's tools, the EXIT trap that also
#                           ends the MTA and the log receiver
#   sm_fetch_debs           the .debs in $SM_DEB_CACHE (downloaded if missing)
#   sm_unpack               dpkg -x them into $SM_DIR/root
#   sm_config SMTP SINK MILTER  the .mc -> .cf (m4 from the unpacked tree)
#   sm_start                run `sendmail -bD` in the namespace, wait until it listens
#   sm_stop                 SIGTERM, bounded wait, SIGKILL every process left in
#                           its namespace
#   sm_bs FROM RCPT FILE    submit FILE with `sendmail -bs` (SMTP on stdin) inside
#                           the namespace: the local submission Sendmail filters
#   sm_wait_delivery TOK [S] the sink file of the message whose Message-ID holds TOK
#   sm_check_snippet MC     the admins' .mc snippet builds and the MTA parses the .cf
# Every wait is bounded; a failure names the command that failed.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The .debs are kept across runs (and across DT_BUILD trees).
SM_DEB_CACHE=${DT_SENDMAIL_DEBS:-$DT_ROOT/build/sendmail-debs}
SM_PACKAGES="sendmail-bin sendmail-base sendmail-cf libwrap0 m4"
SM_HOSTNAME=mta.corp.test

SM_DIR=""
SM_ROOT=""
SM_BIN=""
SM_LIBDIR=""
SM_CF=""
SM_PID=""
SM_NS=""
SM_SMTP_PORT=""
SM_SYSLOG_PID=""

# lib.sh's fail() and dt_finish label $DT_MAILLOG with this; here it is Sendmail's.
DT_MAILLOG_LABEL="sendmail log"

sm_set_status() { return "$1"; }

sm_cleanup() {
    local rc=$?
    sm_stop >/dev/null 2>&1 || true
    sm_syslog_stop >/dev/null 2>&1 || true
    # dt_cleanup stops the milter and the sink, removes $DT_TMP and exits
    # with the status it finds in $?.
    sm_set_status "$rc"
    dt_cleanup
}

# sm_init CMD...: lib.sh's dt_init, plus what the MTA needs; replaces the trap.
sm_init() {
    dt_init apt-get dpkg unshare nsenter hostname mount python3 "$@"
    trap sm_cleanup EXIT
    [ "$(id -u)" = 0 ] || fail "the Sendmail test must run as root (unshare --mount, bind mounts, a root-owned queue)"
    SM_DIR=$DT_TMP/sm
    DT_MAILLOG=$DT_TMP/log/maillog
    mkdir -p "$SM_DIR/etc" "$SM_DIR/dev" "$SM_DIR/queue"
    chmod 700 "$SM_DIR/queue"
    : >"$DT_MAILLOG"
}

# sm_have_debs: every package has exactly one .deb in the cache.
sm_have_debs() {
    local p n
    for p in $SM_PACKAGES; do
        n=$(find "$SM_DEB_CACHE" -maxdepth 1 -name "${p}_*.deb" 2>/dev/null | grep -c '^')
        [ "$n" -eq 1 ] || return 1
    done
}

sm_apt_download() {
    local dir=$1
    # shellcheck disable=SC2086 # the package list is meant to split
    (cd "$dir" && timeout 120 apt-get download $SM_PACKAGES) >>"$DT_TMP/log/apt.log" 2>&1
}

# sm_fetch_debs: download into a scratch dir and move the files in only when
# all arrived, so an interrupted run never leaves a half file in the cache.
sm_fetch_debs() {
    sm_have_debs && return 0
    local tmp
    mkdir -p "$SM_DEB_CACHE" || fail "cannot create the .deb cache $SM_DEB_CACHE"
    tmp=$(mktemp -d "$SM_DEB_CACHE/.download.XXXXXX") || fail "mktemp -d in $SM_DEB_CACHE failed"
    chmod 755 "$tmp" # apt's _apt user writes there
    dt_note "fetching $SM_PACKAGES into $SM_DEB_CACHE"
    if ! sm_apt_download "$tmp"; then
        # A fresh machine has no package lists: "Unable to locate package".
        dt_note "apt-get download failed; running apt-get update and retrying"
        timeout 300 apt-get update >>"$DT_TMP/log/apt.log" 2>&1 || true
        if ! sm_apt_download "$tmp"; then
            rm -rf -- "$tmp"
            dt_tail "apt-get" "$DT_TMP/log/apt.log" 15
            fail "\`apt-get download $SM_PACKAGES\` failed, even after \`apt-get update\` (needs root and a reachable Debian mirror)"
        fi
    fi
    rm -f -- "$SM_DEB_CACHE"/*.deb
    mv -- "$tmp"/*.deb "$SM_DEB_CACHE"/ || fail "moving the .debs into $SM_DEB_CACHE failed"
    rm -rf -- "$tmp"
    sm_have_debs || fail "after apt-get download, $SM_DEB_CACHE lacks one of: $SM_PACKAGES"
}

# sm_unpack: dpkg -x every cached .deb into $SM_DIR/root.
sm_unpack() {
    local deb lib
    SM_ROOT=$SM_DIR/root
    mkdir -p "$SM_ROOT"
    for deb in "$SM_DEB_CACHE"/*.deb; do
        dpkg -x "$deb" "$SM_ROOT" 2>>"$DT_TMP/log/apt.log" || fail "dpkg -x $deb $SM_ROOT failed"
    done
    SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
    [ -f "$SM_BIN" ] || fail "no $SM_BIN after dpkg -x (did sendmail-bin move its MTA?)"
    # It is setgid mail; the loader would then ignore LD_LIBRARY_PATH and not
    # find the unpacked libwrap.so.0.
    chmod 0755 "$SM_BIN"
    lib=$(find "$SM_ROOT" -name libwrap.so.0 -print -quit)
    [ -n "$lib" ] || fail "no libwrap.so.0 under $SM_ROOT (libwrap0 .deb)"
    SM_LIBDIR=$(dirname "$lib")
    [ -x "$SM_ROOT/usr/bin/m4" ] || fail "no $SM_ROOT/usr/bin/m4 (m4 .deb)"
    [ -f "$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4" ] || fail "no cf.m4 under $SM_ROOT (sendmail-cf .deb)"
}

# sm_config SMTP_PORT SINK_PORT MILTER_PORT: write the .mc and build $SM_CF.
# The milter is attached with no F= flag: when it is down Sendmail carries on
# without it, the behaviour contrib/sendmail/dealtemp.mc recommends.
sm_config() {
    SM_SMTP_PORT=$1
    local sink_port=$2 milter_port=$3 mc=$SM_DIR/etc/dealtemp-test.mc
    SM_CF=$SM_DIR/etc/dealtemp-test.cf
    printf '127.0.0.1 %s mta localhost localhost.localdomain\n' "$SM_HOSTNAME" >"$SM_DIR/etc/hosts"
    printf '%s: files\n' passwd group shadow hosts networks services protocols aliases \
        >"$SM_DIR/etc/nsswitch.conf"
    printf 'hosts files\naliases files\n' >"$SM_DIR/etc/service.switch"
    : >"$SM_DIR/etc/aliases"
    # m4 quotes are `...', so the template is a quoted here-document with
    # @NAME@ placeholders filled in by sed.
    sed -e "s|@SM@|$SM_DIR|g" -e "s|@SMTP_PORT@|$SM_SMTP_PORT|g" \
        -e "s|@SINK_PORT@|$sink_port|g" -e "s|@MILTER_PORT@|$milter_port|g" >"$mc" <<'EOF'
divert(-1)
# Generated by tests/integration/sendmail-lib.sh: a loopback-only Sendmail
# that relays everything to an smtp-sink, with dealtemp as its input filter.
divert(0)dnl
OSTYPE(`linux')dnl
define(`confPID_FILE', `@SM@/sendmail.pid')dnl
define(`QUEUE_DIR', `@SM@/queue')dnl
define(`STATUS_FILE', `@SM@/statistics')dnl
define(`HELP_FILE', `@SM@/etc/helpfile')dnl
define(`ALIAS_FILE', `@SM@/etc/aliases')dnl
define(`confSERVICE_SWITCH_FILE', `@SM@/etc/service.switch')dnl
define(`confHOST_STATUS_DIRECTORY', `')dnl
define(`confDEF_USER_ID', `nobody:nogroup')dnl
define(`confTO_QUEUEWARN', `')dnl
dnl Sendmail otherwise walks the MIME structure of every message it relays
dnl (to cut over-long MIME headers) and rewrites broken MIME on the way: in a
dnl multipart whose boundary never occurs it strips the 8th bit of the whole
dnl body (taken as the preamble) and appends the missing closing boundary.
dnl Off, so a body difference can only come from the milter.
define(`confMAX_MIME_HEADER_LENGTH', `0/0')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h @SINK_PORT@')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`nocanonify')dnl
FEATURE(`accept_unresolvable_domains')dnl
dnl Listen=256: the default backlog of 10 costs 1 s SYN retries under load.
DAEMON_OPTIONS(`Name=MTA, Addr=127.0.0.1, Port=@SMTP_PORT@, Listen=256')dnl
INPUT_MAIL_FILTER(`dealtemp', `S=inet:@MILTER_PORT@@127.0.0.1, F=, T=S:30s;R:30s;E:5m')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
EOF
    "$SM_ROOT/usr/bin/m4" -D_CF_DIR_="$SM_ROOT/usr/share/sendmail/cf/" \
        "$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4" "$mc" >"$SM_CF" 2>"$DT_TMP/log/m4.log" ||
        { dt_tail m4 "$DT_TMP/log/m4.log"; fail "m4 cf.m4 $mc failed"; }
    grep -q "^Xdealtemp, S=inet:$milter_port@127.0.0.1, F=, T=S:30s;R:30s;E:5m$" "$SM_CF" ||
        fail "the generated $SM_CF lacks the dealtemp X line"
}

# ---------------------------------------------------------------- syslog

# sm_syslog_start: a datagram receiver on $SM_DIR/dev/log, which is /dev/log
# inside the namespace (its /dev is a bind mount of $SM_DIR/dev). Each
# record becomes one line of $DT_MAILLOG.
sm_syslog_start() {
    local sock=$SM_DIR/dev/log i
    python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
' "$sock" "$DT_MAILLOG" 2>>"$DT_TMP/log/syslog.log" &
    SM_SYSLOG_PID=$!
    for i in $(seq 1 100); do
        [ -S "$sock" ] && return 0
        kill -0 "$SM_SYSLOG_PID" 2>/dev/null || break
        sleep 0.1
    done
    dt_tail "syslog receiver" "$DT_TMP/log/syslog.log"
    fail "the syslog receiver (python3) did not bind $sock ($i polls)"
}

sm_syslog_stop() {
    local pid=$SM_SYSLOG_PID
    [ -n "$pid" ] || return 0
    SM_SYSLOG_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- the MTA

# sm_write_nsinit: the script unshare runs. It sets the hostname, binds the
# private files over /etc/hosts and /etc/nsswitch.conf, builds a /dev holding
# the usual nodes plus the log socket, then execs its arguments (so the pid
# unshare was given is the MTA's).
sm_write_nsinit() {
    local n
    for n in null zero full random urandom tty; do
        : >"$SM_DIR/dev/$n"
    done
    ln -sfn /proc/self/fd "$SM_DIR/dev/fd"
    ln -sfn /proc/self/fd/0 "$SM_DIR/dev/stdin"
    ln -sfn /proc/self/fd/1 "$SM_DIR/dev/stdout"
    ln -sfn /proc/self/fd/2 "$SM_DIR/dev/stderr"
    cat >"$SM_DIR/nsinit.sh" <<'EOF'
# Runs inside `unshare --uts --mount` (mounts stay private to it).
set -e
sm=$1
shift
hostname "$SM_HOSTNAME"
mount --bind "$sm/etc/hosts" /etc/hosts
mount --bind "$sm/etc/nsswitch.conf" /etc/nsswitch.conf
for n in null zero full random urandom tty; do
    mount --bind "/dev/$n" "$sm/dev/$n"
done
mount --rbind "$sm/dev" /dev
exec "$@"
EOF
}

# sm_start: run the daemon in the foreground (-bD) so its pid is $!.
sm_start() {
    sm_write_nsinit
    SM_HOSTNAME=$SM_HOSTNAME LD_LIBRARY_PATH=$SM_LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
        unshare --uts --mount sh "$SM_DIR/nsinit.sh" "$SM_DIR" \
        "$SM_BIN" -C "$SM_CF" -bD -q30s >>"$DT_TMP/log/sendmail.out" 2>&1 &
    SM_PID=$!
    dt_wait_listening sendmail "$SM_SMTP_PORT" "$SM_PID" "$DT_TMP/log/sendmail.out" 15
    SM_NS=$(readlink "/proc/$SM_PID/ns/uts") || fail "cannot read the namespace of sendmail ($SM_PID)"
    # Guard: sm_stop kills every process of $SM_NS; never our own namespace.
    [ "$SM_NS" != "$(readlink /proc/self/ns/uts)" ] || fail "sendmail ($SM_PID) runs in our own UTS namespace"
}

# sm_ns_pids: the processes of the MTA's namespace (daemon, SMTP and delivery
# children).
sm_ns_pids() {
    [ -n "$SM_NS" ] || return 0
    # One find, not a readlink per process: forks are slow in a sandbox.
    find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/uts' -printf '%h %l\n' 2>/dev/null |
        awk -v ns="$SM_NS" '$2 == ns { sub(/^\/proc\//, "", $1); sub(/\/ns$/, "", $1); print $1 }'
}

# sm_stop: SIGTERM the daemon, give it 3 s, then SIGKILL whatever is left in
# its namespace.
sm_stop() {
    local pid=$SM_PID i left
    [ -n "$pid" ] || return 0
    SM_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    left=$(sm_ns_pids)
    if [ -n "$left" ]; then
        # shellcheck disable=SC2086 # one pid a word
        kill -KILL $left 2>/dev/null || true
    fi
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    SM_NS=""
}

# sm_bs FROM RCPT FILE: SMTP on sendmail's stdin (`sendmail -bs`, run in the
# MTA's namespace so it finds its hostname). FILE must end in a newline.
# nsenter --root: entering a mount namespace resets the root directory to
# the namespace's own; --root keeps the MTA's (they differ in a chroot,
# where the unpacked tree is not found otherwise).
sm_bs() {
    local wire
    wire=$(dt_swaks_wire "$3")
    timeout 90 swaks --pipe "env LD_LIBRARY_PATH=$SM_LIBDIR nsenter -t $SM_PID --uts --mount --root $SM_BIN -C $SM_CF -bs" \
        --from "$1" --to "$2" --data "@$wire" --silent 2 --timeout 60
}

# ---------------------------------------------------------------- waiting

# sm_wait_delivery TOKEN [SECONDS]: echo the sink file of the message whose
# Message-ID holds TOKEN, once Sendmail logged stat=Sent for its queue id and
# the file stopped growing and ends with smtp-sink's blank line. Returns 1 at
# once if Sendmail deferred or bounced it.
sm_wait_delivery() {
    dt_wait_sink "$1" "${2:-60}" '[0-9A-Za-z]\{14\}' 'from=.*msgid=' \
        'to=.*stat=Sent' '.*\(dsn=[45]\|stat=Deferred\|reject=\)'
}

# ---------------------------------------------------------------- contrib

# sm_check_snippet MC: build a .cf from a minimal .mc that includes MC (the
# admins' snippet) and have the running MTA's binary parse it (`-bt`, in its
# namespace). Echoes the problem and returns 1 if m4 fails, the X line is
# missing, or Sendmail reports a line of the .cf.
sm_check_snippet() {
    local snippet=$1 mc=$SM_DIR/etc/contrib.mc cf=$SM_DIR/etc/contrib.cf out
    sed -e "s|@SM@|$SM_DIR|g" -e "s|@SNIPPET@|$snippet|g" >"$mc" <<'EOF2'
divert(0)dnl
OSTYPE(`linux')dnl
define(`QUEUE_DIR', `@SM@/queue')dnl
define(`ALIAS_FILE', `@SM@/etc/aliases')dnl
define(`confSERVICE_SWITCH_FILE', `@SM@/etc/service.switch')dnl
define(`confDEF_USER_ID', `nobody:nogroup')dnl
FEATURE(`no_default_msa')dnl
include(`@SNIPPET@')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
EOF2
    if ! "$SM_ROOT/usr/bin/m4" -D_CF_DIR_="$SM_ROOT/usr/share/sendmail/cf/" \
        "$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4" "$mc" >"$cf" 2>"$DT_TMP/log/m4-contrib.log"; then
        echo "m4 failed: $(head -n 2 "$DT_TMP/log/m4-contrib.log" | tr '\n' ' ')"
        return 1
    fi
    grep -q '^Xdealtemp, ' "$cf" || { echo "no Xdealtemp line in the .cf"; return 1; }
    grep -q '^O InputMailFilters=dealtemp$' "$cf" || { echo "no InputMailFilters=dealtemp in the .cf"; return 1; }
    out=$(printf '$=w\n' | timeout 20 env LD_LIBRARY_PATH="$SM_LIBDIR" \
        nsenter -t "$SM_PID" --uts --mount --root "$SM_BIN" -C "$cf" -bt 2>&1) || {
        echo "sendmail -bt exit $?: $(printf '%s' "$out" | head -n 3 | tr '\n' ' ')"
        return 1
    }
    if printf '%s\n' "$out" | grep -q -i -E 'line [0-9]+:|milter|warning|error'; then
        echo "sendmail -bt: $(printf '%s\n' "$out" | grep -i -m 3 -E 'line [0-9]+:|milter|warning|error' | tr '\n' ' ')"
        return 1
    fi
    printf '%s\n' "$out" | grep -q -F "$SM_HOSTNAME" || {
        echo "sendmail -bt did not list $SM_HOSTNAME in \$=w: $(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
        return 1
    }
    grep '^Xdealtemp, ' "$cf"
}
