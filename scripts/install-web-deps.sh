#!/bin/sh
# install-web-deps.sh - what the web explorer (web/) builds and tests with.
#   sh scripts/install-web-deps.sh                 npm ci in web/ when node_modules is missing or stale
#   sh scripts/install-web-deps.sh --with-browser  also Debian's chromium for the end-to-end test (root: apt-get)
# Idempotent and quiet when everything is present.  Without Node.js 20.19+
# it says so and exits 0: the C build and its tests do not need the web app.
set -eu
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-web-deps: node/npm not found; the web explorer is not built (needs Node.js >= 20.19)" >&2
    exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
    echo "install-web-deps: Node.js $(node --version) is too old (needs >= 20.19); the web explorer is not built" >&2
    exit 0
fi

# npm ci when node_modules is missing or older than the lock file.
stamp=web/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ web/package-lock.json -nt "$stamp" ]; then
    echo "install-web-deps: npm ci in web/" >&2
    if ! (cd web && npm ci --no-audit --no-fund --loglevel=error); then
        # No registry (offline): the C build and its tests go on without the web app.
        echo "install-web-deps: npm ci failed; the web explorer is not built (its tests say skipped)" >&2
        rm -rf web/node_modules
        exit 0
    fi
fi

if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "the web end-to-end test needs Debian's chromium: sudo apt-get install -y chromium" >&2
        exit 0
    fi
    echo "install-web-deps: installing chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
exit 0
