"""Purchase orders to Xero: API calls and documents per minute, beside the invoice export.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_po_export.py DB [N]        # N purchase orders per run, default 1,000

Three runs of N fresh five-line documents, each into an organisation of its own on the
in-process sandbox (real rate limits on its virtual clock, see bench_export.py): confirmed
purchase orders sent as Xero purchase orders (PUT /PurchaseOrders), the same sent as Xero bills
(PUT /Invoices, ACCPAY), and posted customer invoices (bench_export's bulk export) for
comparison. Up to 1,000 new vendors or customers per run, their contacts created on the fly.
"""

import math
import sys
import time

from bench_export import export as export_invoices
from bench_export import make_invoices
from common import (
    HttpTimer,
    add_org,
    connect_here,
    ensure_chart,
    registry,
    setup_tenant,
    start_sandbox,
    superuser_env,
    virtual_waits,
)

import odoo
from odoo import Command

LINES = [
    ("Steel sheet 2 mm", 7, 120.0, 0.0),
    ("Bolts M8, box", 12, 14.25, 5.0),
    ("Paint, 5 l", 3, 85.5, 0.0),
    ("Packaging", 40, 0.37, 0.0),
    ("Freight", 1, 32.0, 0.0),
]


def make_orders(env, company, tenant, tax_purchase, products, count, label):
    """``count`` confirmed five-line purchase orders for up to 1,000 new vendors."""
    quiet = env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True})
    company.xero_tenant_id = tenant
    vendors = quiet["res.partner"].create(
        [
            {"name": f"Bench {label} vendor {n:05d}", "email": f"v{n}@{label}.example", "is_company": True}
            for n in range(min(count, 1000))
        ]
    )
    orders = env["purchase.order"]
    for start in range(0, count, 250):
        chunk = quiet["purchase.order"].create(
            [
                {
                    "partner_id": vendors[n % len(vendors)].id,
                    "partner_ref": f"{label.upper()}-INV-{n:05d}",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": name,
                                "product_qty": qty,
                                "price_unit": price,
                                "discount": discount,
                                "taxes_id": [Command.set(tax_purchase.ids)],
                            }
                        )
                        for product, (name, qty, price, discount) in zip(products, LINES, strict=True)
                    ],
                }
                for n in range(start, min(count, start + 250))
            ]
        )
        chunk.button_confirm()
        orders |= chunk
    env.flush_all()
    return orders.with_env(env), len(vendors)


def export_orders(env, sandbox, tenant, orders, timer):
    env.invalidate_all()
    mark = sandbox.calls.snapshot(10**12)["next"]
    queries = odoo.sql_db.sql_counter
    virtual = sandbox.clock.now()
    timer.seconds = 0.0
    started = time.perf_counter()
    result = orders._xero_export()
    env.flush_all()
    wall = time.perf_counter() - started
    queries = odoo.sql_db.sql_counter - queries
    minutes = (sandbox.clock.now() - virtual) / 60
    calls = [c for c in sandbox.calls.snapshot(mark)["log"] if c["tenant"] == tenant.tenant_id]
    counted = [c for c in calls if c["status"] != 429]
    return {
        "n": len(orders),
        "exported": len(orders.filtered("xero_id")),
        "failed": len(result["failed"]),
        "calls": len(counted),
        "contact_calls": len([c for c in counted if c["endpoint"].startswith("PUT /Contacts")]),
        "refused": len(calls) - len(counted),
        "virtual_min": minutes,
        "docs_per_min": len(orders) / minutes if minutes else 0.0,
        "wall_s": wall,
        "odoo_ms": (wall - timer.seconds) * 1000 / len(orders),
        "queries_per_batch": queries / math.ceil(len(orders) / 50),
    }


def main(db, n=1000):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    runs = ("purchase_order", "bill", "invoice")
    orgs = {
        run: add_org(sandbox, name=f"Bench PO {run} {n}", short_code=f"!p{run[0]}{n}", with_documents=False)
        for run in runs
    }
    timer = HttpTimer()
    virtual_waits(reg, sandbox)
    rows, created = {}, []
    with superuser_env(reg) as env:
        cr = env.cr
        company = ensure_chart(env, env.ref("base.main_company"))
        tenants = connect_here(env, server.url, [org.tenant_id for org in orgs.values()])
        Tax = env["account.tax"]
        tax_sale = Tax.create(
            {"name": "GST 10% (PO bench)", "amount": 10, "type_tax_use": "sale", "company_id": company.id}
        )
        tax_purchase = Tax.create(
            {"name": "GST 10% (PO bench, purchases)", "amount": 10, "type_tax_use": "purchase"}
        )
        products = env["product.product"].create(
            [
                {"name": f"PO bench {name}", "type": "service", "purchase_method": "purchase"}
                for name, *_r in LINES
            ]
        )
        company.write(
            {
                "xero_auto_create_contacts": True,
                "xero_invoice_status": "DRAFT",
                "xero_po_status": "DRAFT",
                "xero_po_trigger": "manual",
            }
        )
        for org in orgs.values():
            tenant = tenants[org.tenant_id]
            setup_tenant(env, tenant, tax_sale)
            rate = env["xero.tax.rate"].search([("tenant_id", "=", tenant.id), ("tax_type", "=", "INPUT")])
            env["xero.tax.map"].create(
                {"tenant_id": tenant.id, "tax_id": tax_purchase.id, "tax_rate_id": rate.id}
            )
        cr.commit()
        sandbox.clock.advance(61)
        admin_env = env(user=env.ref("base.user_admin"))
        timer.install()
        try:
            for run in runs:
                tenant = tenants[orgs[run].tenant_id]
                started = time.perf_counter()
                if run == "invoice":
                    docs, partners = make_invoices(env, company, tenant, tax_sale, n, f"pi{n}")
                else:
                    company.xero_po_mode = run
                    docs, partners = make_orders(
                        env, company, tenant, tax_purchase, products, n, f"p{run[0]}{n}"
                    )
                created.append(
                    f"created {n:,} {run.replace('_', ' ')} documents ({partners:,} new partners) in "
                    f"{time.perf_counter() - started:.0f} s"
                )
                cr.commit()
                if run == "invoice":
                    row = export_invoices(
                        admin_env, sandbox, tenant, docs.with_env(admin_env), "batch", timer
                    )
                else:
                    row = export_orders(admin_env, sandbox, tenant, docs.with_env(admin_env), timer)
                cr.commit()
                rows[run] = row
                print(
                    f"[bench] {n:,} as {run}: {row['exported']:,} in Xero, {row['failed']} failed, "
                    f"{row['calls']} calls, {row['wall_s']:.0f} s",
                    flush=True,
                )
        finally:
            timer.uninstall()
    server.stop()
    header = (
        f"{'documents':>9} {'sent as':<24} {'API calls':>9} {'of which contacts':>17} {'429s':>5} "
        f"{'virtual min':>11} {'docs/min':>9} {'Odoo ms/doc':>11} {'SQL/batch':>9}"
    )
    print("\nFive-line purchase orders to Xero, beside invoices (sandbox in-process, 60 calls/min)")
    print(header)
    print("-" * len(header))
    labels = {
        "purchase_order": "Xero purchase orders",
        "bill": "Xero bills (ACCPAY)",
        "invoice": "invoices (for comparison)",
    }
    for run in runs:
        r = rows[run]
        print(
            f"{r['n']:>9,} {labels[run]:<24} {r['calls']:>9,} {r['contact_calls']:>17,} {r['refused']:>5} "
            f"{r['virtual_min']:>11.2f} {r['docs_per_min']:>9,.0f} {r['odoo_ms']:>11.1f} "
            f"{r['queries_per_batch']:>9.0f}"
        )
    for line in created:
        print(line)
    return rows


if __name__ == "__main__":
    main(sys.argv[1], *([int(sys.argv[2])] if len(sys.argv) > 2 else []))
