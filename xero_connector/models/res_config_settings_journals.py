"""Settings › Xero › Balances as manual journals."""

from odoo import fields, models
from odoo.exceptions import UserError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_journals_enabled = fields.Boolean(related="company_id.xero_journals_enabled", readonly=False)
    xero_journals_journal_ids = fields.Many2many(
        related="company_id.xero_journals_journal_ids", readonly=False
    )
    xero_journals_cogs_lines = fields.Boolean(related="company_id.xero_journals_cogs_lines", readonly=False)
    xero_journals_start_date = fields.Date(related="company_id.xero_journals_start_date", readonly=False)
    xero_journals_hour = fields.Integer(related="company_id.xero_journals_hour", readonly=False)
    xero_journals_problems = fields.Text(related="company_id.xero_journals_problems")
    xero_journals_synced_at = fields.Datetime(related="company_id.xero_tenant_id.xero_journals_synced_at")

    def action_xero_sync_journals(self):
        """Synchronize now, for this company's organisation (saving the settings first)."""
        self.ensure_one()
        tenant = self.company_id.xero_tenant_id
        # Checked before the settings are saved: nothing is written for another company's organisation.
        self.env["xero.access"]._xero_check_access("manager", tenant, "write")
        self.execute()
        if not tenant:
            raise UserError(self.env._("Choose the Xero organisation of %s first.", self.company_id.name))
        return tenant.action_xero_sync_journals()
