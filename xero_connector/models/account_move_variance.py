"""What the variance report asks of a document: what Odoo sent to Xero, whether Odoo would
send the same today, and whether it is settled alike on both sides (the amount due)."""

from odoo import _, fields, models
from odoo.tools import float_compare, formatLang

from ..const import XERO_TYPES
from ..utils import xero_kind

# Only approved documents carry payments and credits in Xero.
SETTLED_STATUSES = ("AUTHORISED", "PAID")


class AccountMove(models.Model):
    _inherit = "account.move"

    def _xero_due_difference(self, status, xero_due):
        """ "Due: 0.00 in Odoo, 43.89 in Xero" when a payment or credit settled this document on
        one side only (a credit note reconciled in Odoo but not allocated in Xero...), else
        False. ``status`` and ``xero_due``: Xero's, as just read or last seen."""
        self.ensure_one()
        if status not in SETTLED_STATUSES or xero_due is None or self.state != "posted":
            return False
        currency = self.currency_id
        # Xero never had the lines left out: its amount due is Odoo's without them.
        odoo_due = self.amount_residual - (self.xero_left_out_total or 0.0)
        if float_compare(odoo_due, xero_due, precision_rounding=currency.rounding) == 0:
            return False
        odoo = formatLang(self.env, self.amount_residual, currency_obj=currency)
        if not currency.is_zero(self.xero_left_out_total or 0.0):
            odoo = _(
                "%(due)s (%(expected)s without the lines left out of Xero)",
                due=odoo,
                expected=formatLang(self.env, odoo_due, currency_obj=currency),
            )
        return _(
            "Due: %(odoo)s in Odoo, %(xero)s in Xero (settled on one side only)",
            odoo=odoo,
            xero=formatLang(self.env, xero_due, currency_obj=currency),
        )

    def _xero_recheck_difference(self):
        """After Xero's payments were applied: these documents differ in Xero when their total
        or their amount due (as Xero last said) is not Odoo's; equal again, the flag goes."""
        for move in self.filtered(lambda m: m.xero_export_state in ("exported", "differs")):
            difference = move._xero_total_difference(
                {"Total": move.xero_total, "Status": move.xero_status}
            ) or move._xero_due_difference(move.xero_status, move.xero_amount_due)
            if (difference or False) == (move.xero_difference or False):
                continue
            move._xero_write_fields(
                {
                    "xero_export_state": "differs" if difference else "exported",
                    "xero_difference": difference or False,
                }
            )
            if difference:
                move._xero_flag_difference(difference)
            else:
                move._xero_clear_difference_activities()

    def _xero_number_for_variance(self):
        """The number Xero knows this document by (bills: the vendor's reference)."""
        self.ensure_one()
        xero_type = XERO_TYPES[self.move_type][1]
        return self.name if xero_type in ("ACCREC", "ACCRECCREDIT") else (self.ref or self.name)

    def _xero_variance_sent_date(self):
        """The date sent to Xero: the invoice date, or the export date (company setting)."""
        self.ensure_one()
        if self.company_id.xero_date_method == "invoice" or not self.xero_export_date:
            return self.invoice_date
        return fields.Date.context_today(self, timestamp=self.xero_export_date)

    def _xero_changed_since_export(self, ctx):
        """True when what Odoo would send now is not what it sent: the payload's fingerprint
        differs from the one stored at export or at the last update. Unknown (False) for
        documents linked without one (found in Xero after an interrupted export)."""
        self.ensure_one()
        if not (self.xero_id and self.xero_fingerprint and ctx):
            return False
        payload, _problems = self._xero_payload(ctx)
        payload["Date"] = fields.Date.to_string(self._xero_variance_sent_date())
        if self._xero_fingerprint(payload) == self.xero_fingerprint:
            return False
        # "Update in Xero" fingerprints the payload with the document's Xero id in it.
        id_key = xero_kind(self.move_type).id_key
        return self._xero_fingerprint({**payload, id_key: self.xero_id}) != self.xero_fingerprint
