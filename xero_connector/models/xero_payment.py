"""What Odoo knows of the money Xero moved: payments, and allocations of credit notes,
overpayments and prepayments to invoices.

Stored rather than read from ``account.payment`` because most of it has no Odoo payment:
payments on documents never exported from Odoo, payments Odoo already had (MRPeasy's
"difference of the paid sums" rule leaves them uncreated), deleted payments kept as history,
and M-Power's "Get Xero payments" for reports, which wants Xero's figures per organisation,
bank account and date whatever Odoo did with them."""

from odoo import _, api, fields, models

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
                for m in self.env["account.move"]
                .sudo()
                .search(
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
        move.sudo().write({"xero_payment_alert": "\n".join(filter(None, [move.xero_payment_alert, message]))})
        move.message_post(body=message)
        move.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=_("Payment deleted in Xero"),
            note=message,
            user_id=(move.invoice_user_id or self.env.user).id,
        )
        if self.payment_id:
            self.payment_id.sudo().xero_deleted_in_xero = True
            self.payment_id.message_post(body=message)
        return 1


class XeroJournalMap(models.Model):
    """A Xero bank account ↔ an Odoo bank or cash journal, per organisation: Xero payments
    into that account land in that journal, and Odoo payments from that journal go to that
    account."""

    _name = "xero.journal.map"
    _description = "Xero bank account ↔ Odoo journal"

    tenant_id = fields.Many2one("xero.tenant", "Organisation", required=True, ondelete="cascade", index=True)
    xero_account_id = fields.Many2one(
        "xero.account",
        "Xero bank account",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id), '|', ('is_bank', '=', True), ('enable_payments_to_account', '=', True)]",
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Odoo journal",
        required=True,
        ondelete="cascade",
        domain="[('type', 'in', ('bank', 'cash'))]",
    )

    _sql_constraints = [
        ("account_unique", "unique(tenant_id, xero_account_id)", "This Xero account is mapped already."),
        ("journal_unique", "unique(tenant_id, journal_id)", "This journal is mapped already."),
    ]


class XeroWebhookEvent(models.Model):
    """Work a signed webhook delivery asked for: an invoice or contact to look at again.
    The controller only inserts these rows and triggers the cron, so it answers within
    Xero's 5 seconds whatever the queue holds."""

    _name = "xero.webhook.event"
    _description = "Xero webhook event (queued)"
    _order = "id"

    tenant_id = fields.Many2one("xero.tenant", required=True, ondelete="cascade", index=True)
    category = fields.Char(required=True)
    event_type = fields.Char()
    resource_id = fields.Char(required=True)
    event_date = fields.Char()
    state = fields.Selection([("queued", "Queued"), ("done", "Done")], default="queued", index=True)


class XeroWebhookDelivery(models.Model):
    """Fingerprints of signed bodies already received: a replayed delivery queues nothing."""

    _name = "xero.webhook.delivery"
    _description = "Xero webhook delivery"

    digest = fields.Char(required=True, index=True)
    event_count = fields.Integer()

    _sql_constraints = [("digest_unique", "unique(digest)", "Delivery already received.")]

    @api.autovacuum
    def _gc_old_deliveries(self):
        self.search([("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=30))]).unlink()
        self.env["xero.webhook.event"].search(
            [
                ("state", "=", "done"),
                ("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=7)),
            ]
        ).unlink()
