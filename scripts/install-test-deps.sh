#!/bin/sh
# Installs what the test suite needs beyond cargo: headless Chromium for tests/browser.rs.
# Idempotent: each package is installed only when absent, so `.ci/run` can call it every time.
set -eu

need_update=1
apt_install() {
    if [ "$need_update" = 1 ]; then
        apt-get update
        need_update=0
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# Root in CI containers; sudo elsewhere.
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo "$0" "$@"
    fi
    echo "install-test-deps: run as root (or install sudo) to install packages" >&2
    exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
fi

# Without a CJK font the report's screenshot shows boxes for every Chinese character.
# The DOM checks do not need it; people looking at target/report-screenshot.png do.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    apt_install fonts-noto-cjk
fi

/usr/bin/chromium --version
