"""Which Odoo journal a Xero bank account's payments land in, and the other way round."""

from odoo import _, api, fields, models

from .xero_mapping_mixin import check_tenant_change
from .xero_tenant_guard import check_same_tenant


class XeroJournalMap(models.Model):
    """A Xero bank account ↔ an Odoo bank or cash journal, per organisation: Xero payments
    into that account land in that journal, and Odoo payments from that journal go to that
    account."""

    _name = "xero.journal.map"
    _description = "Xero bank account ↔ Odoo journal"

    tenant_id = fields.Many2one("xero.tenant", "Organisation", required=True, ondelete="cascade", index=True)
    xero_account_id = fields.Many2one(
        "xero.account",
        "Xero bank account",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id), '|', ('is_bank', '=', True), ('enable_payments_to_account', '=', True)]",
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Odoo journal",
        required=True,
        ondelete="cascade",
        domain="[('type', 'in', ('bank', 'cash'))]",
    )

    _sql_constraints = [
        ("account_unique", "unique(tenant_id, xero_account_id)", "This Xero account is mapped already."),
        ("journal_unique", "unique(tenant_id, journal_id)", "This journal is mapped already."),
    ]

    @api.constrains("xero_account_id", "tenant_id")
    def _check_xero_account_tenant(self):
        for mapping in self:
            check_same_tenant(
                mapping.journal_id.display_name,
                mapping.tenant_id,
                [(_("Xero bank account"), mapping.xero_account_id)],
            )

    def write(self, vals):
        # Record rules check a new link against the caller's companies, not a move to another
        # organisation: that move is checked here.
        check_tenant_change(self, vals)
        return super().write(vals)

    @api.model
    def _xero_journal_for(self, tenant, xero_account):
        """The Odoo journal for ``tenant``'s payments into ``xero_account`` (its mapping, else
        the organisation's default journal)."""
        tenant.ensure_one()
        mapped = tenant.xero_journal_map_ids.filtered(lambda m: m.xero_account_id == xero_account)
        return mapped[:1].journal_id or tenant.xero_payment_journal_id

    @api.model
    def _xero_account_for(self, tenant, journal):
        """The Xero account ``tenant``'s payments from ``journal`` go to (its mapping, else the
        organisation's default Xero bank account)."""
        tenant.ensure_one()
        mapped = tenant.xero_journal_map_ids.filtered(lambda m: m.journal_id == journal)
        return mapped[:1].xero_account_id or tenant.xero_payment_account_id
