"""Export of invoices to Xero: API calls, throughput under Xero's rate limits, Odoo-side cost.

Prints figures, never passes or fails on time. Run through `make bench` (scripts/bench.sh
makes a database with the module installed), or alone:

    python bench/bench_export.py DB [SIZES]        # SIZES measured: default 100,1000

The Xero sandbox runs in-process with its real rate limits (60 calls a minute, 5 in flight,
5,000 a day per organisation) on its virtual clock: the connector's ``_xero_sleep`` (what it
does on a 429's Retry-After) moves that clock instead of sleeping, so "documents per minute"
are per *virtual* minute: real time spent plus every wait Xero imposed.

For each size, two exports of fresh five-line invoices, each into an organisation of its own
(so that one does not eat the other's rate budget): the bulk export (batches of 50, contacts
created on the fly in batches of 50) and one call per invoice (the export pressed on each
document alone). Up to 1,000 new customers per run (10,000 invoices: 1,000 customers with 10
invoices each). Figures per run: API calls (and 429s), virtual minutes and documents per
virtual minute, Odoo-side milliseconds per invoice (wall time minus the time spent waiting
for the sandbox's answers) and SQL queries (every cursor, sync log included) per Xero batch.

10,000 invoices are extrapolated (and labelled so) unless named in SIZES: creating and
posting them takes Odoo about 12 minutes on a 2-core machine, and one call per invoice would
need 11,000 calls, more than twice Xero's day limit. The extrapolation takes the largest
measured run's seconds per call, the calls the larger run needs and Xero's rolling limits.
"""

import math
import sys
import time
import uuid

from common import (
    ROOT,
    HttpTimer,
    add_org,
    connect,
    connect_here,
    ensure_chart,
    forget_limits,
    registry,
    setup_tenant,
    start_sandbox,
    superuser_env,
    virtual_waits,
)

import odoo
from odoo import Command, fields

from xero_sandbox.client import DEMO_CLIENT_ID

OUT = ROOT / "bench" / "out"
LINES = [
    ("Consulting hours", 7, 120.0),
    ("Site visit", 1, 85.5),
    ("Materials", 12, 14.25),
    ("Freight", 1, 32.0),
    ("Licence, per seat", 5, 19.99),
]
SINGLE_MAX = 1000  # one call per invoice beyond this would pass Xero's day limit


def make_invoices(env, company, tenant, tax_sale, count, label):
    """``count`` posted five-line invoices for up to 1,000 new customers, created in bulk."""
    quiet = env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True})
    company.xero_tenant_id = tenant
    customers = quiet["res.partner"].create(
        [
            {"name": f"Bench {label} customer {n:05d}", "email": f"c{n}@{label}.example", "is_company": True}
            for n in range(min(count, 1000))
        ]
    )
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    moves = env["account.move"]
    today = fields.Date.today()
    for start in range(0, count, 500):
        chunk = quiet["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[n % len(customers)].id,
                    "journal_id": journal.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": name,
                                "quantity": qty,
                                "price_unit": price,
                                "tax_ids": [Command.set(tax_sale.ids)],
                            }
                        )
                        for name, qty, price in LINES
                    ],
                }
                for n in range(start, min(count, start + 500))
            ]
        )
        chunk.action_post()
        moves |= chunk
    env.flush_all()
    return moves.with_env(env), len(customers)


def export(env, sandbox, tenant, moves, mode, timer, drain="all"):
    """Run one export; its figures. A Retry-After longer than a few seconds puts documents
    back in the queue with their next try time (the connector never sleeps it): the run goes
    on as the queue's cron would, at that time on the virtual clock; with ``drain="minutes"``
    only past minute-limit waits, stopping when the day's budget is spent."""
    env.invalidate_all()
    mark = sandbox.calls.snapshot(10**12)["next"]
    queries = odoo.sql_db.sql_counter
    virtual = sandbox.clock.now()
    timer.seconds = 0.0
    started = time.perf_counter()
    failed = 0
    pending = moves
    while pending:
        if mode == "batch":
            result = pending._xero_export()
            failed += len(result["failed"])
            untried = pending.browse()
        else:
            untried = pending.browse()
            for position, move in enumerate(pending):
                result = move._xero_export()
                failed += len(result["failed"])
                if move.xero_export_state == "queued":
                    # Xero said to wait: the next ones would only be found waiting too (no
                    # call sent), so they are tried after the wait, not once per wave.
                    untried = pending[position + 1 :]
                    break
        queued = pending.filtered(lambda m: m.xero_export_state == "queued") - untried
        if not queued:
            break
        wait = (max(queued.mapped("xero_next_try_at")) - fields.Datetime.now()).total_seconds()
        if drain == "minutes" and wait > 3600:
            for move in untried:  # found waiting (no call sent): queued for tomorrow too
                move._xero_export()
            break  # the day's budget is spent: what is left waits for tomorrow
        sandbox.clock.advance(max(wait, 0) + 1)  # the cron's next run after the next try time
        with env.registry.cursor() as cr:
            forget_limits(cr)  # the shared memory of the wait, in real time
        pending = queued | untried
    env.flush_all()
    wall = time.perf_counter() - started
    queries = odoo.sql_db.sql_counter - queries
    minutes = (sandbox.clock.now() - virtual) / 60
    calls = [c for c in sandbox.calls.snapshot(mark)["log"] if c["tenant"] == tenant.tenant_id]
    refused = [c for c in calls if c["status"] == 429]
    counted = [c for c in calls if c["status"] != 429]
    batches = math.ceil(len(moves) / 50) if mode == "batch" else len(moves)
    return {
        "mode": mode,
        "n": len(moves),
        "exported": len(moves.filtered("xero_id")),
        "failed": failed,
        "calls": len(counted),
        "contact_calls": len([c for c in counted if c["endpoint"].startswith("PUT /Contacts")]),
        "invoice_calls": len([c for c in counted if c["endpoint"].startswith("PUT /Invoices")]),
        "refused": len(refused),
        "virtual_min": minutes,
        "docs_per_min": len(moves) / minutes if minutes else 0.0,
        "wall_s": wall,
        "odoo_ms": (wall - timer.seconds) * 1000 / len(moves),
        "http_ms": timer.seconds * 1000 / len(moves),
        "queries_per_batch": queries / batches,
        "queries_per_doc": queries / len(moves),
    }


def simulate_minutes(calls, seconds_per_call):
    """Virtual minutes for ``calls`` made back to back at ``seconds_per_call`` under Xero's
    rolling limits (60 a minute, 5,000 a day): the waits a 429's Retry-After imposes."""
    times, now = [], 0.0
    for _call in range(calls):
        now += seconds_per_call
        if len(times) >= 60:
            now = max(now, times[-60] + 60)
        if len(times) >= 5000:
            now = max(now, times[-5000] + 24 * 3600)
        times.append(now)
    return now / 60


def extrapolate(row, n):
    """A run of ``n`` invoices predicted from a measured one: the calls it needs (up to 1,000
    new customers), the measured seconds per call, the rolling rate limits; Odoo's cost per
    invoice and per batch as measured (flat from 100 to 1,000)."""
    customers = min(n, 1000)
    if row["mode"] == "batch":
        contact_calls, invoice_calls = math.ceil(customers / 50), math.ceil(n / 50)
    else:
        contact_calls, invoice_calls = customers, n
    calls = contact_calls + invoice_calls
    minutes = simulate_minutes(calls, row["wall_s"] / row["calls"])
    return dict(
        row,
        n=n,
        calls=calls,
        contact_calls=contact_calls,
        invoice_calls=invoice_calls,
        refused=None,
        virtual_min=minutes,
        docs_per_min=n / minutes,
        wall_s=None,
        extrapolated=True,
    )


def print_table(rows, created):
    header = (
        f"{'invoices':>8} {'mode':<22} {'API calls':>10} {'of which contacts':>17} {'429s':>5} "
        f"{'virtual min':>11} {'docs/min':>9} {'Odoo ms/inv':>11} {'SQL/batch':>10} {'SQL/inv':>8}"
    )
    print("\nExport of five-line invoices to Xero (sandbox in-process, its virtual clock, 60 calls/min)")
    print(header)
    print("-" * len(header))
    for r in rows:
        mode = "batches of 50" if r["mode"] == "batch" else "one call per invoice"
        if r.get("extrapolated"):
            mode += " *"
        print(
            f"{r['n']:>8,} {mode:<22} {r['calls']:>10,} {r['contact_calls']:>17,.0f} "
            f"{'-' if r['refused'] is None else r['refused']:>5} {r['virtual_min']:>11.1f} "
            f"{r['docs_per_min']:>9,.0f} {r['odoo_ms']:>11.1f} {r['queries_per_batch']:>10.0f} "
            f"{r['queries_per_doc']:>8.1f}"
        )
    print(
        "* extrapolated from the largest measured run of the same mode: its calls, its seconds per call "
        "and Xero's rolling limits (60/min, 5,000/day); Odoo ms and SQL as measured"
    )
    for line in created:
        print(line)


def chart(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for mode, style, label in (("batch", "o-", "batches of 50"), ("single", "s--", "one call per invoice")):
        mine = [r for r in rows if r["mode"] == mode]
        sizes = [r["n"] for r in mine]
        axes[0].plot(sizes, [r["calls"] for r in mine], style, label=label)
        axes[1].plot(sizes, [r["docs_per_min"] for r in mine], style, label=label)
        measured = [r for r in mine if not r.get("extrapolated")]
        axes[2].plot([r["n"] for r in measured], [r["odoo_ms"] for r in measured], style, label=label)
    axes[0].set(title="API calls", xscale="log", yscale="log", xlabel="invoices")
    axes[1].axhline(2700, color="grey", linestyle=":", label="goal 2,700")
    axes[1].set(title="documents per virtual minute", xscale="log", yscale="log", xlabel="invoices")
    axes[2].set(title="Odoo-side ms per invoice", xscale="log", xlabel="invoices")
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    fig.suptitle("xero_connector: exporting five-line invoices (60 calls/min per organisation)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def starter_runs(env, sandbox, server, company, tax_sale, timer, n=1000):
    """The same export under a Starter-tier app (about 1,000 calls a day per organisation):
    ``n`` invoices of customers whose contacts are already in Xero, in batches and one call
    per invoice, each into an organisation of its own. Returns printable lines."""
    from xero_sandbox.identity import TIERS

    day_limit = TIERS["starter"].day_limit
    sandbox.identity.register_app("bench-starter", "bench-starter-secret", [], loopback_redirects=True)
    orgs = {}
    for mode in ("batch", "single"):
        orgs[mode] = add_org(
            sandbox, name=f"Starter {mode}", short_code=f"!st{mode[0]}", with_documents=False
        )
    # The runs above refreshed the demo app's token inside this one long transaction, and the
    # connector keeps a refreshed token for the rest of its transaction: forget it, or the
    # Starter app's consents would list the demo app's organisations (in Odoo each consent
    # completes in a request of its own).
    env.cr.cache.pop("xero_refreshed_tokens", None)
    tenants = connect(
        env, server.url, [org.tenant_id for org in orgs.values()], "bench-starter", "bench-starter-secret"
    )
    admin_env = env(user=env.ref("base.user_admin"))
    lines = []
    for mode, org in orgs.items():
        tenant = tenants.get(org.tenant_id) or env["xero.tenant"].search([("tenant_id", "=", org.tenant_id)])
        if org.tenant_id not in tenants:
            print(
                f"[bench] note: {org.name} not among the last consent's organisations "
                f"(found: {bool(tenant)}, connection {tenant.connection_id.id} {tenant.connection_id.state})",
                flush=True,
            )
        setup_tenant(env, tenant, tax_sale)
        moves, _customers = make_invoices(env, company, tenant, tax_sale, n, f"st{mode[0]}")
        moves.partner_id._xero_export_contacts(tenant)  # existing contacts
        env.cr.commit()
        used = sandbox.limiter.snapshot()[f"bench-starter/{org.tenant_id}"]["day"]
        row = export(admin_env, sandbox, tenant, moves.with_env(admin_env), mode, timer, drain="minutes")
        env.cr.commit()
        queued = len(moves.filtered(lambda m: m.xero_export_state == "queued"))
        invoice_calls = max(row["invoice_calls"], 1)
        per_day = day_limit * row["exported"] // invoice_calls if mode == "batch" else day_limit
        label = "batches of 50" if mode == "batch" else "one call per invoice"
        lines.append(
            f"{label:<22} {n:>8,} {row['exported']:>9,} {queued:>7,} {row['calls']:>6,} "
            f"{used:>10,} {per_day:>22,}"
        )
    header = (
        f"{'mode':<22} {'invoices':>8} {'exported':>9} {'queued':>7} {'calls':>6} "
        f"{'set-up calls':>10} {'documents a day per org':>22}"
    )
    return [
        "",
        f"Starter tier ({day_limit:,} calls a day per organisation), customers already in Xero:",
        header,
        "-" * len(header),
        *lines,
        "documents a day: the day's calls x documents per invoice call (batches), one per call otherwise; "
        "'queued' waited for the next day with their next try time (no sleep)",
    ]


def main(db, sizes=(100, 1000), extrapolated=(10000,), starter=True):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    # The runs below measure throughput under the 5,000-calls-a-day tiers (Core and up);
    # the Starter tier (1,000 a day) has its own runs at the end.
    sandbox.identity.apps[DEMO_CLIENT_ID].tier = "core"
    plan = [(n, "batch") for n in sizes] + [(n, "single") for n in sizes if n <= SINGLE_MAX]
    extrapolated = sorted(set(extrapolated) | {n for n in sizes if n > SINGLE_MAX})
    orgs = {}
    for n, mode in plan:
        orgs[n, mode] = add_org(
            sandbox, name=f"Bench {mode} {n}", short_code=f"!b{mode[0]}{n}", with_documents=False
        )
    timer = HttpTimer()
    virtual_waits(reg, sandbox)
    rows, created = [], []
    with superuser_env(reg) as env:
        cr = env.cr
        company = ensure_chart(env, env.ref("base.main_company"))
        env.ref("product.decimal_price").digits = 5
        tenants = connect_here(env, server.url, [org.tenant_id for org in orgs.values()])
        tax_sale = env["account.tax"].create(
            {
                "name": f"GST 10% (bench {uuid.uuid4().hex[:6]})",
                "amount": 10,
                "type_tax_use": "sale",
                "company_id": company.id,
            }
        )
        company.write({"xero_auto_create_contacts": True, "xero_invoice_status": "DRAFT"})
        for org in orgs.values():
            setup_tenant(env, tenants[org.tenant_id], tax_sale)
        cr.commit()
        # A new minute for every organisation: the set-up's calls do not count against the runs.
        sandbox.clock.advance(61)
        admin_env = env(user=env.ref("base.user_admin"))
        timer.install()
        try:
            for n, mode in plan:
                tenant = tenants[orgs[n, mode].tenant_id]
                started = time.perf_counter()
                moves, customers = make_invoices(env, company, tenant, tax_sale, n, f"{mode[0]}{n}")
                created.append(
                    f"created and posted {n:,} invoices ({customers:,} new customers) for the "
                    f"{mode} run in {time.perf_counter() - started:.0f} s"
                )
                cr.commit()
                row = export(admin_env, sandbox, tenant, moves.with_env(admin_env), mode, timer)
                cr.commit()
                rows.append(row)
                print(
                    f"[bench] {n:,} invoices, {mode}: {row['exported']:,} exported, {row['failed']} failed, "
                    f"{row['calls']} calls, {row['wall_s']:.0f} s",
                    flush=True,
                )
            # The Core-tier figures first: they stand whatever the Starter runs meet.
            for mode in ("batch", "single"):
                measured = [r for r in rows if r["mode"] == mode]
                if measured:
                    largest = max(measured, key=lambda r: r["n"])
                    rows += [extrapolate(largest, n) for n in extrapolated if n > largest["n"]]
            rows.sort(key=lambda r: (r["n"], r["mode"]))
            print_table(rows, created)
            if rows:
                path = OUT / "bench_export.png"
                chart(rows, path)
                print(f"chart: {path.relative_to(ROOT)}", flush=True)
            # A new minute: the runs above may have spent this one (the Starter connect reads
            # every organisation's details).
            sandbox.clock.advance(61)
            starter_lines = starter_runs(env, sandbox, server, company, tax_sale, timer) if starter else []
        finally:
            timer.uninstall()
    server.stop()
    for line in starter_lines:
        print(line)
    return rows


if __name__ == "__main__":
    # SIZES "0": only the Starter-tier runs
    sizes = tuple(int(s) for s in sys.argv[2].split(",") if int(s)) if len(sys.argv) > 2 else (100, 1000)
    main(sys.argv[1], sizes, extrapolated=(10000,) if sizes else ())
