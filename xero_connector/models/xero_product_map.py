"""Odoo product ↔ Xero item, per organisation."""

from odoo import api, fields, models


class XeroProductMap(models.Model):
    """Odoo product ↔ Xero item in one organisation (M-Power's "Link Products to Xero Items")."""

    _name = "xero.product.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero item of a product"
    _order = "tenant_id, product_tmpl_id"
    _xero_target_field = "item_id"

    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", required=True, ondelete="cascade", index=True
    )
    default_code = fields.Char(related="product_tmpl_id.default_code", string="Internal reference")
    item_id = fields.Many2one(
        "xero.item",
        string="Xero item",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    match_state = fields.Selection(
        [("auto", "Matched by code"), ("manual", "Chosen by hand")], default="manual", required=True
    )

    _sql_constraints = [
        (
            "tenant_product_unique",
            "unique(tenant_id, product_tmpl_id)",
            "A product is linked to one Xero item per organisation.",
        )
    ]

    @api.model
    def _xero_auto_match(self, tenant, templates):
        """Link each of ``templates`` without a link in ``tenant`` to the active Xero item whose
        code equals its internal reference (Xero compares codes ignoring case). Returns the
        links created."""
        tenant.ensure_one()
        linked = set(
            self.search(
                [("tenant_id", "=", tenant.id), ("product_tmpl_id", "in", templates.ids)]
            ).product_tmpl_id.ids
        )
        items = self.env["xero.item"]._xero_by_code(tenant)
        to_create = [
            {
                "tenant_id": tenant.id,
                "product_tmpl_id": template.id,
                "item_id": items[code].id,
                "match_state": "auto",
            }
            for template in templates
            if template.id not in linked
            and (code := (template.default_code or "").strip().lower())
            and code in items
        ]
        return self.create(to_create)
