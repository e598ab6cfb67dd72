"""Purchase orders and Xero: the link fields, what queues an order for Xero (confirmation, the
vendor reference, a change of a sent order), the buttons (send, open, update, refresh,
clear), cancelling a sent order (deleted in Xero while Xero allows it) and the hourly read
of Xero's statuses. Payload builders and the engine's hooks: ``purchase_order_export.py``;
the lines: ``purchase_order_line.py``."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

from ..const import PAGE_SIZE, XERO_GONE_STATUSES, XERO_MUTABLE_STATUSES
from ..documents import payload_fingerprint
from ..utils import (
    answer,
    if_modified_since,
    notification,
    parse_xero_datetime,
    run_cron_batches,
    validation_messages,
    xero_status_word,
)

# Changing one of these on a sent order queues its update in Xero.
XERO_CONTENT_FIELDS = {
    "order_line",
    "partner_id",
    "partner_ref",
    "currency_id",
    "date_order",
    "date_planned",
    "dest_address_id",
    "payment_term_id",
    "notes",
}


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "xero.document.mixin"]

    xero_kind = fields.Selection(
        [("purchase_order", "Xero purchase order"), ("bill", "Xero bill")],
        string="Sent to Xero as",
        copy=False,
        readonly=True,
    )
    xero_export_state = fields.Selection(
        [
            ("not_exported", "Not sent"),
            ("queued", "Queued"),
            ("exported", "In Xero"),
            ("bills", "Its bills go to Xero"),
            ("error", "Sending failed"),
        ],
        string="Xero",
        default="not_exported",
        copy=False,
        readonly=True,
        index=True,
    )
    xero_error = fields.Text("Xero problems", copy=False, readonly=True)
    # Monetary: needs the model's currency_id, so not on the mixin.
    xero_total = fields.Monetary("Total in Xero", copy=False, readonly=True)
    xero_is_exportable = fields.Boolean(compute="_compute_xero_is_exportable")

    @api.depends("state", "xero_id", "company_id.xero_po_mode")
    def _compute_xero_is_exportable(self):
        for order in self:
            order.xero_is_exportable = (
                order.state in ("purchase", "done")
                and not order.xero_id
                and order.company_id.xero_po_mode != "none"
            )

    # ------------------------------------------------------------------------------------
    # Triggers: confirmation, the vendor reference (MRPeasy's "Invoice ID")
    # ------------------------------------------------------------------------------------
    def button_approve(self, force=False):
        """Confirmation, directly or after a manager's approval (two-step validation)."""
        result = super().button_approve(force=force)
        self._xero_queue_if_due()
        return result

    def write(self, vals):
        result = super().write(vals)
        if vals.get("partner_ref"):
            self._xero_queue_if_due()
        if XERO_CONTENT_FIELDS.intersection(vals):
            self._xero_queue_update()
        return result

    def _xero_queue_update(self):
        """MRPeasy's "PO is updated → PO or bill updated in Xero, if Xero accepts it": a sent
        order changed in Odoo joins the queue again, where the update is pushed (or Xero's
        refusal recorded on it) in the companies that send orders automatically."""
        changed = self.filtered(
            lambda o: o.xero_id
            and o.xero_status not in XERO_GONE_STATUSES
            and o.xero_export_state in ("exported", "error")
            and o.company_id.xero_po_trigger != "manual"
        )
        if changed:
            changed._xero_write_fields({"xero_export_state": "queued"})
            changed._xero_wake_queue()

    def _xero_queue_if_due(self):
        """Confirmed orders of companies that send them automatically join the export queue
        drained by the invoices' 5-minute cron (triggered at once)."""
        due = self.filtered(
            lambda o: o.state in ("purchase", "done")
            and not o.xero_id
            and o.xero_export_state in ("not_exported", "error")
            and o.xero_tenant_id
            and o.company_id.xero_po_mode != "none"
            and (
                o.company_id.xero_po_trigger == "confirm"
                or (o.company_id.xero_po_trigger == "vendor_ref" and o.partner_ref)
            )
        )
        if due:
            due._xero_write_fields({"xero_export_state": "queued"})
            due._xero_wake_queue()

    def button_cancel(self):
        """A sent order is deleted in Xero while Xero still allows it (DRAFT, SUBMITTED);
        otherwise nothing is cancelled and the message says what to do in Xero first."""
        sent = self.filtered(lambda o: o.xero_id and o.xero_status not in XERO_GONE_STATUSES)
        if sent and not self.env["xero.access"]._xero_is("user"):
            raise AccessError(
                _(
                    "%(orders)s is in Xero, and cancelling it here deletes it there: only Xero users may "
                    "do that. Ask a Xero user to cancel it.",
                    orders=", ".join(sent.mapped("display_name")),
                )
            )
        # Odoo's own checks first (bills to cancel...): Xero is only asked once Odoo agrees, and a
        # refusal from Xero rolls the cancellation back.
        result = super().button_cancel()
        for order in sent:
            order._xero_delete_in_xero()
        return result

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_check_po_access(self, orders, operation="read"):
        """A Xero user who may read (or change) ``orders`` and reach their organisations (the
        engine's ``_check_xero_user``)."""
        self._check_xero_user(orders, operation)

    def action_xero_export(self):
        """ "Add to Xero": this order now, or the selection in a list."""
        self = self._xero_in_their_companies()  # noqa: PLW0642
        self._xero_check_po_access(self, "write")
        exportable = self._xero_exportable()
        if not exportable:
            raise UserError(
                _(
                    "Nothing to send: only confirmed purchase orders not yet in Xero, of companies that send them "
                    "(Settings > Xero > Purchase orders to Xero)."
                )
            )
        result = exportable._xero_export(raise_on_problems=len(self) == 1)
        message = _("%(count)s purchase order(s) sent to Xero.", count=len(result["exported"]))
        if result["bills"]:
            message += " " + _(
                "%(docs)s: its bills go to Xero instead (several bills).",
                docs=", ".join(result["bills"].mapped("name")),
            )
        if result["queued"]:
            message += " " + _(
                "Xero asked Odoo to wait: %(count)s order(s) stay in the queue, next try at %(time)s.",
                count=len(result["queued"]),
                time=fields.Datetime.to_string(
                    fields.Datetime.context_timestamp(self, min(result["queued"].values())).replace(
                        tzinfo=None
                    )
                ),
            )
        if result["failed"]:
            message += " " + _(
                "%(count)s not sent: %(docs)s (see their chatter).",
                count=len(result["failed"]),
                docs=", ".join(o.name for o in result["failed"]),
            )
        return notification(
            _("Xero"),
            message,
            "warning" if result["failed"] or result["queued"] else "success",
            sticky=bool(result["failed"] or result["queued"]),
            next_action={"type": "ir.actions.act_window_close"}
            if len(self) > 1
            else {"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _xero_queued_updates(self):
        """Sent orders changed since (queued again): their change is pushed, one by one."""
        sent = self.filtered("xero_id")
        run_cron_batches(
            self.env,
            sent,
            lambda order: order._xero_update_queued(),
            lambda order: _("update of %s", order.name),
        )
        return self - sent

    def _xero_deep_link_path(self):
        if self.xero_kind == "purchase_order":
            return f"/Accounts/Payable/PurchaseOrders/View/{self.xero_id}"
        return f"/AccountsPayable/View.aspx?InvoiceID={self.xero_id}"

    def _xero_reader_kind(self):
        return self._xero_po_kind()

    def _xero_read_answer(self):
        """What Xero holds for this order now (``xero.reader``); raises UserError, changing
        nothing, when Xero could not be asked."""
        self.ensure_one()
        answer = self.env["xero.reader"]._xero_read(self)[self]
        if answer.unknown:
            raise UserError(answer.message)
        return answer

    def action_xero_refresh(self):
        """ "Update from Xero": read the order's status (BILLED, DELETED…) and total now."""
        self.ensure_one()
        self._xero_check_po_access(self, "write")
        if not self.xero_id:
            raise UserError(_("%s is not in Xero yet.", self.name))
        reply = self._xero_read_answer()
        self._xero_apply_xero_state(reply.element or {"Status": reply.status})
        return answer(
            self.env,
            _(
                "%(doc)s in Xero: %(status)s, total %(total)s.",
                doc=self.name,
                status=xero_status_word(
                    self.env, self.xero_status, purchase_order=self.xero_kind == "purchase_order"
                ),
                total=formatLang(self.env, self.xero_total, currency_obj=self.currency_id),
            ),
        )

    def _xero_apply_xero_state(self, element):
        self.ensure_one()
        values = {"xero_status": element.get("Status"), "xero_checked_at": fields.Datetime.now()}
        if element.get("Total") is not None:
            values["xero_total"] = element["Total"]
        self._xero_write_fields(values)

    def action_xero_update(self):
        """ "Update in Xero": push the order's current state while Xero accepts changes."""
        self.ensure_one()
        self._xero_check_po_access(self, "write")
        if not self.xero_id:
            raise UserError(_("%s is not in Xero yet: send it first.", self.name))
        if not self._xero_push_update():
            return notification(
                _("Nothing to update"),
                _(
                    "%(doc)s has not changed since it was sent: Xero already has what Odoo would send.",
                    doc=self.name,
                ),
            )
        self.message_post(body=_("Updated in Xero (status %s).", self.xero_status))
        return answer(self.env, _("%(doc)s updated in Xero.", doc=self.name))

    def _xero_update_queued(self):
        """A queued change of a sent order: pushed, or Xero's refusal recorded on the order."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                if self._xero_push_update():
                    self.message_post(body=_("Change sent to Xero (status %s).", self.xero_status))
                else:
                    self._xero_write_fields({"xero_export_state": "exported"})
        except UserError as error:
            self._xero_record_failure(str(error))

    def _xero_push_update(self):
        """Send the order's current content to its Xero document; False when Xero already has
        it. Raises UserError with Xero's own refusal (e.g. approved in Xero)."""
        tenant = self.xero_tenant_id
        kind = self.xero_kind
        payload, problems = self._xero_po_payload(self._xero_po_export_context(tenant), kind)
        if problems:
            raise UserError(
                _(
                    "%(doc)s was not updated in Xero:\n%(problems)s",
                    doc=self.name,
                    problems="\n".join(f"• {p}" for p in problems),
                )
            )
        names = self._xero_po_kind(kind)
        endpoint, id_key = names.endpoint, names.id_key
        fingerprint = payload_fingerprint(payload)  # as when it was first sent: without the Xero id
        payload[id_key] = self.xero_id
        if fingerprint == self.xero_fingerprint and self.xero_export_state != "error":
            return False
        element = self._xero_post_update(tenant, endpoint, payload, fingerprint)
        self._xero_write_back(element, fingerprint, group=kind)
        return True

    def _xero_delete_in_xero(self):
        """Delete this sent order in Xero (status DELETED) if Xero still allows it."""
        self.ensure_one()
        answer = self._xero_read_answer()
        status = answer.status
        if answer.gone:
            self._xero_apply_xero_state({"Status": status})
            return
        if status not in XERO_MUTABLE_STATUSES:
            what = (
                _("Delete it in Xero (or mark it billed there) first")
                if self.xero_kind == "purchase_order"
                else _("Void it in Xero first")
            )
            raise UserError(
                _(
                    "%(doc)s is %(status)s in Xero (%(number)s), where it can no longer be deleted from Odoo. "
                    "%(what)s, then cancel it here; or clear its exported status.",
                    doc=self.name,
                    status=status,
                    number=self.xero_number or self.xero_id,
                    what=what,
                )
            )
        xkind = self._xero_po_kind()
        endpoint, id_key = xkind.endpoint, xkind.id_key
        tenant = self.xero_tenant_id
        answer = self.env["xero.sender"]._xero_send(
            tenant,
            _("deleting %(doc)s", doc=self.name),
            xkind.update_one,
            {endpoint: [{id_key: self.xero_id, "Status": "DELETED"}]},
            self,
            tenant._xero_key("delete", self.xero_id),
            params={xkind.id_arg: self.xero_id},
        )
        element = (answer.get(endpoint) or [{}])[0]
        errors = validation_messages(element)
        if errors:
            raise UserError(
                _("Xero refused to delete %(doc)s: %(errors)s", doc=self.name, errors="; ".join(errors))
            )
        self._xero_apply_xero_state(element)
        self.message_post(body=_("Deleted in Xero (%s).", self.xero_number or self.xero_id))

    def action_xero_clear_exported(self):
        self.ensure_one()
        self._xero_check_po_access(self, "write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.clear.exported.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_purchase_order_id": self.id},
            "name": _("Clear exported status"),
        }

    def _xero_clear_exported(self, reason):
        """Forget the link to Xero (and that of the vendor bill linked to the same Xero bill)."""
        self.ensure_one()
        old = self.xero_number or self.xero_id
        linked_bills = self.env["account.move"]
        if self.xero_kind == "bill":
            linked_bills = self._xero_vendor_bills().filtered(lambda m: m.xero_id == self.xero_id)
        self._xero_write_fields(
            {
                "xero_id": False,
                "xero_kind": False,
                "xero_number": False,
                "xero_status": False,
                "xero_export_date": False,
                "xero_export_state": "not_exported",
                "xero_fingerprint": False,
                "xero_total": 0.0,
                "xero_export_round": self.xero_export_round + 1,
            }
        )
        self.env["xero.export.attempt"]._forget(self)
        for bill in linked_bills:
            bill._xero_clear_exported(reason)
        self.message_post(
            body=_("Exported status cleared (was %(old)s in Xero): %(reason)s", old=old, reason=reason)
        )

    # ------------------------------------------------------------------------------------
    # Xero → Odoo: the status of the orders sent (hourly)
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_sync_purchase_orders(self, tenant):
        """Read the purchase orders Xero changed in ``tenant`` since the last sync (BILLED,
        DELETED, back to DRAFT; If-Modified-Since, 1,000 a page); returns the number of Odoo
        orders whose Xero status changed. The hourly cron's, which runs as superuser."""
        tenant.ensure_one()
        Order = self
        since = tenant.xero_po_synced_at
        newest, changed, page = None, 0, 1
        while True:
            kwargs = {"page": page, "page_size": PAGE_SIZE}
            if since:
                kwargs["if_modified_since"] = if_modified_since(since)
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
                    newest = max(filter(None, [newest, stamp]))
            if len(docs) < PAGE_SIZE:
                break
            page += 1
        if newest:
            tenant._xero_stamp({"xero_po_synced_at": max(filter(None, [newest, since]))})
        return changed

    @api.model
    def _cron_xero_sync_purchase_orders(self):
        """Hourly: organisations with companies sending purchase orders as Xero purchase orders."""
        tenants = (
            self.env["xero.tenant"]
            .search([("connection_id.state", "=", "connected")])
            .filtered(lambda t: "purchase_order" in t.company_ids.mapped("xero_po_mode"))
        )
        for tenant in tenants.sorted(
            lambda t: (bool(t.xero_po_synced_at), t.xero_po_synced_at or t.create_date)
        ):
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_sync_purchase_orders",
                tenant,
                key=f"xero-po-sync:{tenant.id}",
                lock=f"po-sync:{tenant.id}",
                description=_("Purchase-order sync of %s", tenant.name),
            )
        return True
