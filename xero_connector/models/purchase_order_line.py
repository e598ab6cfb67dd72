"""A purchase order line as one Xero LineItem (the order's payload builder asks it)."""

from decimal import Decimal

from odoo import _, models
from odoo.tools import float_is_zero

from ..documents import _money, _trim, set_line_tax, set_line_tracking, tax_in_cost, xero_line_amount
from ..utils import MENU_MAPPINGS, menu_path

# Xero keeps 2 decimals of a purchase order's unit price (its PUT takes no unitdp), 4 on bills.
UNIT_DECIMALS = {"purchase_order": Decimal("0.01"), "bill": Decimal("0.0001")}


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    def _xero_po_line_item(self, ctx, kind, amount_type):
        """(Xero LineItem or None to skip, [problems]) for this order line. Xero takes no
        discount on purchase orders and bills: the discount is folded into the unit price."""
        self.ensure_one()
        tenant = ctx["tenant"]
        label = _("Line “%s”", (self.name or self.product_id.display_name or "").split("\n")[0][:60])
        if self.display_type in ("line_section", "line_note"):
            return ({"Description": self.name} if self.name else None), []
        company = self.order_id.company_id
        taxes = self.taxes_id
        rate = ctx["tax_rates"].get(taxes.id) if len(taxes) == 1 else None
        # A tax Odoo keeps in the cost on a Xero rate of 0 %: the gross amount, no tax (as bills).
        in_cost = tax_in_cost(
            taxes, rate, amount_type, self.price_total - self.price_subtotal, self.currency_id.rounding
        )
        subtotal = self.price_total if amount_type == "Inclusive" or in_cost else self.price_subtotal
        if (
            float_is_zero(subtotal, precision_rounding=self.currency_id.rounding)
            and not company.xero_export_zero_lines
        ):
            return None, []
        problems = []
        item = {"Description": (self.name or self.product_id.display_name or "-")[:4000]}
        xero_item = ctx["items"].get(self.product_id.id) if self.product_id else None
        if xero_item:
            item["ItemCode"] = xero_item.code
        account = ctx["accounts"].get(self.id) or ctx["default_account"]
        if account:
            item["AccountCode"] = account.code
        elif kind == "bill":
            problems.append(
                _(
                    "%(line)s: no Xero account in %(org)s for %(product)s, and no default purchase account: map its "
                    "expense account in %(menu)s (Accounts), or set the organisation's default purchase "
                    "account.",
                    line=label,
                    product=self.product_id.display_name or _("a line without product"),
                    org=tenant.name,
                    menu=menu_path(self.env, MENU_MAPPINGS),
                )
            )
        if not set_line_tax(self.env, item, label, taxes, rate, tenant, problems) and ctx["no_tax"]:
            # No tax in Odoo: a rate that charges none, never the default taxed one.
            item["TaxType"] = ctx["no_tax"].tax_type
        tracking = []
        for key in self.analytic_distribution or {}:
            for analytic_id in key.split(","):
                option = ctx["tracking"].get(int(analytic_id))
                if option:
                    tracking.append({"Name": option.category_id.name, "Option": option.name})
        set_line_tracking(self.env, item, label, tracking, problems)

        quantity = self.product_qty
        unit_decimals = UNIT_DECIMALS[kind]
        unit = float(_money(subtotal / quantity, unit_decimals)) if quantity else 0.0
        if not quantity or xero_line_amount(quantity, unit) != _money(subtotal):
            # Where Xero's arithmetic (2 decimals on purchase orders) would not give Odoo's line
            # total, one unit at the exact total; the description keeps what was ordered.
            text = _(
                "%(qty)s x %(desc)s @ %(price)s ea.",
                qty=_trim(quantity),
                desc=item["Description"],
                price=_trim(self.price_unit),
            )
            if self.discount:
                text += " " + _("less %s%%", _trim(self.discount))
            item["Description"] = text[:4000]
            quantity, unit = 1.0, float(_money(subtotal))
        item["Quantity"] = quantity
        item["UnitAmount"] = unit
        if amount_type != "NoTax" and taxes:
            item["TaxAmount"] = 0.0 if in_cost else float(_money(self.price_total - self.price_subtotal))
        return item, problems
