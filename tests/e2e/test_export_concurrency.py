"""The same invoice exported from two cursors at once ends up once in Xero, linked once.

Odoo's HttpCase runs everything in one transaction, so this is done for real: a database of
its own (a copy of the template with the module installed by Odoo's command line), set-up data
committed, then two threads, each with its own cursor as two users' requests (or a user and
the export cron) would have, press "Export to Xero" on the same posted invoice at the same
moment, through Odoo's own retry on serialisation failures (``odoo.service.model.retrying``,
what the web client's calls go through). The Xero sandbox is the one `make test` starts
(``XERO_SANDBOX_URL``)."""

import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.service.model import retrying

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from xero_sandbox.client import SandboxClient  # noqa: E402
from xero_sandbox.odoo_login import connect_admin, log_in_this_transaction  # noqa: E402

VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
ODOO_RC = os.environ.get("ODOO_RC_FILE", str(ROOT / ".odoo.conf"))
TEMPLATE = os.environ.get("XERO_TEMPLATE_DB")
SANDBOX_URL = os.environ.get("XERO_SANDBOX_URL")


@pytest.fixture
def module_db():
    """A copy of the template with xero_connector installed; dropped afterwards."""
    if not TEMPLATE:
        pytest.fail("XERO_TEMPLATE_DB is not set: run this suite through `make test`")
    if not SANDBOX_URL:
        pytest.fail("XERO_SANDBOX_URL is not set: run this suite through `make test`")
    name = f"xero_concurrency_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", TEMPLATE, name], check=True)
    filestore = ROOT / ".odoo-data" / "filestore"
    if (filestore / TEMPLATE).is_dir():
        shutil.copytree(filestore / TEMPLATE, filestore / name)
    try:
        installed = subprocess.run(
            [
                str(VENV / "bin" / "odoo"),
                *("-c", ODOO_RC, "-d", name, "-i", "xero_connector"),
                *("--stop-after-init", "--no-http", "--log-level=warn"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert installed.returncode == 0, installed.stderr[-3000:]
        yield name
    finally:
        odoo.modules.registry.Registry.delete(name)
        odoo.sql_db.close_db(name)
        subprocess.run(["dropdb", "--if-exists", name], check=False)
        shutil.rmtree(filestore / name, ignore_errors=True)


def connect_admin_to(env, sandbox, tenant_id):
    """Settings > Xero > Connect to Xero as admin, consent given on the sandbox's control API."""
    base_url = "http://localhost:8069"
    client_id, secret = f"odoo-e2e-{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    sandbox.register_app(client_id, secret, [f"{base_url}/xero/oauth/callback"], webhook_key=uuid.uuid4().hex)
    return connect_admin(env, sandbox, [tenant_id], client_id, secret, base_url).tenant_ids


def prepare(registry, sandbox, org):
    """Company → organisation, cache, tax and account defaults, one posted invoice: committed."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        cr.commit()
        # The login is created in this transaction: its sync log lines go with it (as the
        # first connection from Settings does) rather than wait on it from another cursor.
        with log_in_this_transaction(env):
            tenant = connect_admin_to(env, sandbox, org["tenantId"])
        cr.commit()
        company.xero_tenant_id = tenant
        tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant)
        rates = {r.tax_type: r for r in env["xero.tax.rate"].search([("tenant_id", "=", tenant.id)])}
        accounts = {a.code: a for a in env["xero.account"].search([("tenant_id", "=", tenant.id)])}
        tax = env["account.tax"].create(
            {"name": "GST 10% (e2e)", "amount": 10, "type_tax_use": "sale", "company_id": company.id}
        )
        env["xero.tax.map"].create(
            {"tenant_id": tenant.id, "tax_id": tax.id, "tax_rate_id": rates["OUTPUT"].id}
        )
        tenant.write(
            {
                "xero_default_sales_account_id": accounts["200"].id,
                "xero_default_sale_tax_rate_id": rates["OUTPUT"].id,
            }
        )
        company.xero_auto_create_contacts = True
        customer = env["res.partner"].create({"name": "Twin Cursors Pty", "is_company": True})
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 3,
                            "price_unit": 150.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        cr.commit()
        return move.id, move.name, env.ref("base.user_admin").id, tenant.tenant_id


def test_same_invoice_exported_from_two_cursors_at_once(module_db, monkeypatch):
    sandbox = SandboxClient(SANDBOX_URL)
    suffix = uuid.uuid4().hex[:6]
    org = sandbox.create_org(f"Twin Cursors {suffix}", short_code=f"!T{suffix}", base_currency="AUD")
    # pytest-odoo runs with test_enable: loading this database's registry must not look for
    # Odoo's own test suites.
    monkeypatch.setitem(odoo.tools.config.options, "test_enable", False)
    registry = odoo.modules.registry.Registry(module_db)
    move_id, number, admin_id, tenant_id = prepare(registry, sandbox, org)
    mark = sandbox.calls()["next"]

    start = threading.Barrier(2, timeout=30)
    outcomes = {}

    def press_export(who):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, admin_id, {})
                move = env["account.move"].browse(move_id)
                start.wait()
                try:
                    retrying(move.action_xero_export, env)
                    outcomes[who] = "exported"
                except UserError as error:
                    outcomes[who] = str(error)
        except Exception as error:  # reported by the assertions below
            outcomes[who] = repr(error)

    threads = [threading.Thread(target=press_export, args=(who,)) for who in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an export never finished"

    exported = [who for who, outcome in outcomes.items() if outcome == "exported"]
    assert len(exported) == 1, f"exactly one press exports: {outcomes}"
    (other,) = (outcome for who, outcome in outcomes.items() if who not in exported)
    assert "Nothing to export" in other, f"the other press finds it exported: {outcomes}"

    in_xero = [i for i in sandbox.dump(tenant_id, "Invoices") if i["InvoiceNumber"] == number]
    assert len(in_xero) == 1, f"{len(in_xero)} invoices numbered {number} in Xero"
    puts = [
        c
        for c in sandbox.calls(mark)["log"]
        if c["tenant"] == tenant_id and c["method"] == "PUT" and c["path"].endswith("/Invoices")
    ]
    assert len(puts) == 1, "the second export sent nothing"

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        move = env["account.move"].browse(move_id)
        assert move.xero_id == in_xero[0]["InvoiceID"]
        assert move.xero_export_state == "exported"
        assert not move.xero_error
        bodies = move.message_ids.mapped("body")
        assert len([b for b in bodies if "Exported to Xero" in b]) == 1, bodies
        assert not [b for b in bodies if "not sent" in b or "Xero refused" in b], bodies
        assert not move.activity_ids.filtered(lambda a: a.summary == "Xero export failed")
