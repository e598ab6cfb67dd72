import uuid

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestProducts(XeroSandboxCase):
    """Products ↔ Xero items per organisation (M-Power's "Link Products to Xero Items" and
    product-level mapping, MRPeasy's items matched by code): linking, export, import, against
    the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.with_chart(cls.company)
        Category = cls.env["product.category"]
        cls.categ_goods = Category.create({"name": "Goods (Xero test)"})
        cls.categ_books = Category.create({"name": "Books (Xero test)", "parent_id": cls.categ_goods.id})
        Template = cls.env["product.template"]
        cls.book = Template.create({"name": "Novel", "default_code": "BOOK", "categ_id": cls.categ_books.id})
        cls.widget = Template.create(
            {"name": "Widget", "default_code": "widget-01", "categ_id": cls.categ_goods.id}
        )
        cls.unknown = Template.create(
            {"name": "Gadget", "default_code": "GADGET-9", "categ_id": cls.categ_books.id}
        )

    def setUp(self):
        super().setUp()
        self.connect(tenants=[self.org_a["tenantId"]])
        self.tenant = self.connection_of(self.xero_manager).tenant_ids.filtered(
            lambda t: t.tenant_id == self.org_a["tenantId"]
        )
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, ["tax_rates", "accounts", "items"])
        self.company.xero_tenant_id = self.tenant
        # The choke point's backoff would sleep for real between retries.
        self.patch(type(self.env["xero.connection"]), "_xero_sleep", lambda model, seconds: None)

    def _item(self, code, tenant=None):
        return self.env["xero.item"].search(
            [("tenant_id", "=", (tenant or self.tenant).id), ("code", "=", code)]
        )

    def _mark(self):
        return self.sandbox.calls(since=10**12)["next"]

    def _calls(self, mark):
        return [c for c in self.sandbox.calls(since=mark)["log"] if c["tenant"] == self.tenant.tenant_id]

    def _xero_items(self):
        return {item["Code"]: item for item in self.sandbox.dump(self.tenant.tenant_id, "Items")}

    def _map_sales_side(self, product):
        """The mappings an export needs for a product sold and bought: its income and expense
        accounts, its sales and purchase taxes."""
        product = product.with_company(self.company)
        accounts = product._get_product_accounts()
        xero_accounts = {
            a.code: a for a in self.env["xero.account"].search([("tenant_id", "=", self.tenant.id)])
        }
        rates = {
            r.tax_type: r for r in self.env["xero.tax.rate"].search([("tenant_id", "=", self.tenant.id)])
        }
        self.env["xero.account.map"].create(
            [
                {
                    "tenant_id": self.tenant.id,
                    "account_id": accounts["income"].id,
                    "xero_account_id": xero_accounts["200"].id,
                },
                {
                    "tenant_id": self.tenant.id,
                    "account_id": accounts["expense"].id,
                    "xero_account_id": xero_accounts["300"].id,
                },
            ]
        )
        sale_tax = self.env["account.tax"].create(
            {"name": "GST 10% (sales)", "amount": 10, "type_tax_use": "sale"}
        )
        purchase_tax = self.env["account.tax"].create(
            {"name": "GST 10% (purchases)", "amount": 10, "type_tax_use": "purchase"}
        )
        self.env["xero.tax.map"].create(
            [
                {"tenant_id": self.tenant.id, "tax_id": sale_tax.id, "tax_rate_id": rates["OUTPUT"].id},
                {"tenant_id": self.tenant.id, "tax_id": purchase_tax.id, "tax_rate_id": rates["INPUT"].id},
            ]
        )
        product.write(
            {"taxes_id": [Command.set(sale_tax.ids)], "supplier_taxes_id": [Command.set(purchase_tax.ids)]}
        )

    # ------------------------------------------------------------------------------------
    # Linking
    # ------------------------------------------------------------------------------------
    def test_wizard_auto_matches_by_code_and_keeps_a_manual_pick(self):
        action = self.tenant.with_user(self.xero_manager).action_open_product_link()
        wizard = self.env["xero.product.link.wizard"].browse(action["res_id"])
        self.assertEqual(
            set(wizard.line_ids.product_tmpl_id.ids) & {self.book.id, self.widget.id, self.unknown.id},
            {self.book.id, self.widget.id, self.unknown.id},
            "unlinked products are listed",
        )
        wizard.action_auto_match()
        by_product = {line.product_tmpl_id: line for line in wizard.line_ids}
        self.assertEqual(by_product[self.book].item_id, self._item("BOOK"))
        self.assertEqual(
            by_product[self.widget].item_id, self._item("WIDGET-01"), "codes compare ignoring case"
        )
        self.assertFalse(by_product[self.unknown].item_id, "no Xero item has its code")
        # A human picks an item for the gadget by hand.
        by_product[self.unknown].write({"item_id": self._item("SHIPPING").id, "matched_by_code": False})
        wizard.action_apply()

        self.assertEqual(self.book.product_variant_id._xero_item(self.tenant), self._item("BOOK"))
        self.assertEqual(self.widget.product_variant_id._xero_item(self.tenant), self._item("WIDGET-01"))
        self.assertEqual(self.unknown.product_variant_id._xero_item(self.tenant), self._item("SHIPPING"))
        links = self.env["xero.product.map"].search([("tenant_id", "=", self.tenant.id)])
        self.assertEqual(
            {link.product_tmpl_id: link.match_state for link in links},
            {self.book: "auto", self.widget: "auto", self.unknown: "manual"},
        )
        # Reopened: linked products are no longer offered.
        again = self.env["xero.product.link.wizard"].browse(self.tenant.action_open_product_link()["res_id"])
        self.assertFalse(again.line_ids.product_tmpl_id & (self.book | self.widget | self.unknown))

    def test_export_unlinked_before_apply_keeps_the_matches_by_code(self):
        # A code of its own: what this test exports stays in the class's organisation.
        lamp = self.env["product.template"].create(
            {
                "name": "Desk lamp",
                "default_code": f"LAMP-{uuid.uuid4().hex[:6]}",
                "categ_id": self.categ_goods.id,
            }
        )
        self._map_sales_side(lamp)
        wizard = self.env["xero.product.link.wizard"].browse(
            self.tenant.with_user(self.xero_manager).action_open_product_link()["res_id"]
        )
        wizard.line_ids.filtered(
            lambda line: line.product_tmpl_id not in (self.book | self.widget | lamp)
        ).unlink()
        wizard.action_auto_match()
        wizard.action_export_unlinked()
        by_product = {line.product_tmpl_id: line for line in wizard.line_ids}
        self.assertEqual(by_product[self.book].item_id, self._item("BOOK"), "the match by code stays")
        self.assertTrue(by_product[self.book].matched_by_code)
        self.assertEqual(by_product[self.widget].item_id, self._item("WIDGET-01"))
        self.assertEqual(by_product[lamp].item_id, self._item(lamp.default_code), "exported and linked")
        wizard.action_apply()
        links = self.env["xero.product.map"].search([("tenant_id", "=", self.tenant.id)])
        self.assertEqual(
            {link.product_tmpl_id: link.item_id.code for link in links},
            {self.book: "BOOK", self.widget: "WIDGET-01", lamp: lamp.default_code},
        )

    def test_category_fallback_and_product_override(self):
        variant = self.unknown.product_variant_id
        self.assertFalse(variant._xero_item(self.tenant))
        action = self.tenant.action_open_category_link()
        wizard = self.env["xero.category.link.wizard"].browse(action["res_id"])
        wizard.line_ids.filtered(lambda line: line.categ_id == self.categ_goods).item_id = self._item(
            "NO-ACCOUNTS"
        )
        wizard.action_apply()
        # Gadget is in Books, a child of Goods: it inherits Goods' item.
        self.assertEqual(variant._xero_item(self.tenant), self._item("NO-ACCOUNTS"))
        # The nearer category wins.
        self.env["xero.category.map"].create(
            {
                "tenant_id": self.tenant.id,
                "categ_id": self.categ_books.id,
                "item_id": self._item("GIFT-CARD").id,
            }
        )
        self.assertEqual(variant._xero_item(self.tenant), self._item("GIFT-CARD"))
        self.assertEqual(self.widget.product_variant_id._xero_item(self.tenant), self._item("NO-ACCOUNTS"))
        # The product's own link wins over any category.
        self.env["xero.product.map"].create(
            {
                "tenant_id": self.tenant.id,
                "product_tmpl_id": self.unknown.id,
                "item_id": self._item("BOOK").id,
            }
        )
        self.assertEqual(variant._xero_item(self.tenant), self._item("BOOK"))

    def test_an_item_of_another_organisation_is_refused(self):
        self.connect(tenants=[self.org_a["tenantId"], self.org_b["tenantId"]])
        tenant_b = self.connection_of(self.xero_manager).tenant_ids.filtered(
            lambda t: t.tenant_id == self.org_b["tenantId"]
        )
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_b, ["items"])
        with self.assertRaisesRegex(Exception, "belongs to another Xero organisation than"):
            self.env["xero.product.map"].create(
                {
                    "tenant_id": self.tenant.id,
                    "product_tmpl_id": self.book.id,
                    "item_id": self._item("BOOK", tenant_b).id,
                }
            )

    # ------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------
    def test_export_creates_the_item_with_mapped_accounts_and_taxes(self):
        product = self.env["product.template"].create(
            {
                "name": "Deluxe hammock",
                "default_code": "HAMMOCK-DLX",
                "list_price": 120.5,
                "standard_price": 60.25,
                "description_sale": "Two-person hammock",
            }
        )
        self._map_sales_side(product)
        wizard = self.env["xero.product.export.wizard"].create(
            {"tenant_id": self.tenant.id, "product_tmpl_ids": [Command.set(product.ids)]}
        )
        result = wizard.with_user(self.xero_manager).action_export()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])

        xero_item = self._xero_items()["HAMMOCK-DLX"]
        self.assertEqual(xero_item["Name"], "Deluxe hammock")
        self.assertEqual(xero_item["Description"], "Two-person hammock")
        self.assertEqual(
            (xero_item["SalesDetails"]["AccountCode"], xero_item["SalesDetails"]["TaxType"]),
            ("200", "OUTPUT"),
        )
        self.assertEqual(float(xero_item["SalesDetails"]["UnitPrice"]), 120.5)
        self.assertEqual(
            (xero_item["PurchaseDetails"]["AccountCode"], xero_item["PurchaseDetails"]["TaxType"]),
            ("300", "INPUT"),
        )
        # In the cache and linked.
        cached = self._item("HAMMOCK-DLX")
        self.assertEqual(cached.xero_id, xero_item["ItemID"])
        self.assertEqual(product.product_variant_id._xero_item(self.tenant), cached)

    def test_purchase_only_product_sends_purchase_details_only(self):
        product = self.env["product.template"].create(
            {"name": "Packing tape", "default_code": "TAPE", "sale_ok": False, "standard_price": 3}
        )
        self._map_sales_side(product)
        product._xero_export_items(self.tenant)
        xero_item = self._xero_items()["TAPE"]
        self.assertFalse(xero_item.get("IsSold"))
        self.assertEqual(xero_item["PurchaseDetails"]["AccountCode"], "300")
        self.assertFalse(xero_item.get("SalesDetails"))

    def test_a_31_character_code_is_refused_and_nothing_is_sent(self):
        code = "C" * 31
        product = self.env["product.template"].create({"name": "Long code", "default_code": code})
        self._map_sales_side(product)
        mark = self._mark()
        with self.assertRaises(UserError) as caught:
            product._xero_export_items(self.tenant)
        message = str(caught.exception)
        self.assertIn("Long code", message)
        self.assertIn(code, message, "the full code, not a cut one")
        self.assertIn("30", message)
        self.assertFalse([c for c in self._calls(mark) if c["method"] == "PUT"], "nothing sent to Xero")
        self.assertNotIn(code[:30], self._xero_items())
        self.assertFalse(product.xero_product_map_ids)

    def test_missing_account_is_reported_before_sending(self):
        product = self.env["product.template"].create({"name": "Unmapped", "default_code": "UNMAPPED-1"})
        mark = self._mark()
        with self.assertRaisesRegex(UserError, "no Xero sales account"):
            product._xero_export_items(self.tenant)
        self.assertFalse([c for c in self._calls(mark) if c["method"] == "PUT"])
        # A default sales and purchase account covers it.
        accounts = {a.code: a for a in self.env["xero.account"].search([("tenant_id", "=", self.tenant.id)])}
        self.tenant.write(
            {
                "xero_default_sales_account_id": accounts["200"].id,
                "xero_default_purchase_account_id": accounts["300"].id,
            }
        )
        product.write({"taxes_id": [Command.clear()], "supplier_taxes_id": [Command.clear()]})
        links, errors = product._xero_export_items(self.tenant)
        self.assertFalse(errors)
        self.assertEqual(links.item_id.code, "UNMAPPED-1")
        self.assertEqual(self._xero_items()["UNMAPPED-1"]["SalesDetails"]["AccountCode"], "200")

    def test_an_item_xero_already_has_is_linked_not_created_again(self):
        mark = self._mark()
        links, _errors = self.book._xero_export_items(self.tenant)
        self.assertEqual(links.item_id, self._item("BOOK"))
        self.assertFalse([c for c in self._calls(mark) if c["method"] == "PUT"])
        self.assertEqual(
            len([i for i in self.sandbox.dump(self.tenant.tenant_id, "Items") if i["Code"] == "BOOK"]), 1
        )

    def test_lost_answer_is_retried_and_creates_one_item(self):
        product = self.env["product.template"].create({"name": "Retry me", "default_code": "RETRY-1"})
        self._map_sales_side(product)
        self.sandbox.add_fault("lost_response", method="PUT", path="/Items", tenant=self.tenant.tenant_id)
        mark = self._mark()
        links, errors = product._xero_export_items(self.tenant)
        self.assertFalse(errors)
        puts = [c for c in self._calls(mark) if c["method"] == "PUT"]
        self.assertEqual(len(puts), 2, "the lost answer was retried once")
        self.assertEqual(
            [i["Code"] for i in self.sandbox.dump(self.tenant.tenant_id, "Items")].count("RETRY-1"), 1
        )
        self.assertEqual(links.item_id.xero_id, self._xero_items()["RETRY-1"]["ItemID"])

    # ------------------------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------------------------
    def test_import_creates_products_only_for_new_codes(self):
        Template = self.env["product.template"].with_context(active_test=False)
        before = Template.search_count([])
        wizard = self.env["xero.item.import.wizard"].create({"tenant_id": self.tenant.id})
        wizard.with_user(self.xero_manager).action_import()

        xero_codes = set(self._xero_items())
        # BOOK and WIDGET-01 exist in Odoo (widget-01 in lower case): linked, not duplicated.
        self.assertEqual(Template.search_count([]), before + len(xero_codes) - 2)
        self.assertEqual(Template.search_count([("default_code", "=ilike", "book")]), 1)
        self.assertEqual(self.book.product_variant_id._xero_item(self.tenant), self._item("BOOK"))
        self.assertEqual(self.widget.product_variant_id._xero_item(self.tenant), self._item("WIDGET-01"))
        chair = Template.search([("default_code", "=", "STOCK-CHAIR")])
        self.assertRecordValues(
            chair,
            [
                {
                    "name": "Office chair (stock)",
                    "list_price": 249.0,
                    "standard_price": 120.0,
                    "description_sale": "Ergonomic chair",
                    "is_storable": True,
                }
            ],
        )
        gift = Template.search([("default_code", "=", "GIFT-CARD")])
        self.assertTrue(gift.sale_ok)
        self.assertFalse(gift.purchase_ok)
        self.assertEqual(gift.product_variant_id._xero_item(self.tenant), self._item("GIFT-CARD"))

        # A second import finds nothing new.
        count = Template.search_count([])
        created, linked = Template._xero_import_items(self.tenant)
        self.assertFalse(created | linked)
        self.assertEqual(Template.search_count([]), count)
