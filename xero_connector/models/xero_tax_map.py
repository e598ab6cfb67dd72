"""Odoo tax ↔ Xero tax rate, per organisation, and how taxes are matched automatically: by
kind (claimable or not, capital, GST-free, input taxed, export...), not only by rate."""

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .. import tax_kinds
from .xero_mapping_mixin import MATCH_STATES
from .xero_tax_rate import percent_text

# Xero's EffectiveRate carries 4 decimals.
RATE_DIGITS = 4


class XeroTaxMap(models.Model):
    """Odoo tax ↔ Xero tax rate (its tax type) in one organisation. Auto-matching fills the
    rows; where several Xero rates fit it lists them and leaves the choice to a human."""

    _name = "xero.tax.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero tax rate of a tax"
    _order = "tenant_id, type_tax_use, tax_id"
    _xero_target_field = "tax_rate_id"
    _xero_confirmation = ("rate_difference_confirmed", "rate_difference_confirmed_by_id")
    _xero_source = ("tax_id", "tax_company_id")

    tax_id = fields.Many2one("account.tax", required=True, ondelete="cascade", index=True)
    type_tax_use = fields.Selection(related="tax_id.type_tax_use", store=True, string="Used on")
    tax_company_id = fields.Many2one(related="tax_id.company_id", string="Company")
    odoo_rate = fields.Float(
        "Odoo rate (%)", compute="_compute_rates", digits=(16, 2), help="The percentage Odoo charges."
    )
    allowed_rate_ids = fields.Many2many(
        "xero.tax.rate",
        compute="_compute_rates",
        string="Rates of the tax's side",
        help="The organisation's Xero rates Xero lets sit on the tax's side (sales or purchases).",
    )
    tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Xero tax rate",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id), ('id', 'in', allowed_rate_ids)]",
    )
    xero_rate = fields.Float(related="tax_rate_id.effective_rate", string="Xero rate (%)")
    rate_difference = fields.Char(
        "Rate differs",
        compute="_compute_rates",
        help="Set when Xero would compute another percentage than Odoo charges: both rates.",
    )
    rate_difference_confirmed = fields.Boolean(
        "Confirm different rate",
        copy=False,
        help="A Xero manager confirms that this tax goes to a Xero rate of another percentage: Xero's tax "
        "return will then not show the tax Odoo charged on these lines.",
    )
    rate_difference_confirmed_by_id = fields.Many2one(
        "res.users", string="Different rate confirmed by", readonly=True, copy=False
    )
    tax_type = fields.Char(related="tax_rate_id.tax_type", string="Xero tax type")
    match_state = fields.Selection(MATCH_STATES, string="Match", default="none", required=True)
    candidate_ids = fields.Many2many(
        "xero.tax.rate",
        "xero_tax_map_candidate_rel",
        "map_id",
        "tax_rate_id",
        string="Candidates",
        help="The Xero rates of the tax's side and kind, the best fitting first: pick the right one.",
    )
    suggested_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Suggested",
        ondelete="set null",
        help="The candidate that fits the tax's kind best (first of the candidates).",
    )

    _sql_constraints = [
        ("tenant_tax_unique", "unique(tenant_id, tax_id)", "A tax is mapped once per organisation.")
    ]

    @api.depends(
        "tenant_id",
        "tax_id.amount",
        "tax_id.amount_type",
        "tax_id.type_tax_use",
        "tax_id.children_tax_ids.amount",
        "tax_rate_id.effective_rate",
    )
    def _compute_rates(self):
        Rate = self.env["xero.tax.rate"]
        rates_by_tenant = {}
        for mapping in self:
            tax, use = mapping.tax_id, mapping.tax_id.type_tax_use
            odoo_rate = self._xero_effective_rate(tax) if tax else None
            mapping.odoo_rate = odoo_rate or 0.0
            mapping.rate_difference = (
                mapping._xero_rate_difference(odoo_rate) if mapping.tax_rate_id else False
            )
            if not mapping.tenant_id or use not in ("sale", "purchase"):
                mapping.allowed_rate_ids = Rate
                continue
            if mapping.tenant_id.id not in rates_by_tenant:
                rates_by_tenant[mapping.tenant_id.id] = Rate.search(
                    [("tenant_id", "=", mapping.tenant_id.id)]
                )
            mapping.allowed_rate_ids = rates_by_tenant[mapping.tenant_id.id].filtered(
                lambda rate, u=use: self._xero_fits_side(
                    rate, u, tax_kinds.xero_kind(rate.report_tax_type, rate.effective_rate, rate.name)
                )
            )

    def _xero_rate_difference(self, odoo_rate):
        """ "Odoo 15 %, Xero 10 %" when Xero would compute another percentage than Odoo charges
        on the lines of this tax, else False. Kinds whose Xero rate is not a percentage of the
        line (GST on imports, withholding, adjustments) and tax kept in the cost on a 0 % rate
        differ by nature: auto-matching takes them, so no confirmation is asked."""
        self.ensure_one()
        if odoo_rate is None or self.tax_id.type_tax_use not in ("sale", "purchase"):
            return False
        kind = self._xero_odoo_kind(self.tax_id)
        if self._xero_fits_rate(self.tax_rate_id, odoo_rate, kind):
            return False
        return self.env._(
            "Odoo %(odoo)s, Xero %(xero)s",
            odoo=percent_text(odoo_rate),
            xero=percent_text(self.tax_rate_id.effective_rate),
        )

    def action_auto_match(self):
        """The list's Auto-match: for the organisations of the selected rows, else for the one
        the list is filtered on, else for every organisation the user sees."""
        return self._auto_match_tenants().action_auto_match_taxes()

    # ------------------------------------------------------------------------------------
    # Auto-matching
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_effective_rate(self, tax):
        """The percentage Xero would need to compute for ``tax``, or None when it cannot be
        expressed as one rate (fixed amounts, Python code, mixed groups)."""
        if tax.amount_type in ("percent", "division"):
            return tax.amount
        if tax.amount_type == "group" and tax.children_tax_ids:
            children = tax.children_tax_ids
            if all(child.amount_type == "percent" for child in children):
                return sum(children.mapped("amount"))
        return None

    @api.model
    def _xero_odoo_kind(self, tax):
        """The kind of ``tax`` (tax_kinds): from its tax tags (BAS labels), its repartition lines
        (a tax line with an account is claimable; none: the tax is part of the cost) and its
        words."""
        taxes = tax.children_tax_ids if tax.amount_type == "group" else tax
        lines = taxes.invoice_repartition_line_ids
        tax_lines = lines.filtered(lambda line: line.repartition_type == "tax")
        tags = [name.lstrip("+-") for name in lines.tag_ids.mapped("name")]
        return tax_kinds.odoo_kind(
            self._xero_effective_rate(tax) or 0.0,
            tax.type_tax_use,
            tags,
            # No tax account means the tax stays in the cost, on a chart's tax (one with tags); a
            # bare tax nobody configured is taken as the usual claimable kind.
            claimable=bool(tax_lines.account_id) or not tags,
            net_factor=sum(tax_lines.mapped("factor_percent")),
            texts=(tax.name, tax.description or "", tax.tax_group_id.name or ""),
        )

    @api.model
    def _xero_odoo_claims(self, tax, kind):
        """Whether a purchase with ``tax`` claims tax back in Odoo (a GST adjustment does when it
        posts to a tax account)."""
        if tax.type_tax_use != "purchase":
            return False
        if kind == tax_kinds.ADJUSTMENT:
            taxes = tax.children_tax_ids if tax.amount_type == "group" else tax
            lines = taxes.invoice_repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
            return bool(lines.account_id)
        return kind in tax_kinds.CLAIMABLE_KINDS

    @api.model
    def _xero_fits_side(self, rate, use, kind):
        """Whether Xero lets ``rate`` sit on lines of ``use`` (its CanApplyTo flags); GST on
        imports sits on a liability (the customs clearing account)."""
        if use == "sale":
            return rate.can_apply_to_revenue
        return rate.can_apply_to_expenses or (kind == tax_kinds.IMPORT_TAX and rate.can_apply_to_liabilities)

    @api.model
    def _xero_fits_rate(self, rate, odoo_rate, kind):
        if kind in (tax_kinds.IMPORT_TAX, tax_kinds.WITHHOLDING, tax_kinds.ADJUSTMENT):
            return True
        if kind in tax_kinds.COST_KINDS and not rate.effective_rate:
            return True  # the GST stays in the cost: Xero's 0 % rate on the gross amount
        return float_compare(rate.effective_rate, odoo_rate, precision_digits=RATE_DIGITS) == 0

    @api.model
    def _xero_scored_candidates(self, tenant, tax):
        """[(score, Xero rate)] of the active rates of ``tenant`` that fit ``tax``: its side, its
        kind, claimable like it (never a claimable rate for tax that is not, nor the reverse),
        and its rate; best first."""
        tenant.ensure_one()
        odoo_rate = self._xero_effective_rate(tax)
        if odoo_rate is None or tax.type_tax_use not in ("sale", "purchase"):
            return []
        use = tax.type_tax_use
        kind = self._xero_odoo_kind(tax)
        words = tax_kinds._words(f"{tax.name} {tax.description or ''}")
        claims = self._xero_odoo_claims(tax, kind)
        scored = []
        for rate in self.env["xero.tax.rate"].search([("tenant_id", "=", tenant.id)]):
            xero_kind = tax_kinds.xero_kind(rate.report_tax_type, rate.effective_rate, rate.name)
            if (
                not self._xero_fits_side(rate, use, xero_kind)
                or tax_kinds.xero_claimable(xero_kind, use) != claims
                or not self._xero_fits_rate(rate, odoo_rate, kind)
            ):
                continue
            score = tax_kinds.fit_score(kind, xero_kind, words, rate.name, rate.report_tax_type or "")
            if score:
                scored.append((score, rate))
        scored.sort(key=lambda pair: (-pair[0], pair[1].name or "", pair[1].id))
        return scored

    @api.model
    def _xero_tax_candidates(self, tenant, tax):
        """The active Xero rates of ``tenant`` that fit ``tax``, best first."""
        return self.env["xero.tax.rate"].union(
            *(rate for _score, rate in self._xero_scored_candidates(tenant, tax))
        )

    @api.model
    def _xero_auto_match(self, tenant, taxes=None):
        """Map the sales and purchase taxes of the companies using ``tenant``: one Xero rate fits
        the tax's kind best (a match, not only a suggestion) → mapped (auto); otherwise
        'ambiguous' with the candidates listed and the best one suggested, left for a human;
        none → 'none'. Choices made by hand are kept. Returns the mappings touched."""
        tenant.ensure_one()
        if taxes is None:
            taxes = self.env["account.tax"].search(
                [("company_id", "in", tenant.company_ids.ids), ("type_tax_use", "in", ("sale", "purchase"))]
            )
        existing = {
            m.tax_id.id: m for m in self.search([("tenant_id", "=", tenant.id), ("tax_id", "in", taxes.ids)])
        }
        touched = self.browse()
        to_create = []
        for tax in taxes:
            mapping = existing.get(tax.id)
            if mapping and mapping.match_state == "manual":
                continue
            scored = self._xero_scored_candidates(tenant, tax)
            candidates = self.env["xero.tax.rate"].union(*(rate for _score, rate in scored))
            best = [rate for score, rate in scored if score == scored[0][0]] if scored else []
            if len(best) == 1 and scored[0][0] >= 2:
                vals = {"tax_rate_id": best[0].id, "match_state": "auto"}
            elif candidates:
                vals = {"tax_rate_id": False, "match_state": "ambiguous"}
            else:
                vals = {"tax_rate_id": False, "match_state": "none"}
            vals.update(
                candidate_ids=[Command.set(candidates.ids)],
                suggested_rate_id=best[0].id if len(best) == 1 else False,
            )
            if mapping:
                mapping.write(vals)
                touched |= mapping
            else:
                to_create.append(dict(vals, tenant_id=tenant.id, tax_id=tax.id))
        return touched | self.create(to_create)

    # ------------------------------------------------------------------------------------
    # What a mapping may not be
    # ------------------------------------------------------------------------------------
    @api.constrains("tax_rate_id", "tax_id", "rate_difference_confirmed")
    def _check_tax_rate_kind(self):
        """A Xero rate of the other side, or one that claims tax back for a tax that is not
        claimable (or the reverse), would put wrong figures in the organisation's tax return;
        so would a rate of another percentage, unless a Xero manager confirms it. A rate of
        another organisation is refused first, with the sentence that says so."""
        self._check_xero_target_tenant()
        for mapping in self.filtered(
            lambda m: m.tax_rate_id and m.tax_id.type_tax_use in ("sale", "purchase")
        ):
            problem = mapping._xero_kind_problem()
            if problem:
                raise ValidationError(problem)
            if mapping.rate_difference and not mapping.rate_difference_confirmed:
                raise ValidationError(
                    self.env._(
                        "%(tax)s cannot go to the Xero rate %(rate)s: Xero would compute %(xero)s where Odoo "
                        "charges %(odoo)s, so Xero's tax return would not show the tax on Odoo's documents. "
                        "Pick a Xero rate of %(odoo)s, or a Xero manager ticks Confirm different rate.",
                        tax=mapping.tax_id.display_name,
                        rate=mapping.tax_rate_id.display_name,
                        xero=percent_text(mapping.tax_rate_id.effective_rate),
                        odoo=percent_text(mapping.odoo_rate),
                    )
                )

    def _xero_kind_problem(self):
        self.ensure_one()
        tax, rate = self.tax_id, self.tax_rate_id
        use = tax.type_tax_use
        kind = self._xero_odoo_kind(tax)
        xero_kind = tax_kinds.xero_kind(rate.report_tax_type, rate.effective_rate, rate.name)
        if not self._xero_fits_side(rate, use, xero_kind):
            return self.env._(
                "%(rate)s cannot be used on %(side)s in Xero: %(tax)s is a %(use)s tax. Pick a rate of that side.",
                rate=rate.display_name,
                side=self.env._("sales") if use == "sale" else self.env._("purchases"),
                tax=tax.display_name,
                use=self.env._("sales") if use == "sale" else self.env._("purchase"),
            )
        if use != "purchase":
            return False
        odoo_claims = self._xero_odoo_claims(tax, kind)
        if tax_kinds.xero_claimable(xero_kind, use) and not odoo_claims:
            return self.env._(
                "%(rate)s claims the tax back in Xero, but %(tax)s is not claimable in Odoo (its tax is part of "
                "the cost): mapping them would over-claim credits in Xero's tax return. Pick a rate that claims "
                "nothing (Input Taxed, BAS Excluded, No GST...).",
                rate=rate.display_name,
                tax=tax.display_name,
            )
        if odoo_claims and not tax_kinds.xero_claimable(xero_kind, use):
            return self.env._(
                "%(rate)s claims nothing back in Xero, but %(tax)s is claimable in Odoo: mapping them would leave "
                "the credit out of Xero's tax return. Pick a rate that claims the tax (GST on Expenses, GST on "
                "Capital...).",
                rate=rate.display_name,
                tax=tax.display_name,
            )
        return False
