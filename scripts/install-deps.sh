#!/bin/sh
# install-deps.sh - make sure the Debian packages hfviz builds with are here.
# Idempotent and quiet when everything is present.  As root it installs what
# is missing with apt-get; otherwise it prints the exact command to run.
set -eu

PACKAGES="build-essential cmake pkg-config \
libcjson-dev libcsv-dev zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev libbrotli-dev \
libopenblas-dev liblapacke-dev libmicrohttpd-dev libdeflate-dev curl \
libsqlite3-dev libcurl4-openssl-dev libutf8proc-dev libopenmpi-dev openmpi-bin \
libcriterion-dev clang libclang-rt-14-dev python3"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "hfviz needs these Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
