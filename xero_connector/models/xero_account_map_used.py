"""The Xero account a mapped Odoo account's lines really go to: the mapping's own account,
else the organisation's default sales or purchase account. The accounts list shows it, so an
account left to the default no longer reads as a problem while Mapping health calls it mapped
(both ask ``account.account._xero_accounts``)."""

from odoo import fields, models


class XeroAccountMap(models.Model):
    _inherit = "xero.account.map"

    xero_used_account_id = fields.Many2one(
        "xero.account",
        string="Sent to Xero as",
        compute="_compute_xero_used_account_id",
        help="The Xero account this account's lines go to: the one chosen here, else the organisation's "
        "default sales or purchase account. Empty: lines on this account cannot be exported.",
    )

    def _compute_xero_used_account_id(self):
        for tenant, mappings in self.grouped("tenant_id").items():
            used = mappings.account_id._xero_accounts(tenant) if tenant else {}
            for mapping in mappings:
                mapping.xero_used_account_id = used.get(mapping.account_id.id) or False
