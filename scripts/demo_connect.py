"""Connects the demo database to the Xero sandbox as an administrator would, so that `make run`
opens on a working integration: the sandbox's demo app in Settings, admin's Xero login
authorised through the real OAuth flow (consent given on the sandbox's behalf), both demo
organisations linked, and each demo company mapped to one of them.

Usage: python scripts/demo_connect.py DB SANDBOX_URL ODOO_URL
"""

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

from xero_sandbox.client import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxClient  # noqa: E402


def main(db, sandbox_url, odoo_url):
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC_FILE"], "-d", db])
    sandbox = SandboxClient(sandbox_url)
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        params = env["ir.config_parameter"]
        params.set_param("web.base.url", odoo_url)
        params.set_param("web.base.url.freeze", "True")
        for key, value in {
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "authorize_url": f"{sandbox_url}/identity/connect/authorize",
            "token_url": f"{sandbox_url}/connect/token",
            "revoke_url": f"{sandbox_url}/connect/revocation",
            "connections_url": f"{sandbox_url}/connections",
            "api_url": f"{sandbox_url}/api.xro/2.0",
        }.items():
            params.set_param(f"xero_connector.{key}", value)

        companies = env["res.company"].search([], order="id")
        for company in companies:
            if not company.chart_template:
                env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        admin.company_ids |= companies

        as_admin = env(user=admin)
        action = as_admin["xero.connection"]._start_authorization()
        query = {k: v[0] for k, v in parse_qs(urlsplit(action["url"]).query).items()}
        demo_orgs = sandbox.orgs()[:2]
        location = sandbox.authorize(
            query["redirect_uri"],
            client_id=query["client_id"],
            state=query["state"],
            code_challenge=query["code_challenge"],
            tenants=[org["tenantId"] for org in demo_orgs],
            scope=query["scope"],
        )
        callback = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        session = as_admin["xero.oauth.session"]._consume(callback["state"])
        connection = as_admin["xero.connection"]._complete_authorization(session, callback["code"])
        tenants = {t.tenant_id: t for t in connection.tenant_ids}
        for company, org in zip(companies, demo_orgs, strict=False):
            company.xero_tenant_id = tenants[org["tenantId"]]
            print(f"[run] {company.name} → Xero organisation {org['name']}")
        cr.commit()
    print(f"[run] admin connected to the Xero sandbox ({len(tenants)} organisations)")


if __name__ == "__main__":
    main(*sys.argv[1:4])
