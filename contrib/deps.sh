#!/bin/sh
# Install the Debian packages dealtemp needs to build and test (make deps;
# make check, run, demo and bench run it first).
# Idempotent: when everything is present it touches nothing, not even the
# package lists (apt-get update runs only when something is missing). Not
# root: prints the exact command to run and fails - a missing package is
# an error, never a reason to skip a test.
set -eu

# Build: compiler, pkg-config, the libraries' -dev packages (libpq-dev: the
# PostgreSQL store), Check.
# Tests: sqlite3, postgresql (initdb, pg_ctl, postgres and psql in
# /usr/lib/postgresql/<version>/bin: make check runs a private server as
# nobody, tests/integration/pg-lib.sh), Postfix (and its smtp-sink), swaks,
# miltertest, python3, iproute2 (ss finds free loopback ports),
# man-db/groff-base (man pages), systemd (systemd-analyze verify of the
# units), procps (/bin/kill, which the milter's unit reloads with and
# verify insists on), chromium (run-report.sh renders the report's page in
# it, headless, and screenshots it).
# Fuzzing (make fuzz): clang and libclang-rt-dev, the compiler-rt runtimes
# with libFuzzer and the sanitizers (only recommended by clang, and
# recommends are not installed here).
PKGS="build-essential pkg-config libmilter-dev libetpan-dev libconfig-dev check libsubunit-dev
libsqlite3-dev libpq-dev sqlite3 postgresql postfix swaks miltertest python3 iproute2 man-db
groff-base systemd procps chromium clang libclang-rt-dev"

# Debian's postgresql creates and starts a system cluster "main" when it is
# installed; the tests never use one. Before installing it, createcluster.conf
# gets "create_main_cluster = false" (the file and its directory are created
# if missing; an existing file keeps everything else; an active
# create_main_cluster line is set to false), and ucf keeps that file when
# postgresql-common installs its own (UCF_FORCE_CONFFOLD).
CCONF=/etc/postgresql-common/createcluster.conf
NOCLUSTER="mkdir -p /etc/postgresql-common && touch $CCONF && if ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*(false|off|no|0)[[:space:]]*\$' $CCONF; then if grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=' $CCONF; then sed -i -E 's/^[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' $CCONF; else echo 'create_main_cluster = false' >>$CCONF; fi; fi"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi
cmd="apt-get update && echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections && DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y --no-install-recommends$missing"
case " $missing " in
*" postgresql "*) cmd="$NOCLUSTER && $cmd" ;;
esac
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing:$missing" >&2
    echo "deps: run as root: $cmd" >&2
    exit 1
fi
echo "deps: installing:$missing"
sh -c "$cmd"
