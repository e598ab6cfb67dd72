"""Xero → Odoo payment sync: API calls and time, against an in-process Xero sandbox.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_payments.py DB [PAYMENTS]

An organisation holds PAYMENTS (5,000) payments on as many authorised invoices; LINKED (100)
of those invoices are exported Odoo invoices, so their payments become reconciled Odoo
payments. Measures the calls of a first sync (goal: <= 6 for 5,000 payments), of an
unchanged one, and of a second sync after 50 more payments; and the wall time of each.
"""

import sys
import time

from common import (
    Meter,
    add_org,
    connect_one,
    log_in_this_transaction,
    print_rows,
    registry,
    start_sandbox,
    superuser_env,
    typed_in_xero,
)

from odoo import Command, fields

from xero_sandbox.client import SandboxClient

LINKED = 100


def seed(client, tenant_id, count):
    """``count`` authorised invoices of 100.00, each paid 40.00 into the bank account, made
    through Xero's own API (as a user would) 50 at a time."""
    contacts = [c for c in client.dump(tenant_id, "Contacts") if c.get("ContactStatus") == "ACTIVE"]
    bank = next(a for a in client.dump(tenant_id, "Accounts") if a.get("Type") == "BANK")
    invoices = client.type_invoices(
        tenant_id,
        contacts,
        "BENCH-",
        count,
        lambda n: {"Description": "Bench", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"},
    )
    # The demo organisation holds a few payments already: it holds exactly ``count`` after this.
    already = len(client.dump(tenant_id, "Payments"))
    pay(client, tenant_id, invoices[: count - already], bank["Code"], 40.0)
    return invoices, bank


def pay(client, tenant_id, invoices, code, amount):
    typed_in_xero(
        client,
        tenant_id,
        "Payments",
        [
            {
                "Invoice": {"InvoiceID": i["InvoiceID"]},
                "Account": {"Code": code},
                "Date": "2025-01-20",
                "Amount": amount,
            }
            for i in invoices
        ],
    )


def link_odoo_invoices(env, tenant, invoices):
    """Odoo invoices standing for exported ones (their Xero ids set as export would)."""
    company = env.company
    company.xero_tenant_id = tenant
    partner = env["res.partner"].create({"name": "Bench customer"})
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    tenant.xero_payment_journal_id = journal
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2025-01-15",
                "invoice_line_ids": [
                    Command.create({"name": "Bench", "quantity": 1, "price_unit": 100, "tax_ids": []})
                ],
            }
            for _invoice in invoices
        ]
    )
    moves.action_post()
    for move, invoice in zip(moves, invoices, strict=True):
        move.write(
            {
                "xero_id": invoice["InvoiceID"],
                "xero_tenant_id": tenant.id,
                "xero_status": "AUTHORISED",
                "xero_total": 100.0,
                "xero_amount_due": 100.0,
                "xero_export_state": "exported",
                "xero_export_date": fields.Datetime.now(),
            }
        )
    return moves


def main(db, total=5000):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    org = add_org(sandbox, name="Bench Payments", short_code="!bpay", base_currency="USD")
    client = SandboxClient(server.url)
    started = time.perf_counter()
    invoices, bank = seed(client, org.tenant_id, total)
    seed_s = time.perf_counter() - started
    rows = []
    with superuser_env(reg) as env, log_in_this_transaction(env):
        cr = env.cr
        try:
            tenant = connect_one(env, server.url, org, ["accounts"])
            moves = link_odoo_invoices(env, tenant, invoices[:LINKED])
            with Meter(env, sandbox, tenant) as first:
                stats = env["xero.payment"]._xero_sync_payments(tenant)
            reconciled = moves.filtered(lambda m: m.payment_state == "partial")
            rows += [
                (f"first sync of {total:,} payments: calls (goal <= 6)", len(first.calls)),
                ("first sync: endpoints", ", ".join(sorted({c["endpoint"] for c in first.calls}))),
                (
                    "first sync: Xero payments stored",
                    env["xero.payment"].search_count([("tenant_id", "=", tenant.id)]),
                ),
                (
                    "first sync: Odoo payments created / linked invoices reconciled",
                    f"{stats['created']} / {len(reconciled)}",
                ),
                ("first sync: wall time (s), SQL queries", f"{first.ms / 1000:.1f}, {first.queries}"),
            ]
            with Meter(env, sandbox, tenant) as unchanged:
                stats = env["xero.payment"]._xero_sync_payments(tenant)
            rows.append(("unchanged sync: calls, created", f"{len(unchanged.calls)}, {stats['created']}"))
            sandbox.clock.advance(2)
            pay(client, org.tenant_id, invoices[:50], bank["Code"], 10.0)
            with Meter(env, sandbox, tenant) as more:
                stats = env["xero.payment"]._xero_sync_payments(tenant)
            rows.append(
                ("50 new payments: calls, Odoo payments created", f"{len(more.calls)}, {stats['created']}")
            )
        finally:
            cr.rollback()
    server.stop()
    print_rows(f"\nXero payment sync ({total:,} payments seeded in {seed_s:.0f}s; sandbox in-process)", rows)


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
