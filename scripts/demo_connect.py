"""Connects the demo database to the Xero sandbox as an administrator would, so that `make run`
opens on a working integration: the sandbox's demo app in Settings, admin's Xero login
authorised through the real OAuth flow (consent given on the sandbox's behalf), both demo
organisations linked, and each demo company mapped to one of them.

Usage: python scripts/demo_connect.py DB SANDBOX_URL ODOO_URL
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api  # noqa: E402

from xero_sandbox.client import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxClient  # noqa: E402
from xero_sandbox.odoo_login import connect_admin  # noqa: E402

# The sandbox's demo organisations, in the order of the demo companies (San Francisco, Chicago).
DEMO_ORGANISATIONS = ("Demo Company (NZ)", "Demo Company (AU)")


def main(db, sandbox_url, odoo_url):
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC_FILE"], "-d", db])
    sandbox = SandboxClient(sandbox_url)
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        companies = env["res.company"].search([], order="id")
        for company in companies:
            if not company.chart_template:
                env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        admin.company_ids |= companies

        # Odoo's demo documents (all in San Francisco) charge 15 %: San Francisco works with the
        # New Zealand organisation (15 % GST), Chicago with the Australian one (10 % GST), so that
        # every demo tax has a Xero rate of its own percentage.
        by_name = {org["name"]: org for org in sandbox.orgs()}
        demo_orgs = [by_name[name] for name in DEMO_ORGANISATIONS]
        # The demo app is a new Starter-tier app (granular scopes, one organisation per
        # consent): one consent round per organisation, as an administrator would do it.
        try:
            connection = connect_admin(
                env,
                sandbox,
                [org["tenantId"] for org in demo_orgs],
                DEMO_CLIENT_ID,
                DEMO_CLIENT_SECRET,
                base_url=odoo_url,
            )
        except RuntimeError as error:
            sys.exit(f"[run] {error}")
        env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
        tenants = {t.tenant_id: t for t in connection.tenant_ids}
        for company, org in zip(companies, demo_orgs, strict=False):
            company.xero_tenant_id = tenants[org["tenantId"]]
            print(f"[run] {company.name} → Xero organisation {org['name']}")
        # Purchase orders go to Xero on confirmation: as purchase orders from the first company,
        # as bills from the second (Settings > Accounting > Xero > Purchase orders to Xero).
        for company, mode in zip(companies, ("purchase_order", "bill"), strict=False):
            company.write({"xero_po_mode": mode, "xero_po_trigger": "confirm"})
        cr.commit()
        print(f"[run] admin connected to the Xero sandbox ({len(tenants)} organisations)")
        for company in companies:
            map_demo(env(user=admin), company)
            cr.commit()
    violations = sandbox.violations()
    if violations:  # the demo must not send anything Xero's OpenAPI would refuse
        for violation in violations[:10]:
            print(
                f"[run] contract violation: {violation['method']} {violation['path']}: {violation['message']}"
            )
        sys.exit(f"[run] the demo set-up sent {len(violations)} request(s) that break Xero's OpenAPI")


def map_demo(env, company):
    """What an administrator does once (issue 4's flows), so that the demo's open documents
    can be exported straight away: refresh the cache, auto-match taxes, accounts and items,
    pick the sandbox's GST rates and the sales/purchases accounts as defaults, link the
    remaining products through their category, and export the customers and vendors."""
    env = env(context={"allowed_company_ids": [company.id]})
    tenant = company.xero_tenant_id.with_env(env)
    tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant)
    rates = {r.tax_type: r for r in env["xero.tax.rate"].search([("tenant_id", "=", tenant.id)])}
    sale_rate = rates.get("OUTPUT") or rates.get("OUTPUT2")
    purchase_rate = rates.get("INPUT") or rates.get("INPUT2")
    give_taxes_the_organisation_rates(env, company, {"sale": sale_rate, "purchase": purchase_rate})
    accounts = {a.code: a for a in env["xero.account"].search([("tenant_id", "=", tenant.id)])}
    tenant.write(
        {
            "xero_default_sales_account_id": accounts["200"].id,
            "xero_default_purchase_account_id": accounts["400"].id,
            "xero_default_sale_tax_rate_id": sale_rate.id,
            "xero_default_purchase_tax_rate_id": purchase_rate.id,
        }
    )
    demo_requests_for_quotation(env, company)
    # Every demo tax now has a Xero rate of its percentage and kind: auto-matching maps them all.
    env["xero.tax.map"]._xero_auto_match(tenant)
    env["xero.account.map"]._xero_auto_match(tenant)
    templates = env["product.template"].search([("company_id", "in", [False, company.id])])
    env["xero.product.map"]._xero_auto_match(tenant, templates)
    item = env["xero.item"].search(
        [
            ("tenant_id", "=", tenant.id),
            ("sales_account_code", "!=", False),
            ("purchase_account_code", "!=", False),
        ],
        limit=1,
    )
    root = env["product.category"].search([("parent_id", "=", False)])
    existing = env["xero.category.map"].search([("tenant_id", "=", tenant.id), ("categ_id", "in", root.ids)])
    env["xero.category.map"].create(
        [{"tenant_id": tenant.id, "categ_id": c.id, "item_id": item.id} for c in root - existing.categ_id]
    )
    health = env["xero.mapping.health"].create({"tenant_id": tenant.id})
    health._check()
    partners = env["res.partner"].browse(
        [line.res_id for line in health.line_ids if line.res_model == "res.partner"]
    )
    if partners:
        partners._xero_export_contacts(tenant)
    health._check()
    left = ", ".join(f"{line.kind}: {line.name}" for line in health.line_ids) or "nothing"
    print(f"[run] {tenant.name}: cache refreshed, mappings set; mapping health lists {left}")


def give_taxes_the_organisation_rates(env, company, rates):
    """The company's default sales and purchase taxes charge the percentage of its
    organisation's GST (``rates``: {use: Xero rate}), as a company set up in that country
    would: a tax no document uses yet takes that percentage and name; one in use is kept."""
    defaults = {"sale": company.account_sale_tax_id, "purchase": company.account_purchase_tax_id}
    for use, tax in defaults.items():
        rate = rates[use]
        if not tax or not rate or tax.amount_type != "percent" or tax.amount == rate.effective_rate:
            continue
        used = env["account.move.line"].search_count([("tax_ids", "in", tax.ids)], limit=1) or env[
            "purchase.order.line"
        ].search_count([("taxes_id", "in", tax.ids)], limit=1)
        if used:
            print(f"[run] {company.name}: {tax.name} is used by documents; left at {tax.amount:g} %")
            continue
        name = f"GST {rate.effective_rate:g}%"
        tax.write({"amount": rate.effective_rate, "name": name})
        if tax.tax_group_id.company_id == company:
            tax.tax_group_id.name = name  # the totals' label on invoices and orders
        print(f"[run] {company.name}: {use} tax set to {tax.name} ({rate.display_name} in Xero)")


def demo_requests_for_quotation(env, company):
    """Requests for quotation for README step 10 in a company Odoo's demo gave none (Chicago),
    on the company's purchase tax: two vendors, two products each."""
    Order = env["purchase.order"].with_company(company)
    if Order.search_count([("company_id", "=", company.id)], limit=1):
        return
    products = env["product.product"].search(
        [("purchase_ok", "=", True), ("type", "=", "consu"), ("company_id", "in", (False, company.id))],
        order="id",
        limit=4,
    )
    vendors = env["res.partner"].search(
        [
            ("is_company", "=", True),
            ("company_id", "in", (False, company.id)),
            ("id", "not in", env["res.company"].search([]).partner_id.ids),
        ],
        order="id",
        limit=2,
    )
    tax = company.account_purchase_tax_id
    prices = (130.5, 38.0, 85.0, 22.5)  # Odoo computes none: the products cost nothing in this company
    for index, vendor in enumerate(vendors):
        chosen = products[index * 2 : index * 2 + 2]
        order = Order.create(
            {
                "partner_id": vendor.id,
                "company_id": company.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": 5 + index}) for product in chosen
                ],
            }
        )
        for line, price in zip(order.order_line, prices[index * 2 :], strict=False):
            line.write({"price_unit": price, "taxes_id": [Command.set(tax.ids)]})
    print(f"[run] {company.name}: {len(vendors)} requests for quotation")


if __name__ == "__main__":
    main(*sys.argv[1:4])
