"""Purchase orders → Xero, as Xero purchase orders or as bills (MRPeasy's choice), exactly once,
in batches: the order's payload builders and its hooks of the shared export engine
(``xero.export.engine``: batches of 50, attempt first, Idempotency-Key, per-element result,
recovery by lookup).

Orders → ``_xero_po_export_context`` (every mapping, a few queries) → ``_xero_po_payload``
(pure dict in Xero's JSON, every problem of the order collected) → the engine's batches →
each order's result written back here. After a lost answer or a crash, orders an attempt
sent are looked up in Xero (purchase orders by number among the orders of their dates, bills
by number and Odoo's link back) and linked instead of being sent again.

As bills, the order is the Xero bill: the Odoo vendor bill created from it later is linked to
that Xero bill (``account_move_purchase``) and its payments sync against it. An order with
several vendor bills is not sent: its bills are (MRPeasy's "several invoices per PO").
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import formatLang, html2plaintext

from ..const import XERO_GONE_STATUSES
from ..documents import (
    _contacts_by_partner,
    amount_type_of,
    check_contact_and_currency,
    line_items_of,
    set_branding_theme,
)
from ..utils import xero_kind

# How an order goes to Xero → its Xero endpoint (``utils.xero_kind`` names the rest).
PO_ENDPOINTS = {"purchase_order": "PurchaseOrders", "bill": "Invoices"}


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    # ------------------------------------------------------------------------------------
    # Building what Xero receives
    # ------------------------------------------------------------------------------------
    def _xero_used_taxes_accounts(self):
        """The taxes of the order's lines (Xero gets the expense accounts of its products,
        matched like the organisation's own)."""
        self.ensure_one()
        return self.order_line.filtered(lambda line: not line.display_type).taxes_id, self.env[
            "account.account"
        ]

    def _xero_po_export_context(self, tenant):
        """Every mapping these orders need in ``tenant``, fetched once for all of them."""
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
            "no_tax": self.env["account.tax"]._xero_no_tax_rate(tenant, "purchase"),
            "branding": self.company_id._xero_branding_themes(tenant),
            "base_url": (self.env.company.get_base_url() or "").rstrip("/"),
        }

    def _xero_po_payload(self, ctx, kind):
        """(Xero JSON of this order as a purchase order or a bill, [problems]). Pure."""
        self.ensure_one()
        company = self.company_id
        problems = []
        partner = self.partner_id.commercial_partner_id
        contact = check_contact_and_currency(self.env, ctx, company, partner, self.currency_id, problems)
        currency = self.currency_id.name
        product_lines = self.order_line.filtered(lambda line: not line.display_type)
        amount_type = amount_type_of(self.env, product_lines.taxes_id, problems)
        line_items = line_items_of(
            self.env, self.order_line, lambda line: line._xero_po_line_item(ctx, kind, amount_type), problems
        )

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
        set_branding_theme(self.env, payload, self, ctx, problems)
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
    # Exporting: the engine's hooks (xero_export_engine.py)
    # ------------------------------------------------------------------------------------
    def _xero_exportable(self):
        return self.filtered(
            lambda o: o.state in ("purchase", "done")
            and not o.xero_id
            and o.company_id.xero_po_mode != "none"
        )

    def _xero_ready(self, tenant, result):
        ctx = self._xero_po_export_context(tenant)
        ready = {}  # kind → [(order, payload)]
        for order in self:
            if order in result["failed"]:
                continue
            kind = order.company_id.xero_po_mode
            if kind == "bill" and order._xero_bills_go_instead():
                result["bills"] |= order
                continue
            payload, problems = order._xero_po_payload(ctx, kind)
            if problems:
                result["failed"][order] = order._xero_problems_message(problems)
                continue
            ready.setdefault(kind, []).append((order, payload))
        return ready

    def _xero_po_kind(self, kind=None):
        """Xero's names (endpoint, id and number keys, methods) of an order sent as ``kind``."""
        return xero_kind(PO_ENDPOINTS[kind or self.xero_kind])

    def _xero_batch_call(self, group):
        endpoint = PO_ENDPOINTS[group]
        return endpoint, "po-" + endpoint.lower()

    def _xero_batch_operation(self, count):
        return _("sending %(count)s purchase order(s)", count=count)

    def _xero_responsible(self):
        return self.user_id or self.env.user

    def _xero_failure_values(self, message, retry):
        return {"xero_export_state": "error", "xero_error": message}

    def _xero_after_export(self, tenant):
        self.filtered(lambda o: o.xero_kind == "bill")._xero_link_bills()

    def _xero_export_done(self, result):
        for order in result["bills"]:
            order._xero_write_fields({"xero_export_state": "bills", "xero_error": False})
            order.message_post(
                body=_(
                    "Not sent to Xero: this order has several vendor bills (or a bill already in Xero), so its "
                    "bills go to Xero instead."
                )
            )

    def _xero_lookup(self, tenant, group, payloads, result):
        """Orders an earlier attempt may have created in Xero, looked for through the reader
        all at once; those Xero cannot be asked about now are not sent."""
        answers = self._xero_find_in_xero(tenant, group)
        for order, found in answers.items():
            if found.unknown:
                order._xero_lookup_failed(found.error, result)
        return {order.id: found.element for order, found in answers.items() if found.present}

    def _xero_link_recovered(self, tenant, group, element, payload, result):
        self._xero_write_back(element, group=group)
        self.message_post(body=_("Found in Xero after an interrupted export, and linked."))

    def _xero_bills_go_instead(self):
        """MRPeasy's rule: an order with several vendor bills is not sent; its bills are. So
        too when its one bill is already in Xero on its own."""
        bills = self._xero_vendor_bills()
        return len(bills) > 1 or bool(bills.filtered("xero_id"))

    def _xero_vendor_bills(self):
        return self.invoice_ids.filtered(lambda m: m.move_type == "in_invoice" and m.state != "cancel")

    def _xero_write_back(self, element, fingerprint=None, payload=None, post=True, group=None):
        """Link this order to Xero's answer. The first time, a note says where it went: posted
        here, or returned (``post=False``) for the caller to log a batch's notes at once."""
        self.ensure_one()
        kind = group or self.xero_kind
        names = self._xero_po_kind(kind)
        id_key, number_key = names.id_key, names.number_key
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

    def _xero_link_bills(self):
        """The Odoo vendor bill already created from an order just sent as a Xero bill."""
        for order in self:
            bills = order._xero_vendor_bills().filtered(lambda m: m.state == "posted" and not m.xero_id)
            if len(order._xero_vendor_bills()) == 1 and bills:
                bills._xero_link_to_order_bill(order)

    def _xero_find_in_xero(self, tenant, kind):
        """{order: XeroAnswer} of these orders, looked for in Xero through the reader. Purchase
        orders: Xero's orders of the dates sent, matched by number (paged, 1,000 a call;
        looking a number up one by one fails in Xero for numbers made of digits). Bills: by
        number with ``InvoiceNumbers=`` (50 a call), then Odoo's link back."""
        reader = self.env["xero.reader"]
        if kind == "purchase_order":
            dates = [o.date_order.date() for o in self]
            return reader._xero_find_listed(
                tenant,
                self,
                _("looking up %(count)s purchase order(s)", count=len(self)),
                ("get_purchase_orders", "PurchaseOrders"),
                {
                    "date_from": fields.Date.to_string(min(dates)),
                    "date_to": fields.Date.to_string(max(dates)),
                },
                self._xero_pick_order,
            )
        return reader._xero_find(
            tenant,
            "Invoices",
            self,
            lambda order: order.partner_ref or order.name,
            self._xero_pick_bill,
            _("looking up the bills of %(count)s purchase order(s)", count=len(self)),
        )

    @api.model
    def _xero_pick_order(self, order, listed):
        """``order``'s live twin among Xero's purchase orders: the same number."""
        number = order.name.lower()
        return next(
            (
                doc
                for doc in listed
                if (doc.get("PurchaseOrderNumber") or "").lower() == number
                and doc.get("Status") not in XERO_GONE_STATUSES
            ),
            None,
        )

    @api.model
    def _xero_pick_bill(self, order, listed):
        """``order``'s live bill among Xero's: a bill linked back to this order (its Url)."""
        own = f"/odoo/purchase.order/{order.id}"
        return next(
            (
                doc
                for doc in listed
                if doc.get("Type") == "ACCPAY"
                and doc.get("Status") not in XERO_GONE_STATUSES
                and (doc.get("Url") or "").endswith(own)
            ),
            None,
        )
