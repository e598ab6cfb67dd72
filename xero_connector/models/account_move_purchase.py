"""Vendor bills created from purchase orders, when purchase orders go to Xero.

- Order sent as a Xero bill: the Odoo bill created from it is that Xero bill. It is linked to it
  (Xero id, number, status) when posted or exported, never sent a second time; its payments
  then sync against that Xero bill. A second bill of such an order is refused with what to do.
- Order sent as a Xero purchase order: its bills export as usual and carry the order's number
  in a first description line, so that Xero users can match bill and purchase order.
- The purchase-order queue is drained by the invoices' 5-minute cron.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang


class AccountMove(models.Model):
    _inherit = "account.move"

    def _xero_purchase_orders(self):
        self.ensure_one()
        return self.invoice_line_ids.purchase_line_id.order_id

    def _xero_order_sent_as_bill(self):
        """The one purchase order this bill comes from when that order is a Xero bill."""
        self.ensure_one()
        orders = self._xero_purchase_orders()
        if (
            self.move_type == "in_invoice"
            and len(orders) == 1
            and orders.xero_kind == "bill"
            and orders.xero_id
        ):
            return orders
        return orders.browse()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.move_type == "in_invoice" and not m.xero_id):
            order = move._xero_order_sent_as_bill()
            if order and order._xero_vendor_bills() == move:
                move._xero_link_to_order_bill(order)
        return posted

    def _xero_link_to_order_bill(self, order):
        """Link these bills (one) to the Xero bill their purchase order became."""
        for move in self:
            move.with_context(mail_notrack=True)._xero_write_fields(
                {
                    "xero_id": order.xero_id,
                    "xero_number": order.xero_number,
                    "xero_status": order.xero_status,
                    "xero_total": order.xero_total,
                    "xero_amount_due": order.xero_total if order.xero_status == "AUTHORISED" else 0.0,
                    "xero_export_state": "exported",
                    "xero_error": False,
                    "xero_export_date": fields.Datetime.now(),
                    "xero_checked_at": fields.Datetime.now(),
                }
            )
            move.message_post(
                body=_(
                    "Linked to the Xero bill %(number)s sent from purchase order %(order)s (total %(total)s): "
                    "not sent to Xero again.",
                    number=order.xero_number or order.xero_id,
                    order=order.name,
                    total=formatLang(self.env, order.xero_total or 0.0, currency_obj=order.currency_id),
                )
            )

    def _xero_export(self, raise_on_problems=False):
        """Bills of orders already in Xero as bills are linked, not sent; a second bill of such
        an order is refused (the Xero bill covers the whole order)."""
        linked, refused = self.browse(), {}
        for move in self._xero_exportable().filtered(lambda m: m.move_type == "in_invoice"):
            order = move._xero_order_sent_as_bill()
            if not order:
                continue
            if order._xero_vendor_bills() == move:
                move._xero_link_to_order_bill(order)
                linked |= move
            else:
                refused[move] = _(
                    "%(doc)s was not sent to Xero: its purchase order %(order)s is already in Xero as the bill "
                    "%(number)s, for the whole order. Delete or void that bill in Xero and clear the order's "
                    "exported status: the order's bills then go to Xero one by one.",
                    doc=move.name,
                    order=order.name,
                    number=order.xero_number or order.xero_id,
                )
        for move, message in refused.items():
            move._xero_record_failure(message)
        rest = self - linked - self.browse([m.id for m in refused])
        result = super(AccountMove, rest)._xero_export(raise_on_problems=raise_on_problems)
        result["exported"] |= linked
        result["failed"].update(refused)
        if raise_on_problems and len(self) == 1 and self in refused:
            raise UserError(refused[self])
        return result

    def _xero_payload(self, ctx):
        """Bills from purchase orders name the order first, so that Xero users can match them
        (Xero's Reference field is for sales invoices only)."""
        payload, problems = super()._xero_payload(ctx)
        if self.move_type in ("in_invoice", "in_refund") and self.company_id.xero_po_mode != "none":
            orders = self._xero_purchase_orders()
            if orders:
                numbers = ", ".join(o.xero_number or o.name for o in orders)
                payload["LineItems"].insert(0, {"Description": _("Purchase order %s", numbers)})
        return payload, problems

    @api.model
    def _cron_xero_export_queue(self, limit=None):
        """One queue for invoices, bills and purchase orders."""
        result = super()._cron_xero_export_queue(limit=limit)
        self.env["purchase.order"]._cron_xero_export_queue(limit=limit)
        return result
