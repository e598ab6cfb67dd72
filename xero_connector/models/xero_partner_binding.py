"""Partner ↔ Xero contact, per organisation (M-Power's "company → contact mapping").

The link is a record of its own, ``xero.partner.binding`` (the OCA connector's binding idea),
rather than a ``partner_id`` column on the cached ``xero.contact``: an export needs somewhere to
keep its Idempotency-Key and its last error *before* any Xero contact exists, a bulk export
writes each partner's outcome back per organisation, and the partner's Xero tab lists one line
per organisation whether or not a contact is linked yet. The cache stays what the refresh
writes, and a refresh never touches a mapping."""

from odoo import _, api, fields, models

from .xero_document_mixin import xero_check_link_write
from .xero_mapping_mixin import check_tenant_change
from .xero_tenant_guard import check_same_tenant


class XeroPartnerBinding(models.Model):
    """One partner (commercial entity) ↔ at most one Xero contact in one organisation."""

    _name = "xero.partner.binding"
    _description = "Partner ↔ Xero contact"
    _order = "tenant_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", required=True, ondelete="cascade", index=True
    )
    contact_id = fields.Many2one(
        "xero.contact",
        string="Xero contact",
        ondelete="set null",
        index="btree_not_null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    contact_status = fields.Char(related="contact_id.xero_status", string="Status in Xero")
    contact_email = fields.Char(related="contact_id.email", string="Email in Xero")
    state = fields.Selection(
        [("linked", "Linked"), ("error", "Error"), ("none", "Not selected")],
        compute="_compute_state",
    )
    export_key = fields.Char(
        "Last Idempotency-Key",
        readonly=True,
        copy=False,
        help="Sent with the last create or update: Xero answers a repeat with the first result.",
    )
    last_error = fields.Text(readonly=True, copy=False)
    last_sync_at = fields.Datetime("Last sent to Xero", readonly=True, copy=False)
    # What the contact owes and is owed in Xero (OpenCRM's "Update all Invoice Balances"),
    # read by res.partner._xero_update_balances (res_partner_balance.py).
    xero_receivable = fields.Float("Owes in Xero", readonly=True, digits=(16, 2), copy=False)
    xero_receivable_overdue = fields.Float("Overdue in Xero", readonly=True, digits=(16, 2), copy=False)
    xero_payable = fields.Float("We owe in Xero", readonly=True, digits=(16, 2), copy=False)
    xero_payable_overdue = fields.Float("We owe, overdue, in Xero", readonly=True, digits=(16, 2), copy=False)
    xero_balances_at = fields.Datetime("Balances read", readonly=True, copy=False)

    _sql_constraints = [
        (
            "partner_tenant_unique",
            "unique(partner_id, tenant_id)",
            "A partner maps to one Xero contact per organisation.",
        ),
        # NULLs are distinct in a unique index: partners without a contact yet do not clash.
        ("contact_unique", "unique(contact_id)", "A Xero contact maps to one partner only."),
    ]

    @api.depends("contact_id", "last_error")
    def _compute_state(self):
        for binding in self:
            binding.state = "linked" if binding.contact_id else ("error" if binding.last_error else "none")

    @api.constrains("contact_id", "tenant_id")
    def _check_contact_tenant(self):
        for binding in self:
            check_same_tenant(
                binding.partner_id.display_name, binding.tenant_id, [(_("Xero contact"), binding.contact_id)]
            )

    # ------------------------------------------------------------------------------------
    # CRUD: record rules check a new binding against the caller's companies, but not a write
    # that moves one to another organisation; the balances (``xero_*``) are written by the
    # balances update only, like a document's link fields.
    # ------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        xero_check_link_write(self, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        xero_check_link_write(self, [vals])
        check_tenant_change(self, vals)
        return super().write(vals)

    # ------------------------------------------------------------------------------------
    # Actions (rows of the partner's Xero tab)
    # ------------------------------------------------------------------------------------
    def action_export_contact(self):
        self.ensure_one()
        return self.partner_id.with_context(xero_tenant_id=self.tenant_id.id).action_xero_export_contact()

    def action_update_contact(self):
        self.ensure_one()
        return self.partner_id.with_context(xero_tenant_id=self.tenant_id.id).action_xero_update_contact()

    def action_unlink_contact(self):
        """Forget the link (nothing changes in Xero)."""
        self.env["xero.access"]._xero_check_access("user", self, "write")
        for binding in self:
            binding.partner_id._xero_map_contact(binding.tenant_id, self.env["xero.contact"])
        return True
