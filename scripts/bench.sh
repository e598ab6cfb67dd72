#!/usr/bin/env bash
# `make bench`: set-up, a fresh database with the module installed (copied from the test
# template), then every bench/bench_*.py against it (bench/common.py is their shared set-up).
# Benchmarks print figures; they never pass or fail on time. Each starts the Xero sandbox it
# needs in-process.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/setup.sh"
source "$ROOT/scripts/lib.sh"

: "${BENCH_DB:=xero_bench}"
LOGDIR="$ROOT/.logs"; mkdir -p "$LOGDIR"

template="$(ensure_template_db)" || exit 1
dropdb --if-exists "$BENCH_DB" 2>/dev/null
createdb -T "$template" "$BENCH_DB"
trap 'dropdb --if-exists "$BENCH_DB"' EXIT
echo "[bench] installing xero_connector in $BENCH_DB (log: .logs/odoo-bench.log)"
"$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$BENCH_DB" -i xero_connector --stop-after-init \
  --log-level=warn > "$LOGDIR/odoo-bench.log" 2>&1

status=0
for bench in "$ROOT"/bench/bench_*.py; do
  echo "[bench] ${bench#"$ROOT"/}"
  "$VENV/bin/python" "$bench" "$BENCH_DB" || status=$?
done
exit "$status"
