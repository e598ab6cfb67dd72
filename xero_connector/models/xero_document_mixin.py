from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class XeroDocumentMixin(models.AbstractModel):
    """What invoices, credit notes, bills and purchase orders share: the Xero organisation
    they go to (from their company, with M-Power's per-document override) and the link to
    the document once it exists in Xero."""

    _name = "xero.document.mixin"
    _description = "Document exported to Xero"

    xero_tenant_id = fields.Many2one(
        "xero.tenant",
        string="Xero organisation",
        compute="_compute_xero_tenant_id",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
        ondelete="restrict",
        help="Where this document is exported: its company's Xero organisation unless a Xero manager "
        "overrides it for this document. Fixed once the document is exported.",
    )
    xero_id = fields.Char("Xero id", copy=False, readonly=True, index="btree_not_null")
    xero_export_date = fields.Datetime("Exported to Xero", copy=False, readonly=True)
    xero_contact_id = fields.Many2one(
        "xero.contact",
        string="Xero contact",
        compute="_compute_xero_contact_id",
        inverse="_inverse_xero_contact_id",
        domain="[('tenant_id', '=', xero_tenant_id), ('active', '=', True)]",
        help="The Xero contact of this document's partner (its company) in the document's Xero "
        "organisation. Picking one here remembers it for that partner and organisation.",
    )

    @api.depends("company_id.xero_tenant_id")
    def _compute_xero_tenant_id(self):
        for document in self:
            if not document.xero_id:
                document.xero_tenant_id = document.company_id.xero_tenant_id

    @api.depends("partner_id.commercial_partner_id", "xero_tenant_id")
    def _compute_xero_contact_id(self):
        """Read from the partner's mapping rather than stored on the document: a contact
        mapped or exported later shows on every open document of that partner at once."""
        Binding = self.env["xero.partner.binding"].sudo()
        by_key = {}
        for tenant in self.xero_tenant_id:
            partners = self.filtered(
                lambda d, t=tenant: d.xero_tenant_id == t
            ).partner_id.commercial_partner_id
            for binding in Binding.search(
                [("tenant_id", "=", tenant.id), ("partner_id", "in", partners.ids)]
            ):
                by_key[tenant.id, binding.partner_id.id] = binding.contact_id.id
        for document in self:
            key = (document.xero_tenant_id.id, document.partner_id.commercial_partner_id.id)
            document.xero_contact_id = by_key.get(key, False)

    def _inverse_xero_contact_id(self):
        """Remember the contact picked on a document for its partner and organisation.
        "Not selected" on a document does not forget a mapping (unmap on the partner)."""
        for document in self:
            partner = document.partner_id.commercial_partner_id
            tenant = document.xero_tenant_id
            contact = document.xero_contact_id
            if document.xero_id or not contact or not partner or not tenant:
                continue
            if partner._xero_contact(tenant) != contact:
                partner._xero_map_contact(tenant, contact)

    def action_xero_export_partner(self):
        """ "Export contact to Xero" from the document: the partner's company, in the
        document's organisation."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_("Choose a partner first."))
        if not self.xero_tenant_id:
            raise UserError(_("This document has no Xero organisation."))
        partner = self.partner_id.commercial_partner_id.with_context(xero_tenant_id=self.xero_tenant_id.id)
        return partner.action_xero_export_contact()

    def write(self, vals):
        if "xero_tenant_id" in vals:
            self._check_xero_tenant_override(vals["xero_tenant_id"])
        return super().write(vals)

    def _check_xero_tenant_override(self, tenant_id):
        changed = self.filtered(lambda d: d.xero_tenant_id.id != (tenant_id or False))
        if not changed:
            return
        exported = changed.filtered("xero_id")
        if exported:
            raise UserError(
                _(
                    "%(docs)s already exported to Xero; its organisation cannot change. "
                    "Clear its exported status first.",
                    docs=", ".join(exported.mapped("display_name")),
                )
            )
        if not self.env.user.has_group("xero_connector.group_xero_manager") and not self.env.su:
            raise AccessError(_("Only Xero managers may send a document to another Xero organisation."))
