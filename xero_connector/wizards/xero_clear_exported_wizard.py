"""M-Power's "Clear Exported Status", for invoices, credit notes, bills and purchase orders:
after the document was deleted or voided in Xero, forget the link so that it can be exported
again. Xero is asked first; only a Xero manager may force it while Xero still holds the
document, and must say why."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import XERO_GONE_STATUSES
from ..errors import XeroError
from ..utils import xero_kind


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
        return super().create(vals_list)

    @api.depends("move_id", "purchase_order_id")
    def _compute_xero_status(self):
        """Ask Xero what became of the document before forgetting the link. Only Xero's own
        answer counts as gone — 404, or status DELETED/VOIDED; an outage, a rate limit or a
        login to reconnect leaves the question open (``check_error``), never "deleted"."""
        for wizard in self:
            if wizard.purchase_order_id:
                status, error = wizard._order_status(), False
            else:
                status, error = wizard._move_status()
            wizard.xero_status = status
            wizard.check_error = error
            wizard.gone_in_xero = status in XERO_GONE_STATUSES

    def _move_status(self):
        """(Xero's status of the invoice or False, why Xero could not say or False)."""
        move = self.move_id
        status, error = False, False
        if move.xero_id:
            kind = xero_kind(move.move_type)
            try:
                answer = move.xero_tenant_id._xero_call(
                    _("checking %(doc)s", doc=move.name), kind.get_one, params={kind.id_arg: move.xero_id}
                )
                element = (answer.get(kind.endpoint) or [{}])[0]
                if element.get(kind.id_key) == move.xero_id:
                    status = element.get("Status") or False
                if not status:
                    error = _("Xero's answer did not name %s.", move.name)
            except XeroError as failure:
                if failure.status == 404:
                    status = "DELETED"  # Xero itself no longer knows it
                else:
                    error = str(failure)
            except UserError as failure:
                error = str(failure)
        return status, error

    def _order_status(self):
        order = self.purchase_order_id
        if not order.xero_id:
            return False
        return (order._xero_read_element() or {}).get("Status") or "DELETED"

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
        if self.gone_in_xero:
            document._xero_clear_exported(_("%(status)s in Xero.", status=self.xero_status))
        else:
            self._check_forced_clear(document)
            document._xero_clear_exported(
                _(
                    "forced by %(user)s while %(status)s in Xero: %(reason)s",
                    user=self.env.user.name,
                    status=self.xero_status or _("unknown"),
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _check_forced_clear(self, document):
        """Clearing while Xero still has the document (or could not say): a Xero manager's
        decision, with a reason."""
        manager = self.env["xero.access"]._xero_is("manager")
        if self.check_error and not manager:
            raise UserError(
                _(
                    "%(doc)s was not cleared: Xero could not say whether it still has it (%(error)s). "
                    "Try again later; only a Xero manager may clear it without Xero's answer.",
                    doc=document.name,
                    error=self.check_error,
                )
            )
        if not manager:
            raise AccessError(
                _(
                    "%(doc)s is still %(status)s in Xero. Delete or void it there first; only a Xero manager "
                    "may clear it anyway.",
                    doc=document.name,
                    status=self.xero_status,
                )
            )
        if not (self.reason or "").strip():
            raise UserError(_("Say why the exported status is cleared while Xero still has the document."))
