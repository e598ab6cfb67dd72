# Helpers shared by run.sh and test.sh (sourced; expects env.sh already sourced).

SANDBOX_PID=""

start_sandbox() {  # port logfile
  local port="$1" log="$2"
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "[sandbox] port $port is taken (another make test or make run?); stop it or set XERO_SANDBOX_PORT" >&2
    return 1
  fi
  (cd "$ROOT/tests" && exec "$VENV/bin/python" -m xero_sandbox --host 127.0.0.1 --port "$port") \
    > "$log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 1 60); do
    kill -0 "$SANDBOX_PID" 2>/dev/null || break
    if curl -fs "http://127.0.0.1:$port/_sandbox/orgs" >/dev/null 2>&1; then
      echo "[sandbox] Xero sandbox on http://127.0.0.1:$port (log: ${log#"$ROOT"/})"
      return 0
    fi
    sleep 0.5
  done
  echo "[sandbox] failed to start; its log says:" >&2
  tail -n 30 "$log" >&2
  return 1
}

stop_sandbox() {
  [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
}

# A database with Odoo's accounting apps installed and nothing of ours, built once per Odoo
# source and copied for each run: tests then start from a fresh copy in a second.
ensure_template_db() {
  local key name tmp
  key="$(cat "$ODOO_SRC/odoo/release.py" "$ROOT/scripts/lib.sh" | sha1sum | cut -c1-10)"
  name="xero_tmpl_$key"
  if ! psql -d postgres -tAc "select 1 from pg_database where datname='$name'" | grep -q 1 \
    || [ ! -d "$ODOO_DATA_DIR/filestore/$name" ]; then
    dropdb --if-exists "$name" 2>/dev/null
    tmp="${name}_building"
    dropdb --if-exists "$tmp" 2>/dev/null
    echo "[test] building template database $name (once per Odoo source, about two minutes)" >&2
    "$VENV/bin/odoo" -c "$ODOO_RC_FILE" -d "$tmp" -i account,purchase,stock_account,l10n_au,l10n_nz,l10n_uk \
      --without-demo=all --stop-after-init --log-level=warn >&2 || return 1
    psql -d postgres -qc "ALTER DATABASE \"$tmp\" RENAME TO \"$name\"" >&2 || return 1
    if [ -d "$ODOO_DATA_DIR/filestore/$tmp" ]; then
      rm -rf "$ODOO_DATA_DIR/filestore/$name"
      mv "$ODOO_DATA_DIR/filestore/$tmp" "$ODOO_DATA_DIR/filestore/$name"
    fi
    mkdir -p "$ODOO_DATA_DIR/filestore/$name"
  fi
  echo "$name"
}

# A fresh database from the template, with a copy of the template's filestore (reports and
# assets read files from it; PostgreSQL's template copy does not bring them along).
clone_db() {  # template new
  local data="$ODOO_DATA_DIR/filestore"
  dropdb --if-exists "$2" 2>/dev/null
  rm -rf "${data:?}/$2"
  createdb -T "$1" "$2" || return 1
  if [ -d "$data/$1" ]; then cp -r "$data/$1" "$data/$2"; fi
}
