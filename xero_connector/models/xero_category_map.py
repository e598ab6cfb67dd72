"""Odoo product category ↔ Xero item, per organisation."""

from odoo import fields, models


class XeroCategoryMap(models.Model):
    """Odoo product category ↔ Xero item: every line whose product is in that category (or a
    child category) uses that item unless the product has its own (M-Power's product-level
    mapping)."""

    _name = "xero.category.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero item of a product category"
    _order = "tenant_id, categ_id"
    _xero_target_field = "item_id"

    categ_id = fields.Many2one(
        "product.category", string="Product category", required=True, ondelete="cascade", index=True
    )
    item_id = fields.Many2one(
        "xero.item",
        string="Xero item",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )

    _sql_constraints = [
        (
            "tenant_categ_unique",
            "unique(tenant_id, categ_id)",
            "A product category is linked to one Xero item per organisation.",
        )
    ]
