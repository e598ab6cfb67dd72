"""Documents made in Xero brought into Odoo: API calls and Odoo time per document, against an
in-process Xero sandbox.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_import.py DB [INVOICES] [MODE]

An organisation holds INVOICES (10,000) authorised sales invoices typed in Xero (one line on
account 200, tax OUTPUT, for a handful of contacts). The company brings documents from Xero in
MODE (``draft`` by default; ``posted`` posts them too). Measures the calls of the first import
(goal: <= 11 for 10,000: ten pages of 1,000 invoices, the last one telling that nothing
follows, and one of credit notes), the Odoo time per document, and the calls of an unchanged
run. Everything is rolled back."""

import sys
import time

from common import (
    Meter,
    add_org,
    connect,
    ensure_chart,
    log_in_this_transaction,
    print_rows,
    registry,
    start_sandbox,
    superuser_env,
)

from xero_sandbox.client import SandboxClient


def seed(client, tenant_id, count):
    """Authorised invoices typed in Xero, 50 a request (as a user's app would), so that the
    organisation holds exactly ``count`` invoices (the demo organisation has a few already)."""
    contacts = [c for c in client.dump(tenant_id, "Contacts") if c.get("ContactStatus") == "ACTIVE"][:20]
    count -= len(client.dump(tenant_id, "Invoices"))
    client.type_invoices(
        tenant_id,
        contacts,
        "XB-",
        count,
        lambda n: {
            "Description": "Typed in Xero",
            "Quantity": 1 + n % 5,
            "UnitAmount": 100,
            "AccountCode": "200",
            "TaxType": "OUTPUT",
        },
        "Exclusive",
    )


def map_once(env, tenant):
    """What an administrator does once: the cache, account 200 and tax OUTPUT mapped."""
    company = ensure_chart(env)
    company.xero_tenant_id = tenant
    tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["accounts", "tax_rates"])
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
    )
    tax = env["account.tax"].create({"name": "Bench GST 10%", "amount": 10, "type_tax_use": "sale"})
    account = env["xero.account"].search([("tenant_id", "=", tenant.id), ("code", "=", "200")])
    rate = env["xero.tax.rate"].search([("tenant_id", "=", tenant.id), ("tax_type", "=", "OUTPUT")])
    env["xero.account.map"].create(
        {"tenant_id": tenant.id, "account_id": income.id, "xero_account_id": account.id}
    )
    env["xero.tax.map"].create({"tenant_id": tenant.id, "tax_id": tax.id, "tax_rate_id": rate.id})
    return company


def main(db, total=10_000, mode="draft"):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    org = add_org(sandbox, name="Bench Import", short_code="!bimp", base_currency="USD")
    client = SandboxClient(server.url)
    started = time.perf_counter()
    seed(client, org.tenant_id, total)
    seed_s = time.perf_counter() - started
    rows = []
    with superuser_env(reg) as env, log_in_this_transaction(env):
        cr = env.cr
        try:
            tenant = connect(env, server.url, [org.tenant_id])[org.tenant_id]
            company = map_once(env, tenant)
            company.write({"xero_import_documents": mode, "xero_import_new_partners": True})
            in_xero = len(client.dump(org.tenant_id, "Invoices"))
            with Meter(env, sandbox, tenant) as first:
                stats = env["account.move"]._xero_import_documents(tenant)
                env.flush_all()
            imported = env["account.move"].search_count(
                [("xero_tenant_id", "=", tenant.id), ("xero_imported", "=", True)]
            )
            per_doc = first.ms / max(stats["created"], 1)
            rows += [
                (f"first import of {in_xero:,} Xero invoices: calls (goal <= 11)", len(first.calls)),
                ("first import: endpoints", ", ".join(sorted({c["endpoint"] for c in first.calls}))),
                ("first import: Odoo documents created (mode)", f"{stats['created']:,} ({mode})"),
                ("first import: wall time (s), SQL queries", f"{first.ms / 1000:.1f}, {first.queries:,}"),
                ("first import: Odoo time per document (ms)", f"{per_doc:.1f}"),
                ("Odoo documents linked to Xero", f"{imported:,}"),
            ]
            with Meter(env, sandbox, tenant) as unchanged:
                again = env["account.move"]._xero_import_documents(tenant)
            rows.append(("unchanged run: calls, created", f"{len(unchanged.calls)}, {again['created']}"))
        finally:
            cr.rollback()
    server.stop()
    print_rows(
        f"\nDocuments made in Xero ({total:,} invoices seeded in {seed_s:.0f}s; sandbox in-process)", rows
    )


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]), *sys.argv[3:4])
