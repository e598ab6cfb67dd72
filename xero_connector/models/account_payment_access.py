from odoo import api, models

from .xero_document_mixin import xero_check_link_write


class AccountPayment(models.Model):
    """A payment's Xero link (Xero payment id, organisation, deleted-in-Xero flag, problem) is
    written only by the payment sync and the push to Xero, never by a user."""

    _inherit = "account.payment"

    @api.model_create_multi
    def create(self, vals_list):
        xero_check_link_write(self, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        xero_check_link_write(self, [vals])
        return super().write(vals)
