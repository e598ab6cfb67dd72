"""Balances as daily Xero manual journals: API calls and Odoo-side time, against an in-process
Xero sandbox.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_journals.py DB [MOVES] [REAL_MOVES]

MOVES (10,000) stock valuation entries spread over 30 days are created directly as posted
journal entries of the stock valuation journal (receipts: inventory / interim; deliveries:
cost of goods sold / inventory), the shape stock_account books for each validated stock move:
10,000 real stock moves would take the bench several minutes to create for figures that only
depend on the entries. REAL_MOVES (200) real stock moves (receipts and deliveries validated
through pickings) measure what one costs Odoo to create, and end up in the journals as well.

Measures a first run (goal: one call per day with changes, 30), an unchanged run (goal: 0
calls), and a run after 3 entries of 3 different days were edited (goal: 3 adjustment
calls). Odoo ms = wall time minus the time spent inside the calls to the sandbox.
"""

import random
import sys
import time
from datetime import timedelta

from common import (
    HttpTimer,
    Meter,
    add_org,
    connect_one,
    ensure_chart,
    log_in_this_transaction,
    print_rows,
    registry,
    start_sandbox,
    superuser_env,
)

from odoo import Command, fields

from xero_sandbox.client import SandboxClient

DAYS = 30
CREATE_BATCH = 500


def accounts(env, company):
    Account = env["account.account"]

    def account(code, name, account_type):
        found = Account.search([("code", "=", code), ("company_ids", "in", company.id)], limit=1)
        return found or Account.create({"code": code, "name": name, "account_type": account_type})

    return (
        account("110100", "Stock Valuation", "asset_current"),
        account("110200", "Stock Interim (Received)", "asset_current"),
        account("500000", "Cost of Goods Sold", "expense_direct_cost"),
    )


def create_entries(env, journal, inventory, interim, cogs, count, first_day):
    """``count`` posted valuation entries over DAYS days, 500 per create."""
    rng = random.Random(14)
    created = env["account.move"]
    for start in range(0, count, CREATE_BATCH):
        values = []
        for n in range(start, min(start + CREATE_BATCH, count)):
            amount = round(rng.uniform(5, 500), 2)
            receipt = n % 3 != 2
            debit, credit = (inventory, interim) if receipt else (cogs, inventory)
            values.append(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": first_day + timedelta(days=n % DAYS),
                    "ref": f"Bench stock move {n}",
                    "line_ids": [
                        Command.create({"account_id": debit.id, "debit": amount, "name": "valuation"}),
                        Command.create({"account_id": credit.id, "credit": amount, "name": "valuation"}),
                    ],
                }
            )
        moves = env["account.move"].create(values)
        moves.action_post()
        created |= moves
    return created


def real_moves(env, company, journal, inventory, interim, cogs, count):
    """``count`` real stock moves (receipts, then deliveries) through validated pickings."""
    category = env["product.category"].create(
        {
            "name": "Bench valued in real time",
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_valuation_account_id": inventory.id,
            "property_stock_account_input_categ_id": interim.id,
            "property_stock_account_output_categ_id": cogs.id,
            "property_stock_journal": journal.id,
        }
    )
    product = env["product.product"].create(
        {
            "name": "Bench chair",
            "type": "consu",
            "is_storable": True,
            "categ_id": category.id,
            "standard_price": 12,
        }
    )
    wh = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    suppliers, customers = (
        env.ref("stock.stock_location_suppliers"),
        env.ref("stock.stock_location_customers"),
    )
    started = time.perf_counter()
    for n in range(count):
        incoming = n < count // 2
        picking_type = wh.in_type_id if incoming else wh.out_type_id
        source, target = (suppliers, wh.lot_stock_id) if incoming else (wh.lot_stock_id, customers)
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": target.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": target.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking.button_validate()
    return (time.perf_counter() - started) * 1000 / max(count, 1)


def main(db, total=10000, real=200):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    rows = []
    with superuser_env(reg) as env, log_in_this_transaction(env):
        cr = env.cr
        company = ensure_chart(env)
        org = add_org(
            sandbox, name="Bench Journals", short_code="!bmj", base_currency=company.currency_id.name
        )
        client = SandboxClient(server.url)
        for code, name, kind in (
            ("140", "Materials on hand", "CURRENT"),
            ("141", "Stock received", "CURRLIAB"),
        ):
            client.as_user(org.tenant_id, "PUT", "/Accounts", json={"Code": code, "Name": name, "Type": kind})
        try:
            tenant = connect_one(env, server.url, org, ["accounts"])
            company.xero_tenant_id = tenant
            company.partner_id.tz = "UTC"
            inventory, interim, cogs = accounts(env, company)
            xero = {a.code: a for a in env["xero.account"].search([("tenant_id", "=", tenant.id)])}
            env["xero.account.map"].create(
                [
                    {"tenant_id": tenant.id, "account_id": account.id, "xero_account_id": xero[code].id}
                    for account, code in ((inventory, "140"), (interim, "141"), (cogs, "310"))
                ]
            )
            journal = company._xero_stock_valuation_journal() or env["account.journal"].create(
                {"name": "Inventory Valuation", "code": "STJ", "type": "general"}
            )
            today = fields.Date.context_today(company)
            first_day = today - timedelta(days=DAYS - 1)
            company.write(
                {
                    "xero_journals_enabled": True,
                    "xero_journals_journal_ids": [Command.set(journal.ids)],
                    "xero_journals_start_date": first_day,
                }
            )
            started = time.perf_counter()
            moves = create_entries(env, journal, inventory, interim, cogs, total, first_day)
            create_s = time.perf_counter() - started
            real_ms = real_moves(env, company, journal, inventory, interim, cogs, real) if real else 0.0
            env.flush_all()

            def run(label):
                with HttpTimer() as timer, Meter(env, sandbox, tenant) as meter:
                    stats = env["xero.manual.journal"]._xero_run_journals(tenant)[company]
                puts = [c for c in meter.calls if c["method"] == "PUT"]
                odoo_ms = meter.ms - timer.seconds * 1000
                rows.append(
                    (
                        label,
                        f"{len(meter.calls)} calls ({len(puts)} PUT), {stats['sent']} journals + "
                        f"{stats['adjustments']} adjustments, Odoo {odoo_ms:,.0f} ms "
                        f"(Xero {timer.seconds * 1000:,.0f} ms), {meter.queries} SQL",
                    )
                )
                if stats["problems"]:
                    rows.append(("  problems", "; ".join(stats["problems"])[:300]))
                return stats

            run(f"first run, {total + real:,} entries over {DAYS} days (goal: {DAYS} calls)")
            run("unchanged run (goal: 0 calls)")
            edited = [
                moves.filtered(lambda m, d=d: m.date == first_day + timedelta(days=d))[:1]
                for d in (3, 11, 20)
            ]
            for move in edited:
                move.button_draft()
                move.write(
                    {
                        "line_ids": [
                            Command.update(
                                line.id,
                                {"debit": line.debit + 1} if line.debit else {"credit": line.credit + 1},
                            )
                            for line in move.line_ids
                        ]
                    }
                )
                move.action_post()
            run("after editing 3 entries of 3 days (goal: 3 calls)")
            in_xero = len(client.dump(org.tenant_id, "ManualJournals"))
            rows.append(("manual journals in Xero", in_xero))
            rows.append(("creating the entries directly (s)", f"{create_s:.0f}"))
            if real:
                rows.append(
                    (f"one real stock move through a picking, {real} measured (ms)", f"{real_ms:.0f}")
                )
        finally:
            cr.rollback()
    server.stop()
    print_rows(
        f"\nBalances as Xero manual journals ({total:,} valuation entries + {real} real stock moves)",
        rows,
        60,
    )


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
