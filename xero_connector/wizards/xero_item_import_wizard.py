"""MRPeasy's "import items from Xero": new items become products, items whose code is already
a product's internal reference are linked to it, never duplicated."""

from odoo import _, fields, models


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
            self.tenant_id._refresh_cache(["items"])
        created, linked = self.env["product.template"]._xero_import_items(self.tenant_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Import items from Xero"),
                "message": _(
                    "%(org)s: %(created)s product(s) created, %(linked)s existing product(s) linked by "
                    "internal reference.",
                    org=self.tenant_id.name,
                    created=len(created),
                    linked=len(linked),
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
