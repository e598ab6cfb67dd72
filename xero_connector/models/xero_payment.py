"""What Odoo knows of the money Xero moved: payments, and allocations of credit notes,
overpayments and prepayments to invoices.

Stored rather than read from ``account.payment`` because most of it has no Odoo payment:
payments on documents never exported from Odoo, payments Odoo already had (MRPeasy's
"difference of the paid sums" rule leaves them uncreated), deleted payments kept as history,
and M-Power's "Get Xero payments" for reports, which wants Xero's figures per organisation,
bank account and date whatever Odoo did with them.

The Xero → Odoo sync lives here too (it produces these records). Call budget: payments come
1,000 a page with If-Modified-Since (Xero's clock: the latest UpdatedDateUTC already seen),
so 5,000 new payments cost 5 calls; then the invoices changed since, 1,000 a page with
If-Modified-Since too, of which those whose credit changed (credit notes, overpayments and
prepayments allocated: they are not payments in Xero's API) or which were voided or deleted
are kept (a large organisation refuses a ``where`` on AmountCredited). AmountPaid and the PAID
status follow from the payments themselves."""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import PAGE_SIZE
from ..errors import XeroRetryLater
from ..utils import (
    if_modified_since,
    parse_xero_datetime,
    run_cron_batches,
    xero_date,
    xero_date_literal,
)

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x5845524F  # "XERO": advisory locks of the payment sync, keyed by tenant id
CREDIT_LISTS = (
    ("CreditNotes", "credit_note", "CreditNoteID"),
    ("Overpayments", "overpayment", "OverpaymentID"),
    ("Prepayments", "prepayment", "PrepaymentID"),
)
GONE = ("VOIDED", "DELETED")
# What the sync reads by what changed, in this order: (list, SDK method, the organisation's
# cursor, Xero's order (optimised fields, also on a large organisation), what stores a page).
CHANGED_LISTS = (
    (
        "Payments",
        "get_payments",
        "xero_payments_synced_at",
        "UpdatedDateUTC ASC,PaymentID ASC",
        "_xero_store_payments",
    ),
    (
        "Invoices",
        "get_invoices",
        "xero_payment_docs_synced_at",
        "UpdatedDateUTC ASC,InvoiceID ASC",
        "_xero_store_changed_invoices",
    ),
)


def _credited_or_gone(docs):
    """The invoices whose credit may have moved, or which Xero voided or deleted. Filtered here:
    AmountCredited is not among the fields a large organisation lets a ``where`` filter on."""
    return [d for d in docs if (d.get("AmountCredited") or 0) > 0 or d.get("Status") in GONE]


PAYMENT_KINDS = [
    ("payment", "Payment"),
    ("credit_note", "Credit note allocation"),
    ("overpayment", "Overpayment allocation"),
    ("prepayment", "Prepayment allocation"),
]


class XeroPayment(models.Model):
    _name = "xero.payment"
    _description = "Xero Payment"
    _order = "date desc, id desc"
    _rec_name = "xero_id"

    tenant_id = fields.Many2one("xero.tenant", "Organisation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True)
    xero_id = fields.Char("Xero id", required=True, readonly=True, help="PaymentID, or the allocation's id.")
    kind = fields.Selection(PAYMENT_KINDS, required=True, default="payment", readonly=True)
    payment_type = fields.Char(readonly=True, help="Xero's PaymentType: ACCRECPAYMENT, ACCPAYPAYMENT...")
    status = fields.Char(readonly=True, help="AUTHORISED, or DELETED once removed in Xero.")
    date = fields.Date(readonly=True, index=True)
    amount = fields.Float(readonly=True, digits=(16, 2), help="In the document's currency.")
    bank_amount = fields.Float(readonly=True, digits=(16, 2), help="In the bank account's currency.")
    currency_code = fields.Char("Currency", readonly=True)
    currency_rate = fields.Float(readonly=True, digits=(16, 6))
    reference = fields.Char(readonly=True)
    xero_account_id = fields.Many2one("xero.account", "Xero bank account", readonly=True, ondelete="set null")
    document_xero_id = fields.Char("Xero document id", readonly=True, index=True)
    document_number = fields.Char("Xero document", readonly=True)
    source_xero_id = fields.Char(readonly=True, help="The credit note, overpayment or prepayment allocated.")
    move_id = fields.Many2one("account.move", "Odoo document", readonly=True, index=True, ondelete="set null")
    payment_id = fields.Many2one(
        "account.payment", "Odoo payment", readonly=True, index=True, ondelete="set null"
    )
    origin = fields.Selection(
        [("xero", "Made in Xero"), ("odoo", "Sent from Odoo")], default="xero", readonly=True
    )
    sync_state = fields.Selection(
        [
            ("pending", "To apply"),
            ("done", "In Odoo"),
            ("covered", "Already paid in Odoo"),
            ("outside", "Document not from Odoo"),
            ("deleted", "Deleted in Xero"),
        ],
        default="pending",
        readonly=True,
        index=True,
    )
    updated_at = fields.Datetime("Updated in Xero", readonly=True)

    _sql_constraints = [
        ("xero_id_tenant_unique", "unique(tenant_id, xero_id)", "This Xero payment is already known."),
    ]

    @api.depends("tenant_id.company_ids", "move_id.company_id")
    def _compute_company_id(self):
        for payment in self:
            payment.company_id = payment.move_id.company_id or payment.tenant_id.company_ids[:1]

    @api.depends("xero_id", "document_number", "amount")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = _(
                "%(kind)s %(amount)s on %(doc)s",
                kind=dict(PAYMENT_KINDS).get(payment.kind),
                amount=f"{payment.amount:,.2f}",
                doc=payment.document_number or payment.document_xero_id or "-",
            )

    # ------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------
    def _xero_link_documents(self):
        """Link payments to the exported Odoo documents they pay; the others are kept, for
        reports, as outside Odoo."""
        by_tenant = self.filtered(lambda p: not p.move_id and p.document_xero_id).grouped("tenant_id")
        for tenant, payments in by_tenant.items():
            moves = {
                m.xero_id: m
                for m in self.env["account.move"].search(
                    [
                        ("xero_tenant_id", "=", tenant.id),
                        ("xero_id", "in", payments.mapped("document_xero_id")),
                    ]
                )
            }
            for payment in payments:
                move = moves.get(payment.document_xero_id)
                if move:
                    payment.move_id = move
                elif payment.sync_state == "pending":
                    payment.sync_state = "outside"

    def _xero_removed_in_xero(self):
        """A payment (or allocation) deleted or reversed in Xero: flagged on its document and
        its Odoo payment with an activity, never undone in Odoo by itself. Returns 1 when
        something in Odoo was flagged."""
        self.ensure_one()
        was = self.sync_state
        self.sync_state = "deleted"
        move = self.move_id
        if not move or was not in ("done", "covered"):
            return 0
        message = _(
            "%(kind)s of %(amount)s dated %(date)s was deleted or reversed in Xero (%(org)s). Odoo keeps "
            "%(payment)s: cancel it here if the money did not move, or record the payment in Xero again.",
            kind=dict(PAYMENT_KINDS).get(self.kind),
            amount=f"{self.amount:,.2f} {self.currency_code or ''}".strip(),
            date=self.date or "-",
            org=self.tenant_id.name,
            payment=self.payment_id.name or _("the payment"),
        )
        move._xero_add_payment_alert(message, _("Payment deleted in Xero"))
        if self.payment_id:
            self.payment_id._xero_write_fields({"xero_deleted_in_xero": True})
            self.payment_id.message_post(body=message)
        return 1

    @api.model
    def _store(self):
        """**The** store of the payments as Xero holds them, like the cache: read-only for
        users, written and read by the payment syncs (after ``_xero_check_payment_sync``, or
        in their crons), and read by the payment export (an earlier attempt's payment) and by a
        cancelled payment's alert, whoever registered the payment. Its records stay in this
        environment: what they link (``_xero_link_documents``) is found as superuser."""
        return self.sudo()

    # ------------------------------------------------------------------------------------
    # Who may sync, and what a sync says
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_check_payment_sync(self, tenants):
        """Who may sync these organisations' payments: a Xero user reaching them, working in
        every company whose documents went there, and allowed to register payments. Returns
        this model in those companies (``allowed_company_ids``): the sync then reads and
        writes the documents as the caller, whichever companies the company switcher shows."""
        Access = self.env["xero.access"]
        Access._xero_check_access("user", tenants)
        companies = Access._xero_check_document_companies(tenants)
        if not companies:
            return self
        current = self.env.companies & companies
        return self.with_context(allowed_company_ids=(current | companies).ids)

    @api.model
    def _xero_payment_summary(self, tenant, stats):
        if stats.get("busy"):
            return _("%(org)s: a payment sync is running already.", org=tenant.name)
        return _(
            "%(org)s: %(seen)s Xero payment(s) read, %(created)s Odoo payment(s) created, %(flagged)s flagged "
            "(%(calls)s calls).",
            org=tenant.name,
            **stats,
        )

    # ------------------------------------------------------------------------------------
    # The sync, per organisation
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_lock_payments(self, tenant):
        """One payment sync per organisation at a time; a second one (cron and webhook, two
        workers) returns at once instead of creating the same payments. The unique Xero
        payment id per organisation is the last guard."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tenant.id])
        return self.env.cr.fetchone()[0]

    @api.model
    def _xero_sync_payments(self, tenant, invoice_ids=None, date_from=None, date_to=None):
        """Read what changed in ``tenant``'s Xero and apply it to the exported documents.
        ``invoice_ids``: Xero invoice ids a webhook named (read by id as well);
        ``date_from``/``date_to``: the payments of a date range instead of what changed (the
        wizard).

        Returns {"calls", "seen", "created", "flagged"}, or {"busy": True}."""
        tenant.ensure_one()
        if not self._xero_lock_payments(tenant):
            return {"busy": True}
        tenant = tenant.with_env(self.env)  # the companies the check allowed
        stats = {"calls": 0, "seen": 0, "created": 0, "flagged": 0}
        touched = set()  # Xero ids of documents whose money moved
        ranged = bool(date_from or date_to)
        where = None
        if ranged:
            parts = []
            if date_from:
                parts.append(f"Date>={xero_date_literal(date_from)}")
            if date_to:
                parts.append(f"Date<={xero_date_literal(date_to)}")
            where = " AND ".join(parts)
        if ranged:
            self._xero_read_pages(
                tenant,
                _("reading payments"),
                "get_payments",
                "Payments",
                stats,
                lambda docs: self._xero_store_payments(tenant, docs, touched, stats),
                where=where,
            )
        else:
            for spec in CHANGED_LISTS:
                self._xero_read_changed(tenant, spec, stats, touched)
        ids = sorted(set(invoice_ids or ()))
        for docs in tenant._xero_documents("Invoices", _("reading invoices"), ids=ids):
            stats["calls"] += 1
            self._xero_store_invoices(tenant, docs, touched, stats)
        self._xero_apply_touched(tenant, touched, stats)
        _logger.info("Xero payments of %s: %s", tenant.name, stats)
        return stats

    @api.model
    def _xero_apply_touched(self, tenant, touched, stats):
        """The money Xero moved on the exported documents ``touched`` (Xero ids), in Odoo."""
        moves = self.env["account.move"].search(
            [("xero_tenant_id", "=", tenant.id), ("xero_id", "in", list(touched))]
        )
        moves._xero_apply_payments(stats)

    @api.model
    def _xero_sync_payments_step(self, tenant, collection=CHANGED_LISTS[0][0], page=1, *run):
        """One page of what changed, as a job of its own (the cron's): the page read, stored and
        applied, the list's cursor stamped, and the next page (or the next list) queued as the
        next job. A sync stopped between two pages (a worker killed, an outage) has kept every
        page before it: the next run starts from the cursor instead of the first payment.
        ``run``: (background run id, totals so far) of a sync a user started (*Sync payments
        now*), moved on by each page and ended by the last (xero_payment_run.py).

        Returns {"calls", "seen", "created", "flagged"}, or {"busy": True}."""
        tenant.ensure_one()
        if not self._xero_lock_payments(tenant):
            if run:
                self._xero_payment_run_busy(tenant, *run)
            return {"busy": True}
        tenant = tenant.with_env(self.env)
        stats = {"calls": 0, "seen": 0, "created": 0, "flagged": 0}
        touched = set()
        names = [spec[0] for spec in CHANGED_LISTS]
        index = names.index(collection)
        try:
            with self.env.cr.savepoint():
                next_page = self._xero_read_changed(
                    tenant, CHANGED_LISTS[index], stats, touched, page, one_page=True
                )
                self._xero_apply_touched(tenant, touched, stats)
        except XeroRetryLater:
            raise  # the job is put back with Xero's wait
        except UserError as error:
            if not run:
                raise
            self._xero_payment_run_failed(tenant, collection, page, error, *run)
            return {"failed": str(error)}
        following = (collection, next_page) if next_page else None
        if not following and index + 1 < len(names):
            following = (names[index + 1], 1)
        if run:
            run = (run[0], self._xero_payment_run_moved(tenant, stats, index, following, *run))
        if following:
            self._xero_enqueue_sync(tenant, *following, *run)
        _logger.info("Xero payments of %s, %s page %s: %s", tenant.name, collection, page, stats)
        return stats

    @api.model
    def _xero_enqueue_sync(self, tenant, collection=CHANGED_LISTS[0][0], page=1, *run):
        self.env["xero.job"]._xero_enqueue(
            self,
            "_xero_sync_payments_step",
            tenant,
            collection,
            page,
            *run,
            key=f"xero-payments:{tenant.id}" + (f":run-{run[0]}" if run else ""),
            lock=f"payments:{tenant.id}",
            description=_("Xero payment sync of %s", tenant.name),
            background=True,
        )

    @api.model
    def _xero_read_changed(self, tenant, spec, stats, touched, page=1, one_page=False):
        """The pages of one of CHANGED_LISTS changed since the organisation's cursor, oldest
        change first, each stored and the cursor stamped after it: at the end of the list the
        latest change read; before it, the latest change before the page's last one, as
        If-Modified-Since reads only what changed strictly later (what changed at the very
        moment of the page's last change is read again, never skipped). A page that all changed
        at one moment leaves the cursor and reads the next page. ``one_page``: return after one
        page. Returns the page to read next, None at the end of the list."""
        collection, method, stamp, order, store = spec
        since = tenant[stamp]
        while True:
            params = {"page": page, "page_size": PAGE_SIZE, "order": order}
            if since:
                params["if_modified_since"] = if_modified_since(since)
            body = tenant._xero_call(
                _("reading %(list)s changed (page %(page)s)", list=collection, page=page),
                method,
                params=params,
            )
            stats["calls"] += 1
            docs = body.get(collection) or []
            getattr(self, store)(tenant, docs, touched, stats)
            changed = [t for t in (parse_xero_datetime(d.get("UpdatedDateUTC")) for d in docs) if t]
            page_count = (body.get("pagination") or {}).get("pageCount")
            if len(docs) < PAGE_SIZE or (page_count is not None and page >= page_count):
                if changed:
                    tenant._xero_stamp({stamp: max(filter(None, [*changed, since]))})
                return None
            left = max(page_count - page, 1) if page_count else 1  # this list's pages still to read
            last = max(changed, default=None)
            before = max((t for t in changed if t < last), default=None)
            if before and (not since or before > since):
                since, page = before, 1
                tenant._xero_stamp({stamp: since})
            else:
                page += 1
            if one_page:
                stats["pages_left"] = left
                return page

    @api.model
    def _xero_read_pages(self, tenant, operation, method, collection, stats, store, since=None, where=None):
        """Every page of a list, 1,000 at a time; returns the latest UpdatedDateUTC stored."""
        newest = None
        page = 1
        while True:
            kwargs = {"page": page, "page_size": PAGE_SIZE}
            if since:
                kwargs["if_modified_since"] = if_modified_since(since)
            if where:
                kwargs["where"] = where
            body = tenant._xero_call(
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

    @api.model
    def _xero_store_payments(self, tenant, docs, touched, stats):
        """Upsert Xero's payments of ``tenant``; returns their latest UpdatedDateUTC."""
        XeroPayment = self._store()
        existing = {
            p.xero_id: p
            for p in XeroPayment.search(
                [("tenant_id", "=", tenant.id), ("xero_id", "in", [d["PaymentID"] for d in docs])]
            )
        }
        accounts = {
            a.xero_id: a
            for a in self.env["xero.account"]
            .with_context(active_test=False)
            .search([("tenant_id", "=", tenant.id)])
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
                vals.update(tenant_id=tenant.id, xero_id=doc["PaymentID"], kind="payment")
                if vals["status"] == "DELETED":
                    vals["sync_state"] = "deleted"
                new_vals.append(vals)
        created = XeroPayment.create(new_vals)
        created._xero_link_documents()
        return newest

    @api.model
    def _xero_store_changed_invoices(self, tenant, docs, touched, stats):
        """Of the invoices Xero changed, those whose credit may have moved or which were voided
        or deleted are stored; returns the latest UpdatedDateUTC of them all (where the next
        sync's If-Modified-Since starts)."""
        self._xero_store_invoices(tenant, _credited_or_gone(docs), touched, stats)
        return max(filter(None, (parse_xero_datetime(d.get("UpdatedDateUTC")) for d in docs)), default=None)

    @api.model
    def _xero_store_invoices(self, tenant, docs, touched, stats):
        """Xero's state of exported documents (status, totals) and the credit allocated to
        them; an allocation Xero no longer lists was reversed there."""
        XeroPayment = self._store()
        moves = {
            m.xero_id: m
            for m in self.env["account.move"].search(
                [("xero_tenant_id", "=", tenant.id), ("xero_id", "in", [d["InvoiceID"] for d in docs])]
            )
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
                            "tenant_id": tenant.id,
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
        """Hourly: a job per connected organisation whose company takes payments from Xero,
        the longest unsynced first (one failing, a login to reconnect, does not stop the
        others), then one for the Odoo payments that did not reach Xero."""
        tenants = (
            self.env["xero.tenant"]
            .search([("connection_id.state", "=", "connected")])
            .filtered(lambda t: any(t.company_ids.mapped("xero_payments_from_xero")))
            .sorted(lambda t: (bool(t.xero_payments_synced_at), t.xero_payments_synced_at or t.create_date))
        )
        Job = self.env["xero.job"]
        for tenant in tenants:
            self._xero_enqueue_sync(tenant)
        Job._xero_enqueue(
            self,
            "_xero_retry_payment_push",
            key="xero-payment-push",
            lock="payment-push",
            description=_("Payments that did not reach Xero, tried again"),
            background=True,
        )
        return True

    @api.model
    def _xero_retry_payment_push(self, limit=500):
        """Payments registered in Odoo that did not reach Xero (an outage, a lost answer) are
        tried again, each alone: exactly once holds through the content-derived key and the
        lookup of an earlier attempt, and success clears the "not sent" activity."""
        payments = self.env["account.payment"].search(  # the payment cron's, which runs as superuser
            [
                ("xero_error", "!=", False),
                ("xero_payment_id", "=", False),
                ("state", "in", ("in_process", "paid")),
                ("company_id.xero_payments_to_xero", "=", True),
            ],
            limit=limit,
            order="id",
        )
        run_cron_batches(
            self.env,
            payments,
            lambda payment: payment._xero_push(),
            lambda payment: f"payment push of {payment.name}",
        )
        return len(payments)
