#!/bin/sh
# Installs the Debian packages ngramq needs, and nothing when all are there.
# Usage: tools/install-deps.sh [--dev]   (--dev adds clang with OpenMP, and valgrind)
set -eu

packages="build-essential cmake pkg-config libxxhash-dev libjemalloc-dev libzstd-dev
libcmocka-dev libutf8proc-dev zstd python3"
if [ "${1:-}" = "--dev" ]; then
    packages="$packages clang libomp-dev valgrind"
fi

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
