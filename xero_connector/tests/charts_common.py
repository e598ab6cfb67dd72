"""Shared set-up of the tests on Odoo's own charts (``test_charts.py``): what each chart must
auto-match to, a company per chart linked to a sandbox organisation of its country, and the
helpers that make, send and pay its documents."""

import uuid

from odoo import Command, fields

from .common import XeroSandboxCase

# Per country: Odoo's chart, the company's currency and country, the sandbox organisation's
# country, and what auto-match must find (Odoo tax xml id → Xero TaxType); ``suggested``: taxes
# no Xero rate is (withholding, GST adjustments), with the one a Xero user would pick first.
CHARTS = {
    "au": {
        "currency": "AUD",
        "country": "base.au",
        "xero_country": "AU",
        "auto": {
            "au_tax_sale_10": "OUTPUT",
            "au_tax_sale_0": "EXEMPTEXPORT",
            "au_tax_sale_exempt": "EXEMPTOUTPUT",
            "au_tax_sale_input": "INPUTTAXED",
            "au_tax_purchase_10_service": "INPUT",
            "au_tax_purchase_capital_service": "CAPEXINPUT",
            "au_tax_purchase_0_service": "EXEMPTEXPENSES",
            "au_tax_purchase_taxable_import_service": "EXEMPTEXPENSES",
            "au_tax_purchase_input_service": "INPUTTAXED",
            "au_tax_purchase_private_service": "BASEXCLUDED",
            "au_tax_purchase_gst_only_service": "GSTONIMPORTS",
        },
        "suggested": {
            "au_tax_sale_adj": "OUTPUT",
            "au_tax_purchase_adj_service": "INPUT",
            "au_tax_witheld": "BASEXCLUDED",
            "au_tax_payg_w3": "BASEXCLUDED",
        },
        "sale": ("au_tax_sale_10", "au_tax_sale_exempt"),
        "purchase": (
            "au_tax_purchase_10_service",
            "au_tax_purchase_0_service",
            "au_tax_purchase_capital_service",
        ),
        "accounts": {
            "41110": "200",
            "42000": "200",
            "51110": "310",
            "61000": "400",
            "61800": "433",
            "62300": "453",
            "62420": "478",
            "62430": "477",
            "62800": "489",
            "63110": "493",
            "81000": "270",
            "91000": "437",
            "92000": "505",
        },
    },
    "nz": {
        "currency": "NZD",
        "country": "base.nz",
        "xero_country": "NZ",
        "auto": {
            "nz_tax_sale_15": "OUTPUT2",
            "nz_tax_sale_0": "ZERORATED",
            "nz_tax_purchase_15": "INPUT2",
            "nz_tax_purchase_0": "NONE",
            "nz_tax_purchase_taxable_import": "NONE",
            "nz_tax_purchase_gst_only": "GSTONIMPORTS",
        },
        "suggested": {},
        "sale": ("nz_tax_sale_15", "nz_tax_sale_0"),
        "purchase": ("nz_tax_purchase_15", "nz_tax_purchase_0", "nz_tax_purchase_15"),
        "accounts": {"61000": "400", "61800": "433", "62300": "453", "81000": "270"},
    },
    "uk": {
        "currency": "GBP",
        "country": "base.uk",
        "xero_country": "GB",
        "auto": {
            "ST11": "OUTPUT2",
            "ST5": "RROUTPUT",
            "ST0": "ZERORATEDOUTPUT",
            "ST2": "EXEMPTOUTPUT",
            "ST_0_EX": "ZERORATEDOUTPUT",
            "ST_20_RCD": "DRCHARGESUPPLY20",
            "PT_20_G": "INPUT2",
            "PT_20_S": "INPUT2",
            "PT5": "RRINPUT",
            "PT2": "EXEMPTINPUT",
            "PT_0_EX": "ZERORATEDINPUT",
            "PT_20_RCD": "DRCHARGE20",
            "PT_20_RCI": "REVERSECHARGES",
            "PT_20_PVA": "REVERSECHARGES",
        },
        "suggested": {},
        "sale": ("ST11", "ST0"),
        "purchase": ("PT_20_S", "PT2", "PT5"),
        "accounts": {},
    },
}


class OdooChartsCase(XeroSandboxCase):
    """A company per chart (au, nz, uk), each linked to a sandbox organisation of its country;
    helpers to make, send and pay documents there and compare Xero's figures with Odoo's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.books = {}
        for code, chart in CHARTS.items():
            suffix = uuid.uuid4().hex[:6]
            org = cls.sandbox.create_org(
                f"{code.upper()} Books {suffix}",
                short_code=f"!{code}{suffix}",
                base_currency=chart["currency"],
                country_code=chart["xero_country"],
            )
            currency = cls.env.ref(f"base.{chart['currency']}")
            currency.active = True
            company = cls.env["res.company"].create(
                {
                    "name": f"{code.upper()} Books",
                    "currency_id": currency.id,
                    "country_id": cls.env.ref(chart["country"]).id,
                }
            )
            cls.xero_manager.write({"company_ids": [Command.link(company.id)]})
            cls.env["account.chart.template"].try_loading(code, company=company, install_demo=False)
            cls.connect_directly(cls.xero_manager, [org["tenantId"]])
            tenant = cls.env["xero.tenant"].search([("tenant_id", "=", org["tenantId"])])
            company.write(
                {
                    "xero_tenant_id": tenant.id,
                    "xero_invoice_status": "AUTHORISED",
                    "xero_payments_to_xero": True,
                    "xero_payments_from_xero": True,
                }
            )
            cls.env["xero.cache.refresh.request"]._refresh_cache(tenant)
            cls.books[code] = {"company": company, "tenant": tenant, "org": org}
        usd = cls.env.ref("base.USD")
        usd.active = True

    def tax(self, code, xmlid):
        return self.env.ref(f"account.{self.books[code]['company'].id}_{xmlid}")

    def rate(self, code, tax_type):
        return self.env["xero.tax.rate"].search(
            [("tenant_id", "=", self.books[code]["tenant"].id), ("xero_id", "=", tax_type)]
        )

    def auto_match(self, code):
        tenant = self.books[code]["tenant"]
        self.env["xero.tax.map"]._xero_auto_match(tenant)
        self.env["xero.account.map"]._xero_auto_match(tenant)
        return {m.tax_id: m for m in self.env["xero.tax.map"].search([("tenant_id", "=", tenant.id)])}

    def check_tax_matches(self, code):
        chart = CHARTS[code]
        company = self.books[code]["company"]
        maps = self.auto_match(code)
        active = self.env["account.tax"].search(
            [("company_id", "=", company.id), ("type_tax_use", "in", ("sale", "purchase"))]
        )
        self.assertEqual(
            {self.tax(code, xmlid) for xmlid in {**chart["auto"], **chart["suggested"]}},
            set(active),
            "every active tax of the chart is accounted for",
        )
        for xmlid, tax_type in chart["auto"].items():
            mapping = maps[self.tax(code, xmlid)]
            self.assertEqual(
                (mapping.match_state, mapping.tax_type),
                ("auto", tax_type),
                f"{code} {xmlid} {mapping.tax_id.name}",
            )
        for xmlid, tax_type in chart["suggested"].items():
            mapping = maps[self.tax(code, xmlid)]
            self.assertEqual(mapping.match_state, "ambiguous", xmlid)
            self.assertEqual(mapping.suggested_rate_id.tax_type, tax_type, xmlid)
        return maps

    def prepare(self, code):
        """Auto-matched, with the partners and numbering a test of its own needs."""
        company = self.books[code]["company"]
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        self.auto_match(code)
        # The first hour's settings: where lines of accounts Xero has no match for go, and the
        # default rates set to the taxed ones (as the demo does): lines without tax must still
        # go as charging nothing.
        tenant = self.books[code]["tenant"]
        accounts = {a.code: a for a in self.env["xero.account"].search([("tenant_id", "=", tenant.id)])}
        suffix = "" if code == "au" else "2"
        tenant.write(
            {
                "xero_default_sales_account_id": accounts["200"].id,
                "xero_default_purchase_account_id": accounts["429"].id,
                "xero_default_sale_tax_rate_id": self.rate(code, f"OUTPUT{suffix}").id,
                "xero_default_purchase_tax_rate_id": self.rate(code, f"INPUT{suffix}").id,
            }
        )
        for journal in self.env["account.journal"].search(
            [("type", "in", ("sale", "purchase")), ("company_id", "=", company.id)]
        ):
            journal.code = f"{journal.type[0].upper()}{uuid.uuid4().hex[:4].upper()}"
        Partner = self.env["res.partner"]
        self.customer = Partner.create({"name": f"Harbour Retail {code}", "is_company": True})
        self.vendor = Partner.create({"name": f"Coastal Wholesale {code}", "is_company": True})
        return company

    def move(self, code, move_type, lines, **values):
        company = self.books[code]["company"]
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (self.customer if move_type.startswith("out") else self.vendor).id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": name,
                                "quantity": qty,
                                "price_unit": price,
                                "discount": discount,
                                "tax_ids": [Command.set(self.taxes(code, tax).ids)],
                            }
                        )
                        for name, qty, price, discount, tax in lines
                    ],
                    **values,
                }
            )
        )
        move.action_post()
        return move

    def taxes(self, code, tax):
        """A line's taxes: none (False), a chart tax (its xml id) or a tax record."""
        if not tax:
            return self.env["account.tax"]
        return self.tax(code, tax) if isinstance(tax, str) else tax

    def inclusive_copy(self, code, xmlid):
        """The chart's tax, with prices that include it (retail prices)."""
        tax = self.tax(code, xmlid)
        included = tax.copy({"name": f"{tax.name} incl.", "price_include_override": "tax_included"})
        self.env["xero.tax.map"]._xero_auto_match(self.books[code]["tenant"], included)
        return included

    def au_purchase_order(self, product_name, lines):
        """A purchase order of the AU company, confirmed and exported by hand as a draft Xero
        order; ``lines``: (description or None for the product's, qty, price, chart tax xml id
        or False). Returns the order and Xero's copy of it."""
        company = self.prepare("au")
        company.write(
            {"xero_po_mode": "purchase_order", "xero_po_trigger": "manual", "xero_po_status": "DRAFT"}
        )
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "purchase.order"), ("company_id", "in", (False, company.id))], limit=1
        )
        sequence.prefix = f"PAU{uuid.uuid4().hex[:5].upper()}-"
        product = self.env["product.product"].create({"name": product_name, "purchase_method": "purchase"})
        order = (
            self.env["purchase.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.vendor.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                **({"name": name} if name else {}),
                                "product_id": product.id,
                                "product_qty": qty,
                                "price_unit": price,
                                "taxes_id": [Command.set(self.taxes("au", tax).ids)],
                            }
                        )
                        for name, qty, price, tax in lines
                    ],
                }
            )
        )
        order.button_confirm()
        order.action_xero_export()
        self.assertTrue(order.xero_id, order.xero_error)
        doc = next(
            p
            for p in self.sandbox.dump(self.books["au"]["org"]["tenantId"], "PurchaseOrders")
            if p["PurchaseOrderID"] == order.xero_id
        )
        return order, doc

    def in_xero(self, code, record):
        kind = "CreditNotes" if record.move_type.endswith("refund") else "Invoices"
        key = "CreditNoteID" if kind == "CreditNotes" else "InvoiceID"
        docs = self.sandbox.dump(self.books[code]["org"]["tenantId"], kind)
        return next(d for d in docs if d[key] == record.xero_id)

    def assertSameFigures(self, code, move):
        self.assertTrue(move.xero_id, move.xero_error)
        doc = self.in_xero(code, move)
        self.assertEqual(
            (
                float(doc["Total"]),
                float(doc["TotalTax"]),
                float(doc.get("AmountDue", doc.get("RemainingCredit", 0))),
            ),
            (move.amount_total, move.amount_tax, move.amount_residual),
            f"{code}: {move.name} in Xero",
        )
        self.assertEqual(move.xero_export_state, "exported")

    def documents(self, code):
        company = self.prepare(code)
        sale_taxed, sale_free = CHARTS[code]["sale"]
        purchase_taxed, purchase_free, purchase_other = CHARTS[code]["purchase"]
        included = self.inclusive_copy(code, sale_taxed)
        usd = self.env.ref("base.USD")
        self.env["res.currency.rate"].create(
            {"currency_id": usd.id, "company_id": company.id, "name": "2000-01-01", "rate": 0.6537}
        )
        moves = {
            "exclusive": self.move(
                code,
                "out_invoice",
                [
                    ("Consulting", 3, 150.0, 0, sale_taxed),
                    ("Fresh produce", 7, 4.35, 10, sale_taxed),
                    ("Books (GST-free)", 2, 19.95, 0, sale_free),
                    ("Pass-through fee", 1, 12.5, 0, False),
                ],
            ),
            "inclusive": self.move(
                code,
                "out_invoice",
                [
                    ("Gift wrapping", 3, 2.99, 0, False),
                    ("Retail item", 2, 33.0, 0, included),
                    ("Sunglasses", 1, 149.95, 0, included),
                    ("GST-free food", 5, 3.49, 0, sale_free),
                ],
            ),
            "foreign": self.move(
                code,
                "out_invoice",
                [("Export service", 4, 99.99, 5, sale_taxed), ("Shipping", 1, 23.1, 0, False)],
                currency_id=usd.id,
            ),
            "credit_note": self.move(code, "out_refund", [("Returned goods", 2, 33.33, 0, sale_taxed)]),
            "bill": self.move(
                code,
                "in_invoice",
                [
                    ("Stationery", 12, 3.17, 0, purchase_taxed),
                    ("Bank fee", 1, 2.5, 0, purchase_free),
                    ("Equipment", 1, 899.0, 0, purchase_other),
                    ("Postage", 3, 1.1, 0, False),
                ],
                ref=f"SUP-{uuid.uuid4().hex[:6]}",
            ),
            "refund": self.move(
                code,
                "in_refund",
                [("Damaged stationery", 2, 3.17, 0, purchase_taxed)],
                ref=f"SUPCN-{uuid.uuid4().hex[:6]}",
            ),
        }
        # Retail: GST-inclusive prices with GST-free and untaxed lines in the same invoice.
        self.assertEqual(
            moves["inclusive"]._xero_payload(
                moves["inclusive"]._xero_export_context(self.books[code]["tenant"])
            )[0]["LineAmountTypes"],
            "Inclusive",
        )
        return moves

    def send_and_pay(self, code, moves):
        for move in moves.values():
            move.action_xero_export()
            self.assertSameFigures(code, move)
        # A payment made in Odoo goes to Xero; one made in Xero comes to Odoo.
        invoice = moves["exclusive"]
        self.pay_in_odoo(code, invoice)
        self.assertSameFigures(code, invoice)
        self.assertEqual(self.in_xero(code, invoice)["Status"], "PAID")
        bill = moves["bill"]
        self.pay_in_xero(code, bill)
        self.env["xero.payment"]._xero_sync_payments(self.books[code]["tenant"])
        self.assertSameFigures(code, bill)
        self.assertEqual(bill.xero_status, "PAID")

    def map_bank(self, code):
        """The company's bank journal ↔ the organisation's bank account."""
        company, tenant = self.books[code]["company"], self.books[code]["tenant"]
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        xero_bank = self.env["xero.account"].search(
            [("tenant_id", "=", tenant.id), ("is_bank", "=", True)], limit=1
        )
        if not tenant.xero_journal_map_ids:
            tenant.write(
                {
                    "xero_payment_journal_id": bank.id,
                    "xero_journal_map_ids": [
                        Command.create({"xero_account_id": xero_bank.id, "journal_id": bank.id})
                    ],
                }
            )
        return bank, xero_bank

    def pay_in_odoo(self, code, move):
        bank, _xero_bank = self.map_bank(code)
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": bank.id, "payment_date": fields.Date.today()})
            ._create_payments()
        )

    def pay_in_xero(self, code, move):
        _bank, xero_bank = self.map_bank(code)
        answer = self.sandbox.as_user(
            self.books[code]["org"]["tenantId"],
            "PUT",
            "/Payments",
            json={
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": move.xero_id},
                        "Account": {"Code": xero_bank.code},
                        "Date": fields.Date.to_string(fields.Date.today()),
                        "Amount": move.amount_total,
                    }
                ]
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)

    def approve_in_xero(self, code, move):
        """A Xero user approves the draft ``move`` in Xero's web app."""
        answer = self.sandbox.as_user(
            self.books[code]["org"]["tenantId"],
            "POST",
            f"/Invoices/{move.xero_id}",
            json={
                "Invoices": [
                    {"Status": "AUTHORISED", "DueDate": fields.Date.to_string(move.invoice_date_due)}
                ]
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)
