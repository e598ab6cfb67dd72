"""Balances as daily Xero manual journals: real stock moves booked by stock_account, sent to
the Xero sandbox over HTTP, then edited, re-run, interrupted and throttled."""

import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo import Command, fields
from odoo.addons.xero_connector.journals import manual_journal_payload, xero_nets
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import XeroSandboxCase


def xero_date(value):
    """Xero's /Date(ms+0000)/ (or an ISO date) as a date."""
    if str(value).startswith("/Date("):
        millis = int(str(value)[6:].split("+")[0].split(")")[0])
        return (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=millis)).date()
    return fields.Date.to_date(str(value)[:10])


@tagged("post_install", "-at_install")
class TestJournalBuilder(TransactionCase):
    """The pure builders, without HTTP or the database's figures."""

    def test_nets_per_xero_account_and_tracking(self):
        day = fields.Date.today()
        rows = [
            (day, 1, None, 120.0),  # inventory
            (day, 2, None, -120.0),  # interim, received
            (day, 3, {"7": 100.0}, 48.0),  # COGS, all on analytic 7
            (day, 1, None, -48.0),
            (day, 4, {"7": 50.0, "8": 50.0}, 10.01),  # split: a cent of rounding stays untracked
            (day, 2, None, -10.01),
            (day, 5, None, 99.0),  # unmapped: left to the caller
        ]
        codes = {1: "140", 2: "141", 3: "310", 4: "310"}
        tracking = {7: ("Region", "North"), 8: ("Region", "South")}
        nets, problems = xero_nets(rows, codes, tracking)
        self.assertEqual(problems, [])
        north, south = (("Region", "North"),), (("Region", "South"),)
        self.assertEqual(
            nets[day],
            {
                ("140", ()): Decimal("72.00"),
                ("141", ()): Decimal("-130.01"),
                ("310", north): Decimal("53.01"),
                ("310", south): Decimal("5.01"),
                ("310", ()): Decimal("-0.01"),
            },
        )
        payload, problems = manual_journal_payload(
            "Odoo balances", day, {**nets[day], ("999", ()): Decimal(0)}
        )
        self.assertEqual(problems, [])
        self.assertEqual(payload["Status"], "POSTED")
        self.assertEqual(payload["Date"], fields.Date.to_string(day))
        self.assertEqual(
            [(line["AccountCode"], line["LineAmount"]) for line in payload["JournalLines"]],
            [("140", 72.0), ("141", -130.01), ("310", -0.01), ("310", 53.01), ("310", 5.01)],
            "zero lines are left out; tracking per line",
        )
        self.assertEqual(payload["JournalLines"][3]["Tracking"], [{"Name": "Region", "Option": "North"}])
        self.assertEqual(sum(Decimal(str(line["LineAmount"])) for line in payload["JournalLines"]), 0)

    def test_unbalanced_is_refused_not_forced(self):
        day = fields.Date.today()
        _payload, problems = manual_journal_payload(
            "x", day, {("140", ()): Decimal("10.005"), ("141", ()): Decimal("-10.00")}
        )
        self.assertEqual(len(problems), 1)
        self.assertIn("does not balance", problems[0])
        self.assertIn("0.01", problems[0])

    def test_two_options_of_one_category_is_a_problem(self):
        day = fields.Date.today()
        _nets, problems = xero_nets(
            [(day, 1, {"7,8": 100.0}, 5.0)], {1: "140"}, {7: ("Region", "North"), 8: ("Region", "South")}
        )
        self.assertEqual(len(problems), 1)
        self.assertIn("at most one option", problems[0])


class XeroJournalsCase(XeroSandboxCase):
    """A company in the currency of its own sandbox organisation, with products valued in
    real time (automated valuation), Xero accounts for inventory and interim created in Xero
    and the Odoo accounts mapped to them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.with_chart(cls.company)
        cls.company.partner_id.tz = "UTC"
        suffix = uuid.uuid4().hex[:6]
        cls.org = cls.sandbox.create_org(
            f"Gamma Stock {suffix}", short_code=f"!G{suffix}", base_currency=cls.company.currency_id.name
        )
        cls.tenant_xero_id = cls.org["tenantId"]
        for code, name, kind in (
            ("140", "Materials on hand", "CURRENT"),
            ("141", "Stock received", "CURRLIAB"),
            ("142", "Stock delivered", "CURRENT"),
        ):
            answer = cls.sandbox.as_user(
                cls.tenant_xero_id, "PUT", "/Accounts", json={"Code": code, "Name": name, "Type": kind}
            )
            assert answer.status_code == 200, answer.text
        connection = cls.connect_directly(cls.xero_manager, [cls.tenant_xero_id])
        cls.tenant = connection.tenant_ids
        cls.company.xero_tenant_id = cls.tenant
        cls.env["xero.cache.refresh.request"]._refresh_cache(cls.tenant)
        cls.xero_accounts = {
            a.code: a for a in cls.env["xero.account"].search([("tenant_id", "=", cls.tenant.id)])
        }
        Account = cls.env["account.account"]

        def account(code, name, account_type):
            found = Account.search([("code", "=", code), ("company_ids", "in", cls.company.id)], limit=1)
            return found or Account.create({"code": code, "name": name, "account_type": account_type})

        cls.account = staticmethod(account)
        cls.inventory = account("110100", "Stock Valuation", "asset_current")
        cls.interim = account("110200", "Stock Interim (Received)", "asset_current")
        cls.cogs = account("500000", "Cost of Goods Sold", "expense_direct_cost")
        cls.stock_journal = cls.company._xero_stock_valuation_journal() or cls.env["account.journal"].create(
            {"name": "Inventory Valuation", "code": "STJ", "type": "general", "company_id": cls.company.id}
        )
        category = cls.env["product.category"].create(
            {
                "name": "Valued in real time",
                "property_cost_method": "standard",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": cls.inventory.id,
                "property_stock_account_input_categ_id": cls.interim.id,
                "property_stock_account_output_categ_id": cls.cogs.id,
                "property_stock_journal": cls.stock_journal.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Oak chair",
                "type": "consu",
                "is_storable": True,
                "categ_id": category.id,
                "standard_price": 12.0,
            }
        )
        cls.map_account(cls.inventory, "140")
        cls.map_account(cls.interim, "141")
        cls.map_account(cls.cogs, "310")
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.yesterday = fields.Date.today() - timedelta(days=1)
        cls.company.write(
            {
                "xero_journals_enabled": True,
                "xero_journals_journal_ids": [Command.set(cls.stock_journal.ids)],
                "xero_journals_start_date": cls.yesterday - timedelta(days=2),
            }
        )

    @classmethod
    def map_account(cls, account, code):
        Map = cls.env["xero.account.map"]
        existing = Map.search([("tenant_id", "=", cls.tenant.id), ("account_id", "=", account.id)])
        values = {"xero_account_id": cls.xero_accounts[code].id}
        if existing:
            existing.write(values)
        else:
            Map.create({"tenant_id": cls.tenant.id, "account_id": account.id, **values})

    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.clear_faults)
        # Xero keeps what earlier tests of the class sent; each test starts from a day of its own,
        # 60 days apart (tests reach a few days either side), never one another test used.
        cls = type(self)
        cls._days_used = getattr(cls, "_days_used", 0) + 1
        self.day = self.yesterday - timedelta(days=60 * cls._days_used + 10)
        self.company.xero_journals_start_date = self.day

    # --------------------------------------------------------------------------------------
    def transfer(self, quantity, incoming, day=None):
        """A receipt from a vendor or a delivery to a customer, validated (booked on ``day``)."""
        wh = self.warehouse
        picking_type = wh.in_type_id if incoming else wh.out_type_id
        source = self.env.ref("stock.stock_location_suppliers") if incoming else wh.lot_stock_id
        target = wh.lot_stock_id if incoming else self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": target.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": quantity,
                            "product_uom": self.product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": target.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": quantity, "picked": True})
        picking.with_context(force_period_date=day or self.day).button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def valuation_move(self, picking):
        return picking.move_ids.account_move_ids

    def run_journals(self):
        results = self.env["xero.manual.journal"]._xero_run_journals(self.tenant)
        return results[self.company]

    def in_xero(self):
        """This test's journals in the sandbox (its days only)."""
        return [
            j
            for j in self.sandbox.dump(self.tenant_xero_id, "ManualJournals")
            if self.company.name in j["Narration"]
            and any(str(self.day + timedelta(days=n)) in j["Narration"] for n in (0, 1))
        ]

    def puts(self):
        return [
            c
            for c in self.sandbox.calls()["log"]
            if c["method"] == "PUT" and c["path"].endswith("/ManualJournals")
        ]

    def xero_sums(self):
        sums = defaultdict(Decimal)
        for journal in self.in_xero():
            for line in journal["JournalLines"]:
                sums[line["AccountCode"]] += Decimal(str(line["LineAmount"]))
        return {code: amount for code, amount in sums.items() if amount}

    def odoo_sums(self):
        """Odoo's balances of the chosen journals on this test's days, per mapped Xero code."""
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("journal_id", "in", self.company.xero_journals_journal_ids.ids),
                ("date", ">=", self.day),
                ("date", "<=", self.day + timedelta(days=1)),
            ]
        )
        codes = {self.inventory: "140", self.interim: "141", self.cogs: "310"}
        sums = defaultdict(Decimal)
        for line in lines:
            sums[codes[line.account_id]] += Decimal(str(line.balance)).quantize(Decimal("0.01"))
        return {code: amount for code, amount in sums.items() if amount}


@tagged("post_install", "-at_install")
class TestJournals(XeroJournalsCase):
    def test_receipt_and_delivery_make_the_evening_journal(self):
        receipt = self.transfer(10, incoming=True)
        delivery = self.transfer(4, incoming=False)
        # What Odoo booked: inventory 120 in, 48 out; interim 120 credit; cost of goods 48.
        booked = (self.valuation_move(receipt) | self.valuation_move(delivery)).line_ids
        self.assertEqual(set(booked.journal_id.ids), set(self.stock_journal.ids))
        self.assertEqual(sorted(booked.mapped("balance")), [-120.0, -48.0, 48.0, 120.0])

        stats = self.run_journals()
        self.assertEqual((stats["problems"], stats["sent"], stats["adjustments"]), ([], 1, 0))
        [journal] = self.in_xero()
        self.assertEqual(journal["Narration"], f"Odoo balances {self.day} {self.company.name}")
        self.assertEqual(journal["Status"], "POSTED")
        self.assertEqual(xero_date(journal["Date"]), self.day)
        lines = {line["AccountCode"]: line["LineAmount"] for line in journal["JournalLines"]}
        self.assertEqual(lines, {"140": 72.0, "141": -120.0, "310": 48.0})
        self.assertEqual(self.xero_sums(), self.odoo_sums())

        record = self.env["xero.manual.journal"].search(
            [("company_id", "=", self.company.id), ("date", "=", self.day)]
        )
        self.assertEqual((record.kind, record.revision, record.state), ("balances", 0, "sent"))
        self.assertEqual(record.xero_id, journal["ManualJournalID"])
        self.assertEqual(record.amount_total, 120.0)
        inventory_line = record.line_ids.filtered(lambda line: line.account_code == "140")
        self.assertEqual((inventory_line.debit, inventory_line.credit), (72.0, 0.0))
        self.assertEqual(inventory_line.odoo_account_ids, self.inventory)
        drill = inventory_line.action_open_move_lines()
        items = self.env["account.move.line"].search(drill["domain"])
        self.assertEqual(items, booked.filtered(lambda line: line.account_id == self.inventory))
        self.assertIn("go.xero.com", record.action_xero_open()["url"])
        self.assertTrue(self.tenant.xero_journals_synced_at)

    def test_next_day_edit_sends_only_the_difference(self):
        receipt = self.transfer(10, incoming=True)
        self.transfer(4, incoming=False)
        self.run_journals()
        # The next day the accountant corrects the receipt's valuation: 130 instead of 120.
        entry = self.valuation_move(receipt)
        entry.button_draft()
        entry.write(
            {
                "line_ids": [
                    Command.update(line.id, {"debit": 130.0} if line.debit else {"credit": 130.0})
                    for line in entry.line_ids
                ]
            }
        )
        entry.action_post()
        stats = self.run_journals()
        self.assertEqual((stats["problems"], stats["sent"], stats["adjustments"]), ([], 0, 1))
        journals = sorted(self.in_xero(), key=lambda j: j["Narration"])
        self.assertEqual(len(journals), 2, "never a second full journal for a day")
        adjustment = next(j for j in journals if j["Narration"].startswith("Adjustment of"))
        self.assertEqual(adjustment["Narration"], f"Adjustment of {self.day} {self.company.name} (1)")
        self.assertEqual(
            {line["AccountCode"]: line["LineAmount"] for line in adjustment["JournalLines"]},
            {"140": 10.0, "141": -10.0},
        )
        self.assertEqual(self.xero_sums(), self.odoo_sums())

        # Cancelled the day after: the delivery's entry reset to draft takes its lines back.
        self.valuation_move(self.env["stock.picking"].search([], order="id desc", limit=1)).button_draft()
        self.run_journals()
        self.assertEqual(len(self.in_xero()), 3)
        self.assertEqual(self.xero_sums(), self.odoo_sums())
        ledger = self.env["xero.journal.ledger"].search(
            [("company_id", "=", self.company.id), ("date", "=", self.day)]
        )
        self.assertEqual(
            {row.account_code: row.amount for row in ledger if row.amount},
            {code: float(amount) for code, amount in self.odoo_sums().items()},
        )

    def test_back_dated_entry_adjusts_its_own_day(self):
        self.transfer(10, incoming=True)
        self.run_journals()
        self.transfer(2, incoming=True, day=self.day + timedelta(days=1))
        self.transfer(1, incoming=False)  # back-dated into the day already sent
        stats = self.run_journals()
        self.assertEqual((stats["sent"], stats["adjustments"]), (1, 1))
        self.assertEqual(self.xero_sums(), self.odoo_sums())

    def test_invoice_cost_of_goods_lines_are_sent_not_the_invoice(self):
        """Anglo-Saxon: the delivery moves stock to "delivered, not invoiced"; the invoice books
        the cost of goods sold against it. Xero receives the invoice as a document (revenue,
        receivable, tax): only its cost-of-goods lines travel with the balances."""
        self.assertTrue(self.company.anglo_saxon_accounting)
        delivered = self.account("110300", "Stock Interim (Delivered)", "asset_current")
        self.product.categ_id.write(
            {
                "property_stock_account_output_categ_id": delivered.id,
                "property_account_expense_categ_id": self.cogs.id,
            }
        )
        self.map_account(delivered, "142")
        self.transfer(10, incoming=True)
        self.transfer(4, incoming=False)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.env["res.partner"].create({"name": "Harbour Fisheries"}).id,
                "invoice_date": self.day,
                "date": self.day,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "quantity": 4, "price_unit": 30.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        cogs_lines = invoice.line_ids.filtered(lambda line: line.display_type == "cogs")
        self.assertEqual(sorted(cogs_lines.mapped("balance")), [-48.0, 48.0])
        stats = self.run_journals()
        self.assertEqual(
            (stats["problems"], stats["sent"]), ([], 1), "revenue and receivable need no mapping"
        )
        [journal] = self.in_xero()
        self.assertEqual(
            {line["AccountCode"]: line["LineAmount"] for line in journal["JournalLines"]},
            {"140": 72.0, "141": -120.0, "310": 48.0},
            "delivered-not-invoiced nets to zero that day and is left out",
        )

    def test_two_runs_send_nothing_new(self):
        self.transfer(10, incoming=True)
        self.run_journals()
        puts = len(self.puts())
        journals = self.env["xero.manual.journal"].search_count([])
        stats = self.run_journals()
        self.assertEqual((stats["sent"], stats["adjustments"], stats["problems"]), (0, 0, []))
        self.assertEqual(len(self.puts()), puts)
        self.assertEqual(self.env["xero.manual.journal"].search_count([]), journals)
        self.assertEqual(len(self.in_xero()), 1)

    def test_lost_answer_then_run_makes_one_journal(self):
        self.transfer(10, incoming=True)
        self.sandbox.add_fault(
            "lost_response", method="PUT", path="/ManualJournals", tenant=self.tenant_xero_id
        )
        stats = self.run_journals()
        self.assertEqual((stats["problems"], stats["sent"]), ([], 1))
        self.assertEqual(len(self.in_xero()), 1, "the retry replayed Xero's first answer")

    def test_interrupted_run_is_found_and_recorded_not_sent_again(self):
        self.transfer(10, incoming=True)
        # Every answer lost: Xero posted the journal on the first try, Odoo never heard back.
        self.sandbox.add_fault("lost_response", method="PUT", path="/ManualJournals", count=10)
        stats = self.run_journals()
        self.assertEqual(stats["sent"], 0)
        self.assertIn("could not be reached", stats["problems"][0])
        self.assertFalse(self.env["xero.manual.journal"].search([("date", "=", self.day)]))
        self.sandbox.clear_faults()
        puts = len(self.puts())
        stats = self.run_journals()
        self.assertEqual((stats["problems"], stats["recovered"], stats["sent"]), ([], 1, 0))
        self.assertEqual(len(self.puts()), puts, "found in Xero, not sent again")
        self.assertEqual(len(self.in_xero()), 1)
        record = self.env["xero.manual.journal"].search([("date", "=", self.day)])
        self.assertTrue(record.recovered)
        self.assertEqual(self.xero_sums(), self.odoo_sums())

    def test_unmapped_and_system_accounts_are_listed_and_nothing_is_sent(self):
        self.transfer(10, incoming=True)
        self.transfer(4, incoming=False)
        self.env["xero.account.map"].search([("account_id", "=", self.cogs.id)]).unlink()
        self.map_account(self.interim, "800")  # Accounts Payable: a Xero system account
        puts = len(self.puts())
        stats = self.run_journals()
        self.assertEqual(len(stats["problems"]), 2, stats["problems"])
        self.assertIn(
            f"Account {self.cogs.display_name} has no Xero account",
            stats["problems"][0] + stats["problems"][1],
        )
        self.assertTrue(any("system account (CREDITORS)" in p for p in stats["problems"]))
        self.assertEqual(len(self.puts()), puts)
        self.assertEqual(self.in_xero(), [])
        self.assertIn("has no Xero account", self.company.xero_journals_problems)

    def test_inventory_type_account_is_a_warning(self):
        self.map_account(self.inventory, "630")
        self.transfer(10, incoming=True)
        stats = self.run_journals()
        self.assertEqual(stats["sent"], 1)
        self.assertIn("INVENTORY", stats["warnings"][0])

    def test_synchronize_now_is_throttled(self):
        self.transfer(10, incoming=True)
        self.tenant.xero_journals_synced_at = False
        action = self.tenant.with_user(self.xero_manager).action_xero_sync_journals()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("1 journal(s)", action["params"]["message"])
        with self.assertRaisesRegex(UserError, "next synchronisation is allowed from"):
            self.tenant.with_user(self.xero_manager).action_xero_sync_journals()
        admin = new_test_user(
            self.env,
            login="journals_admin",
            groups="base.group_user,base.group_system,xero_connector.group_xero_manager",
        )
        settings = self.env["res.config.settings"].with_user(admin).create({})
        with self.assertRaisesRegex(UserError, "at most once every 5 minutes"):
            settings.action_xero_sync_journals()
        self.tenant.xero_journals_synced_at = fields.Datetime.now() - timedelta(minutes=5, seconds=1)
        action = settings.action_xero_sync_journals()
        self.assertIn("0 journal(s)", action["params"]["message"])
        clerk = new_test_user(
            self.env, login="journals_clerk", groups="base.group_user,xero_connector.group_xero_user"
        )
        with self.assertRaises(AccessError):
            self.tenant.with_user(clerk).action_xero_sync_journals()

    def test_evening_cron_runs_once_a_day_past_its_hour(self):
        self.transfer(10, incoming=True)
        now = self.company._xero_journals_now()
        self.company.xero_journals_run_date = False
        if now.hour < 23:
            self.company.xero_journals_hour = now.hour + 1
            self.run_cron("xero.manual.journal", "_cron_xero_journals")
            self.assertEqual(self.in_xero(), [], "not before the evening hour")
        self.company.xero_journals_hour = now.hour
        self.run_cron("xero.manual.journal", "_cron_xero_journals")
        self.assertEqual(len(self.in_xero()), 1)
        self.assertEqual(self.company.xero_journals_run_date, now.date())
        self.transfer(1, incoming=True)
        self.run_cron("xero.manual.journal", "_cron_xero_journals")
        self.assertEqual(len(self.in_xero()), 1, "once a day: the change waits for tomorrow's run")


@tagged("post_install", "-at_install")
class TestJournalsTour(XeroJournalsCase):
    def test_synchronize_now_button_and_manual_journals_list(self):
        self.transfer(10, incoming=True)
        self.tenant.xero_journals_synced_at = False
        self.start_tour(
            f"/odoo/action-xero_connector.action_xero_tenant/{self.tenant.id}",
            "xero_journals_tour",
            login="xero_manager",
        )
        [journal] = self.in_xero()
        self.assertEqual({line["AccountCode"] for line in journal["JournalLines"]}, {"140", "141"})
        self.assertEqual(
            self.env["xero.manual.journal"].search([("date", "=", self.day)]).xero_id,
            journal["ManualJournalID"],
        )


@tagged("post_install", "-at_install")
class TestJournalsRules(XeroJournalsCase):
    def test_lock_date_makes_days_final(self):
        self.transfer(10, incoming=True)
        self.company.fiscalyear_lock_date = self.day
        self.run_journals()
        self.assertEqual(self.company.xero_journals_final_date, self.day)
        # A later run reads from the day after the lock only: the locked day is not compared again.
        puts = len(self.puts())
        self.env.cr.execute(
            "UPDATE xero_manual_journal_line SET amount = amount * 2 WHERE journal_id IN "
            "(SELECT id FROM xero_manual_journal WHERE date = %s)",
            [self.day],
        )
        self.env["xero.manual.journal.line"].invalidate_model()
        self.run_journals()
        self.assertEqual(len(self.puts()), puts)
        # Moving the lock date back reopens the days.
        self.company.fiscalyear_lock_date = False
        self.run_journals()
        self.assertFalse(self.company.xero_journals_final_date)

    def test_other_company_users_do_not_see_the_journals(self):
        self.transfer(10, incoming=True)
        self.run_journals()
        other = self.second_company("Journals Elsewhere Ltd")
        outsider = self.user_in("journals_outsider", "base.group_user,xero_connector.group_xero_user", other)
        self.assertTrue(self.env["xero.manual.journal"].search([("date", "=", self.day)]))
        self.assertFalse(self.env["xero.manual.journal"].with_user(outsider).search([]))
        self.assertFalse(self.env["xero.manual.journal.line"].with_user(outsider).search([]))
        self.assertFalse(self.env["xero.journal.ledger"].with_user(outsider).search([]))

    def test_remapped_account_moves_its_balance_in_xero(self):
        self.transfer(10, incoming=True)
        self.run_journals()
        self.map_account(self.inventory, "142")  # the inventory goes to another Xero account
        stats = self.run_journals()
        self.assertEqual(stats["adjustments"], 1)
        adjustment = next(j for j in self.in_xero() if j["Narration"].startswith("Adjustment"))
        self.assertEqual(
            {line["AccountCode"]: line["LineAmount"] for line in adjustment["JournalLines"]},
            {"140": -120.0, "142": 120.0},
        )

    def test_analytic_distribution_becomes_xero_tracking(self):
        plan = self.env["account.analytic.plan"].create({"name": "Regions"})
        north = self.env["account.analytic.account"].create({"name": "North shop", "plan_id": plan.id})
        option = self.env["xero.tracking.option"].search(
            [("tenant_id", "=", self.tenant.id), ("name", "=", "North"), ("category_id.name", "=", "Region")]
        )
        self.env["xero.tracking.map"].create(
            {"tenant_id": self.tenant.id, "analytic_account_id": north.id, "option_id": option.id}
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.stock_journal.id,
                "date": self.day,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.cogs.id,
                            "debit": 30.0,
                            "analytic_distribution": {str(north.id): 100},
                        }
                    ),
                    Command.create({"account_id": self.inventory.id, "credit": 30.0}),
                ],
            }
        )
        entry.action_post()
        stats = self.run_journals()
        self.assertEqual((stats["problems"], stats["sent"]), ([], 1))
        [journal] = self.in_xero()
        cogs_line = next(line for line in journal["JournalLines"] if line["AccountCode"] == "310")
        self.assertEqual(cogs_line["LineAmount"], 30.0)
        self.assertEqual([(t["Name"], t["Option"]) for t in cogs_line["Tracking"]], [("Region", "North")])
        record = self.env["xero.manual.journal"].search([("date", "=", self.day)])
        self.assertEqual(
            record.line_ids.filtered(lambda line: line.account_code == "310").tracking_display,
            "Region: North",
        )
        self.assertEqual(self.run_journals()["adjustments"], 0, "tracking read back from Xero matches")
