"""Exactly once, the cases the fault matrix does not cover: decisions taken from Xero's answer
at the action (never from the caller), the export lock against any write, and nothing recorded
for a write that could not be sent."""

import uuid
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_payments import XeroPaymentCase
from .test_purchase_order_export import XeroPurchaseOrderCase


@tagged("post_install", "-at_install")
class TestExactlyOnce(XeroPurchaseOrderCase):
    def test_clear_exported_decides_on_xeros_answer_not_the_callers(self):
        """A plain Xero user writes gone_in_xero/xero_status on the wizard of a bill that is
        DRAFT in Xero: the wizard shows Xero's answer, and clearing is refused."""
        self.company.xero_invoice_status = "DRAFT"
        bill = self.make_move("in_invoice", ref="SUP-DRAFT-1")
        bill.action_xero_export()
        self.assertEqual(bill.xero_status, "DRAFT")
        Wizard = self.env["xero.clear.exported.wizard"].with_user(self.xero_user)
        wizard = Wizard.create({"move_id": bill.id, "gone_in_xero": True, "xero_status": "VOIDED"})
        self.assertFalse(wizard.gone_in_xero)
        self.assertEqual(wizard.xero_status, "DRAFT")
        wizard.write({"gone_in_xero": True, "xero_status": "VOIDED"})
        with self.assertRaises(AccessError):
            wizard.action_clear()
        self.assertTrue(bill.xero_id, "still linked: exporting again would duplicate it")
        self.assertNotIn("VOIDED in Xero", " ".join(bill.message_ids.mapped("body")))

    def test_the_export_lock_holds_against_any_write(self):
        """An invoicing user without Xero rights cannot reset an exported invoice to draft by
        writing its state, nor change its lines' amounts."""
        clerk = new_test_user(
            self.env, login="plain_invoicing", groups="base.group_user,account.group_account_invoice"
        )
        move = self.make_move()
        move.action_xero_export()
        self.assertTrue(move.xero_id)
        with self.assertRaisesRegex(UserError, "exported to Xero, so it cannot be changed"):
            move.with_user(clerk).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "exported to Xero"):
            move.sudo().write({"state": "draft"})
        line = move.invoice_line_ids[0]
        with self.assertRaisesRegex(UserError, "exported to Xero"):
            line.with_context(check_move_validity=False).sudo().write({"price_unit": 3457.26})
        with self.assertRaisesRegex(UserError, "exported to Xero"):
            move.sudo().write({"invoice_line_ids": [Command.create({"name": "More", "price_unit": 5})]})
        self.assertEqual(move.state, "posted")
        self.assertAlmostEqual(move.amount_total, move.xero_total, places=2)
        # Unlocked by the company: Odoo's own rules again.
        self.company.xero_lock_exported = False
        move.with_user(clerk).button_draft()
        self.assertEqual(move.state, "draft")

    def test_a_write_that_cannot_go_records_no_attempt(self):
        """The login lacks the invoices scope: the export is refused before anything is
        recorded, so the next export (scope granted) sends without a lookup first."""
        connection = self.connection_of(self.xero_manager)
        granted = connection.scope
        connection.sudo().scope = "offline_access accounting.contacts accounting.settings"
        move = self.make_move()
        with self.assertRaisesRegex(UserError, "needs the Xero permission accounting.invoices"):
            move.action_xero_export()
        self.assertFalse(self.env["xero.export.attempt"]._in_doubt(move), "nothing was sent")
        connection.sudo().scope = granted
        mark = self.sandbox.calls()["next"]
        move.action_xero_export()
        self.assertTrue(move.xero_id)
        sent = [c["endpoint"] for c in self.sandbox.calls(since=mark)["log"]]
        self.assertNotIn("GET /Invoices", sent, "no lookup spent on a call never sent")

    def test_a_purchase_order_outage_is_not_a_deletion(self):
        order = self.make_po()
        order.action_xero_export()
        self.assertTrue(order.xero_id)
        self.sandbox.add_fault("503", method="GET", path=f"/PurchaseOrders/{order.xero_id}", count=100)
        with self.assertRaisesRegex(UserError, "could not be asked .* try again"):
            order.with_user(self.buyer).action_xero_refresh()
        self.assertEqual(order.xero_status, "DRAFT")
        with self.assertRaisesRegex(UserError, "could not be asked"), self.env.cr.savepoint():
            order.button_cancel()
        self.assertNotEqual(order.state, "cancel")
        self.sandbox.clear_faults()
        # Xero's own answer does count: deleted there, Update from Xero says so.
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/PurchaseOrders/{order.xero_id}",
            json={"PurchaseOrders": [{"Status": "DELETED"}]},
        )
        order.with_user(self.buyer).action_xero_refresh()
        self.assertEqual(order.xero_status, "DELETED")

    def test_a_purchase_order_without_taxes_is_sent(self):
        """No tax on the order: NoTax in Xero, and no taxed default TaxType on its lines."""
        order = self.make_po(
            lines=[
                {
                    "product_id": self.freight.id,
                    "product_qty": 2,
                    "price_unit": 40.0,
                    "taxes_id": [Command.clear()],
                }
            ]
        )
        order.action_xero_export()
        self.assertTrue(order.xero_id, order.xero_error)
        twin = self.xero_po(order)
        self.assertEqual(twin["LineAmountTypes"], "NoTax")
        self.assertAlmostEqual(twin["Total"], 80.0, places=2)

    def test_a_bill_sent_from_a_purchase_order_is_not_in_xero_only(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref=f"VAR-{uuid.uuid4().hex[:6]}")
        order.action_xero_export()
        self.assertEqual(order.xero_kind, "bill")
        day = order.date_order.date()
        report = (
            self.env["xero.variance.report"]
            .with_user(self.xero_user)
            .create(
                {
                    "date_from": day,
                    "date_to": day,
                    "document_kind": "purchases",
                    "tenant_ids": [Command.set(self.tenant.ids)],
                }
            )
        )
        report.action_run()
        xero_only = report.line_ids.filtered(lambda line: line.state == "xero_only")
        self.assertNotIn(order.xero_id, xero_only.mapped("xero_id"), "Odoo sent it: not Xero's only")

    def test_total_failures_are_not_shown_as_successes(self):
        """Refreshing the cache while the login must be reconnected, and Export all in a
        company without organisation: said as failures, not green."""
        connection = self.connection_of(self.xero_manager)
        connection.sudo().state = "reconnect"
        wizard = (
            self.env["xero.cache.refresh.wizard"]
            .with_user(self.xero_manager)
            .create(
                {
                    "tenant_scope": "one",
                    "tenant_id": self.tenant.id,
                    "everything": False,
                    "refresh_currencies": True,
                }
            )
        )
        action = wizard.action_refresh()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("reconnected", action["params"]["message"])
        connection.sudo().state = "connected"
        lonely = self.env["res.company"].create({"name": "No Xero Ltd"})
        with self.assertRaisesRegex(UserError, "Nothing was exported: No Xero Ltd has no Xero organisation"):
            self.env["account.move"].with_company(lonely).with_context(
                allowed_company_ids=lonely.ids
            ).action_xero_export_all()


class _Killed(Exception):
    """The process died after Xero accepted the write, before Odoo wrote it back."""


@tagged("post_install", "-at_install")
class TestPaymentsInDoubt(XeroPaymentCase):
    def test_the_sync_links_the_payment_a_killed_send_created(self):
        """Send to Xero reaches Xero, then the process dies: the payment settles the invoice in
        Xero (PAID), Odoo's payment carries no error for the retry to pick up. The payment
        sync reads Xero's payment and links it to the Odoo payment in doubt, instead of
        bringing it in a second time."""
        self.company.xero_payments_to_xero = False
        move = self.exported()
        payment = self.register(move, move.amount_total, communication="Killed send")
        self.company.xero_payments_to_xero = True
        # Not assertRaises: it rolls back to a savepoint, and with it the attempt, which in
        # production the sender commits in a transaction of its own.
        with patch.object(type(payment), "_xero_link_sent_payment", side_effect=_Killed()):
            try:
                payment.action_xero_send()
            except _Killed:
                pass
            else:
                self.fail("the process was to die after Xero accepted the payment")
        self.assertFalse(payment.xero_payment_id)
        self.assertFalse(payment.xero_error)
        [in_xero] = self.xero_payments_of(move)
        self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertEqual(payment.xero_payment_id, in_xero["PaymentID"])
        self.assertEqual(self.odoo_payments(move), payment, "not brought into Odoo a second time")
        self.assertEqual(move.xero_status, "PAID")
        self.assertEqual(len(self.xero_payments_of(move)), 1)
