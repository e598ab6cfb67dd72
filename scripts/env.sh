# Settings shared by the project's scripts; each can be overridden from the environment.
: "${ODOO_SRC:=/opt/odoo/18.0}"
: "${ODOO_DOWNLOAD_URL:=https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
: "${VENV:=$ROOT/.venv}"
: "${ODOO_RC_FILE:=$ROOT/.odoo.conf}"
: "${PGHOST:=localhost}"
: "${PGPORT:=5432}"
: "${PGUSER:=odoo}"
: "${PGPASSWORD:=odoo}"
: "${XERO_OPENAPI_DIR:=$ROOT/../shared/xero/openapi}"
# Odoo's files (filestores) live per machine, like the PostgreSQL databases they belong to:
# a fresh clone reuses the template database and finds its filestore.
: "${ODOO_DATA_DIR:=${XDG_DATA_HOME:-$HOME/.local/share}/xero_connector/odoo}"
export ODOO_SRC VENV ODOO_RC_FILE PGHOST PGPORT PGUSER PGPASSWORD XERO_OPENAPI_DIR ODOO_DATA_DIR
