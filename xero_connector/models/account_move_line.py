"""Per-line Xero fields (M-Power: "each invoice line has a Xero Item and Tax Code selected and
optionally a Tracking Category") and the line rules of Momentus: down-payment deductions and
credits go to Xero as negative lines, and a company may leave out lines with a zero or
negative price or quantity (named on the document, its total checked without them).

The line's own payload builder (``_xero_line_item``: one Xero LineItem, Xero's arithmetic
kept to the cent) asks three things per line: is it left out
(``_xero_left_out``), which Xero item, tax rate and tracking options it carries
(``_xero_line_item_for``, ``_xero_line_tax_rate``, ``_xero_line_tracking``), and what is wrong
with what was picked by hand (``_xero_line_override_problems``)."""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from ..documents import UNIT_DP, _money, _trim, set_line_tax, set_line_tracking, tax_in_cost, xero_line_amount
from ..utils import MENU_MAPPINGS, menu_path, xero_kind
from .xero_tenant_guard import check_same_tenant

# What makes a line's amount: changed only while its document's export lock allows.
LOCKED_LINE_FIELDS = frozenset(
    {
        "price_unit",
        "quantity",
        "discount",
        "tax_ids",
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "account_id",
    }
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    xero_item_id = fields.Many2one(
        "xero.item",
        string="Xero item",
        compute="_compute_xero_line_fields",
        store=True,
        readonly=False,
        copy=True,
        domain="[('tenant_id', '=', xero_line_tenant_id)]",
        help="The Xero item of this line; from the product's (or its category's) link until changed.",
    )
    xero_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Xero tax rate",
        compute="_compute_xero_line_fields",
        store=True,
        readonly=False,
        copy=True,
        domain="[('tenant_id', '=', xero_line_tenant_id), ('active', '=', True)]",
        help="The Xero tax rate of this line; from the tax's mapping until changed.",
    )
    xero_tracking_option_ids = fields.Many2many(
        "xero.tracking.option",
        "account_move_line_xero_tracking_option_rel",
        "line_id",
        "option_id",
        string="Xero tracking",
        compute="_compute_xero_line_fields",
        store=True,
        readonly=False,
        copy=True,
        domain="[('tenant_id', '=', xero_line_tenant_id)]",
        help="At most one option of each of two tracking categories; from the analytic "
        "distribution's mappings until changed.",
    )
    xero_line_tenant_id = fields.Many2one(
        related="move_id.xero_tenant_id", string="Xero organisation of the line"
    )

    # ------------------------------------------------------------------------------------
    # The export lock (``account.move._check_xero_locked``) holds for the lines too
    # ------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            {vals.get("move_id") for vals in vals_list if vals.get("move_id")}
        )
        moves._check_xero_locked(_("changed"))
        return super().create(vals_list)

    def write(self, vals):
        if LOCKED_LINE_FIELDS.intersection(vals):
            self.move_id._check_xero_locked(_("changed"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_xero_locked(self):
        self.move_id._check_xero_locked(_("changed"))

    @api.depends("product_id", "tax_ids", "analytic_distribution", "move_id.xero_tenant_id", "display_type")
    def _compute_xero_line_fields(self):
        """Defaults from the mappings, for lines of documents going to Xero; a choice made on
        the line is kept while product, taxes and analytics stay the same."""
        lines = self.filtered(
            lambda line: line.display_type == "product"
            and line.move_id.xero_tenant_id
            and not line.move_id.xero_id
        )
        for line in self - lines:
            if line.move_id.xero_id:  # exported: what was sent stays
                line.xero_item_id = line.xero_item_id
                line.xero_tax_rate_id = line.xero_tax_rate_id
                line.xero_tracking_option_ids = line.xero_tracking_option_ids
                continue
            line.xero_item_id = line.xero_tax_rate_id = False
            line.xero_tracking_option_ids = False
        for tenant, tenant_lines in lines.grouped(lambda line: line.move_id.xero_tenant_id).items():
            items = tenant_lines.product_id._xero_items_by_product(tenant)
            rates = tenant_lines.tax_ids._xero_tax_rates(tenant)
            analytic_ids = {
                int(key)
                for line in tenant_lines
                for ids in (line.analytic_distribution or {})
                for key in ids.split(",")
            }
            options = (
                self.env["account.analytic.account"]
                .browse(analytic_ids)
                .exists()
                ._xero_tracking_options(tenant)
            )
            for line in tenant_lines:
                line.xero_item_id = items.get(line.product_id.id) if line.product_id else False
                taxes = line.tax_ids
                line.xero_tax_rate_id = rates.get(taxes.id) if len(taxes) == 1 else False
                tracking = self.env["xero.tracking.option"]
                for key in line.analytic_distribution or {}:
                    for analytic_id in key.split(","):
                        tracking |= options.get(int(analytic_id), self.env["xero.tracking.option"])
                line.xero_tracking_option_ids = tracking

    @api.constrains("xero_item_id", "xero_tax_rate_id", "xero_tracking_option_ids")
    def _check_xero_line_tenant(self):
        """What is picked on a line belongs to its document's organisation (refused here, with
        the sentence the export would say, rather than far away at export time)."""
        for line in self.filtered("move_id.xero_tenant_id"):
            check_same_tenant(
                _("Line “%s”", (line.name or line.product_id.display_name or "").split("\n")[0][:60]),
                line.move_id.xero_tenant_id,
                [
                    (_("Xero item"), line.xero_item_id),
                    (_("Xero tax rate"), line.xero_tax_rate_id),
                    (_("Xero tracking"), line.xero_tracking_option_ids),
                ],
            )

    # ------------------------------------------------------------------------------------
    # What the payload builder asks
    # ------------------------------------------------------------------------------------
    def _xero_is_deduction(self):
        """A down-payment deduction (or any down-payment line with a negative amount), or a
        credit (a line of the company's credits product with a negative amount): Xero
        receives it as a negative line, whatever the rule on lines left out."""
        if float_compare(self.price_subtotal, 0.0, precision_digits=2) >= 0:
            return False
        credits_product = self.move_id.company_id.xero_credit_product_id
        return self.is_downpayment or bool(credits_product and self.product_id == credits_product)

    def _xero_left_out(self):
        """True when the company's rule leaves this line out of Xero: a zero or negative price
        or quantity, down-payment deductions and credits excepted. The export goes on without it; the
        document names it (``account.move.xero_left_out``) and Xero's total is checked
        against Odoo's less it."""
        self.ensure_one()
        if self.display_type != "product" or not self.move_id.company_id.xero_exclude_nonpositive_lines:
            return False
        return not self._xero_is_deduction() and not (self.quantity > 0 and self.price_unit > 0)

    def _xero_line_item_for(self, ctx):
        """The line's Xero item: chosen on the line, else (job mode) the document's first
        product's, else the product's link."""
        self.ensure_one()
        if self.xero_item_id:
            return self.xero_item_id
        company = self.move_id.company_id
        if company.xero_single_item_mode:
            first = self.move_id.invoice_line_ids.filtered(
                lambda line: line.display_type == "product" and (line.xero_item_id or line.product_id)
            ).sorted("sequence")[:1]
            if first and first != self:
                return first._xero_line_item_for(ctx)
        return ctx["items"].get(self.product_id.id) if self.product_id else None

    def _xero_line_tax_rate(self, ctx):
        self.ensure_one()
        return self.xero_tax_rate_id or ctx["tax_rates"].get(self.tax_ids.id)

    def _xero_line_tracking(self, ctx):
        """[{"Name", "Option"}] of the line's tracking options (chosen, else mapped)."""
        self.ensure_one()
        options = self.xero_tracking_option_ids
        if not options:
            for key in self.analytic_distribution or {}:
                for analytic_id in key.split(","):
                    options |= ctx["tracking"].get(int(analytic_id)) or self.env["xero.tracking.option"]
        return [{"Name": option.category_id.name, "Option": option.name} for option in options]

    def _xero_line_override_problems(self, ctx, label):
        """What is wrong with the Xero item, tax rate or tracking picked on the line."""
        self.ensure_one()
        tenant = ctx["tenant"]
        problems = []
        for record, what in (
            (self.xero_item_id, _("Xero item")),
            (self.xero_tax_rate_id, _("Xero tax rate")),
            (self.xero_tracking_option_ids, _("Xero tracking")),
        ):
            if record and record.tenant_id != tenant:
                problems.append(
                    _(
                        "%(line)s: the %(what)s %(value)s belongs to another Xero organisation than %(org)s: pick "
                        "one of %(org)s.",
                        line=label,
                        what=what,
                        value=", ".join(record.mapped("display_name")),
                        org=tenant.name,
                    )
                )
        if self.xero_tax_rate_id and not self.xero_tax_rate_id.active:
            problems.append(
                _(
                    "%(line)s: the Xero tax rate %(rate)s is no longer active in Xero: pick another.",
                    line=label,
                    rate=self.xero_tax_rate_id.display_name,
                )
            )
        return problems

    # ------------------------------------------------------------------------------------
    # The line's payload
    # ------------------------------------------------------------------------------------

    def _xero_line_item(self, ctx, use, amount_type):
        """(Xero LineItem or None to skip, [problems]) for this invoice line."""
        self.ensure_one()
        tenant = ctx["tenant"]
        label = _("Line “%s”", (self.name or self.product_id.display_name or "").split("\n")[0][:60])
        if self.display_type in ("line_section", "line_note"):
            return ({"Description": self.name or "-"} if self.name else None), []
        if self.display_type != "product":
            return None, []
        if self._xero_left_out():
            return None, []
        company = self.move_id.company_id
        taxes = self.tax_ids
        rate = self._xero_line_tax_rate(ctx) if len(taxes) == 1 else None
        # A tax Odoo keeps in the cost (not claimable) on a Xero rate of 0 % (Input Taxed, BAS
        # Excluded): Xero holds the gross amount, as Odoo's ledger does.
        in_cost = tax_in_cost(
            taxes, rate, amount_type, self.price_total - self.price_subtotal, self.currency_id.rounding
        )
        subtotal = self.price_total if amount_type == "Inclusive" or in_cost else self.price_subtotal
        if (
            float_is_zero(subtotal, precision_rounding=self.currency_id.rounding)
            and not company.xero_export_zero_lines
        ):
            return None, []
        problems = self._xero_line_override_problems(ctx, label)
        item = {"Description": (self.name or self.product_id.display_name or "-")[:4000]}
        xero_item = self._xero_line_item_for(ctx)
        if xero_item:
            item["ItemCode"] = xero_item.code
        account = ctx["accounts"].get(self.account_id.id)
        if account:
            item["AccountCode"] = account.code
        else:
            problems.append(
                _(
                    "%(line)s: account %(account)s has no Xero account in %(org)s, and no default applies: map it "
                    "in %(menu)s (Accounts).",
                    line=label,
                    account=self.account_id.display_name,
                    org=tenant.name,
                    menu=menu_path(self.env, MENU_MAPPINGS),
                )
            )
        if not set_line_tax(self.env, item, label, taxes, rate, tenant, problems):
            # No tax in Odoo: a rate that charges none (Xero would add its percentage to a line
            # without TaxAmount), never the organisation's default taxed rate.
            no_tax = ctx["no_tax"].get(use)
            if no_tax:
                item["TaxType"] = no_tax.tax_type
        set_line_tracking(self.env, item, label, self._xero_line_tracking(ctx), problems)

        quantity, price, discount = self.quantity, self.price_unit, self.discount
        shown_price = _trim(price)
        if discount and xero_kind(self.move_id.move_type).xero_type != "ACCREC":
            # Xero takes discounts on sales invoices only: bills and credit notes carry the
            # discounted unit price (4 decimals); the rewrite below keeps the cent exact.
            shown_price = _("%(price)s less %(discount)s%%", price=_trim(price), discount=_trim(discount))
            price = float(_money(Decimal(str(price)) * (1 - Decimal(str(discount)) / 100), UNIT_DP))
            discount = 0.0
        if self._xero_needs_rewrite(quantity, price, discount, subtotal):
            # M-Power's rule: where Xero's arithmetic would not give Odoo's line total, send
            # one unit at the exact total; the Odoo line itself never changes.
            item["Description"] = _(
                "%(qty)s x %(desc)s @ %(price)s ea.",
                qty=_trim(quantity),
                desc=item["Description"],
                price=shown_price,
            )[:4000]
            quantity, price, discount = 1.0, float(_money(subtotal)), 0.0
        item["Quantity"] = quantity
        item["UnitAmount"] = price
        if discount:
            item["DiscountRate"] = discount
        if amount_type != "NoTax" and taxes:
            # Odoo's own tax on the line: Xero then totals exactly what Odoo does.
            tax_amount = 0.0 if in_cost else self.price_total - self.price_subtotal
            item["TaxAmount"] = float(_money(tax_amount))
        return item, problems

    @staticmethod
    def _xero_needs_rewrite(quantity, price, discount, subtotal):
        return xero_line_amount(quantity, price, discount) != _money(subtotal)
