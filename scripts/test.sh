#!/usr/bin/env bash
# `make test`: set-up, a fresh database, Odoo's own runner on the module, then the pytest
# suites (the Xero sandbox's own tests and the pytest-odoo suites). Fails if either fails,
# skips a test, or runs none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/setup.sh"
source "$ROOT/scripts/lib.sh"

: "${XERO_SANDBOX_PORT:=8171}"
: "${ODOO_TEST_HTTP_PORT:=8169}"
: "${TEST_DB:=xero_test}"
# For a developer's partial local run only (CI uses the defaults: everything).
: "${ODOO_TEST_TAGS:=/xero_connector}"
: "${XERO_TEST_PART:=all}"  # all | odoo | pytest
LOGDIR="$ROOT/.logs"; mkdir -p "$LOGDIR"

start_sandbox "$XERO_SANDBOX_PORT" "$LOGDIR/sandbox-test.log"
trap stop_sandbox EXIT
export XERO_SANDBOX_URL="http://127.0.0.1:$XERO_SANDBOX_PORT"

template="$(ensure_template_db)" || exit 1
export XERO_TEMPLATE_DB="$template"
clone_db "$template" "$TEST_DB"

if [ "$XERO_TEST_PART" != pytest ]; then
  echo "[test] Odoo's test runner: --test-tags $ODOO_TEST_TAGS (log: .logs/odoo-test.log)"
  set +e
  "$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$TEST_DB" -i xero_connector --test-enable \
    --test-tags "$ODOO_TEST_TAGS" --stop-after-init --http-port "$ODOO_TEST_HTTP_PORT" \
    --log-level=test > "$LOGDIR/odoo-test.log" 2>&1
  odoo_rc=$?
  set -e
  "$VENV/bin/python" "$ROOT/scripts/odoo_test_report.py" "$LOGDIR/odoo-test.log" "$odoo_rc"
fi
[ "$XERO_TEST_PART" = odoo ] && exit 0

echo "[test] pytest suites: tests/ (sandbox, pytest-odoo end to end)"
"$VENV/bin/python" -m pytest tests --odoo-database="$TEST_DB" --odoo-config="$ODOO_RC_FILE" \
  --odoo-log-level=warn "$@"
