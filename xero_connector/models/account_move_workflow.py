"""What happens around an export (M-Power's "Update Status" and payment URL, OpenCRM's
"buttons shown only while the integration is on and connected"):

- documents posted join the export queue when the company exports automatically; exported
  documents are locked (no reset to draft, no cancel) and, if the company asks, not emailed
  before they are in Xero;
- after export: the online payment link, the credit note's allocation to its invoice and the
  PDF attached in Xero, per the company's settings;

- the company chooses what marks an invoice as sent once it is in Xero: nothing, "sent", or
  the invoice email itself;
- Xero's online payment link, fetched after export when the company asks for it, is printed
  on the invoice PDF and offered in the invoice email;
- Xero buttons show only while the company has a connected organisation.
"""

import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import XERO_TYPES
from ..utils import xero_kind

# What an exported document's lock holds: its state, and everything that makes its amounts.
LOCKED_MOVE_FIELDS = frozenset(
    {"state", "line_ids", "invoice_line_ids", "currency_id", "move_type", "partner_id", "invoice_date"}
)


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_followup_pending = fields.Boolean(
        "Xero follow-up pending",
        copy=False,
        readonly=True,
        help="A step after the export (the credit note's allocation, the PDF) did not go through: the "
        "export queue's next run tries it again, once Xero's copy has been read.",
    )
    xero_company_connected = fields.Boolean(
        "Xero connected",
        compute="_compute_xero_company_connected",
        compute_sudo=True,  # for invoicing users, who may not read logins or organisations (a bool)
        help="The document's company has a Xero organisation reachable through a connected Xero login.",
    )

    @api.depends("company_id.xero_tenant_id", "xero_tenant_id")
    def _compute_xero_company_connected(self):
        tenants = self.xero_tenant_id | self.company_id.xero_tenant_id
        connected = {
            tenant.id
            for tenant in tenants
            if tenant.connection_id.state == "connected"
            or self.env["xero.connection"].search_count(
                [("tenant_ids", "in", tenant.ids), ("state", "=", "connected")], limit=1
            )
        }
        for move in self:
            tenant = move.xero_tenant_id or move.company_id.xero_tenant_id
            move.xero_company_connected = bool(move.xero_id) or tenant.id in connected

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
            queued._xero_wake_queue()
        return posted

    def write(self, vals):
        """The lock holds against any write, not only the buttons: an exported document's
        state and lines change only once its exported status is cleared (or the company
        unlocks exported documents)."""
        changing = LOCKED_MOVE_FIELDS.intersection(vals)
        if changing:
            # Posting again is no change: what Xero holds is what is posted.
            moved = self.filtered(
                lambda m: any(key != "state" or vals["state"] not in (m.state, "posted") for key in changing)
            )
            moved._check_xero_locked(_("changed"))
        return super().write(vals)

    def _xero_locked(self):
        """Those of these documents whose state and amounts the export lock holds."""
        return self.filtered(lambda m: m.xero_id and m.company_id.xero_lock_exported)

    def _check_xero_locked(self, action):
        locked = self._xero_locked()
        if locked:
            raise UserError(
                _(
                    "%(docs)s was exported to Xero, so it cannot be %(action)s. Correct it in Xero (credit note "
                    "or void), or clear its exported status first (Clear exported status on its Xero tab).",
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

    def action_xero_export_all_from_list(self):
        """The list's *Export all to Xero* button: the selected rows, else what the list shows
        (the web client passes its domain as ``active_domain``), counted and named for a
        confirmation before anything is sent."""
        return self.env["xero.export.all.wizard"]._action_open(self, self.env.context.get("active_domain"))

    # ------------------------------------------------------------------------------------
    # After export
    # ------------------------------------------------------------------------------------
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
                move._message_log(
                    body=_(
                        "Exported, but a follow-up step did not go through (%s). The export queue tries it "
                        "again after reading Xero's copy.",
                        error,
                    )
                )
                if not move.xero_followup_pending:
                    move._xero_write_fields({"xero_followup_pending": True})
            else:
                if move.xero_followup_pending:
                    move._xero_write_fields({"xero_followup_pending": False})
        sales = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund") and m.xero_id)
        to_mark = sales.filtered(lambda m: m.company_id.xero_update_status == "sent" and not m.is_move_sent)
        if to_mark:
            to_mark._xero_write_fields({"is_move_sent": True})
        to_email = sales.filtered(
            lambda m: m.company_id.xero_update_status == "email" and not m.is_move_sent and m.partner_id.email
        )
        for move in to_email:
            try:
                with self.env.cr.savepoint():
                    self.env["account.move.send"]._generate_and_send_invoices(
                        move, allow_raising=True, sending_methods={"email"}
                    )
            except (UserError, ValidationError) as error:  # the export stands; the email is sent by hand
                move.message_post(body=_("In Xero, but the invoice email could not be sent: %s", error))

    @api.model
    def _cron_xero_export_queue(self, limit=None):
        super()._cron_xero_export_queue(limit=limit)
        self._xero_retry_followups(limit=limit or 500)  # reads 50 documents a call
        return True

    @api.model
    def _xero_retry_followups(self, limit=500):
        """The follow-up steps that did not go through: each document's copy is read through
        the reader first (an allocation whose answer was lost shows in the credit note's
        remaining credit), then the steps still due are sent; *unknown* leaves them pending."""
        pending = self.search([("xero_followup_pending", "=", True), ("xero_id", "!=", False)], limit=limit)
        answers = self.env["xero.reader"]._xero_read(
            pending, _("reading documents before their follow-up steps")
        )
        for move, found in answers.items():
            if found.unknown:
                continue
            if found.gone:
                move._xero_write_fields({"xero_followup_pending": False})
                continue
            element = found.element
            move._xero_write_fields(
                {
                    "xero_status": element.get("Status"),
                    "xero_amount_due": element.get("AmountDue", element.get("RemainingCredit")) or 0.0,
                }
            )
            move._xero_after_export(move.xero_tenant_id)

    def _xero_allocation(self):
        """Xero's JSON allocating this exported credit note to the exported invoice it reverses
        (at most what Xero still has due on it), or None when there is nothing to allocate.
        Pure: reads, never calls Xero."""
        self.ensure_one()
        origin = self.reversed_entry_id
        if not (origin.xero_id and self.xero_status == "AUTHORISED" and origin.xero_status == "AUTHORISED"):
            return None
        # What Xero still has to allocate (an allocation whose answer was lost used it up).
        amount = min(self.xero_amount_due, origin.xero_amount_due or origin.amount_residual)
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
        self.env["xero.sender"]._xero_send(
            tenant,
            _("allocating %(doc)s to %(origin)s", doc=self.name, origin=origin.name),
            "create_credit_note_allocation",
            {"Allocations": [allocation]},
            self | origin,
            tenant._xero_key("allocation", self.xero_id, origin.xero_id),
            params={"credit_note_id": self.xero_id},
        )
        self._xero_allocated(origin, allocation["Amount"])

    def _xero_allocated(self, origin, amount):
        """Xero took the allocation: what it has left to allocate, and a note."""
        self._xero_write_fields({"xero_amount_due": max(self.xero_amount_due - amount, 0.0)})
        self._message_log(body=_("Allocated in Xero to %s.", origin.name))

    def _xero_attach_pdf(self, tenant):
        content, _type = self.env["ir.actions.report"]._render("account.account_invoices", self.ids)
        filename = (self.name or "invoice").replace("/", "-") + ".pdf"
        kind = xero_kind(self.move_type)
        self.env["xero.sender"]._xero_send(
            tenant,
            _("attaching the PDF of %(doc)s", doc=self.name),
            f"create_{kind.id_arg[:-3]}_attachment_by_file_name",
            content,
            self,
            tenant._xero_key("pdf", self.xero_id, hashlib.sha256(content).hexdigest()),
            params={kind.id_arg: self.xero_id, "file_name": filename},
        )
        self._xero_attached(filename)

    def _xero_attached(self, filename):
        self._message_log(body=_("%s attached in Xero.", filename))

    def _xero_payment_link(self):
        """Xero's online payment link when the company shows it, else False."""
        self.ensure_one()
        if self.company_id.xero_fetch_online_invoice and self.move_type == "out_invoice":
            return self.xero_online_url or False
        return False
