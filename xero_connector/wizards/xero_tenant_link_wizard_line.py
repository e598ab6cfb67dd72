from odoo import fields, models


class XeroTenantLinkWizardLine(models.TransientModel):
    _name = "xero.tenant.link.wizard.line"
    _description = "Xero organisation granted to a login"

    wizard_id = fields.Many2one("xero.tenant.link.wizard", required=True, ondelete="cascade")
    name = fields.Char("Organisation", readonly=True)
    tenant_ref = fields.Char("Xero tenant id", readonly=True)
    tenant_id = fields.Many2one("xero.tenant", readonly=True)
    linked = fields.Boolean(readonly=True)
