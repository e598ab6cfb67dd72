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

    @api.depends("company_id.xero_tenant_id")
    def _compute_xero_tenant_id(self):
        for document in self:
            if not document.xero_id:
                document.xero_tenant_id = document.company_id.xero_tenant_id

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
