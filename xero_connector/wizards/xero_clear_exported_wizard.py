"""M-Power's "Clear Exported Status", for invoices, credit notes, bills and purchase orders:
after the document was deleted or voided in Xero, forget the link so that it can be exported
again. Xero is asked first; only a Xero manager may force it while Xero still holds the
document, and must say why."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Xero's answer, shown on the form: computed, never taken from the caller.
XERO_ANSWER_FIELDS = ("xero_status", "gone_in_xero", "check_error")


class XeroClearExportedWizard(models.TransientModel):
    _name = "xero.clear.exported.wizard"
    _description = "Clear exported status"

    move_id = fields.Many2one("account.move", readonly=True)
    purchase_order_id = fields.Many2one("purchase.order", readonly=True)
    xero_status = fields.Char("Status in Xero now", compute="_compute_xero_status", store=True)
    gone_in_xero = fields.Boolean(compute="_compute_xero_status", store=True)
    check_error = fields.Char(
        "Xero could not be asked", compute="_compute_xero_status", store=True, readonly=True
    )
    reason = fields.Char(help="Why the link is cleared although Xero still has the document.")

    @api.model_create_multi
    def create(self, vals_list):
        # Creating the wizard asks Xero about the document: only for a Xero user who may see
        # the invoice, or change the order.
        orders = self.env["purchase.order"].browse(
            [vals["purchase_order_id"] for vals in vals_list if vals.get("purchase_order_id")]
        )
        if orders:
            orders._xero_check_po_access(orders, "write")
        moves = self.env["account.move"].browse(
            [vals.get("move_id") for vals in vals_list if vals.get("move_id")]
        )
        self.env["account.move"]._check_xero_user(moves)
        # What Xero holds is Xero's answer, never the caller's.
        vals_list = [{k: v for k, v in vals.items() if k not in XERO_ANSWER_FIELDS} for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        return super().write({k: v for k, v in vals.items() if k not in XERO_ANSWER_FIELDS})

    def _document(self):
        return self.purchase_order_id or self.move_id

    def _xero_answer(self):
        """What Xero holds for the document now (``xero.reader``)."""
        document = self._document()
        return self.env["xero.reader"]._xero_read(document)[document]

    @api.depends("move_id", "purchase_order_id")
    def _compute_xero_status(self):
        """Ask Xero what became of the document before forgetting the link. Only Xero's own
        answer counts as gone — 404, or status DELETED/VOIDED; an outage, a rate limit or a
        login to reconnect leaves the question open (``check_error``), never "deleted". For
        the form only: the action asks Xero again."""
        for wizard in self:
            if not wizard._document().xero_id:
                wizard.xero_status = wizard.gone_in_xero = wizard.check_error = False
                continue
            answer = wizard._xero_answer()
            wizard.xero_status = answer.status or False
            wizard.gone_in_xero = answer.gone
            wizard.check_error = answer.reason if answer.unknown else False

    def action_clear(self):
        self.ensure_one()
        order = self.purchase_order_id
        if order:
            order._xero_check_po_access(order, "write")
            document = order
        else:
            document = self.move_id
            document._check_xero_user(document)
        if not document.xero_id:
            raise UserError(_("%s is not marked as exported.", document.name))
        # Decided on Xero's answer now, whatever the form holds.
        answer = self._xero_answer()
        if answer.gone:
            document._xero_clear_exported(_("%(status)s in Xero.", status=answer.status))
        else:
            self._check_forced_clear(document, answer)
            document._xero_clear_exported(
                _(
                    "forced by %(user)s while %(status)s in Xero: %(reason)s",
                    user=self.env.user.name,
                    status=answer.status or _("unknown"),
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _check_forced_clear(self, document, answer):
        """Clearing while Xero still has the document (or could not say): a Xero manager's
        decision, with a reason."""
        manager = self.env["xero.access"]._xero_is("manager")
        if answer.unknown and not manager:
            raise UserError(
                _(
                    "%(doc)s was not cleared: Xero could not say whether it still has it (%(error)s). "
                    "Try again later; only a Xero manager may clear it without Xero's answer.",
                    doc=document.name,
                    error=answer.reason,
                )
            )
        if not manager:
            raise AccessError(
                _(
                    "%(doc)s is still %(status)s in Xero. Delete or void it there first; only a Xero manager "
                    "may clear it anyway.",
                    doc=document.name,
                    status=answer.status,
                )
            )
        if not (self.reason or "").strip():
            raise UserError(_("Say why the exported status is cleared while Xero still has the document."))
