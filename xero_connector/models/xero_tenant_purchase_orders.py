"""Xero's side of the purchase orders sent there: BILLED, DELETED (or back to DRAFT) read back,
only what changed since the last read (If-Modified-Since, 1,000 a page)."""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..utils import parse_xero_datetime

_logger = logging.getLogger(__name__)
PAGE_SIZE = 1000


class XeroTenant(models.Model):
    _inherit = "xero.tenant"  # pylint: disable=consider-merging-classes-inherited

    xero_po_synced_at = fields.Datetime("Purchase orders synced up to", readonly=True, copy=False)

    def _xero_sync_purchase_orders(self):
        """Read the purchase orders Xero changed since the last sync; returns the number of
        Odoo orders whose Xero status changed."""
        self.ensure_one()
        tenant = self.sudo()
        Order = self.env["purchase.order"].sudo()
        since = tenant.xero_po_synced_at
        newest, changed, page = None, 0, 1
        while True:
            kwargs = {"page": page, "page_size": PAGE_SIZE}
            if since:
                kwargs["if_modified_since"] = tenant._xero_since(since)
            answer = tenant._xero_call(
                _("reading purchase orders (page %(page)s)", page=page), "get_purchase_orders", params=kwargs
            )
            docs = answer.get("PurchaseOrders") or []
            by_id = {d["PurchaseOrderID"]: d for d in docs if d.get("PurchaseOrderID")}
            orders = Order.search(
                [
                    ("xero_tenant_id", "=", tenant.id),
                    ("xero_kind", "=", "purchase_order"),
                    ("xero_id", "in", list(by_id)),
                ]
            )
            for order in orders:
                doc = by_id[order.xero_id]
                if doc.get("Status") != order.xero_status:
                    changed += 1
                    order._xero_apply_xero_state(doc)
                    order.message_post(body=_("Now %(status)s in Xero.", status=doc.get("Status")))
            for doc in docs:
                stamp = parse_xero_datetime(doc.get("UpdatedDateUTC"))
                if stamp:
                    stamp = stamp.replace(tzinfo=None)
                    newest = max(filter(None, [newest, stamp]))
            if len(docs) < PAGE_SIZE:
                break
            page += 1
        if newest:
            tenant.xero_po_synced_at = max(filter(None, [newest, since]))
        return changed

    @api.model
    def _cron_xero_sync_purchase_orders(self):
        """Hourly: organisations with companies sending purchase orders as Xero purchase orders."""
        tenants = self.search([("connection_id.state", "=", "connected")]).filtered(
            lambda t: "purchase_order" in t.company_ids.mapped("xero_po_mode")
        )
        for tenant in tenants:
            try:
                with self.env.cr.savepoint():
                    tenant._xero_sync_purchase_orders()
            except UserError as error:
                _logger.warning("Xero purchase-order sync of %s failed: %s", tenant.name, error)
        return True
