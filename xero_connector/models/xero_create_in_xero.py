"""*Create in Xero* on the mapping screens (Connec! shares accounts and tax codes): an Odoo
account (code, name, type mapped) or tax (rate and components) with no Xero counterpart yet is
created in the mapping's organisation through the sender and mapped to what Xero made.

What Odoo can tell before sending is said at once (a code over Xero's 10 characters, a type
Xero makes by itself: receivable, payable, bank); what Xero refuses (a code or name already
used…) comes back in Xero's own words. The new account or rate reaches the cache through the
cache refresh of that list."""

from odoo import _, models
from odoo.exceptions import UserError

MAX_ACCOUNT_CODE = 10
# Odoo account type → Xero account Type. Receivable, payable, bank and credit-card accounts are
# Xero's own system or bank accounts: they are mapped, never created from Odoo.
ACCOUNT_TYPES = {
    "income": "REVENUE",
    "income_other": "OTHERINCOME",
    "expense": "EXPENSE",
    "expense_depreciation": "DEPRECIATN",
    "expense_direct_cost": "DIRECTCOSTS",
    "asset_current": "CURRENT",
    "asset_non_current": "NONCURRENT",
    "asset_fixed": "FIXED",
    "asset_prepayments": "PREPAYMENT",
    "liability_current": "CURRLIAB",
    "liability_non_current": "TERMLIAB",
    "equity": "EQUITY",
    "equity_unaffected": "EQUITY",
}


def _refused(answer_or_error, what):
    return UserError(_("Xero refused to create %(what)s: %(error)s", what=what, error=answer_or_error))


class XeroAccountMap(models.Model):
    _inherit = "xero.account.map"

    def action_xero_create_in_xero(self):
        """Create each unmapped Odoo account in its organisation and map it."""
        self.env["xero.access"]._xero_check_access("manager", self, "write")
        for mapping in self.filtered(lambda m: not m.xero_account_id):
            account, tenant = mapping.account_id, mapping.tenant_id
            payload = mapping._xero_account_payload()
            answer = self.env["xero.sender"]._xero_send(
                tenant,
                _("creating the account %s", account.display_name),
                "create_account",
                payload,
                mapping,
                tenant._xero_key("account", payload),
            )
            element = (answer.get("Accounts") or [{}])[0]
            if not element.get("AccountID"):
                raise _refused(element.get("ValidationErrors") or answer, account.display_name)
            self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["accounts"])
            mapping.xero_account_id = self.env["xero.account"].search(
                [("tenant_id", "=", tenant.id), ("xero_id", "=", element["AccountID"])]
            )
        return True

    def _xero_account_payload(self):
        self.ensure_one()
        account = self.account_id
        xero_type = ACCOUNT_TYPES.get(account.account_type)
        if not xero_type:
            raise UserError(
                _(
                    "%(account)s is a %(type)s account: Xero keeps its own (receivable, payable, bank and card "
                    "accounts are made in Xero). Map it to Xero's account instead.",
                    account=account.display_name,
                    type=dict(account._fields["account_type"]._description_selection(self.env))[
                        account.account_type
                    ],
                )
            )
        code = (account.code or "").strip()
        if len(code) > MAX_ACCOUNT_CODE:
            raise UserError(
                _(
                    "The code of %(account)s, %(code)s, has %(length)s characters; Xero accepts account codes of "
                    "at most %(max)s. Map it to an existing Xero account or shorten the code.",
                    account=account.display_name,
                    code=code,
                    length=len(code),
                    max=MAX_ACCOUNT_CODE,
                )
            )
        return {"Code": code, "Name": account.name, "Type": xero_type}


class XeroTaxMap(models.Model):
    _inherit = "xero.tax.map"

    def action_xero_create_in_xero(self):
        """Create each unmapped Odoo tax as a Xero tax rate (its components) and map it."""
        self.env["xero.access"]._xero_check_access("manager", self, "write")
        for mapping in self.filtered(lambda m: not m.tax_rate_id):
            tax, tenant = mapping.tax_id, mapping.tenant_id
            payload = {"TaxRates": [mapping._xero_tax_payload()]}
            answer = self.env["xero.sender"]._xero_send(
                tenant,
                _("creating the tax rate %s", tax.display_name),
                "create_tax_rates",
                payload,
                mapping,
                tenant._xero_key("tax_rate", payload),
            )
            element = (answer.get("TaxRates") or [{}])[0]
            if not element.get("TaxType"):
                raise _refused(element.get("ValidationErrors") or answer, tax.display_name)
            self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["tax_rates"])
            mapping.tax_rate_id = self.env["xero.tax.rate"].search(
                [("tenant_id", "=", tenant.id), ("xero_id", "=", element["TaxType"])]
            )
        return True

    def _xero_tax_payload(self):
        self.ensure_one()
        tax = self.tax_id
        parts = tax.children_tax_ids if tax.amount_type == "group" else tax
        if any(part.amount_type != "percent" for part in parts):
            raise UserError(
                _(
                    "%(tax)s is not a percentage (or a group of percentages): Xero tax rates are made of "
                    "percentage components only. Map it to an existing Xero rate instead.",
                    tax=tax.display_name,
                )
            )
        return {
            "Name": tax.name,
            "ReportTaxType": "OUTPUT" if tax.type_tax_use == "sale" else "INPUT",
            "TaxComponents": [
                {
                    "Name": part.name,
                    "Rate": part.amount,
                    "IsCompound": bool(index and parts[index - 1].include_base_amount),
                }
                for index, part in enumerate(parts)
            ],
        }
