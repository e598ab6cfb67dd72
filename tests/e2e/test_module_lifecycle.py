"""The module installs and uninstalls cleanly on a fresh Odoo 18.0 database, as an
administrator would do it from Apps: no warning or error in the log, nothing left behind."""

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
ODOO_RC = os.environ.get("ODOO_RC_FILE", str(ROOT / ".odoo.conf"))
TEMPLATE = os.environ.get("XERO_TEMPLATE_DB")

# Odoo's log line: "2025-01-01 10:00:00,000 123 WARNING db logger: message"
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", re.MULTILINE)

UNINSTALL = """
module = env['ir.module.module'].search([('name', '=', 'xero_connector')])
module.button_immediate_uninstall()
env.cr.commit()
"""


def _odoo(command, db, *args, stdin=None):
    cmd = [str(VENV / "bin" / "odoo"), command, "-c", ODOO_RC, "-d", db, *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600, check=False)


def _sql(db, query):
    out = subprocess.run(["psql", "-d", db, "-tAc", query], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture
def fresh_db():
    if not TEMPLATE:
        pytest.fail("XERO_TEMPLATE_DB is not set: run this suite through `make test`")
    name = f"xero_lifecycle_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", TEMPLATE, name], check=True)
    filestore = Path(os.environ["ODOO_DATA_DIR"]) / "filestore"
    if (filestore / TEMPLATE).is_dir():
        shutil.copytree(filestore / TEMPLATE, filestore / name)
    yield name
    subprocess.run(["dropdb", "--if-exists", name], check=False)
    shutil.rmtree(filestore / name, ignore_errors=True)


@pytest.mark.slow
def test_install_then_uninstall_leaves_clean_log_and_database(fresh_db):
    installed = _odoo("server", fresh_db, "-i", "xero_connector", "--stop-after-init", "--log-level=info")
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert not LOG_PROBLEM.findall(installed.stderr), "install logged:\n" + "\n".join(
        line for line in installed.stderr.splitlines() if LOG_PROBLEM.match(line)
    )
    assert _sql(fresh_db, "select state from ir_module_module where name='xero_connector'") == "installed"
    assert _sql(fresh_db, "select count(*) from ir_model_data where module='xero_connector'") != "0"

    removed = _odoo("shell", fresh_db, "--log-level=info", "--no-http", stdin=UNINSTALL)
    assert removed.returncode == 0, removed.stderr[-3000:]
    problems = [line for line in removed.stderr.splitlines() if LOG_PROBLEM.match(line)]
    assert not problems, "uninstall logged:\n" + "\n".join(problems)
    assert _sql(fresh_db, "select state from ir_module_module where name='xero_connector'") == "uninstalled"
    assert _sql(fresh_db, "select count(*) from ir_model_data where module='xero_connector'") == "0"
    assert _sql(fresh_db, "select count(*) from ir_model where model like 'xero.%'") == "0"
    assert _sql(fresh_db, "select count(*) from ir_ui_menu where name->>'en_US' = 'Xero'") == "0"
