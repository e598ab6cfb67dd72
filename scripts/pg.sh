#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster if it is down and makes sure the project's role
# exists (Odoo refuses to run as the `postgres` role).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh"

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  if command -v pg_lsclusters >/dev/null; then
    read -r ver name _ < <(pg_lsclusters -h | head -n 1)
    pg_ctlcluster "$ver" "$name" start
  else
    echo "[pg] PostgreSQL is not running on $PGHOST:$PGPORT and no cluster tool was found" >&2
    exit 1
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
fi

as_postgres() {
  local cmd="env -u PGHOST -u PGUSER -u PGPASSWORD $*"
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$cmd"; else sudo -u postgres sh -c "$cmd"; fi
}
if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  as_postgres "psql -q -v ON_ERROR_STOP=1 -p $PGPORT -d postgres" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGUSER') THEN
    CREATE ROLE "$PGUSER" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
  ELSE
    ALTER ROLE "$PGUSER" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
  END IF;
END \$\$;
SQL
fi

