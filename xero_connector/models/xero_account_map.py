"""Odoo account ↔ Xero account, per organisation, and how accounts are matched by code."""

from odoo import api, fields, models

from .xero_mapping_mixin import MATCH_STATES

# Odoo account types whose lines go to Xero's revenue and expense accounts.
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")


class XeroAccountMap(models.Model):
    """Odoo account ↔ Xero account (its code) in one organisation: matched by code, overridden
    by hand."""

    _name = "xero.account.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero account of an account"
    _order = "tenant_id, account_id"
    _xero_target_field = "xero_account_id"

    account_id = fields.Many2one("account.account", required=True, ondelete="cascade", index=True)
    account_type = fields.Selection(related="account_id.account_type", string="Type")
    xero_account_id = fields.Many2one(
        "xero.account",
        string="Xero account",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    xero_account_code = fields.Char(related="xero_account_id.code", string="Xero code")
    match_state = fields.Selection(
        [item for item in MATCH_STATES if item[0] != "ambiguous"],
        string="Match",
        default="none",
        required=True,
    )

    _sql_constraints = [
        (
            "tenant_account_unique",
            "unique(tenant_id, account_id)",
            "An account is mapped once per organisation.",
        )
    ]

    def action_auto_match(self):
        """The list's Auto-match, like the taxes'."""
        return self._auto_match_tenants().action_auto_match_accounts()

    # ------------------------------------------------------------------------------------
    # Auto-matching
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_accounts_by_code(self, tenant, accounts=None):
        """{Odoo account: its code} for the income and expense accounts of the companies using
        ``tenant`` (Odoo 18 codes depend on the company)."""
        tenant.ensure_one()
        result = {}
        for company in tenant.company_ids:
            Account = self.env["account.account"].with_company(company)
            found = (
                accounts.with_company(company).filtered(lambda a, c=company: c in a.company_ids)
                if accounts is not None
                else Account.search(
                    [("company_ids", "in", company.id), ("account_type", "in", INCOME_TYPES + EXPENSE_TYPES)]
                )
            )
            for account in found:
                result.setdefault(account.with_env(self.env), account.code)
        return result

    @api.model
    def _xero_auto_match(self, tenant, accounts=None):
        """Map the income and expense accounts of the companies using ``tenant`` to the active
        Xero account with the same code. Choices made by hand are kept; accounts with no such
        Xero account get a row to fill in ('none'). Returns the mappings touched."""
        tenant.ensure_one()
        codes = self._xero_accounts_by_code(tenant, accounts)
        xero_by_code = {
            a.code: a
            for a in self.env["xero.account"].search([("tenant_id", "=", tenant.id), ("code", "!=", False)])
        }
        existing = {
            m.account_id.id: m
            for m in self.search([("tenant_id", "=", tenant.id), ("account_id", "in", [a.id for a in codes])])
        }
        touched = self.browse()
        to_create = []
        for account, code in codes.items():
            mapping = existing.get(account.id)
            if mapping and mapping.match_state == "manual":
                continue
            xero_account = xero_by_code.get(code)
            vals = {
                "xero_account_id": xero_account.id if xero_account else False,
                "match_state": "auto" if xero_account else "none",
            }
            if mapping:
                mapping.write(vals)
                touched |= mapping
            else:
                to_create.append(dict(vals, tenant_id=tenant.id, account_id=account.id))
        return touched | self.create(to_create)
