"""The currencies an organisation is subscribed to in Xero (cached)."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


class XeroCurrency(models.Model):
    """A currency the organisation is subscribed to in Xero (others are refused on documents:
    "Organisation is not subscribed to currency XXX")."""

    _name = "xero.currency"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Currency (cache)"
    _order = "xero_id"
    _rec_names_search = ["xero_id", "name"]

    code = fields.Char(related="xero_id", string="Code")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, string="Odoo currency", readonly=True
    )

    @api.depends("xero_id")
    def _compute_currency_id(self):
        codes = set(self.mapped("xero_id"))
        currencies = (
            self.env["res.currency"].with_context(active_test=False).search([("name", "in", list(codes))])
        )
        by_code = {currency.name: currency for currency in currencies}
        for record in self:
            record.currency_id = by_code.get(record.xero_id, False)

    @api.depends("xero_id", "name")
    def _compute_display_name(self):
        for currency in self:
            currency.display_name = currency.xero_id

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["Code"], doc, status="")
        vals["name"] = _text(doc.get("Description")) or doc["Code"]
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        return self._xero_refresh_complete(tenant, "get_currencies", _("reading currencies"), "Currencies")[0]
