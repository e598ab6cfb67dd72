import json
import random
import uuid
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.bus.models.bus import json_dump
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.xero_connector import const
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import XeroSandboxCase, random_lines


class XeroExportCase(XeroSandboxCase):
    """A company mapped to a connected sandbox organisation, its cache loaded, sales and
    purchase taxes mapped, default accounts set: what an administrator has done once issue 4's
    mapping-health view reads zero."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.with_chart(cls.company)
        cls.env.ref("product.decimal_price").digits = 5
        connection = cls.connect_directly(cls.xero_manager, [cls.org_a["tenantId"]])
        cls.tenant = connection.tenant_ids
        cls.company.xero_tenant_id = cls.tenant
        cls.env["xero.cache.refresh.request"]._refresh_cache(cls.tenant)
        rates = {r.tax_type: r for r in cls.env["xero.tax.rate"].search([("tenant_id", "=", cls.tenant.id)])}
        accounts = {a.code: a for a in cls.env["xero.account"].search([("tenant_id", "=", cls.tenant.id)])}
        Tax = cls.env["account.tax"]
        cls.tax_sale = Tax.create({"name": "GST 10% (sales)", "amount": 10, "type_tax_use": "sale"})
        cls.tax_purchase = Tax.create(
            {"name": "GST 10% (purchases)", "amount": 10, "type_tax_use": "purchase"}
        )
        cls.env["xero.tax.map"].create(
            [
                {"tenant_id": cls.tenant.id, "tax_id": cls.tax_sale.id, "tax_rate_id": rates["OUTPUT"].id},
                {"tenant_id": cls.tenant.id, "tax_id": cls.tax_purchase.id, "tax_rate_id": rates["INPUT"].id},
            ]
        )
        cls.tenant.write(
            {
                "xero_default_sales_account_id": accounts["200"].id,
                "xero_default_purchase_account_id": accounts["400"].id,
                "xero_default_sale_tax_rate_id": rates["OUTPUT"].id,
                "xero_default_purchase_tax_rate_id": rates["INPUT"].id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Harbour Fisheries Pty", "email": "accounts@harbour.example", "is_company": True}
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Coastal Supplies Ltd", "email": "ap@coastal.example", "is_company": True}
        )
        cls.xero_user = new_test_user(
            cls.env,
            login="xero_clerk",
            groups="base.group_user,account.group_account_invoice,xero_connector.group_xero_user",
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.clear_faults)
        # Odoo's numbering restarts with every test (each is rolled back) but Xero keeps what
        # earlier tests exported, and sales numbers are unique there: a journal code per test.
        for journal_type in ("sale", "purchase"):
            journal = self.env["account.journal"].search(
                [("type", "=", journal_type), ("company_id", "=", self.company.id)], limit=1
            )
            journal.code = f"{journal_type[0].upper()}{uuid.uuid4().hex[:4].upper()}"

    def send_purchase_orders_by_hand(self, letter):
        """Purchase orders sent to Xero as draft purchase orders when a user asks, numbered
        ``letter`` + a prefix of this test's own (Odoo's numbering restarts with every test,
        Xero keeps what earlier tests sent)."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "purchase.order"), ("company_id", "in", (False, self.company.id))], limit=1
        )
        sequence.prefix = f"{letter}{uuid.uuid4().hex[:5].upper()}-"
        self.company.write(
            {"xero_po_mode": "purchase_order", "xero_po_trigger": "manual", "xero_po_status": "DRAFT"}
        )

    # --------------------------------------------------------------------------------------
    def make_move(self, move_type="out_invoice", lines=None, partner=None, post=True, **values):
        tax = self.tax_sale if move_type.startswith("out") else self.tax_purchase
        lines = lines or [{"name": "Consulting", "quantity": 3, "price_unit": 150.0}]
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or (self.customer if move_type.startswith("out") else self.vendor)).id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"tax_ids": [Command.set(tax.ids)], **line}) for line in lines
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def in_xero(self, resource="Invoices"):
        return self.sandbox.dump(self.org_a["tenantId"], resource)

    def puts(self, path="/Invoices"):
        return [c for c in self.sandbox.calls()["log"] if c["method"] == "PUT" and c["path"].endswith(path)]

    def pay_in_xero(self, move, amount, account_code=None, **values):
        """A Xero user records a payment of ``move`` today, into ``account_code`` (by default
        the organisation's first bank account); ``values``: more of the payment's fields."""
        if not account_code:
            account_code = next(
                a for a in self.sandbox.dump(self.org_a["tenantId"], "Accounts") if a.get("Type") == "BANK"
            )["Code"]
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "PUT",
            "/Payments",
            json={
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": move.xero_id},
                        "Account": {"Code": account_code},
                        "Date": fields.Date.to_string(fields.Date.today()),
                        "Amount": amount,
                        **values,
                    }
                ]
            },
        )

    def type_in_xero(
        self, *numbers, contact=None, unit_amount=1, description="typed in Xero", tax_type=None, **values
    ):
        """A Xero user types sales invoices ``numbers`` in Xero's web app, each one line of
        ``unit_amount`` on account 200 (with ``tax_type`` if given), for ``contact`` (by default
        the organisation's first);
        ``values``: more of each invoice's fields. Returns the invoices as Xero answered them."""
        contact = contact or self.in_xero("Contacts")[0]
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "PUT",
            "/Invoices",
            json={
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": contact["ContactID"]},
                        "InvoiceNumber": number,
                        "LineItems": [
                            {
                                "Description": description,
                                "Quantity": 1,
                                "UnitAmount": unit_amount,
                                "AccountCode": "200",
                                **({"TaxType": tax_type} if tax_type else {}),
                            }
                        ],
                        **values,
                    }
                    for number in numbers
                ]
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()["Invoices"]

    def clear_gone_and_export_again(self, record, user, field):
        """``record``'s document was deleted in Xero: the Clear exported wizard (``field``
        names ``record`` in it), opened by ``user``, sees it gone and clears the link, and
        the next export makes a new document in Xero."""
        first = record.xero_id
        wizard = self.env["xero.clear.exported.wizard"].with_user(user).create({field: record.id})
        self.assertTrue(wizard.gone_in_xero)
        wizard.action_clear()
        self.assertFalse(record.xero_id)
        record.action_xero_export()
        self.assertTrue(record.xero_id, record.xero_error)
        self.assertNotEqual(record.xero_id, first)

    def export_with_every_answer_lost(self, record, path="/Invoices"):
        """Export ``record`` while every answer of Xero to a PUT on ``path`` is lost: Xero
        creates the document on the first try, Odoo never hears back, the export fails and
        leaves ``record`` unlinked. Not assertRaises: Odoo's rolls back to a savepoint, and
        with it the record of the attempt, which in production lives in a transaction of
        its own."""
        self.sandbox.add_fault("lost_response", method="PUT", path=path, count=10)
        try:
            record.action_xero_export()
        except UserError as error:
            self.assertIn("could not be reached", str(error))
        else:
            self.fail("every answer was lost: the export must fail")
        self.assertFalse(record.xero_id)
        self.sandbox.clear_faults()


@tagged("post_install", "-at_install")
class TestExport(XeroExportCase):
    def test_export_invoice_one_by_one(self):
        move = self.make_move()
        move.with_user(self.xero_user).action_xero_export()
        self.assertTrue(move.xero_id)
        self.assertEqual(move.xero_export_state, "exported")
        self.assertEqual(move.xero_status, "DRAFT")
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        self.assertEqual(twin["Type"], "ACCREC")
        self.assertEqual(twin["InvoiceNumber"], move.name)
        self.assertEqual(twin["Contact"]["Name"], "Harbour Fisheries Pty")
        self.assertAlmostEqual(twin["Total"], move.amount_total, places=2)
        self.assertAlmostEqual(move.xero_total, move.amount_total, places=2)
        self.assertTrue(move.xero_export_label.startswith("Exported"))
        self.assertIn("Exported to Xero", move.message_ids[0].body)
        log = self.env["xero.sync.log"].search([("res_model", "=", "account.move")], limit=1)
        self.assertEqual(log.state, "success")
        self.assertIn(str(move.id), log.res_ids.split(","))

    def test_credit_note_bill_and_refund_go_to_their_endpoints(self):
        refund = self.make_move("out_refund")
        bill = self.make_move("in_invoice", ref="SUP-INV-778")
        vendor_refund = self.make_move("in_refund", ref="SUP-CN-12")
        (refund | bill | vendor_refund).action_xero_export()
        notes = {n["CreditNoteID"]: n for n in self.in_xero("CreditNotes")}
        invoices = {i["InvoiceID"]: i for i in self.in_xero()}
        self.assertEqual(notes[refund.xero_id]["Type"], "ACCRECCREDIT")
        self.assertEqual(notes[refund.xero_id]["CreditNoteNumber"], refund.name)
        self.assertEqual(invoices[bill.xero_id]["Type"], "ACCPAY")
        self.assertEqual(invoices[bill.xero_id]["InvoiceNumber"], "SUP-INV-778")
        self.assertTrue(invoices[bill.xero_id]["Url"].endswith(f"/odoo/account.move/{bill.id}"))
        self.assertEqual(notes[vendor_refund.xero_id]["Type"], "ACCPAYCREDIT")
        for move in refund | bill | vendor_refund:
            self.assertAlmostEqual(move.xero_total, move.amount_total, places=2)

    def test_rounding_rewrite_20000_at_0_12569(self):
        move = self.make_move(lines=[{"name": "Widget", "quantity": 20000, "price_unit": 0.12569}])
        self.assertAlmostEqual(move.amount_untaxed, 2513.80, places=2)
        move.action_xero_export()
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        line = twin["LineItems"][0]
        self.assertEqual(line["Quantity"], 1.0)
        self.assertAlmostEqual(line["UnitAmount"], 2513.80, places=2)
        self.assertEqual(line["Description"], "20,000 x Widget @ 0.12569 ea.")
        self.assertAlmostEqual(twin["Total"], move.amount_total, places=2)
        # The Odoo line is untouched.
        self.assertEqual(move.invoice_line_ids.quantity, 20000)
        self.assertEqual(move.invoice_line_ids.price_unit, 0.12569)

    def test_many_random_lines_match_xero_to_the_cent(self):
        rng = random.Random(20261122)
        moves = self.env["account.move"]
        for _invoice in range(8):
            lines = random_lines(rng, 12, lambda _n: f"Part {rng.randint(1, 999)}")
            moves |= self.make_move(lines=lines)
        moves.action_xero_export()
        totals = {i["InvoiceID"]: i["Total"] for i in self.in_xero()}
        for move in moves:
            self.assertEqual(
                round(totals[move.xero_id], 2),
                round(move.amount_total, 2),
                f"{move.name}: Xero and Odoo totals",
            )

    def test_every_problem_is_listed_and_nothing_is_sent(self):
        unmapped_tax = self.env["account.tax"].create(
            {"name": "Levy 7%", "amount": 7, "type_tax_use": "sale"}
        )
        jpy = self.env.ref("base.JPY")
        jpy.active = True
        move = self.make_move(
            lines=[
                {
                    "name": "Levied",
                    "quantity": 1,
                    "price_unit": 100,
                    "tax_ids": [Command.set(unmapped_tax.ids)],
                },
                {
                    "name": "Doubly taxed",
                    "quantity": 1,
                    "price_unit": 100,
                    "tax_ids": [Command.set((self.tax_sale | unmapped_tax).ids)],
                },
            ],
            currency_id=jpy.id,
        )
        before = len(self.puts())
        with self.assertRaises(UserError) as caught:
            move.action_xero_export()
        message = str(caught.exception)
        self.assertIn("Levy 7% has no Xero tax rate", message)
        self.assertIn("Line “Doubly taxed” carries several taxes", message)
        self.assertIn("does not use JPY", message)
        self.assertEqual(len(self.puts()), before, "nothing was sent")
        self.assertFalse(move.xero_id)

    def test_batch_of_50_with_3_refused_by_xero(self):
        moves = self.env["account.move"]
        for index in range(50):
            moves |= self.make_move(
                lines=[{"name": f"Service {index}", "quantity": 1, "price_unit": 10 + index}]
            )
        taken = moves[5] | moves[20] | moves[41]
        self.type_in_xero(*taken.mapped("name"))
        before = len(self.puts())
        moves.action_xero_export()
        self.assertEqual(len(self.puts()) - before, 1, "one call for 50 invoices")
        self.assertEqual(len(moves.filtered("xero_id")), 47)
        for move in taken:
            self.assertEqual(move.xero_export_state, "error")
            self.assertIn("Invoice # must be unique", move.xero_error)
            self.assertEqual(move.activity_ids.summary, "Xero export failed")

    def test_lost_response_makes_no_duplicate(self):
        move = self.make_move()
        self.sandbox.add_fault("lost_response", method="PUT", path="/Invoices", tenant=self.org_a["tenantId"])
        move.action_xero_export()
        self.assertTrue(move.xero_id)
        same_number = [i for i in self.in_xero() if i["InvoiceNumber"] == move.name]
        self.assertEqual(len(same_number), 1)

    def test_interrupted_export_is_found_and_linked_not_sent_again(self):
        move = self.make_move()
        self.export_with_every_answer_lost(move)
        puts = len(self.puts())
        move.action_xero_export()
        self.assertTrue(move.xero_id)
        self.assertEqual(len(self.puts()), puts, "found in Xero, not sent again")
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceNumber"] == move.name]), 1)

    def test_exporting_twice_is_refused_politely(self):
        move = self.make_move()
        move.action_xero_export()
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            move.action_xero_export()
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceNumber"] == move.name]), 1)

    def test_authorised_invoice_with_payment_cannot_be_updated(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_move()
        move.action_xero_export()
        self.assertEqual(move.xero_status, "AUTHORISED")
        self.pay_in_xero(move, 10.0)
        self.company.xero_lock_exported = False
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 160.0
        move.action_post()
        with self.assertRaisesRegex(UserError, "Invoice not of valid status for modification"):
            move.action_xero_update()

    def test_update_with_nothing_to_send_says_so(self):
        move = self.make_move()
        move.action_xero_export()
        before = len(self.sandbox.calls()["log"])
        action = move.action_xero_update()
        self.assertEqual(action["params"]["title"], "Nothing to update")
        self.assertIn("has not changed since it was sent", action["params"]["message"])
        self.assertEqual(len(self.sandbox.calls()["log"]), before, "nothing sent to Xero")

    def test_draft_invoice_update_pushes_changes(self):
        move = self.make_move(post=False)
        move.action_post()
        move.action_xero_export()
        self.company.xero_lock_exported = False
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 200.0
        move.action_post()
        move.action_xero_update()
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        self.assertAlmostEqual(twin["Total"], move.amount_total, places=2)

    def test_check_dialog_shows_payments_and_match(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_move()
        move.action_xero_export()
        self.pay_in_xero(move, 100.0)
        action = move.action_xero_check()
        wizard = self.env["xero.check.wizard"].browse(action["res_id"])
        self.assertTrue(wizard.found)
        self.assertEqual(wizard.xero_number, move.name)
        self.assertAlmostEqual(wizard.xero_amount_paid, 100.0)
        self.assertAlmostEqual(wizard.xero_amount_due, move.amount_total - 100.0, places=2)
        self.assertTrue(wizard.totals_match)
        self.assertEqual(wizard.line_ids.kind, "payment")
        self.assertAlmostEqual(move.xero_amount_paid, 100.0)

    def test_total_for_a_number_never_exported(self):
        move = self.make_move()
        self.type_in_xero(move.name, unit_amount=12, description="x")
        wizard = self.env["xero.check.wizard"].browse(move.action_xero_total_for_number()["res_id"])
        self.assertTrue(wizard.found)
        self.assertFalse(wizard.totals_match)
        self.assertFalse(move.xero_id, "looking a number up links nothing")

    def test_clear_exported_after_delete_in_xero_then_export_again(self):
        move = self.make_move()
        move.action_xero_export()
        first = move.xero_id
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Invoices/{first}",
            json={"Invoices": [{"InvoiceID": first, "Status": "DELETED"}]},
        )
        self.clear_gone_and_export_again(move, self.xero_user, "move_id")

    def test_clear_exported_while_still_in_xero_needs_a_manager_and_a_reason(self):
        move = self.make_move()
        move.action_xero_export()
        wizard = self.env["xero.clear.exported.wizard"].with_user(self.xero_user).create({"move_id": move.id})
        self.assertFalse(wizard.gone_in_xero)
        with self.assertRaises(AccessError):
            wizard.action_clear()
        forced = (
            self.env["xero.clear.exported.wizard"].with_user(self.xero_manager).create({"move_id": move.id})
        )
        with self.assertRaisesRegex(UserError, "Say why"):
            forced.action_clear()
        forced.reason = "number changed by hand in Xero"
        forced.action_clear()
        self.assertFalse(move.xero_id)
        self.assertIn("number changed by hand in Xero", move.message_ids[0].body)

    def test_queue_and_cron(self):
        self.company.xero_auto_export_sales = True
        move = self.make_move()
        self.assertEqual(move.xero_export_state, "queued")
        bill = self.make_move("in_invoice")
        self.assertEqual(bill.xero_export_state, "not_exported", "purchases are not automatic here")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(move.xero_export_state, "exported")
        self.assertTrue(move.xero_id)

    def test_export_all_of_many_documents_goes_as_jobs(self):
        """*Export all* over more documents than one press should hold: the user gets an answer
        at once, the documents wait Queued, and the jobs (one per batch, on the xero channel)
        export them, each once."""
        moves = self.make_move() | self.make_move() | self.make_move()
        with patch.object(const, "BACKGROUND_EXPORT_ABOVE", 2), trap_jobs() as trap:
            action = self.env["account.move"].with_user(self.xero_user).action_xero_export_all()
            self.assertIn("in the background", action["params"]["message"])
            self.assertEqual(set(moves.mapped("xero_export_state")), {"queued"})
            # the answer opens the run: Odoo's progress bar at 0 of 3
            run = self.env["xero.background.run"].browse(action["params"]["next"]["res_id"])
            self.assertEqual(
                (run.user_id, run.state, run.done_count, run.total_count), (self.xero_user, "running", 0, 3)
            )
            trap.assert_jobs_count(2)
            job, done = trap.enqueued_jobs
            self.assertEqual((job.args[2], done.args[2]), ("_xero_export", "_xero_export_all_done"))
            self.assertEqual(job.channel, "root.xero")
            self.assertEqual(set(job.args[1]), set(moves.ids))
            with self.assertRaises(RetryableJobError, msg="the documents are still queued: it looks later"):
                done.perform()
            self.assertEqual(run.state, "running")
            job.perform()  # the batch's job moves the run, and ends it with its last document
            self.assertEqual((run.state, run.done_count), ("done", 3))
            done.perform()  # the safety net finds it ended: nobody is told twice
        self.assertEqual(set(moves.mapped("xero_export_state")), {"exported"})
        # the user is told when the jobs are done: in the open browser, with a button that
        # opens the documents sent, and in the inbox with a link to each document
        self.env.cr.precommit.run()  # the bus writes its notifications when the job commits
        channel = json_dump([self.env.cr.dbname, "res.partner", self.xero_user.partner_id.id])
        sent = [json.loads(n.message) for n in self.env["bus.bus"].search([("channel", "=", channel)])]
        done_notes = [n["payload"] for n in sent if n["type"] == "xero_connector/done"]
        self.assertEqual(len(done_notes), 1)
        self.assertIn("3 document(s) exported to Xero.", done_notes[0]["message"])
        opened = done_notes[0]["action"]
        self.assertEqual(self.env["account.move"].search(opened["domain"]), moves)
        self.assertEqual(opened["context"]["group_by"], ["xero_export_state"])
        progress = [n["payload"] for n in sent if n["type"] == "xero_connector/run_progress"]
        self.assertEqual(progress[-1], {"id": run.id, "done": 3, "total": 3, "state": "done"})
        inbox = self.env["mail.message"].search(
            [("partner_ids", "in", self.xero_user.partner_id.ids), ("subject", "=", "Xero")],
            order="id desc",
            limit=1,
        )
        self.assertIn("3 document(s) exported to Xero.", inbox.body)
        for move in moves:
            self.assertIn(f'href="/odoo/account.move/{move.id}"', inbox.body)
        numbers = [i["InvoiceNumber"] for i in self.sandbox.dump(self.tenant.tenant_id, "Invoices")]
        self.assertEqual(
            sorted(n for n in numbers if n in moves.mapped("name")), sorted(moves.mapped("name"))
        )

    def test_exported_document_is_locked_and_not_emailed_before_export(self):
        self.company.xero_block_email_before_export = True
        move = self.make_move()
        with self.assertRaisesRegex(UserError, "before sending it"):
            move.action_invoice_sent()
        move.action_xero_export()
        with self.assertRaisesRegex(UserError, "cannot be reset to draft"):
            move.button_draft()
        move.action_invoice_sent()

    def test_online_invoice_url_and_credit_allocation(self):
        self.company.write(
            {
                "xero_invoice_status": "AUTHORISED",
                "xero_fetch_online_invoice": True,
                "xero_allocate_credit_notes": True,
            }
        )
        invoice = self.make_move()
        invoice.action_xero_export()
        self.assertTrue(invoice.xero_online_url)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "damaged"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.invoice_line_ids[0].quantity = 1
        refund.action_post()
        refund.action_xero_export()
        note = next(n for n in self.in_xero("CreditNotes") if n["CreditNoteID"] == refund.xero_id)
        self.assertTrue(note.get("Allocations"), "allocated to the invoice in Xero")
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == invoice.xero_id)
        self.assertAlmostEqual(twin["AmountDue"], invoice.amount_total - refund.amount_total, places=2)

    def test_pdf_is_attached_in_xero(self):
        self.company.xero_attach_pdf = True
        move = self.make_move()
        move.action_xero_export()
        attachments = self.sandbox.as_user(
            self.org_a["tenantId"], "GET", f"/Invoices/{move.xero_id}/Attachments"
        ).json()
        names = [a["FileName"] for a in attachments.get("Attachments", [])]
        self.assertIn(move.name.replace("/", "-") + ".pdf", names)

    def test_section_and_note_lines_become_description_lines(self):
        move = self.make_move(
            lines=[
                {"display_type": "line_section", "name": "Phase 1"},
                {"name": "Design", "quantity": 2, "price_unit": 80},
                {"display_type": "line_note", "name": "Delivered on site"},
            ]
        )
        move.action_xero_export()
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        descriptions = [line["Description"] for line in twin["LineItems"]]
        self.assertEqual(descriptions, ["Phase 1", "Design", "Delivered on site"])

    def test_user_without_xero_rights_cannot_export(self):
        clerk = new_test_user(
            self.env, login="plain_clerk", groups="base.group_user,account.group_account_invoice"
        )
        move = self.make_move()
        with self.assertRaises(AccessError):
            move.with_user(clerk).action_xero_export()
        self.assertFalse(move.xero_id)
