#!/bin/sh
# Install the Debian packages dealtemp needs to build and test (make deps;
# make check, run, demo and bench run it first).
# Idempotent: when everything is present it touches nothing, not even the
# package lists (apt-get update runs only when something is missing). Not
# root: prints the exact command to run and fails - a missing package is
# an error, never a reason to skip a test.
set -eu

# Build: compiler, pkg-config, the libraries' -dev packages, Check.
# Tests: sqlite3, Postfix (and its smtp-sink), swaks, miltertest, python3,
# iproute2 (ss finds free loopback ports), man-db/groff-base (man pages),
# systemd (systemd-analyze verify of the units), procps (/bin/kill, which
# the milter's unit reloads with and verify insists on).
PKGS="build-essential pkg-config libmilter-dev libetpan-dev libconfig-dev check libsubunit-dev
libsqlite3-dev sqlite3 postfix swaks miltertest python3 iproute2 man-db groff-base systemd procps"

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
cmd="apt-get update && echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing:$missing" >&2
    echo "deps: run as root: $cmd" >&2
    exit 1
fi
echo "deps: installing:$missing"
sh -c "$cmd"
