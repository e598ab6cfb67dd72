"""What the variance report asks of a document: what Odoo sent to Xero, and whether Odoo would
send the same today."""

from odoo import fields, models

from ..const import XERO_TYPES
from ..utils import xero_kind


class AccountMove(models.Model):
    _inherit = "account.move"

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
