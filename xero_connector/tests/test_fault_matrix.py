"""The fault matrix: every kind of write to Xero × every fault the sandbox can inject.

Each cell starts one write under a fault, then runs the next cron and one user action (the
button a user presses next), and checks what a user would: exactly one live copy in Xero,
linked in Odoo; nothing says gone unless Xero said so; nothing says "not sent" while Xero
holds it. The rows are the kinds (how to make one, send it, find its copies in Xero), the
columns the faults; the matrix that ran is printed at the end of the class."""

import traceback
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_journals import XeroJournalsCase
from .test_payments import XeroPaymentCase
from .test_purchase_order_export import XeroPurchaseOrderCase

GONE = ("DELETED", "VOIDED")
DAY_AND_A_BIT = 25 * 3600


class _Killed(Exception):
    """The Odoo process died: nothing of its transaction is kept but the attempt, which the
    sender commits in a transaction of its own before the call."""


@dataclass
class Kind:
    """A row of the matrix: one kind of write to Xero."""

    name: str
    put: str  # the path of the write (a regex of the sandbox's fault matcher)
    lookup: str  # the path of the lookup of an element in doubt
    write_back: tuple  # (model, method) writing Xero's answer into Odoo
    method: str = "PUT"  # the write's HTTP method
    attempts: bool = True  # the write records an attempt (creations); else its key and the reader guard it


KINDS = [
    Kind("invoice", "/Invoices$", "/Invoices", ("account.move", "_xero_write_back")),
    Kind("bill", "/Invoices$", "/Invoices", ("account.move", "_xero_write_back")),
    Kind("purchase order", "/PurchaseOrders$", "/PurchaseOrders", ("purchase.order", "_xero_write_back")),
    Kind("order as bill", "/Invoices$", "/Invoices", ("purchase.order", "_xero_write_back")),
    Kind("payment", "/Payments$", "/Invoices/", ("account.payment", "_xero_link_sent_payment")),
    Kind("contact", "/Contacts$", "/Contacts", ("res.partner", "_xero_write_back")),
    Kind("item", "/Items$", "/Items", ("product.template", "_xero_link_items")),
    Kind(
        "manual journal", "/ManualJournals$", "/ManualJournals", ("xero.manual.journal", "_xero_write_back")
    ),
    Kind(
        "allocation",
        "/CreditNotes/[^/]+/Allocations$",
        "/CreditNotes/",
        ("account.move", "_xero_allocated"),
        attempts=False,
    ),
    Kind("attachment", "/Attachments/", "/Invoices/", ("account.move", "_xero_attached"), attempts=False),
    Kind(
        "deletion",
        "/PurchaseOrders/[^/]+$",
        "/PurchaseOrders/",
        ("purchase.order", "_xero_apply_xero_state"),
        method="POST",
        attempts=False,
    ),
]
DOCUMENTS = ("invoice", "bill", "purchase order", "order as bill")
FOLLOW_UPS = ("allocation", "attachment", "deletion")
FAULTS = [
    "answers lost",
    "lost, 25 h later",
    "503 on lookup",
    "404 on lookup",
    "Retry-After 1 h",
    "token expired",
    "killed after accept",
]


class FaultMatrix:
    """The matrix's columns and its report, for any class that says how its kinds are made,
    sent, run by their cron and found in Xero (``make``, ``send``, ``cron``, ``live``,
    ``check``)."""

    matrix = {}  # (kind, fault) → ok / FAIL, over every class of the matrix

    @classmethod
    def tearDownClass(cls):
        if cls.matrix:
            width = max(len(f) for f in FAULTS)
            lines = ["", "Fault matrix (kinds × faults): ok = one live copy in Xero, linked in Odoo"]
            lines.append(" " * 16 + " | ".join(f.ljust(width) for f in FAULTS))
            for kind in KINDS:
                cells = [cls.matrix.get((kind.name, fault), "-").ljust(width) for fault in FAULTS]
                lines.append(kind.name.ljust(16) + " | ".join(cells))
            print("\n".join(lines))
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.sandbox.set_limits(day=1_000_000)
        self.addCleanup(self.sandbox.set_limits, day=None)
        started = self.sandbox.now()
        real = fields.Datetime.now()
        # The 25-hours cells move Xero's clock: back to where it would be now, afterwards.
        self.addCleanup(
            lambda: self.sandbox.set_clock(started + (fields.Datetime.now() - real).total_seconds())
        )

    # ------------------------------------------------------------------------- the columns
    def lost(self, kind, batch=1):
        """Sent with every answer lost: Xero has it, Odoo does not know. ``batch`` documents
        at once go through the export queue (its cron sends them), one through the button."""
        records = [self.make(kind) for _n in range(batch)]
        self.sandbox.add_fault("lost_response", method=kind.method, path=kind.put, count=10)
        if batch > 1:
            queued = records[0].browse([r.id for r in records])
            queued._xero_write_fields({"xero_export_state": "queued"})
            self.cron(kind)
        else:
            self.send(kind, records[0])
        self.sandbox.clear_faults()
        return records

    def run_fault(self, kind, fault):
        if fault == "answers lost":
            records = self.lost(kind)
        elif fault == "lost, 25 h later":
            # a batch through the queue, for the documents (three bills, as Xero lost them)
            records = self.lost(kind, batch=3 if kind.name in DOCUMENTS else 1)
            self.sandbox.advance(DAY_AND_A_BIT)  # Xero has forgotten the Idempotency-Keys
        elif fault in ("503 on lookup", "404 on lookup"):
            records = self.lost(kind)
            self.sandbox.add_fault(fault[:3], method="GET", path=kind.lookup, count=20)
            self.cron(kind)
            self.send(kind, records[0])
            self.not_sent_again(kind, records[0], fault)
            self.sandbox.clear_faults()
        elif fault == "Retry-After 1 h":
            records = [self.make(kind)]
            self.sandbox.add_fault("429", method=kind.method, path=kind.put, retry_after=3600, problem="day")
            self.send(kind, records[0])
            self.sandbox.clear_faults()
            with freeze_time(fields.Datetime.now() + timedelta(hours=1, minutes=1)):
                self.cron(kind)
                self.send(kind, records[0])
            self.env.cr.cache.pop("xero_refreshed_tokens", None)  # no frozen datetimes kept
            self.env.invalidate_all()
            self.check(kind, records[0], fault)
            return
        elif fault == "token expired":
            records = [self.make(kind)]
            self.sandbox.add_fault("expired_token", method=kind.method, path=kind.put)
            self.send(kind, records[0])
        else:
            records = [self.make(kind)]
            with self.killed_after_accept(*kind.write_back, attempted=kind.attempts):
                self.send(kind, records[0])
        self.cron(kind)
        for record in records:
            self.send(kind, record)
        for record in records:
            self.check(kind, record, fault)
        if fault == "503 on lookup":
            self.outage_is_not_gone(kind, records[0])

    def outage_is_not_gone(self, kind, record):
        """Linked now; Xero answers 503 to every read of it: Clear exported status (even told
        by the caller that Xero voided it), Update from Xero and Cancel change nothing."""
        if kind.name not in DOCUMENTS:
            return
        self.sandbox.add_fault("503", method="GET", path=f"/{record.xero_id}", count=100)
        order = kind.name in ("purchase order", "order as bill")
        user = self.buyer if order else self.xero_user
        field = "purchase_order_id" if order else "move_id"
        wizard = (
            self.env["xero.clear.exported.wizard"]
            .with_user(user)
            .create({field: record.id, "gone_in_xero": True, "xero_status": "VOIDED"})
        )
        self.assertFalse(wizard.gone_in_xero, f"{kind.name}: an outage is not Xero saying VOIDED")
        with self.assertRaises(UserError):
            wizard.action_clear()
        self.assertTrue(record.xero_id, f"{kind.name}: cleared during an outage")
        if order:
            with self.assertRaisesRegex(UserError, "could not be asked"):
                record.with_user(self.buyer).action_xero_refresh()
            self.assertNotIn(record.xero_status, GONE, f"{kind.name}: an outage read as deleted")
            with self.assertRaisesRegex(UserError, "could not be asked"), self.env.cr.savepoint():
                record.button_cancel()
            self.assertNotEqual(record.state, "cancel", f"{kind.name}: cancelled while live in Xero")
        self.sandbox.clear_faults()

    @contextmanager
    def killed_after_accept(self, model, method, attempted=True):
        """Xero accepted the write, then the Odoo process died before writing Xero's answer
        back: the transaction is gone, except the attempt committed before the call."""
        Attempt = type(self.env["xero.export.attempt"])
        recorded = []
        record_attempt = Attempt._record

        def record(attempts, *args, **kwargs):
            ids = record_attempt(attempts, *args, **kwargs)
            fields_ = ["tenant_id", "res_model", "res_id", "endpoint", "idempotency_key", "fingerprint"]
            recorded.extend(attempts.sudo().browse(ids).read(fields_, load=None))
            return ids

        def die(*_args, **_kwargs):
            raise _Killed()

        with patch.object(Attempt, "_record", record), patch.object(type(self.env[model]), method, die):
            try:
                with self.env.cr.savepoint():
                    yield
            except _Killed:
                pass
        # contacts keep their key on the binding; follow-ups and deletions are guarded by their key and the reader
        self.assertTrue(recorded or model == "res.partner" or not attempted, "the write was attempted")
        self.env["xero.export.attempt"].sudo().create(
            [{k: v for k, v in r.items() if k != "id"} for r in recorded]
        )
        self.env.invalidate_all()

    def run_row(self, kind):
        failures = []
        for fault in FAULTS:
            self.sandbox.new_minute()
            try:
                with self.env.cr.savepoint():
                    self.run_fault(kind, fault)
                self.matrix.setdefault((kind.name, fault), "ok")
            except Exception as error:
                self.matrix[kind.name, fault] = "FAIL"
                failures.append(f"{fault}: {type(error).__name__}: {error}\n{traceback.format_exc(limit=-4)}")
            finally:
                self.sandbox.clear_faults()
        self.assertFalse(failures, "\n".join(failures))


@tagged("post_install", "-at_install")
class TestFaultMatrix(FaultMatrix, XeroPaymentCase, XeroPurchaseOrderCase):
    def fresh_journal_codes(self):
        """Each cell rolls back, and Odoo's invoice numbers with it; Xero keeps what was sent."""
        for journal_type in ("sale", "purchase"):
            journal = self.env["account.journal"].search(
                [("type", "=", journal_type), ("company_id", "=", self.company.id)], limit=1
            )
            journal.code = f"{journal_type[0].upper()}{uuid.uuid4().hex[:4].upper()}"

    # ---------------------------------------------------------------------------- the rows
    def make(self, kind):
        """A new document of ``kind`` ready to go (for a payment: the invoice it pays)."""
        self.fresh_journal_codes()
        if kind.name == "invoice":
            return self.make_move()
        if kind.name == "bill":
            return self.make_move("in_invoice", ref=f"BILL-{uuid.uuid4().hex[:8]}")
        if kind.name in ("payment", *FOLLOW_UPS):
            return self.make_on_exported(kind)
        tag = uuid.uuid4().hex[:8].upper()
        if kind.name == "contact":
            return self.env["res.partner"].create({"name": f"Matrix Contact {tag}", "is_company": True})
        if kind.name == "item":
            return self.env["product.template"].create(
                {
                    "name": f"Matrix part {tag}",
                    "default_code": f"MX-{tag}",
                    "list_price": 12.5,
                    "taxes_id": [Command.set(self.tax_sale.ids)],
                    "supplier_taxes_id": [Command.set(self.tax_purchase.ids)],
                }
            )
        self.company.xero_po_mode = "bill" if kind.name == "order as bill" else "purchase_order"
        return self.make_po(partner_ref=f"VREF-{uuid.uuid4().hex[:8]}")

    def make_on_exported(self, kind):
        """A payment's invoice, an allocation's credit note (its invoice in Xero), an
        attachment's invoice, a deletion's order (sent)."""
        if kind.name == "payment":
            return self.exported()
        if kind.name == "allocation":
            self.company.xero_allocate_credit_notes = True
            invoice = self.exported()
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "damaged"})
            )
            refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            refund.invoice_line_ids[0].quantity = 1
            refund.action_post()
            return refund
        if kind.name == "attachment":
            self.company.xero_attach_pdf = True
            return self.make_move()
        self.company.write({"xero_po_mode": "purchase_order", "xero_po_status": "DRAFT"})
        order = self.make_po(partner_ref=f"VREF-{uuid.uuid4().hex[:8]}")
        order.action_xero_export()
        self.assertTrue(order.xero_id, order.xero_error)
        return order

    def send(self, kind, record):
        """What the user presses to send it (the first time, and again)."""
        try:
            if kind.name == "payment":
                unlinked = self.odoo_payments(record).filtered(lambda p: not p.xero_payment_id)
                if unlinked:
                    unlinked.action_xero_send()
                elif not self.odoo_payments(record):
                    self.register(record, record.amount_total, communication="Settles it")
            elif kind.name == "contact":
                record.action_xero_export_contact()
            elif kind.name == "item":
                record._xero_export_items(self.tenant)
            elif kind.name == "deletion":
                with self.env.cr.savepoint():  # a refusal rolls the cancellation back, as a request does
                    record.button_cancel()
            elif kind.name in ("allocation", "attachment"):
                if not record.xero_id:  # once linked, its follow-up steps are the queue's
                    record.action_xero_export()
            else:
                record.action_xero_export()
        except UserError:
            pass  # told in a notification or the chatter; the checks below say what holds

    def cron(self, kind):
        if kind.name in ("contact", "item"):
            return  # no cron sends them: the user presses the button again
        if kind.name == "payment":
            self.run_cron("xero.payment", "_cron_xero_sync_payments")
        elif kind.name in ("invoice", "bill", "allocation", "attachment"):
            self.run_cron("account.move", "_cron_xero_export_queue")
        else:
            self.run_cron("purchase.order", "_cron_xero_export_queue")
            self.run_cron("purchase.order", "_cron_xero_sync_purchase_orders")

    def live(self, kind, record):
        """Xero's live copies of ``record``."""
        if kind.name == "payment":
            return [p["PaymentID"] for p in self.xero_payments_of(record) if p.get("Status") not in GONE]
        if kind.name == "contact":
            return [
                c["ContactID"]
                for c in self.in_xero("Contacts")
                if c["Name"] == record.name and c.get("ContactStatus") != "ARCHIVED"
            ]
        if kind.name == "item":
            return [i["ItemID"] for i in self.in_xero("Items") if i["Code"] == record.default_code]
        if kind.name in FOLLOW_UPS:
            return self.live_follow_up(kind, record)
        if kind.name == "purchase order":
            return [
                p["PurchaseOrderID"]
                for p in self.in_xero("PurchaseOrders")
                if p["PurchaseOrderNumber"] == record.name and p.get("Status") not in GONE
            ]
        number = (
            record.name
            if kind.name == "invoice"
            else record.partner_ref
            if kind.name != "bill"
            else record.ref
        )
        xero_type = "ACCREC" if kind.name == "invoice" else "ACCPAY"
        return [
            i["InvoiceID"]
            for i in self.in_xero()
            if i["InvoiceNumber"] == number and i["Type"] == xero_type and i.get("Status") not in GONE
        ]

    def live_follow_up(self, kind, record):
        """An allocation's and an attachment's copies in Xero; a deletion's order, deleted or not."""
        if kind.name == "allocation":
            return [
                a["AllocationID"]
                for n in self.in_xero("CreditNotes")
                if n["CreditNoteNumber"] == record.name and n.get("Status") not in GONE
                for a in n.get("Allocations") or []
            ]
        if kind.name == "attachment":
            name = record.name.replace("/", "-") + ".pdf"
            return [
                a["AttachmentID"]
                for i in self.in_xero()
                if i["InvoiceNumber"] == record.name and i.get("Status") not in GONE
                for a in self.sandbox.as_user(
                    self.org_a["tenantId"], "GET", f"/Invoices/{i['InvoiceID']}/Attachments"
                ).json()["Attachments"]
                if a["FileName"] == name
            ]
        return [  # a deletion: every copy of the order, deleted or not
            p["PurchaseOrderID"]
            for p in self.in_xero("PurchaseOrders")
            if p["PurchaseOrderNumber"] == record.name
        ]

    def check(self, kind, record, fault):
        """Exactly one live copy in Xero, linked in Odoo; nothing says gone or "not sent"."""
        live = self.live(kind, record)
        self.assertEqual(len(live), 1, f"{kind.name} × {fault}: live copies in Xero {live}")
        if kind.name == "payment":
            payments = self.odoo_payments(record)
            self.assertEqual(len(payments), 1, f"{kind.name} × {fault}: Odoo payments {payments}")
            self.assertEqual(
                payments.xero_payment_id, live[0], f"{kind.name} × {fault}: {payments.xero_error}"
            )
            self.assertFalse(payments.xero_error, f"{kind.name} × {fault}")
            self.assertNotIn("Payment not sent to Xero", payments.activity_ids.mapped("summary"))
            return
        if kind.name == "contact":
            linked = record._xero_contact(self.tenant).xero_id
            self.assertEqual(linked, live[0], f"{kind.name} × {fault}: not linked")
            return
        if kind.name in ("allocation", "attachment"):
            self.assertTrue(record.xero_id, f"{kind.name} × {fault}: {record.xero_error}")
            self.assertFalse(record.xero_followup_pending, f"{kind.name} × {fault}: still pending")
            return
        if kind.name == "deletion":
            order = next(p for p in self.in_xero("PurchaseOrders") if p["PurchaseOrderID"] == live[0])
            self.assertEqual(order["Status"], "DELETED", f"{kind.name} × {fault}: live in Xero")
            self.assertEqual(
                (record.state, record.xero_status), ("cancel", "DELETED"), f"{kind.name} × {fault}"
            )
            return
        if kind.name == "item":
            linked = record.xero_product_map_ids.filtered(
                lambda m: m.tenant_id == self.tenant
            ).item_id.xero_id
            self.assertEqual(linked, live[0], f"{kind.name} × {fault}: not linked")
            return
        self.assertEqual(record.xero_id, live[0], f"{kind.name} × {fault}: {record.xero_error}")
        self.assertNotIn(record.xero_status, GONE, f"{kind.name} × {fault}")
        self.assertIn(record.xero_export_state, ("exported", "differs"), f"{kind.name} × {fault}")

    def not_sent_again(self, kind, record, fault):
        """Half-way: Xero still holds one copy, and Odoo says nothing is gone."""
        self.assertEqual(len(self.live(kind, record)), 1, f"{kind.name} × {fault}: sent again")
        if kind.name in DOCUMENTS:
            self.assertNotIn(record.xero_status, GONE, f"{kind.name} × {fault}")

    def test_invoices(self):
        self.run_row(KINDS[0])

    def test_bills(self):
        self.run_row(KINDS[1])

    def test_purchase_orders(self):
        self.run_row(KINDS[2])

    def test_purchase_orders_as_bills(self):
        self.run_row(KINDS[3])

    def test_payments(self):
        self.run_row(KINDS[4])

    def test_contacts(self):
        self.run_row(KINDS[5])

    def test_items(self):
        self.run_row(KINDS[6])

    def test_allocations(self):
        self.run_row(KINDS[8])

    def test_attachments(self):
        self.run_row(KINDS[9])

    def test_deletions(self):
        self.run_row(KINDS[10])


@tagged("post_install", "-at_install")
class TestFaultMatrixJournals(FaultMatrix, XeroJournalsCase):
    """The balances journals' row: a day's stock moves, sent by the balances run."""

    def make(self, kind):
        cls = type(self)
        cls._days_used = getattr(cls, "_days_used", 0) + 1
        self.day = self.yesterday - timedelta(days=60 * cls._days_used + 10)
        self.company.xero_journals_start_date = self.day
        self.transfer(10, incoming=True)
        return self.day

    def send(self, kind, day):
        self.run_journals()  # its problems are on the company; the checks say what holds

    def cron(self, kind):
        self.run_journals()

    def live(self, kind, day):
        narration = f"Odoo balances {day} {self.company.name}"
        return [
            j["ManualJournalID"]
            for j in self.sandbox.dump(self.tenant_xero_id, "ManualJournals")
            if j["Narration"] == narration and j.get("Status") not in GONE
        ]

    def check(self, kind, day, fault):
        live = self.live(kind, day)
        self.assertEqual(len(live), 1, f"{kind.name} × {fault}: live copies in Xero {live}")
        journal = self.env["xero.manual.journal"].search([("date", "=", day), ("revision", "=", 0)])
        self.assertEqual(journal.xero_id, live[0], f"{kind.name} × {fault}: not recorded")
        self.assertEqual(self.xero_sums(), self.odoo_sums(), f"{kind.name} × {fault}: balances")

    def not_sent_again(self, kind, day, fault):
        self.assertEqual(len(self.live(kind, day)), 1, f"{kind.name} × {fault}: sent again")

    def test_manual_journals(self):
        self.run_row(KINDS[7])
