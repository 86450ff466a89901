#!/usr/bin/env bash
# What the tests need beyond pip, from Debian: Chromium at /usr/bin/chromium (driven by Playwright,
# and printing the Skia/PDF test files), Tesseract with its Norwegian model and poppler's pdftoppm
# (OCR of scanned pages), and PostgreSQL's server binaries (package postgresql; `pg_config --bindir`,
# not on PATH), which the PostgreSQL tests start in a temporary folder of their own (tests/pgserver.py).
# Playwright's own browser download cannot be used (closed network), so never `playwright install`.
# Runs unattended (CI has no stdin); needs root for apt-get, else says what to run.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/nor.traineddata ] || missing+=(tesseract-ocr-nor)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
{ command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; } || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_test_deps: missing ${missing[*]} and there is no apt-get; install them by hand." >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_test_deps: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install_test_deps: installed ${missing[*]}"
