from odoo import _, fields, models


class XeroContactImportWizard(models.TransientModel):
    """ "Import contacts from Xero" (MRPeasy's import of customers and vendors): the
    organisation's contacts no partner is mapped to become partners, or are linked to the
    partner they match; nothing is imported twice."""

    _name = "xero.contact.import.wizard"
    _description = "Import contacts from Xero"

    tenant_id = fields.Many2one(
        "xero.tenant",
        string="Organisation",
        required=True,
        default=lambda self: self.env.company.xero_tenant_id,
    )
    refresh_cache = fields.Boolean(
        "Refresh the contact cache first",
        default=True,
        help="Ask Xero for the contacts changed since the last refresh before importing.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft", readonly=True)
    created_count = fields.Integer("Partners created", readonly=True)
    linked_count = fields.Integer("Existing partners linked", readonly=True)
    skipped_count = fields.Integer(
        "Contacts skipped",
        readonly=True,
        help="Already mapped, archived in Xero, or matching a mapped partner.",
    )
    archived_partner_ids = fields.Many2many(
        "res.partner",
        string="Archived partners linked",
        readonly=True,
        context={"active_test": False},
        help="Archived Odoo partners that matched a Xero contact: linked, left archived.",
    )
    summary = fields.Text(readonly=True)

    def action_import(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        if self.refresh_cache:
            self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant_id, ["contacts"])
        stats = self.env["res.partner"]._xero_import_contacts(self.tenant_id)
        lines = [
            _(
                "%(created)s partners created, %(linked)s existing partners linked, %(skipped)s contacts "
                "skipped, %(archived)s archived partners matched (linked, left archived).",
                created=stats["created"],
                linked=stats["linked"],
                skipped=stats["skipped"],
                archived=len(stats["archived_matches"]),
            ),
            *stats["conflicts"][:50],
        ]
        self.write(
            {
                "state": "done",
                "created_count": stats["created"],
                "linked_count": stats["linked"],
                "skipped_count": stats["skipped"],
                "archived_partner_ids": [fields.Command.set(stats["archived_matches"].ids)],
                "summary": "\n".join(lines),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import contacts from Xero"),
        }
