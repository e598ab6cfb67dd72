"""Odoo account ↔ Xero account, per organisation, and how accounts are matched: by code,
then by name, always within the same kind (income, expense, asset, liability, equity)."""

import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .xero_mapping_mixin import MATCH_STATES

# Odoo account types whose lines go to Xero's revenue and expense accounts.
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")
# Odoo's internal group → Xero's account class.
XERO_CLASS_OF_GROUP = {
    "income": "REVENUE",
    "expense": "EXPENSE",
    "asset": "ASSET",
    "liability": "LIABILITY",
    "equity": "EQUITY",
}


PROFIT_AND_LOSS = ("income", "expense")


def account_name_key(name):
    """A name as a bookkeeper reads it: case, punctuation and "&"/"and" do not matter."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and "))
    return " ".join(words)


def account_name_words(name):
    """The words that name an account ("Sales Product #1" → {sales, product})."""
    return (
        set(account_name_key(name).split())
        - {"and", "of", "the", "for", "on"}
        - set(re.findall(r"\b\d+\b", name or ""))
    )


class XeroAccountMap(models.Model):
    """Odoo account ↔ Xero account (its code) in one organisation: matched by code, overridden
    by hand."""

    _name = "xero.account.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero account of an account"
    _order = "tenant_id, account_id"
    _xero_target_field = "xero_account_id"
    _xero_confirmation = ("cross_type_confirmed", "cross_type_confirmed_by_id")
    _xero_source = ("account_id", "account_company_ids")

    account_id = fields.Many2one("account.account", required=True, ondelete="cascade", index=True)
    account_type = fields.Selection(related="account_id.account_type", string="Type")
    account_company_ids = fields.Many2many(
        related="account_id.company_ids", string="Companies of the account"
    )
    xero_account_id = fields.Many2one(
        "xero.account",
        string="Xero account",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    xero_account_code = fields.Char(related="xero_account_id.code", string="Xero code")
    xero_account_class = fields.Char(related="xero_account_id.account_class", string="Xero class")
    type_mismatch = fields.Char(
        compute="_compute_type_mismatch",
        help="Set when the Xero account is of another kind than the Odoo account (an income account "
        "mapped to an expense account...): both kinds.",
    )
    cross_type_confirmed = fields.Boolean(
        "Confirm different kind",
        copy=False,
        help="A Xero manager confirms that this Odoo account goes to a Xero account of another kind "
        "(an expense account to a fixed-asset account for capital purchases...).",
    )
    cross_type_confirmed_by_id = fields.Many2one(
        "res.users", string="Different kind confirmed by", readonly=True, copy=False
    )
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
    # Kinds: an income account posts to Xero's revenue, an expense account to its expenses
    # ------------------------------------------------------------------------------------
    @api.depends("account_id.internal_group", "xero_account_id.account_class")
    def _compute_type_mismatch(self):
        for mapping in self:
            mapping.type_mismatch = mapping._xero_type_mismatch()

    def _xero_type_mismatch(self):
        """ "Odoo income, Xero EXPENSE" when the two accounts are of different kinds and one of
        them is a profit-and-loss account, else False. Between balance-sheet kinds (a stock
        clearing account Odoo keeps as an asset, Xero as a liability) the choice is the
        accountant's."""
        self.ensure_one()
        xero_class = self.xero_account_id.account_class
        group = self.account_id.internal_group
        if not xero_class or XERO_CLASS_OF_GROUP.get(group) in (None, xero_class):
            return False
        if group not in PROFIT_AND_LOSS and xero_class not in ("REVENUE", "EXPENSE"):
            return False
        return self.env._("Odoo %(odoo)s, Xero %(xero)s", odoo=group, xero=xero_class)

    @api.constrains("xero_account_id", "account_id", "cross_type_confirmed")
    def _check_account_kind(self):
        self._check_xero_target_tenant()  # another organisation's account: refused with its own sentence
        for mapping in self:
            mismatch = mapping._xero_type_mismatch()
            if mismatch and not mapping.cross_type_confirmed:
                raise ValidationError(
                    self.env._(
                        "%(account)s cannot go to the Xero account %(xero)s: they are of different kinds "
                        "(%(kinds)s), so Xero's profit and loss and balance sheet would not be Odoo's. Pick a "
                        "Xero account of the same kind, or a Xero manager ticks Confirm different kind.",
                        account=mapping.account_id.display_name,
                        xero=mapping.xero_account_id.display_name,
                        kinds=mismatch,
                    )
                )

    # ------------------------------------------------------------------------------------
    # Auto-matching
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_accounts_by_code(self, tenant, accounts=None, companies=None):
        """{Odoo account: its code} for the income and expense accounts of the companies using
        ``tenant``, or of ``companies`` (Odoo 18 codes depend on the company)."""
        tenant.ensure_one()
        result = {}
        for company in companies or tenant.company_ids:
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
    def _xero_auto_match(self, tenant, accounts=None, companies=None):
        """Map the income and expense accounts of the companies using ``tenant`` to the active
        Xero account of the same kind with the same code, else with the same name (Odoo's
        charts number accounts differently from Xero's: 61000 Advertising is Xero's 400
        Advertising). Choices made by hand are kept; accounts with no such Xero account get a
        row to fill in ('none'). ``companies``: whose ``accounts`` they are, when not the
        organisation's (a document sent to another company's organisation). Returns the
        mappings touched."""
        tenant.ensure_one()
        codes = self._xero_accounts_by_code(tenant, accounts, companies)
        xero_accounts = self.env["xero.account"].search(
            [("tenant_id", "=", tenant.id), ("code", "!=", False)]
        )
        by_code, by_name = {}, {}
        for xero_account in xero_accounts:
            if xero_account.system_account or xero_account.is_bank:
                continue
            by_code[(xero_account.code, xero_account.account_class)] = xero_account
            by_name.setdefault((account_name_key(xero_account.name), xero_account.account_class), []).append(
                xero_account
            )
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
            xero_class = XERO_CLASS_OF_GROUP.get(account.internal_group)
            xero_account = by_code.get((code, xero_class))
            if not xero_account:
                named = by_name.get((account_name_key(account.name), xero_class)) or []
                xero_account = named[0] if len(named) == 1 else None
            if not xero_account:
                # One name within the other ("Sales Product #1" / "Sales", "Telephone" /
                # "Telephone & Internet"), when exactly one Xero account of the kind fits.
                words = account_name_words(account.name)
                close = [
                    candidate
                    for (_key, xero_kind), candidates in by_name.items()
                    if xero_kind == xero_class
                    for candidate in candidates
                    if words
                    and account_name_words(candidate.name)
                    and (
                        account_name_words(candidate.name) <= words
                        or words <= account_name_words(candidate.name)
                    )
                ]
                xero_account = close[0] if len(close) == 1 else None
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
