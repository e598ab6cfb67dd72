"""The pure builders alone: what each one hands to Xero, as exact dicts, with no sandbox and no
HTTP. The organisation, its cache (tax rates, accounts, items, contacts, tracking, currencies)
and the mappings are records created here, as a refresh and an administrator would leave them;
the builders are then called directly (``_xero_export_context`` + ``_xero_payload``,
``_xero_contact_values``, ``_xero_item_vals``, ``_xero_payment_body``, ``_xero_allocation``).

Every figure asserted is one a Xero reviewer checks: Xero computes each line as Quantity ×
UnitAmount (4 decimals) × (1 − DiscountRate/100) rounded half up to the cent, so the sum of
those over the lines sent must be Odoo's untaxed total, and with the TaxAmounts Odoo's total."""

import random
import uuid
from datetime import date
from decimal import Decimal

from odoo import Command, fields
from odoo.addons.xero_connector.documents import xero_line_amount
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import random_lines

BASE_URL = "https://odoo.example.com"


class XeroBuilderCase(TransactionCase):
    """A company mapped to an organisation created directly in the database, its cache filled
    and its mappings made by hand: no connection, no Xero call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.company, install_demo=False
            )
        cls.env.ref("product.decimal_price").digits = 5
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", BASE_URL)
        cls.currency = cls.company.currency_id
        Tenant = cls.env["xero.tenant"]
        cls.tenant = Tenant.create(
            {
                "name": "Builder Trading",
                "tenant_id": str(uuid.uuid4()),
                "short_code": "!BLD01",
                "base_currency": cls.currency.name,
            }
        )
        cls.company.xero_tenant_id = cls.tenant
        cls.company.write(
            {
                "xero_invoice_status": "DRAFT",
                "xero_date_method": "invoice",
                "xero_due_date_on_drafts": False,
                "xero_export_zero_lines": False,
                "xero_auto_create_contacts": True,
                "xero_exclude_nonpositive_lines": False,
                "xero_single_item_mode": False,
            }
        )
        t = cls.tenant.id

        def rate(tax_type, name, pct, revenue=True, expenses=True):
            return cls.env["xero.tax.rate"].create(
                {
                    "tenant_id": t,
                    "xero_id": tax_type,
                    "name": name,
                    "effective_rate": pct,
                    "display_tax_rate": pct,
                    "can_apply_to_revenue": revenue,
                    "can_apply_to_expenses": expenses,
                }
            )

        cls.rate_output = rate("OUTPUT", "GST on Income", 10, expenses=False)
        cls.rate_input = rate("INPUT", "GST on Expenses", 10, revenue=False)
        cls.rate_exempt = rate("EXEMPTOUTPUT", "GST Free Income", 0, expenses=False)

        def account(code, name, account_type, account_class, **extra):
            return cls.env["xero.account"].create(
                {
                    "tenant_id": t,
                    "xero_id": str(uuid.uuid4()),
                    "code": code,
                    "name": name,
                    "account_type": account_type,
                    "account_class": account_class,
                    **extra,
                }
            )

        cls.acc_sales = account("200", "Sales", "REVENUE", "REVENUE")
        cls.acc_other_revenue = account("260", "Other Revenue", "REVENUE", "REVENUE")
        cls.acc_purchases = account("400", "Purchases", "EXPENSE", "EXPENSE")
        cls.acc_bank = account("090", "Business Bank", "BANK", "ASSET", is_bank=True)
        cls.tenant.write(
            {
                "xero_default_sales_account_id": cls.acc_sales.id,
                "xero_default_purchase_account_id": cls.acc_purchases.id,
                "xero_default_sale_tax_rate_id": cls.rate_output.id,
                "xero_default_purchase_tax_rate_id": cls.rate_input.id,
            }
        )
        Item = cls.env["xero.item"]
        cls.item_book = Item.create(
            {"tenant_id": t, "xero_id": str(uuid.uuid4()), "code": "BOOK", "name": "Book"}
        )
        cls.item_service = Item.create(
            {"tenant_id": t, "xero_id": str(uuid.uuid4()), "code": "SERVICE", "name": "Services"}
        )
        Category = cls.env["xero.tracking.category"]
        Option = cls.env["xero.tracking.option"]
        cls.region = Category.create({"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "Region"})
        cls.department = Category.create({"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "Department"})
        cls.north, cls.south, cls.sales_dept = Option.create(
            [
                {"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "North", "category_id": cls.region.id},
                {"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "South", "category_id": cls.region.id},
                {
                    "tenant_id": t,
                    "xero_id": str(uuid.uuid4()),
                    "name": "Sales",
                    "category_id": cls.department.id,
                },
            ]
        )
        cls.env["xero.currency"].create(
            {"tenant_id": t, "xero_id": cls.currency.name, "name": cls.currency.name}
        )

        Tax = cls.env["account.tax"]
        cls.tax_sale = Tax.create({"name": "GST 10% (sales)", "amount": 10, "type_tax_use": "sale"})
        cls.tax_purchase = Tax.create(
            {"name": "GST 10% (purchases)", "amount": 10, "type_tax_use": "purchase"}
        )
        cls.tax_sale_incl = Tax.create(
            {
                "name": "GST 10% incl. (sales)",
                "amount": 10,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        cls.env["xero.tax.map"].create(
            [
                {"tenant_id": t, "tax_id": cls.tax_sale.id, "tax_rate_id": cls.rate_output.id},
                {"tenant_id": t, "tax_id": cls.tax_purchase.id, "tax_rate_id": cls.rate_input.id},
                {"tenant_id": t, "tax_id": cls.tax_sale_incl.id, "tax_rate_id": cls.rate_output.id},
            ]
        )

        Plan = cls.env["account.analytic.plan"]
        plan = Plan.create({"name": "Xero builders"})
        Analytic = cls.env["account.analytic.account"]
        cls.an_north, cls.an_south, cls.an_sales = Analytic.create(
            [{"name": name, "plan_id": plan.id} for name in ("North shop", "South shop", "Sales team")]
        )
        cls.env["xero.tracking.map"].create(
            [
                {"tenant_id": t, "analytic_account_id": cls.an_north.id, "option_id": cls.north.id},
                {"tenant_id": t, "analytic_account_id": cls.an_south.id, "option_id": cls.south.id},
                {"tenant_id": t, "analytic_account_id": cls.an_sales.id, "option_id": cls.sales_dept.id},
            ]
        )

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Harbour Fisheries Pty", "is_company": True})
        cls.vendor = Partner.create({"name": "Coastal Supplies Ltd", "is_company": True})
        Contact = cls.env["xero.contact"]
        cls.contact_customer = Contact.create(
            {"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "Harbour Fisheries Pty"}
        )
        cls.contact_vendor = Contact.create(
            {"tenant_id": t, "xero_id": str(uuid.uuid4()), "name": "Coastal Supplies Ltd"}
        )
        cls.env["xero.partner.binding"].create(
            [
                {"tenant_id": t, "partner_id": cls.customer.id, "contact_id": cls.contact_customer.id},
                {"tenant_id": t, "partner_id": cls.vendor.id, "contact_id": cls.contact_vendor.id},
            ]
        )
        cls.book = cls.env["product.product"].create({"name": "Novel", "default_code": "NOVEL-1"})
        cls.env["xero.product.map"].create(
            {"tenant_id": t, "product_tmpl_id": cls.book.product_tmpl_id.id, "item_id": cls.item_book.id}
        )

    # --------------------------------------------------------------------------------------
    def make_move(self, move_type="out_invoice", lines=None, partner=None, post=True, tax=None, **values):
        if tax is None:
            tax = self.tax_sale if move_type.startswith("out") else self.tax_purchase
        lines = lines or [{"name": "Consulting", "quantity": 3, "price_unit": 150.0}]
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or (self.customer if move_type.startswith("out") else self.vendor)).id,
                "invoice_date": date(2026, 3, 10),
                "invoice_line_ids": [
                    Command.create({"tax_ids": [Command.set(tax.ids)], **line}) for line in lines
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def payload(self, move):
        return move._xero_payload(move._xero_export_context(self.tenant))

    def assertMatchesOdoo(self, move, payload):
        """Xero's own arithmetic on the lines sent gives Odoo's totals to the cent."""
        lines = [item for item in payload["LineItems"] if "UnitAmount" in item]
        untaxed = sum(
            xero_line_amount(i["Quantity"], i["UnitAmount"], i.get("DiscountRate", 0.0)) for i in lines
        )
        tax = sum(Decimal(str(i.get("TaxAmount", 0.0))) for i in lines)
        if payload["LineAmountTypes"] == "Inclusive":
            self.assertEqual(untaxed, Decimal(str(move.amount_total)).quantize(Decimal("0.01")), move.name)
        else:
            self.assertEqual(untaxed, Decimal(str(move.amount_untaxed)).quantize(Decimal("0.01")), move.name)
            self.assertEqual(
                untaxed + tax, Decimal(str(move.amount_total)).quantize(Decimal("0.01")), move.name
            )


@tagged("post_install", "-at_install")
class TestInvoiceBuilder(XeroBuilderCase):
    """``account.move._xero_payload``: the whole document, its lines and its problems."""

    def test_sales_invoice_exact_payload(self):
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Novel", "quantity": 3, "price_unit": 150.0},
            ],
            ref="PO 4471",
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(
            payload,
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": self.contact_customer.xero_id},
                "Date": "2026-03-10",
                "CurrencyCode": self.currency.name,
                "LineAmountTypes": "Exclusive",
                "Status": "DRAFT",
                "InvoiceNumber": move.name,
                "Reference": "PO 4471",
                "Url": f"{BASE_URL}/odoo/account.move/{move.id}",
                "LineItems": [
                    {
                        "Description": "Novel",
                        "ItemCode": "BOOK",
                        "AccountCode": "200",
                        "TaxType": "OUTPUT",
                        "Quantity": 3.0,
                        "UnitAmount": 150.0,
                        "TaxAmount": 45.0,
                    }
                ],
            },
        )

    def test_bill_number_is_the_vendor_reference_and_carries_no_reference(self):
        bill = self.make_move("in_invoice", ref="SUP-INV-778")
        payload, problems = self.payload(bill)
        self.assertEqual(problems, [])
        self.assertEqual(payload["Type"], "ACCPAY")
        self.assertEqual(payload["InvoiceNumber"], "SUP-INV-778")
        self.assertNotIn("Reference", payload, "Xero's Reference is for sales documents only")
        self.assertEqual(payload["Contact"], {"ContactID": self.contact_vendor.xero_id})
        line = payload["LineItems"][0]
        self.assertEqual((line["AccountCode"], line["TaxType"]), ("400", "INPUT"))

    def test_credit_notes_use_their_own_type_and_number_and_no_url(self):
        refund = self.make_move("out_refund")
        vendor_refund = self.make_move("in_refund", ref="SUP-CN-12")
        payload, problems = self.payload(refund)
        self.assertEqual(problems, [])
        self.assertEqual(payload["Type"], "ACCRECCREDIT")
        self.assertEqual(payload["CreditNoteNumber"], refund.name)
        self.assertNotIn("InvoiceNumber", payload)
        self.assertNotIn("Url", payload, "CreditNotes take no Url")
        payload, _problems = self.payload(vendor_refund)
        self.assertEqual((payload["Type"], payload["CreditNoteNumber"]), ("ACCPAYCREDIT", "SUP-CN-12"))

    # ---------------------------------------------------------------- dates and status
    def test_due_date_on_drafts_only_when_the_company_says_so(self):
        move = self.make_move(invoice_date_due=date(2026, 4, 9))
        payload, _problems = self.payload(move)
        self.assertNotIn("DueDate", payload)
        self.company.xero_due_date_on_drafts = True
        payload, _problems = self.payload(move)
        self.assertEqual(payload["DueDate"], "2026-04-09")
        self.company.write({"xero_due_date_on_drafts": False, "xero_invoice_status": "AUTHORISED"})
        payload, _problems = self.payload(move)
        self.assertEqual((payload["Status"], payload["DueDate"]), ("AUTHORISED", "2026-04-09"))

    def test_date_method_invoice_date_or_export_date(self):
        move = self.make_move()
        payload, _problems = self.payload(move)
        self.assertEqual(payload["Date"], "2026-03-10")
        self.company.xero_date_method = "export"
        payload, _problems = self.payload(move)
        self.assertEqual(payload["Date"], fields.Date.to_string(fields.Date.context_today(move)))
        self.assertNotEqual(payload["Date"], "2026-03-10")

    # ---------------------------------------------------------------- amounts
    def test_rounding_rewrite_20000_at_0_12569(self):
        move = self.make_move(lines=[{"name": "Widget", "quantity": 20000, "price_unit": 0.12569}])
        self.assertAlmostEqual(move.amount_untaxed, 2513.80, places=2)
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(
            payload["LineItems"],
            [
                {
                    "Description": "20,000 x Widget @ 0.12569 ea.",
                    "AccountCode": "200",
                    "TaxType": "OUTPUT",
                    "Quantity": 1.0,
                    "UnitAmount": 2513.8,
                    "TaxAmount": 251.38,
                }
            ],
        )
        self.assertEqual((move.invoice_line_ids.quantity, move.invoice_line_ids.price_unit), (20000, 0.12569))
        self.assertMatchesOdoo(move, payload)

    def test_four_decimal_unit_price_is_kept_when_xero_agrees(self):
        move = self.make_move(
            lines=[
                {"name": "Bolt", "quantity": 3, "price_unit": 1.2345},
                {"name": "Nut", "quantity": 2, "price_unit": 10.5},
            ]
        )
        payload, _problems = self.payload(move)
        self.assertEqual(
            [(i["Description"], i["Quantity"], i["UnitAmount"]) for i in payload["LineItems"]],
            [("Bolt", 3.0, 1.2345), ("Nut", 2.0, 10.5)],
        )
        self.assertMatchesOdoo(move, payload)

    def test_discount_on_a_sales_invoice_is_a_discount_rate(self):
        move = self.make_move(lines=[{"name": "Crate", "quantity": 3, "price_unit": 100.0, "discount": 10}])
        payload, _problems = self.payload(move)
        line = payload["LineItems"][0]
        self.assertEqual(
            (line["Quantity"], line["UnitAmount"], line["DiscountRate"], line["TaxAmount"]),
            (3.0, 100.0, 10.0, 27.0),
        )
        self.assertMatchesOdoo(move, payload)

    def test_discount_on_a_bill_is_folded_into_a_4_decimal_price(self):
        bill = self.make_move(
            "in_invoice",
            ref="B-1",
            lines=[{"name": "Rope", "quantity": 3, "price_unit": 99.99, "discount": 12.5}],
        )
        payload, _problems = self.payload(bill)
        line = payload["LineItems"][0]
        self.assertNotIn("DiscountRate", line, "Xero takes discounts on ACCREC only")
        # 99.99 × 0.875 = 87.49125 → 87.4913 (half up); 3 × 87.4913 = 262.47 = Odoo's 262.47375
        self.assertEqual((line["Description"], line["Quantity"], line["UnitAmount"]), ("Rope", 3.0, 87.4913))
        self.assertMatchesOdoo(bill, payload)

    def test_discount_on_a_credit_note_rewritten_when_folding_misses_the_cent(self):
        refund = self.make_move(
            "out_refund", lines=[{"name": "Widget", "quantity": 20000, "price_unit": 0.12569, "discount": 5}]
        )
        self.assertAlmostEqual(refund.amount_untaxed, 2388.11, places=2)
        payload, _problems = self.payload(refund)
        line = payload["LineItems"][0]
        self.assertNotIn("DiscountRate", line)
        self.assertEqual(
            (line["Description"], line["Quantity"], line["UnitAmount"]),
            ("20,000 x Widget @ 0.12569 less 5% ea.", 1.0, 2388.11),
        )
        self.assertMatchesOdoo(refund, payload)

    def test_random_lines_match_odoo_to_the_cent_on_every_document_type(self):
        rng = random.Random(20261129)
        for move_type in ("out_invoice", "in_invoice", "out_refund", "in_refund"):
            lines = random_lines(rng, 15, lambda n: f"Part {n}")
            move = self.make_move(move_type, lines=lines, ref=f"R-{move_type}")
            payload, problems = self.payload(move)
            self.assertEqual(problems, [])
            if move_type != "out_invoice":
                self.assertFalse([i for i in payload["LineItems"] if "DiscountRate" in i], move_type)
            self.assertMatchesOdoo(move, payload)

    def test_tax_inclusive_lines(self):
        move = self.make_move(
            tax=self.tax_sale_incl,
            lines=[
                {"name": "Boxed lunch", "quantity": 1, "price_unit": 110.0},
                {"name": "Juice", "quantity": 3, "price_unit": 33.33},
            ],
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(payload["LineAmountTypes"], "Inclusive")
        self.assertEqual(
            [(i["Quantity"], i["UnitAmount"], i["TaxAmount"]) for i in payload["LineItems"]],
            [(1.0, 110.0, 10.0), (3.0, 33.33, 9.09)],
        )
        self.assertAlmostEqual(move.amount_total, 209.99, places=2)
        self.assertMatchesOdoo(move, payload)

    def test_mixed_inclusive_and_exclusive_taxes_is_a_problem(self):
        move = self.make_move(
            lines=[
                {"name": "A", "quantity": 1, "price_unit": 10, "tax_ids": [Command.set(self.tax_sale.ids)]},
                {
                    "name": "B",
                    "quantity": 1,
                    "price_unit": 10,
                    "tax_ids": [Command.set(self.tax_sale_incl.ids)],
                },
            ]
        )
        _payload, problems = self.payload(move)
        self.assertEqual(
            problems, ["Lines mix tax-included and tax-excluded prices: Xero takes one kind per document."]
        )

    def test_untaxed_document_is_notax_and_takes_only_a_zero_default(self):
        move = self.make_move(
            tax=self.env["account.tax"], lines=[{"name": "Gift card", "quantity": 1, "price_unit": 50}]
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(payload["LineAmountTypes"], "NoTax")
        line = payload["LineItems"][0]
        # Never the taxed default (OUTPUT 10 %): the organisation's rate that charges nothing.
        self.assertEqual(line["TaxType"], "EXEMPTOUTPUT")
        self.assertNotIn("TaxAmount", line)

    def test_untaxed_line_of_a_taxed_document_charges_nothing_in_xero(self):
        """The default sales rate is GST on Income: an untaxed line must not pick it up, or
        Xero adds 10 % (Odoo 187.00 / GST 15.00 became Xero 189.20 / 17.20)."""
        move = self.make_move(
            lines=[
                {"name": "Consulting", "quantity": 1, "price_unit": 150},
                {"name": "Pass-through fee", "quantity": 1, "price_unit": 22, "tax_ids": [Command.clear()]},
            ]
        )
        self.assertEqual((move.amount_total, move.amount_tax), (187.0, 15.0))
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        untaxed = payload["LineItems"][1]
        self.assertEqual(untaxed["TaxType"], "EXEMPTOUTPUT")
        self.assertEqual(self.rate_exempt.effective_rate, 0.0)

    def test_gst_free_line_does_not_make_an_inclusive_invoice_mixed(self):
        free = self.env["account.tax"].create({"name": "GST free", "amount": 0, "type_tax_use": "sale"})
        self.env["xero.tax.map"].create(
            {"tenant_id": self.tenant.id, "tax_id": free.id, "tax_rate_id": self.rate_exempt.id}
        )
        move = self.make_move(
            tax=self.tax_sale_incl,
            lines=[
                {"name": "Retail item", "quantity": 3, "price_unit": 21.99},
                {"name": "Bread", "quantity": 2, "price_unit": 3.49, "tax_ids": [Command.set(free.ids)]},
            ],
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(payload["LineAmountTypes"], "Inclusive")
        taxes = [line["TaxAmount"] for line in payload["LineItems"]]
        self.assertAlmostEqual(sum(taxes), move.amount_tax, places=2)
        self.assertAlmostEqual(
            sum(line["UnitAmount"] * line["Quantity"] for line in payload["LineItems"]),
            move.amount_total,
            places=2,
        )

    # ---------------------------------------------------------------- lines
    def test_down_payment_deduction_is_a_negative_line_even_when_negatives_are_left_out(self):
        lines = [
            {"name": "Kitchen renovation", "quantity": 1, "price_unit": 1000},
            {"name": "Down payment of 12/05", "quantity": -1, "price_unit": 300, "is_downpayment": True},
        ]
        for exclude in (False, True):
            self.company.xero_exclude_nonpositive_lines = exclude
            move = self.make_move(lines=lines)
            payload, problems = self.payload(move)
            self.assertEqual(problems, [], f"exclude={exclude}")
            self.assertEqual(
                [
                    (i["Description"], i["Quantity"], i["UnitAmount"], i["TaxAmount"])
                    for i in payload["LineItems"]
                ],
                [("Kitchen renovation", 1.0, 1000.0, 100.0), ("Down payment of 12/05", -1.0, 300.0, -30.0)],
                f"exclude={exclude}",
            )
            self.assertMatchesOdoo(move, payload)

    def test_leaving_out_nonpositive_lines_leaves_out_a_plain_negative_line(self):
        self.company.xero_exclude_nonpositive_lines = True
        move = self.make_move(
            lines=[
                {"name": "Kitchen", "quantity": 1, "price_unit": 1000},
                {"name": "Free sample", "quantity": 1, "price_unit": 0},
                {"name": "Goodwill", "quantity": 1, "price_unit": -40},
            ]
        )
        payload, problems = self.payload(move)
        self.assertEqual([i["Description"] for i in payload["LineItems"]], ["Kitchen"])
        self.assertEqual(problems, [])
        self.assertEqual(move._xero_left_out_lines().mapped("name"), ["Free sample", "Goodwill"])
        values = move._xero_left_out_values()
        self.assertAlmostEqual(values["xero_left_out_total"], -44.0, places=2)

    def test_zero_lines_are_left_out_unless_the_company_exports_them(self):
        move = self.make_move(
            lines=[
                {"name": "Kitchen", "quantity": 1, "price_unit": 1000},
                {"name": "Free sample", "quantity": 2, "price_unit": 0},
            ]
        )
        payload, _problems = self.payload(move)
        self.assertEqual([i["Description"] for i in payload["LineItems"]], ["Kitchen"])
        self.company.xero_export_zero_lines = True
        payload, _problems = self.payload(move)
        self.assertEqual(
            [(i["Description"], i["Quantity"], i["UnitAmount"]) for i in payload["LineItems"]],
            [("Kitchen", 1.0, 1000.0), ("Free sample", 2.0, 0.0)],
        )

    def test_only_zero_lines_is_a_problem(self):
        move = self.make_move(lines=[{"name": "Free sample", "quantity": 1, "price_unit": 0}])
        _payload, problems = self.payload(move)
        self.assertEqual(problems, ["No line has an amount to send to Xero."])

    def test_sections_and_notes_are_description_lines(self):
        move = self.make_move(
            lines=[
                {"display_type": "line_section", "name": "Phase 1"},
                {"name": "Design", "quantity": 1, "price_unit": 500},
                {"display_type": "line_note", "name": "Delivered on site"},
            ]
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(
            [i if len(i) == 1 else i["Description"] for i in payload["LineItems"]],
            [{"Description": "Phase 1"}, "Design", {"Description": "Delivered on site"}],
        )

    # ---------------------------------------------------------------- items and tracking
    def test_item_code_from_the_product_else_its_category(self):
        category = self.env["product.category"].create({"name": "Services"})
        child = self.env["product.category"].create({"name": "Consulting", "parent_id": category.id})
        self.env["xero.category.map"].create(
            {"tenant_id": self.tenant.id, "categ_id": category.id, "item_id": self.item_service.id}
        )
        advice = self.env["product.product"].create({"name": "Advice", "categ_id": child.id})
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "quantity": 1, "price_unit": 20},
                {"product_id": advice.id, "quantity": 2, "price_unit": 80},
                {"name": "Travel", "quantity": 1, "price_unit": 30},
            ]
        )
        payload, _problems = self.payload(move)
        self.assertEqual([i.get("ItemCode") for i in payload["LineItems"]], ["BOOK", "SERVICE", None])

    def test_single_item_mode_gives_every_line_the_first_products_item(self):
        self.company.xero_single_item_mode = True
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Job", "quantity": 1, "price_unit": 100},
                {"name": "Extra work", "quantity": 1, "price_unit": 50},
            ]
        )
        payload, _problems = self.payload(move)
        self.assertEqual([i.get("ItemCode") for i in payload["LineItems"]], ["BOOK", "BOOK"])

    def test_tracking_from_the_analytic_distribution(self):
        move = self.make_move(
            lines=[
                {
                    "name": "Fish",
                    "quantity": 1,
                    "price_unit": 100,
                    "analytic_distribution": {f"{self.an_north.id},{self.an_sales.id}": 100},
                },
                {"name": "Ice", "quantity": 1, "price_unit": 10},
            ]
        )
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(
            sorted(payload["LineItems"][0]["Tracking"], key=lambda t: t["Name"]),
            [{"Name": "Department", "Option": "Sales"}, {"Name": "Region", "Option": "North"}],
        )
        self.assertNotIn("Tracking", payload["LineItems"][1])

    def test_two_options_of_one_tracking_category_is_a_problem(self):
        move = self.make_move(
            lines=[
                {
                    "name": "Fish",
                    "quantity": 1,
                    "price_unit": 100,
                    "analytic_distribution": {str(self.an_north.id): 50, str(self.an_south.id): 50},
                }
            ]
        )
        payload, problems = self.payload(move)
        self.assertEqual(
            problems, ["Line “Fish”: Xero takes at most one option of each of 2 tracking categories."]
        )
        self.assertNotIn("Tracking", payload["LineItems"][0])

    def test_a_choice_from_another_organisation_on_a_line_is_refused(self):
        """Refused where it is picked, with the sentence the builder would say."""
        other = self.env["xero.tenant"].create({"name": "Other Org", "tenant_id": str(uuid.uuid4())})
        foreign = self.env["xero.item"].create(
            {"tenant_id": other.id, "xero_id": "foreign", "code": "FOREIGN"}
        )
        move = self.make_move(post=False)
        with self.assertRaises(ValidationError) as refused:
            move.invoice_line_ids.xero_item_id = foreign
        self.assertIn(
            "the Xero item FOREIGN belongs to another Xero organisation than Builder Trading",
            str(refused.exception),
        )
        move.invoice_line_ids.invalidate_recordset()
        self.assertFalse(move.invoice_line_ids.xero_item_id)

    # ---------------------------------------------------------------- mappings and problems
    def test_mapped_account_beats_the_organisation_default(self):
        move = self.make_move()
        income = move.invoice_line_ids.account_id
        payload, _problems = self.payload(move)
        self.assertEqual(payload["LineItems"][0]["AccountCode"], "200", "the default sales account")
        self.env["xero.account.map"].create(
            {
                "tenant_id": self.tenant.id,
                "account_id": income.id,
                "xero_account_id": self.acc_other_revenue.id,
            }
        )
        payload, _problems = self.payload(move)
        self.assertEqual(payload["LineItems"][0]["AccountCode"], "260")

    def test_unmapped_account_without_default_is_a_problem(self):
        self.tenant.xero_default_sales_account_id = False
        move = self.make_move()
        payload, problems = self.payload(move)
        self.assertNotIn("AccountCode", payload["LineItems"][0])
        self.assertEqual(len(problems), 1)
        self.assertIn(
            f"Line “Consulting”: account {move.invoice_line_ids.account_id.display_name} has no Xero account "
            "in Builder Trading",
            problems[0],
        )

    def test_unmapped_tax_is_a_problem_unless_the_default_applies(self):
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "sale"})
        move = self.make_move(tax=levy)
        payload, problems = self.payload(move)
        self.assertNotIn("TaxType", payload["LineItems"][0])
        self.assertEqual(
            problems,
            [
                "Line “Consulting”: tax Levy 7% has no Xero tax rate in Builder Trading: map it in "
                "Invoicing / Configuration / Xero / Mappings (Taxes)."
            ],
        )
        self.tenant.xero_default_tax_for_unmapped = True
        move = self.make_move(tax=levy)
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(payload["LineItems"][0]["TaxType"], "OUTPUT")

    def test_several_taxes_on_a_line_is_a_problem(self):
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "sale"})
        move = self.make_move(tax=self.tax_sale | levy)
        _payload, problems = self.payload(move)
        self.assertEqual(
            problems,
            [
                "Line “Consulting” carries several taxes (GST 10% (sales), Levy 7%): Xero takes one tax per "
                "line."
            ],
        )

    def test_archived_contact_is_a_problem(self):
        self.contact_customer.active = False
        move = self.make_move()
        _payload, problems = self.payload(move)
        self.assertEqual(
            problems,
            [
                "The Xero contact Harbour Fisheries Pty is archived in Xero: restore it there, or pick another "
                "contact for Harbour Fisheries Pty."
            ],
        )

    def test_missing_contact_is_a_problem_only_when_contacts_are_not_created(self):
        walk_in = self.env["res.partner"].create({"name": "Walk-in Customer"})
        move = self.make_move(partner=walk_in)
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual(payload["Contact"], {}, "created on the fly by the export")
        self.company.xero_auto_create_contacts = False
        _payload, problems = self.payload(move)
        self.assertEqual(
            problems,
            [
                "Walk-in Customer has no Xero contact in Builder Trading: pick one in the Xero contact field or "
                "press Export contact to Xero on the partner."
            ],
        )

    def test_currency_not_used_is_a_problem_and_a_used_one_carries_the_rate(self):
        foreign = self.env.ref("base.EUR") if self.currency.name != "EUR" else self.env.ref("base.GBP")
        foreign.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "name": "2026-03-01",
                "rate": 0.912345678,
                "company_id": self.company.id,
            }
        )
        move = self.make_move(currency_id=foreign.id)
        payload, problems = self.payload(move)
        self.assertEqual(
            problems,
            [
                f"Builder Trading does not use {foreign.name}: add the currency in Xero (Settings > Currencies), "
                "then refresh the Xero cache."
            ],
        )
        self.env["xero.currency"].create({"tenant_id": self.tenant.id, "xero_id": foreign.name})
        payload, problems = self.payload(move)
        self.assertEqual(problems, [])
        self.assertEqual((payload["CurrencyCode"], payload["CurrencyRate"]), (foreign.name, 0.912346))

    def test_all_problems_of_a_document_at_once(self):
        self.contact_customer.active = False
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "sale"})
        move = self.make_move(
            lines=[
                {"name": "A", "quantity": 1, "price_unit": 10, "tax_ids": [Command.set(levy.ids)]},
                {
                    "name": "B",
                    "quantity": 1,
                    "price_unit": 10,
                    "tax_ids": [Command.set((self.tax_sale | levy).ids)],
                },
            ]
        )
        _payload, problems = self.payload(move)
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("archived in Xero", problems[0])
        self.assertIn("Line “A”: tax Levy 7%", problems[1])
        self.assertIn("Line “B” carries several taxes", problems[2])


@tagged("post_install", "-at_install")
class TestXeroArithmetic(TransactionCase):
    """``xero_line_amount``: Xero's own line arithmetic, the yardstick of the rounding rewrite."""

    def test_half_up_to_the_cent_with_4_decimal_prices(self):
        # 0.12569 goes to Xero as 0.1257: 20,000 of them are 2,514.00 there, 2,513.80 in Odoo
        self.assertEqual(xero_line_amount(20000, 0.12569), Decimal("2514.00"))
        self.assertEqual(xero_line_amount(3, 1.2345), Decimal("3.70"))
        self.assertEqual(xero_line_amount(1, 0.125), Decimal("0.13"), "half up, not to even")
        self.assertEqual(xero_line_amount(3, 100, 10), Decimal("270.00"))
        self.assertEqual(xero_line_amount(-1, 300), Decimal("-300.00"))
