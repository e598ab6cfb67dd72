"""Records hanging off an organisation (partner ↔ contact links, mappings, bank account ↔
journal links): record rules check a new record against the caller's companies, but not a
write that moves an existing one to another organisation. ``check_tenant_change`` checks that
move (defined with the mappings, xero_mapping_mixin.py); the partner bindings and the
mappings call it from their own ``write``."""

from odoo import models

from .xero_mapping_mixin import check_tenant_change


class XeroJournalMap(models.Model):
    _inherit = "xero.journal.map"

    def write(self, vals):
        check_tenant_change(self, vals)
        return super().write(vals)
