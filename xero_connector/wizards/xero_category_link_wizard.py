"""M-Power's product-level mapping for one organisation: each product category (and its child
categories) goes to one Xero item unless a product has its own."""

from odoo import Command, _, api, fields, models


class XeroCategoryLinkWizard(models.TransientModel):
    _name = "xero.category.link.wizard"
    _description = "Link product categories to Xero items"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    line_ids = fields.One2many("xero.category.link.wizard.line", "wizard_id", string="Categories")

    @api.model
    def _action_open(self, tenant):
        self.env["xero.access"]._xero_check_access("manager", tenant)
        wizard = self.create({"tenant_id": tenant.id})
        links = {
            m.categ_id.id: m.item_id.id
            for m in self.env["xero.category.map"].search([("tenant_id", "=", tenant.id)])
        }
        categories = self.env["product.category"].search([])
        wizard.line_ids = [
            Command.create({"categ_id": categ.id, "item_id": links.get(categ.id, False)})
            for categ in categories
        ]
        return {
            "type": "ir.actions.act_window",
            "name": _("Link categories to Xero items (%(org)s)", org=tenant.name),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_apply(self):
        """Save the choices: new links, changed links, links cleared."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        self.env["xero.category.map"]._xero_apply_choices(
            self.tenant_id, "categ_id", {line.categ_id.id: (line.item_id.id, {}) for line in self.line_ids}
        )
        return {"type": "ir.actions.act_window_close"}
