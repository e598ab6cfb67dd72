"""Odoo tax ↔ Xero tax rate, per organisation, and how taxes are matched automatically."""

from odoo import Command, api, fields, models
from odoo.tools import float_compare

from .xero_mapping_mixin import MATCH_STATES

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

    tax_id = fields.Many2one("account.tax", required=True, ondelete="cascade", index=True)
    type_tax_use = fields.Selection(related="tax_id.type_tax_use", store=True, string="Used on")
    tax_company_id = fields.Many2one(related="tax_id.company_id", string="Company")
    tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Xero tax rate",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    tax_type = fields.Char(related="tax_rate_id.tax_type", string="Xero tax type")
    match_state = fields.Selection(MATCH_STATES, string="Match", default="none", required=True)
    candidate_ids = fields.Many2many(
        "xero.tax.rate",
        "xero_tax_map_candidate_rel",
        "map_id",
        "tax_rate_id",
        string="Candidates",
        help="The Xero rates with the same effective rate and use: pick the right one.",
    )

    _sql_constraints = [
        ("tenant_tax_unique", "unique(tenant_id, tax_id)", "A tax is mapped once per organisation.")
    ]

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
    def _xero_tax_candidates(self, tenant, tax):
        """The active Xero rates of ``tenant`` that fit ``tax``: same side (revenue for sales
        taxes, expenses for purchase taxes) and same effective rate."""
        tenant.ensure_one()
        rate = self._xero_effective_rate(tax)
        if rate is None or tax.type_tax_use not in ("sale", "purchase"):
            return self.env["xero.tax.rate"]
        side = "can_apply_to_revenue" if tax.type_tax_use == "sale" else "can_apply_to_expenses"
        rates = self.env["xero.tax.rate"].search([("tenant_id", "=", tenant.id), (side, "=", True)])
        return rates.filtered(
            lambda r: float_compare(r.effective_rate, rate, precision_digits=RATE_DIGITS) == 0
        )

    @api.model
    def _xero_auto_match(self, tenant, taxes=None):
        """Map the sales and purchase taxes of the companies using ``tenant``: exactly one
        fitting Xero rate → mapped (auto); several → 'ambiguous', candidates listed, left for a
        human; none → 'none'. Choices made by hand are kept. Returns the mappings touched."""
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
            candidates = self._xero_tax_candidates(tenant, tax)
            if len(candidates) == 1:
                vals = {
                    "tax_rate_id": candidates.id,
                    "match_state": "auto",
                    "candidate_ids": [Command.set(candidates.ids)],
                }
            elif candidates:
                vals = {
                    "tax_rate_id": False,
                    "match_state": "ambiguous",
                    "candidate_ids": [Command.set(candidates.ids)],
                }
            else:
                vals = {"tax_rate_id": False, "match_state": "none", "candidate_ids": [Command.clear()]}
            if mapping:
                mapping.write(vals)
                touched |= mapping
            else:
                to_create.append(dict(vals, tenant_id=tenant.id, tax_id=tax.id))
        return touched | self.create(to_create)
