"""Credit notes reconciled in Odoo with any invoice (Momentus): with *Allocate credit notes* on,
an exported credit note reconciled in Odoo with an exported invoice of the same organisation —
not only the one it reverses — is allocated to it in Xero, for the reconciled amount, through
the sender. An allocation Xero made itself (brought by the payment sync, which reconciles it
in Odoo) is not sent back."""

from odoo import _, api, models
from odoo.exceptions import UserError

from ..utils import flag_problem

PAIRS = {("out_refund", "out_invoice"), ("in_refund", "in_invoice")}


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        for partial in partials:
            partial._xero_allocate_credit_note()
        return partials

    def _xero_allocate_credit_note(self):
        self.ensure_one()
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        credit_note = moves.filtered(lambda m: m.move_type in ("out_refund", "in_refund"))
        invoice = moves - credit_note
        if (
            len(credit_note) != 1
            or len(invoice) != 1
            or (credit_note.move_type, invoice.move_type) not in PAIRS
        ):
            return
        tenant = credit_note.xero_tenant_id
        if not (
            credit_note.company_id.xero_allocate_credit_notes
            and credit_note.xero_id
            and invoice.xero_id
            and invoice.xero_tenant_id == tenant
            and invoice != credit_note.reversed_entry_id  # the export allocates it to what it reverses
        ):
            return
        amount = abs(
            self.debit_amount_currency if invoice.move_type == "out_invoice" else self.credit_amount_currency
        )
        allocation = {
            "Invoice": {"InvoiceID": invoice.xero_id},
            "Amount": credit_note.currency_id.round(amount),
            "Date": (self.max_date or credit_note.invoice_date).isoformat(),
        }
        try:
            from_xero = self.env["xero.payment"].search_count(
                [
                    ("move_id", "=", invoice.id),
                    ("kind", "=", "credit_note"),
                    ("source_xero_id", "=", credit_note.xero_id),
                ],
                limit=1,
            )
            if from_xero:  # Xero's own allocation, reconciled in Odoo by the payment sync
                return
            self.env["xero.sender"]._xero_send(
                tenant,
                _("allocating %(doc)s to %(origin)s", doc=credit_note.name, origin=invoice.name),
                "create_credit_note_allocation",
                {"Allocations": [allocation]},
                credit_note | invoice,
                tenant._xero_key(
                    "allocation", credit_note.xero_id, invoice.xero_id, self.id, allocation["Amount"]
                ),
                params={"credit_note_id": credit_note.xero_id},
            )
        except UserError as error:  # the reconciliation stands in Odoo; the user allocates in Xero
            flag_problem(
                credit_note,
                _("Not allocated in Xero"),
                _(
                    "%(doc)s was reconciled with %(origin)s in Odoo, but Xero refused the allocation: %(error)s. "
                    "Allocate it in Xero.",
                    doc=credit_note.name,
                    origin=invoice.name,
                    error=error,
                ),
            )
            return
        credit_note._message_log(body=_("Allocated in Xero to %s.", invoice.name))
