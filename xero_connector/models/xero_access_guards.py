"""Records hanging off an organisation (partner ↔ contact links, mappings, bank account ↔
journal links): record rules check a new record against the caller's companies, but not a
write that moves an existing one to another organisation. That move is checked here."""

from odoo import api, models

from .xero_document_mixin import xero_check_link_write


def check_tenant_change(records, vals):
    if "tenant_id" in vals and vals["tenant_id"] and not records.env.su:
        tenant = records.env["xero.tenant"].browse(vals["tenant_id"])
        records.env["xero.access"]._xero_check_access("user", tenant)


class XeroPartnerBinding(models.Model):
    _inherit = "xero.partner.binding"

    # The balances read from Xero (stored, read-only ``xero_*``) are written by the balances
    # update only, like a document's link fields.
    @api.model_create_multi
    def create(self, vals_list):
        xero_check_link_write(self, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        xero_check_link_write(self, [vals])
        check_tenant_change(self, vals)
        return super().write(vals)


class XeroMappingMixin(models.AbstractModel):
    _inherit = "xero.mapping.mixin"

    def write(self, vals):
        check_tenant_change(self, vals)
        return super().write(vals)
