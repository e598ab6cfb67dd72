"""Analytic accounts ↔ Xero tracking options, per organisation."""

from odoo import fields, models


class AccountAnalyticAccount(models.Model):
    _inherit = "account.analytic.account"

    xero_tracking_map_ids = fields.One2many(
        "xero.tracking.map", "analytic_account_id", string="Xero tracking options"
    )

    def _xero_tracking_options(self, tenant):
        """{analytic account id: tracking option} in ``tenant`` (empty record when unmapped)."""
        maps = self.env["xero.tracking.map"].search(
            [("tenant_id", "=", tenant.id), ("analytic_account_id", "in", self.ids)]
        )
        by_account = {m.analytic_account_id.id: m.option_id.filtered("active") for m in maps}
        return {
            account.id: by_account.get(account.id) or self.env["xero.tracking.option"] for account in self
        }

    def _xero_tracking(self, tenant):
        """The tracking option (with its category) a line on this analytic account carries in
        ``tenant``, or an empty record."""
        self.ensure_one()
        return self._xero_tracking_options(tenant)[self.id]
