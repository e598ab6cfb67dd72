"""Settings > Xero: the company's default branding theme (``res_company_branding.py``)."""

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_branding_theme_id = fields.Many2one(
        related="company_id.xero_branding_theme_id",
        readonly=False,
        domain="[('tenant_id', '=', xero_tenant_id), ('active', '=', True)]",
    )
