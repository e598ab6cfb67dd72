"""The cached Xero tax rates of an organisation."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


def percent_text(rate):
    """A rate as Xero's screens show it: 10 %, 12.5 %."""
    return f"{rate or 0.0:g} %"


class XeroTaxRate(models.Model):
    """A Xero tax rate, keyed by its tax type (OUTPUT, INPUT, TAX001...)."""

    _name = "xero.tax.rate"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tax Rate (cache)"
    _rec_names_search = ["name", "xero_id"]

    tax_type = fields.Char(related="xero_id", string="Tax type")
    report_tax_type = fields.Char(readonly=True)
    effective_rate = fields.Float("Rate (%)", digits=(16, 4), readonly=True)
    display_tax_rate = fields.Float("Displayed rate (%)", digits=(16, 4), readonly=True)
    can_apply_to_revenue = fields.Boolean(readonly=True)
    can_apply_to_expenses = fields.Boolean(readonly=True)
    can_apply_to_assets = fields.Boolean(readonly=True)
    can_apply_to_liabilities = fields.Boolean(readonly=True)
    can_apply_to_equity = fields.Boolean(readonly=True)

    @api.depends("name", "xero_id", "effective_rate")
    def _compute_display_name(self):
        """ "GST on Income (10 %)": the name with the percentage Xero computes, unless the name
        says it already ("15% GST on Income"); the tax type (OUTPUT...) stays a debug detail."""
        for rate in self:
            name = rate.name or rate.xero_id or ""
            shown = f"{rate.effective_rate:g}%"
            rate.display_name = (
                name if shown in name.replace(" %", "%") else f"{name} ({percent_text(rate.effective_rate)})"
            )

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TaxType"], doc)
        vals.update(
            name=_text(doc.get("Name")),
            report_tax_type=_text(doc.get("ReportTaxType")),
            effective_rate=float(doc.get("EffectiveRate") or 0.0),
            display_tax_rate=float(doc.get("DisplayTaxRate") or 0.0),
            can_apply_to_revenue=bool(doc.get("CanApplyToRevenue")),
            can_apply_to_expenses=bool(doc.get("CanApplyToExpenses")),
            can_apply_to_assets=bool(doc.get("CanApplyToAssets")),
            can_apply_to_liabilities=bool(doc.get("CanApplyToLiabilities")),
            can_apply_to_equity=bool(doc.get("CanApplyToEquity")),
        )
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        return self._xero_refresh_complete(tenant, "get_tax_rates", _("reading tax rates"), "TaxRates")[0]
