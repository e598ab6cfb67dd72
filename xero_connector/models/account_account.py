"""Odoo accounts ↔ Xero account codes, per organisation."""

from odoo import fields, models


class AccountAccount(models.Model):
    _inherit = "account.account"

    xero_account_map_ids = fields.One2many("xero.account.map", "account_id", string="Xero accounts")

    def _xero_accounts(self, tenant):
        """{account id: Xero account} for these accounts in ``tenant``: the mapped account, else
        the organisation's default sales account (income accounts) or purchase account
        (expense accounts), else an empty record. One query."""
        maps = self.env["xero.account.map"].search(
            [("tenant_id", "=", tenant.id), ("account_id", "in", self.ids)]
        )
        by_account = {m.account_id.id: m.xero_account_id.filtered("active") for m in maps}
        return {
            account.id: by_account.get(account.id) or tenant._xero_default_account(account.internal_group)
            for account in self
        }

    def _xero_account_code(self, tenant):
        """The Xero account code for lines on this account in ``tenant``, or False."""
        self.ensure_one()
        return self._xero_accounts(tenant)[self.id].code or False
