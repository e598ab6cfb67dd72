from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_tenant_id = fields.Many2one(
        "xero.tenant",
        string="Xero organisation",
        ondelete="set null",
        help="The Xero organisation this company's invoices, bills and purchase orders go to.",
    )
