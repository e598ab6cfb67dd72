"""Invoices, credit notes, vendor bills and refunds as Xero receives them: pure builders.

``_xero_export_context`` fetches every mapping the documents need in a few queries;
``_xero_payload`` turns one document into Xero's JSON, collecting every problem of the
document so that the user sees them all at once. Nothing here writes or calls Xero.
"""

from odoo import fields, models

from ..const import XERO_TYPES
from ..documents import (
    _contacts_by_partner,
    amount_type_of,
    check_contact_and_currency,
    line_items_of,
    payload_fingerprint,
    set_branding_theme,
)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _xero_used_taxes_accounts(self):
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        return lines.tax_ids, lines.account_id

    def _xero_export_context(self, tenant):
        """Every mapping these documents need in ``tenant``, fetched once for all of them."""
        lines = self.invoice_line_ids
        taxes = lines.tax_ids
        partners = self.partner_id.commercial_partner_id
        analytic_ids = {
            int(key) for line in lines for ids in (line.analytic_distribution or {}) for key in ids.split(",")
        }
        context = {
            "tenant": tenant,
            "contacts": _contacts_by_partner(self.env, partners, tenant),
            "items": lines.product_id._xero_items_by_product(tenant),
            "tax_rates": taxes._xero_tax_rates(tenant),
            "accounts": lines.account_id._xero_accounts(tenant),
            "tracking": self.env["account.analytic.account"]
            .browse(analytic_ids)
            ._xero_tracking_options(tenant),
            "currencies": set(
                self.env["xero.currency"].search([("tenant_id", "=", tenant.id)]).mapped("xero_id")
            )
            | {tenant.base_currency},
            "no_tax": {use: taxes._xero_no_tax_rate(tenant, use) for use in ("sale", "purchase")},
            "branding": self.company_id._xero_branding_themes(tenant),
            "base_url": (self.env.company.get_base_url() or "").rstrip("/"),
        }
        return context

    def _xero_payload(self, ctx):
        """(Xero JSON of this document, [problems]). Pure: reads, never writes. Every problem
        names the line and what to fix, so that the user sees them all at once."""
        self.ensure_one()
        tenant = ctx["tenant"]
        endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        problems = []
        company = self.company_id
        contact = check_contact_and_currency(
            self.env, ctx, company, self.partner_id.commercial_partner_id, self.currency_id, problems
        )
        currency = self.currency_id.name
        use = "sale" if self.is_sale_document(include_receipts=True) else "purchase"
        amount_type = amount_type_of(self.env, self.invoice_line_ids.tax_ids, problems)
        line_items = line_items_of(
            self.env,
            self.invoice_line_ids,
            lambda line: line._xero_line_item(ctx, use, amount_type),
            problems,
        )

        date = self.invoice_date if company.xero_date_method == "invoice" else fields.Date.context_today(self)
        status = company.xero_invoice_status
        payload = {
            "Type": xero_type,
            "Contact": {"ContactID": contact.xero_id} if contact else {},
            "Date": fields.Date.to_string(date),
            "CurrencyCode": currency,
            "LineAmountTypes": amount_type,
            "Status": status,
            "LineItems": line_items,
        }
        number = self.name if xero_type in ("ACCREC", "ACCRECCREDIT") else (self.ref or self.name)
        payload[number_key] = number
        if xero_type in ("ACCREC", "ACCRECCREDIT") and (self.ref or self.payment_reference):
            payload["Reference"] = (self.ref or self.payment_reference)[:255]
        if endpoint == "Invoices" and ctx["base_url"]:
            payload["Url"] = f"{ctx['base_url']}/odoo/account.move/{self.id}"
        if self.invoice_date_due and (status != "DRAFT" or company.xero_due_date_on_drafts):
            payload["DueDate"] = fields.Date.to_string(self.invoice_date_due)
        set_branding_theme(self.env, payload, self, ctx, problems)
        if currency != tenant.base_currency and company.currency_id.name == tenant.base_currency:
            rate = self.invoice_currency_rate
            if rate:
                payload["CurrencyRate"] = round(rate, 6)
        return payload, problems

    def _xero_fingerprint(self, payload):
        return payload_fingerprint(payload)

    def _xero_lookup_number(self):
        """The number Xero knows this document by: ours for sales, the supplier's for bills."""
        xero_type = XERO_TYPES[self.move_type][1]
        return self.name if xero_type in ("ACCREC", "ACCRECCREDIT") else (self.ref or self.name)
