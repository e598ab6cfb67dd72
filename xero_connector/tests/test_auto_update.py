"""Automatic updates: an exported document changed in Odoo is sent again by the queue while
Xero accepts changes; once Xero refuses (paid there), it is *Differs in Xero* with Xero's words."""

import uuid

from odoo.tests import tagged

from .test_payments import XeroPaymentCase


@tagged("post_install", "-at_install")
class TestAutoUpdate(XeroPaymentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"xero_auto_update": True, "xero_lock_exported": False})

    def edit(self, move, price):
        move.button_draft()
        move.invoice_line_ids[0].price_unit = price
        move.action_post()

    def xero_total(self, move):
        return next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)["Total"]

    def test_changed_invoice_is_updated_in_xero_by_the_queue(self):
        move = self.exported()
        self.assertFalse(move.xero_update_queued)
        self.edit(move, 200.0)
        self.assertTrue(move.xero_update_queued)
        self.run_cron("account.move", "_cron_xero_update_queue")
        self.assertFalse(move.xero_update_queued)
        self.assertAlmostEqual(self.xero_total(move), move.amount_total, places=2)
        self.assertEqual(move.xero_export_state, "exported")
        # nothing queued, nothing sent again
        mark = self.sandbox.calls(since=10**12)["next"]
        self.run_cron("account.move", "_cron_xero_update_queue")
        self.assertFalse([c for c in self.sandbox.calls(since=mark)["log"] if c["method"] == "POST"])

    def test_paid_in_xero_the_change_differs(self):
        move = self.exported()
        before = self.xero_total(move)
        self.pay_in_xero(move, 10.0)
        self.edit(move, 300.0)
        self.run_cron("account.move", "_cron_xero_update_queue")
        self.assertFalse(move.xero_update_queued)
        self.assertEqual(move.xero_export_state, "differs")
        self.assertIn("not of valid status for modification", move.xero_difference)
        self.assertIn("Differs in Xero", move.activity_ids.mapped("summary"))
        self.assertAlmostEqual(self.xero_total(move), before, places=2)

    def test_setting_off_queues_nothing(self):
        self.company.xero_auto_update = False
        move = self.exported()
        self.edit(move, 250.0)
        self.assertFalse(move.xero_update_queued)

    # --------------------------------------------------------------------------------------
    def product(self, code):
        return self.env["product.product"].create(
            {
                "name": f"Widget {code}",
                "default_code": code,
                "list_price": 42.0,
                "taxes_id": [(6, 0, self.tax_sale.ids)],
                "purchase_ok": False,
            }
        )

    def test_product_without_item_becomes_one_on_export(self):
        self.company.xero_auto_create_items = True
        code = f"W-{uuid.uuid4().hex[:8].upper()}"
        product = self.product(code)
        move = self.exported(lines=[{"product_id": product.id, "quantity": 2, "price_unit": 42.0}])
        items = [i for i in self.sandbox.dump(self.org_a["tenantId"], "Items") if i["Code"] == code]
        self.assertEqual(len(items), 1)
        self.assertEqual(product._xero_item(self.tenant).xero_id, items[0]["ItemID"])
        invoice = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        self.assertEqual(invoice["LineItems"][0]["ItemCode"], code)
        # the next document uses the same item
        self.exported(lines=[{"product_id": product.id, "quantity": 1, "price_unit": 42.0}])
        self.assertEqual(
            len([i for i in self.sandbox.dump(self.org_a["tenantId"], "Items") if i["Code"] == code]), 1
        )

    def test_item_code_over_30_characters_stops_the_document(self):
        self.company.xero_auto_create_items = True
        code = "L" * 31
        product = self.product(code)
        move = self.make_move(lines=[{"product_id": product.id, "quantity": 1, "price_unit": 42.0}])
        result = move._xero_export(raise_on_problems=False)
        self.assertFalse(move.xero_id)
        self.assertIn("at most 30", result["failed"][move])
        self.assertFalse([i for i in self.sandbox.dump(self.org_a["tenantId"], "Items") if i["Code"] == code])

    def test_send_and_print_exports_when_set(self):
        self.company.xero_export_on_send = True
        move = self.make_move()
        self.assertEqual(move.xero_export_state, "not_exported")
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        wizard.action_send_and_print()
        self.assertTrue(move.is_move_sent)
        self.assertEqual(move.xero_export_state, "queued")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertTrue(move.xero_id)
        self.assertTrue([i for i in self.in_xero() if i["InvoiceID"] == move.xero_id])

    def test_send_without_the_setting_exports_nothing(self):
        move = self.make_move()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        wizard.action_send_and_print()
        self.assertTrue(move.is_move_sent)
        self.assertEqual(move.xero_export_state, "not_exported")

    def test_credit_note_reconciled_with_another_invoice_is_allocated_in_xero(self):
        self.company.xero_allocate_credit_notes = True
        invoice = self.exported()
        credit_note = self.exported(
            move_type="out_refund", lines=[{"name": "Goodwill", "quantity": 1, "price_unit": 100.0}]
        )
        self.assertFalse(credit_note.reversed_entry_id)
        receivable = (invoice | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.reconcile()
        in_xero = next(i for i in self.in_xero() if i["InvoiceID"] == invoice.xero_id)
        self.assertAlmostEqual(in_xero["AmountCredited"], credit_note.amount_total, places=2)
        self.assertAlmostEqual(
            in_xero["AmountDue"], invoice.amount_total - credit_note.amount_total, places=2
        )
        self.assertIn("Allocated in Xero", " ".join(credit_note.message_ids.mapped("body")))
        # Xero's allocation, read back by the payment sync, is not sent again
        mark = self.sandbox.calls(since=10**12)["next"]
        self.sync()
        self.assertFalse([c for c in self.sandbox.calls(since=mark)["log"] if c["method"] in ("PUT", "POST")])
