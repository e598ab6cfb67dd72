"""Lines left out of Xero by the company's rule (zero or negative price or quantity, down-payment
deductions excepted): the export goes on without them, the document names them, and every
comparison of totals (the export's answer, the check dialog, the variance report, the
overview) expects Xero's total to be Odoo's less them.

What was left out is recorded when Xero's answer is written back (export, update), from the
same lines and rule the payload was built from: what the document says matches what was sent,
even if the company changes the rule later."""

from odoo import _, fields, models
from odoo.tools import formatLang


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_left_out = fields.Text(
        "Left out of Xero",
        copy=False,
        readonly=True,
        help="Lines your company leaves out of Xero (zero or negative price or quantity), with their "
        "amounts, as of the last export or update: Xero's total is Odoo's less these.",
    )
    xero_left_out_total = fields.Monetary(
        "Total left out of Xero",
        copy=False,
        readonly=True,
        help="The amount (taxes included) of the lines left out of Xero: Xero's total is expected to be "
        "Odoo's less this.",
    )

    def _xero_left_out_lines(self):
        """The lines of this document the company's rule leaves out of Xero now."""
        self.ensure_one()
        return self.invoice_line_ids.filtered(lambda line: line._xero_left_out())

    def _xero_left_out_values(self):
        """The fields naming the lines left out, as the payload built now leaves them out."""
        self.ensure_one()
        lines = self._xero_left_out_lines()
        currency = self.currency_id
        return {
            "xero_left_out": "\n".join(
                _(
                    "%(line)s: %(amount)s",
                    line=(line.name or line.product_id.display_name or "-").split("\n")[0][:80],
                    amount=formatLang(self.env, line.price_total, currency_obj=currency),
                )
                for line in lines
            )
            or False,
            "xero_left_out_total": currency.round(sum(lines.mapped("price_total"))),
        }

    def _xero_record_left_out(self):
        """Record what the payload just sent left out, before Xero's total is compared with
        Odoo's (written only when it changed: most documents leave nothing out)."""
        self.ensure_one()
        values = self._xero_left_out_values()
        if values["xero_left_out"] != (self.xero_left_out or False) or self.currency_id.compare_amounts(
            values["xero_left_out_total"], self.xero_left_out_total or 0.0
        ):
            self._xero_write_fields(values)

    def _xero_expected_total(self):
        """The total Xero should hold: Odoo's, less the lines left out of Xero."""
        self.ensure_one()
        return self.amount_total - (self.xero_left_out_total or 0.0)

    def _xero_left_out_note(self):
        """A sentence for the chatter naming what was left out, or False."""
        self.ensure_one()
        if not self.xero_left_out:
            return False
        return _(
            "Left out of Xero by your company's rule (zero or negative price or quantity): %(lines)s. Xero's "
            "total is Odoo's without them: %(expected)s.",
            lines="; ".join(self.xero_left_out.split("\n")),
            expected=formatLang(self.env, self._xero_expected_total(), currency_obj=self.currency_id),
        )

    def _xero_total_words(self):
        """Odoo's total as compared with Xero's: "945.00", or "1,000.00 (945.00 without -55.00
        left out of Xero)"."""
        self.ensure_one()
        currency = self.currency_id
        total = formatLang(self.env, self.amount_total, currency_obj=currency)
        if currency.is_zero(self.xero_left_out_total or 0.0):
            return total
        return _(
            "%(expected)s (%(total)s without %(left_out)s left out of Xero)",
            expected=formatLang(self.env, self._xero_expected_total(), currency_obj=currency),
            total=total,
            left_out=formatLang(self.env, self.xero_left_out_total, currency_obj=currency),
        )
