#!/usr/bin/env bash
# What the browser tests need beyond pip: Debian's Chromium at /usr/bin/chromium, driven by Playwright.
# Playwright's own browser download cannot be used (closed network), so never `playwright install`.
# Runs unattended (CI has no stdin); needs root for apt-get, else says what to run.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_test_deps: /usr/bin/chromium is missing and there is no apt-get; install Chromium by hand." >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_test_deps: /usr/bin/chromium is missing; run: sudo apt-get install -y chromium" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install_test_deps: installed $(/usr/bin/chromium --version 2>/dev/null)"
