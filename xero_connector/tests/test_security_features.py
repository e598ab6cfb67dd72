"""Issue 9 over the features merged after it (purchase orders, balances journals, variance
report, Xero overview, partner balances): each entry point tried the way an attacker calls it,
over RPC (``call_kw``) as a Xero user or manager of another company, or as an invoicing user
without the Xero group. Every test asserts the refusal *and* that nothing changed: no call
reached the Xero sandbox, no record was written."""

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .security_common import XeroSecurityCase


@tagged("post_install", "-at_install")
class TestSecurityFeatures(XeroSecurityCase):
    """Company A (the test company, organisation A) and company B (organisation B, connected
    by its own accounting manager). Attackers: B's Xero user and Xero manager, and company A's
    invoicing user who is not a Xero user."""

    company_b_name = "Beta Features Co"
    login_prefix = "secf"
    b_user_groups = (
        "base.group_user,account.group_account_invoice,purchase.group_purchase_user,"
        "xero_connector.group_xero_user"
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicer = cls.user_in(
            "secf_invoicer",
            "base.group_user,account.group_account_invoice,purchase.group_purchase_user",
            cls.company,
        )
        cls.a_buyer = cls.user_in(
            "secf_a_buyer",
            "base.group_user,purchase.group_purchase_user,account.group_account_invoice,"
            "xero_connector.group_xero_user",
            cls.company,
        )
        cls.chairs = cls.env["product.product"].create(
            {"name": "Security chair", "type": "consu", "purchase_method": "purchase", "standard_price": 90}
        )

    def setUp(self):
        super().setUp()
        self.send_purchase_orders_by_hand("S")

    def make_po(self):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.chairs.id,
                            "product_qty": 2,
                            "price_unit": 90.0,
                            "taxes_id": [Command.set(self.tax_purchase.ids)],
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    # --------------------------------------------------------------------------------------
    # Purchase orders
    # --------------------------------------------------------------------------------------
    def test_po_add_to_xero_and_link_fields(self):
        order = self.make_po()
        mark = self.mark()
        # "Add to Xero" by company A's invoicing user (no Xero group) and by company B's Xero user.
        for user in (self.invoicer, self.b_user):
            with self.assertRaises(AccessError, msg=user.login):
                self.attack(user, "purchase.order", "action_xero_export", order.ids)
        with self.assertRaises(AccessError):
            self.attack(
                self.b_user, "xero.clear.exported.wizard", "create", args=[{"purchase_order_id": order.id}]
            )
        self.assertNoXeroCall(mark)
        self.assertEqual((order.xero_id, order.xero_export_state), (False, "not_exported"))

        # A's own Xero user may send it: the refusals above are about who.
        self.attack(self.a_buyer, "purchase.order", "action_xero_export", order.ids)
        self.assertTrue(order.xero_id)
        self.assertEqual(order.xero_export_state, "exported")
        linked = (order.xero_id, order.xero_number, order.xero_status)

        # Once sent: the link fields are the module's own, the buttons A's Xero users'.
        mark = self.mark()
        for vals in ({"xero_id": False}, {"xero_export_state": "not_exported"}, {"xero_kind": "bill"}):
            with self.assertRaises(AccessError, msg=vals):
                self.attack(self.a_buyer, "purchase.order", "write", order.ids, [vals])
        for user in (self.invoicer, self.b_user):
            for method in ("action_xero_refresh", "action_xero_update", "action_xero_clear_exported"):
                with self.assertRaises(AccessError, msg=f"{user.login} {method}"):
                    self.attack(user, "purchase.order", method, order.ids)
        with self.assertRaises(AccessError):
            self.attack(
                self.invoicer, "xero.clear.exported.wizard", "create", args=[{"purchase_order_id": order.id}]
            )
        self.assertNoXeroCall(mark)
        order.invalidate_recordset()
        self.assertEqual((order.xero_id, order.xero_number, order.xero_status), linked)
        self.assertEqual(order.xero_export_state, "exported")
        self.assertEqual(order.xero_kind, "purchase_order")

    # --------------------------------------------------------------------------------------
    # Balances journals: Synchronize now
    # --------------------------------------------------------------------------------------
    def test_journals_synchronize_now_on_another_company_organisation(self):
        self.company.write({"xero_journals_enabled": True})
        synced = self.tenant.xero_journals_synced_at
        journals = self.env["xero.manual.journal"].search_count([])
        mark = self.mark()
        with self.assertRaises(AccessError):
            self.attack(self.b_manager, "xero.tenant", "action_xero_sync_journals", self.tenant.ids)
        with self.assertRaises(AccessError):
            self.attack(self.b_manager, "xero.tenant", "action_overview_sync_journals", self.tenant.ids)
        # A Xero user (not manager) of company A: the run is a manager's.
        with self.assertRaises(AccessError):
            self.attack(self.xero_user, "xero.tenant", "action_overview_sync_journals", self.tenant.ids)
        self.assertNoXeroCall(mark)
        self.tenant.invalidate_recordset()
        self.assertEqual(self.tenant.xero_journals_synced_at, synced)
        self.assertEqual(self.env["xero.manual.journal"].search_count([]), journals)

    # --------------------------------------------------------------------------------------
    # Variance report
    # --------------------------------------------------------------------------------------
    def test_variance_report_over_another_company_organisation(self):
        self.exported()
        mark = self.mark()
        reports = self.env["xero.variance.report"].search_count([])
        with self.assertRaises(AccessError):  # refused as chosen, before any run
            self.attack(
                self.b_user,
                "xero.variance.report",
                "create",
                args=[{"tenant_ids": [Command.set(self.tenant.ids)], "document_kind": "all"}],
            )
        self.assertNoXeroCall(mark)
        self.assertEqual(self.env["xero.variance.report"].search_count([]), reports)
        # A's Xero user runs it over A's organisation: Xero is read.
        report = self.attack(
            self.xero_user,
            "xero.variance.report",
            "create",
            args=[
                {
                    "tenant_ids": [Command.set(self.tenant.ids)],
                    "document_kind": "all",
                    "date_from": fields.Date.today(),
                    "date_to": fields.Date.today(),
                }
            ],
        )
        self.attack(self.xero_user, "xero.variance.report", "action_run", [report])
        self.assertTrue(self.sandbox.calls(since=mark)["log"])
        self.assertTrue(self.env["xero.variance.line"].search([("report_id", "=", report)]))

    # --------------------------------------------------------------------------------------
    # Partner balances
    # --------------------------------------------------------------------------------------
    def test_partner_balances_of_another_company_organisation(self):
        self.exported()  # the (shared) customer now has a Xero contact in organisation A
        binding = self.env["xero.partner.binding"].search(
            [("tenant_id", "=", self.tenant.id), ("partner_id", "=", self.customer.id)]
        )
        self.assertTrue(binding.contact_id)
        mark = self.mark()
        with self.assertRaises(AccessError):
            self.attack(
                self.b_user,
                "res.partner",
                "action_xero_update_balances",
                self.customer.ids,
                kwargs={"context": {"xero_tenant_id": self.tenant.id}},
            )
        with self.assertRaises(AccessError):
            self.attack(self.invoicer, "res.partner", "action_xero_update_balances", self.customer.ids)
        self.assertNoXeroCall(mark)
        # Nor may a Xero user of A write the balances by hand: only the update does.
        with self.assertRaises(AccessError):
            self.attack(
                self.xero_user, "xero.partner.binding", "write", binding.ids, [{"xero_receivable": 1e6}]
            )
        binding.invalidate_recordset()
        self.assertFalse(binding.xero_balances_at)
        self.assertFalse(binding.xero_receivable)
        # A's Xero user reads them.
        self.attack(self.xero_user, "res.partner", "action_xero_update_balances", self.customer.ids)
        binding.invalidate_recordset()
        self.assertTrue(binding.xero_balances_at)

    # --------------------------------------------------------------------------------------
    # Xero overview
    # --------------------------------------------------------------------------------------
    def test_overview_buttons_of_another_company_organisation(self):
        self.exported()
        requests = self.env["xero.cache.refresh.request"].search_count([])
        payments = self.env["account.payment"].search_count([])
        mark = self.mark()
        methods = (
            "action_overview_open_queued",
            "action_overview_open_failed",
            "action_overview_open_differing",
            "action_overview_open_mapping",
            "action_overview_open_log",
            "action_overview_open_errors",
            "action_overview_open_calls_chart",
            "action_overview_refresh_cache",
            "action_overview_get_payments",
        )
        for method in methods:
            with self.assertRaises(AccessError, msg=method):
                self.attack(self.b_user, "xero.tenant", method, self.tenant.ids)
        # An invoicing user of A who is not a Xero user: no quick button either.
        for method in ("action_overview_get_payments", "action_overview_refresh_cache"):
            with self.assertRaises(AccessError, msg=method):
                self.attack(self.invoicer, "xero.tenant", method, self.tenant.ids)
        self.assertNoXeroCall(mark)
        self.assertEqual(self.env["xero.cache.refresh.request"].search_count([]), requests)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)
        # A's Xero user opens them.
        action = self.attack(self.xero_user, "xero.tenant", "action_overview_open_queued", self.tenant.ids)
        self.assertEqual(action["res_model"], "account.move")
