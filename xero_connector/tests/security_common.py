"""What the security test classes share: company B mapped to organisation B, connected by
its own accounting manager, and the attacker's tools (an RPC call in the attacker's own
environment, and the check that no call reached the Xero sandbox)."""

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError

from .test_payments import XeroPaymentCase


class XeroSecurityCase(XeroPaymentCase):
    """XeroPaymentCase plus a company B (``company_b``, named ``company_b_name``) whose
    accounting manager (``b_manager``) connected organisation B (``tenant_b``), B's Xero user
    (``b_user``, in ``b_user_groups``) and the connection of company A's Xero manager
    (``connection_a``). Logins start with the class's ``login_prefix``."""

    company_b_name = None
    login_prefix = None
    b_user_groups = "base.group_user,account.group_account_invoice,xero_connector.group_xero_user"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.second_company(cls.company_b_name)
        cls.b_user = cls.user_in(f"{cls.login_prefix}_b_user", cls.b_user_groups, cls.company_b)
        cls.connection_a = cls.env["xero.connection"].search([("user_id", "=", cls.xero_manager.id)])
        cls.connect_company_b(f"{cls.login_prefix}_b_manager")

    @classmethod
    def connect_company_b(cls, manager_login):
        cls.b_manager = cls.user_in(
            manager_login, "base.group_user,account.group_account_manager", cls.company_b
        )
        connection_b = cls.connect_directly(cls.b_manager, [cls.org_b["tenantId"]])
        cls.tenant_b = connection_b.tenant_ids.filtered(lambda t: t.tenant_id == cls.org_b["tenantId"])
        cls.company_b.xero_tenant_id = cls.tenant_b

    # --------------------------------------------------------------------------------------
    def mark(self):
        return self.sandbox.calls(since=10**12)["next"]

    def assertNoXeroCall(self, mark):
        self.assertEqual(self.sandbox.calls(since=mark)["log"], [], "no call may reach Xero")

    def assertInvoiceRefusedIn(self, user, tenant):
        """``user`` creating, over RPC in their own company, an invoice for ``tenant`` is
        refused and no invoice is made (as over RPC, the refused request's transaction is
        rolled back: here a savepoint)."""
        before = self.env["account.move"].search_count([])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.attack(
                user,
                "account.move",
                "create",
                args=[
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.customer.id,
                        "xero_tenant_id": tenant.id,
                        "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 10})],
                    }
                ],
                company=user.company_id,
            )
        self.assertEqual(self.env["account.move"].search_count([]), before)

    def attack(self, user, model, method, ids=None, args=(), kwargs=None, company=None):
        """What /web/dataset/call_kw does for ``user``: browse ``ids`` in their environment and
        call the public ``method``."""
        env = self.env(user=user, context={"allowed_company_ids": (company or user.company_id).ids})
        call_args = [ids, *args] if ids is not None else list(args)
        return call_kw(env[model], method, call_args, kwargs or {})
