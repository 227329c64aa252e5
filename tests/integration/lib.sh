# shellcheck shell=bash disable=SC2034 # variables here are read by the run-*.sh scripts
#
# lib.sh - shared helpers for the dealtemp integration tests (sourced, bash).
#
# What it gives the run-*.sh scripts:
#   dt_init               check required commands, make the temp base dir, set the EXIT trap
#   dt_free_port VAR      a free loopback TCP port (checked with ss, never one handed out before)
#   dt_milter_start SPEC  run $DT_BUILD/dealtemp-milter -f on SPEC, wait until it listens
#   dt_milter_stop        SIGTERM it, bounded wait, report how it ended
#   dt_sink_start PORT    smtp-sink dumping each message to $DT_TMP/sink/
#   dt_postfix_start ...  a private Postfix (own main.cf/master.cf/queue) relaying to the sink
#                         (DT_POSTFIX_EXTRA: more main.cf lines of the caller's)
#   dt_postfix_maildir D A...  (before dt_postfix_start) deliver mail for the addresses A of
#                         domain D into Maildirs under $DT_VMAIL_BASE (virtual(8), as nobody)
#   dt_maildir_files A    A's delivered messages, one path a line, in delivery order
#   dt_wait_maildir A N   wait until A's Maildir holds N messages and the queue is empty
#   dt_postfix_stop       postfix stop + bounded wait for its master process
#   dt_wait_delivery TOK  the sink file of the message whose Message-ID contains TOK
#   dt_wait_sink ...      the same for any MTA, given the log patterns (sendmail-lib.sh)
#   dt_swaks_wire FILE    a copy of FILE ending in the SMTP closing dot (for swaks)
#   dt_instance NAME      switch to another Postfix + milter pair (its own dirs, ports,
#                         logs; see below); the first one is the default, ""
#   dt_instance_do NAME CMD...  CMD with NAME's Postfix + milter, then back
#   dt_finish             print the count, tail the logs if a check failed, exit
#   fail MSG              print MSG, the maillog tail and the milter log tail, exit 1
# A private PostgreSQL: pg-lib.sh (dt_pg_start ...; the EXIT trap stops it).
# Every wait is bounded (count and time). A missing tool is a failure that
# names `make deps`, never a skip. DT_KEEP=1 keeps the temp dir for a post-mortem.

DT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DT_BUILD=${DT_BUILD:-build}
case $DT_BUILD in
/*) ;;
*) DT_BUILD=$DT_ROOT/$DT_BUILD ;;
esac
DT_MILTER_BIN=$DT_BUILD/dealtemp-milter

# Postfix's tools live in sbin, which a non-login PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
export PATH

DT_TMP=""
DT_USED_PORTS=" "
# No wait goes past this (seconds since the script started); runs stay < 3 min.
DT_DEADLINE=$((SECONDS + ${DT_TIME_LIMIT:-170}))
DT_MILTER_PID=""
DT_MILTER_LOG=""
DT_SINK_PID=""
DT_PF_ETC=""
DT_PF_QUEUE=""
DT_MAILLOG=""
DT_VMAIL_BASE=""
DT_VMAIL_DOMAIN=""
DT_VMAIL_ADDRS=""
# What fail() and dt_finish call $DT_MAILLOG (sendmail-lib.sh: "sendmail log").
DT_MAILLOG_LABEL=${DT_MAILLOG_LABEL:-postfix maillog}

dt_note() { printf '# %s\n' "$*" >&2; }

# Print the last lines of a file, labelled, if it exists.
dt_tail() {
    local label=$1 file=$2 n=${3:-40}
    if [ -n "$file" ] && [ -s "$file" ]; then
        printf '# ---- %s (%s, last %d lines) ----\n' "$label" "$file" "$n" >&2
        tail -n "$n" "$file" | sed 's/^/#   /' >&2
    fi
}

# dt_tail_logs [N]: the MTA log and milter log tails of every instance.
dt_tail_logs() {
    local n=${1:-40} back=$DT_INSTANCE name
    for name in $DT_INSTANCE_NAMES; do
        [ "$name" = - ] && name=""
        dt_instance "$name"
        dt_tail "$DT_MAILLOG_LABEL${name:+ ($name)}" "$DT_MAILLOG" "$n"
        dt_tail "milter log${name:+ ($name)}" "$DT_MILTER_LOG" "$n"
    done
    dt_instance "$back"
}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    dt_tail_logs
    exit 1
}

# ---------------------------------------------------------------- instances

# One Postfix and one milter are "the current instance": the globals below.
# A test with several (a submission server and an MX, say) switches with
# dt_instance NAME, which saves the current values and restores NAME's
# (empty for a new NAME). The default instance is named "". A new
# instance's files get its name: $DT_TMP/pf-NAME, log/maillog-NAME,
# log/milter-NAME.log, vmail-NAME; its Postfix is NAME.corp.test. The
# EXIT trap stops every instance.
DT_INSTANCE=""
DT_INSTANCE_NAMES="-"
DT_INSTANCE_VARS="DT_PF_ETC DT_PF_QUEUE DT_MAILLOG DT_SMTPD_PORT DT_MILTER_PID DT_MILTER_LOG
DT_MILTER_EXIT DT_VMAIL_BASE DT_VMAIL_DOMAIN DT_VMAIL_ADDRS"
declare -gA DT_INSTANCE_SAVED=()

dt_instance() {
    local name=$1 v
    [ "$name" = "$DT_INSTANCE" ] && return 0
    for v in $DT_INSTANCE_VARS; do
        DT_INSTANCE_SAVED[${DT_INSTANCE:--}/$v]=${!v-}
    done
    case " $DT_INSTANCE_NAMES " in
    *" ${name:--} "*) ;;
    *) DT_INSTANCE_NAMES="$DT_INSTANCE_NAMES ${name:--}" ;;
    esac
    DT_INSTANCE=$name
    for v in $DT_INSTANCE_VARS; do
        printf -v "$v" '%s' "${DT_INSTANCE_SAVED[${name:--}/$v]-}"
    done
}

# dt_instance_do NAME CMD [ARGS...]: CMD with NAME current, then back; CMD's status.
dt_instance_do() {
    local back=$DT_INSTANCE rc
    dt_instance "$1"
    "${@:2}"
    rc=$?
    dt_instance "$back"
    return "$rc"
}

# dt_instance_file BASE [EXT]: BASE.EXT for the default instance, BASE-NAME.EXT else.
dt_instance_file() {
    echo "$1${DT_INSTANCE:+-$DT_INSTANCE}${2:-}"
}

dt_require_commands() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || fail "missing $c: run make deps (sudo make deps)"
    done
}

dt_cleanup() {
    local rc=$? name
    for name in $DT_INSTANCE_NAMES; do
        [ "$name" = - ] && name=""
        dt_instance "$name"
        dt_milter_stop >/dev/null 2>&1 || true
        dt_postfix_stop >/dev/null 2>&1 || true
    done
    dt_sink_stop >/dev/null 2>&1 || true
    # A private PostgreSQL of tests/integration/pg-lib.sh (often under $DT_TMP).
    if declare -F dt_pg_stop >/dev/null; then
        dt_pg_stop >/dev/null 2>&1 || true
    fi
    if [ -n "$DT_TMP" ] && [ -d "$DT_TMP" ]; then
        if [ "${DT_KEEP:-0}" = 1 ]; then
            dt_note "kept $DT_TMP"
        else
            rm -rf -- "$DT_TMP"
        fi
    fi
    exit "$rc"
}

# dt_init CMD...: check commands, make $DT_TMP (searchable by the postfix user).
dt_init() {
    dt_require_commands ss "$@"
    local base=${DT_TMPBASE:-${TMPDIR:-/tmp}}
    DT_TMP=$(mktemp -d "$base/dealtemp-it.XXXXXX") || fail "mktemp -d under $base failed"
    chmod 755 "$DT_TMP"
    mkdir -p "$DT_TMP/log" "$DT_TMP/msg" "$DT_TMP/milter"
    trap dt_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# dt_free_port VAR: set VAR to a port nobody uses in any TCP state and this run
# has not handed out yet (not a $(...) call: the used list must persist).
dt_free_port() {
    local i port
    for i in $(seq 1 200); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        case $DT_USED_PORTS in *" $port "*) continue ;; esac
        if [ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then
            DT_USED_PORTS="$DT_USED_PORTS$port "
            printf -v "$1" '%s' "$port"
            return 0
        fi
    done
    fail "no free TCP port found after $i tries"
}

dt_port_listening() {
    [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]
}

# dt_wait_listening WHAT PORT PID LOG [SECONDS]: poll every 0.1 s; fail if PID dies.
dt_wait_listening() {
    local what=$1 port=$2 pid=$3 log=$4 secs=${5:-15} i
    for i in $(seq 1 $((secs * 10))); do
        dt_port_listening "$port" && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            dt_tail "$what log" "$log"
            fail "$what exited before listening on 127.0.0.1:$port"
        fi
        sleep 0.1
    done
    dt_tail "$what log" "$log"
    fail "$what not listening on 127.0.0.1:$port after ${secs}s ($i polls)"
}

# ---------------------------------------------------------------- milter

# dt_milter_config: write $DT_TMP/milter/dealtemp.conf, echo its path.
dt_milter_config() {
    local conf=$DT_TMP/milter/dealtemp.conf
    {
        printf 'database = "%s";\n' "$DT_TMP/milter/dealtemp.db"
        printf 'internal_domains = ["corp.test"];\n'
    } >"$conf"
    echo "$conf"
}

# dt_milter_start SPEC [CONF]: SPEC is libmilter syntax, inet:PORT@127.0.0.1 or unix:/path.
dt_milter_start() {
    local spec=$1 conf=${2:-}
    [ -x "$DT_MILTER_BIN" ] || fail "no milter binary at $DT_MILTER_BIN (make $DT_MILTER_BIN)"
    [ -n "$conf" ] || conf=$(dt_milter_config)
    DT_MILTER_LOG=$(dt_instance_file "$DT_TMP/log/milter" .log)
    "$DT_MILTER_BIN" -f -c "$conf" -p "$spec" >>"$DT_MILTER_LOG" 2>&1 &
    DT_MILTER_PID=$!
    case $spec in
    inet:*)
        local port=${spec#inet:}
        port=${port%@*}
        dt_wait_listening dealtemp-milter "$port" "$DT_MILTER_PID" "$DT_MILTER_LOG"
        ;;
    unix:* | local:*)
        local path=${spec#*:} i
        for i in $(seq 1 150); do
            [ -S "$path" ] && [ -n "$(ss -Hlx src "$path" 2>/dev/null)" ] && return 0
            kill -0 "$DT_MILTER_PID" 2>/dev/null || fail "dealtemp-milter exited before listening on $path"
            sleep 0.1
        done
        fail "dealtemp-milter not listening on $path after 15s ($i polls)"
        ;;
    *) fail "dt_milter_start: unsupported socket spec $spec" ;;
    esac
}

# dt_milter_stop: SIGTERM, wait up to 10 s, then SIGKILL. Sets DT_MILTER_EXIT to
# the exit status (128+N for a signal; "killed" if it had to be killed).
DT_MILTER_EXIT=""
dt_milter_stop() {
    local pid=$DT_MILTER_PID i
    [ -n "$pid" ] || return 0
    DT_MILTER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        DT_MILTER_EXIT=killed
        return 1
    fi
    DT_MILTER_EXIT=0
    wait "$pid" 2>/dev/null || DT_MILTER_EXIT=$?
    return 0
}

# ---------------------------------------------------------------- smtp-sink

# dt_sink_start PORT: every message becomes $DT_TMP/sink/<time>.<hex>. smtp-sink
# writes X-Client-Addr/X-Client-Proto/X-Helo-Args/X-Mail-Args/X-Rcpt-Args and a
# three-line Received:, then the message as received with LF line ends and
# dots unstuffed, then one empty line.
DT_SINK_DIR=""
DT_SINK_PORT=""
dt_sink_start() {
    DT_SINK_PORT=$1
    DT_SINK_DIR=$DT_TMP/sink
    mkdir -p "$DT_SINK_DIR"
    chown nobody "$DT_SINK_DIR"
    smtp-sink -u nobody -d "$DT_SINK_DIR/%Y%m%d%H%M%S." "127.0.0.1:$DT_SINK_PORT" 64 \
        >>"$DT_TMP/log/sink.log" 2>&1 &
    DT_SINK_PID=$!
    dt_wait_listening smtp-sink "$DT_SINK_PORT" "$DT_SINK_PID" "$DT_TMP/log/sink.log"
}

dt_sink_stop() {
    local pid=$DT_SINK_PID i
    [ -n "$pid" ] || return 0
    DT_SINK_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- postfix

# dt_postfix_start SMTPD_PORT SINK_PORT [POSTFIX_MILTER_SPEC]
# A throwaway Postfix under $DT_TMP/pf (pf-NAME: dt_instance): loopback only,
# no chroot, nothing local (mydestination empty), everything relayed to the sink. With a milter spec
# (Postfix syntax, inet:127.0.0.1:PORT) it is attached to smtpd and pickup.
dt_postfix_start() {
    local smtpd_port=$1 sink_port=$2 milter=${3:-}
    local pf
    pf=$(dt_instance_file "$DT_TMP/pf")
    DT_SMTPD_PORT=$smtpd_port
    DT_PF_ETC=$pf/etc
    DT_PF_QUEUE=$pf/queue
    DT_MAILLOG=$(dt_instance_file "$DT_TMP/log/maillog")
    mkdir -p "$DT_PF_ETC" "$DT_PF_QUEUE" "$pf/data"
    chmod 755 "$pf" "$DT_PF_ETC" "$DT_PF_QUEUE"
    chown root:root "$DT_PF_QUEUE"
    chown postfix "$pf/data"
    chmod 700 "$pf/data"
    : >"$DT_MAILLOG"

    cat >"$DT_PF_ETC/main.cf" <<EOF
# Generated by tests/integration/lib.sh - a private, loopback-only Postfix.
compatibility_level = 3.6
queue_directory = $DT_PF_QUEUE
data_directory = $pf/data
daemon_directory = /usr/lib/postfix/sbin
command_directory = /usr/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = ${DT_INSTANCE:-mta}.corp.test
mydomain = corp.test
myorigin = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
relayhost = [127.0.0.1]:$sink_port
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtpd_banner = \$myhostname ESMTP dealtemp-test
biff = no
maillog_file = $DT_MAILLOG
maillog_file_prefixes = $DT_TMP
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
message_size_limit = 52428800
mailbox_size_limit = 0
virtual_mailbox_limit = 0
# Keep Postfix itself from rewriting bodies (8bit -> quoted-printable) so a
# body difference can only come from the milter.
disable_mime_output_conversion = yes
# The README's recommendation: a milter failure never holds mail.
milter_default_action = accept
milter_protocol = 6
EOF
    # Settings of the caller's own (main.cf lines; later lines win).
    [ -z "${DT_POSTFIX_EXTRA:-}" ] || printf '%s\n' "$DT_POSTFIX_EXTRA" >>"$DT_PF_ETC/main.cf"
    if [ -n "$milter" ]; then
        cat >>"$DT_PF_ETC/main.cf" <<EOF
smtpd_milters = $milter
non_smtpd_milters = \$smtpd_milters
EOF
    fi
    if [ -n "$DT_VMAIL_BASE" ]; then
        # Final delivery for the dt_postfix_maildir domain: virtual(8) writes
        # each listed address's Maildir (the map value ends in /) as nobody;
        # any other address of that domain is refused at RCPT TO.
        local a
        for a in $DT_VMAIL_ADDRS; do
            printf '%s %s/\n' "$a" "$a"
        done >"$DT_PF_ETC/vmailbox"
        postmap -c "$DT_PF_ETC" "hash:$DT_PF_ETC/vmailbox" >>"$DT_TMP/log/postfix-cmd.log" 2>&1 ||
            { dt_tail "postmap" "$DT_TMP/log/postfix-cmd.log"; fail "postmap $DT_PF_ETC/vmailbox failed"; }
        cat >>"$DT_PF_ETC/main.cf" <<EOF
virtual_mailbox_domains = $DT_VMAIL_DOMAIN
virtual_mailbox_base = $DT_VMAIL_BASE
virtual_mailbox_maps = hash:$DT_PF_ETC/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
EOF
    fi

    # chroot "n" everywhere: Debian's default chroots into the queue directory.
    cat >"$DT_PF_ETC/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$smtpd_port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

    postfix -c "$DT_PF_ETC" check >>"$DT_TMP/log/postfix-cmd.log" 2>&1 ||
        { dt_tail "postfix check" "$DT_TMP/log/postfix-cmd.log"; fail "postfix check failed"; }
    postfix -c "$DT_PF_ETC" start >>"$DT_TMP/log/postfix-cmd.log" 2>&1 ||
        { dt_tail "postfix start" "$DT_TMP/log/postfix-cmd.log"; fail "postfix start failed"; }
    dt_wait_listening postfix "$smtpd_port" "" "$DT_MAILLOG" 20
}

dt_postfix_master_pid() {
    local f=$DT_PF_QUEUE/pid/master.pid
    [ -s "$f" ] && tr -d ' \n' <"$f"
}

dt_postfix_stop() {
    [ -n "$DT_PF_ETC" ] && [ -f "$DT_PF_ETC/main.cf" ] || return 0
    local pid i
    pid=$(dt_postfix_master_pid) || pid=""
    postfix -c "$DT_PF_ETC" stop >>"$DT_TMP/log/postfix-cmd.log" 2>&1 || true
    if [ -n "$pid" ]; then
        # postfix stop returns before master exits.
        for i in $(seq 1 200); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    DT_PF_ETC=""
    return 0
}

# dt_postfix_maildir DOMAIN ADDR...: call before dt_postfix_start. Mail for
# each ADDR (all in DOMAIN) is delivered to the Maildir $DT_VMAIL_BASE/ADDR/,
# owned by nobody (65534); mail for other domains still goes to the relayhost.
dt_postfix_maildir() {
    DT_VMAIL_DOMAIN=$1
    shift
    DT_VMAIL_ADDRS="$*"
    DT_VMAIL_BASE=$(dt_instance_file "$DT_TMP/vmail")
    mkdir -p "$DT_VMAIL_BASE"
    chown 65534:65534 "$DT_VMAIL_BASE"
    chmod 755 "$DT_VMAIL_BASE"
}

# dt_maildir_files ADDR: ADDR's delivered messages (new/ and cur/), one path a
# line, oldest first (by modification time).
dt_maildir_files() {
    local d=$DT_VMAIL_BASE/$1
    find "$d/new" "$d/cur" -maxdepth 1 -type f -printf '%T@ %p\n' 2>/dev/null | sort -n | cut -d' ' -f2-
}

# dt_queue_empty: nothing waiting in the private Postfix.
dt_queue_empty() {
    [ -z "$(find "$DT_PF_QUEUE/maildrop" "$DT_PF_QUEUE/incoming" "$DT_PF_QUEUE/active" \
        "$DT_PF_QUEUE/deferred" "$DT_PF_QUEUE/hold" -type f 2>/dev/null | head -n 1)" ]
}

# dt_wait_maildir ADDR N [SECONDS]: wait until ADDR's Maildir holds N messages
# and the queue is empty. Returns 1 with a note if it holds more, or not N in time.
dt_wait_maildir() {
    local addr=$1 want=$2 secs=${3:-30} i n=0
    for i in $(seq 1 $((secs * 5))); do
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        n=$(dt_maildir_files "$addr" | grep -c '^')
        [ "$n" -gt "$want" ] && break
        [ "$n" -eq "$want" ] && dt_queue_empty && return 0
        sleep 0.2
    done
    dt_note "maildir of $addr: $n message(s), expected $want (after $i polls)"
    return 1
}

# dt_sendmail FROM RCPT FILE: local submission through pickup (non_smtpd_milters).
dt_sendmail() {
    timeout 60 sendmail -C "$DT_PF_ETC" -i -f "$1" -- "$2" <"$3"
}

# dt_swaks FROM RCPT FILE: SMTP submission to the private smtpd. swaks sends
# the data as-is (dots stuffed) but adds an empty line unless the data ends
# with the closing dot, so it gets a copy that does; FILE must end in a newline.
dt_swaks() {
    local wire
    wire=$(dt_swaks_wire "$3")
    timeout 90 swaks --server "127.0.0.1:$DT_SMTPD_PORT" --from "$1" --to "$2" --data "@$wire" \
        --silent 2 --timeout 60
}

# dt_swaks_wire FILE: write $DT_TMP/msg/<name>.swaks, FILE followed by the
# SMTP closing dot, and echo its path.
dt_swaks_wire() {
    local wire
    wire=$DT_TMP/msg/$(basename "$1").swaks
    { cat "$1" && printf '.\r\n'; } >"$wire"
    echo "$wire"
}

# ---------------------------------------------------------------- waiting

# dt_wait_delivery TOKEN [SECONDS]: echo the sink file of the message whose
# Message-ID holds TOKEN, once complete: Postfix logged status=sent for its
# queue id and the file stopped growing and ends with smtp-sink's blank line.
dt_wait_delivery() {
    dt_wait_sink "$1" "${2:-60}" '[0-9A-F]\{6,\}' 'message-id=' \
        'to=<.*status=sent' 'to=<.*status=\(bounced\|deferred\)'
}

# dt_wait_sink TOKEN SECONDS QID MSGID SENT FAILED: the loop behind
# dt_wait_delivery and sm_wait_delivery. The MTA log ($DT_MAILLOG) names the
# message in a line "... QUEUEID: MSGID<...TOKEN...>..." (QID: a sed regex
# for the queue id; MSGID: what stands before the "<"). Echo the sink file
# once " QUEUEID: SENT" is logged (grep regexes) and the file stopped growing
# and ends with smtp-sink's blank line; return 1 at once on " QUEUEID: FAILED".
dt_wait_sink() {
    local token=$1 secs=$2 qid_re=$3 msgid=$4 sent=$5 failed=$6 i qid="" file="" size="" last=""
    for i in $(seq 1 $((secs * 5))); do
        [ "$SECONDS" -lt "$DT_DEADLINE" ] || break
        if [ -z "$qid" ]; then
            qid=$(sed -n "s/.* \(${qid_re}\): ${msgid}<[^>]*${token}[^>]*>.*/\1/p" \
                "$DT_MAILLOG" | head -n 1)
        fi
        if [ -n "$qid" ] && grep -q " $qid: $sent" "$DT_MAILLOG"; then
            if [ -z "$file" ]; then
                file=$(grep -l -F -e "$token" -- "$DT_SINK_DIR"/* 2>/dev/null | head -n 1)
            fi
            if [ -n "$file" ]; then
                size=$(stat -c %s "$file")
                if [ "$size" = "$last" ] && [ "$(tail -c 2 "$file" | od -An -c | tr -d ' ')" = '\n\n' ]; then
                    echo "$file"
                    return 0
                fi
                last=$size
            fi
        fi
        if [ -n "$qid" ] && grep -q " $qid: $failed" "$DT_MAILLOG"; then
            grep " $qid: " "$DT_MAILLOG" | sed 's/^/#   /' >&2
            return 1
        fi
        sleep 0.2
    done
    dt_note "message $token not delivered after ${secs}s (queue id ${qid:-unknown}, file ${file:-none})"
    return 1
}

# ---------------------------------------------------------------- messages

# Header block of a sink dump or a message file (before the first empty line,
# CR removed).
dt_headers_of() { sed -e 's/\r$//' -e '/^$/q' "$1" | sed '$ { /^$/d }'; }

# Body of the file as sent (after the first empty line, CRLF -> LF).
dt_sent_body() { sed -e 's/\r$//' "$1" | sed -e '1,/^$/d'; }

# Body of a sink dump (after the first empty line), without the blank line
# smtp-sink appends.
dt_sink_body() { sed -e '1,/^$/d' "$1" | head -c -1; }

dt_sha() { sha256sum | cut -d' ' -f1; }

# All X-Deal-Euphoria fields of a header block on stdin, one per line, unfolded
# (folding white space -> one space).
dt_unfold_field() {
    local name=$1
    awk -v name="$name" '
        BEGIN { want = tolower(name) }
        function flush() { if (cur != "") print cur; cur = "" }
        /^[ \t]/ { if (cur != "") { sub(/^[ \t]+/, " "); cur = cur $0 } ; next }
        {
            flush()
            n = index($0, ":")
            if (n > 0 && tolower(substr($0, 1, n - 1)) == want) cur = $0
        }
        END { flush() }'
}

# Physical lines of field NAME in a header block on stdin (first line and its
# continuations), as "length<TAB>line".
dt_field_lines() {
    local name=$1
    awk -v name="$name" '
        BEGIN { want = tolower(name) }
        /^[ \t]/ { if (in_f) print length($0) "\t" $0; next }
        {
            n = index($0, ":")
            in_f = (n > 0 && tolower(substr($0, 1, n - 1)) == want)
            if (in_f) print length($0) "\t" $0
        }'
}

# ---------------------------------------------------------------- TAP-ish

DT_FAILED=0
DT_COUNT=0
dt_ok() {
    DT_COUNT=$((DT_COUNT + 1))
    echo "ok - $1"
}
dt_not_ok() {
    DT_COUNT=$((DT_COUNT + 1))
    DT_FAILED=$((DT_FAILED + 1))
    echo "not ok - $1: $2"
}

# dt_finish: the closing count; if a check failed, the tails of the MTA log
# and the milter log, and exit 1; else exit 0.
dt_finish() {
    echo "# $DT_COUNT checks, $DT_FAILED failed, ${SECONDS}s"
    if [ "$DT_FAILED" -ne 0 ]; then
        dt_tail_logs 30
        exit 1
    fi
    exit 0
}
