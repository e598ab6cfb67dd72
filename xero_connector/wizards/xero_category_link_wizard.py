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

    @api.model
    def _action_open_for_company(self):
        tenant = self.env["xero.tenant"]._xero_current_tenant()
        return self._action_open(tenant) if tenant else tenant._action_no_tenant()

    def action_apply(self):
        """Save the choices: new links, changed links, links cleared."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        CategoryMap = self.env["xero.category.map"]
        existing = {
            m.categ_id.id: m
            for m in CategoryMap.search(
                [("tenant_id", "=", self.tenant_id.id), ("categ_id", "in", self.line_ids.categ_id.ids)]
            )
        }
        to_create, to_unlink = [], CategoryMap
        for line in self.line_ids:
            mapping = existing.get(line.categ_id.id)
            if not line.item_id:
                to_unlink |= mapping or CategoryMap
            elif not mapping:
                to_create.append(
                    {"tenant_id": self.tenant_id.id, "categ_id": line.categ_id.id, "item_id": line.item_id.id}
                )
            elif mapping.item_id != line.item_id:
                mapping.item_id = line.item_id
        to_unlink.unlink()
        CategoryMap.create(to_create)
        return {"type": "ir.actions.act_window_close"}


class XeroCategoryLinkWizardLine(models.TransientModel):
    _name = "xero.category.link.wizard.line"
    _description = "Product category to link to a Xero item"
    _order = "categ_complete_name, id"

    wizard_id = fields.Many2one("xero.category.link.wizard", required=True, ondelete="cascade")
    tenant_id = fields.Many2one(related="wizard_id.tenant_id")
    categ_id = fields.Many2one("product.category", string="Category", required=True, readonly=True)
    categ_complete_name = fields.Char(related="categ_id.complete_name", store=True)
    item_id = fields.Many2one("xero.item", string="Xero item", domain="[('tenant_id', '=', tenant_id)]")
