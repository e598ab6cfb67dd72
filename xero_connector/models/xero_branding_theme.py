"""The cached branding themes of an organisation: how Xero lays out and brands the invoices,
credit notes and purchase orders it prints and emails (M-Power's profit centre "branding")."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


class XeroBrandingTheme(models.Model):
    """A branding theme made in Xero (Settings > Invoice settings). Xero's default is the one of
    sort order 0; a document sent without one gets the contact's or the organisation's default
    in Xero. The API only reads themes: they are made in Xero, then the cache is refreshed."""

    _name = "xero.branding.theme"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Branding Theme (cache)"
    _order = "tenant_id, sort_order, name, id"

    sort_order = fields.Integer(
        "Order in Xero", readonly=True, help="Xero's default theme is the one of order 0."
    )
    is_xero_default = fields.Boolean(
        "Xero's default", compute="_compute_is_xero_default", store=True, readonly=True
    )

    @api.depends("sort_order")
    def _compute_is_xero_default(self):
        for theme in self:
            theme.is_xero_default = theme.sort_order == 0

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["BrandingThemeID"], doc, status="")
        vals["name"] = _text(doc.get("Name")) or doc["BrandingThemeID"]
        vals["sort_order"] = int(doc.get("SortOrder") or 0)
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        """One call: Xero always lists every theme; one it no longer lists was deleted there."""
        return self._xero_refresh_complete(
            tenant, "get_branding_themes", _("reading branding themes"), "BrandingThemes"
        )[0]
