"""Purchase orders → Xero, as Xero purchase orders or as bills (MRPeasy's choice), exactly once,
in batches.

The same flow as invoices (``account_move_xero``): orders → ``_xero_po_export_context`` (every
mapping, a few queries) → ``_xero_po_payload`` (pure dict in Xero's JSON, every problem of the
order collected) → batches of 50 → the attempt and its Idempotency-Key committed in a
transaction of their own, one PUT with ``summarizeErrors=false`` → each order's result or
error written back and in its chatter. After a lost answer or a crash, orders an attempt sent
are looked up in Xero (purchase orders by number among the orders of their dates, bills by
number and Odoo's link back) and linked instead of being sent again.

As bills, the order is the Xero bill: the Odoo vendor bill created from it later is linked to
that Xero bill (``account_move_purchase_xero``) and its payments sync against it. An order
with several vendor bills is not sent: its bills are (MRPeasy's "several invoices per PO").
"""

import hashlib
import json
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, formatLang, html2plaintext

from ..const import BATCH_SIZE
from ..errors import XeroRetryLater
from ..utils import where_text, xero_kind
from .account_move_xero import _contacts_by_partner, _money, _trim, xero_line_amount

# kind → (Xero endpoint, id key, number key)
PO_KINDS = {
    "purchase_order": ("PurchaseOrders", "PurchaseOrderID", "PurchaseOrderNumber"),
    "bill": ("Invoices", "InvoiceID", "InvoiceNumber"),
}
XERO_PO_MUTABLE = ("DRAFT", "SUBMITTED")
XERO_PO_GONE = ("DELETED", "VOIDED")
# Xero keeps 2 decimals of a purchase order's unit price (its PUT takes no unitdp), 4 on bills.
UNIT_DECIMALS = {"purchase_order": Decimal("0.01"), "bill": Decimal("0.0001")}
PAGE_SIZE = 1000
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
    _inherit = "purchase.order"

    xero_kind = fields.Selection(
        [("purchase_order", "Xero purchase order"), ("bill", "Xero bill")],
        string="Sent to Xero as",
        copy=False,
        readonly=True,
    )
    xero_number = fields.Char("Xero number", copy=False, readonly=True)
    xero_status = fields.Char("Xero status", copy=False, readonly=True, tracking=True)
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
    xero_fingerprint = fields.Char(copy=False, readonly=True, help="Hash of what was last sent to Xero.")
    xero_total = fields.Monetary("Total in Xero", copy=False, readonly=True)
    xero_checked_at = fields.Datetime("Checked in Xero", copy=False, readonly=True)
    xero_export_round = fields.Integer(
        copy=False,
        readonly=True,
        help="How many times the exported status was cleared: a new export is a new request.",
    )
    xero_next_try_at = fields.Datetime(
        "Next try in Xero at",
        copy=False,
        readonly=True,
        help="Xero asked Odoo to wait (a long Retry-After, its daily limit): the queued order goes then.",
    )
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
            and o.xero_status not in XERO_PO_GONE
            and o.xero_export_state in ("exported", "error")
            and o.company_id.xero_po_trigger != "manual"
        )
        if changed:
            changed._xero_write_fields({"xero_export_state": "queued"})
            cron = self.env.ref("xero_connector.ir_cron_xero_export_queue", raise_if_not_found=False)
            if cron:
                cron._trigger()  # ir.cron's own superuser step

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
            cron = self.env.ref("xero_connector.ir_cron_xero_export_queue", raise_if_not_found=False)
            if cron:
                cron._trigger()  # ir.cron's own superuser step

    def button_cancel(self):
        """A sent order is deleted in Xero while Xero still allows it (DRAFT, SUBMITTED);
        otherwise nothing is cancelled and the message says what to do in Xero first."""
        sent = self.filtered(lambda o: o.xero_id and o.xero_status not in XERO_PO_GONE)
        # Odoo's own checks first (bills to cancel...): Xero is only asked once Odoo agrees, and a
        # refusal from Xero rolls the cancellation back.
        result = super().button_cancel()
        for order in sent:
            order._xero_delete_in_xero()
        return result

    # ------------------------------------------------------------------------------------
    # Building what Xero receives
    # ------------------------------------------------------------------------------------
    def _xero_po_export_context(self, tenant):
        lines = self.order_line.filtered(lambda line: not line.display_type)
        accounts_by_line, expense = {}, {}
        for line in lines.filtered("product_id"):
            key = (line.product_id.product_tmpl_id, line.order_id.fiscal_position_id, line.company_id)
            if key not in expense:
                accounts = key[0].with_company(key[2]).get_product_accounts(fiscal_pos=key[1])
                expense[key] = accounts.get("expense") or self.env["account.account"]
            accounts_by_line[line.id] = expense[key]
        all_accounts = self.env["account.account"].union(*accounts_by_line.values())
        xero_accounts = all_accounts._xero_accounts(tenant)
        analytic_ids = {
            int(key) for line in lines for ids in (line.analytic_distribution or {}) for key in ids.split(",")
        }
        return {
            "tenant": tenant,
            "contacts": _contacts_by_partner(self.env, self.partner_id.commercial_partner_id, tenant),
            "items": lines.product_id._xero_items_by_product(tenant),
            "tax_rates": lines.taxes_id._xero_tax_rates(tenant),
            "accounts": {
                line_id: xero_accounts.get(account.id) if account else False
                for line_id, account in accounts_by_line.items()
            },
            "default_account": tenant._xero_default_account("expense"),
            "tracking": self.env["account.analytic.account"]
            .browse(analytic_ids)
            .exists()
            ._xero_tracking_options(tenant),
            "currencies": set(
                self.env["xero.currency"].search([("tenant_id", "=", tenant.id)]).mapped("xero_id")
            )
            | {tenant.base_currency},
            "default_tax": tenant._xero_default_tax_rate("purchase"),
            "base_url": self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/"),
        }

    def _xero_po_payload(self, ctx, kind):
        """(Xero JSON of this order as a purchase order or a bill, [problems]). Pure."""
        self.ensure_one()
        tenant = ctx["tenant"]
        company = self.company_id
        problems = []
        partner = self.partner_id.commercial_partner_id
        contact = ctx["contacts"].get(partner.id)
        if not contact:
            if not company.xero_auto_create_contacts:
                problems.append(
                    _(
                        "%(partner)s has no Xero contact in %(org)s: pick one in the Xero contact field or press "
                        "Export contact to Xero on the partner.",
                        partner=partner.display_name,
                        org=tenant.name,
                    )
                )
        elif not contact.active:
            problems.append(
                _(
                    "The Xero contact %(contact)s is archived in Xero: restore it there, or pick another contact "
                    "for %(partner)s.",
                    contact=contact.name,
                    partner=partner.display_name,
                )
            )
        currency = self.currency_id.name
        if currency not in ctx["currencies"]:
            problems.append(
                _(
                    "%(org)s does not use %(currency)s: add the currency in Xero (Settings > Currencies), then refresh "
                    "the Xero cache.",
                    org=tenant.name,
                    currency=currency,
                )
            )
        product_lines = self.order_line.filtered(lambda line: not line.display_type)
        included = {tax.price_include for tax in product_lines.taxes_id}
        if len(included) > 1:
            problems.append(
                _("Lines mix tax-included and tax-excluded prices: Xero takes one kind per document.")
            )
        amount_type = "Inclusive" if included == {True} else ("Exclusive" if included else "NoTax")
        line_items = []
        for line in self.order_line.sorted("sequence"):
            item, line_problems = line._xero_po_line_item(ctx, kind, amount_type)
            problems += line_problems
            if item is not None:
                line_items.append(item)
        if not any("UnitAmount" in item for item in line_items):
            problems.append(_("No line has an amount to send to Xero."))

        date = fields.Date.to_string(self.date_order.date())
        payload = {
            "Contact": {"ContactID": contact.xero_id} if contact else {},
            "Date": date,
            "CurrencyCode": currency,
            "LineAmountTypes": amount_type,
            "LineItems": line_items,
        }
        if kind == "purchase_order":
            payload.update(
                {
                    "PurchaseOrderNumber": self.name,
                    "Status": company.xero_po_status,
                }
            )
            if self.partner_ref:
                payload["Reference"] = self.partner_ref[:255]
            if self.date_planned:
                payload["DeliveryDate"] = fields.Date.to_string(self.date_planned.date())
            payload.update(self._xero_delivery_values())
        else:
            payload.update(
                {
                    "Type": "ACCPAY",
                    "InvoiceNumber": (self.partner_ref or self.name)[:255],
                    "Status": company.xero_invoice_status,
                }
            )
            if ctx["base_url"]:
                payload["Url"] = f"{ctx['base_url']}/odoo/purchase.order/{self.id}"
            due = self._xero_due_date()
            if due and (payload["Status"] != "DRAFT" or company.xero_due_date_on_drafts):
                payload["DueDate"] = fields.Date.to_string(due)
        return payload, problems

    def _xero_delivery_values(self):
        """Where the goods go: the dropship address, else the receiving warehouse's, else the
        company's."""
        address = (
            self.dest_address_id or self.picking_type_id.warehouse_id.partner_id or self.company_id.partner_id
        )
        values = {}
        if address:
            lines = [address.name, *address._display_address(without_company=True).splitlines()]
            text = "\n".join(line.strip() for line in lines if line and line.strip())
            values["DeliveryAddress"] = text[:500]
        if self.dest_address_id and not self.dest_address_id.is_company:
            values["AttentionTo"] = self.dest_address_id.name[:255]
        if address and address.phone:
            values["Telephone"] = address.phone[:50]
        notes = html2plaintext(self.notes or "").strip()
        if notes:
            values["DeliveryInstructions"] = notes[:500]
        return values

    def _xero_due_date(self):
        """The bill's due date: the order date plus the payment terms' longest delay."""
        days = max(self.payment_term_id.line_ids.mapped("nb_days") or [0])
        return self.date_order.date() + timedelta(days=days)

    # ------------------------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------------------------
    def _xero_exportable(self):
        return self.filtered(
            lambda o: o.state in ("purchase", "done")
            and not o.xero_id
            and o.company_id.xero_po_mode != "none"
        )

    def _xero_export(self, raise_on_problems=False):
        """Send these orders; returns {"exported", "failed": {order: message}, "bills": orders
        whose bills go instead}."""
        result = {"exported": self.browse(), "failed": {}, "bills": self.browse(), "queued": {}}
        todo = self._xero_exportable()
        no_tenant = todo.filtered(lambda o: not o.xero_tenant_id)
        for order in no_tenant:
            result["failed"][order] = _(
                "%(doc)s has no Xero organisation: choose one for %(company)s in Settings > Accounting > Xero.",
                doc=order.name,
                company=order.company_id.name,
            )
        for tenant, orders in (todo - no_tenant).grouped("xero_tenant_id").items():
            orders._xero_lock_for_export()
            orders.filtered(lambda o: not o.xero_id)._xero_export_to(tenant, result)
        for order in result["bills"]:
            order._xero_write_fields({"xero_export_state": "bills", "xero_error": False})
            order.message_post(
                body=_(
                    "Not sent to Xero: this order has several vendor bills (or a bill already in Xero), so its "
                    "bills go to Xero instead."
                )
            )
        if result["queued"]:
            self._xero_queue_until(result["queued"])
        if result["failed"]:
            for order in self.browse([o.id for o in result["failed"]]):
                order._xero_record_failure(result["failed"][order])
            if raise_on_problems and len(self) == 1 and self in result["failed"]:
                raise UserError(result["failed"][self])
        return result

    def _xero_lock_for_export(self):
        self.env.cr.execute("SELECT id FROM purchase_order WHERE id IN %s FOR UPDATE", [tuple(self.ids)])
        self.invalidate_recordset(["xero_id"])

    def _xero_export_to(self, tenant, result):
        self._xero_ensure_contacts(tenant, result)
        ctx = self._xero_po_export_context(tenant)
        ready = defaultdict(list)  # kind → [(order, payload)]
        for order in self:
            if order in result["failed"]:
                continue
            kind = order.company_id.xero_po_mode
            if kind == "bill" and order._xero_bills_go_instead():
                result["bills"] |= order
                continue
            payload, problems = order._xero_po_payload(ctx, kind)
            if problems:
                result["failed"][order] = _(
                    "%(doc)s was not sent to Xero:\n%(problems)s",
                    doc=order.name,
                    problems="\n".join(f"• {p}" for p in problems),
                )
                continue
            ready[kind].append((order, payload))
        for kind, documents in ready.items():
            recovered = self.browse([o.id for o, _p in documents])._xero_recover(tenant, kind, result)
            result["exported"] |= recovered
            to_send = [
                (o, p)
                for o, p in documents
                if o not in recovered and o not in result["failed"] and o not in result["queued"]
            ]
            for start in range(0, len(to_send), BATCH_SIZE):
                self._xero_send_batch(tenant, kind, to_send[start : start + BATCH_SIZE], result)
        result["exported"].filtered(lambda o: o.xero_kind == "bill")._xero_link_bills()

    def _xero_bills_go_instead(self):
        """MRPeasy's rule: an order with several vendor bills is not sent; its bills are. So
        too when its one bill is already in Xero on its own."""
        bills = self._xero_vendor_bills()
        return len(bills) > 1 or bool(bills.filtered("xero_id"))

    def _xero_vendor_bills(self):
        return self.invoice_ids.filtered(lambda m: m.move_type == "in_invoice" and m.state != "cancel")

    def _xero_ensure_contacts(self, tenant, result):
        partners = self.filtered(
            lambda o: o.company_id.xero_auto_create_contacts
        ).partner_id.commercial_partner_id
        contacts = _contacts_by_partner(self.env, partners, tenant)
        missing = partners.filtered(lambda p: not contacts.get(p.id))
        if not missing:
            return
        outcome = missing.sudo()._xero_export_contacts(tenant)
        errors = {p.id: r["message"] for p, r in outcome.items() if r["status"] == "error"}
        for order in self:
            error = errors.get(order.partner_id.commercial_partner_id.id)
            if error:
                result["failed"][order] = _(
                    "%(doc)s was not sent to Xero: its contact could not be created (%(error)s).",
                    doc=order.name,
                    error=error,
                )

    def _xero_send_batch(self, tenant, kind, documents, result):
        """One PUT of up to 50 orders, the attempt and its Idempotency-Key committed first."""
        endpoint = PO_KINDS[kind][0]
        orders = self.browse([o.id for o, _p in documents])
        payloads = [p for _o, p in documents]
        fingerprints = [_fingerprint(p) for p in payloads]
        key = tenant._xero_key(
            "po-" + endpoint.lower(),
            sorted(zip(orders.ids, orders.mapped("xero_export_round"), fingerprints, strict=True)),
        )
        operation = _("sending %(count)s purchase order(s)", count=len(orders))
        try:
            tenant._xero_check_budget(operation)  # nothing recorded for a call that cannot go
        except XeroRetryLater as wait:
            for order in orders:
                result["queued"][order] = wait.retry_at
            return
        attempt_ids = self.env["xero.export.attempt"]._record(tenant, orders, endpoint, key)
        method = "create_purchase_orders" if kind == "purchase_order" else "create_invoices"
        try:
            answer = tenant._xero_call(operation, method, body={endpoint: payloads}, key=key, records=orders)
        except XeroRetryLater as wait:  # Xero answered 429: it created nothing
            self.env["xero.export.attempt"]._drop(attempt_ids)
            for order in orders:
                result["queued"][order] = wait.retry_at
            return
        except UserError as error:
            for order in orders:
                result["failed"][order] = str(error)
            return
        linked, notes = self.browse(), {}
        for order, fingerprint, element in zip(orders, fingerprints, answer.get(endpoint, []), strict=False):
            errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
            if element.get("HasErrors") or errors:
                result["failed"][order] = _(
                    "Xero refused %(doc)s: %(errors)s", doc=order.name, errors="; ".join(filter(None, errors))
                )
                continue
            note = order._xero_write_back(element, kind, fingerprint, post=False)
            if note:
                notes[order.id] = note
            linked |= order
        # One insert for the batch's chatter notes, one read for its stale failure activities.
        if notes:
            linked.browse(list(notes))._message_log_batch(notes)
        linked._xero_clear_failure_activities()
        result["exported"] |= linked

    def _xero_write_back(self, element, kind, fingerprint=None, post=True):
        """Link this order to Xero's answer. The first time, a note says where it went: posted
        here, or returned (``post=False``) for the caller to log a batch's notes at once."""
        self.ensure_one()
        _endpoint, id_key, number_key = PO_KINDS[kind]
        first_time = not self.xero_id
        values = {
            "xero_id": element[id_key],
            "xero_kind": kind,
            "xero_number": element.get(number_key),
            "xero_status": element.get("Status"),
            "xero_total": element.get("Total"),
            "xero_export_state": "exported",
            "xero_error": False,
            "xero_next_try_at": False,
            "xero_checked_at": fields.Datetime.now(),
        }
        if fingerprint:
            values["xero_fingerprint"] = fingerprint
        if first_time:
            values["xero_export_date"] = fields.Datetime.now()
        # The first link's note names the status: no separate tracking message for it.
        self.with_context(mail_notrack=first_time, tracking_disable=first_time)._xero_write_fields(values)
        note = False
        if first_time:
            note = _(
                "Sent to Xero (%(org)s) as %(kind)s %(number)s, status %(status)s, total %(total)s.",
                org=self.xero_tenant_id.name,
                kind=dict(self._fields["xero_kind"]._description_selection(self.env))[kind],
                number=self.xero_number or "-",
                status=self.xero_status,
                total=formatLang(self.env, self.xero_total or 0.0, currency_obj=self.currency_id),
            )
        if post:
            if note:
                self.message_post(body=note)
            self._xero_clear_failure_activities()
        return note

    def _xero_write_fields(self, values):
        self.sudo().write(values)

    def _xero_clear_failure_activities(self):
        summary = _("Xero export failed")
        self.activity_ids.filtered(lambda a: a.summary == summary).unlink()

    def _xero_record_failure(self, message):
        self.ensure_one()
        self._xero_write_fields({"xero_export_state": "error", "xero_error": message})
        self.message_post(body=message)
        summary = _("Xero export failed")
        if not self.activity_ids.filtered(lambda a: a.summary == summary):
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=summary,
                note=message,
                user_id=(self.user_id or self.env.user).id,
            )

    def _xero_link_bills(self):
        """The Odoo vendor bill already created from an order just sent as a Xero bill."""
        for order in self:
            bills = order._xero_vendor_bills().filtered(lambda m: m.state == "posted" and not m.xero_id)
            if len(order._xero_vendor_bills()) == 1 and bills:
                bills._xero_link_to_order_bill(order)

    # ------------------------------------------------------------------------------------
    # Recovery after a lost answer or a crash
    # ------------------------------------------------------------------------------------
    def _xero_recover(self, tenant, kind, result):
        """Orders an earlier attempt may have created in Xero, found there and linked. Orders
        whose lookup cannot be made now are not sent (they may be in Xero): queued until
        Xero's Retry-After, or failed with the reason, and looked up again next time."""
        in_doubt = self.env["xero.export.attempt"]._in_doubt(self)
        recovered = self.browse()
        if not in_doubt:
            return recovered
        try:
            found = in_doubt._xero_find_in_xero(tenant, kind)
        except XeroRetryLater as wait:  # a long Retry-After, the day's budget: still in doubt
            for order in in_doubt:
                result["queued"][order] = wait.retry_at
            return recovered
        except UserError as error:
            for order in in_doubt:
                result["failed"][order] = _(
                    "%(doc)s was not sent again: an earlier export may have reached Xero, and Xero could not "
                    "be asked (%(error)s). It is looked up again at the next export.",
                    doc=order.name,
                    error=error,
                )
            return recovered
        for order in in_doubt:
            element = found.get(order.id)
            if element:
                order._xero_write_back(element, kind)
                order.message_post(body=_("Found in Xero after an interrupted export, and linked."))
                recovered |= order
        return recovered

    def _xero_find_in_xero(self, tenant, kind):
        """{order id: Xero element} of these orders already in Xero. Purchase orders: Xero's
        orders of the dates sent, matched by number (one call per 1,000 orders; looking a
        number up one by one fails in Xero for numbers made of digits). Bills: by number,
        then Odoo's link back."""
        if kind == "purchase_order":
            dates = [o.date_order.date() for o in self]
            wanted = {o.name.lower(): o.id for o in self}
            found, page = {}, 1
            while True:
                answer = tenant._xero_call(
                    _("looking up %(count)s purchase order(s)", count=len(self)),
                    "get_purchase_orders",
                    params={
                        "date_from": fields.Date.to_string(min(dates)),
                        "date_to": fields.Date.to_string(max(dates)),
                        "page": page,
                        "page_size": PAGE_SIZE,
                    },
                )
                docs = answer.get("PurchaseOrders") or []
                for doc in docs:
                    order_id = wanted.get((doc.get("PurchaseOrderNumber") or "").lower())
                    if order_id and doc.get("Status") not in XERO_PO_GONE:
                        found[order_id] = doc
                if len(docs) < PAGE_SIZE:
                    return found
                page += 1
        found = {}
        for order in self:
            number = order.partner_ref or order.name
            answer = tenant._xero_call(
                _("looking up %(doc)s", doc=order.name),
                "get_invoices",
                params={"where": f'Type=="ACCPAY" AND InvoiceNumber=={where_text(number)}'},
            )
            own = f"/odoo/purchase.order/{order.id}"
            candidates = [
                e
                for e in answer.get("Invoices", [])
                if e.get("Status") not in XERO_PO_GONE and (e.get("Url") or "").endswith(own)
            ]
            if candidates:
                found[order.id] = candidates[0]
        return found

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_check_po_access(self, orders, operation="read"):
        """A Xero user who may read (or change) ``orders`` and reach their organisations: the
        one access check, before the export's or write-back's superuser steps."""
        Access = self.env["xero.access"]
        Access._xero_check_access("user", orders, operation)
        if orders:
            Access._xero_check_access("user", orders.xero_tenant_id)

    def action_xero_export(self):
        """ "Add to Xero": this order now, or the selection in a list."""
        self._xero_check_po_access(self, "write")
        exportable = self._xero_exportable()
        if not exportable:
            raise UserError(
                _(
                    "Nothing to send: only confirmed purchase orders not yet in Xero, of companies that send them "
                    "(Settings > Accounting > Xero > Purchase orders to Xero)."
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
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Xero"),
                "message": message,
                "type": "warning" if result["failed"] or result["queued"] else "success",
                "sticky": bool(result["failed"] or result["queued"]),
                "next": {"type": "ir.actions.act_window_close"}
                if len(self) > 1
                else {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_xero_export_queue(self, limit=500):
        queued = self.search(
            [
                ("xero_export_state", "=", "queued"),
                "|",
                ("xero_next_try_at", "=", False),
                ("xero_next_try_at", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="id",
        )
        for order in queued.filtered("xero_id"):
            order._xero_update_queued()
        queued = queued.filtered(lambda o: not o.xero_id)
        for orders in queued.grouped("xero_tenant_id").values():
            for start in range(0, len(orders), BATCH_SIZE * 4):
                chunk = orders[start : start + BATCH_SIZE * 4]
                chunk._xero_export()
                if not modules.module.current_test:
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    def action_xero_open(self):
        self.ensure_one()
        self._xero_check_po_access(self)
        if not (self.xero_id and self.xero_tenant_id.short_code):
            raise UserError(_("%s is not in Xero yet.", self.name))
        path = (
            f"/Accounts/Payable/PurchaseOrders/View/{self.xero_id}"
            if self.xero_kind == "purchase_order"
            else f"/AccountsPayable/View.aspx?InvoiceID={self.xero_id}"
        )
        return {
            "type": "ir.actions.act_url",
            "target": "new",
            "url": "https://go.xero.com/organisationlogin/default.aspx?shortcode="
            f"{self.xero_tenant_id.short_code}&redirecturl={path}",
        }

    def _xero_read_element(self):
        """This order's document in Xero now, or None when Xero no longer has it."""
        self.ensure_one()
        endpoint, _id_key, _number_key = PO_KINDS[self.xero_kind]
        xkind = xero_kind(endpoint)
        try:
            answer = self.xero_tenant_id._xero_call(
                _("checking %(doc)s", doc=self.name), xkind.get_one, params={xkind.id_arg: self.xero_id}
            )
        except UserError:
            return None
        return (answer.get(endpoint) or [None])[0]

    def action_xero_refresh(self):
        """ "Update from Xero": read the order's status (BILLED, DELETED…) and total now."""
        self.ensure_one()
        self._xero_check_po_access(self, "write")
        if not self.xero_id:
            raise UserError(_("%s is not in Xero yet.", self.name))
        element = self._xero_read_element()
        self._xero_apply_xero_state(element or {"Status": "DELETED"})
        return {"type": "ir.actions.client", "tag": "soft_reload"}

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
        if self._xero_push_update():
            self.message_post(body=_("Updated in Xero (status %s).", self.xero_status))
        return {"type": "ir.actions.client", "tag": "soft_reload"}

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
        endpoint, id_key, _number_key = PO_KINDS[kind]
        fingerprint = _fingerprint(payload)  # as when it was first sent: without the Xero id
        payload[id_key] = self.xero_id
        if fingerprint == self.xero_fingerprint and self.xero_export_state != "error":
            return False
        xkind = xero_kind(endpoint)
        answer = tenant._xero_call(
            _("updating %(doc)s", doc=self.name),
            xkind.update_one,
            body={endpoint: [payload]},
            params={xkind.id_arg: self.xero_id},
            key=tenant._xero_key("update", self.xero_id, fingerprint),
            records=self,
        )
        element = (answer.get(endpoint) or [{}])[0]
        errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
        if errors:
            raise UserError(
                _("Xero refused the update of %(doc)s: %(errors)s", doc=self.name, errors="; ".join(errors))
            )
        self._xero_write_back(element, kind, fingerprint)
        return True

    def _xero_delete_in_xero(self):
        """Delete this sent order in Xero (status DELETED) if Xero still allows it."""
        self.ensure_one()
        element = self._xero_read_element()
        status = (element or {}).get("Status") or "DELETED"
        if status in XERO_PO_GONE:
            self._xero_apply_xero_state({"Status": status})
            return
        if status not in XERO_PO_MUTABLE:
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
        endpoint, id_key, _number_key = PO_KINDS[self.xero_kind]
        xkind = xero_kind(endpoint)
        tenant = self.xero_tenant_id
        answer = tenant._xero_call(
            _("deleting %(doc)s", doc=self.name),
            xkind.update_one,
            body={endpoint: [{id_key: self.xero_id, "Status": "DELETED"}]},
            params={xkind.id_arg: self.xero_id},
            key=tenant._xero_key("delete", self.xero_id),
            records=self,
        )
        element = (answer.get(endpoint) or [{}])[0]
        errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
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


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    def _xero_po_line_item(self, ctx, kind, amount_type):
        """(Xero LineItem or None to skip, [problems]) for this order line. Xero takes no
        discount on purchase orders and bills: the discount is folded into the unit price."""
        self.ensure_one()
        tenant = ctx["tenant"]
        label = _("Line “%s”", (self.name or self.product_id.display_name or "").split("\n")[0][:60])
        if self.display_type in ("line_section", "line_note"):
            return ({"Description": self.name} if self.name else None), []
        company = self.order_id.company_id
        subtotal = self.price_total if amount_type == "Inclusive" else self.price_subtotal
        if (
            float_is_zero(subtotal, precision_rounding=self.currency_id.rounding)
            and not company.xero_export_zero_lines
        ):
            return None, []
        problems = []
        item = {"Description": (self.name or self.product_id.display_name or "-")[:4000]}
        xero_item = ctx["items"].get(self.product_id.id) if self.product_id else None
        if xero_item:
            item["ItemCode"] = xero_item.code
        account = ctx["accounts"].get(self.id) or ctx["default_account"]
        if account:
            item["AccountCode"] = account.code
        elif kind == "bill":
            problems.append(
                _(
                    "%(line)s: no Xero account in %(org)s for %(product)s, and no default purchase account: map its "
                    "expense account in Xero > Mappings > Accounts, or set the organisation's default purchase "
                    "account.",
                    line=label,
                    product=self.product_id.display_name or _("a line without product"),
                    org=tenant.name,
                )
            )
        taxes = self.taxes_id
        if len(taxes) > 1:
            problems.append(
                _(
                    "%(line)s carries several taxes (%(taxes)s): Xero takes one tax per line.",
                    line=label,
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        elif taxes:
            rate = ctx["tax_rates"].get(taxes.id)
            if rate:
                item["TaxType"] = rate.tax_type
            else:
                problems.append(
                    _(
                        "%(line)s: tax %(tax)s has no Xero tax rate in %(org)s: map it in Xero > Mappings > Taxes.",
                        line=label,
                        tax=taxes.name,
                        org=tenant.name,
                    )
                )
        elif ctx["default_tax"]:
            item["TaxType"] = ctx["default_tax"].tax_type
        tracking = []
        for key in self.analytic_distribution or {}:
            for analytic_id in key.split(","):
                option = ctx["tracking"].get(int(analytic_id))
                if option:
                    tracking.append({"Name": option.category_id.name, "Option": option.name})
        if len({t["Name"] for t in tracking}) < len(tracking) or len(tracking) > 2:
            problems.append(
                _("%(line)s: Xero takes at most one option of each of 2 tracking categories.", line=label)
            )
        elif tracking:
            item["Tracking"] = tracking

        quantity = self.product_qty
        unit_decimals = UNIT_DECIMALS[kind]
        unit = float(_money(subtotal / quantity, unit_decimals)) if quantity else 0.0
        if not quantity or xero_line_amount(quantity, unit) != _money(subtotal):
            # Where Xero's arithmetic (2 decimals on purchase orders) would not give Odoo's line
            # total, one unit at the exact total; the description keeps what was ordered.
            text = _(
                "%(qty)s x %(desc)s @ %(price)s ea.",
                qty=_trim(quantity),
                desc=item["Description"],
                price=_trim(self.price_unit),
            )
            if self.discount:
                text += " " + _("less %s%%", _trim(self.discount))
            item["Description"] = text[:4000]
            quantity, unit = 1.0, float(_money(subtotal))
        item["Quantity"] = quantity
        item["UnitAmount"] = unit
        if amount_type != "NoTax" and taxes:
            item["TaxAmount"] = float(_money(self.price_total - self.price_subtotal))
        return item, problems


def _fingerprint(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]
