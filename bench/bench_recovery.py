"""Recovery after lost answers: invoices in doubt looked up in Xero and linked, not sent again.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_recovery.py DB [N [SIZES]]   # N invoices in doubt (1,000); SIZES ordinary,large

Set-up (not measured): N posted five-line invoices of customers already in Xero, exported in
batches of 50 while every answer of Xero to a PUT on /Invoices is lost (Xero creates the
invoices, Odoo never hears back: N / 50 batches in doubt, their attempts on record). Measured:
the next export of the same invoices, which looks them up in Xero and links them instead of
sending them again — the calls it makes (the lookups apart), the virtual minutes under Xero's
60 calls a minute, SQL queries. Twice: into an organisation of ordinary size and into a large
one (every paged endpoint past Xero's high-volume threshold), where a lookup Xero would refuse
is counted as refused.
"""

import sys
import time
import uuid
from collections import Counter

from bench_export import export, make_invoices
from common import (
    HttpTimer,
    add_org,
    print_rows,
    registry,
    sales_company,
    setup_tenant,
    start_sandbox,
    superuser_env,
    virtual_waits,
)

from xero_sandbox.client import DEMO_CLIENT_ID


def lose_every_answer(env, sandbox, tenant, moves):
    """The first export, every answer to a PUT on /Invoices lost: returns the invoices left in
    doubt (unlinked, with their attempt on record)."""
    sandbox.faults.add(
        {
            "fault": "lost_response",
            "match": {"method": "PUT", "path": "/Invoices", "tenant": tenant.tenant_id},
            "count": 10**6,
        }
    )
    try:
        moves._xero_export()
    finally:
        sandbox.faults.clear()
    env.cr.commit()  # the attempts were committed by cursors of their own: see them
    return env["xero.export.attempt"]._in_doubt(moves)


def run(env, admin_env, sandbox, org, tenant, moves, timer):
    in_doubt = lose_every_answer(env, sandbox, tenant, moves)
    env.cr.commit()
    in_xero = len(org.dump("Invoices"))
    sandbox.clock.advance(61)  # a later export, in a minute of its own
    refusals_before = len(sandbox.refusals)
    mark = sandbox.calls.snapshot(10**12)["next"]
    row = export(admin_env, sandbox, tenant, moves.with_env(admin_env), "batch", timer)
    env.cr.commit()
    log = [c for c in sandbox.calls.snapshot(mark)["log"] if c["tenant"] == tenant.tenant_id]
    numbers = Counter(doc["InvoiceNumber"] for doc in org.dump("Invoices"))
    refused = [r for r in sandbox.refusals[refusals_before:] if r["tenant"] == tenant.tenant_id]
    return {
        "in doubt": f"{len(in_doubt):,} invoices ({len(in_doubt) // 50} batches of 50), {in_xero:,} in Xero",
        "calls of the next export": f"{row['calls']:,} (+ {row['refused']} answered 429)",
        "of which lookups (GET /Invoices)": f"{len([c for c in log if c['endpoint'] == 'GET /Invoices' and c['status'] != 429]):,}",
        "of which PUT /Invoices": f"{row['invoice_calls']:,}",
        "refused by Xero (high-volume or URL length)": f"{len(refused):,}",
        "linked / failed": f"{len(moves.filtered('xero_id')):,} / {row['failed']:,}",
        "invoice numbers twice in Xero": f"{sum(1 for count in numbers.values() if count > 1):,}",
        "virtual minutes": f"{row['virtual_min']:.1f}",
        "wall seconds": f"{row['wall_s']:.0f}",
        "SQL queries per invoice": f"{row['queries_per_doc']:.1f}",
    }


def main(db, n=1000, sizes=("ordinary", "large")):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    sandbox.identity.apps[DEMO_CLIENT_ID].tier = "core"
    orgs = {
        size: add_org(sandbox, name=f"Recovery {size}", short_code=f"!rc{size[:3]}", with_documents=False)
        for size in sizes
    }
    if "large" in orgs:
        large = orgs["large"]
        large.high_volume = {key for key, handler in large.resources.items() if handler.paged}
    timer = HttpTimer()
    virtual_waits(reg, sandbox)
    results = {}
    with superuser_env(reg) as env:
        company, tenants, tax_sale = sales_company(
            env,
            server.url,
            [org.tenant_id for org in orgs.values()],
            f"recovery {uuid.uuid4().hex[:6]}",
            xero_auto_create_contacts=True,
            xero_invoice_status="DRAFT",
        )
        env.ref("product.decimal_price").digits = 5
        admin_env = env(user=env.ref("base.user_admin"))
        timer.install()
        try:
            for size, org in orgs.items():
                tenant = tenants[org.tenant_id]
                setup_tenant(env, tenant, tax_sale)
                started = time.perf_counter()
                moves, _customers = make_invoices(env, company, tenant, tax_sale, n, f"rc{size[0]}")
                moves.partner_id._xero_export_contacts(tenant)  # customers already in Xero
                env.cr.commit()
                print(
                    f"[bench] {n:,} invoices for the {size} organisation in {time.perf_counter() - started:.0f} s",
                    flush=True,
                )
                sandbox.clock.advance(61)
                results[size] = run(env, admin_env, sandbox, org, tenant, moves, timer)
        finally:
            timer.uninstall()
    server.stop()
    for size, rows in results.items():
        print()
        print_rows(f"Recovery of {n:,} invoices in doubt, {size} organisation", list(rows.items()))
    return results


if __name__ == "__main__":
    # SIZES: "ordinary", "large" or both (default), comma-separated
    sizes = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else ("ordinary", "large")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000, sizes)
