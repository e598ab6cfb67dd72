"""Odoo's own charts (l10n_au, l10n_nz, l10n_uk) against sandbox organisations of the same
country carrying Xero's real tax rates: an accountant's first hour, with no workaround.
Auto-match maps taxes and accounts by kind, and every document that reaches Xero has Odoo's
total, tax and amount due there."""

import uuid

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .charts_common import CHARTS, OdooChartsCase


@tagged("post_install", "-at_install")
class TestOdooCharts(OdooChartsCase):
    def test_au_taxes_match_by_kind(self):
        maps = self.check_tax_matches("au")
        auto = [m for m in maps.values() if m.match_state == "auto"]
        self.assertGreaterEqual(len(auto), 11)
        # Not claimable in Odoo (no tax account, BAS label G13): never a rate that claims GST.
        inp = maps[self.tax("au", "au_tax_purchase_input_service")]
        self.assertNotIn("INPUT", inp.candidate_ids.mapped("tax_type"))
        self.assertNotIn("CAPEXINPUT", inp.candidate_ids.mapped("tax_type"))
        with self.assertRaisesRegex(ValidationError, "over-claim"):
            inp.tax_rate_id = self.rate("au", "INPUT")
        # Claimable in Odoo: a rate that claims nothing would leave the credit out.
        gst = maps[self.tax("au", "au_tax_purchase_10_service")]
        with self.assertRaisesRegex(ValidationError, "claims nothing back"):
            gst.tax_rate_id = self.rate("au", "BASEXCLUDED")
        # A sales-only rate on a purchase tax, a purchase rate on a sales tax: refused.
        with self.assertRaisesRegex(ValidationError, "cannot be used on purchases"):
            gst.tax_rate_id = self.rate("au", "OUTPUT")
        with self.assertRaisesRegex(ValidationError, "cannot be used on sales"):
            maps[self.tax("au", "au_tax_sale_10")].tax_rate_id = self.rate("au", "INPUT")
        # "10 % C" (label G10) is a capital purchase: only GST on Capital fits.
        capital = maps[self.tax("au", "au_tax_purchase_capital_service")]
        self.assertEqual(capital.candidate_ids.mapped("tax_type"), ["CAPEXINPUT"])

    def test_nz_and_uk_taxes_match_by_kind(self):
        for code in ("nz", "uk"):
            with self.subTest(code=code):
                self.check_tax_matches(code)

    def test_accounts_match_by_code_then_name_and_kind(self):
        for code in ("au", "nz"):
            company, tenant = self.books[code]["company"], self.books[code]["tenant"]
            self.auto_match(code)
            maps = {
                m.account_id.with_company(company).code: m
                for m in self.env["xero.account.map"].search([("tenant_id", "=", tenant.id)])
            }
            for odoo_code, xero_code in CHARTS[code]["accounts"].items():
                self.assertEqual(
                    (maps[odoo_code].match_state, maps[odoo_code].xero_account_code), ("auto", xero_code)
                )
            for mapping in maps.values():
                self.assertFalse(mapping.type_mismatch, mapping.account_id.display_name)
        # An income account to an expense account: refused; a Xero manager may confirm it.
        tenant = self.books["au"]["tenant"]
        income = self.env["xero.account.map"].search(
            [("tenant_id", "=", tenant.id), ("account_id.internal_group", "=", "income")], limit=1
        )
        advertising = self.env["xero.account"].search([("tenant_id", "=", tenant.id), ("code", "=", "400")])
        with self.assertRaisesRegex(ValidationError, "different kinds"):
            income.xero_account_id = advertising
        clerk = self.user_in(
            "au_clerk",
            "base.group_user,account.group_account_invoice,xero_connector.group_xero_user",
            self.books["au"]["company"],
        )
        with self.assertRaises(AccessError):
            income.with_user(clerk).write({"xero_account_id": advertising.id, "cross_type_confirmed": True})
        income.write({"xero_account_id": advertising.id, "cross_type_confirmed": True})
        self.assertEqual(income.cross_type_confirmed_by_id, self.env.user)
        self.assertTrue(income.type_mismatch)

    def test_au_documents_have_odoo_figures_in_xero(self):
        moves = self.documents("au")
        self.send_and_pay("au", moves)

    def test_nz_documents_have_odoo_figures_in_xero(self):
        self.send_and_pay("nz", self.documents("nz"))

    def test_uk_documents_have_odoo_figures_in_xero(self):
        self.send_and_pay("uk", self.documents("uk"))

    def test_au_purchase_order_has_odoo_figures_in_xero(self):
        order, doc = self.au_purchase_order(
            "Printer paper",
            (
                (None, 10, 7.45, "au_tax_purchase_10_service"),
                (None, 3, 12.0, "au_tax_purchase_0_service"),
                (None, 2, 5.55, False),
            ),
        )
        self.assertEqual(
            (float(doc["Total"]), float(doc["TotalTax"])), (order.amount_total, order.amount_tax)
        )

    def test_au_credit_note_settled_in_odoo_only_differs(self):
        """A credit note reconciled with its invoice in Odoo but not allocated in Xero: the
        totals agree, the amounts due do not; the Xero check and the variance report say so."""
        company = self.prepare("au")
        company.xero_allocate_credit_notes = False
        invoice = self.move("au", "out_invoice", [("Catering", 1, 39.9, 0, "au_tax_sale_10")])
        credit = self.move("au", "out_refund", [("Catering refund", 1, 39.9, 0, "au_tax_sale_10")])
        (invoice + credit).action_xero_export()
        self.assertSameFigures("au", credit)
        receivable = credit.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        invoice.js_assign_outstanding_line(receivable.id)
        self.assertEqual((invoice.amount_residual, credit.amount_residual), (0.0, 0.0))

        check = self.env["xero.check.wizard"].browse(credit.action_xero_check()["res_id"])
        self.assertTrue(check.totals_match)
        self.assertEqual((check.odoo_amount_due, check.xero_amount_due), (0.0, 43.89))
        self.assertIn("settled on one side only", check.due_difference)
        self.assertEqual(credit.xero_export_state, "differs")

        report = self.env["xero.variance.report"].create(
            {
                "date_from": fields.Date.today(),
                "date_to": fields.Date.today(),
                "tenant_ids": [Command.set(self.books["au"]["tenant"].ids)],
            }
        )
        report.action_run()
        rows = {line.move_id: line for line in report.line_ids}
        self.assertEqual(rows[credit].state, "differs")
        self.assertIn("Due: $\xa00.00 in Odoo, $\xa043.89 in Xero", rows[credit].details)
        self.assertEqual(rows[invoice].state, "differs")

    def test_mapping_health_lists_a_currency_the_organisation_lacks(self):
        company = self.prepare("au")
        nzd = self.env.ref("base.NZD")
        nzd.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": nzd.id, "company_id": company.id, "name": "2000-01-01", "rate": 1.09}
        )
        invoice = self.move("au", "out_invoice", [("Tour", 1, 120.0, 0, "au_tax_sale_0")], currency_id=nzd.id)
        action = self.env["xero.mapping.health"]._action_open(self.books["au"]["tenant"])
        health = self.env["xero.mapping.health"].browse(action["res_id"])
        line = health.line_ids.filtered(lambda line: line.kind == "currency")
        self.assertEqual((line.name, line.document_count), (nzd.display_name, 1))
        fix = line.action_fix()
        self.assertIn("add it in Xero (Settings > Currencies)", fix["params"]["message"])
        with self.assertRaisesRegex(UserError, "does not use NZD"):
            invoice.action_xero_export()

    def test_au_payment_waits_for_nothing_once_xero_approved_the_draft(self):
        """Exported as a draft (the default status), approved in Xero since: the payment reads
        the document's status from Xero first and goes through."""
        company = self.prepare("au")
        company.xero_invoice_status = "DRAFT"
        invoice = self.move("au", "out_invoice", [("Catering", 2, 45.5, 0, "au_tax_sale_10")])
        invoice.action_xero_export()
        self.assertEqual(invoice.xero_status, "DRAFT")
        self.approve_in_xero("au", invoice)
        payment = self.pay_in_odoo("au", invoice)
        self.assertTrue(payment.xero_payment_id, payment.xero_error)
        self.assertEqual(self.in_xero("au", invoice)["Status"], "PAID")
        self.assertEqual(invoice.xero_status, "PAID")
        self.assertSameFigures("au", invoice)

    def test_au_payment_on_a_draft_in_xero_says_what_to_change(self):
        company = self.prepare("au")
        company.xero_invoice_status = "DRAFT"
        invoice = self.move("au", "out_invoice", [("Catering", 1, 45.5, 0, "au_tax_sale_10")])
        invoice.action_xero_export()
        payment = self.pay_in_odoo("au", invoice)
        self.assertFalse(payment.xero_payment_id)
        self.assertIn("is DRAFT in Xero", payment.xero_error)
        self.assertIn("set Status in Xero to AUTHORISED", payment.xero_error)

    def test_au_payment_sync_keeps_the_xero_status_current(self):
        """Approved and paid in Xero after a draft export: the payment sync says PAID."""
        company = self.prepare("au")
        company.xero_invoice_status = "DRAFT"
        bill = self.move(
            "au",
            "in_invoice",
            [("Stationery", 4, 7.7, 0, "au_tax_purchase_10_service")],
            ref=f"ST-{uuid.uuid4().hex[:6]}",
        )
        bill.action_xero_export()
        self.assertEqual(bill.xero_status, "DRAFT")
        self.approve_in_xero("au", bill)
        self.pay_in_xero("au", bill)
        self.env["xero.payment"]._xero_sync_payments(self.books["au"]["tenant"])
        self.assertEqual(bill.xero_status, "PAID")
        self.assertEqual(bill.payment_state in ("paid", "in_payment"), True)
        self.assertSameFigures("au", bill)

    def test_au_gst_kept_in_the_cost_goes_gross_and_claims_nothing(self):
        """ "10 % INP" (purchases for input-taxed sales: no tax account, BAS label G13) maps to
        Input Taxed (0 %): the line goes at its gross amount, so Xero's total is Odoo's and Xero
        claims no GST credit, as Odoo's ledger (the GST sits in the expense)."""
        self.prepare("au")
        bill = self.move(
            "au",
            "in_invoice",
            [
                ("Residential rent", 1, 1800.0, 0, "au_tax_purchase_input_service"),
                ("Stationery", 3, 7.7, 0, "au_tax_purchase_10_service"),
            ],
            ref=f"RENT-{uuid.uuid4().hex[:6]}",
        )
        bill.action_xero_export()
        doc = self.in_xero("au", bill)
        claimable = bill.invoice_line_ids.filtered(lambda line: line.name == "Stationery")
        self.assertEqual(
            (float(doc["Total"]), float(doc["TotalTax"]), float(doc["AmountDue"])),
            (
                bill.amount_total,
                round(claimable.price_total - claimable.price_subtotal, 2),
                bill.amount_residual,
            ),
        )
        rent = next(line for line in doc["LineItems"] if line["TaxType"] == "INPUTTAXED")
        self.assertEqual((float(rent["LineAmount"]), float(rent["TaxAmount"])), (1980.0, 0.0))

    def test_au_purchase_order_gst_kept_in_the_cost_goes_gross(self):
        """An order line on "10 % INP" goes as a bill line does: Input Taxed, gross, no tax;
        Xero's order total is Odoo's and its tax only the claimable GST."""
        order, doc = self.au_purchase_order(
            "Office space",
            (
                ("Residential rent", 1, 1800.0, "au_tax_purchase_input_service"),
                ("Stationery", 3, 7.7, "au_tax_purchase_10_service"),
            ),
        )
        claimable = order.order_line.filtered(lambda line: line.name == "Stationery")
        self.assertEqual(
            (float(doc["Total"]), float(doc["TotalTax"])),
            (order.amount_total, round(claimable.price_total - claimable.price_subtotal, 2)),
        )
        rent = next(line for line in doc["LineItems"] if line["TaxType"] == "INPUTTAXED")
        self.assertEqual((float(rent["LineAmount"]), float(rent["TaxAmount"])), (1980.0, 0.0))
