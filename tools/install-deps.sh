#!/bin/sh
# Installs the Debian packages ngramq needs, and nothing when all are there.
# Usage: tools/install-deps.sh [--dev] [--arm64]
#   --dev    adds clang with OpenMP, and valgrind
#   --arm64  adds the ARM64 cross toolchain, qemu-aarch64 and the :arm64
#            libraries (multiarch) that `make test-arm64` builds against
set -eu

packages="build-essential cmake pkg-config libxxhash-dev libjemalloc-dev libzstd-dev
libcmocka-dev libutf8proc-dev zstd python3"
arm64=0
for arg in "$@"; do
    case "$arg" in
    --dev) packages="$packages clang libomp-dev valgrind" ;;
    --arm64) arm64=1
        # libjemalloc-dev is not Multi-Arch: same (its :arm64 would replace
        # the host's), so the ARM64 build uses the C library's allocator.
        packages="$packages gcc-aarch64-linux-gnu qemu-user libc6:arm64 libgomp1:arm64
libzstd-dev:arm64 libxxhash-dev:arm64 libutf8proc-dev:arm64 libcmocka-dev:arm64" ;;
    *) echo "install-deps: unknown option $arg (use --dev, --arm64)" >&2; exit 2 ;;
    esac
done

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
if [ "$arm64" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
