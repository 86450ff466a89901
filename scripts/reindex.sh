#!/bin/sh
# Nightly re-index for cron or a systemd timer: incremental, one job at a time, a JSON report per run.
#
#   SOKBASE_CORPUS=/srv/sokbase/dokumenter SOKBASE_INDEX=/srv/sokbase/index scripts/reindex.sh
#
# Settings (environment): SOKBASE_CORPUS (required), SOKBASE_INDEX (default ./index),
# SOKBASE_BIN (default: the sokbase beside this script's .venv, else the one on PATH),
# SOKBASE_REPORTS (folder for reindex-YYYY-MM-DD.json, default $SOKBASE_INDEX/../reports),
# SOKBASE_WAIT (seconds to wait for a job still running, default 1800).
# Exit code: sokbase's own (0 ok, 3 some files failed, 1 nothing indexed, 75 another job ran on).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SOKBASE_CORPUS:?set SOKBASE_CORPUS to the folder to index}
index=${SOKBASE_INDEX:-index}
bin=${SOKBASE_BIN:-}
if [ -z "$bin" ]; then
    if [ -x "$here/.venv/bin/sokbase" ]; then bin="$here/.venv/bin/sokbase"; else bin=sokbase; fi
fi
reports=${SOKBASE_REPORTS:-$(dirname "$index")/reports}
mkdir -p "$reports"

# nice (and ionice where there is one) keep searches responsive if a run overlaps working hours.
gentle="nice -n 10"
if command -v ionice >/dev/null 2>&1; then gentle="$gentle ionice -c3"; fi
status=0
$gentle "$bin" index "$corpus" --index "$index" --wait "${SOKBASE_WAIT:-1800}" \
    --report "$reports/reindex-$(date +%Y-%m-%d).json" || status=$?
exit "$status"
