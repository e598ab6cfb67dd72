from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestCompanyMapping(XeroSandboxCase):
    """One Xero organisation per Odoo company; documents follow their company, with M-Power's
    per-document override for Xero managers until the document is exported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.two_companies("Beta Company")
        cls.partner = cls.env["res.partner"].create({"name": "Customer of both"})
        cls.xero_user = cls.user_in(
            "xero_user",
            "base.group_user,account.group_account_invoice,purchase.group_purchase_user,"
            "xero_connector.group_xero_user",
            cls.company_a,
            cls.company_b,
        )

    def _connect_both(self):
        self.connect(tenants=[self.org_a["tenantId"], self.org_b["tenantId"]])
        tenants = self.connection_of(self.xero_manager).tenant_ids
        by_id = {t.tenant_id: t for t in tenants}
        return by_id[self.org_a["tenantId"]], by_id[self.org_b["tenantId"]]

    def _map(self, company, tenant):
        """What an administrator does in that company's Settings > Xero block."""
        settings = self.env["res.config.settings"].with_company(company).create({})
        settings.xero_tenant_id = tenant
        settings.execute()

    def _invoice(self, company, user=None):
        env = self.env(user=user) if user else self.env
        return (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Consulting", "quantity": 1, "price_unit": 100})
                    ],
                }
            )
        )

    def test_each_company_documents_carry_its_organisation(self):
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        self._map(self.company_b, tenant_b)
        self.assertEqual(self.company_a.xero_tenant_id, tenant_a)
        self.assertEqual(self.company_b.xero_tenant_id, tenant_b)

        self.assertEqual(self._invoice(self.company_a).xero_tenant_id, tenant_a)
        self.assertEqual(self._invoice(self.company_b).xero_tenant_id, tenant_b)
        bill = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create({"move_type": "in_invoice", "partner_id": self.partner.id})
        )
        self.assertEqual(bill.xero_tenant_id, tenant_b)
        order = (
            self.env["purchase.order"].with_company(self.company_b).create({"partner_id": self.partner.id})
        )
        self.assertEqual(order.xero_tenant_id, tenant_b)
        self.assertEqual(
            sorted(tenant_a.company_ids.ids + tenant_b.company_ids.ids),
            sorted([self.company_a.id, self.company_b.id]),
        )

    def test_a_xero_manager_overrides_one_document(self):
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        invoice = self._invoice(self.company_a)
        invoice.with_user(self.xero_manager).xero_tenant_id = tenant_b
        self.assertEqual(invoice.xero_tenant_id, tenant_b)
        # The override is for this document only.
        self.assertEqual(self._invoice(self.company_a).xero_tenant_id, tenant_a)

    def test_a_xero_user_cannot_override(self):
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        invoice = self._invoice(self.company_a, user=self.xero_user)
        self.assertEqual(invoice.xero_tenant_id, tenant_a)
        with self.assertRaisesRegex(AccessError, "Only Xero managers"):
            invoice.with_user(self.xero_user).xero_tenant_id = tenant_b
        # Other edits of the document stay possible for them.
        invoice.with_user(self.xero_user).ref = "PO 42"

    def test_nobody_changes_the_organisation_once_exported(self):
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        invoice = self._invoice(self.company_a)
        invoice.write({"xero_id": "7f1c4a4e-0000-4000-8000-000000000001"})
        with self.assertRaisesRegex(UserError, "already exported"):
            invoice.with_user(self.xero_manager).xero_tenant_id = tenant_b
        # Re-mapping the company later does not move exported documents either.
        self._map(self.company_a, tenant_b)
        self.assertEqual(invoice.xero_tenant_id, tenant_a)
        self.assertEqual(self._invoice(self.company_a).xero_tenant_id, tenant_b)

    def test_company_b_user_sees_neither_company_a_logins_nor_its_organisation(self):
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        self._map(self.company_b, tenant_b)
        b_only = self.user_in("b_only", "base.group_user,xero_connector.group_xero_manager", self.company_b)
        Tenant = self.env["xero.tenant"].with_user(b_only)
        self.assertEqual(Tenant.search([]), tenant_b)
        with self.assertRaises(AccessError):
            tenant_a.with_user(b_only).read(["name"])
        self.assertFalse(self.env["xero.connection"].with_user(b_only).search([]))
        with self.assertRaises(AccessError):
            self.connection_of(self.xero_manager).with_user(b_only).read(["name"])

    def test_unmapped_organisations_are_offered_to_their_logins_company_managers(self):
        """An organisation just connected, not mapped yet, is for the Xero managers of the
        company of the login that connected it to map; nobody else sees it (issue 20)."""
        tenant_a, tenant_b = self._connect_both()
        self._map(self.company_a, tenant_a)
        self.assertEqual(self.connection_of(self.xero_manager).company_id, self.company_a)
        b_only = self.user_in("b_only2", "base.group_user,xero_connector.group_xero_manager", self.company_b)
        self.assertFalse(self.env["xero.tenant"].with_user(b_only).search([]))
        a_manager = self.user_in(
            "a_only2", "base.group_user,xero_connector.group_xero_manager", self.company_a
        )
        self.assertLessEqual(tenant_a | tenant_b, self.env["xero.tenant"].with_user(a_manager).search([]))
        a_user = self.user_in("a_user2", "base.group_user,xero_connector.group_xero_user", self.company_a)
        self.assertEqual(self.env["xero.tenant"].with_user(a_user).search([]), tenant_a)
