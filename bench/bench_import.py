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

import contextlib
import sys
import time

from common import (
    HttpTimer,
    Meter,
    add_org,
    committed_login,
    ensure_chart,
    log_in_this_transaction,
    print_rows,
    registry,
    start_sandbox,
    superuser_env,
)

from xero_sandbox.client import SandboxClient


def seed(client, tenant_id, count):
    """Authorised invoices typed in Xero, so that the organisation holds exactly ``count``
    invoices (the demo organisation has a few already)."""
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


@contextlib.contextmanager
def progress(env):
    """A line on stderr per page brought in (a long run shows how it goes)."""
    AccountMove = type(env["account.move"])
    store = AccountMove._xero_import_store
    started = time.perf_counter()

    def timed_store(self, tenant, company, collection, docs, stats):
        newest = store(self, tenant, company, collection, docs, stats)
        elapsed = time.perf_counter() - started
        print(
            f"  {collection}: {stats['seen']:,} read, {stats['created']:,} created, {elapsed:.0f}s",
            file=sys.stderr,
        )
        return newest

    AccountMove._xero_import_store = timed_store
    try:
        yield
    finally:
        AccountMove._xero_import_store = store


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
    # A run of 10,000 outlives the 30-minute access token: the login is committed so that
    # its refresh (on a cursor of its own) finds it.
    with (
        committed_login(reg, server.url, [org.tenant_id]) as tenant_ids,
        superuser_env(reg) as env,
        log_in_this_transaction(env),
        progress(env),
    ):
        cr = env.cr
        try:
            tenant = env["xero.tenant"].browse(tenant_ids[org.tenant_id])
            company = map_once(env, tenant)
            company.write({"xero_import_documents": mode, "xero_import_new_partners": True})
            in_xero = len(client.dump(org.tenant_id, "Invoices"))
            with Meter(env, sandbox, tenant) as first, HttpTimer() as in_xero_calls:
                stats = env["account.move"]._xero_import_documents(tenant)
                env.flush_all()
            imported = env["account.move"].search_count(
                [("xero_tenant_id", "=", tenant.id), ("xero_imported", "=", True)]
            )
            created = max(stats["created"], 1)
            odoo_ms = first.ms - in_xero_calls.seconds * 1000
            rows += [
                (f"first import of {in_xero:,} Xero invoices: calls (goal <= 11)", len(first.calls)),
                ("first import: endpoints", ", ".join(sorted({c["endpoint"] for c in first.calls}))),
                ("first import: Odoo documents created (mode)", f"{stats['created']:,} ({mode})"),
                ("first import: wall time (s), SQL queries", f"{first.ms / 1000:.1f}, {first.queries:,}"),
                ("first import: time per document (ms)", f"{first.ms / created:.1f}"),
                ("first import: Odoo time per document (ms, calls excluded)", f"{odoo_ms / created:.1f}"),
                ("first import: SQL queries per document", f"{first.queries / created:.1f}"),
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
