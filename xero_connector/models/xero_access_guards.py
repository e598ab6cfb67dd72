"""Records hanging off an organisation (partner ↔ contact links, mappings, bank account ↔
journal links): record rules check a new record against the caller's companies, but not a
write that moves an existing one to another organisation. ``check_tenant_change`` checks that
move; the partner bindings and the mappings call it from their own ``write``."""

from odoo import models


def check_tenant_change(records, vals):
    if "tenant_id" in vals and vals["tenant_id"] and not records.env.su:
        tenant = records.env["xero.tenant"].browse(vals["tenant_id"])
        records.env["xero.access"]._xero_check_access("user", tenant)


class XeroJournalMap(models.Model):
    _inherit = "xero.journal.map"

    def write(self, vals):
        check_tenant_change(self, vals)
        return super().write(vals)
