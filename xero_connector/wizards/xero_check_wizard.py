from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..utils import xero_date, xero_kind

# What Xero lists as applied to a document: (line kind, Xero key, reference keys, amount keys),
# each keys' first non-empty value counting.
APPLIED = (
    ("payment", "Payments", ("Reference", "PaymentID"), ("Amount",)),
    ("credit", "CreditNotes", ("CreditNoteNumber", "CreditNoteID"), ("AppliedAmount", "Total")),
    ("overpayment", "Overpayments", ("Reference", "OverpaymentID"), ("AppliedAmount", "Total")),
    ("prepayment", "Prepayments", ("Reference", "PrepaymentID"), ("AppliedAmount", "Total")),
)


def _first(values, keys, default=False):
    return next((values[key] for key in keys if values.get(key)), default)


class XeroCheckWizard(models.TransientModel):
    """M-Power's "Exported" button and "Xero Total for this Invoice": what Xero says about a
    document now — number, status, totals, the credits and payments applied — and whether
    Odoo and Xero agree."""

    _name = "xero.check.wizard"
    _description = "Xero check"

    move_id = fields.Many2one("account.move", required=True, readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    found = fields.Boolean(readonly=True)
    xero_number = fields.Char("Xero number", readonly=True)
    xero_status = fields.Char("Status in Xero", readonly=True)
    xero_total = fields.Monetary("Total in Xero", readonly=True)
    xero_amount_paid = fields.Monetary("Paid in Xero", readonly=True)
    xero_amount_credited = fields.Monetary("Credited in Xero", readonly=True)
    xero_amount_due = fields.Monetary("Due in Xero", readonly=True)
    odoo_total = fields.Monetary("Total in Odoo", readonly=True)
    left_out_total = fields.Monetary(
        "Left out of Xero",
        readonly=True,
        help="Lines your company leaves out of Xero (zero or negative price or quantity): Xero's total is "
        "compared with Odoo's without them.",
    )
    left_out = fields.Text("Lines left out of Xero", readonly=True)
    totals_match = fields.Boolean(readonly=True)
    odoo_amount_due = fields.Monetary("Due in Odoo", readonly=True)
    due_difference = fields.Char(
        "Settled on one side only",
        readonly=True,
        help="Set when a payment or credit settled the document in Odoo or in Xero but not in both.",
    )
    line_ids = fields.One2many("xero.check.wizard.line", "wizard_id", readonly=True)

    @api.model
    def _open_for(self, move, by_number=False):
        tenant = move.xero_tenant_id
        if not tenant:
            raise UserError(_("%s has no Xero organisation.", move.name))
        kind = xero_kind(move.move_type)
        endpoint, number_key = kind.endpoint, kind.number_key
        if move.xero_id and not by_number:
            answer = self.env["xero.reader"]._xero_read(move)[move]
            if answer.unknown:  # nothing in Odoo changes on an outage
                raise UserError(answer.message)
            element = answer.element
        else:
            found = move._xero_find_by_number(tenant)[move]
            if found.unknown:
                raise UserError(found.message)
            element = found.element
        values = {
            "move_id": move.id,
            "odoo_total": move.amount_total,
            "left_out_total": move.xero_left_out_total,
            "left_out": move.xero_left_out,
            "found": bool(element),
        }
        if element:
            values.update(self._values_from_xero(element, endpoint, number_key, move))
            if move.xero_id and not by_number:
                move._xero_write_fields(
                    {
                        "xero_status": element.get("Status"),
                        "xero_total": element.get("Total"),
                        "xero_amount_paid": element.get("AmountPaid") or 0.0,
                        "xero_amount_due": values["xero_amount_due"],
                        "xero_checked_at": fields.Datetime.now(),
                    }
                )
                move._xero_recheck_difference()
        wizard = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Xero check: %s", move.name),
        }

    @api.model
    def _values_from_xero(self, element, endpoint, number_key, move):
        total = element.get("Total") or 0.0
        due = element.get("AmountDue", element.get("RemainingCredit")) or 0.0
        lines = [
            fields.Command.create(
                {
                    "kind": kind,
                    "date": xero_date(applied.get("Date")),
                    "reference": _first(applied, reference_keys),
                    "amount": _first(applied, amount_keys, 0.0),
                }
            )
            for kind, key, reference_keys, amount_keys in APPLIED
            for applied in element.get(key) or []
        ]
        return {
            "xero_number": element.get(number_key),
            "xero_status": element.get("Status"),
            "xero_total": total,
            "xero_amount_paid": element.get("AmountPaid") or 0.0,
            "xero_amount_credited": element.get("AmountCredited") or 0.0,
            "xero_amount_due": due,
            "odoo_amount_due": move.amount_residual,
            "due_difference": move._xero_due_difference(element.get("Status"), due),
            "totals_match": float_compare(
                total, move._xero_expected_total(), precision_rounding=move.currency_id.rounding
            )
            == 0,
            "line_ids": lines,
        }
