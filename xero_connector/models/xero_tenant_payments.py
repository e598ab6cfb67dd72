"""Xero → Odoo payments, per organisation: which journal Xero's bank accounts land in, the
sync itself (cron, webhook queue, the "Get Xero payments" wizard) and the webhook keys.

Call budget: payments come 1,000 a page with If-Modified-Since (Xero's clock: the latest
UpdatedDateUTC already seen), so 5,000 new payments cost 5 calls; a sixth asks, with
If-Modified-Since too, for the invoices whose credit changed (credit notes, overpayments and
prepayments allocated: they are not payments in Xero's API) or which were voided or deleted.
AmountPaid and the PAID status follow from the payments themselves, so the invoices paid by
those 5,000 payments need no call of their own."""

import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..utils import parse_xero_datetime, xero_date

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
IDS_PER_CALL = 100
LOCK_NAMESPACE = 0x5845524F  # "XERO": advisory locks of the payment sync, keyed by tenant id
CREDIT_LISTS = (
    ("CreditNotes", "credit_note", "CreditNoteID"),
    ("Overpayments", "overpayment", "OverpaymentID"),
    ("Prepayments", "prepayment", "PrepaymentID"),
)
CREDIT_OR_GONE = 'AmountCredited>0 OR Status=="VOIDED" OR Status=="DELETED"'


def _testing():
    return getattr(threading.current_thread(), "testing", False)


class XeroTenant(models.Model):
    _inherit = "xero.tenant"  # pylint: disable=consider-merging-classes-inherited

    xero_payment_journal_id = fields.Many2one(
        "account.journal",
        "Default journal for Xero payments",
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Payments made in Xero into a bank account with no journal of its own land here.",
    )
    xero_payment_account_id = fields.Many2one(
        "xero.account",
        "Default Xero bank account",
        domain="[('tenant_id', '=', id), '|', ('is_bank', '=', True), ('enable_payments_to_account', '=', True)]",
        help="Payments registered in Odoo from a journal with no Xero account of its own go to this account.",
    )
    xero_journal_map_ids = fields.One2many("xero.journal.map", "tenant_id", "Bank accounts ↔ journals")
    xero_webhook_key = fields.Char(
        "Webhook key",
        groups="base.group_system",
        copy=False,
        help="The webhook signing key of this organisation's Xero app, when it differs from the app key in Settings.",
    )
    xero_payments_synced_at = fields.Datetime("Payments synced up to", readonly=True, copy=False)
    xero_payment_docs_synced_at = fields.Datetime("Credits synced up to", readonly=True, copy=False)
    xero_payment_ids = fields.One2many("xero.payment", "tenant_id", "Xero payments", readonly=True)

    # ------------------------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------------------------
    def _xero_journal_for(self, xero_account):
        """The Odoo journal for payments into ``xero_account`` (its mapping, else the default)."""
        self.ensure_one()
        mapped = self.xero_journal_map_ids.filtered(lambda m: m.xero_account_id == xero_account)
        return mapped[:1].journal_id or self.xero_payment_journal_id

    def _xero_account_for(self, journal):
        """The Xero account payments from ``journal`` go to (its mapping, else the default)."""
        self.ensure_one()
        mapped = self.xero_journal_map_ids.filtered(lambda m: m.journal_id == journal)
        return mapped[:1].xero_account_id or self.xero_payment_account_id

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_sync_payments(self):
        self._xero_check_payment_sync()
        messages = []
        for tenant in self:
            stats = tenant._xero_sync_payments()
            messages.append(tenant._xero_payment_summary(stats))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Xero payments"), "message": "\n".join(messages), "type": "success"},
        }

    def action_xero_open_payments(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_payment")
        action["domain"] = [("tenant_id", "=", self.id)]
        return action

    def _xero_check_payment_sync(self):
        """Who may sync these organisations' payments: a Xero user reaching them, working in
        every company whose documents went there, and allowed to register payments."""
        Access = self.env["xero.access"]
        Access._xero_check_access("user", self)
        Access._xero_check_document_companies(self)

    def _xero_payment_summary(self, stats):
        if stats.get("busy"):
            return _("%(org)s: a payment sync is running already.", org=self.name)
        return _(
            "%(org)s: %(seen)s Xero payment(s) read, %(created)s Odoo payment(s) created, %(flagged)s flagged "
            "(%(calls)s calls).",
            org=self.name,
            **stats,
        )

    # ------------------------------------------------------------------------------------
    # The sync
    # ------------------------------------------------------------------------------------
    def _xero_lock_payments(self):
        """One payment sync per organisation at a time; a second one (cron and webhook, two
        workers) returns at once instead of creating the same payments. The unique Xero
        payment id per organisation is the last guard."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, self.id])
        return self.env.cr.fetchone()[0]

    def _xero_sync_payments(self, invoice_ids=None, date_from=None, date_to=None):
        """Read what changed in Xero and apply it to the exported documents. ``invoice_ids``:
        Xero invoice ids a webhook named (read by id as well); ``date_from``/``date_to``: the
        payments of a date range instead of what changed (the wizard).

        Returns {"calls", "seen", "created", "flagged"}, or {"busy": True}."""
        self.ensure_one()
        if not self._xero_lock_payments():
            return {"busy": True}
        tenant = self.sudo()
        stats = {"calls": 0, "seen": 0, "created": 0, "flagged": 0}
        touched = set()  # Xero ids of documents whose money moved
        ranged = bool(date_from or date_to)
        where = None
        if ranged:
            parts = []
            if date_from:
                parts.append(f"Date>=DateTime({date_from.year},{date_from.month:02d},{date_from.day:02d})")
            if date_to:
                parts.append(f"Date<=DateTime({date_to.year},{date_to.month:02d},{date_to.day:02d})")
            where = " AND ".join(parts)
        since = None if ranged else tenant.xero_payments_synced_at
        newest = tenant._xero_read_pages(
            _("reading payments"),
            "get_payments",
            "Payments",
            stats,
            lambda docs: tenant._xero_store_payments(docs, touched, stats),
            since=since,
            where=where,
        )
        if newest and not ranged:
            tenant.xero_payments_synced_at = max(filter(None, [newest, since]))
        if not ranged:
            docs_since = tenant.xero_payment_docs_synced_at
            newest = tenant._xero_read_pages(
                _("reading invoices with credits"),
                "get_invoices",
                "Invoices",
                stats,
                lambda docs: tenant._xero_store_invoices(docs, touched, stats),
                since=docs_since,
                where=CREDIT_OR_GONE,
            )
            if newest:
                tenant.xero_payment_docs_synced_at = max(filter(None, [newest, docs_since]))
        ids = sorted(set(invoice_ids or ()))
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ids[start : start + IDS_PER_CALL]
            body = tenant._xero_call(_("reading invoices"), "get_invoices", params={"i_ds": chunk, "page": 1})
            stats["calls"] += 1
            tenant._xero_store_invoices(body.get("Invoices") or [], touched, stats)
        moves = (
            self.env["account.move"]
            .sudo()
            .search([("xero_tenant_id", "=", tenant.id), ("xero_id", "in", list(touched))])
        )
        moves._xero_apply_payments(stats)
        _logger.info("Xero payments of %s: %s", tenant.name, stats)
        return stats

    def _xero_read_pages(self, operation, method, collection, stats, store, since=None, where=None):
        """Every page of a list, 1,000 at a time; returns the latest UpdatedDateUTC stored."""
        newest = None
        page = 1
        while True:
            kwargs = {"page": page, "page_size": PAGE_SIZE}
            if since:
                kwargs["if_modified_since"] = self._xero_since(since)
            if where:
                kwargs["where"] = where
            body = self._xero_call(
                _("%(op)s (page %(page)s)", op=operation, page=page), method, params=kwargs
            )
            stats["calls"] += 1
            docs = body.get(collection) or []
            stamp = store(docs)
            newest = max(filter(None, [newest, stamp]), default=None)
            page_count = (body.get("pagination") or {}).get("pageCount")
            if len(docs) < PAGE_SIZE or (page_count is not None and page >= page_count):
                return newest
            page += 1

    def _xero_store_payments(self, docs, touched, stats):
        """Upsert Xero's payments; returns their latest UpdatedDateUTC."""
        XeroPayment = self.env["xero.payment"].sudo()
        existing = {
            p.xero_id: p
            for p in XeroPayment.search(
                [("tenant_id", "=", self.id), ("xero_id", "in", [d["PaymentID"] for d in docs])]
            )
        }
        accounts = {
            a.xero_id: a
            for a in self.env["xero.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("tenant_id", "=", self.id)])
        }
        newest = None
        new_vals = []
        for doc in docs:
            stats["seen"] += 1
            target = doc.get("Invoice") or doc.get("CreditNote") or {}
            document_id = target.get("InvoiceID") or target.get("CreditNoteID")
            updated = parse_xero_datetime(doc.get("UpdatedDateUTC"))
            newest = max(filter(None, [newest, updated]), default=None)
            vals = {
                "status": doc.get("Status"),
                "payment_type": doc.get("PaymentType"),
                "date": xero_date(doc.get("Date")),
                "amount": doc.get("Amount") or 0.0,
                "bank_amount": doc.get("BankAmount") or doc.get("Amount") or 0.0,
                "currency_rate": doc.get("CurrencyRate") or 1.0,
                "currency_code": target.get("CurrencyCode"),
                "reference": doc.get("Reference"),
                "document_xero_id": document_id,
                "document_number": target.get("InvoiceNumber") or target.get("CreditNoteNumber"),
                "xero_account_id": accounts.get(
                    (doc.get("Account") or {}).get("AccountID"), XeroPayment.xero_account_id
                ).id,
                "updated_at": updated,
            }
            if document_id:
                touched.add(document_id)
            record = existing.get(doc["PaymentID"])
            if record:
                if vals["status"] == "DELETED" and record.status != "DELETED":
                    stats["flagged"] += record._xero_removed_in_xero()
                record.write(vals)
            else:
                vals.update(tenant_id=self.id, xero_id=doc["PaymentID"], kind="payment")
                if vals["status"] == "DELETED":
                    vals["sync_state"] = "deleted"
                new_vals.append(vals)
        created = XeroPayment.create(new_vals)
        created._xero_link_documents()
        return newest

    def _xero_store_invoices(self, docs, touched, stats):
        """Xero's state of exported documents (status, totals) and the credit allocated to
        them; an allocation Xero no longer lists was reversed there."""
        XeroPayment = self.env["xero.payment"].sudo()
        moves = {
            m.xero_id: m
            for m in self.env["account.move"]
            .sudo()
            .search([("xero_tenant_id", "=", self.id), ("xero_id", "in", [d["InvoiceID"] for d in docs])])
        }
        newest = None
        for doc in docs:
            updated = parse_xero_datetime(doc.get("UpdatedDateUTC"))
            newest = max(filter(None, [newest, updated]), default=None)
            move = moves.get(doc["InvoiceID"])
            if not move:
                continue
            touched.add(doc["InvoiceID"])
            move._xero_update_state(doc)
            known = XeroPayment.search([("move_id", "=", move.id), ("kind", "!=", "payment")])
            listed = set()
            for collection, kind, source_key in CREDIT_LISTS:
                for allocation in doc.get(collection) or []:
                    source_id = allocation.get(source_key)
                    xero_id = (
                        allocation.get("ID")
                        or allocation.get("AllocationID")
                        or (
                            f"{source_id}:{doc['InvoiceID']}:{allocation.get('Date')}:{allocation.get('AppliedAmount')}"
                        )
                    )
                    listed.add(xero_id)
                    if known.filtered(lambda p, x=xero_id: p.xero_id == x):
                        continue
                    stats["seen"] += 1
                    XeroPayment.create(
                        {
                            "tenant_id": self.id,
                            "xero_id": xero_id,
                            "kind": kind,
                            "status": "AUTHORISED",
                            "date": xero_date(allocation.get("Date")),
                            "amount": allocation.get("AppliedAmount") or 0.0,
                            "currency_code": doc.get("CurrencyCode"),
                            "currency_rate": doc.get("CurrencyRate") or 1.0,
                            "reference": allocation.get("CreditNoteNumber") or allocation.get("Reference"),
                            "document_xero_id": doc["InvoiceID"],
                            "document_number": doc.get("InvoiceNumber"),
                            "source_xero_id": source_id,
                            "move_id": move.id,
                            "updated_at": updated,
                        }
                    )
            for gone in known.filtered(
                lambda p, seen=listed: p.status != "DELETED" and p.xero_id not in seen
            ):
                stats["flagged"] += gone._xero_removed_in_xero()
                gone.status = "DELETED"
        return newest

    # ------------------------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_xero_sync_payments(self):
        """Hourly: every connected organisation whose company takes payments from Xero. One
        failing (a login to reconnect) does not stop the others."""
        self = self.with_context(xero_background=True)  # noqa: PLW0642 - keeps the day's reserve for exports
        tenants = self.search([("connection_id.state", "=", "connected")]).filtered(
            lambda t: any(t.company_ids.mapped("xero_payments_from_xero"))
        )
        for done, tenant in enumerate(tenants, start=1):
            try:
                with self.env.cr.savepoint():
                    tenant._xero_sync_payments()
            except UserError as error:
                _logger.warning("Xero payment sync of %s failed: %s", tenant.name, error)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(tenants) - done)
            if not _testing():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self._xero_retry_payment_push()
        return True

    @api.model
    def _xero_retry_payment_push(self, limit=500):
        """Payments registered in Odoo that did not reach Xero (an outage, a lost answer) are
        tried again, each alone: exactly once holds through the content-derived key and the
        lookup of an earlier attempt, and success clears the "not sent" activity."""
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("xero_error", "!=", False),
                    ("xero_payment_id", "=", False),
                    ("state", "in", ("in_process", "paid")),
                    ("company_id.xero_payments_to_xero", "=", True),
                ],
                limit=limit,
                order="id",
            )
        )
        for payment in payments:
            try:
                with self.env.cr.savepoint():
                    payment._xero_push()
            except UserError as error:
                _logger.warning("Xero payment push of %s failed: %s", payment.name, error)
            if not _testing():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(payments)

    @api.model
    def _cron_xero_webhook_queue(self):
        """What signed webhooks asked for: the named invoices' payments and state, the named
        contacts refreshed in the cache."""
        self = self.with_context(xero_background=True)  # noqa: PLW0642 - keeps the day's reserve for exports
        Event = self.env["xero.webhook.event"].sudo()
        queued = Event.search([("state", "=", "queued")], limit=5000)
        for tenant, events in queued.grouped("tenant_id").items():
            invoices = {e.resource_id for e in events if e.category == "INVOICE"}
            contacts = sorted({e.resource_id for e in events if e.category == "CONTACT"})
            try:
                with self.env.cr.savepoint():
                    if invoices and any(tenant.company_ids.mapped("xero_payments_from_xero")):
                        tenant._xero_sync_payments(invoice_ids=invoices)
                    for start in range(0, len(contacts), IDS_PER_CALL):
                        body = tenant._xero_call(
                            _("reading contacts"),
                            "get_contacts",
                            params={"i_ds": contacts[start : start + IDS_PER_CALL], "include_archived": True},
                        )
                        self.env["xero.contact"].sudo()._xero_upsert(tenant, body.get("Contacts") or [])
                    events.state = "done"
            except UserError as error:
                _logger.warning("Xero webhook work for %s failed: %s", tenant.name, error)
            if not _testing():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _xero_webhook_keys(self):
        """[(key, tenant or None)]: the app's key from Settings (any linked organisation), and
        keys set on single organisations."""
        keys = []
        app_key = self.env["ir.config_parameter"].sudo().get_param("xero_connector.webhook_key")
        if app_key:
            keys.append((app_key, None))
        for tenant in self.sudo().search([("xero_webhook_key", "!=", False)]):
            keys.append((tenant.xero_webhook_key, tenant))
        return keys

    @api.model
    def _xero_queue_webhook(self, body, tenant=None):
        """Queue the invoices and contacts of a verified delivery; returns how many events
        were queued. Events of organisations not linked here (or not the key's own) are
        ignored."""
        events = body.get("events") or []
        domain = [("tenant_id", "in", list({e.get("tenantId") for e in events if e.get("tenantId")}))]
        tenants = {t.tenant_id: t for t in self.sudo().search(domain)}
        vals = []
        for event in events:
            target = tenants.get(event.get("tenantId"))
            if not target or (tenant and target != tenant):
                continue
            if event.get("eventCategory") not in ("INVOICE", "CONTACT") or not event.get("resourceId"):
                continue
            vals.append(
                {
                    "tenant_id": target.id,
                    "category": event["eventCategory"],
                    "event_type": event.get("eventType"),
                    "resource_id": event["resourceId"],
                    "event_date": event.get("eventDateUtc"),
                }
            )
        self.env["xero.webhook.event"].sudo().create(vals)
        return len(vals)
