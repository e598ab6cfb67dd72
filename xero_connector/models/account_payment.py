"""Payments both ways between Odoo and Xero, on documents exported to Xero.

Xero → Odoo (``account.move._xero_apply_payments``): each Xero payment or allocation not yet
in Odoo becomes an Odoo payment reconciled with the document, in the journal of its Xero bank
account, for at most Xero's paid sum minus Odoo's (MRPeasy's rule: what Odoo already has is
never counted twice). Odoo → Xero (``account.payment._xero_push``): a payment registered on an
exported document is PUT to /Payments against the Xero account of its journal. Deleting a
payment on either side flags it; nothing is deleted on the other side by itself."""

import logging
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, formatLang

from ..const import XERO_TYPES
from ..utils import parse_xero_datetime, xero_kind

_logger = logging.getLogger(__name__)

XERO_DOCUMENT_STATES = [
    ("draft", "Draft in Xero"),
    ("awaiting", "Awaiting payment in Xero"),
    ("partial", "Partly paid in Xero"),
    ("paid", "Paid in Xero"),
    ("voided", "Voided in Xero"),
    ("deleted", "Deleted in Xero"),
]


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    xero_amount_credited = fields.Monetary("Credited in Xero", copy=False, readonly=True)
    xero_payment_alert = fields.Text(
        "Xero payment problems",
        copy=False,
        readonly=True,
        help="Payments deleted or reversed in Xero, or removed in Odoo after reaching Xero.",
    )
    xero_document_state = fields.Selection(
        XERO_DOCUMENT_STATES,
        "State in Xero",
        compute="_compute_xero_document_state",
        store=True,
        copy=False,
    )
    xero_payment_count = fields.Integer(compute="_compute_xero_payment_count")

    @api.depends("xero_id", "xero_status", "xero_amount_due", "xero_total")
    def _compute_xero_document_state(self):
        for move in self:
            status = move.xero_status
            if not move.xero_id or not status:
                state = False
            elif status == "VOIDED":
                state = "voided"
            elif status == "DELETED":
                state = "deleted"
            elif status in ("DRAFT", "SUBMITTED"):
                state = "draft"
            elif status == "PAID" or (
                move.xero_total and float_is_zero(move.xero_amount_due, precision_digits=2)
            ):
                state = "paid"
            elif float_compare(move.xero_amount_due, move.xero_total, precision_digits=2) < 0:
                state = "partial"
            else:
                state = "awaiting"
            move.xero_document_state = state

    def _compute_xero_payment_count(self):
        counts = dict(
            self.env["xero.payment"]
            .sudo()
            ._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
        )
        for move in self:
            move.xero_payment_count = counts.get(move, 0)

    def action_xero_payments(self):
        self.ensure_one()
        self._check_xero_user(self)
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_payment")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_xero_update_payments(self):
        """OpenCRM's "Update From Xero": this document's payments and state, now."""
        self._check_xero_user(self)
        exported = self.filtered(lambda m: m.xero_id and m.xero_tenant_id)
        exported.xero_tenant_id._xero_check_payment_sync()
        if not exported:
            raise UserError(_("Only documents exported to Xero have payments there."))
        for tenant, moves in exported.grouped("xero_tenant_id").items():
            tenant._xero_sync_payments(
                invoice_ids=moves.filtered(lambda m: m.move_type in ("out_invoice", "in_invoice")).mapped(
                    "xero_id"
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_xero_clear_payment_alert(self):
        self._check_xero_user(self)
        self.check_access("write")
        self.sudo().xero_payment_alert = False

    # ------------------------------------------------------------------------------------
    # Xero's state of the document
    # ------------------------------------------------------------------------------------
    def _xero_update_state(self, doc):
        """Xero's status and amounts of this document, from an Invoice or CreditNote."""
        self.ensure_one()
        values = {
            "xero_status": doc.get("Status") or self.xero_status,
            "xero_total": doc.get("Total", self.xero_total),
            "xero_amount_paid": doc.get("AmountPaid") or 0.0,
            "xero_amount_credited": doc.get("AmountCredited") or 0.0,
            "xero_amount_due": doc.get("AmountDue", doc.get("RemainingCredit", self.xero_amount_due)) or 0.0,
            "xero_checked_at": fields.Datetime.now(),
        }
        gone = values["xero_status"] in ("VOIDED", "DELETED") and self.xero_status not in (
            "VOIDED",
            "DELETED",
        )
        if self.xero_export_state in ("exported", "differs") and not gone:
            difference = self._xero_total_difference(doc)
            values["xero_export_state"] = "differs" if difference else "exported"
            values["xero_difference"] = difference or False
            if difference and self.xero_difference != difference:
                self._xero_flag_difference(difference)
        self._xero_write_fields(values)
        if gone:
            message = _(
                "%(doc)s was %(status)s in Xero. Odoo keeps it as it is: cancel or credit it here if that is "
                "right.",
                doc=self.name,
                status=values["xero_status"].lower(),
            )
            self._message_log(body=message)
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                summary=_("Voided or deleted in Xero"),
                note=message,
                user_id=(self.invoice_user_id or self.env.user).id,
            )

    def _xero_state_from_payments(self):
        """AmountPaid, AmountDue and PAID follow from Xero's payments Odoo holds, for the
        documents whose payments changed but which Xero was not asked about."""
        XeroPayment = self.env["xero.payment"].sudo()
        for move in self:
            records = XeroPayment.search([("move_id", "=", move.id), ("status", "!=", "DELETED")])
            paid = sum(records.filtered(lambda p: p.kind == "payment").mapped("amount"))
            credited = sum(records.filtered(lambda p: p.kind != "payment").mapped("amount"))
            due = max((move.xero_total or 0.0) - paid - credited, 0.0)
            status = move.xero_status
            # PAID only follows from money Xero holds: a zero total alone is not a payment.
            if (
                status == "AUTHORISED"
                and float_is_zero(due, precision_digits=2)
                and not float_is_zero(paid + credited, precision_digits=2)
            ):
                status = "PAID"
            elif status == "PAID" and not float_is_zero(due, precision_digits=2):
                status = "AUTHORISED"
            move.sudo().write(
                {
                    "xero_amount_paid": paid,
                    "xero_amount_credited": credited,
                    "xero_amount_due": due,
                    "xero_status": status,
                    "xero_checked_at": fields.Datetime.now(),
                }
            )

    # ------------------------------------------------------------------------------------
    # Xero → Odoo
    # ------------------------------------------------------------------------------------
    def _xero_apply_payments(self, stats=None):
        """Turn the Xero payments and allocations of these documents that Odoo does not have
        into Odoo payments, oldest first, each for at most Xero's paid sum minus Odoo's."""
        stats = stats if stats is not None else {"created": 0}
        XeroPayment = self.env["xero.payment"].sudo()
        self._xero_state_from_payments()
        for move in self.filtered(lambda m: m.move_type in XERO_TYPES):
            if not move.company_id.xero_payments_from_xero or move.state != "posted":
                continue
            records = XeroPayment.search(
                [("move_id", "=", move.id), ("status", "!=", "DELETED")], order="date, id"
            )
            pending = records.filtered(lambda p: p.sync_state == "pending")
            if not pending:
                continue
            xero_paid = sum(records.mapped("amount"))
            for record in pending:
                odoo_paid = move.amount_total - move.amount_residual
                gap = move.currency_id.round(min(record.amount, xero_paid - odoo_paid))
                if gap <= 0 or move.currency_id.is_zero(gap):
                    record.sync_state = "covered"
                    continue
                if record.kind == "credit_note" and move._xero_reconcile_credit_note(record, gap):
                    record.sync_state = "done"
                    stats["reconciled"] = stats.get("reconciled", 0) + 1
                    continue
                payment = move._xero_create_payment(record, gap)
                record.write({"payment_id": payment.id, "sync_state": "done"})
                stats["created"] = stats.get("created", 0) + 1
        return stats

    def _xero_reconcile_credit_note(self, record, amount):
        """A credit note allocated to this document in Xero: when that credit note is an Odoo
        document, reconcile the two in Odoo (for ``amount``) instead of inventing a payment.
        Returns False when the credit note is not Odoo's (a payment is then created)."""
        self.ensure_one()
        credit_note = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("xero_tenant_id", "=", self.xero_tenant_id.id),
                    ("xero_id", "=", record.source_xero_id),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
            if record.source_xero_id
            else None
        )
        if not credit_note:
            return False
        lines = (self.line_ids | credit_note.line_ids).filtered(
            lambda line: line.account_id.account_type in ("asset_receivable", "liability_payable")
            and not line.reconciled
        )
        mine = lines.filtered(lambda line: line.move_id == self)
        theirs = lines - mine
        if not mine or not theirs or mine.account_id != theirs.account_id:
            return False
        residual = min(
            abs(sum(mine.mapped("amount_residual_currency"))),
            abs(sum(theirs.mapped("amount_residual_currency"))),
        )
        if self.currency_id.compare_amounts(amount, residual) >= 0:
            (mine | theirs).with_context(no_exchange_difference=False).reconcile()
        else:
            # Part of the credit: a partial of exactly the allocated amount.
            debit, credit = (mine, theirs) if mine[0].balance > 0 else (theirs, mine)
            rate = abs(debit[0].balance / debit[0].amount_currency) if debit[0].amount_currency else 1.0
            self.env["account.partial.reconcile"].sudo().create(
                {
                    "debit_move_id": debit[0].id,
                    "credit_move_id": credit[0].id,
                    "amount": self.company_id.currency_id.round(amount * rate),
                    "debit_amount_currency": amount,
                    "credit_amount_currency": amount,
                }
            )
        record.payment_id = False
        self._message_log(
            body=_(
                "Credit note %(credit)s allocated to this document in Xero (%(amount)s): reconciled in Odoo.",
                credit=credit_note.name,
                amount=formatLang(self.env, amount, currency_obj=self.currency_id),
            )
        )
        return True

    def _xero_create_payment(self, record, amount):
        """An Odoo payment of ``amount`` for Xero's ``record``, reconciled with this document,
        through the Register Payment wizard's own steps (so it behaves like one a user
        registers); Xero's rate is kept for a foreign-currency payment."""
        self.ensure_one()
        tenant = self.xero_tenant_id
        journal = tenant._xero_journal_for(record.xero_account_id)
        if not journal:
            raise UserError(
                _(
                    "No journal for Xero payments in %(org)s: set a default journal on the organisation "
                    "(Xero > Organisations).",
                    org=tenant.name,
                )
            )
        label = {
            "payment": _("Xero payment"),
            "credit_note": _("Xero credit note allocation"),
            "overpayment": _("Xero overpayment allocation"),
            "prepayment": _("Xero prepayment allocation"),
        }[record.kind]
        wizard = (
            self.env["account.payment.register"]
            .sudo()
            .with_context(active_model="account.move", active_ids=self.ids, xero_from_sync=True)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": amount,
                    "currency_id": self.currency_id.id,
                    "payment_date": record.date or fields.Date.context_today(self),
                    "communication": " ".join(filter(None, [label, record.reference or self.name])),
                    "payment_difference_handling": "open",
                }
            )
        )
        batch = wizard.batches[0]
        vals = wizard._create_payment_vals_from_wizard(batch)
        vals.update(xero_payment_id=record.xero_id, xero_tenant_id=tenant.id)
        to_process = [{"create_vals": vals, "to_reconcile": batch["lines"], "batch": batch}]
        payment = wizard._init_payments(to_process, edit_mode=True)
        payment._xero_force_rate(record)
        wizard._post_payments(to_process, edit_mode=True)
        wizard._reconcile_payments(to_process, edit_mode=True)
        payment._message_log(
            body=_("Created from %(what)s %(id)s in %(org)s.", what=label, id=record.xero_id, org=tenant.name)
        )
        return payment


class AccountPayment(models.Model):
    _inherit = "account.payment"

    xero_payment_id = fields.Char("Xero payment id", copy=False, readonly=True, index="btree_not_null")
    xero_tenant_id = fields.Many2one("xero.tenant", "Xero organisation", copy=False, readonly=True)
    xero_payment_ids = fields.One2many("xero.payment", "payment_id", "In Xero", readonly=True)
    xero_deleted_in_xero = fields.Boolean("Deleted in Xero", copy=False, readonly=True)
    xero_error = fields.Text("Xero problem", copy=False, readonly=True)

    _sql_constraints = [
        (
            "xero_payment_unique",
            "unique(xero_tenant_id, xero_payment_id)",
            "This Xero payment is already an Odoo payment.",
        )
    ]

    def _xero_force_rate(self, record):
        """Book a foreign-currency payment at Xero's rate (document currency per base
        currency) when the company's currency is the organisation's base currency."""
        self.ensure_one()
        company_currency = self.company_id.currency_id
        rate = record.currency_rate
        if (
            not self.move_id
            or self.currency_id == company_currency
            or company_currency.name != record.tenant_id.base_currency
            or not rate
            or float_compare(rate, 1.0, precision_digits=6) == 0
        ):
            return
        liquidity, counterpart, _writeoff = self._seek_for_lines()
        balance = company_currency.round(abs(sum(counterpart.mapped("amount_currency"))) / rate)
        debit = (liquidity + counterpart).filtered("debit")[:1]
        credit = (liquidity + counterpart).filtered("credit")[:1]
        if debit and credit:
            self.move_id.write(
                {
                    "line_ids": [
                        Command.update(debit.id, {"debit": balance}),
                        Command.update(credit.id, {"credit": balance}),
                    ]
                }
            )

    # ------------------------------------------------------------------------------------
    # Odoo → Xero
    # ------------------------------------------------------------------------------------
    def _xero_documents(self):
        """{exported document: amount in its currency} this payment pays."""
        self.ensure_one()
        amounts = defaultdict(float)
        for line in self.move_id.line_ids:
            for partial in line.matched_debit_ids:
                amounts[partial.debit_move_id.move_id] += partial.debit_amount_currency
            for partial in line.matched_credit_ids:
                amounts[partial.credit_move_id.move_id] += partial.credit_amount_currency
        if (
            not self.move_id
            and len(self.invoice_ids) == 1
            and self.invoice_ids.currency_id == self.currency_id
        ):
            amounts[self.invoice_ids] += self.amount
        return {
            move: amount for move, amount in amounts.items() if move.move_type in XERO_TYPES and move.xero_id
        }

    def _xero_rate(self, move):
        """Xero's CurrencyRate for this payment on ``move``: units of the document's currency
        per unit of the organisation's base currency, when Odoo books in that base currency."""
        company_currency = self.company_id.currency_id
        if move.currency_id == company_currency or company_currency.name != move.xero_tenant_id.base_currency:
            return None
        if self.currency_id != move.currency_id or not self.move_id:
            return None
        liquidity = self._seek_for_lines()[0]
        balance = abs(sum(liquidity.mapped("balance")))
        amount = abs(sum(liquidity.mapped("amount_currency")))
        return round(amount / balance, 6) if balance else None

    def _xero_push(self):
        """Send these payments to Xero, one Xero payment per exported document they pay,
        exactly once: the Idempotency-Key derives from what is sent (not from the payment's
        id, which a rolled-back Register Payment does not give back), the attempt is recorded
        in a transaction of its own before the call, and a payment whose attempt is on record
        is first looked up in Xero. Problems are logged on the payment with an activity, which
        a later successful try clears; the payment itself stays."""
        XeroPayment = self.env["xero.payment"].sudo()
        for payment in self:
            if payment.xero_payment_id or payment.state not in ("in_process", "paid"):
                continue
            if not payment.company_id.xero_payments_to_xero:
                continue
            problems = []
            for move, amount in payment._xero_documents().items():
                if XeroPayment.search_count([("payment_id", "=", payment.id), ("move_id", "=", move.id)]):
                    continue
                try:
                    problem = payment._xero_push_one(move, amount)
                except UserError as error:
                    problem = str(error)
                if problem:
                    problems.append(problem)
            payment._xero_push_outcome(problems)

    def _xero_push_one(self, move, amount):
        """Send this payment's share ``amount`` of ``move`` to Xero; returns a problem or None."""
        self.ensure_one()
        tenant = move.xero_tenant_id
        if move.xero_status != "AUTHORISED":
            return _(
                "%(doc)s is %(status)s in Xero: Xero takes payments only on documents awaiting payment.",
                doc=move.name,
                status=move.xero_status or "-",
            )
        account = tenant._xero_account_for(self.journal_id)
        if not account:
            return _(
                "Journal %(journal)s has no Xero bank account in %(org)s: map it, or set a default Xero bank "
                "account on the organisation.",
                journal=self.journal_id.name,
                org=tenant.name,
            )
        target = "Invoice" if XERO_TYPES[move.move_type][0] == "Invoices" else "CreditNote"
        id_key = "InvoiceID" if target == "Invoice" else "CreditNoteID"
        body = self._xero_payment_body(move, amount, account)
        rate = body.get("CurrencyRate")
        key = self._xero_payment_key(move, body)
        Attempt = self.env["xero.export.attempt"].sudo()
        element = None
        if Attempt.search_count([("idempotency_key", "=", key)], limit=1):
            element = self._xero_find_payment(move, body)
        if element is None:
            Attempt._record(tenant, self, "Payments", key, [key])
            answer = tenant._xero_call(
                _("sending payment %(payment)s of %(doc)s", payment=self.name, doc=move.name),
                "create_payments",
                body={"Payments": [body]},
                key=key,
                records=move,
            )
            element = (answer.get("Payments") or [{}])[0]
            errors = [e.get("Message") for e in element.get("ValidationErrors") or []]
            if errors or not element.get("PaymentID"):
                return _(
                    "Xero refused the payment of %(doc)s: %(errors)s",
                    doc=move.name,
                    errors="; ".join(filter(None, errors)) or _("no reason given"),
                )
            sent_to = (element.get(target) or {}).get(id_key)
            if sent_to and sent_to != move.xero_id:
                return _(
                    "Xero answered the payment of %(doc)s with a payment of another document: not linked. "
                    "Send to Xero looks it up before sending again.",
                    doc=move.name,
                )
        self._xero_link_sent_payment(move, element, body, account, rate)
        return None

    def _xero_payment_body(self, move, amount, account):
        """Xero's JSON for this payment's share ``amount`` of the exported ``move``, into the
        Xero ``account`` (bank, or one taking payments). Pure: reads, never calls Xero."""
        self.ensure_one()
        target = "Invoice" if XERO_TYPES[move.move_type][0] == "Invoices" else "CreditNote"
        id_key = "InvoiceID" if target == "Invoice" else "CreditNoteID"
        body = {
            target: {id_key: move.xero_id},
            "Account": {"Code": account.code} if account.code else {"AccountID": account.xero_id},
            "Date": fields.Date.to_string(self.date),
            "Amount": move.currency_id.round(amount),
            "Reference": (self.memo or self.name or "")[:255],
        }
        rate = self._xero_rate(move)
        if rate:
            body["CurrencyRate"] = rate
        return body

    def _xero_payment_key(self, move, body):
        """Idempotency-Key from the content sent and how many payments Odoo already sent to Xero
        for this document (deleted ones included): the same payment registered again after a
        rollback gets the same key (Xero replays its first answer), a second genuine payment of
        the same amount, or one registered again after a deletion, another."""
        self.ensure_one()
        earlier = (
            self.env["xero.payment"].sudo().search_count([("move_id", "=", move.id), ("origin", "=", "odoo")])
        )
        return move.xero_tenant_id._xero_key("payment", body, earlier)

    def _xero_find_payment(self, move, body):
        """The Xero payment an earlier attempt of this very payment created, or None: on the
        document in Xero, same date, amount and reference, and no Odoo payment has it yet."""
        self.ensure_one()
        kind = xero_kind(move.move_type)
        endpoint = kind.endpoint
        answer = move.xero_tenant_id._xero_call(
            _("looking up payment %(payment)s in Xero", payment=self.name),
            kind.get_one,
            params={kind.id_arg: move.xero_id},
        )
        document = (answer.get(endpoint) or [{}])[0]
        taken = set(
            self.env["xero.payment"]
            .sudo()
            .search([("move_id", "=", move.id), "|", ("payment_id", "!=", False), ("origin", "=", "odoo")])
            .mapped("xero_id")
        )
        for candidate in document.get("Payments") or []:
            moment = parse_xero_datetime(candidate.get("Date"))
            if (
                candidate.get("PaymentID") not in taken
                and moment
                and fields.Date.to_string(moment.date()) == body["Date"]
                and move.currency_id.compare_amounts(candidate.get("Amount") or 0.0, body["Amount"]) == 0
                and (candidate.get("Reference") or "") == body["Reference"]
            ):
                return dict(candidate, Status=candidate.get("Status") or "AUTHORISED")
        return None

    def _xero_link_sent_payment(self, move, element, body, account, rate):
        self.ensure_one()
        tenant = move.xero_tenant_id
        XeroPayment = self.env["xero.payment"].sudo()
        self.sudo().write(
            {
                "xero_payment_id": self.xero_payment_id or element["PaymentID"],
                "xero_tenant_id": tenant.id,
                "xero_error": False,
            }
        )
        values = {
            "kind": "payment",
            "status": element.get("Status") or "AUTHORISED",
            "payment_type": element.get("PaymentType"),
            "date": self.date,
            "amount": body["Amount"],
            "bank_amount": element.get("BankAmount") or body["Amount"],
            "currency_code": move.currency_id.name,
            "currency_rate": element.get("CurrencyRate") or rate or 1.0,
            "reference": body["Reference"],
            "xero_account_id": account.id,
            "document_xero_id": move.xero_id,
            "document_number": move.xero_number,
            "move_id": move.id,
            "payment_id": self.id,
            "origin": "odoo",
            "sync_state": "done",
        }
        known = XeroPayment.search([("tenant_id", "=", tenant.id), ("xero_id", "=", element["PaymentID"])])
        if known:
            known.write(values)  # the payment sync saw it first
        else:
            XeroPayment.create(dict(values, tenant_id=tenant.id, xero_id=element["PaymentID"]))
        move._xero_state_from_payments()
        self._message_log(
            body=_(
                "Sent to Xero (%(org)s) for %(doc)s: %(amount)s.",
                org=tenant.name,
                doc=move.xero_number or move.name,
                amount=formatLang(self.env, body["Amount"], currency_obj=move.currency_id),
            )
        )

    def _xero_push_outcome(self, problems):
        """Problems on the payment (logged: a user without email still sees them) with one
        activity; a try without problems clears both."""
        self.ensure_one()
        summary = _("Payment not sent to Xero")
        activities = self.activity_ids.filtered(lambda a: a.summary == summary)
        if not problems:
            if self.xero_error or activities:
                self.sudo().xero_error = False
                activities.sudo().unlink()
            return
        message = "\n".join(problems)
        self.sudo().xero_error = message
        self._message_log(body=_("Not sent to Xero: %s", message))
        if not activities:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                summary=summary,
                note=message,
                user_id=self.env.user.id,
            )

    def action_xero_send(self):
        self.env["xero.access"]._xero_check_access("user", self)
        self._xero_push()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------------------------------
    # Removing a payment that Xero has
    # ------------------------------------------------------------------------------------
    def _xero_flag_removed(self, action):
        """The payment is in Xero too: say so on the documents and plan its removal in Xero,
        which Odoo does not do by itself."""
        for payment in self.filtered(lambda p: p.xero_payment_id and not p.xero_deleted_in_xero):
            records = payment.sudo().xero_payment_ids
            moves = records.move_id
            message = _(
                "Payment %(payment)s was %(action)s in Odoo but is still in Xero (%(org)s, %(ids)s): delete it "
                "in Xero if the money did not move.",
                payment=payment.name,
                action=action,
                org=payment.xero_tenant_id.name,
                ids=", ".join(records.mapped("xero_id") or [payment.xero_payment_id]),
            )
            payment.message_post(body=message)
            for move in moves:
                move.sudo().xero_payment_alert = "\n".join(filter(None, [move.xero_payment_alert, message]))
                move.message_post(body=message)
                move.activity_schedule(
                    "mail.mail_activity_data_warning",
                    summary=_("Delete the payment in Xero"),
                    note=message,
                    user_id=(move.invoice_user_id or self.env.user).id,
                )

    def action_cancel(self):
        self._xero_flag_removed(_("cancelled"))
        return super().action_cancel()

    def action_draft(self):
        self._xero_flag_removed(_("reset to draft"))
        return super().action_draft()

    @api.ondelete(at_uninstall=False)
    def _unlink_xero_flag(self):
        self._xero_flag_removed(_("deleted"))


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        payments = super()._create_payments()
        if not self.env.context.get("xero_from_sync"):
            payments._xero_push()
        return payments
