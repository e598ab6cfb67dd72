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
export ODOO_SRC VENV ODOO_RC_FILE PGHOST PGPORT PGUSER PGPASSWORD XERO_OPENAPI_DIR
