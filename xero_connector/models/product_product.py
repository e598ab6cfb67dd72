"""Which Xero item a product variant's lines use: the product's own link, else its category's."""

from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _xero_items_by_product(self, tenant):
        """{product id: Xero item} for these products in ``tenant``: the product's own link, else
        the link of its category or nearest mapped parent category; an empty record when
        neither. Two queries however many products."""
        maps = self.env["xero.product.map"].search(
            [("tenant_id", "=", tenant.id), ("product_tmpl_id", "in", self.product_tmpl_id.ids)]
        )
        own = {m.product_tmpl_id.id: m.item_id for m in maps}
        by_category = self.categ_id._xero_items_by_category(tenant)
        return {
            product.id: own.get(product.product_tmpl_id.id)
            or by_category.get(product.categ_id.id)
            or self.env["xero.item"]
            for product in self
        }

    def _xero_item(self, tenant):
        """The Xero item this product's lines use in ``tenant`` (own link, else nearest category
        link), or an empty record."""
        self.ensure_one()
        return self._xero_items_by_product(tenant)[self.id]
