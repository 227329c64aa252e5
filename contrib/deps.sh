#!/bin/sh
# Install the Debian packages dealtemp needs to build and test (make deps).
# Idempotent: does nothing when everything is present. Not root: prints the
# exact command to run and fails.
set -eu

PKGS="build-essential pkg-config libmilter-dev libetpan-dev libconfig-dev check libsubunit-dev
libsqlite3-dev sqlite3 postfix swaks miltertest python3 man-db groff-base systemd"

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
