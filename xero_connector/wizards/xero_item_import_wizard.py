"""MRPeasy's "import items from Xero": new items become products, items whose code is already
a product's internal reference are linked to it, never duplicated."""

from odoo import _, fields, models

from ..utils import notification


class XeroItemImportWizard(models.TransientModel):
    _name = "xero.item.import.wizard"
    _description = "Import items from Xero"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    refresh_first = fields.Boolean(
        "Refresh the items from Xero first", default=True, help="Otherwise the cached items are used."
    )

    def action_import(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        if self.refresh_first:
            self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant_id, ["items"])
        created, linked = self.env["product.template"]._xero_import_items(self.tenant_id)
        return notification(
            _("Import items from Xero"),
            _(
                "%(org)s: %(created)s product(s) created, %(linked)s existing product(s) linked by "
                "internal reference.",
                org=self.tenant_id.name,
                created=len(created),
                linked=len(linked),
            ),
            "success",
            next_action={"type": "ir.actions.act_window_close"},
        )
