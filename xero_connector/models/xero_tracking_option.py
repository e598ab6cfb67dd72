"""The cached options of a tracking category."""

from odoo import api, fields, models

from .xero_cache_mixin import _text


class XeroTrackingOption(models.Model):
    """One option of a tracking category; invoice lines name a category and one of its options."""

    _name = "xero.tracking.option"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tracking Option (cache)"
    _order = "category_id, name, id"

    category_id = fields.Many2one(
        "xero.tracking.category",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )

    @api.depends("category_id.name", "name")
    def _compute_display_name(self):
        for option in self:
            option.display_name = f"{option.category_id.name} / {option.name}"

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TrackingOptionID"], doc)
        vals["name"] = _text(doc.get("Name"))
        return vals
