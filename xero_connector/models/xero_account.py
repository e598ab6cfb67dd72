"""The cached chart of accounts of an organisation in Xero."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


class XeroAccount(models.Model):
    """An account of the organisation's chart of accounts in Xero."""

    _name = "xero.account"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Account (cache)"
    _order = "code, name, id"
    _rec_names_search = ["code", "name"]

    code = fields.Char(readonly=True, index=True)
    account_type = fields.Char("Type", readonly=True, help="Xero's account type: BANK, REVENUE, EXPENSE...")
    account_class = fields.Char("Class", readonly=True, help="ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE.")
    is_bank = fields.Boolean("Bank account", readonly=True)
    enable_payments_to_account = fields.Boolean(
        "Payments allowed", readonly=True, help="Xero accepts payments into this (non-bank) account."
    )
    bank_account_number = fields.Char(readonly=True)
    currency_code = fields.Char(readonly=True)
    tax_type = fields.Char("Default tax type", readonly=True)
    system_account = fields.Char(
        readonly=True, help="DEBTORS, CREDITORS, GST...: accounts Xero posts itself."
    )
    description = fields.Text(readonly=True)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for account in self:
            account.display_name = " ".join(filter(None, [account.code, account.name]))

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["AccountID"], doc)
        account_type = _text(doc.get("Type"))
        vals.update(
            code=_text(doc.get("Code")),
            name=_text(doc.get("Name")),
            account_type=account_type,
            account_class=_text(doc.get("Class")),
            is_bank=account_type == "BANK",
            enable_payments_to_account=bool(doc.get("EnablePaymentsToAccount")),
            bank_account_number=_text(doc.get("BankAccountNumber")),
            currency_code=_text(doc.get("CurrencyCode")),
            tax_type=_text(doc.get("TaxType")),
            system_account=_text(doc.get("SystemAccount")),
            description=_text(doc.get("Description")),
        )
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        return self._xero_refresh_incremental(
            tenant, "xero_cache_accounts_synced_at", "get_accounts", _("reading accounts"), "Accounts", full
        )
