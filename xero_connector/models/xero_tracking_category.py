"""The cached tracking categories of an organisation (their options: xero_tracking_option.py)."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


class XeroTrackingCategory(models.Model):
    """A tracking category (Region, Department...): Xero allows two active at a time."""

    _name = "xero.tracking.category"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tracking Category (cache)"

    option_ids = fields.One2many("xero.tracking.option", "category_id", string="Options", readonly=True)

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TrackingCategoryID"], doc)
        vals["name"] = _text(doc.get("Name"))
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        """Categories with their options, archived ones included; options are counted with
        their categories."""
        stats, body = self._xero_refresh_complete(
            tenant,
            "get_tracking_categories",
            _("reading tracking categories"),
            "TrackingCategories",
            include_archived=True,
        )
        Category = self.with_context(active_test=False)  # the refreshing user's organisation
        Option = self.env["xero.tracking.option"]
        categories = body.get("TrackingCategories") or []
        category_ids = {
            category.xero_id: category.id
            for category in Category.search(
                [
                    ("tenant_id", "=", tenant.id),
                    ("xero_id", "in", [c["TrackingCategoryID"] for c in categories]),
                ]
            )
        }
        options, parent = [], {}
        for category in categories:
            for option in category.get("Options") or []:
                options.append(option)
                parent[option["TrackingOptionID"]] = category_ids[category["TrackingCategoryID"]]
        seen = set()
        Option._xero_upsert(
            tenant,
            options,
            stats,
            seen,
            extra_vals=lambda doc: {"category_id": parent[doc["TrackingOptionID"]]},
        )
        Option._xero_archive_missing(tenant, seen, stats)
        return stats
