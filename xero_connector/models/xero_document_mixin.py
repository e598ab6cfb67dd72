"""What invoices, credit notes, bills and purchase orders share: the Xero organisation they go
to, the link fields to their Xero twin (declared once here), and the pure arithmetic their
payload builders use (``..documents``). The export engine they share is ``xero.export.engine``
(``xero_export_engine.py``)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .xero_tenant_guard import check_same_tenant

# Values a new document may carry in its Xero link fields (nothing linked yet).
UNLINKED_VALUES = (False, None, 0, 0.0, "", "not_exported")


def xero_check_link_write(records, vals_list, creating=False):
    """The Xero link fields (Xero id, number, status, export state, amounts...) are written
    only by the module's own write-back, which runs as superuser (``_xero_write_fields``).
    A user writing them (``write({'xero_id': False})`` over RPC) would lift the export lock
    and allow a duplicate in Xero, so it is refused."""
    if records.env.su:
        return
    protected = {
        name
        for name, field in records._fields.items()
        if name.startswith("xero_") and field.store and field.readonly
    }
    for vals in vals_list:
        keys = sorted(
            key for key in protected.intersection(vals) if not creating or vals[key] not in UNLINKED_VALUES
        )
        if keys:
            raise AccessError(
                _(
                    "%(fields)s link this record to Xero and change only when Odoo exports it or reads it "
                    "back from Xero.",
                    fields=", ".join(records._fields[key].string for key in keys),
                )
            )


class XeroDocumentMixin(models.AbstractModel):
    """What invoices, credit notes, bills and purchase orders share: the Xero organisation
    they go to (from their company, with M-Power's per-document override) and the link to
    the document once it exists in Xero."""

    _name = "xero.document.mixin"
    _inherit = ["xero.export.engine"]
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
        "sends this one document to another organisation they work with (with that organisation's "
        "mappings and branding theme). Fixed once the document is exported.",
    )
    xero_branding_theme_id = fields.Many2one(
        "xero.branding.theme",
        string="Xero branding theme",
        compute="_compute_xero_branding_theme_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="set null",
        domain="[('tenant_id', '=', xero_tenant_id), ('active', '=', True)]",
        help="How Xero brands this document (layout, logo, terms). Empty: the default branding theme of "
        "the company whose Xero organisation it goes to (Settings > Xero), else Xero's own.",
    )
    xero_id = fields.Char("Xero id", copy=False, readonly=True, index="btree_not_null")
    xero_export_date = fields.Datetime("Exported to Xero", copy=False, readonly=True)
    xero_number = fields.Char("Xero number", copy=False, readonly=True)
    xero_status = fields.Char("Xero status", copy=False, readonly=True, tracking=True)
    xero_fingerprint = fields.Char(copy=False, readonly=True, help="Hash of what was last sent to Xero.")
    xero_checked_at = fields.Datetime("Checked in Xero", copy=False, readonly=True)
    xero_export_round = fields.Integer(
        copy=False,
        readonly=True,
        help="How many times the exported status was cleared: a new export is a new request.",
    )
    xero_next_try_at = fields.Datetime(
        "Next try in Xero at",
        copy=False,
        readonly=True,
        help="Xero asked Odoo to wait (a long Retry-After, its daily limit): the queued document goes then.",
    )
    xero_contact_id = fields.Many2one(
        "xero.contact",
        string="Xero contact",
        compute="_compute_xero_contact_id",
        inverse="_inverse_xero_contact_id",
        domain="[('tenant_id', '=', xero_tenant_id), ('active', '=', True)]",
        groups="xero_connector.group_xero_user",
        help="The Xero contact of this document's partner (its company) in the document's Xero "
        "organisation. Picking one here remembers it for that partner and organisation.",
    )

    @api.depends("company_id.xero_tenant_id")
    def _compute_xero_tenant_id(self):
        for document in self:
            if not document.xero_id:
                tenant = document.company_id.xero_tenant_id
                # An archived organisation takes no new documents. (A stored compute runs as
                # superuser: invoicing users, who may not read xero.tenant, create documents.)
                document.xero_tenant_id = tenant if tenant.active else False

    @api.depends("xero_tenant_id")
    def _compute_xero_branding_theme_id(self):
        """A theme belongs to one organisation: another organisation is branded anew."""
        for document in self:
            if document.xero_branding_theme_id.tenant_id != document.xero_tenant_id:
                document.xero_branding_theme_id = False

    @api.constrains("xero_branding_theme_id", "xero_tenant_id")
    def _check_xero_branding_theme_tenant(self):
        for document in self.filtered("xero_branding_theme_id"):
            if not document.xero_tenant_id:
                raise ValidationError(
                    _(
                        "%(doc)s has no Xero organisation: it takes no branding theme.",
                        doc=document.display_name,
                    )
                )
            check_same_tenant(
                document.display_name,
                document.xero_tenant_id,
                [(_("branding theme"), document.xero_branding_theme_id)],
            )

    @api.constrains("xero_tenant_id", "company_id")
    def _check_xero_tenant_company(self):
        for document in self.filtered(lambda d: not d.xero_id):
            problem = document._xero_tenant_problem()
            if problem:
                raise ValidationError(problem)

    def _xero_tenant_problem(self, tenant=None):
        """Why this document may not go to its Xero organisation (or ``tenant``); False when
        it may. Refused: an archived organisation. (Which organisations a user may send a
        document to, its company's or another one, is checked when they choose it:
        ``_check_xero_tenant_override``.)"""
        self.ensure_one()
        tenant = (tenant or self.xero_tenant_id).sudo()
        if not tenant:
            return False
        if not tenant.active:
            return _(
                "%(doc)s cannot go to the Xero organisation %(org)s: it is archived. Choose an active "
                "organisation.",
                doc=self.display_name,
                org=tenant.name,
            )
        return False

    @api.depends("partner_id.commercial_partner_id", "xero_tenant_id")
    def _compute_xero_contact_id(self):
        """Read from the partner's mapping rather than stored on the document: a contact
        mapped or exported later shows on every open document of that partner at once."""
        Binding = self.env["xero.partner.binding"]  # Xero users only (the field's group)
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

    def _xero_in_their_companies(self):
        """These documents, in an environment that also holds the user's other companies when
        one of them goes to another company's organisation (a Xero manager's override): its
        export reads that organisation's contacts and mappings, which belong to that company.
        The user works in those companies anyway; the access checks apply as usual."""
        if all(document.xero_tenant_id == document.company_id.xero_tenant_id for document in self):
            return self
        companies = self.env.companies | self.env.user.company_ids
        return self.with_context(allowed_company_ids=companies.ids)

    def action_xero_export_partner(self):
        """ "Export contact to Xero" from the document: the partner's company, in the
        document's organisation."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        if not self.partner_id:
            raise UserError(_("Choose a partner first."))
        if not self.xero_tenant_id:
            raise UserError(_("This document has no Xero organisation."))
        partner = self.partner_id.commercial_partner_id.with_context(xero_tenant_id=self.xero_tenant_id.id)
        return partner.action_xero_export_contact()

    @api.model_create_multi
    def create(self, vals_list):
        xero_check_link_write(self, vals_list, creating=True)
        for vals in vals_list:
            if not vals.get("xero_tenant_id"):
                continue
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if vals["xero_tenant_id"] != company.xero_tenant_id.id:
                self._xero_check_override_right(self.env["xero.tenant"].browse(vals["xero_tenant_id"]))
        documents = super().create(vals_list)
        documents._xero_auto_match_override()
        return documents

    @api.model
    def _xero_check_override_right(self, tenant):
        """Only a Xero manager who works with ``tenant`` (an organisation of one of their
        companies, or one not mapped yet) sends a document to another organisation than its
        company's: there it is exported with that organisation's contacts, mappings and
        branding theme (M-Power's per-document profit centre override)."""
        Access = self.env["xero.access"]
        if not Access._xero_is("manager"):
            raise AccessError(_("Only Xero managers may send a document to another Xero organisation."))
        if tenant:
            Access._xero_check_access("manager", tenant)

    def write(self, vals):
        xero_check_link_write(self, [vals])
        moved = self.browse()
        if "xero_tenant_id" in vals:
            moved = self.filtered(lambda d: d.xero_tenant_id.id != (vals["xero_tenant_id"] or False))
            self._check_xero_tenant_override(vals["xero_tenant_id"])
        result = super().write(vals)
        moved._xero_auto_match_override()
        return result

    def _xero_auto_match_override(self):
        """A document a Xero manager sent to another company's organisation is exported with that
        organisation's mappings, which cover its own companies' taxes and accounts only: the taxes
        and accounts of the document's lines (of the document's company) are auto-matched there
        as for them (``_xero_auto_match``); what auto-matching cannot decide stays for a human, and
        the export names it. Run after the override's checks (``_xero_check_override_right``):
        a Xero manager of both companies' organisations."""
        for document in self.filtered(
            lambda d: d.xero_tenant_id and not d.xero_id
        )._xero_in_their_companies():
            tenant = document.xero_tenant_id
            if tenant == document.company_id.xero_tenant_id:
                continue
            taxes, accounts = document._xero_used_taxes_accounts()
            taxes = taxes.filtered(lambda t: t.type_tax_use in ("sale", "purchase"))
            if taxes:
                document.env["xero.tax.map"]._xero_auto_match(tenant, taxes)
            if accounts:
                document.env["xero.account.map"]._xero_auto_match(tenant, accounts, document.company_id)

    def _xero_used_taxes_accounts(self):
        """(taxes, accounts) of this document's lines that its Xero organisation maps."""
        self.ensure_one()
        return self.env["account.tax"], self.env["account.account"]

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
        tenant = self.env["xero.tenant"].browse(tenant_id or [])
        self._xero_check_override_right(tenant)
        for document in changed if tenant else ():
            problem = document._xero_tenant_problem(tenant)
            if problem:
                raise ValidationError(problem)
