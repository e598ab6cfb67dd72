"""*Create in Xero* from the mapping screens: an Odoo account or tax becomes Xero's and is
mapped; what Xero refuses comes back in its own words."""

import uuid

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestCreateInXero(XeroExportCase):
    def in_xero(self, resource="Accounts"):
        return self.sandbox.dump(self.org_a["tenantId"], resource)

    def account(self, code, account_type="income_other", name=None):
        return self.env["account.account"].create(
            {"code": code, "name": name or f"Consulting {uuid.uuid4().hex[:6]}", "account_type": account_type}
        )

    def test_account_created_in_xero_and_mapped(self):
        code = f"9{uuid.uuid4().int % 10**5:05d}"
        account = self.account(code)
        mapping = self.env["xero.account.map"].create({"tenant_id": self.tenant.id, "account_id": account.id})
        mapping.with_user(self.xero_manager).action_xero_create_in_xero()
        in_xero = [a for a in self.in_xero() if a.get("Code") == code]
        self.assertEqual(len(in_xero), 1)
        self.assertEqual(in_xero[0]["Name"], account.name)
        self.assertEqual(in_xero[0]["Type"], "OTHERINCOME")
        self.assertEqual(mapping.xero_account_id.xero_id, in_xero[0]["AccountID"])
        self.assertEqual(mapping.xero_account_code, code)

    def test_account_xero_refuses_with_its_words(self):
        taken = next(a for a in self.in_xero() if a.get("Code") == "200")
        account = self.account(f"8{uuid.uuid4().int % 10**5:05d}", name=taken["Name"])
        mapping = self.env["xero.account.map"].create({"tenant_id": self.tenant.id, "account_id": account.id})
        with self.assertRaisesRegex(UserError, "Please enter a unique Name"):
            mapping.with_user(self.xero_manager).action_xero_create_in_xero()
        self.assertFalse(mapping.xero_account_id)

    def test_account_odoo_refuses_what_xero_would(self):
        receivable = self.account(f"7{uuid.uuid4().int % 10**5:05d}", account_type="asset_receivable")
        long_code = self.account("1234567890AB")
        for account, text in ((receivable, "Xero keeps its own"), (long_code, "at most 10")):
            mapping = self.env["xero.account.map"].create(
                {"tenant_id": self.tenant.id, "account_id": account.id}
            )
            mark = self.sandbox.calls(since=10**12)["next"]
            with self.assertRaisesRegex(UserError, text):
                mapping.with_user(self.xero_manager).action_xero_create_in_xero()
            self.assertFalse(self.sandbox.calls(since=mark)["log"], "nothing sent")

    def test_tax_rate_with_components_created_and_mapped(self):
        name = f"Levy {uuid.uuid4().hex[:6]}"
        parts = self.env["account.tax"].create(
            [
                {"name": f"{name} state", "amount": 5, "type_tax_use": "none"},
                {"name": f"{name} city", "amount": 2.5, "type_tax_use": "none"},
            ]
        )
        tax = self.env["account.tax"].create(
            {
                "name": name,
                "amount_type": "group",
                "type_tax_use": "sale",
                "children_tax_ids": [(6, 0, parts.ids)],
            }
        )
        mapping = self.env["xero.tax.map"].create({"tenant_id": self.tenant.id, "tax_id": tax.id})
        mapping.with_user(self.xero_manager).action_xero_create_in_xero()
        rate = next(r for r in self.in_xero("TaxRates") if r["Name"] == name)
        self.assertEqual([c["Rate"] for c in rate["TaxComponents"]], [5, 2.5])
        self.assertEqual(rate["EffectiveRate"], 7.5)
        self.assertEqual(mapping.tax_rate_id.tax_type, rate["TaxType"])

    def test_tax_rate_name_taken_is_refused_by_xero(self):
        taken = self.in_xero("TaxRates")[0]["Name"]
        tax = self.env["account.tax"].create({"name": taken, "amount": 3, "type_tax_use": "purchase"})
        mapping = self.env["xero.tax.map"].create({"tenant_id": self.tenant.id, "tax_id": tax.id})
        with self.assertRaisesRegex(UserError, "Please enter a unique Name"):
            mapping.with_user(self.xero_manager).action_xero_create_in_xero()
        self.assertFalse(mapping.tax_rate_id)
