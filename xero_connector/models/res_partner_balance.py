"""OpenCRM's "Update all Invoice Balances": what a customer owes (and is owed) in Xero, next
to what Odoo says, per organisation. Read from the contact's ``Balances`` (Xero gives them when
a contact is fetched by id or in pages), 50 contacts per call."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..utils import notification


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_receivable = fields.Float(
        "Owes in Xero",
        compute="_compute_xero_balances",
        digits=(16, 2),
        groups="xero_connector.group_xero_user",
        help="Outstanding on approved sales invoices in the organisation of the current company, less "
        "unallocated credit, as Xero said when balances were last updated (in the documents' currencies).",
    )
    xero_receivable_overdue = fields.Float(
        "Overdue in Xero",
        compute="_compute_xero_balances",
        digits=(16, 2),
        groups="xero_connector.group_xero_user",
    )
    xero_payable = fields.Float(
        "We owe in Xero",
        compute="_compute_xero_balances",
        digits=(16, 2),
        groups="xero_connector.group_xero_user",
    )
    xero_balances_at = fields.Datetime(
        "Balances read from Xero", compute="_compute_xero_balances", groups="xero_connector.group_xero_user"
    )

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.xero_binding_ids.xero_receivable",
        "commercial_partner_id.xero_binding_ids.xero_payable",
        "commercial_partner_id.xero_binding_ids.xero_balances_at",
    )
    def _compute_xero_balances(self):
        """Xero users only (the fields' group): the bindings are read with their rights, so
        the balances shown are those of an organisation of their companies."""
        tenant = self.env.company.xero_tenant_id
        bindings = {}
        if tenant:
            bindings = {
                b.partner_id.id: b
                for b in self.env["xero.partner.binding"].search(
                    [("tenant_id", "=", tenant.id), ("partner_id", "in", self.commercial_partner_id.ids)]
                )
            }
        for partner in self:
            binding = bindings.get(partner.commercial_partner_id.id)
            partner.xero_receivable = binding.xero_receivable if binding else 0.0
            partner.xero_receivable_overdue = binding.xero_receivable_overdue if binding else 0.0
            partner.xero_payable = binding.xero_payable if binding else 0.0
            partner.xero_balances_at = binding.xero_balances_at if binding else False

    def action_xero_update_balances(self):
        """Partner form and list (bulk): read the partners' balances from Xero."""
        updated, calls = 0, 0
        for tenant, partners in self._xero_checked_tenant_groups().items():
            tenant_updated, tenant_calls = partners._xero_update_balances(tenant)
            updated += tenant_updated
            calls += tenant_calls
        if not updated:
            raise UserError(
                _("None of these partners has a Xero contact yet: export or map them first (Xero tab).")
            )
        return notification(
            _("Xero"),
            _(
                "Balances of %(count)s partner(s) read from Xero (%(calls)s call(s)).",
                count=updated,
                calls=calls,
            ),
            "success",
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _xero_update_balances(self, tenant):
        """(partners updated, calls): one paged read of up to 50 contacts per call (``IDs=``)."""
        bindings = (
            self.env["xero.partner.binding"]
            .sudo()
            .search(
                [
                    ("tenant_id", "=", tenant.id),
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("contact_id", "!=", False),
                ]
            )
        )
        by_contact = {b.contact_id.xero_id: b for b in bindings}
        ids = sorted(by_contact)
        calls = 0
        now = fields.Datetime.now()
        pages = tenant._xero_documents(
            "Contacts", _("reading contact balances"), ids=ids, params={"include_archived": True}
        )
        for docs in pages:
            calls += 1
            for contact in docs:
                binding = by_contact.get(contact.get("ContactID"))
                balances = contact.get("Balances") or {}
                if not binding:
                    continue
                receivable = balances.get("AccountsReceivable") or {}
                payable = balances.get("AccountsPayable") or {}
                binding.write(
                    {
                        "xero_receivable": receivable.get("Outstanding") or 0.0,
                        "xero_receivable_overdue": receivable.get("Overdue") or 0.0,
                        "xero_payable": payable.get("Outstanding") or 0.0,
                        "xero_payable_overdue": payable.get("Overdue") or 0.0,
                        "xero_balances_at": now,
                    }
                )
        return len(bindings), calls
