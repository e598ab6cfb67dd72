#!/usr/bin/env bash
# `make pot`: xero_connector/i18n/xero_connector.pot, the translation template of every term of
# the module (Python `_()` / `env._()`, views, data, selections, field labels and helps), written
# by Odoo's own exporter (`odoo --i18n-export=<file>.pot --modules=xero_connector`, no `-l`:
# a template, empty translations) from a scratch database cloned from the test template with
# the module installed. Run it after changing user-facing text and commit the file. When only
# the export's time stamps differ, the committed file is kept as it is (no noise in diffs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/setup.sh"
source "$ROOT/scripts/lib.sh"

: "${POT_DB:=xero_pot}"
POT="$ROOT/xero_connector/i18n/xero_connector.pot"
LOGDIR="$ROOT/.logs"; mkdir -p "$LOGDIR" "$(dirname "$POT")"
work="$(mktemp -d)"
cleanup() {
  dropdb --if-exists "$POT_DB" 2>/dev/null || true
  rm -rf "${ODOO_DATA_DIR:?}/filestore/$POT_DB" "$work"
}
trap cleanup EXIT

template="$(ensure_template_db)" || exit 1
clone_db "$template" "$POT_DB"
echo "[pot] installing xero_connector in the scratch database $POT_DB (log: .logs/pot.log)"
"$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$POT_DB" -i xero_connector --without-demo=all \
  --stop-after-init --no-http --log-level=warn > "$LOGDIR/pot.log" 2>&1
"$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$POT_DB" --i18n-export="$work/xero_connector.pot" \
  --modules=xero_connector --no-http --log-level=warn >> "$LOGDIR/pot.log" 2>&1

stamps='^"(POT-Creation-Date|PO-Revision-Date): '
if [ -f "$POT" ] && diff -q <(grep -Ev "$stamps" "$POT") <(grep -Ev "$stamps" "$work/xero_connector.pot") >/dev/null; then
  echo "[pot] ${POT#"$ROOT"/} is current"
else
  mv "$work/xero_connector.pot" "$POT"
  echo "[pot] ${POT#"$ROOT"/} written: $(grep -c '^msgid "' "$POT") terms (commit it)"
fi
