#!/usr/bin/env bash
# Installs whatever is missing for `make run` and `make test`, then returns quickly on a
# second run: Debian packages, PostgreSQL with a non-superuser-named role, a .venv with Odoo
# 18.0 (from $ODOO_SRC), the module's requirements and the test tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

say() { printf '[setup] %s\n' "$*"; }

# --- Debian packages ------------------------------------------------------------------------
APT_PACKAGES=(postgresql libpq-dev libldap2-dev libsasl2-dev chromium python3-venv)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Odoo source ----------------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
  say "Odoo 18.0 source not found at ODOO_SRC=$ODOO_SRC."
  say "Set ODOO_SRC to an Odoo 18.0 checkout, or let this script download Odoo's official 18.0 source."
  mkdir -p "$ODOO_SRC"
  tmp="$(mktemp -d)"
  if curl -fsSL "$ODOO_DOWNLOAD_URL" -o "$tmp/odoo.tar.gz"; then
    tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
  else
    say "ERROR: could not download $ODOO_DOWNLOAD_URL; fetch Odoo 18.0 into $ODOO_SRC and run again."
    exit 1
  fi
fi

# --- PostgreSQL -----------------------------------------------------------------------------
"$ROOT/scripts/pg.sh" start

# --- Python virtualenv ----------------------------------------------------------------------
# The stamp covers everything that decides what is installed, so an unchanged tree skips pip.
stamp_src="$(cat "$ODOO_SRC/requirements.txt" requirements.txt requirements-dev.txt | sha1sum | cut -c1-16)"
stamp="$VENV/.xero-stamp-$stamp_src"
if [ ! -f "$stamp" ]; then
  say "preparing $VENV (first run takes a few minutes)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  pip=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
  # xero-python needs setuptools >= 75.1 at run time; old sdists in Odoo's list need
  # pkg_resources, which setuptools 81 removed.
  "${pip[@]}" "setuptools>=75.1,<81" wheel
  # Odoo pins cbor2 5.4.2, which no longer builds on Python 3.11.
  sed -E 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
  "${pip[@]}" -r "$VENV/odoo-requirements.txt"
  # compat: a path entry, so that addons installed from PyPI (odoo/addons/queue_job in
  # site-packages) join Odoo's own namespace instead of hiding it
  "${pip[@]}" --no-build-isolation --use-pep517 -e "$ODOO_SRC" --config-settings editable_mode=compat
  "${pip[@]}" -r requirements-dev.txt
  rm -f "$VENV"/.xero-stamp-*
  touch "$stamp"
fi

# --- Odoo configuration ---------------------------------------------------------------------
cat > "$ODOO_RC_FILE" <<CONF
[options]
addons_path = $ODOO_SRC/odoo/addons,$ROOT
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
admin_passwd = admin
data_dir = $ODOO_DATA_DIR
logfile =
log_level = info
; queue_job: loaded by every process; its job runner (one per server) hands the jobs to the
; HTTP workers. Capacity: jobs at once on this server, Xero's within root.
server_wide_modules = base,web,queue_job

[queue_job]
channels = root:4,root.xero:4
CONF
say "ready (Odoo from $ODOO_SRC, Python $("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])'))"
