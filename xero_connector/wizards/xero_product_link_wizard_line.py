"""One product of the product link wizard and the Xero item chosen for it."""

from odoo import api, fields, models


class XeroProductLinkWizardLine(models.TransientModel):
    _name = "xero.product.link.wizard.line"
    _description = "Product to link to a Xero item"
    _order = "default_code, id"

    wizard_id = fields.Many2one("xero.product.link.wizard", required=True, ondelete="cascade")
    tenant_id = fields.Many2one(related="wizard_id.tenant_id")
    product_tmpl_id = fields.Many2one("product.template", string="Product", required=True, readonly=True)
    default_code = fields.Char(related="product_tmpl_id.default_code", string="Internal reference")
    categ_id = fields.Many2one(related="product_tmpl_id.categ_id", string="Category")
    current_item_id = fields.Many2one("xero.item", string="Linked item", readonly=True)
    category_item_id = fields.Many2one(
        "xero.item", string="Item of its category", compute="_compute_category_item_id"
    )
    item_id = fields.Many2one("xero.item", string="Xero item", domain="[('tenant_id', '=', tenant_id)]")
    matched_by_code = fields.Boolean("By code", readonly=True)

    @api.depends("categ_id", "tenant_id")
    def _compute_category_item_id(self):
        for tenant in self.tenant_id:
            lines = self.filtered(lambda line, t=tenant: line.tenant_id == t)
            by_category = lines.categ_id._xero_items_by_category(tenant)
            for line in lines:
                line.category_item_id = by_category.get(line.categ_id.id, False)
        for line in self.filtered(lambda line: not line.tenant_id):
            line.category_item_id = False

    @api.onchange("item_id")
    def _onchange_item_id(self):
        self.matched_by_code = False
