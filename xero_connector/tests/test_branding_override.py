"""M-Power's profit-centre override and branding themes (issue 22): a Xero manager sends one
invoice or bill to another company's Xero organisation, where it goes with that organisation's
contact, mappings and branding theme; every other document carries its company's default theme,
or its own. Tried against the sandbox, and as an attacker over RPC."""

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..utils import MENU_MAPPINGS, menu_path
from .security_common import XeroSecurityCase


@tagged("post_install", "-at_install")
class TestBrandingOverride(XeroSecurityCase):
    """Company A (organisation A) and company B (organisation B, connected by B's own
    manager); ``xero_manager`` works in both companies, ``a_xero_manager`` in A only."""

    company_b_name = "Gamma Branding Co"
    login_prefix = "brand"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Refresh = cls.env["xero.cache.refresh.request"]
        Refresh._refresh_cache(cls.tenant, ["branding_themes"])
        Refresh._refresh_cache(cls.tenant_b)
        cls.a_xero_manager = cls.user_in(
            "brand_a_xero_manager",
            "base.group_user,account.group_account_manager,xero_connector.group_xero_manager",
            cls.company,
        )
        cls.both = {"allowed_company_ids": [cls.company.id, cls.company_b.id]}
        rates_b = {
            r.tax_type: r for r in cls.env["xero.tax.rate"].search([("tenant_id", "=", cls.tenant_b.id)])
        }
        accounts_b = {
            a.code: a for a in cls.env["xero.account"].search([("tenant_id", "=", cls.tenant_b.id)])
        }
        cls.rate_b_output = rates_b["OUTPUT"]
        cls.tenant_b.write(
            {
                "xero_default_sales_account_id": accounts_b["200"].id,
                "xero_default_sale_tax_rate_id": rates_b["OUTPUT"].id,
            }
        )

    def themes(self, tenant):
        return {t.name: t for t in self.env["xero.branding.theme"].search([("tenant_id", "=", tenant.id)])}

    def xero_twin(self, org, number):
        found = [
            i for i in self.sandbox.dump(org["tenantId"], "Invoices") if i.get("InvoiceNumber") == number
        ]
        self.assertEqual(len(found), 1, f"{number} once in {org['name']}")
        return found[0]

    def xero_theme_of(self, org, number):
        return self.xero_twin(org, number).get("BrandingThemeID")

    def map_sales_tax_in_b(self):
        self.env["xero.tax.map"].create(
            {"tenant_id": self.tenant_b.id, "tax_id": self.tax_sale.id, "tax_rate_id": self.rate_b_output.id}
        )

    # --------------------------------------------------------------------------------------
    def test_the_cache_holds_each_organisation_s_themes(self):
        themes_a, themes_b = self.themes(self.tenant), self.themes(self.tenant_b)
        self.assertEqual(sorted(themes_a), ["Special Projects", "Standard"])
        self.assertTrue(themes_a["Standard"].is_xero_default)
        self.assertFalse(set(themes_a.values()) & set(themes_b.values()))
        self.assertEqual(
            {t.xero_id for t in themes_b.values()},
            {t["BrandingThemeID"] for t in self.sandbox.dump(self.org_b["tenantId"], "BrandingThemes")},
        )
        # A theme made in Xero comes with the next refresh.
        self.sandbox.add_branding_theme(self.org_a["tenantId"], "Wholesale", sort_order=0)
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, ["branding_themes"])
        themes_a = self.themes(self.tenant)
        self.assertTrue(themes_a["Wholesale"].is_xero_default)
        self.assertFalse(themes_a["Standard"].is_xero_default)

    def test_the_company_default_theme_and_a_document_s_own(self):
        themes = self.themes(self.tenant)
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        settings.xero_branding_theme_id = themes["Special Projects"]
        settings.execute()
        self.assertEqual(self.company.xero_branding_theme_id, themes["Special Projects"])
        plain = self.make_move()
        plain.with_user(self.xero_user).action_xero_export()
        self.assertEqual(self.xero_theme_of(self.org_a, plain.name), themes["Special Projects"].xero_id)
        # A document's own choice (its Xero tab) wins.
        chosen = self.make_move(post=False)
        with Form(chosen.with_user(self.xero_manager)) as form:
            form.xero_branding_theme_id = themes["Standard"]
        chosen.action_post()
        chosen.with_user(self.xero_user).action_xero_export()
        self.assertEqual(self.xero_theme_of(self.org_a, chosen.name), themes["Standard"].xero_id)
        # No default and no choice: nothing sent, Xero applies its own.
        self.company.xero_branding_theme_id = False
        bare = self.make_move()
        bare.action_xero_export()
        self.assertIsNone(self.xero_theme_of(self.org_a, bare.name))

    def test_a_purchase_order_carries_its_theme(self):
        self.send_purchase_orders_by_hand("B")
        theme = self.themes(self.tenant)["Special Projects"]
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "name": "Office chair",
                            "product_qty": 2,
                            "price_unit": 120.0,
                            "taxes_id": [Command.set(self.tax_purchase.ids)],
                        }
                    )
                ],
            }
        )
        with Form(order.with_user(self.xero_manager)) as form:
            form.xero_branding_theme_id = theme
        order.button_confirm()
        order.with_user(self.xero_manager).action_xero_export()
        twin = next(p for p in self.in_xero("PurchaseOrders") if p.get("PurchaseOrderID") == order.xero_id)
        self.assertEqual(twin["BrandingThemeID"], theme.xero_id)

    def test_a_manager_sends_one_invoice_to_another_company_s_organisation(self):
        """Pressed from the form: the organisation and nothing else changed on the invoice,
        Export sends it to organisation B with B's contact, tax mapping and B's default theme."""
        theme_b = self.themes(self.tenant_b)["Special Projects"]
        self.company_b.xero_branding_theme_id = theme_b
        self.company.xero_branding_theme_id = self.themes(self.tenant)["Standard"]
        self.map_sales_tax_in_b()
        move = self.make_move(post=False)
        with Form(move.with_user(self.xero_manager).with_context(**self.both)) as form:
            form.xero_tenant_id = self.tenant_b
        self.assertEqual(move.xero_tenant_id, self.tenant_b)
        move.action_post()
        self.attack(self.xero_manager, "account.move", "action_xero_export", move.ids, company=self.company)
        self.assertEqual(move.xero_export_state, "exported", move.xero_error)
        self.assertEqual(self.xero_theme_of(self.org_b, move.name), theme_b.xero_id)
        self.assertFalse([i for i in self.in_xero() if i.get("InvoiceNumber") == move.name])
        sent = next(
            i
            for i in self.sandbox.dump(self.org_b["tenantId"], "Invoices")
            if i["InvoiceNumber"] == move.name
        )
        self.assertEqual([line["TaxType"] for line in sent["LineItems"]], [self.rate_b_output.tax_type])
        self.assertEqual(sent["Contact"]["Name"], self.customer.name)
        binding = self.env["xero.partner.binding"].search(
            [("tenant_id", "=", self.tenant_b.id), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(binding.contact_id.xero_id, sent["Contact"]["ContactID"])
        # The override was for this invoice only.
        self.assertEqual(self.make_move(post=False).xero_tenant_id, self.tenant)

    def test_the_override_pressed_in_the_browser(self):
        """A Xero manager working in both companies picks organisation B on a draft invoice
        of company A, confirms it and presses Export to Xero (xero_override_tour.js)."""
        theme_b = self.themes(self.tenant_b)["Special Projects"]
        self.company_b.xero_branding_theme_id = theme_b
        self.map_sales_tax_in_b()
        move = self.make_move(post=False)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "xero_override_export_tour",
            login="xero_manager",
            cookies={"cids": f"{self.company.id}-{self.company_b.id}"},
        )
        self.assertEqual(move.xero_tenant_id, self.tenant_b)
        self.assertEqual(move.xero_export_state, "exported", move.xero_error)
        self.assertEqual(self.xero_theme_of(self.org_b, move.name), theme_b.xero_id)
        self.assertFalse([i for i in self.in_xero() if i.get("InvoiceNumber") == move.name])

    def test_the_override_matches_the_company_s_taxes_and_accounts_there(self):
        """Organisation B's mappings cover B's taxes and accounts; sending an invoice of A there
        auto-matches the ones its lines use, as auto-matching does for B's own: no hand mapping,
        no organisation default (both off here)."""
        self.tenant_b.write({"xero_default_tax_for_unmapped": False, "xero_default_sales_account_id": False})
        move = self.make_move(post=False)
        income = move.invoice_line_ids.account_id
        TaxMap, AccountMap = self.env["xero.tax.map"], self.env["xero.account.map"]
        self.assertFalse(
            TaxMap.search([("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", self.tax_sale.id)])
        )
        with Form(move.with_user(self.xero_manager).with_context(**self.both)) as form:
            form.xero_tenant_id = self.tenant_b
        tax_map = TaxMap.search([("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", self.tax_sale.id)])
        self.assertEqual(
            (tax_map.tax_rate_id, tax_map.match_state, tax_map.tax_company_id),
            (self.rate_b_output, "auto", self.company),
        )
        account_map = AccountMap.search(
            [("tenant_id", "=", self.tenant_b.id), ("account_id", "=", income.id)]
        )
        self.assertEqual(account_map.match_state, "auto")
        self.assertEqual(account_map.xero_account_id.tenant_id, self.tenant_b)
        # Only what the invoice uses: A's other taxes are no business of organisation B.
        self.assertFalse(
            TaxMap.search([("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", self.tax_purchase.id)])
        )
        move.action_post()
        self.attack(self.xero_manager, "account.move", "action_xero_export", move.ids, company=self.company)
        self.assertEqual(move.xero_export_state, "exported", move.xero_error)
        line = self.xero_twin(self.org_b, move.name)["LineItems"][0]
        self.assertEqual(
            (line["TaxType"], line["AccountCode"]),
            (self.rate_b_output.tax_type, account_map.xero_account_id.code),
        )
        # The row shows on organisation B's tax list of the manager who works in both (with its
        # company); a Xero manager of A only sees nothing of organisation B.
        seen = self.attack(
            self.xero_manager,
            "xero.tax.map",
            "search_read",
            args=[
                [("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", self.tax_sale.id)],
                ["tax_company_id"],
            ],
            company=self.company | self.company_b,
        )
        self.assertEqual([row["tax_company_id"][0] for row in seen], [self.company.id])
        self.assertFalse(
            self.attack(
                self.a_xero_manager, "xero.tax.map", "search", args=[[("tenant_id", "=", self.tenant_b.id)]]
            )
        )

    def test_a_tax_unmapped_in_the_other_organisation_is_named(self):
        """A tax no rate of organisation B fits (B has no 7 % rate): its row waits for a human,
        Mapping health lists it and the export names it."""
        levy = self.env["account.tax"].create(
            {"name": "Harbour levy 7%", "amount": 7, "type_tax_use": "sale"}
        )
        move = self.make_move(
            post=False, lines=[{"name": "Mooring", "quantity": 1, "price_unit": 300.0, "tax_ids": levy.ids}]
        )
        move.with_user(self.xero_manager).with_context(**self.both).xero_tenant_id = self.tenant_b
        row = self.env["xero.tax.map"].search(
            [("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", levy.id)]
        )
        self.assertEqual((row.match_state, row.tax_rate_id), ("none", self.env["xero.tax.rate"]))
        move.action_post()
        self.tenant_b.xero_default_tax_for_unmapped = False
        health_env = self.env(user=self.xero_manager, context=self.both)["xero.mapping.health"]
        health = health_env.browse(health_env._action_open(self.tenant_b)["res_id"])
        self.assertIn(("tax", levy.display_name), [(line.kind, line.name) for line in health.line_ids])
        with self.assertRaises(UserError) as caught:
            move.with_context(**self.both).action_xero_export()
        message = str(caught.exception)
        where = f"{menu_path(self.env, MENU_MAPPINGS)} (Taxes)"
        for part in (move.name, levy.name, self.tenant_b.name, where):
            self.assertIn(part, message)
        self.assertFalse(move.xero_id)
        self.assertFalse(
            [
                i
                for i in self.sandbox.dump(self.org_b["tenantId"], "Invoices")
                if i.get("InvoiceNumber") == move.name
            ]
        )
        # Mapped there by hand (a manager confirms Xero's 10 %), it goes.
        row.with_user(self.xero_manager).with_context(**self.both).write(
            {"tax_rate_id": self.rate_b_output.id, "rate_difference_confirmed": True}
        )
        self.assertEqual(row.match_state, "manual")
        move.with_context(**self.both).action_xero_export()
        self.assertTrue(move.xero_id)

    def test_a_theme_deleted_in_xero_is_refused_by_xero_then_named_by_odoo(self):
        doomed = self.sandbox.add_branding_theme(self.org_a["tenantId"], "Old look")
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, ["branding_themes"])
        self.company.xero_branding_theme_id = self.themes(self.tenant)["Old look"]
        self.sandbox.delete_branding_theme(self.org_a["tenantId"], doomed["BrandingThemeID"])
        move = self.make_move()
        # The cache does not know yet: Xero refuses the document, and says why.
        with self.assertRaisesRegex(UserError, "BrandingThemeID"):
            move.action_xero_export()
        self.assertFalse(move.xero_id)
        self.assertIn(doomed["BrandingThemeID"], move.xero_error)
        # Once refreshed, Odoo names it before sending anything.
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, ["branding_themes"])
        mark = self.mark()
        with self.assertRaisesRegex(UserError, "Old look.*Settings > Xero.*deleted in Xero"):
            move.action_xero_export()
        self.assertNoXeroCall(mark)

    # --------------------------------------------------------------------------------------
    # Walls, tried as an attacker over RPC
    # --------------------------------------------------------------------------------------
    def test_who_may_override_and_to_where(self):
        move = self.make_move(post=False)
        # A Xero manager of company A only: organisation B is not one of theirs.
        for attacker in (self.a_xero_manager, self.xero_user, self.b_user):
            with self.subTest(attacker=attacker.login), self.assertRaises(AccessError):
                self.attack(
                    attacker, "account.move", "write", move.ids, [{"xero_tenant_id": self.tenant_b.id}]
                )
            self.assertEqual(move.xero_tenant_id, self.tenant)
        self.assertInvoiceRefusedIn(self.a_xero_manager, self.tenant_b)
        # A Xero user may choose a theme of the document's organisation, never another's.
        theme_b = self.themes(self.tenant_b)["Standard"]
        # (As over RPC, the refused request's transaction is rolled back: here a savepoint.)
        with (
            self.assertRaisesRegex(ValidationError, "belongs to another Xero organisation"),
            self.env.cr.savepoint(),
        ):
            self.attack(
                self.xero_user, "account.move", "write", move.ids, [{"xero_branding_theme_id": theme_b.id}]
            )
        self.env.invalidate_all()
        self.assertFalse(move.xero_branding_theme_id)
        with (
            self.assertRaisesRegex(ValidationError, "belongs to another Xero organisation"),
            self.env.cr.savepoint(),
        ):
            self.company.xero_branding_theme_id = theme_b  # an administrator in Settings
        self.env.invalidate_all()
        self.assertFalse(self.company.xero_branding_theme_id)
        theme_a = self.themes(self.tenant)["Special Projects"]
        self.attack(
            self.xero_user, "account.move", "write", move.ids, [{"xero_branding_theme_id": theme_a.id}]
        )
        self.assertEqual(move.xero_branding_theme_id, theme_a)
        # Sent to organisation B by a manager who works there, the document's theme of A is dropped.
        manager_env = self.env(user=self.xero_manager, context=self.both)
        call_kw(manager_env["account.move"], "write", [move.ids, {"xero_tenant_id": self.tenant_b.id}], {})
        self.assertEqual(move.xero_tenant_id, self.tenant_b)
        self.assertFalse(move.xero_branding_theme_id)

    def test_another_company_s_tax_is_mapped_only_by_a_manager_of_both(self):
        """Organisation B's mapping of company A's tax is made by a Xero manager who works in A
        too (the override's auto-match, or by hand); B's own manager cannot make one, nor turn
        one of B's rows into one."""
        values = {"tenant_id": self.tenant_b.id, "tax_id": self.tax_sale.id}
        with (
            self.assertRaisesRegex(AccessError, "Only a Xero manager who also works in that company"),
            self.env.cr.savepoint(),
        ):
            self.attack(self.b_manager, "xero.tax.map", "create", args=[dict(values)])
        # With a Xero rate, the rate's checks cannot read A's tax: refused as well.
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.attack(
                self.b_manager,
                "xero.tax.map",
                "create",
                args=[dict(values, tax_rate_id=self.rate_b_output.id)],
            )
        b_tax = self.env["account.tax"].create(
            {"name": "B GST 10%", "amount": 10, "type_tax_use": "sale", "company_id": self.company_b.id}
        )
        b_row = self.attack(self.b_manager, "xero.tax.map", "create", args=[dict(values, tax_id=b_tax.id)])
        with (
            self.assertRaisesRegex(AccessError, "Only a Xero manager who also works in that company"),
            self.env.cr.savepoint(),
        ):
            self.attack(self.b_manager, "xero.tax.map", "write", [b_row], [{"tax_id": self.tax_sale.id}])
        income = self.make_move(post=False).invoice_line_ids.account_id
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.attack(
                self.b_manager,
                "xero.account.map",
                "create",
                args=[{"tenant_id": self.tenant_b.id, "account_id": income.id}],
            )
        self.assertFalse(
            self.env["xero.tax.map"].search(
                [("tenant_id", "=", self.tenant_b.id), ("tax_id", "=", self.tax_sale.id)]
            )
        )
        # The manager of both may.
        row = self.attack(
            self.xero_manager,
            "xero.tax.map",
            "create",
            args=[dict(values)],
            company=self.company | self.company_b,
        )
        self.assertEqual(self.env["xero.tax.map"].browse(row).tax_company_id, self.company)
