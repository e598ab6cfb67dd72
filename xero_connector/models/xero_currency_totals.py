"""Subtotals that never add up two currencies: a list grouped by organisation or state shows a
group's total only when its rows share one currency (group by currency to see each one's).
Used by the lists of amounts in several currencies: Xero payments, the variance report."""

from odoo import api, models


class XeroCurrencyTotals(models.AbstractModel):
    _name = "xero.currency.totals.mixin"
    _description = "Totals per currency only"

    # The field naming each row's currency, and the amounts summed in its groups.
    _xero_currency_field = "currency"
    _xero_amount_fields = ()
    # Open every level of a grouped list (Odoo opens only the first by itself).
    _xero_open_groups = False

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        for group in groups:
            summed = [name for name in self._xero_amount_fields if name in group]
            if (
                summed
                and len(self._read_group(group.get("__domain", domain), [self._xero_currency_field])) > 1
            ):
                for name in summed:
                    group.pop(name)
            if self._xero_open_groups:
                group["__fold"] = False
        return groups
