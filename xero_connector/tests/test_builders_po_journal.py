"""The newer builders alone: purchase orders as Xero purchase orders or bills
(``purchase.order._xero_po_payload``) and the manual journals' account/tracking context
(``xero.manual.journal._xero_journal_context``), the difference and the narration. No sandbox,
no HTTP."""

from datetime import date, datetime
from decimal import Decimal

from odoo import Command
from odoo.addons.xero_connector.journals import (
    _difference,
    _narration,
    manual_journal_payload,
    xero_nets,
)
from odoo.tests import tagged

from .test_builders import BASE_URL, XeroBuilderCase


@tagged("post_install", "-at_install")
class TestPurchaseOrderBuilder(XeroBuilderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item_widget = cls.env["xero.item"].create(
            {"tenant_id": cls.tenant.id, "xero_id": "item-widget", "code": "WIDGET-01", "name": "Widget"}
        )
        cls.widget = cls.env["product.product"].create(
            {"name": "Widget", "default_code": "WIDGET-01", "purchase_ok": True}
        )
        cls.env["xero.product.map"].create(
            {
                "tenant_id": cls.tenant.id,
                "product_tmpl_id": cls.widget.product_tmpl_id.id,
                "item_id": cls.item_widget.id,
            }
        )

    def order(self, lines=None, **values):
        lines = lines or [{"product_qty": 3, "price_unit": 1.2345}]
        return self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "partner_ref": "V-REF-9",
                "date_order": datetime(2026, 3, 10, 9, 0),
                "payment_term_id": self.env.ref("account.account_payment_term_30days").id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.widget.id,
                            "date_planned": datetime(2026, 3, 20, 12, 0),
                            "taxes_id": [Command.set(self.tax_purchase.ids)],
                            **line,
                        }
                    )
                    for line in lines
                ],
                **values,
            }
        )

    def payload(self, order, kind):
        return order._xero_po_payload(order._xero_po_export_context(self.tenant), kind)

    def test_purchase_order_with_2_decimal_prices_rewritten_to_the_cent(self):
        order = self.order()
        self.assertAlmostEqual(order.amount_untaxed, 3.70, places=2)
        payload, problems = self.payload(order, "purchase_order")
        self.assertEqual(problems, [])
        address = payload.pop("DeliveryAddress")
        self.assertTrue(address.startswith(self.company.partner_id.name), address)
        self.assertEqual(
            payload,
            {
                "Contact": {"ContactID": self.contact_vendor.xero_id},
                "Date": "2026-03-10",
                "CurrencyCode": self.currency.name,
                "LineAmountTypes": "Exclusive",
                "PurchaseOrderNumber": order.name,
                "Status": "DRAFT",
                "Reference": "V-REF-9",
                "DeliveryDate": "2026-03-20",
                "LineItems": [
                    {
                        # 1.2345 goes to a Xero purchase order as 1.23: 3 of them would be 3.69
                        "Description": "3 x [WIDGET-01] Widget @ 1.2345 ea.",
                        "ItemCode": "WIDGET-01",
                        "AccountCode": "400",
                        "TaxType": "INPUT",
                        "Quantity": 1.0,
                        "UnitAmount": 3.7,
                        "TaxAmount": 0.37,
                    }
                ],
            },
        )

    def test_bill_keeps_4_decimals_and_the_vendor_reference_as_number(self):
        order = self.order()
        payload, problems = self.payload(order, "bill")
        self.assertEqual(problems, [])
        self.assertEqual(
            (payload["Type"], payload["InvoiceNumber"], payload["Status"], payload["Url"]),
            ("ACCPAY", "V-REF-9", "DRAFT", f"{BASE_URL}/odoo/purchase.order/{order.id}"),
        )
        self.assertNotIn("PurchaseOrderNumber", payload)
        self.assertNotIn("DeliveryAddress", payload)
        line = payload["LineItems"][0]
        # 3.70 / 3 = 1.2333 at 4 decimals; 3 × 1.2333 = 3.6999 → 3.70: no rewrite
        self.assertEqual(
            (line["Description"], line["Quantity"], line["UnitAmount"]), ("[WIDGET-01] Widget", 3.0, 1.2333)
        )

    def test_bill_due_date_from_payment_terms_on_drafts_only_when_asked(self):
        order = self.order()
        payload, _problems = self.payload(order, "bill")
        self.assertNotIn("DueDate", payload)
        self.company.xero_invoice_status = "AUTHORISED"
        payload, _problems = self.payload(order, "bill")
        self.assertEqual((payload["Status"], payload["DueDate"]), ("AUTHORISED", "2026-04-09"))

    def test_discount_is_folded_into_the_unit_price(self):
        order = self.order(lines=[{"product_qty": 4, "price_unit": 25.0, "discount": 10}])
        for kind in ("purchase_order", "bill"):
            line = self.payload(order, kind)[0]["LineItems"][0]
            self.assertNotIn("DiscountRate", line, kind)
            self.assertEqual(
                (line["Quantity"], line["UnitAmount"], line["TaxAmount"]), (4.0, 22.5, 9.0), kind
            )

    def test_rewritten_line_names_the_discount(self):
        order = self.order(lines=[{"product_qty": 7, "price_unit": 13.33, "discount": 33.33}])
        line = self.payload(order, "purchase_order")[0]["LineItems"][0]
        self.assertEqual(
            (line["Description"], line["Quantity"], line["UnitAmount"]),
            ("7 x [WIDGET-01] Widget @ 13.33 ea. less 33.33%", 1.0, order.amount_untaxed),
        )

    def test_no_account_stops_a_bill_not_a_purchase_order(self):
        self.tenant.xero_default_purchase_account_id = False
        order = self.order()
        payload, problems = self.payload(order, "purchase_order")
        self.assertEqual(problems, [])
        self.assertNotIn("AccountCode", payload["LineItems"][0])
        _payload, problems = self.payload(order, "bill")
        self.assertEqual(len(problems), 1)
        self.assertIn("no Xero account in Builder Trading for [WIDGET-01] Widget", problems[0])

    def test_tracking_sections_and_unmapped_tax(self):
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "purchase"})
        order = self.order(
            lines=[
                {
                    "display_type": "line_section",
                    "name": "Site A",
                    "product_id": False,
                    "date_planned": False,
                    "product_qty": 0,
                    "taxes_id": False,
                },
                {"product_qty": 2, "price_unit": 50, "analytic_distribution": {str(self.an_south.id): 100}},
                {"product_qty": 1, "price_unit": 10, "taxes_id": [Command.set(levy.ids)]},
            ]
        )
        payload, problems = self.payload(order, "purchase_order")
        section, tracked, levied = payload["LineItems"]
        self.assertEqual(section, {"Description": "Site A"})
        self.assertEqual(tracked["Tracking"], [{"Name": "Region", "Option": "South"}])
        self.assertNotIn("TaxType", levied)
        self.assertEqual(len(problems), 1)
        self.assertIn("tax Levy 7% has no Xero tax rate in Builder Trading", problems[0])

    def test_currency_and_contact_problems(self):
        self.contact_vendor.active = False
        foreign = self.env.ref("base.EUR") if self.currency.name != "EUR" else self.env.ref("base.GBP")
        foreign.active = True
        order = self.order(currency_id=foreign.id)
        _payload, problems = self.payload(order, "bill")
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("The Xero contact Coastal Supplies Ltd is archived in Xero", problems[0])
        self.assertIn(f"Builder Trading does not use {foreign.name}", problems[1])


@tagged("post_install", "-at_install")
class TestManualJournalBuilder(XeroBuilderCase):
    """What a day's balances need in Xero: account codes, tracking, and every problem at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.odoo_accounts = Account.search([("company_ids", "in", cls.company.id)], limit=6, order="code")
        t = cls.tenant.id

        def xero_account(code, **extra):
            return cls.env["xero.account"].create(
                {"tenant_id": t, "xero_id": f"acc-{code}", "code": code, "name": f"Xero {code}", **extra}
            )

        cls.x_stock = xero_account("630", account_type="INVENTORY")
        cls.x_cogs = xero_account("310", account_type="DIRECTCOSTS")
        cls.x_debtors = xero_account("610", account_type="CURRENT", system_account="DEBTORS")
        cls.x_old = xero_account("999", account_type="CURRENT", active=False)
        mapped = zip(cls.odoo_accounts[:4], (cls.x_stock, cls.x_cogs, cls.x_debtors, cls.x_old), strict=True)
        cls.env["xero.account.map"].create(
            [{"tenant_id": t, "account_id": account.id, "xero_account_id": xa.id} for account, xa in mapped]
        )

    def context(self, rows):
        return self.env["xero.manual.journal"]._xero_journal_context(self.company, self.tenant, rows)

    def test_codes_tracking_and_descriptions_of_mapped_accounts(self):
        stock, cogs = self.odoo_accounts[:2]
        day = date(2026, 3, 10)
        rows = [
            (day, stock.id, None, 120.0),
            (day, cogs.id, {str(self.an_north.id): 100.0}, -120.0),
        ]
        ctx, problems, warnings = self.context(rows)
        self.assertEqual(problems, [])
        self.assertEqual(ctx["codes"], {stock.id: "630", cogs.id: "310"})
        self.assertEqual(ctx["tracking"], {self.an_north.id: ("Region", "North")})
        self.assertEqual(ctx["descriptions"], {"630": stock.display_name, "310": cogs.display_name})
        self.assertEqual(len(warnings), 1)
        self.assertIn("of Xero's type INVENTORY", warnings[0])
        nets, problems = xero_nets(rows, ctx["codes"], ctx["tracking"])
        payload, problems = manual_journal_payload("Odoo balances", day, nets[day], ctx["descriptions"])
        self.assertEqual(problems, [])
        self.assertEqual(
            payload["JournalLines"],
            [
                {
                    "AccountCode": "310",
                    "LineAmount": -120.0,
                    "Description": cogs.display_name,
                    "Tracking": [{"Name": "Region", "Option": "North"}],
                },
                {"AccountCode": "630", "LineAmount": 120.0, "Description": stock.display_name},
            ],
        )

    def test_every_account_problem_at_once(self):
        day = date(2026, 3, 10)
        debtors, old, unmapped = self.odoo_accounts[2], self.odoo_accounts[3], self.odoo_accounts[4]
        self.tenant.base_currency = "NZD" if self.currency.name != "NZD" else "AUD"
        rows = [(day, account.id, None, 1.0) for account in (debtors, old, unmapped)]
        ctx, problems, _warnings = self.context(rows)
        self.assertEqual(ctx["codes"], {})
        self.assertEqual(len(problems), 4, problems)
        self.assertIn(f"keeps its books in {self.currency.name} but Builder Trading in", problems[0])
        joined = "\n".join(problems)
        self.assertIn(
            f"Account {debtors.display_name} is mapped to 610 Xero 610, a Xero system account (DEBTORS)",
            joined,
        )
        self.assertIn(
            f"Account {old.display_name} is mapped to 999 Xero 999, which is archived in Xero", joined
        )
        self.assertIn(f"Account {unmapped.display_name} has no Xero account in Builder Trading", joined)

    def test_difference_and_narration(self):
        north = (("Region", "North"),)
        diff = _difference(
            {("630", ()): Decimal("120.00"), ("310", north): Decimal("-80.00")},
            {("630", ()): Decimal("120.00"), ("310", north): Decimal("-50.00"), ("140", ()): Decimal("5")},
        )
        self.assertEqual(diff, {("310", north): Decimal("-30.00"), ("140", ()): Decimal("-5.00")})
        day = date(2026, 3, 10)
        self.assertEqual(_narration(self.company, day, 0), f"Odoo balances 2026-03-10 {self.company.name}")
        self.assertEqual(
            _narration(self.company, day, 2), f"Adjustment of 2026-03-10 {self.company.name} (2)"
        )
