#!/usr/bin/env bash
# `make run`: set-up, the Xero sandbox, and Odoo on http://localhost:8069 with a demo
# database (admin/admin) that has the module installed and is connected to the sandbox.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/setup.sh"
source "$ROOT/scripts/lib.sh"

: "${XERO_SANDBOX_PORT:=8071}"
: "${ODOO_HTTP_PORT:=8069}"
: "${DEMO_DB:=xero_demo}"
LOGDIR="$ROOT/.logs"; mkdir -p "$LOGDIR"

start_sandbox "$XERO_SANDBOX_PORT" "$LOGDIR/sandbox.log"
trap stop_sandbox EXIT
export XERO_SANDBOX_URL="http://127.0.0.1:$XERO_SANDBOX_PORT"

# The sandbox starts empty on every run, so the demo database does too: a copy (seconds) of
# $DEMO_DB_BASE (module installed, not connected), then connected afresh. A database kept from
# the last run would point at contacts and documents the new sandbox never had.
DEMO_DB_BASE="${DEMO_DB}_base"
FILESTORE="$ODOO_DATA_DIR/filestore"
if ! psql -d postgres -tAc "select 1 from pg_database where datname='$DEMO_DB_BASE'" | grep -q 1 \
  || [ ! -d "$FILESTORE/$DEMO_DB_BASE" ]; then
  dropdb --if-exists "$DEMO_DB_BASE" 2>/dev/null
  echo "[run] creating demo database $DEMO_DB_BASE (about two minutes, once)"
  "$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$DEMO_DB_BASE" -i xero_connector \
    --stop-after-init --log-level=warn
else
  echo "[run] updating xero_connector in $DEMO_DB_BASE"
  "$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$DEMO_DB_BASE" -u xero_connector --stop-after-init --log-level=warn
fi
echo "[run] $DEMO_DB afresh from $DEMO_DB_BASE (the sandbox starts empty)"
dropdb --if-exists "$DEMO_DB" 2>/dev/null
createdb -T "$DEMO_DB_BASE" "$DEMO_DB"
rm -rf "${FILESTORE:?}/$DEMO_DB"
cp -r "$FILESTORE/$DEMO_DB_BASE" "$FILESTORE/$DEMO_DB"
"$VENV/bin/python" "$ROOT/scripts/demo_connect.py" "$DEMO_DB" "$XERO_SANDBOX_URL" "http://localhost:$ODOO_HTTP_PORT"

echo "[run] Odoo on http://localhost:$ODOO_HTTP_PORT (database $DEMO_DB, login admin / admin); Ctrl-C stops both"
"$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$DEMO_DB" --db-filter "^$DEMO_DB\$" \
  --http-port "$ODOO_HTTP_PORT" --log-level=info 2>&1 | tee "$LOGDIR/odoo.log"
