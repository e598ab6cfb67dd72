from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestMapping(XeroSandboxCase):
    """Taxes, accounts and tracking mapped per organisation (MRPeasy's tax by percentage,
    Momentus' defaults, Xero's two tracking categories), their isolation between companies, and
    the mapping-health view."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.two_companies("Mapping Company B")
        Tax = cls.env["account.tax"].with_company(cls.company_a)
        cls.sale_10 = Tax.create({"name": "Sales 10%", "amount": 10, "type_tax_use": "sale"})
        cls.purchase_10 = Tax.create({"name": "Purchases 10%", "amount": 10, "type_tax_use": "purchase"})
        cls.sale_7 = Tax.create({"name": "Sales 7%", "amount": 7, "type_tax_use": "sale"})
        cls.partner = cls.env["res.partner"].create({"name": "Health Check Customer"})

    def setUp(self):
        super().setUp()
        self.connect(tenants=[self.org_a["tenantId"], self.org_b["tenantId"]])
        by_id = {t.tenant_id: t for t in self.connection_of(self.xero_manager).tenant_ids}
        self.tenant_a, self.tenant_b = by_id[self.org_a["tenantId"]], by_id[self.org_b["tenantId"]]
        self.env["xero.cache.refresh.request"]._refresh_cache(
            (self.tenant_a | self.tenant_b), ["tax_rates", "accounts", "tracking", "items", "currencies"]
        )
        self.company_a.xero_tenant_id = self.tenant_a
        self.company_b.xero_tenant_id = self.tenant_b

    def _rate(self, tax_type, tenant=None):
        return self.env["xero.tax.rate"].search(
            [("tenant_id", "=", (tenant or self.tenant_a).id), ("xero_id", "=", tax_type)]
        )

    def _xero_account(self, code, tenant=None):
        return self.env["xero.account"].search(
            [("tenant_id", "=", (tenant or self.tenant_a).id), ("code", "=", code)]
        )

    def _option(self, category, option, tenant=None):
        return self.env["xero.tracking.option"].search(
            [
                ("tenant_id", "=", (tenant or self.tenant_a).id),
                ("category_id.name", "=", category),
                ("name", "=", option),
            ]
        )

    def _tax_map(self, tax, tenant=None):
        return self.env["xero.tax.map"].search(
            [("tenant_id", "=", (tenant or self.tenant_a).id), ("tax_id", "=", tax.id)]
        )

    # ------------------------------------------------------------------------------------
    # Taxes
    # ------------------------------------------------------------------------------------
    def test_taxes_auto_match_by_rate_and_use(self):
        capital = self.env["account.tax"].create(
            {"name": "GST 10% capital purchases", "amount": 10, "type_tax_use": "purchase"}
        )
        self.tenant_a.with_user(self.xero_manager).action_auto_match_taxes()
        # One active sales rate at 10% (the archived 33% is not a candidate): mapped.
        sale = self._tax_map(self.sale_10)
        self.assertRecordValues(sale, [{"match_state": "auto", "tax_rate_id": self._rate("OUTPUT").id}])
        self.assertEqual(self.sale_10._xero_tax_type(self.tenant_a), "OUTPUT")
        # Two purchase rates at 10% (GST on Expenses, GST on Capital): the kind decides.
        purchase = self._tax_map(self.purchase_10)
        self.assertRecordValues(purchase, [{"match_state": "auto", "tax_rate_id": self._rate("INPUT").id}])
        self.assertEqual(purchase.candidate_ids.mapped("tax_type"), ["INPUT"])
        self.assertEqual(self._tax_map(capital).tax_type, "CAPEXINPUT")
        # No Xero rate at 7%.
        self.assertEqual(self._tax_map(self.sale_7).match_state, "none")
        self.assertFalse(self.sale_7._xero_tax_type(self.tenant_a))

        # The human chooses otherwise; auto-matching again keeps the choice.
        purchase.with_user(self.xero_manager).tax_rate_id = self._rate("CAPEXINPUT")
        self.assertEqual(purchase.match_state, "manual")
        self.env["xero.tax.map"]._xero_auto_match(self.tenant_a)
        self.assertEqual(purchase.tax_rate_id, self._rate("CAPEXINPUT"))
        self.assertEqual(self.purchase_10._xero_tax_type(self.tenant_a), "CAPEXINPUT")

    def test_a_rate_of_another_percentage_is_refused_unless_a_xero_manager_confirms_it(self):
        sale_15 = self.env["account.tax"].create({"name": "Sales 15%", "amount": 15, "type_tax_use": "sale"})
        invoice = (
            self.env["account.move"]
            .with_company(self.company_a)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Gadget", "price_unit": 100, "tax_ids": [Command.set(sale_15.ids)]}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        # The drop-down offers the organisation's sales rates only, each with its percentage.
        form = Form(self.env["xero.tax.map"].with_user(self.xero_manager))
        form.tenant_id = self.tenant_a
        form.tax_id = sale_15
        self.assertEqual(form.odoo_rate, 15)
        offered = self.env["xero.tax.rate"].union(*form.allowed_rate_ids)
        self.assertIn(self._rate("OUTPUT"), offered)
        self.assertNotIn(self._rate("INPUT"), offered)
        self.assertNotIn(self._rate("CAPEXINPUT"), offered)
        self.assertIn("GST on Income (10 %)", offered.mapped("display_name"))
        # Picking Xero's 10 % GST for Odoo's 15 %: the form says so, and saving is refused.
        form.tax_rate_id = self._rate("OUTPUT")
        self.assertEqual(form.rate_difference, "Odoo 15 %, Xero 10 %")
        with self.assertRaises(ValidationError) as refusal:
            form.save()
        self.assertEqual(
            str(refusal.exception.args[0]),
            "Sales 15% cannot go to the Xero rate GST on Income (10 %): Xero would compute 10 % where Odoo "
            "charges 15 %, so Xero's tax return would not show the tax on Odoo's documents. Pick a Xero rate "
            "of 15 %, or a Xero manager ticks Confirm different rate.",
        )
        # A Xero user may not confirm it; a Xero manager does, and the mapping says who.
        mapping = self.env["xero.tax.map"].create({"tenant_id": self.tenant_a.id, "tax_id": sale_15.id})
        clerk = self.user_in(
            "tax_clerk",
            "base.group_user,account.group_account_invoice,xero_connector.group_xero_user",
            self.company_a,
        )
        with self.assertRaises(AccessError):
            mapping.with_user(clerk).write(
                {"tax_rate_id": self._rate("OUTPUT").id, "rate_difference_confirmed": True}
            )
        form = Form(mapping.with_user(self.xero_manager))
        form.tax_rate_id = self._rate("OUTPUT")
        form.rate_difference_confirmed = True
        form.save()
        self.assertRecordValues(
            mapping,
            [
                {
                    "tax_rate_id": self._rate("OUTPUT").id,
                    "rate_difference_confirmed_by_id": self.xero_manager.id,
                }
            ],
        )
        # Mapping health lists it, with who confirmed it, as a choice made, not as something to map.
        action = self.tenant_a.with_user(self.xero_manager).action_open_mapping_health()
        health = self.env["xero.mapping.health"].browse(action["res_id"])
        line = health.line_ids.filtered(lambda line: line.res_id == sale_15.id)
        self.assertRecordValues(line, [{"kind": "tax_rate_confirmed", "document_count": 1}])
        self.assertEqual(
            line.name,
            "Sales 15% → GST on Income (10 %) (Odoo 15 %, Xero 10 %), confirmed by " + self.xero_manager.name,
        )
        self.assertNotIn("tax", health.line_ids.mapped("kind"))
        self.assertEqual(health.unmapped_count, len(health.line_ids) - 1)
        # Another Xero rate must be confirmed anew.
        with self.assertRaisesRegex(ValidationError, "Confirm different rate"):
            mapping.tax_rate_id = self._rate("EXEMPTOUTPUT")
        # A tax whose percentage changes after it was mapped: health lists it to fix.
        self._tax_map(self.sale_10) or self.env["xero.tax.map"].create(
            {"tenant_id": self.tenant_a.id, "tax_id": self.sale_10.id, "tax_rate_id": self._rate("OUTPUT").id}
        )
        self.sale_10.amount = 12.5
        health.with_user(self.xero_manager).action_refresh()
        changed = health.line_ids.filtered(lambda line: line.res_id == self.sale_10.id)
        self.assertRecordValues(
            changed,
            [{"kind": "tax_rate", "name": "Sales 10% → GST on Income (10 %) (Odoo 12.5 %, Xero 10 %)"}],
        )
        self.assertEqual(changed.with_user(self.xero_manager).action_fix()["res_model"], "xero.tax.map")

    def test_default_tax_rates(self):
        self.env["xero.tax.map"]._xero_auto_match(self.tenant_a)
        # Lines without tax: a rate that charges none (BAS Excluded), never a taxed default.
        self.assertEqual(self.env["account.tax"]._xero_tax_type(self.tenant_a, "sale"), "BASEXCLUDED")
        self.tenant_a.xero_default_sale_tax_rate_id = self._rate("OUTPUT")
        self.assertEqual(self.env["account.tax"]._xero_tax_type(self.tenant_a, "sale"), "BASEXCLUDED")
        self.tenant_a.write(
            {
                "xero_default_sale_tax_rate_id": self._rate("EXEMPTOUTPUT").id,
                "xero_default_purchase_tax_rate_id": self._rate("EXEMPTEXPENSES").id,
            }
        )
        # A default of 0 % is the organisation's choice for them.
        self.assertEqual(self.env["account.tax"]._xero_tax_type(self.tenant_a, "sale"), "EXEMPTOUTPUT")
        self.assertEqual(self.env["account.tax"]._xero_tax_type(self.tenant_a, "purchase"), "EXEMPTEXPENSES")
        # A tax without a match keeps none, unless the organisation opts for Momentus' fallback.
        self.assertFalse(self.sale_7._xero_tax_type(self.tenant_a))
        self.tenant_a.xero_default_tax_for_unmapped = True
        self.assertEqual(self.sale_7._xero_tax_type(self.tenant_a), "EXEMPTOUTPUT")
        # An ambiguous tax still waits for a human.
        self._tax_map(self.purchase_10).write({"tax_rate_id": False, "match_state": "ambiguous"})
        self.assertFalse(self.purchase_10._xero_tax_type(self.tenant_a))

    # ------------------------------------------------------------------------------------
    # Accounts
    # ------------------------------------------------------------------------------------
    def test_accounts_auto_match_by_code_with_manual_override_and_defaults(self):
        Account = self.env["account.account"].with_company(self.company_a)
        sales = Account.create({"name": "Sales (Xero code)", "code": "200", "account_type": "income"})
        consulting = Account.create({"name": "Consulting income", "code": "200100", "account_type": "income"})
        advertising = Account.create({"name": "Advertising", "code": "400", "account_type": "expense"})
        self.tenant_a.with_user(self.xero_manager).action_auto_match_accounts()

        maps = self.env["xero.account.map"].search([("tenant_id", "=", self.tenant_a.id)])
        by_account = {m.account_id: m for m in maps}
        self.assertRecordValues(
            by_account[sales], [{"match_state": "auto", "xero_account_id": self._xero_account("200").id}]
        )
        self.assertEqual(by_account[advertising].xero_account_code, "400")
        self.assertEqual(by_account[consulting].match_state, "none")
        self.assertEqual(sales._xero_account_code(self.tenant_a), "200")
        self.assertFalse(consulting._xero_account_code(self.tenant_a))

        # A default sales account covers income accounts without a Xero account.
        self.tenant_a.xero_default_sales_account_id = self._xero_account("260")
        self.assertEqual(consulting._xero_account_code(self.tenant_a), "260")
        self.assertFalse(self.env["account.account"].search([("code", "=", "200")], limit=1) - sales)

        # A manual override survives the next auto-match.
        by_account[sales].with_user(self.xero_manager).xero_account_id = self._xero_account("270")
        self.assertEqual(by_account[sales].match_state, "manual")
        self.env["xero.account.map"]._xero_auto_match(self.tenant_a)
        self.assertEqual(sales._xero_account_code(self.tenant_a), "270")

    # ------------------------------------------------------------------------------------
    # Tracking
    # ------------------------------------------------------------------------------------
    def test_tracking_maps_analytic_accounts_to_at_most_two_categories(self):
        plan = self.env["account.analytic.plan"].create({"name": "Xero test plan"})
        Analytic = self.env["account.analytic.account"]
        north, sales, apollo = Analytic.create(
            [{"name": name, "plan_id": plan.id} for name in ("North shop", "Sales team", "Apollo project")]
        )
        TrackingMap = self.env["xero.tracking.map"].with_user(self.xero_manager)
        TrackingMap.create(
            [
                {
                    "tenant_id": self.tenant_a.id,
                    "analytic_account_id": north.id,
                    "option_id": self._option("Region", "North").id,
                },
                {
                    "tenant_id": self.tenant_a.id,
                    "analytic_account_id": sales.id,
                    "option_id": self._option("Department", "Sales").id,
                },
            ]
        )
        self.assertEqual(north._xero_tracking(self.tenant_a), self._option("Region", "North"))
        self.assertEqual(sales._xero_tracking(self.tenant_a).category_id.name, "Department")
        self.assertFalse(apollo._xero_tracking(self.tenant_a))
        # A third category is refused, naming the organisation and the categories.
        project = (
            self.env["xero.tracking.option"]
            .with_context(active_test=False)
            .search([("tenant_id", "=", self.tenant_a.id), ("name", "=", "Apollo")])
        )
        with self.assertRaises(ValidationError) as caught:
            TrackingMap.create(
                {"tenant_id": self.tenant_a.id, "analytic_account_id": apollo.id, "option_id": project.id}
            )
        self.assertIn("at most 2 tracking categories", str(caught.exception))
        self.assertIn(self.tenant_a.name, str(caught.exception))
        self.assertIn("Project", str(caught.exception))
        self.assertFalse(apollo._xero_tracking(self.tenant_a))
        # Moving an analytic account to a second option of a used category is fine.
        TrackingMap.create(
            {
                "tenant_id": self.tenant_a.id,
                "analytic_account_id": apollo.id,
                "option_id": self._option("Region", "South").id,
            }
        )
        self.assertEqual(apollo._xero_tracking(self.tenant_a).name, "South")

    # ------------------------------------------------------------------------------------
    # Isolation
    # ------------------------------------------------------------------------------------
    def test_mappings_of_one_organisation_stay_there(self):
        Tax_b = self.env["account.tax"].with_company(self.company_b)
        sale_b = Tax_b.create(
            {"name": "Sales B 10%", "amount": 10, "type_tax_use": "sale", "company_id": self.company_b.id}
        )
        self.env["xero.tax.map"]._xero_auto_match(self.tenant_a)
        self.env["xero.tax.map"]._xero_auto_match(self.tenant_b)
        # Org A's auto-match saw company A's taxes only, org B's company B's.
        self.assertFalse(self._tax_map(sale_b))
        self.assertFalse(self._tax_map(self.sale_10, self.tenant_b))
        self.assertEqual(
            self._tax_map(sale_b, self.tenant_b).tax_rate_id, self._rate("OUTPUT", self.tenant_b)
        )
        self.assertEqual(sale_b._xero_tax_type(self.tenant_b), "OUTPUT")
        self.assertFalse(sale_b._xero_tax_type(self.tenant_a))
        # A product linked in org A has no item in org B.
        product = self.env["product.template"].create({"name": "Shared book", "default_code": "BOOK"})
        self.env["xero.product.map"]._xero_auto_match(self.tenant_a, product)
        self.assertTrue(product.product_variant_id._xero_item(self.tenant_a))
        self.assertFalse(product.product_variant_id._xero_item(self.tenant_b))
        # Defaults are per organisation too.
        self.tenant_a.xero_default_sale_tax_rate_id = self._rate("EXEMPTOUTPUT")
        self.assertEqual(self.env["account.tax"]._xero_tax_type(self.tenant_b, "sale"), "BASEXCLUDED")

        # A company-B-only user sees none of org A's mappings.
        user_b = self.user_in("mapping_b", "base.group_user,xero_connector.group_xero_user", self.company_b)
        self.assertEqual(self.env["xero.tax.map"].with_user(user_b).search([]).tenant_id, self.tenant_b)
        self.assertFalse(self.env["xero.product.map"].with_user(user_b).search([]))
        with self.assertRaises(AccessError):
            self._tax_map(self.sale_10).with_user(user_b).read(["tax_rate_id"])
        # Xero users read mappings, only managers change them.
        with self.assertRaises(AccessError):
            self._tax_map(sale_b, self.tenant_b).with_user(user_b).write({"tax_rate_id": False})

    # ------------------------------------------------------------------------------------
    # Mapping health
    # ------------------------------------------------------------------------------------
    def test_mapping_health_lists_what_an_open_invoice_needs_and_reaches_zero(self):
        plan = self.env["account.analytic.plan"].create({"name": "Health plan"})
        region = self.env["account.analytic.account"].create({"name": "North region", "plan_id": plan.id})
        product = self.env["product.product"].create({"name": "Health widget", "default_code": "HEALTH-W"})
        invoice = (
            self.env["account.move"]
            .with_company(self.company_a)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 2,
                                "price_unit": 50,
                                "tax_ids": [Command.set(self.sale_10.ids)],
                                "analytic_distribution": {str(region.id): 100},
                            }
                        ),
                        Command.create(
                            {"name": "Freight", "quantity": 1, "price_unit": 10, "tax_ids": [Command.clear()]}
                        ),
                    ],
                }
            )
        )
        invoice.action_post()
        # An exported invoice is not open any more: its needs do not count.
        exported = invoice.copy()
        exported.invoice_line_ids[:1].product_id = self.env["product.product"].create(
            {"name": "Exported only"}
        )
        exported.action_post()
        exported.xero_id = "0b0d7f4e-0000-4000-8000-0000000000aa"
        income = invoice.invoice_line_ids[0].account_id

        action = self.tenant_a.with_user(self.xero_manager).action_open_mapping_health()
        health = self.env["xero.mapping.health"].browse(action["res_id"])
        found = {(line.kind, line.name): line for line in health.line_ids}
        expected = {
            ("partner", self.partner.display_name),
            ("product", product.display_name),
            ("tax", self.sale_10.display_name),
            ("account", income.with_company(self.company_a).display_name),
            ("analytic", region.display_name),
        }
        self.assertEqual(set(found), expected)
        self.assertTrue(all(line.document_count == 1 for line in health.line_ids))
        self.assertEqual(health.document_count, 1)

        # Each line's button opens its fix.
        tax_fix = found[("tax", self.sale_10.display_name)].with_user(self.xero_manager).action_fix()
        self.assertEqual(tax_fix["res_model"], "xero.tax.map")
        product_fix = found[("product", product.display_name)].action_fix()
        self.assertEqual(product_fix["res_model"], "xero.product.link.wizard")
        partner_fix = found[("partner", self.partner.display_name)].action_fix()
        self.assertEqual((partner_fix["res_model"], partner_fix["res_id"]), ("res.partner", self.partner.id))

        # Map everything as an administrator would.
        contact = self.env["xero.contact"].sudo().search([("tenant_id", "=", self.tenant_a.id)], limit=1)
        if not contact:
            self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant_a, ["contacts"])
            contact = self.env["xero.contact"].search(
                [("tenant_id", "=", self.tenant_a.id), ("active", "=", True)], limit=1
            )
        self.partner._xero_map_contact(self.tenant_a, contact)
        self.env["xero.tax.map"].browse(tax_fix["res_id"]).tax_rate_id = self._rate("OUTPUT")
        link = self.env["xero.product.link.wizard"].browse(product_fix["res_id"])
        link.line_ids.filtered(
            lambda line: line.product_tmpl_id == product.product_tmpl_id
        ).item_id = self.env["xero.item"].search(
            [("tenant_id", "=", self.tenant_a.id), ("code", "=", "WIDGET-01")]
        )
        link.action_apply()
        self.tenant_a.write(
            {
                "xero_default_sale_tax_rate_id": self._rate("EXEMPTOUTPUT").id,
                "xero_default_sales_account_id": self._xero_account("200").id,
            }
        )
        self.env["xero.tracking.map"].create(
            {
                "tenant_id": self.tenant_a.id,
                "analytic_account_id": region.id,
                "option_id": self._option("Region", "North").id,
            }
        )
        health.action_refresh()
        self.assertFalse(health.line_ids, [(line.kind, line.name) for line in health.line_ids])
        self.assertEqual(health.unmapped_count, 0)
