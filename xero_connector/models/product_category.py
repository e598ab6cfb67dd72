"""Product categories ↔ Xero items: a category's link serves every product in it (or in a
child category) that has no link of its own."""

from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    xero_category_map_ids = fields.One2many("xero.category.map", "categ_id", string="Xero items")

    def _xero_items_by_category(self, tenant):
        """{category id: the Xero item of the category itself or of its nearest mapped
        ancestor} for these categories in ``tenant``; one query for the whole tree."""
        ancestor_ids = {int(i) for category in self for i in (category.parent_path or "").split("/") if i}
        maps = self.env["xero.category.map"].search(
            [("tenant_id", "=", tenant.id), ("categ_id", "in", list(ancestor_ids))]
        )
        by_categ = {m.categ_id.id: m.item_id for m in maps}
        result = {}
        for category in self:
            path = [int(i) for i in (category.parent_path or "").split("/") if i]
            result[category.id] = next(
                (by_categ[i] for i in reversed(path) if i in by_categ), self.env["xero.item"]
            )
        return result

    def _xero_item(self, tenant):
        self.ensure_one()
        return self._xero_items_by_category(tenant)[self.id]
