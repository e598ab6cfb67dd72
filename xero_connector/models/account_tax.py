"""Odoo taxes ↔ Xero tax types, per organisation."""

from odoo import api, fields, models

from .. import tax_kinds


class AccountTax(models.Model):
    _inherit = "account.tax"

    xero_tax_map_ids = fields.One2many("xero.tax.map", "tax_id", string="Xero tax rates")

    def _xero_tax_rates(self, tenant):
        """{tax id: Xero tax rate} for these taxes in ``tenant``: the mapped rate; else, when the
        organisation says so, the default of the tax's side. Taxes whose mapping has several
        candidates ('ambiguous') stay empty: a human must choose. One query."""
        maps = self.env["xero.tax.map"].search([("tenant_id", "=", tenant.id), ("tax_id", "in", self.ids)])
        by_tax = {m.tax_id.id: m for m in maps}
        result = {}
        for tax in self:
            mapping = by_tax.get(tax.id)
            rate = mapping.tax_rate_id.filtered("active") if mapping else self.env["xero.tax.rate"]
            if (
                not rate
                and tenant.xero_default_tax_for_unmapped
                and (not mapping or mapping.match_state != "ambiguous")
                and tax.type_tax_use in ("sale", "purchase")
            ):
                rate = tenant._xero_default_tax_rate(tax.type_tax_use)
            result[tax.id] = rate
        return result

    @api.model
    def _xero_no_tax_rate(self, tenant, use):
        """The Xero rate of ``tenant`` for a ``use`` ('sale' or 'purchase') line without tax in
        Odoo: Xero wants a tax type on every line, and a taxed one would make Xero add GST/VAT
        Odoo never charged. The organisation's default rate of that side when it charges
        nothing, else its rate that reports nothing (BAS Excluded, No GST, No VAT), else a
        GST-free / zero-rated one; an empty record when it has none."""
        default = tenant._xero_default_tax_rate(use)
        if default and not default.effective_rate:
            return default
        side = "can_apply_to_revenue" if use == "sale" else "can_apply_to_expenses"
        rates = self.env["xero.tax.rate"].search(
            [("tenant_id", "=", tenant.id), (side, "=", True), ("effective_rate", "=", 0.0)]
        )
        kinds = {
            rate: tax_kinds.xero_kind(rate.report_tax_type, rate.effective_rate, rate.name) for rate in rates
        }
        for wanted in (tax_kinds.OUT_OF_SCOPE, tax_kinds.FREE):
            found = rates.filtered(lambda rate, k=wanted: kinds[rate] == k)
            if found:
                return found.sorted(lambda rate: (rate.name or "", rate.id))[:1]
        return self.env["xero.tax.rate"]

    def _xero_tax_type(self, tenant, use=None):
        """The Xero tax type (OUTPUT, INPUT...) for a line carrying this tax in ``tenant``, or
        False. Called on no tax at all, it gives the organisation's no-tax rate for ``use``
        ('sale' or 'purchase'): Xero wants a tax type on every line. Xero takes one tax per
        line, so callers check that first."""
        if not self:
            return (self._xero_no_tax_rate(tenant, use).tax_type or False) if use else False
        self.ensure_one()
        return self._xero_tax_rates(tenant)[self.id].tax_type or False
