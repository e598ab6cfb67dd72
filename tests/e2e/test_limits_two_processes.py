"""Two Odoo processes calling one Xero organisation at once stay within Xero's 5 calls in
flight together: the limits live in PostgreSQL (``xero_connector/limits.py``), not in each
process's memory. Done for real: a database of its own with the module installed (the
``module_db`` fixture of the concurrency suite), a committed Xero login, then two OS
processes (``limits_worker.py``), each with its own registry and 6 threads, against the
sandbox `make test` started, answering each call after 0.5 s."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from test_export_concurrency import ODOO_RC, SANDBOX_URL, VENV, connect_admin_to, module_db  # noqa: F401

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from xero_sandbox.client import SandboxClient  # noqa: E402
from xero_sandbox.odoo_login import log_in_this_transaction  # noqa: E402

THREADS, CALLS = 6, 3  # per process: 12 callers at once for 5 slots


def connect(registry, sandbox, org):
    """The admin's Xero login to ``org``, committed; returns the organisation's record id."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # The login is created in this transaction: its sync log lines go with it.
        with log_in_this_transaction(env):
            tenant = connect_admin_to(env, sandbox, org["tenantId"])
        cr.commit()
        return tenant.id


def test_two_processes_never_exceed_five_calls_in_flight_together(module_db, monkeypatch):  # noqa: F811
    sandbox = SandboxClient(SANDBOX_URL)
    suffix = uuid.uuid4().hex[:6]
    org = sandbox.create_org(f"Two Servers {suffix}", short_code=f"!S{suffix}", base_currency="AUD")
    monkeypatch.setitem(odoo.tools.config.options, "test_enable", False)
    registry = odoo.modules.registry.Registry(module_db)
    tenant_id = connect(registry, sandbox, org)
    sandbox.new_minute()
    sandbox.set_latency(0.5, tenant=org["tenantId"])
    try:
        sandbox.reset_peaks()
        start = time.time() + 8  # both processes loaded by then
        worker = str(Path(__file__).with_name("limits_worker.py"))
        args = [ODOO_RC, module_db, str(tenant_id), str(THREADS), str(CALLS), str(start)]
        processes = [
            subprocess.Popen(
                [str(VENV / "bin" / "python"), worker, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(os.environ),
            )
            for _n in range(2)
        ]
        outcomes = []
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err[-3000:]
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
        usage = sandbox.usage(org["tenantId"])
    finally:
        sandbox.set_latency(0, tenant=org["tenantId"])
    assert [o["errors"] for o in outcomes] == [[], []]
    assert [o["done"] for o in outcomes] == [THREADS * CALLS] * 2, "every call answered"
    assert usage["refused"] == {}, f"Xero refused calls: {usage['refused']}"
    assert usage["peak_in_flight"] == 5, "five calls in flight at once at most, and five were used"
    assert usage["day"] >= 2 * THREADS * CALLS
