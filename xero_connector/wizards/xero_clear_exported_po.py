"""“Clear exported status” for purchase orders, as for invoices: Xero is asked first; only a
Xero manager may clear an order Xero still holds, and must say why."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import XERO_GONE_STATUSES


class XeroClearExportedWizard(models.TransientModel):
    _inherit = "xero.clear.exported.wizard"

    move_id = fields.Many2one(required=False)
    purchase_order_id = fields.Many2one("purchase.order", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        # Creating the wizard asks Xero about the order: only for a Xero user who may change it.
        orders = self.env["purchase.order"].browse(
            [vals["purchase_order_id"] for vals in vals_list if vals.get("purchase_order_id")]
        )
        if orders:
            orders._xero_check_po_access(orders, "write")
        return super().create(vals_list)

    @api.depends("move_id", "purchase_order_id")
    def _compute_xero_status(self):
        orders = self.filtered("purchase_order_id")
        super(XeroClearExportedWizard, self - orders)._compute_xero_status()
        for wizard in orders:
            order = wizard.purchase_order_id
            status = False
            if order.xero_id:
                status = (order._xero_read_element() or {}).get("Status") or "DELETED"
            wizard.xero_status = status
            wizard.gone_in_xero = status in XERO_GONE_STATUSES

    def action_clear(self):
        self.ensure_one()
        order = self.purchase_order_id
        if not order:
            return super().action_clear()
        order._xero_check_po_access(order, "write")
        if not order.xero_id:
            raise UserError(_("%s is not marked as exported.", order.name))
        if self.gone_in_xero:
            order._xero_clear_exported(_("%(status)s in Xero.", status=self.xero_status))
        else:
            if not self.env.user.has_group("xero_connector.group_xero_manager"):
                raise AccessError(
                    _(
                        "%(doc)s is still %(status)s in Xero. Delete or void it there first; only a Xero manager "
                        "may clear it anyway.",
                        doc=order.name,
                        status=self.xero_status,
                    )
                )
            if not (self.reason or "").strip():
                raise UserError(
                    _("Say why the exported status is cleared while Xero still has the document.")
                )
            order._xero_clear_exported(
                _(
                    "forced by %(user)s while %(status)s in Xero: %(reason)s",
                    user=self.env.user.name,
                    status=self.xero_status,
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}
