"""Payments Odoo → Xero, on ``account.payment``: a payment registered on an exported
document is PUT to /Payments against the Xero account of its journal, exactly once; one
removed in Odoo while Xero still has it is flagged on its documents. A payment's Xero link
(Xero payment id, organisation, deleted-in-Xero flag, problem) is written only by the payment
sync and the push, never by a user."""

from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang

from ..const import XERO_TYPES
from ..utils import clear_problem, flag_problem, parse_xero_datetime, validation_messages, xero_kind
from .xero_document_mixin import xero_check_link_write


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

    @api.model_create_multi
    def create(self, vals_list):
        xero_check_link_write(self, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        xero_check_link_write(self, [vals])
        return super().write(vals)

    def _xero_write_fields(self, values):
        """**The** write-back of a payment's Xero link fields (sent, refused, deleted in Xero),
        whoever registered the payment: users may not write them (``xero_check_link_write``)."""
        self.sudo().write(values)

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
        XeroPayment = self.env["xero.payment"]._store()
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
        account = self.env["xero.journal.map"]._xero_account_for(tenant, self.journal_id)
        if not account:
            return _(
                "Journal %(journal)s has no Xero bank account in %(org)s: map it, or set a default Xero bank "
                "account on the organisation.",
                journal=self.journal_id.name,
                org=tenant.name,
            )
        kind = xero_kind(move.move_type)
        body = self._xero_payment_body(move, amount, account)
        rate = body.get("CurrencyRate")
        key = self._xero_payment_key(move, body)
        Sender = self.env["xero.sender"]
        element = None
        # A payment in doubt is looked up whatever the document's status: the payment its
        # lost answer created may be the one that settled it.
        if Sender._xero_in_doubt(self, key=key):
            element = self._xero_find_payment(move, body)
        if element is None:
            move._xero_read_status_before_payment()
            if move.xero_status != "AUTHORISED":
                return _(
                    "%(doc)s is %(status)s in Xero: Xero takes payments only on documents awaiting payment. Approve it "
                    "in Xero, then press Send to Xero on the payment; to send documents approved, set Status in Xero to "
                    "AUTHORISED in Settings > Xero.",
                    doc=move.name,
                    status=move.xero_status or "-",
                )
            answer = Sender._xero_send(
                tenant,
                _("sending payment %(payment)s of %(doc)s", payment=self.name, doc=move.name),
                "create_payments",
                {"Payments": [body]},
                self,
                key,
                endpoint="Payments",
                fingerprints=[key],
            )
            element = (answer.get("Payments") or [{}])[0]
            errors = validation_messages(element)
            if errors or not element.get("PaymentID"):
                return _(
                    "Xero refused the payment of %(doc)s: %(errors)s",
                    doc=move.name,
                    errors="; ".join(filter(None, errors)) or _("no reason given"),
                )
            sent_to = (element.get(_payment_target(kind)) or {}).get(kind.id_key)
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
        kind = xero_kind(move.move_type)
        body = {
            _payment_target(kind): {kind.id_key: move.xero_id},
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
            self.env["xero.payment"]
            ._store()
            .search_count([("move_id", "=", move.id), ("origin", "=", "odoo")])
        )
        return move.xero_tenant_id._xero_key("payment", body, earlier)

    def _xero_find_payment(self, move, body):
        """The Xero payment an earlier attempt of this very payment created, or None: on the
        document in Xero, same date, amount and reference, and no Odoo payment has it yet."""
        self.ensure_one()
        answer = self.env["xero.reader"]._xero_read(
            move, operation=_("looking up payment %(payment)s in Xero", payment=self.name)
        )[move]
        if answer.unknown:
            raise UserError(answer.message)
        document = answer.element or {}
        taken = set(
            self.env["xero.payment"]
            ._store()
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

    @api.model
    def _xero_claim_in_doubt(self, move, records):
        """Xero payments of ``move`` the sync just read (``records``: xero.payment, not yet
        Odoo's) that an Odoo payment in doubt sent (its answer lost, or its process killed):
        linked to that payment, whatever the document's status, instead of being brought into
        Odoo a second time. Returns the records claimed."""
        claimed = self.env["xero.payment"]
        payments = move._get_reconciled_payments().filtered(
            lambda p: not p.xero_payment_id and p.company_id.xero_payments_to_xero
        )
        Sender = self.env["xero.sender"]
        for payment in payments:
            account = self.env["xero.journal.map"]._xero_account_for(move.xero_tenant_id, payment.journal_id)
            amount = payment._xero_documents().get(move)
            if not account or not amount:
                continue
            body = payment._xero_payment_body(move, amount, account)
            if not Sender._xero_in_doubt(payment, key=payment._xero_payment_key(move, body)):
                continue
            for record in records - claimed:
                if (
                    fields.Date.to_string(record.date) == body["Date"]
                    and move.currency_id.compare_amounts(record.amount, body["Amount"]) == 0
                    and (record.reference or "") == body["Reference"]
                ):
                    element = {
                        "PaymentID": record.xero_id,
                        "Status": record.status,
                        "BankAmount": record.bank_amount,
                    }
                    payment._xero_link_sent_payment(move, element, body, account, body.get("CurrencyRate"))
                    payment._xero_push_outcome([])
                    claimed |= record
                    break
        return claimed

    def _xero_link_sent_payment(self, move, element, body, account, rate):
        self.ensure_one()
        tenant = move.xero_tenant_id
        XeroPayment = self.env["xero.payment"]._store()
        self._xero_write_fields(
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
        if not problems:
            if self.xero_error:
                self._xero_write_fields({"xero_error": False})
            clear_problem(self, summary)
            return
        message = "\n".join(problems)
        self._xero_write_fields({"xero_error": message})
        flag_problem(self, summary, _("Not sent to Xero: %s", message))

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
            records = self.env["xero.payment"]._store().search([("payment_id", "=", payment.id)])
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
                move._xero_add_payment_alert(message, _("Delete the payment in Xero"))

    def action_cancel(self):
        self._xero_flag_removed(_("cancelled"))
        return super().action_cancel()

    def action_draft(self):
        self._xero_flag_removed(_("reset to draft"))
        return super().action_draft()

    @api.ondelete(at_uninstall=False)
    def _unlink_xero_flag(self):
        self._xero_flag_removed(_("deleted"))


def _payment_target(kind):
    """The key of the document a Xero payment pays: ``Invoice`` or ``CreditNote``."""
    return "Invoice" if kind.endpoint == "Invoices" else "CreditNote"
