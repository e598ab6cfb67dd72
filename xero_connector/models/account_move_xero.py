"""Invoices, credit notes, vendor bills and refunds → Xero, exactly once, in batches.

The flow, as data: documents → ``_xero_export_context`` (every mapping they need, fetched in
a few queries) → ``_xero_payload`` (a pure dict in Xero's JSON, every problem of the document
collected) → batches of 50 → ``_xero_send_batch`` (the attempt recorded in its own transaction,
one PUT with an Idempotency-Key through the organisation's choke point) → each document's
result written back (Xero id, number, status, totals, fingerprint) and posted in its chatter.
"""

import hashlib
import json
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_date, formatLang

from .. import const
from ..const import BATCH_SIZE, XERO_GONE_STATUSES, XERO_ID_KEYS, XERO_MUTABLE_STATUSES, XERO_TYPES
from ..errors import XeroError, XeroRetryLater
from ..utils import where_text, xero_kind

_logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
UNIT_DP = Decimal("0.0001")


def _transient(error):
    """An error after which trying again later may well succeed: no answer, a rate limit, a
    server error, a login to refresh. Such documents stay queued for the next run."""
    return isinstance(error, XeroError) and (error.status in (0, 401, 429) or error.status >= 500)


def _money(value, quantum=CENT):
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def xero_line_amount(quantity, unit_amount, discount_rate=0.0):
    """Xero's own arithmetic: LineAmount = Quantity × UnitAmount (4 decimals with unitdp=4)
    × (1 − DiscountRate/100), rounded half up to the cent."""
    unit = _money(unit_amount, UNIT_DP)
    amount = Decimal(str(quantity)) * unit * (Decimal(1) - Decimal(str(discount_rate or 0)) / Decimal(100))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_number = fields.Char("Xero number", copy=False, readonly=True)
    xero_status = fields.Char("Xero status", copy=False, readonly=True, tracking=True)
    xero_export_state = fields.Selection(
        [
            ("not_exported", "Not exported"),
            ("queued", "Queued"),
            ("exported", "Exported"),
            ("differs", "Differs in Xero"),
            ("error", "Export failed"),
        ],
        string="Xero export",
        default="not_exported",
        copy=False,
        readonly=True,
        index=True,
    )
    xero_error = fields.Text("Xero export problems", copy=False, readonly=True)
    xero_fingerprint = fields.Char(copy=False, readonly=True, help="Hash of what was last sent to Xero.")
    xero_total = fields.Monetary("Total in Xero", copy=False, readonly=True)
    xero_amount_paid = fields.Monetary("Paid in Xero", copy=False, readonly=True)
    xero_amount_due = fields.Monetary("Due in Xero", copy=False, readonly=True)
    xero_checked_at = fields.Datetime("Checked in Xero", copy=False, readonly=True)
    xero_online_url = fields.Char("Xero payment link", copy=False, readonly=True)
    xero_export_round = fields.Integer(
        copy=False,
        readonly=True,
        help="How many times the exported status was cleared: a new export is a new request.",
    )
    xero_difference = fields.Char(
        "Difference with Xero",
        copy=False,
        readonly=True,
        help="Set when Xero's total of the linked document is not Odoo's: both figures.",
    )
    xero_next_try_at = fields.Datetime(
        "Next try in Xero at",
        copy=False,
        readonly=True,
        help="Xero's daily limit for the organisation was spent: the queued export goes then.",
    )
    xero_export_label = fields.Char(compute="_compute_xero_export_label")
    xero_is_exportable = fields.Boolean(compute="_compute_xero_export_label")

    @api.depends("xero_id", "xero_export_date", "move_type", "state", "xero_export_state")
    def _compute_xero_export_label(self):
        for move in self:
            move.xero_is_exportable = move.move_type in XERO_TYPES and move.state == "posted"
            if not move.xero_id:
                move.xero_export_label = False
            elif move.xero_export_state == "differs":
                move.xero_export_label = _("Differs in Xero")
            else:
                move.xero_export_label = _("Exported %s", format_date(self.env, move.xero_export_date))

    # ------------------------------------------------------------------------------------
    # Workflow rules (M-Power's "workflow overrides")
    # ------------------------------------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        queued = posted.filtered(
            lambda m: not m.xero_id
            and m.xero_tenant_id
            and (
                (m.move_type in ("out_invoice", "out_refund") and m.company_id.xero_auto_export_sales)
                or (m.move_type in ("in_invoice", "in_refund") and m.company_id.xero_auto_export_purchases)
            )
        )
        if queued:
            queued._xero_write_fields({"xero_export_state": "queued"})
            cron = self.env.ref("xero_connector.ir_cron_xero_export_queue", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return posted

    def _check_xero_locked(self, action):
        locked = self.filtered(lambda m: m.xero_id and m.company_id.xero_lock_exported)
        if locked:
            raise UserError(
                _(
                    "%(docs)s was exported to Xero, so it cannot be %(action)s. Correct it in Xero (credit note "
                    "or void), or clear its exported status first (Xero > Clear exported status).",
                    docs=", ".join(locked.mapped("name")),
                    action=action,
                )
            )

    def button_draft(self):
        self._check_xero_locked(_("reset to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._check_xero_locked(_("cancelled"))
        return super().button_cancel()

    def action_invoice_sent(self):
        blocked = self.filtered(
            lambda m: m.company_id.xero_block_email_before_export
            and m.move_type in XERO_TYPES
            and not m.xero_id
        )
        if blocked:
            raise UserError(
                _(
                    "Export %(docs)s to Xero before sending it: your company sends invoices only once they are "
                    "in Xero.",
                    docs=", ".join(blocked.mapped("name")),
                )
            )
        return super().action_invoice_sent()

    # ------------------------------------------------------------------------------------
    # Building what Xero receives
    # ------------------------------------------------------------------------------------
    def _xero_export_context(self, tenant):
        """Every mapping these documents need in ``tenant``, fetched once for all of them."""
        lines = self.invoice_line_ids
        taxes = lines.tax_ids
        partners = self.partner_id.commercial_partner_id
        analytic_ids = {
            int(key) for line in lines for ids in (line.analytic_distribution or {}) for key in ids.split(",")
        }
        context = {
            "tenant": tenant,
            "contacts": _contacts_by_partner(self.env, partners, tenant),
            "items": lines.product_id._xero_items_by_product(tenant),
            "tax_rates": taxes._xero_tax_rates(tenant),
            "accounts": lines.account_id._xero_accounts(tenant),
            "tracking": self.env["account.analytic.account"]
            .browse(analytic_ids)
            ._xero_tracking_options(tenant),
            "currencies": set(
                self.env["xero.currency"].search([("tenant_id", "=", tenant.id)]).mapped("xero_id")
            )
            | {tenant.base_currency},
            "default_tax": {use: tenant._xero_default_tax_rate(use) for use in ("sale", "purchase")},
            "base_url": self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/"),
        }
        return context

    def _xero_payload(self, ctx):
        """(Xero JSON of this document, [problems]). Pure: reads, never writes. Every problem
        names the line and what to fix, so that the user sees them all at once."""
        self.ensure_one()
        tenant = ctx["tenant"]
        endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        problems = []
        company = self.company_id
        contact = ctx["contacts"].get(self.partner_id.commercial_partner_id.id)
        if not contact:
            if not company.xero_auto_create_contacts:
                problems.append(
                    _(
                        "%(partner)s has no Xero contact in %(org)s: pick one in the Xero contact field or press "
                        "Export contact to Xero on the partner.",
                        partner=self.partner_id.commercial_partner_id.display_name,
                        org=tenant.name,
                    )
                )
        elif not contact.active:
            problems.append(
                _(
                    "The Xero contact %(contact)s is archived in Xero: restore it there, or pick another contact "
                    "for %(partner)s.",
                    contact=contact.name,
                    partner=self.partner_id.commercial_partner_id.display_name,
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

        use = "sale" if self.is_sale_document(include_receipts=True) else "purchase"
        included = {tax.price_include for tax in self.invoice_line_ids.tax_ids}
        if len(included) > 1:
            problems.append(
                _("Lines mix tax-included and tax-excluded prices: Xero takes one kind per document.")
            )
        amount_type = "Inclusive" if included == {True} else ("Exclusive" if included else "NoTax")

        line_items = []
        for line in self.invoice_line_ids.sorted("sequence"):
            item, line_problems = line._xero_line_item(ctx, use, amount_type)
            problems += line_problems
            if item is not None:
                line_items.append(item)
        if not any("UnitAmount" in item for item in line_items):
            problems.append(_("No line has an amount to send to Xero."))

        date = self.invoice_date if company.xero_date_method == "invoice" else fields.Date.context_today(self)
        status = company.xero_invoice_status
        payload = {
            "Type": xero_type,
            "Contact": {"ContactID": contact.xero_id} if contact else {},
            "Date": fields.Date.to_string(date),
            "CurrencyCode": currency,
            "LineAmountTypes": amount_type,
            "Status": status,
            "LineItems": line_items,
        }
        number = self.name if xero_type in ("ACCREC", "ACCRECCREDIT") else (self.ref or self.name)
        payload[number_key] = number
        if xero_type in ("ACCREC", "ACCRECCREDIT") and (self.ref or self.payment_reference):
            payload["Reference"] = (self.ref or self.payment_reference)[:255]
        if endpoint == "Invoices" and ctx["base_url"]:
            payload["Url"] = f"{ctx['base_url']}/odoo/account.move/{self.id}"
        if self.invoice_date_due and (status != "DRAFT" or company.xero_due_date_on_drafts):
            payload["DueDate"] = fields.Date.to_string(self.invoice_date_due)
        if currency != tenant.base_currency and company.currency_id.name == tenant.base_currency:
            rate = self.invoice_currency_rate
            if rate:
                payload["CurrencyRate"] = round(rate, 6)
        return payload, problems

    def _xero_fingerprint(self, payload):
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]

    # ------------------------------------------------------------------------------------
    # Exporting
    # ------------------------------------------------------------------------------------
    def _xero_exportable(self):
        return self.filtered(lambda m: m.move_type in XERO_TYPES and m.state == "posted" and not m.xero_id)

    def _xero_export(self, raise_on_problems=False):
        """Export these documents; returns {"exported": moves, "failed": {move: message}}.
        Documents with problems send nothing; one refused by Xero does not sink its batch."""
        result = {"exported": self.browse(), "failed": {}, "queued": {}}
        todo = self._xero_exportable()
        no_tenant = todo.filtered(lambda m: not m.xero_tenant_id)
        for move in no_tenant:
            result["failed"][move] = _(
                "%(doc)s has no Xero organisation: choose one for %(company)s in Settings > Accounting > Xero.",
                doc=move.name,
                company=move.company_id.name,
            )
        result.setdefault("retry", self.browse())
        result.setdefault("differs", self.browse())
        # An organisation archived, or not one of the document's company, takes no export.
        refused = (todo - no_tenant).filtered(lambda m: m._xero_tenant_problem())
        for move in refused:
            result["failed"][move] = move._xero_tenant_problem()
        for tenant, moves in (todo - no_tenant - refused).grouped("xero_tenant_id").items():
            moves._xero_lock_for_export()
            try:
                moves.filtered(lambda m: not m.xero_id)._xero_export_to(tenant, result)
            except XeroRetryLater as wait:  # the day's budget ran out between two steps
                for move in moves.filtered(lambda m: not m.xero_id):
                    if move not in result["failed"]:
                        result["queued"][move] = wait.retry_at
            except UserError as error:
                # One organisation failing (say its login must be reconnected) fails only its
                # documents; what was linked before the failure stays linked.
                _logger.warning("Xero export to %s failed: %s", tenant.name, error)
                for move in moves.filtered(lambda m: not m.xero_id and m not in result["failed"]):
                    result["failed"][move] = str(error)
                    if _transient(error):
                        result["retry"] |= move
        # documents set aside only to wait for Xero's budget are not failures
        result["failed"] = {move: message for move, message in result["failed"].items() if message}
        if result["queued"]:
            self._xero_queue_until(result["queued"])
        if result["failed"]:
            failed = self.browse([m.id for m in result["failed"]])
            for move in failed:
                move._xero_record_failure(result["failed"][move], retry=move in result["retry"])
            if raise_on_problems and len(self) == 1:
                raise UserError(result["failed"][self])
        return result

    def _xero_lock_for_export(self):
        """Two users (or a user and the cron) exporting the same document at once: the second
        waits here, then finds it exported and skips it."""
        self.env.cr.execute("SELECT id FROM account_move WHERE id IN %s FOR UPDATE", [tuple(self.ids)])
        self.invalidate_recordset(["xero_id"])

    def _xero_export_to(self, tenant, result):
        self._xero_ensure_contacts(tenant, result)
        ctx = self._xero_export_context(tenant)
        ready = defaultdict(list)  # endpoint → [(move, payload)]
        for move in self:
            if move in result["failed"]:
                continue
            payload, problems = move._xero_payload(ctx)
            if problems:
                result["failed"][move] = _(
                    "%(doc)s was not sent to Xero:\n%(problems)s",
                    doc=move.name,
                    problems="\n".join(f"• {p}" for p in problems),
                )
                continue
            ready[XERO_TYPES[move.move_type][0]].append((move, payload))
        for endpoint, documents in ready.items():
            recovered = self._xero_recover(tenant, documents, result)
            result["exported"] |= recovered
            to_send = [(m, p) for m, p in documents if m not in recovered and m not in result["failed"]]
            for batch in self._xero_batches(to_send, result):
                self._xero_send_batch(tenant, endpoint, batch, result)
        exported = result["exported"].filtered(lambda m: m.xero_tenant_id == tenant)
        exported._xero_after_export(tenant)

    def _xero_batches(self, documents, result):
        """Batches of at most 50 documents and at most MAX_BODY_BYTES of JSON: Xero refuses a
        request over 3.5 MB (long descriptions, many lines). A document too large on its own
        is refused here, naming what to do."""
        batch, size = [], 2
        for move, payload in documents:
            # what the SDK sends: the payload in Xero's JSON, plus the separator
            weight = len(json.dumps(payload, default=str).encode()) + 1
            if weight > const.MAX_BODY_BYTES - 64:
                result["failed"][move] = _(
                    "%(doc)s is too large for one request to Xero (%(size)s MB; Xero takes 3.5 MB): "
                    "split it into several documents or shorten its line descriptions.",
                    doc=move.name,
                    size=round(weight / 1_000_000, 1),
                )
                continue
            if batch and (len(batch) >= BATCH_SIZE or size + weight > const.MAX_BODY_BYTES - 64):
                yield batch
                batch, size = [], 2
            batch.append((move, payload))
            size += weight
        if batch:
            yield batch

    def _xero_ensure_contacts(self, tenant, result):
        """Partners with no Xero contact are exported (or linked) on the fly, in batches, when
        the company allows it."""
        partners = self.filtered(
            lambda m: m.company_id.xero_auto_create_contacts
        ).partner_id.commercial_partner_id
        contacts = _contacts_by_partner(self.env, partners, tenant)
        missing = partners.filtered(lambda p: not contacts.get(p.id))
        if missing:
            # Creating the customer's contact is part of exporting their invoice: a Xero user
            # may do it even without the right to edit partners in Odoo.
            outcome = missing.sudo()._xero_export_contacts(tenant)
            errors = {p.id: r["message"] for p, r in outcome.items() if r["status"] == "error"}
            retry = {p.id for p, r in outcome.items() if r.get("retry")}
            waits = {p.id: r["retry_at"] for p, r in outcome.items() if r.get("retry_at")}
            for move in self:
                partner_id = move.partner_id.commercial_partner_id.id
                error = errors.get(partner_id)
                if waits.get(partner_id):
                    result["queued"][move] = waits[partner_id]
                    result["failed"][move] = False  # skipped below, queued by _xero_export
                    continue
                if partner_id in retry:
                    result.setdefault("retry", self.browse())
                    result["retry"] |= move
                if error:
                    result["failed"][move] = _(
                        "%(doc)s was not sent to Xero: its contact could not be created (%(error)s).",
                        doc=move.name,
                        error=error,
                    )

    def _xero_send_batch(self, tenant, endpoint, documents, result):
        """One PUT of up to 50 documents with summarizeErrors=false. The attempt (documents and
        Idempotency-Key) is recorded in its own transaction first: a retry after a lost answer
        replays Xero's first result, and after a crash the documents are looked up in Xero
        before anything is sent again."""
        moves = self.browse([m.id for m, _p in documents])
        payloads = [p for _m, p in documents]
        fingerprints = [self._xero_fingerprint(p) for p in payloads]
        key = tenant._xero_key(
            endpoint.lower(),
            sorted(zip(moves.ids, moves.mapped("xero_export_round"), fingerprints, strict=True)),
        )
        operation = _("exporting %(count)s document(s)", count=len(moves))
        try:
            tenant._xero_check_budget(operation)  # nothing recorded for a call that cannot go
        except XeroRetryLater as wait:
            for move in moves:
                result["queued"][move] = wait.retry_at
            return
        attempt_ids = self.env["xero.export.attempt"]._record(tenant, moves, endpoint, key, fingerprints)
        method = "create_invoices" if endpoint == "Invoices" else "create_credit_notes"
        try:
            answer = tenant._xero_call(operation, method, body={endpoint: payloads}, key=key, records=moves)
        except XeroRetryLater as wait:  # Xero answered 429: it created nothing
            self.env["xero.export.attempt"]._drop(attempt_ids)
            for move in moves:
                result["queued"][move] = wait.retry_at
            return
        except UserError as error:
            for move in moves:
                result["failed"][move] = str(error)
                if _transient(error):
                    result["retry"] |= move
            return
        elements = answer.get(endpoint, [])
        id_key = XERO_ID_KEYS[endpoint]
        taken = set(
            self.sudo()
            .search(
                [
                    ("xero_tenant_id", "=", tenant.id),
                    ("xero_id", "in", [e.get(id_key) for e in elements if e.get(id_key)]),
                ]
            )
            .mapped("xero_id")
        )
        linked, notes = [], {}
        for move, payload, fingerprint, element in zip(moves, payloads, fingerprints, elements, strict=False):
            errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
            if element.get("HasErrors") or errors:
                result["failed"][move] = _(
                    "Xero refused %(doc)s: %(errors)s", doc=move.name, errors="; ".join(filter(None, errors))
                )
                continue
            mismatch = move._xero_mismatch(element, payload, taken=taken)
            if mismatch:
                # Not linked: the attempt stays on record, so the next export looks the
                # document up in Xero (verified the same way) instead of sending it again.
                result["failed"][move] = mismatch
                result["retry"] |= move
                continue
            note = move._xero_write_back(element, fingerprint, payload, post=False)
            if note:
                notes[move.id] = note
            linked.append(move.id)
        for move in moves[len(elements) :]:
            result["failed"][move] = _(
                "Xero's answer did not include %s: it is looked up in Xero at the next export.", move.name
            )
            result["retry"] |= move
        linked = self.browse(linked)
        result["differs"] |= linked.filtered(lambda m: m.xero_export_state == "differs")
        # One insert for the batch's chatter notes, one read for its stale failure activities.
        if notes:
            linked.browse(list(notes))._message_log_batch(notes)
        linked._xero_clear_failure_activities()
        result["exported"] |= linked

    def _xero_write_back(self, element, fingerprint=None, payload=None, post=True):
        """Link this document to Xero's answer. The first time, a note says where it went:
        posted here, or returned (``post=False``) for the caller to log a batch's notes at once."""
        self.ensure_one()
        number_key = XERO_TYPES[self.move_type][2]
        id_key = "InvoiceID" if number_key == "InvoiceNumber" else "CreditNoteID"
        first_time = not self.xero_id
        difference = self._xero_total_difference(element)
        had_difference = bool(self.xero_difference)
        values = {
            "xero_id": element[id_key],
            "xero_number": element.get(number_key),
            "xero_status": element.get("Status"),
            "xero_total": element.get("Total"),
            "xero_amount_paid": element.get("AmountPaid") or 0.0,
            "xero_amount_due": element.get("AmountDue", element.get("RemainingCredit")) or 0.0,
            "xero_export_state": "differs" if difference else "exported",
            "xero_difference": difference or False,
            "xero_error": False,
            "xero_next_try_at": False,
            "xero_checked_at": fields.Datetime.now(),
        }
        if fingerprint:
            values["xero_fingerprint"] = fingerprint
        if first_time:
            values["xero_export_date"] = fields.Datetime.now()
        # The first link's note names the status: no separate tracking message for it.
        self.with_context(mail_notrack=first_time)._xero_write_fields(values)
        note = False
        if first_time:
            note = _(
                "Exported to Xero (%(org)s) as %(number)s, status %(status)s, total %(total)s.",
                org=self.xero_tenant_id.name,
                number=self.xero_number or "-",
                status=self.xero_status,
                total=formatLang(self.env, self.xero_total or 0.0, currency_obj=self.currency_id),
            )
        if difference:
            self._xero_flag_difference(difference)
        elif had_difference:
            self._xero_clear_difference_activities()
        if post:
            if note:
                self._message_log(body=note)
            self._xero_clear_failure_activities()
        return note

    # ------------------------------------------------------------------------------------
    # Checking Xero's answer
    # ------------------------------------------------------------------------------------
    def _xero_mismatch(self, element, payload, check_link=True, taken=None):
        """Why Xero's ``element`` is not this document as sent (``payload``), or False. A
        server (or a proxy, or a lookup) answering with another document must never link it.
        ``check_link``: the element must also have an id no other Odoo document is linked to
        (``taken``: those ids, when the caller read them for a whole batch at once)."""
        self.ensure_one()
        endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        problems = []
        if element.get("Type") and element.get("Type") != xero_type:
            problems.append(_("type %(got)s instead of %(want)s", got=element.get("Type"), want=xero_type))
        sent_number = (payload or {}).get(number_key)
        number = element.get(number_key)
        if sent_number and (number or "").strip().casefold() != sent_number.strip().casefold():
            problems.append(_("number %(got)s instead of %(want)s", got=number or "-", want=sent_number))
        sent_contact = ((payload or {}).get("Contact") or {}).get("ContactID")
        contact = (element.get("Contact") or {}).get("ContactID")
        if sent_contact and contact != sent_contact:
            problems.append(
                _("another contact (%s)", (element.get("Contact") or {}).get("Name") or contact or "-")
            )
        xero_id = element.get(XERO_ID_KEYS[endpoint])
        if not check_link:
            pass
        elif not xero_id:
            problems.append(_("no Xero id"))
        elif (
            xero_id in taken
            if taken is not None
            else self.sudo().search_count(
                [
                    ("xero_id", "=", xero_id),
                    ("id", "!=", self.id),
                    ("xero_tenant_id", "=", self.xero_tenant_id.id),
                ],
                limit=1,
            )
        ):
            problems.append(_("a document already linked to another Odoo document"))
        if not problems:
            return False
        return _(
            "Xero answered for %(doc)s with another document (%(problems)s): not linked. The next export "
            "looks %(doc)s up in Xero before sending anything again.",
            doc=self.name,
            problems="; ".join(problems),
        )

    def _xero_total_difference(self, element):
        """ "Odoo 77.00, Xero 42.00" when Xero's total is not Odoo's, else False."""
        self.ensure_one()
        total = element.get("Total")
        if total is None or element.get("Status") in XERO_GONE_STATUSES:
            return False
        if float_compare(total, self.amount_total, precision_rounding=self.currency_id.rounding) == 0:
            return False
        return _(
            "Odoo %(odoo)s, Xero %(xero)s",
            odoo=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
            xero=formatLang(self.env, total, currency_obj=self.currency_id),
        )

    def _xero_flag_difference(self, difference, reason=None):
        """A visible state and an activity: Xero's copy is not what Odoo has."""
        self.ensure_one()
        message = reason or _(
            "%(doc)s differs in Xero: %(difference)s. Check the document in Xero (Exported button); "
            "update it in Xero while it is a draft there, or correct it with a credit note.",
            doc=self.name,
            difference=difference,
        )
        self._message_log(body=message)
        summary = _("Differs in Xero")
        if not self.activity_ids.filtered(lambda a: a.summary == summary):
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                summary=summary,
                note=message,
                user_id=(self.invoice_user_id or self.env.user).id,
            )

    def _xero_clear_difference_activities(self):
        summary = _("Differs in Xero")
        self.activity_ids.filtered(lambda a: a.summary == summary).sudo().unlink()

    def _xero_write_fields(self, values):
        """Write Xero's side of these documents. Only fields of this module change, never the
        lines: Odoo's invoice-line synchronisation and balance check (the bulk of a write on a
        posted invoice) are skipped, and the documents are not marked as edited by hand."""
        self.sudo().with_context(
            skip_invoice_sync=True, check_move_validity=False, skip_is_manually_modified=True
        ).write(values)

    def _xero_clear_failure_activities(self):
        summary = _("Xero export failed")
        self.activity_ids.filtered(lambda a: a.summary == summary).sudo().unlink()

    def _xero_record_failure(self, message, retry=False):
        """The failure on the document, in its chatter and as an activity. Logged, not posted:
        a user without an email address must see the export's real problem. ``retry``: a
        queued document stays queued (an outage, a lost answer), so the cron tries again."""
        self.ensure_one()
        values = {"xero_error": message}
        if not self.xero_id:
            values["xero_export_state"] = (
                "queued" if retry and self.xero_export_state == "queued" else "error"
            )
        self._xero_write_fields(values)
        self._message_log(body=message)
        summary = _("Xero export failed")
        if not self.activity_ids.filtered(lambda a: a.summary == summary):
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                summary=_("Xero export failed"),
                note=message,
                user_id=(self.invoice_user_id or self.env.user).id,
            )

    def _xero_recover(self, tenant, documents, result):
        """Documents an earlier attempt may have created in Xero (a crash, a lost answer whose
        retry never came): find them in Xero — the same number, type and contact — and link
        them instead of sending them again. When the document changed in Odoo since it was
        sent, Xero's copy is updated while Xero still allows it (DRAFT, SUBMITTED); otherwise
        it is linked as *Differs in Xero* with both totals and an activity. A document whose
        lookup fails is not sent (it may be in Xero) and fails alone; the others go on."""
        recovered = self.browse()
        moves = self.browse([m.id for m, _p in documents])
        in_doubt = self.env["xero.export.attempt"]._in_doubt(moves)
        if not in_doubt:
            return recovered
        for move, payload in documents:
            if move not in in_doubt:
                continue
            try:
                element = move._xero_find_in_xero(tenant, payload=payload)
            except XeroRetryLater as wait:  # a long Retry-After: still in doubt, looked up then
                result["queued"][move] = wait.retry_at
                result["failed"][move] = False  # not sent now, queued by _xero_export
                continue
            except UserError as error:
                result["failed"][move] = _(
                    "%(doc)s was not sent again: an earlier export may have reached Xero, and Xero could not "
                    "be asked (%(error)s). It is looked up again at the next export.",
                    doc=move.name,
                    error=error,
                )
                if _transient(error):
                    result["retry"] |= move
                continue
            if not element:
                continue
            move._xero_link_recovered(tenant, element, payload, result)
            recovered |= move
        return recovered

    def _xero_link_recovered(self, tenant, element, payload, result):
        self.ensure_one()
        fingerprint = self._xero_fingerprint(payload)
        sent = self.env["xero.export.attempt"]._sent_fingerprints(self)
        unchanged = fingerprint in sent or not any(sent)
        if unchanged:
            self._xero_write_back(element, fingerprint, payload)
            self._message_log(body=_("Found in Xero after an interrupted export, and linked."))
            return
        status = element.get("Status")
        self._xero_write_back(element)
        if status in XERO_MUTABLE_STATUSES:
            try:
                self._xero_update_in_xero(tenant, payload)
            except UserError as error:
                self._xero_flag_difference(
                    self.xero_difference,
                    reason=_(
                        "%(doc)s was found in Xero after an interrupted export, but it changed in Odoo since "
                        "and Xero refused the update: %(error)s",
                        doc=self.name,
                        error=error,
                    ),
                )
                self._xero_write_fields({"xero_export_state": "differs"})
            else:
                self._message_log(
                    body=_(
                        "Found in Xero after an interrupted export; it changed in Odoo since, so Xero's copy "
                        "was updated."
                    )
                )
        else:
            reason = _(
                "%(doc)s was found in Xero after an interrupted export, but it changed in Odoo since and Xero's "
                "copy is %(status)s there, so it cannot be updated (%(difference)s). Correct it in Xero (void "
                "or credit note), then Clear exported status and export again.",
                doc=self.name,
                status=status,
                difference=self.xero_difference or _("same total, other content"),
            )
            self._xero_write_fields({"xero_export_state": "differs", "xero_error": reason})
            self._xero_flag_difference(self.xero_difference, reason=reason)
        if self.xero_export_state == "differs":
            result["differs"] |= self

    def _xero_find_in_xero(self, tenant, number=None, payload=None):
        """This document's Xero twin, looked up by its number, or None when Xero has none.
        With ``payload`` (what is sent now) only a document of the same type and contact counts
        (a bill reference is not unique: another supplier's bill may carry it); a bill linked
        back to this Odoo document (its Url) is preferred."""
        self.ensure_one()
        endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        number = number or (self.name if xero_type in ("ACCREC", "ACCRECCREDIT") else (self.ref or self.name))
        where = f'Type=="{xero_type}" AND {number_key}=={where_text(number)}'
        answer = tenant._xero_call(
            _("looking up %(doc)s", doc=self.name), f"get_{_snake(endpoint)}", params={"where": where}
        )
        listed = answer.get(endpoint, [])
        if payload is not None and any(
            e.get("Type", xero_type) != xero_type
            or (e.get(number_key) or "").strip().casefold() != number.strip().casefold()
            for e in listed
        ):
            # The filter asked for this type and number only: an answer naming others cannot
            # be trusted to say the document is not in Xero either.
            raise XeroError(
                _(
                    "Xero's answer to the lookup of %(doc)s named other documents, so it cannot tell whether "
                    "%(doc)s is in Xero already",
                    doc=self.name,
                ),
                status=0,
            )
        candidates = [e for e in listed if e.get("Status") not in XERO_GONE_STATUSES]
        if payload is not None:
            candidates = [e for e in candidates if not self._xero_mismatch(e, payload)]
        else:
            candidates = [
                e for e in candidates if e.get("Type", xero_type) == xero_type and e.get(number_key) == number
            ]
        if xero_type == "ACCPAY":
            own = f"/odoo/account.move/{self.id}"
            candidates = [e for e in candidates if (e.get("Url") or "").endswith(own)] or candidates
        return candidates[0] if candidates else None

    def _xero_after_export(self, tenant):
        """Online payment link, credit allocation and the PDF, per the company's settings."""
        for move in self:
            company = move.company_id
            try:
                if (
                    company.xero_fetch_online_invoice
                    and move.move_type == "out_invoice"
                    and move.xero_status == "AUTHORISED"
                ):
                    answer = tenant._xero_call(
                        _("fetching the online invoice of %(doc)s", doc=move.name),
                        "get_online_invoice",
                        params={"invoice_id": move.xero_id},
                    )
                    urls = [o.get("OnlineInvoiceUrl") for o in answer.get("OnlineInvoices", [])]
                    if urls and urls[0]:
                        move._xero_write_fields({"xero_online_url": urls[0]})
                if company.xero_allocate_credit_notes and move.move_type == "out_refund":
                    move._xero_allocate_to_origin(tenant)
                if company.xero_attach_pdf:
                    move._xero_attach_pdf(tenant)
            except UserError as error:
                move._message_log(body=_("Exported, but Xero refused a follow-up step: %s", error))

    def _xero_allocation(self):
        """Xero's JSON allocating this exported credit note to the exported invoice it reverses
        (at most what Xero still has due on it), or None when there is nothing to allocate.
        Pure: reads, never calls Xero."""
        self.ensure_one()
        origin = self.reversed_entry_id
        if not (origin.xero_id and self.xero_status == "AUTHORISED" and origin.xero_status == "AUTHORISED"):
            return None
        amount = min(self.xero_total or 0.0, origin.xero_amount_due or origin.amount_residual)
        if amount <= 0:
            return None
        return {
            "Invoice": {"InvoiceID": origin.xero_id},
            "Amount": amount,
            "Date": fields.Date.to_string(self.invoice_date or fields.Date.today()),
        }

    def _xero_allocate_to_origin(self, tenant):
        allocation = self._xero_allocation()
        if not allocation:
            return
        origin = self.reversed_entry_id
        tenant._xero_call(
            _("allocating %(doc)s to %(origin)s", doc=self.name, origin=origin.name),
            "create_credit_note_allocation",
            body={"Allocations": [allocation]},
            params={"credit_note_id": self.xero_id},
            key=tenant._xero_key("allocation", self.xero_id, origin.xero_id),
            records=self | origin,
        )
        self._message_log(body=_("Allocated in Xero to %s.", origin.name))

    def _xero_attach_pdf(self, tenant):
        content, _type = self.env["ir.actions.report"]._render("account.account_invoices", self.ids)
        filename = (self.name or "invoice").replace("/", "-") + ".pdf"
        kind = xero_kind(self.move_type)
        tenant._xero_call(
            _("attaching the PDF of %(doc)s", doc=self.name),
            f"create_{kind.id_arg[:-3]}_attachment_by_file_name",
            body=content,
            params={kind.id_arg: self.xero_id, "file_name": filename},
            key=tenant._xero_key("pdf", self.xero_id, hashlib.sha256(content).hexdigest()),
            records=self,
        )

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_xero_export(self):
        """The Export to Xero button: one document, or the selection in a list."""
        self._check_xero_user(self)
        exportable = self._xero_exportable()
        if not exportable:
            raise UserError(
                _("Nothing to export: only posted invoices, credit notes and bills not yet in Xero.")
            )
        result = exportable._xero_export(raise_on_problems=len(self) == 1)
        return self._xero_export_notification(result)

    @api.model
    def action_xero_export_all(self):
        """Export every posted document of the user's companies not yet in Xero."""
        self._check_xero_user()
        moves = self.search(
            [
                ("move_type", "in", list(XERO_TYPES)),
                ("state", "=", "posted"),
                ("xero_id", "=", False),
                ("xero_tenant_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        self._check_xero_user(moves)
        return moves._xero_export_notification(moves._xero_export())

    def _xero_export_notification(self, result):
        exported, failed, queued = result["exported"], result["failed"], result.get("queued") or {}
        differs = result.get("differs") or self.browse()
        message = _("%(count)s document(s) exported to Xero.", count=len(exported - differs))
        if differs:
            message += " " + _(
                "%(count)s linked but differ in Xero: %(docs)s (see their Xero tab).",
                count=len(differs),
                docs=", ".join(differs.mapped("name")),
            )
        if queued:
            next_try = min(queued.values())
            shown = fields.Datetime.to_string(
                fields.Datetime.context_timestamp(self, next_try).replace(tzinfo=None)
            )
            if next_try - fields.Datetime.now() > timedelta(hours=1):
                message += " " + _(
                    "Xero's daily limit is spent: %(count)s document(s) wait in the queue, next try at %(time)s.",
                    count=len(queued),
                    time=shown,
                )
            else:
                message += " " + _(
                    "Xero asked Odoo to slow down: %(count)s document(s) wait in the queue, next try at %(time)s.",
                    count=len(queued),
                    time=shown,
                )
        if failed:
            message += " " + _(
                "%(count)s not exported: %(docs)s (see their chatter).",
                count=len(failed),
                docs=", ".join(m.name for m in failed),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Xero"),
                "message": message,
                "type": "warning" if failed or differs or queued else "success",
                "sticky": bool(failed or differs or queued),
                "next": {"type": "ir.actions.act_window_close"}
                if len(self) > 1
                else {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_xero_export_queue(self, limit=500):
        """Drain the export queue (every 5 minutes, and at once when a document is queued)."""
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
        for moves in queued.grouped("xero_tenant_id").values():
            for start in range(0, len(moves), BATCH_SIZE * 4):
                chunk = moves[start : start + BATCH_SIZE * 4]
                chunk._xero_export()
                self.env["ir.cron"]._notify_progress(
                    done=start + len(chunk), remaining=len(moves) - start - len(chunk)
                )
                if not modules.module.current_test:
                    # Each chunk's links to Xero are kept even if a later chunk fails.
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _check_xero_user(self, records=None):
        """A Xero user who may read ``records`` (and reach their organisations)."""
        self.env["xero.access"]._xero_check_access("user", records)
        if records:
            self.env["xero.access"]._xero_check_access("user", records.xero_tenant_id)

    def action_xero_open(self):
        self.ensure_one()
        self._check_xero_user(self)
        if not (self.xero_id and self.xero_tenant_id.short_code):
            raise UserError(_("%s is not in Xero yet.", self.name))
        view = "AccountsReceivable" if self.is_sale_document() else "AccountsPayable"
        return {
            "type": "ir.actions.act_url",
            "target": "new",
            "url": (
                "https://go.xero.com/organisationlogin/default.aspx?shortcode="
                f"{self.xero_tenant_id.short_code}&redirecturl=/{view}/View.aspx?InvoiceID={self.xero_id}"
            ),
        }

    def action_xero_check(self):
        """The Exported button: ask Xero now, show its number, status, totals and payments."""
        self.ensure_one()
        self._check_xero_user(self)
        return self.env["xero.check.wizard"]._open_for(self)

    def action_xero_total_for_number(self):
        """ "Xero total for this number": look the number up in Xero even if never exported."""
        self.ensure_one()
        self._check_xero_user(self)
        return self.env["xero.check.wizard"]._open_for(self, by_number=True)

    def action_xero_update(self):
        """Push this document's current state to Xero while Xero still accepts changes."""
        self.ensure_one()
        self._check_xero_user(self)
        if not self.xero_id:
            raise UserError(_("%s is not in Xero yet: export it first.", self.name))
        tenant = self.xero_tenant_id
        payload, problems = self._xero_payload(self._xero_export_context(tenant))
        if problems:
            raise UserError("\n".join(problems))
        self._xero_update_in_xero(tenant, payload)
        self._message_log(body=_("Updated in Xero (status %s).", self.xero_status))
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _xero_update_in_xero(self, tenant, payload):
        """POST this document's ``payload`` onto its Xero copy; Xero's answer must be that very
        document, and its total is compared with Odoo's (see ``_xero_write_back``)."""
        self.ensure_one()
        payload = dict(payload)
        endpoint = XERO_TYPES[self.move_type][0]
        id_key = XERO_ID_KEYS[endpoint]
        payload[id_key] = self.xero_id
        fingerprint = self._xero_fingerprint(payload)
        kind = xero_kind(self.move_type)
        answer = tenant._xero_call(
            _("updating %(doc)s", doc=self.name),
            kind.update_one,
            body={endpoint: [payload]},
            params={kind.id_arg: self.xero_id},
            key=tenant._xero_key("update", self.xero_id, fingerprint),
            records=self,
        )
        element = (answer.get(endpoint) or [{}])[0]
        errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
        if errors:
            raise UserError(
                _("Xero refused the update of %(doc)s: %(errors)s", doc=self.name, errors="; ".join(errors))
            )
        if element.get(id_key) != self.xero_id or self._xero_mismatch(element, payload, check_link=False):
            raise UserError(
                _(
                    "Xero answered the update of %(doc)s with another document: nothing was changed in Odoo. "
                    "Check the document in Xero (Exported button) and try again.",
                    doc=self.name,
                )
            )
        self._xero_write_back(element, fingerprint, payload)
        return element

    def action_xero_clear_exported(self):
        self.ensure_one()
        self._check_xero_user(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.clear.exported.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
            "name": _("Clear exported status"),
        }

    def _xero_clear_exported(self, reason):
        self.ensure_one()
        old = self.xero_number or self.xero_id
        self._xero_write_fields(
            {
                "xero_id": False,
                "xero_number": False,
                "xero_status": False,
                "xero_export_date": False,
                "xero_export_state": "not_exported",
                "xero_difference": False,
                "xero_error": False,
                "xero_fingerprint": False,
                "xero_total": 0.0,
                "xero_amount_paid": 0.0,
                "xero_amount_due": 0.0,
                "xero_online_url": False,
                "xero_export_round": self.xero_export_round + 1,
            }
        )
        self.env["xero.export.attempt"]._forget(self)
        self._xero_clear_difference_activities()
        self._message_log(
            body=_("Exported status cleared (was %(old)s in Xero): %(reason)s", old=old, reason=reason)
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _xero_line_item(self, ctx, use, amount_type):
        """(Xero LineItem or None to skip, [problems]) for this invoice line."""
        self.ensure_one()
        tenant = ctx["tenant"]
        label = _("Line “%s”", (self.name or self.product_id.display_name or "").split("\n")[0][:60])
        if self.display_type in ("line_section", "line_note"):
            return ({"Description": self.name or "-"} if self.name else None), []
        if self.display_type != "product":
            return None, []
        excluded, exclusion_problem = self._xero_line_exclusion(label)
        if excluded:
            return None, [exclusion_problem] if exclusion_problem else []
        company = self.move_id.company_id
        subtotal = self.price_total if amount_type == "Inclusive" else self.price_subtotal
        if (
            float_is_zero(subtotal, precision_rounding=self.currency_id.rounding)
            and not company.xero_export_zero_lines
        ):
            return None, []
        problems = self._xero_line_override_problems(ctx, label)
        item = {"Description": (self.name or self.product_id.display_name or "-")[:4000]}
        xero_item = self._xero_line_item_for(ctx)
        if xero_item:
            item["ItemCode"] = xero_item.code
        account = ctx["accounts"].get(self.account_id.id)
        if account:
            item["AccountCode"] = account.code
        else:
            problems.append(
                _(
                    "%(line)s: account %(account)s has no Xero account in %(org)s, and no default applies: map it "
                    "in Xero > Mappings > Accounts.",
                    line=label,
                    account=self.account_id.display_name,
                    org=tenant.name,
                )
            )
        taxes = self.tax_ids
        if len(taxes) > 1:
            problems.append(
                _(
                    "%(line)s carries several taxes (%(taxes)s): Xero takes one tax per line.",
                    line=label,
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        elif taxes:
            rate = self._xero_line_tax_rate(ctx)
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
        else:
            default = ctx["default_tax"].get(use)
            # a NoTax document takes no taxed TaxType (Xero refuses it)
            if default and (amount_type != "NoTax" or not default.effective_rate):
                item["TaxType"] = default.tax_type
        tracking = self._xero_line_tracking(ctx)
        if len({t["Name"] for t in tracking}) < len(tracking) or len(tracking) > 2:
            problems.append(
                _("%(line)s: Xero takes at most one option of each of 2 tracking categories.", line=label)
            )
        elif tracking:
            item["Tracking"] = tracking

        quantity, price, discount = self.quantity, self.price_unit, self.discount
        shown_price = _trim(price)
        if discount and XERO_TYPES[self.move_id.move_type][1] != "ACCREC":
            # Xero takes discounts on sales invoices only: bills and credit notes carry the
            # discounted unit price (4 decimals); the rewrite below keeps the cent exact.
            shown_price = _("%(price)s less %(discount)s%%", price=_trim(price), discount=_trim(discount))
            price = float(_money(Decimal(str(price)) * (1 - Decimal(str(discount)) / 100), UNIT_DP))
            discount = 0.0
        if self._xero_needs_rewrite(quantity, price, discount, subtotal):
            # M-Power's rule: where Xero's arithmetic would not give Odoo's line total, send
            # one unit at the exact total; the Odoo line itself never changes.
            item["Description"] = _(
                "%(qty)s x %(desc)s @ %(price)s ea.",
                qty=_trim(quantity),
                desc=item["Description"],
                price=shown_price,
            )[:4000]
            quantity, price, discount = 1.0, float(_money(subtotal)), 0.0
        item["Quantity"] = quantity
        item["UnitAmount"] = price
        if discount:
            item["DiscountRate"] = discount
        if amount_type != "NoTax" and taxes:
            # Odoo's own tax on the line: Xero then totals exactly what Odoo does.
            tax_amount = self.price_total - self.price_subtotal
            item["TaxAmount"] = float(_money(tax_amount))
        return item, problems

    @staticmethod
    def _xero_needs_rewrite(quantity, price, discount, subtotal):
        return xero_line_amount(quantity, price, discount) != _money(subtotal)


def _contacts_by_partner(env, partners, tenant):
    """{commercial partner id: Xero contact} in ``tenant``, one query for all partners."""
    bindings = (
        env["xero.partner.binding"]
        .sudo()
        .search([("tenant_id", "=", tenant.id), ("partner_id", "in", partners.commercial_partner_id.ids)])
    )
    return {b.partner_id.id: b.contact_id for b in bindings if b.contact_id}


def _trim(number):
    return f"{number:,.5f}".rstrip("0").rstrip(".")


def _snake(endpoint):
    return {"Invoices": "invoices", "CreditNotes": "credit_notes"}[endpoint]
