"""Exactly once at the edges (issue #11): outages, an edit after a lost answer, a server
answering with another document, payments, and one bad unit of work among good ones. Each
test reproduces one break with the sandbox's scripted faults."""

import uuid
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_export import XeroExportCase
from .test_payments import XeroPaymentCase


class _RolledBack(Exception):
    """The user's transaction failing after Register Payment reached Xero."""


def _export_failing(move, user=None):
    """Export and swallow the failure as the button's caller would see it (not assertRaises:
    Odoo's would roll back to a savepoint, and with it the record of the attempt, which in
    production lives in a transaction of its own)."""
    try:
        (move.with_user(user) if user else move).action_xero_export()
    except UserError as error:
        return str(error)
    return None


@tagged("post_install", "-at_install")
class TestEdgesExport(XeroExportCase):
    # ------------------------------------------------------------------ 1. outage ≠ deleted
    def test_clear_exported_during_an_outage_refuses_with_the_reason(self):
        move = self.make_move()
        move.action_xero_export()
        self.sandbox.add_fault("503", method="GET", path=f"/Invoices/{move.xero_id}", count=10)
        wizard = self.env["xero.clear.exported.wizard"].with_user(self.xero_user).create({"move_id": move.id})
        self.assertFalse(wizard.gone_in_xero, "an outage is not Xero saying DELETED")
        self.assertIn("temporarily unavailable", wizard.check_error)
        with self.assertRaisesRegex(UserError, "Xero could not say whether it still has it"):
            wizard.action_clear()
        self.assertTrue(move.xero_id, "the link stays: the next export must not make a duplicate")
        self.sandbox.clear_faults()
        # Xero's own 404 does count as gone.
        gone = move.xero_id
        move._xero_write_fields({"xero_id": str(uuid.uuid4())})
        wizard = self.env["xero.clear.exported.wizard"].with_user(self.xero_user).create({"move_id": move.id})
        self.assertTrue(wizard.gone_in_xero)
        self.assertFalse(wizard.check_error)
        move._xero_write_fields({"xero_id": gone})

    # ------------------------------------------------------- 2. recovery verifies the twin
    def test_answer_with_another_document_is_not_linked_and_recovery_finds_the_right_one(self):
        first = self.make_move()
        first.action_xero_export()
        second = self.make_move(lines=[{"name": "Repairs", "quantity": 2, "price_unit": 80.0}])
        # Xero creates the second invoice but answers with another one.
        self.sandbox.add_fault("other_document", method="PUT", path="/Invoices$")
        message = _export_failing(second)
        self.assertIn("another document", message or second.xero_error)
        self.assertFalse(second.xero_id, "another document's answer links nothing")
        # The lookup after it is answered with another document too: nothing is sent again.
        self.sandbox.add_fault("other_document", method="GET", path="/Invoices$")
        puts = len(self.puts())
        _export_failing(second)
        self.assertFalse(second.xero_id)
        self.assertEqual(len(self.puts()), puts, "in doubt: not sent again while Xero's answer is wrong")
        # Xero answers truly: the lookup finds the invoice created first, and links it.
        self.sandbox.clear_faults()
        second.action_xero_export()
        self.assertTrue(second.xero_id)
        self.assertNotEqual(second.xero_id, first.xero_id)
        self.assertEqual(len(self.puts()), puts, "found, not sent again")
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == second.name]
        self.assertEqual([t["InvoiceID"] for t in twins], [second.xero_id])
        self.assertAlmostEqual(twins[0]["Total"], second.amount_total, places=2)

    def test_bill_reference_with_backslash_and_quote_and_another_suppliers_bill(self):
        other_vendor = self.env["res.partner"].create({"name": "Other Supplies Pty", "is_company": True})
        reference = f'INV "{uuid.uuid4().hex[:5]}" 7\\'
        theirs = self.make_move("in_invoice", partner=other_vendor, ref=reference)
        theirs.action_xero_export()
        self.assertTrue(theirs.xero_id, theirs.xero_error)
        ours = self.make_move("in_invoice", ref=reference)
        # Our bill's first attempt never reaches Xero (503 before processing): it is in doubt.
        self.sandbox.add_fault("503", method="PUT", path="/Invoices$", count=10)
        _export_failing(ours)
        self.assertFalse(ours.xero_id)
        self.sandbox.clear_faults()
        # The lookup (reference with \ and ") must work, and must not take the other
        # supplier's bill with the same reference.
        ours.action_xero_export()
        self.assertTrue(ours.xero_id, ours.xero_error)
        self.assertNotEqual(ours.xero_id, theirs.xero_id)
        bills = [i for i in self.in_xero() if i.get("InvoiceNumber") == reference and i["Type"] == "ACCPAY"]
        self.assertEqual(len(bills), 2)
        mine = next(b for b in bills if b["InvoiceID"] == ours.xero_id)
        self.assertEqual(mine["Contact"]["Name"], self.vendor.name)

    def test_a_long_retry_after_on_the_lookup_of_a_document_in_doubt_keeps_it_queued(self):
        """Found by the soak: the lookup of a document in doubt refused with a Retry-After
        too long to sleep (the minute limit's, the day's) must queue it with its next try
        time, like any export Xero cannot take now, not fail it as an export error."""
        move = self.make_move()
        self.export_with_every_answer_lost(move, "/Invoices$")
        self.sandbox.add_fault("429", method="GET", path="/Invoices$", retry_after=60, problem="minute")
        puts = len(self.puts())
        move.with_user(self.xero_user).action_xero_export()
        self.assertEqual(move.xero_export_state, "queued", move.xero_error)
        self.assertTrue(move.xero_next_try_at)
        self.assertFalse(move.xero_error)
        self.assertEqual(len(self.puts()), puts, "in doubt: not sent again")
        self.assertTrue(self.env["xero.export.attempt"]._in_doubt(move), "still looked up next time")
        # The cron after the wait looks it up and links Xero's copy: one invoice in Xero.
        self.sandbox.clear_faults()
        self.sandbox.advance(120)
        with freeze_time(move.xero_next_try_at + timedelta(minutes=1)):
            self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(move.xero_export_state, "exported", move.xero_error)
        self.assertEqual(len(self.puts()), puts, "found, not sent again")
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == move.name]
        self.assertEqual([t["InvoiceID"] for t in twins], [move.xero_id])

    def _lost_then_edited(self, status):
        self.company.xero_invoice_status = status
        move = self.make_move(lines=[{"name": "Consulting", "quantity": 1, "price_unit": 40.0}])
        self.export_with_every_answer_lost(move, "/Invoices$")
        before = next(i for i in self.in_xero() if i["InvoiceNumber"] == move.name)
        self.assertAlmostEqual(before["Total"], 44.0, places=2)
        move.button_draft()
        move.invoice_line_ids.price_unit = 70.0
        move.action_post()
        self.assertAlmostEqual(move.amount_total, 77.0, places=2)
        return move

    def test_edit_after_a_lost_answer_updates_the_draft_in_xero(self):
        move = self._lost_then_edited("DRAFT")
        move.action_xero_export()
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == move.name and i["Status"] != "DELETED"]
        self.assertEqual(len(twins), 1, "no duplicate")
        self.assertEqual(twins[0]["InvoiceID"], move.xero_id)
        self.assertAlmostEqual(twins[0]["Total"], 77.0, places=2)
        self.assertEqual(move.xero_export_state, "exported")
        self.assertAlmostEqual(move.xero_total, 77.0, places=2)

    def test_edit_after_a_lost_answer_on_an_approved_invoice_differs_visibly(self):
        move = self._lost_then_edited("AUTHORISED")
        action = move.action_xero_export()
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == move.name]
        self.assertEqual(len(twins), 1, "no duplicate")
        self.assertEqual(move.xero_id, twins[0]["InvoiceID"], "linked: it is in Xero")
        self.assertEqual(move.xero_export_state, "differs", "not reported as exported")
        self.assertEqual(move.xero_export_label, "Differs in Xero")
        self.assertIn("77.00", move.xero_difference)
        self.assertIn("44.00", move.xero_difference)
        self.assertIn("cannot be updated", move.xero_error)
        self.assertIn("Differs in Xero", move.activity_ids.mapped("summary"))
        self.assertIn("differ", action["params"]["message"])

    # --------------------------------------------------------------- 5. failing alone
    def test_user_without_email_exports_a_list_with_one_bad_document(self):
        clerk = new_test_user(
            self.env,
            login=f"clerk_{uuid.uuid4().hex[:6]}",
            groups="base.group_user,account.group_account_invoice,xero_connector.group_xero_user",
        )
        clerk.partner_id.email = False
        good = self.make_move()
        other_tax = self.env["account.tax"].create({"name": "Levy 2%", "amount": 2, "type_tax_use": "sale"})
        bad = self.make_move(
            lines=[
                {
                    "name": "Two taxes",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "tax_ids": [Command.set((self.tax_sale | other_tax).ids)],
                }
            ]
        )
        action = (good | bad).with_user(clerk).action_xero_export()
        self.assertIn("1 document(s) exported", action["params"]["message"])
        self.assertTrue(good.xero_id, "what Xero accepted keeps its Odoo link")
        self.assertFalse(bad.xero_id)
        self.assertIn("carries several taxes", bad.xero_error)
        self.assertNotIn("email", bad.xero_error)
        self.assertIn("Xero export failed", bad.activity_ids.mapped("summary"))

    def test_export_cron_goes_on_when_one_document_cannot_be_looked_up(self):
        self.company.xero_auto_export_sales = True
        stuck = self.make_move()
        self.sandbox.add_fault("503", method="PUT", path="/Invoices$", count=10)
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(stuck.xero_export_state, "queued", "an outage keeps it queued for the next run")
        self.sandbox.clear_faults()
        other = self.make_move()
        # The stuck one's lookup fails (Xero down for reads), the other goes through.
        self.sandbox.add_fault("500", method="GET", path="/Invoices$", count=10)
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertTrue(other.xero_id, other.xero_error)
        self.assertFalse(stuck.xero_id)
        self.assertEqual(stuck.xero_export_state, "queued")
        self.assertIn("could not be asked", stuck.xero_error)
        self.sandbox.clear_faults()
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertTrue(stuck.xero_id)
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceNumber"] == stuck.name]), 1)

    def test_one_cache_list_refused_with_403_does_not_stop_the_others(self):
        partner = self.env["res.partner"].create({"name": f"Fresh Contact {uuid.uuid4().hex[:6]}"})
        self.sandbox.as_user(
            self.org_a["tenantId"], "PUT", "/Contacts", json={"Contacts": [{"Name": partner.name}]}
        )
        self.sandbox.add_fault("403", method="GET", path="/TrackingCategories")
        results = self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant)[self.tenant.id]
        self.assertIn("error", results["tracking"])
        self.assertIn("scope", results["tracking"]["error"])
        self.assertNotIn("error", results["contacts"])
        self.assertTrue(
            self.env["xero.contact"].search([("tenant_id", "=", self.tenant.id), ("name", "=", partner.name)])
        )
        summary = self.env["xero.cache.refresh.request"]._cache_summary({self.tenant.id: results})
        self.assertIn("Tracking categories not refreshed", summary)

    # --------------------------------------------------------------------- 6. messages
    def test_no_internal_object_reaches_the_user(self):
        param = "xero_connector.api_url"
        self.env["ir.config_parameter"].sudo().set_param(param, "http://127.0.0.1:9/api.xro/2.0")
        move = self.make_move()
        message = _export_failing(move) or move.xero_error
        self.assertIn("could not be reached", message)
        for internal in ("object at 0x", "HTTPConnection", "Max retries", "Errno"):
            self.assertNotIn(internal, message)
            self.assertNotIn(internal, self.env["xero.sync.log"].search([], limit=1).message or "")

    # --------------------------------------------------------------- 7. contact update
    def test_contact_update_answered_with_another_contact_is_an_error(self):
        move = self.make_move()
        move.action_xero_export()
        self.env["res.partner"].create(
            {"name": f"Someone Else {uuid.uuid4().hex[:6]}"}
        )._xero_export_contacts(self.tenant)
        self.sandbox.add_fault("other_document", method="POST", path="/Contacts$")
        results = self.customer._xero_update_contacts(self.tenant)
        self.assertEqual(results[self.customer]["status"], "error")
        self.assertIn("another contact", results[self.customer]["message"])

    # ------------------------------------------------------------ connect / disconnect
    def test_connect_survives_organisation_500_and_disconnect_survives_revoke_down(self):
        self.sandbox.add_fault("500", method="GET", path="/Organisation$", count=10)
        connection = self.connect_directly(self.xero_manager, [self.org_a["tenantId"]])
        self.assertEqual(connection.state, "connected")
        self.assertEqual(connection.tenant_ids, self.tenant)
        self.assertIn("could not be read yet", connection.message_ids[0].body)
        self.sandbox.clear_faults()
        self.sandbox.add_fault("503", method="POST", path="/connect/revocation", count=10)
        action = connection.with_user(self.xero_manager).action_disconnect()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Odoo forgot the Xero login", action["params"]["message"])
        self.assertEqual(connection.state, "disconnected")
        self.assertFalse(connection.sudo().refresh_token)


@tagged("post_install", "-at_install")
class TestEdgesPayments(XeroPaymentCase):
    def test_payment_registered_again_after_a_rollback_reaches_xero_once(self):
        move = self.exported()
        # Register Payment reaches Xero, then the user's transaction rolls back.
        try:
            with self.env.cr.savepoint():
                self.register(move, 60.0, communication="Transfer 1")
                self.assertEqual(len(self.xero_payments_of(move)), 1)
                raise _RolledBack()
        except _RolledBack:
            pass
        self.assertFalse(self.odoo_payments(move))
        payment = self.register(move, 60.0, communication="Transfer 1")
        in_xero = self.xero_payments_of(move)
        self.assertEqual(len(in_xero), 1, "the retry must not make a second payment in Xero")
        self.assertEqual(payment.xero_payment_id, in_xero[0]["PaymentID"])
        # A second genuine payment of the same amount is a payment of its own.
        self.register(move, 60.0, communication="Transfer 1")
        self.assertEqual(len(self.xero_payments_of(move)), 2)

    def test_lost_answer_then_send_finds_the_payment_and_clears_the_activity(self):
        move = self.exported()
        self.sandbox.add_fault("lost_response", method="PUT", path="/Payments$", count=10)
        payment = self.register(move, 25.0, communication="Card 77")
        self.assertFalse(payment.xero_payment_id)
        self.assertTrue(payment.xero_error)
        self.assertNotIn("object at 0x", payment.xero_error)
        self.assertIn("Payment not sent to Xero", payment.activity_ids.mapped("summary"))
        self.assertEqual(len(self.xero_payments_of(move)), 1, "Xero did take it")
        self.sandbox.clear_faults()
        puts = len(self.puts("/Payments"))
        payment.action_xero_send()
        self.assertEqual(len(self.puts("/Payments")), puts, "found by lookup, not sent again")
        self.assertEqual(payment.xero_payment_id, self.xero_payments_of(move)[0]["PaymentID"])
        self.assertFalse(payment.xero_error)
        self.assertNotIn("Payment not sent to Xero", payment.activity_ids.mapped("summary"))

    def test_outage_then_cron_sends_the_payment_once(self):
        move = self.exported()
        self.sandbox.add_fault("503", method="PUT", path="/Payments$", count=10)
        payment = self.register(move, 30.0)
        self.assertFalse(payment.xero_payment_id)
        self.assertEqual(self.xero_payments_of(move), [])
        self.sandbox.clear_faults()
        self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertTrue(payment.xero_payment_id)
        self.assertEqual(len(self.xero_payments_of(move)), 1)
        self.assertFalse(payment.activity_ids.filtered(lambda a: a.summary == "Payment not sent to Xero"))

    def test_credit_note_allocated_in_xero_reconciles_the_odoo_credit_note(self):
        self.company.xero_payments_to_xero = False
        move = self.exported(lines=[{"name": "Consulting", "quantity": 1, "price_unit": 100.0}])
        # A credit note of its own (not a reversal, which Odoo may reconcile by itself).
        credit = self.make_move("out_refund", lines=[{"name": "Goodwill", "quantity": 1, "price_unit": 30.0}])
        self.assertTrue(credit.currency_id.compare_amounts(credit.amount_residual, credit.amount_total) == 0)
        credit.action_xero_export()
        self.assertEqual(credit.xero_status, "AUTHORISED")
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "PUT",
            f"/CreditNotes/{credit.xero_id}/Allocations",
            json={
                "Allocations": [
                    {
                        "Invoice": {"InvoiceID": move.xero_id},
                        "Amount": credit.amount_total,
                        "Date": str(fields.Date.today()),
                    }
                ]
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        payments_before = self.env["account.payment"].search_count([])
        stats = self.sync()
        self.assertEqual(stats.get("reconciled"), 1)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before, "no invented payment")
        self.assertTrue(credit.currency_id.is_zero(credit.amount_residual), "the credit note is used")
        self.assertAlmostEqual(move.amount_residual, move.amount_total - credit.amount_total, places=2)
        self.assertEqual(self.sync()["created"], 0)

    def test_zero_due_without_money_is_not_paid(self):
        move = self.exported()
        move._xero_write_fields({"xero_total": 0.0})
        move._xero_state_from_payments()
        self.assertEqual(move.xero_status, "AUTHORISED")


@tagged("post_install", "-at_install")
class TestEdgesTours(XeroExportCase):
    """The edges' states, seen and pressed in a browser by a Xero user."""

    def form_url(self, move):
        return f"/odoo/action-account.action_move_out_invoice_type/{move.id}"

    def test_differs_in_xero_is_shown_with_both_totals(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_move(lines=[{"name": "Consulting", "quantity": 1, "price_unit": 40.0}])
        self.export_with_every_answer_lost(move, "/Invoices$")
        move.button_draft()
        move.invoice_line_ids.price_unit = 70.0
        move.action_post()
        move.action_xero_export()
        self.assertEqual(move.xero_export_state, "differs")
        self.start_tour(self.form_url(move), "xero_differs_tour", login="xero_clerk")

    def test_clear_exported_during_an_outage_in_the_browser(self):
        move = self.make_move()
        move.action_xero_export()
        self.sandbox.add_fault("503", method="GET", path=f"/Invoices/{move.xero_id}", count=100)
        self.start_tour(self.form_url(move), "xero_clear_outage_tour", login="xero_clerk")
        self.assertTrue(move.xero_id, "nothing was cleared")
        self.assertEqual(move.xero_export_state, "exported")
