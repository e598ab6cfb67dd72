from datetime import date, timedelta

from odoo import fields
from odoo.addons.xero_connector.utils import xero_date
from odoo.tests import tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestMPowerRulesInXero(XeroExportCase):
    """M-Power's job mode, date method, due dates and tax-inclusive prices, pressed as a user
    would (*Export to Xero* on the invoice or bill, as a Xero user) and checked in what Xero
    stored, read back with a GET through the connector's reader: the builders' tests say what
    Odoo sends, these say what Xero keeps."""

    INVOICE_DAY = date(2031, 1, 15)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        item_book = cls.env["xero.item"].search([("tenant_id", "=", cls.tenant.id), ("code", "=", "BOOK")])
        cls.book = cls.env["product.product"].create({"name": "Novel", "default_code": "NOVEL-1"})
        cls.env["xero.product.map"].create(
            {
                "tenant_id": cls.tenant.id,
                "product_tmpl_id": cls.book.product_tmpl_id.id,
                "item_id": item_book.id,
            }
        )
        cls.tax_sale_incl = cls.env["account.tax"].create(
            {
                "name": "GST 10% incl. (sales)",
                "amount": 10,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        cls.tax_purchase_incl = cls.env["account.tax"].create(
            {
                "name": "GST 10% incl. (purchases)",
                "amount": 10,
                "type_tax_use": "purchase",
                "price_include_override": "tax_included",
            }
        )
        rates = {r.tax_type: r for r in cls.env["xero.tax.rate"].search([("tenant_id", "=", cls.tenant.id)])}
        cls.env["xero.tax.map"].create(
            [
                {
                    "tenant_id": cls.tenant.id,
                    "tax_id": cls.tax_sale_incl.id,
                    "tax_rate_id": rates["OUTPUT"].id,
                },
                {
                    "tenant_id": cls.tenant.id,
                    "tax_id": cls.tax_purchase_incl.id,
                    "tax_rate_id": rates["INPUT"].id,
                },
            ]
        )
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        cls.term_15 = cls.env.ref("account.account_payment_term_15days")

    def export(self, move):
        """*Export to Xero* pressed by a Xero user; what Xero stored, read back with a GET."""
        move.with_user(self.xero_user).action_xero_export()
        self.assertTrue(move.xero_id, move.xero_error)
        answer = self.env["xero.reader"]._xero_read(move)[move]
        self.assertTrue(answer.present, answer.message)
        return answer.element

    # ---------------------------------------------------------------- job mode
    def test_job_mode_every_line_carries_the_first_products_item_in_xero(self):
        self.company.xero_single_item_mode = True
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Job 4711", "quantity": 1, "price_unit": 100},
                {"name": "Extra work", "quantity": 2, "price_unit": 50},
                {"name": "Travel", "quantity": 1, "price_unit": 30},
            ]
        )
        stored = self.export(move)
        self.assertEqual([line.get("ItemCode") for line in stored["LineItems"]], ["BOOK", "BOOK", "BOOK"])
        self.assertAlmostEqual(stored["Total"], move.amount_total, places=2)

        self.company.xero_single_item_mode = False
        plain = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Job 4712", "quantity": 1, "price_unit": 100},
                {"name": "Extra work", "quantity": 2, "price_unit": 50},
            ]
        )
        stored = self.export(plain)
        self.assertEqual([line.get("ItemCode") for line in stored["LineItems"]], ["BOOK", None])

    # ---------------------------------------------------------------- date method
    def test_date_method_invoice_date_or_export_date_in_xero(self):
        by_invoice_date = self.make_move(invoice_date=self.INVOICE_DAY)
        stored = self.export(by_invoice_date)
        self.assertEqual(xero_date(stored["Date"]), self.INVOICE_DAY)
        self.assertEqual(by_invoice_date._xero_variance_sent_date(), self.INVOICE_DAY)

        self.company.xero_date_method = "export"
        by_export_date = self.make_move(invoice_date=self.INVOICE_DAY)
        stored = self.export(by_export_date)
        today = fields.Date.context_today(by_export_date)
        self.assertNotEqual(today, self.INVOICE_DAY)
        self.assertEqual(xero_date(stored["Date"]), today)
        self.assertEqual(by_export_date.invoice_date, self.INVOICE_DAY, "Odoo's invoice date is kept")
        self.assertEqual(by_export_date._xero_variance_sent_date(), today, "the variance report expects it")

    # ---------------------------------------------------------------- due dates
    def test_due_dates_on_drafts_only_when_the_company_says_so(self):
        self.customer.property_payment_term_id = self.term_15
        due = self.INVOICE_DAY + timedelta(days=15)

        draft = self.make_move(invoice_date=self.INVOICE_DAY)
        self.assertEqual(draft.invoice_date_due, due, "from the customer's payment terms")
        stored = self.export(draft)
        self.assertEqual(stored["Status"], "DRAFT")
        self.assertFalse(stored.get("DueDate"), "no due date on a draft by default")

        self.company.xero_due_date_on_drafts = True
        draft_with_due = self.make_move(invoice_date=self.INVOICE_DAY)
        stored = self.export(draft_with_due)
        self.assertEqual((stored["Status"], xero_date(stored["DueDate"])), ("DRAFT", due))

        self.company.write({"xero_due_date_on_drafts": False, "xero_invoice_status": "AUTHORISED"})
        approved = self.make_move(invoice_date=self.INVOICE_DAY)
        stored = self.export(approved)
        self.assertEqual((stored["Status"], xero_date(stored["DueDate"])), ("AUTHORISED", due))

    def test_bill_due_date_from_the_vendors_payment_terms(self):
        self.vendor.property_supplier_payment_term_id = self.term_30
        due = self.INVOICE_DAY + timedelta(days=30)

        draft = self.make_move("in_invoice", invoice_date=self.INVOICE_DAY, ref="SUP-DRAFT-1")
        stored = self.export(draft)
        self.assertEqual((stored["Type"], stored["Status"]), ("ACCPAY", "DRAFT"))
        self.assertFalse(stored.get("DueDate"))

        self.company.xero_invoice_status = "SUBMITTED"
        bill = self.make_move("in_invoice", invoice_date=self.INVOICE_DAY, ref="SUP-SUBM-1")
        self.assertEqual(bill.invoice_date_due, due)
        stored = self.export(bill)
        self.assertEqual((stored["Status"], xero_date(stored["DueDate"])), ("SUBMITTED", due))

    # ---------------------------------------------------------------- tax-inclusive prices
    def test_tax_inclusive_prices_are_inclusive_in_xero_with_odoos_total(self):
        lines = [
            {"name": "Boxed lunch", "quantity": 1, "price_unit": 110.0},
            {"name": "Juice", "quantity": 3, "price_unit": 33.33},
            {"name": "Catering, 7 guests", "quantity": 7, "price_unit": 12.99},
        ]
        invoice = self.make_move(
            lines=[{**line, "tax_ids": [(6, 0, self.tax_sale_incl.ids)]} for line in lines]
        )
        bill = self.make_move(
            "in_invoice",
            ref="SUP-INCL-1",
            lines=[{**line, "tax_ids": [(6, 0, self.tax_purchase_incl.ids)]} for line in lines],
        )
        for move in invoice | bill:
            stored = self.export(move)
            self.assertEqual(stored["LineAmountTypes"], "Inclusive", move.name)
            self.assertEqual(
                [line["LineAmount"] for line in stored["LineItems"]],
                [110.0, 99.99, 90.93],
                "the prices as typed, taxes included",
            )
            self.assertAlmostEqual(stored["Total"], move.amount_total, places=2, msg=move.name)
            self.assertAlmostEqual(stored["TotalTax"], move.amount_tax, places=2, msg=move.name)
            self.assertAlmostEqual(stored["SubTotal"], move.amount_untaxed, places=2, msg=move.name)
            self.assertEqual(move.xero_export_state, "exported", move.name)
