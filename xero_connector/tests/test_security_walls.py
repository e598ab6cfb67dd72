"""Issue 20's walls that leaked, each tried the way the hostile employee of another company
did: over RPC (``call_kw`` in the attacker's own environment). Every test asserts the refusal
*and* that nothing changed: no call reached the Xero sandbox, no record was written."""

import json
import uuid
from contextlib import contextmanager

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .security_common import XeroSecurityCase


@tagged("post_install", "-at_install")
class TestSecurityWalls(XeroSecurityCase):
    """Company A (organisation A, connected by ``xero_manager``, who works in both companies)
    and company B (organisation B, connected by its own manager). Attackers: B's Xero user and
    Xero manager, a Xero manager of company A only, and company A's employees without a Xero
    group (a plain employee, a purchase user)."""

    company_b_name = "Gamma Walls Co"
    login_prefix = "walls"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a_manager_only = cls.user_in(
            "walls_a_manager", "base.group_user,account.group_account_manager", cls.company
        )
        cls.clerk = cls.user_in("walls_clerk", "base.group_user,account.group_account_invoice", cls.company)
        cls.a_purchaser = cls.user_in(
            "walls_a_purchaser", "base.group_user,purchase.group_purchase_user", cls.company
        )
        cls.a_buyer = cls.user_in(
            "walls_a_buyer",
            "base.group_user,purchase.group_purchase_user,xero_connector.group_xero_user",
            cls.company,
        )
        cls.env["xero.cache.refresh.request"]._refresh_cache(cls.tenant_b, ["tax_rates", "accounts"])
        cls.item_b = cls.env["xero.item"].create(
            {
                "tenant_id": cls.tenant_b.id,
                "xero_id": str(uuid.uuid4()),
                "code": "BETA-ITEM",
                "name": "Beta item",
            }
        )
        cls.account_b = cls.env["xero.account"].search(
            [("tenant_id", "=", cls.tenant_b.id), ("code", "=", "200")], limit=1
        )
        cls.rate_b = cls.env["xero.tax.rate"].search([("tenant_id", "=", cls.tenant_b.id)], limit=1)

    @contextmanager
    def refused(self, exception, text):
        """``assertRaises`` (which rolls the attempt back, as a failed RPC call is) and the
        sentence the refusal says."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    # --------------------------------------------------------------------------------------
    # 1. Cache refresh of another company's organisation
    # --------------------------------------------------------------------------------------
    def test_1_refresh_request_naming_another_company_organisation_is_refused(self):
        requests = self.env["xero.cache.refresh.request"].search_count([])
        mark = self.mark()
        for tenants in (self.tenant | self.tenant_b, self.tenant):
            with self.assertRaises(AccessError, msg=tenants.mapped("name")):
                self.attack(
                    self.b_user,
                    "xero.cache.refresh.request",
                    "create",
                    args=[{"tenant_ids": [Command.set(tenants.ids)], "lists": "contacts"}],
                )
        self.assertEqual(self.env["xero.cache.refresh.request"].search_count([]), requests)
        self.assertNoXeroCall(mark)
        # Its own organisation only: accepted (the test is not blind).
        created = self.attack(
            self.b_user,
            "xero.cache.refresh.request",
            "create",
            args=[{"tenant_ids": [Command.set(self.tenant_b.ids)], "lists": "currencies"}],
        )
        self.assertTrue(created)

    def test_1_refresh_summary_of_another_company_organisation_is_hidden(self):
        """``xero_manager`` works in both companies and refreshes both organisations: B's
        manager must not read A's counts in that request's summary."""
        request = (
            self.env["xero.cache.refresh.request"]
            .with_user(self.xero_manager)
            .with_context(allowed_company_ids=(self.company | self.company_b).ids)
            .create({"tenant_ids": [Command.set((self.tenant | self.tenant_b).ids)], "lists": "contacts"})
        )
        request.sudo().write(
            {
                "state": "done",
                "summary": f"{self.tenant.name}: Contacts 7 new",
                "result_json": json.dumps({str(self.tenant.id): {"contacts": {"created": 7}}}),
            }
        )
        for user in (self.b_manager, self.b_user):
            seen = self.attack(
                user, "xero.cache.refresh.request", "search_read", args=[[], ["summary", "result_json"]]
            )
            self.assertNotIn(request.id, [row["id"] for row in seen], user.login)
            with self.assertRaises(AccessError, msg=user.login):
                self.attack(
                    user, "xero.cache.refresh.request", "read", request.ids, [["summary", "result_json"]]
                )
        # Its author reads it, working in both companies.
        seen = self.attack(
            self.xero_manager,
            "xero.cache.refresh.request",
            "read",
            request.ids,
            [["summary"]],
            company=self.company | self.company_b,
        )
        self.assertIn("Contacts 7 new", seen[0]["summary"])

    def test_1_the_cron_refreshes_with_the_requesting_users_rights(self):
        """A request that names an organisation its author may not reach (smuggled in, or the
        author left that company since) is refused by the cron: no call through the
        organisation's login, nothing in the sync log in the author's name."""
        request = (
            self.env["xero.cache.refresh.request"]
            .sudo()
            .create(
                {"user_id": self.b_user.id, "tenant_ids": [Command.set(self.tenant.ids)], "lists": "contacts"}
            )
        )
        stamp = self.tenant.xero_cache_refreshed_at
        logs = self.env["xero.sync.log"].sudo().search_count([("user_id", "=", self.b_user.id)])
        mark = self.mark()
        request._process_next_tenant()
        self.assertNoXeroCall(mark)
        self.assertEqual(request.state, "failed")
        self.assertIn(self.tenant.name, request.summary)
        self.assertEqual(self.tenant.xero_cache_refreshed_at, stamp)
        self.assertEqual(
            self.env["xero.sync.log"].sudo().search_count([("user_id", "=", self.b_user.id)]), logs
        )

    # --------------------------------------------------------------------------------------
    # 2. Organisation records pointing at someone else's login
    # --------------------------------------------------------------------------------------
    def test_2_organisations_are_created_by_the_connect_flow_only(self):
        tenants = self.env["xero.tenant"].with_context(active_test=False).search_count([])
        mark = self.mark()
        for values in (
            {"name": "Stolen", "tenant_id": str(uuid.uuid4()), "connection_id": self.connection_a.id},
            {"name": "Own", "tenant_id": str(uuid.uuid4())},
        ):
            with self.refused(AccessError, "added by connecting to Xero"):
                self.attack(self.b_manager, "xero.tenant", "create", args=[values])
        self.assertEqual(self.env["xero.tenant"].with_context(active_test=False).search_count([]), tenants)
        # Nor may a manager repoint their own organisation at another login or organisation.
        for values in (
            {"connection_id": self.connection_a.id},
            {"tenant_id": self.org_a["tenantId"]},
        ):
            with self.refused(AccessError, "cannot be changed by hand"):
                self.attack(self.b_manager, "xero.tenant", "write", self.tenant_b.ids, [values])
        self.tenant_b.invalidate_recordset()
        self.assertEqual(self.tenant_b.tenant_id, self.org_b["tenantId"])
        self.assertEqual(self.tenant_b.connection_id.user_id, self.b_manager)
        # The organisation's own settings stay theirs to change (the test is not blind).
        self.attack(self.b_manager, "xero.tenant", "write", self.tenant_b.ids, [{"name": "Beta renamed"}])
        self.assertEqual(self.tenant_b.name, "Beta renamed")
        self.assertNoXeroCall(mark)

    def test_2_an_unmapped_organisation_is_seen_by_its_logins_managers_only(self):
        unmapped = (
            self.env["xero.tenant"]
            .sudo()
            .create(
                {
                    "name": "Fresh Org",
                    "tenant_id": str(uuid.uuid4()),
                    "connection_id": self.tenant_b.connection_id.id,
                }
            )
        )
        self.assertFalse(unmapped.company_ids)

        def sees(user):
            rows = self.attack(user, "xero.tenant", "search_read", args=[[], ["name"]])
            return unmapped.id in [row["id"] for row in rows]

        self.assertTrue(sees(self.b_manager), "the manager of the login's company maps it")
        self.assertFalse(sees(self.b_user), "a Xero user of that company")
        self.assertFalse(sees(self.a_manager_only), "a Xero manager of another company")
        with self.assertRaises(AccessError):
            self.attack(self.a_manager_only, "xero.tenant", "read", unmapped.ids, [["name"]])

    def test_2_a_default_of_another_organisation_is_refused(self):
        self.assertTrue(self.account_b and self.rate_b)
        before = self.tenant.xero_default_sales_account_id
        for values in (
            {"xero_default_sales_account_id": self.account_b.id},
            {"xero_default_sale_tax_rate_id": self.rate_b.id},
            {"xero_payment_account_id": self.account_b.id},
        ):
            with self.refused(ValidationError, "belongs to another Xero organisation than"):
                self.attack(self.xero_manager, "xero.tenant", "write", self.tenant.ids, [values])
        self.tenant.invalidate_recordset()
        self.assertEqual(self.tenant.xero_default_sales_account_id, before)
        # Nor on a bank account ↔ journal link.
        journal = self.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", self.company.id)], limit=1
        )
        with self.refused(ValidationError, "belongs to another Xero organisation than"):
            self.attack(
                self.xero_manager,
                "xero.journal.map",
                "create",
                args=[
                    {
                        "tenant_id": self.tenant.id,
                        "xero_account_id": self.account_b.id,
                        "journal_id": journal.id,
                    }
                ],
            )

    # --------------------------------------------------------------------------------------
    # 3. Another organisation's item, tax rate or account on a line or a mapping
    # --------------------------------------------------------------------------------------
    def test_3_another_organisations_record_on_a_line_is_refused_with_a_sentence(self):
        move = self.make_move(post=False)
        line = move.invoice_line_ids
        mark = self.mark()
        for values in ({"xero_item_id": self.item_b.id}, {"xero_tax_rate_id": self.rate_b.id}):
            # B's cache is hidden from A's Xero user: the refusal is still the sentence, not an
            # access error.
            with self.assertRaises(ValidationError) as refused:
                self.attack(self.xero_user, "account.move.line", "write", line.ids, [values])
            self.assertIn("belongs to another Xero organisation than", str(refused.exception))
            self.assertIn(self.tenant.name, str(refused.exception))
            self.assertNotIn("BETA-ITEM", str(refused.exception), "B's record is not named to A's user")
            # Through the invoice form (the lines' one2many), likewise.
            with self.refused(ValidationError, "belongs to another Xero organisation than"):
                self.attack(
                    self.xero_user,
                    "account.move",
                    "write",
                    move.ids,
                    [{"invoice_line_ids": [Command.update(line.id, values)]}],
                )
        line.invalidate_recordset()
        self.assertFalse(line.xero_item_id)
        self.assertEqual(line.xero_tax_rate_id.tenant_id, self.tenant)
        # A mapping likewise, for a manager who sees both organisations.
        unmapped_tax = self.env["account.tax"].create(
            {"name": "Walls 5%", "amount": 5, "type_tax_use": "sale"}
        )
        with self.refused(ValidationError, "belongs to another Xero organisation than"):
            self.attack(
                self.xero_manager,
                "xero.tax.map",
                "create",
                args=[
                    {"tenant_id": self.tenant.id, "tax_id": unmapped_tax.id, "tax_rate_id": self.rate_b.id}
                ],
            )
        self.assertNoXeroCall(mark)

    # --------------------------------------------------------------------------------------
    # 4. People without Xero rights touch Xero
    # --------------------------------------------------------------------------------------
    def test_4_xero_balances_are_read_by_xero_users_only(self):
        binding = self.customer._xero_bindings(self.tenant)[self.customer.id]
        binding.sudo().write({"xero_receivable": 1234.5, "xero_balances_at": fields.Datetime.now()})
        for user in (self.clerk, self.a_purchaser):
            for fname in ("xero_receivable", "xero_payable", "xero_balances_at"):
                with self.assertRaises(AccessError, msg=f"{user.login} {fname}"):
                    self.attack(user, "res.partner", "read", self.customer.ids, [[fname]])
            rows = self.attack(
                user, "res.partner", "search_read", args=[[("id", "=", self.customer.id)], ["name"]]
            )
            self.assertEqual(rows[0]["name"], self.customer.name, "the partner itself stays readable")
        seen = self.attack(self.xero_user, "res.partner", "read", self.customer.ids, [["xero_receivable"]])
        self.assertEqual(seen[0]["xero_receivable"], 1234.5)

    def make_po(self):
        product = self.env["product.product"].create(
            {"name": "Walls chair", "type": "consu", "purchase_method": "purchase", "standard_price": 90}
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
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

    def xero_po(self, order):
        return next(po for po in self.in_xero("PurchaseOrders") if po["PurchaseOrderID"] == order.xero_id)

    def test_4_a_purchase_user_without_xero_rights_cannot_delete_in_xero(self):
        self.send_purchase_orders_by_hand("W")
        order = self.make_po()
        order.action_xero_export()
        self.assertEqual(self.xero_po(order)["Status"], "DRAFT")
        mark = self.mark()
        with self.refused(AccessError, "cancelling it here deletes it there: only Xero users"):
            self.attack(self.a_purchaser, "purchase.order", "button_cancel", order.ids)
        self.assertNoXeroCall(mark)
        order.invalidate_recordset()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(self.xero_po(order)["Status"], "DRAFT")
        # A purchase user who is a Xero user does cancel it, and it goes in Xero too.
        self.attack(self.a_buyer, "purchase.order", "button_cancel", order.ids)
        order.invalidate_recordset()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.xero_po(order)["Status"], "DELETED")
