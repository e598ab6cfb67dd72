"""Payments of exported documents, Xero → Odoo, on ``account.move``: Xero's state of the
document (status, paid, credited, due) and, for each Xero payment or allocation not yet in
Odoo, an Odoo payment reconciled with the document in the journal of its Xero bank account,
for at most Xero's paid sum minus Odoo's (MRPeasy's rule: what Odoo already has is never
counted twice). A credit note allocated in Xero to an invoice, both Odoo's, is reconciled
instead. A payment deleted on either side is flagged; nothing is undone by itself."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, formatLang

from ..const import XERO_TYPES
from ..utils import MENU_ORGANISATIONS, answer, flag_problem, menu_path, xero_status_word

XERO_DOCUMENT_STATES = [
    ("draft", "Draft in Xero"),
    ("awaiting", "Awaiting payment in Xero"),
    ("partial", "Partly paid in Xero"),
    ("paid", "Paid in Xero"),
    ("voided", "Voided in Xero"),
    ("deleted", "Deleted in Xero"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

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
    # A count for invoicing users too (the smart button), of a model only Xero users read.
    xero_payment_count = fields.Integer(compute="_compute_xero_payment_count", compute_sudo=True)

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
            self.env["xero.payment"]._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
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
        XeroPayment = self.env["xero.payment"]._xero_check_payment_sync(exported.xero_tenant_id)
        if not exported:
            raise UserError(_("Only documents exported to Xero have payments there."))
        for tenant, moves in exported.grouped("xero_tenant_id").items():
            XeroPayment._xero_sync_payments(
                tenant,
                invoice_ids=moves.filtered(lambda m: m.move_type in ("out_invoice", "in_invoice")).mapped(
                    "xero_id"
                ),
            )
        return answer(self.env, exported._xero_payments_sentence())

    def _xero_payments_sentence(self):
        """What *Update from Xero* found, in one sentence: one document's paid and due amounts
        in Xero, or how many documents were read."""
        if len(self) > 1:
            return _("%(count)s documents updated from Xero.", count=len(self))
        self.invalidate_recordset()
        return _(
            "%(doc)s in Xero: %(status)s, paid %(paid)s, due %(due)s.",
            doc=self.name,
            status=xero_status_word(self.env, self.xero_status),
            paid=formatLang(self.env, self.xero_amount_paid, currency_obj=self.currency_id),
            due=formatLang(self.env, self.xero_amount_due, currency_obj=self.currency_id),
        )

    def action_xero_clear_payment_alert(self):
        self._check_xero_user(self)
        self.check_access("write")
        self._xero_write_fields({"xero_payment_alert": False})

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
            flag_problem(self, _("Voided or deleted in Xero"), message, self.invoice_user_id)

    def _xero_read_status_before_payment(self):
        """Before a payment goes to Xero: Odoo's copy of the document's status is what Xero said
        at export or at the last sync, and a Xero user may have approved the document since. A
        status that would stop the payment is asked of Xero again (one call), so the payment
        goes as soon as Xero takes it."""
        self.ensure_one()
        if self.xero_status == "AUTHORISED" or not (self.xero_id and self.xero_tenant_id):
            return
        operation = _("reading the status of %(doc)s", doc=self.name)
        found = self.env["xero.reader"]._xero_read(self, operation)[self]
        if found.unknown:  # the payment waits: Xero could not say whether the document takes it
            raise UserError(found.message)
        if found.element:
            self._xero_update_state(found.element)

    def _xero_add_payment_alert(self, message, summary):
        """A payment problem Odoo cannot settle by itself (deleted on one side, still on the
        other): added to the document's payment alert and flagged with an activity."""
        self.ensure_one()
        self._xero_write_fields(
            {"xero_payment_alert": "\n".join(filter(None, [self.xero_payment_alert, message]))}
        )
        flag_problem(self, summary, message, self.invoice_user_id)

    def _xero_state_from_payments(self):
        """AmountPaid, AmountDue and PAID follow from Xero's payments Odoo holds, for the
        documents whose payments changed but which Xero was not asked about."""
        XeroPayment = self.env["xero.payment"]._store()
        for move in self:
            records = XeroPayment.search([("move_id", "=", move.id), ("status", "!=", "DELETED")])
            paid = sum(records.filtered(lambda p: p.kind == "payment").mapped("amount"))
            credited = sum(records.filtered(lambda p: p.kind != "payment").mapped("amount"))
            due = max((move.xero_total or 0.0) - paid - credited, 0.0)
            status = move.xero_status
            # PAID only follows from money Xero holds: a zero total alone is not a payment.
            held = not float_is_zero(paid + credited, precision_digits=2)
            if status in ("DRAFT", "SUBMITTED") and held:
                # Xero takes money only on approved documents: approved there since Odoo last looked.
                status = "AUTHORISED"
            if status == "AUTHORISED" and float_is_zero(due, precision_digits=2) and held:
                status = "PAID"
            elif status == "PAID" and not float_is_zero(due, precision_digits=2):
                status = "AUTHORISED"
            move._xero_write_fields(
                {
                    "xero_amount_paid": paid,
                    "xero_amount_credited": credited,
                    "xero_amount_due": due,
                    "xero_status": status,
                    "xero_checked_at": fields.Datetime.now(),
                }
            )
        self._xero_recheck_difference()

    # ------------------------------------------------------------------------------------
    # Xero → Odoo
    # ------------------------------------------------------------------------------------
    def _xero_apply_payments(self, stats=None):
        """Turn the Xero payments and allocations of these documents that Odoo does not have
        into Odoo payments, oldest first, each for at most Xero's paid sum minus Odoo's."""
        stats = stats if stats is not None else {"created": 0}
        XeroPayment = self.env["xero.payment"]._store()
        self._xero_state_from_payments()
        for move in self.filtered(lambda m: m.move_type in XERO_TYPES):
            if not move.company_id.xero_payments_from_xero or move.state != "posted":
                continue
            records = XeroPayment.search(
                [("move_id", "=", move.id), ("status", "!=", "DELETED")], order="date, id"
            )
            pending = records.filtered(lambda p: p.sync_state == "pending")
            if pending:  # those an Odoo payment in doubt sent are that payment's
                pending -= self.env["account.payment"]._xero_claim_in_doubt(move, pending)
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
        self._xero_recheck_difference()
        return stats

    def _xero_reconcile_credit_note(self, record, amount):
        """A credit note allocated to this document in Xero: when that credit note is an Odoo
        document, reconcile the two in Odoo (for ``amount``) instead of inventing a payment.
        Returns False when the credit note is not Odoo's (a payment is then created)."""
        self.ensure_one()
        credit_note = (
            self.env["account.move"].search(
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
            self.env["account.partial.reconcile"].create(
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
        journal = self.env["xero.journal.map"]._xero_journal_for(tenant, record.xero_account_id)
        if not journal:
            raise UserError(
                _(
                    "No journal for Xero payments in %(org)s: set a default journal on the organisation "
                    "(%(menu)s).",
                    org=tenant.name,
                    menu=menu_path(self.env, MENU_ORGANISATIONS),
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
        to_process = [{"create_vals": vals, "to_reconcile": batch["lines"], "batch": batch}]
        payment = wizard._init_payments(to_process, edit_mode=True)
        payment._xero_write_fields({"xero_payment_id": record.xero_id, "xero_tenant_id": tenant.id})
        payment._xero_force_rate(record)
        wizard._post_payments(to_process, edit_mode=True)
        wizard._reconcile_payments(to_process, edit_mode=True)
        payment._message_log(
            body=_("Created from %(what)s %(id)s in %(org)s.", what=label, id=record.xero_id, org=tenant.name)
        )
        return payment
