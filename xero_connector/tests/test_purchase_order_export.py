import uuid
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_export import XeroExportCase


class XeroPurchaseOrderCase(XeroExportCase):
    """XeroExportCase plus a buyer, service products (billed on ordered quantities) and a
    purchase-order sequence of its own per test (Xero keeps what earlier tests sent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            login="xero_buyer",
            groups="base.group_user,purchase.group_purchase_user,account.group_account_invoice,"
            "xero_connector.group_xero_user",
        )
        Product = cls.env["product.product"]
        cls.chairs = Product.create(
            {"name": "Office chair", "type": "consu", "purchase_method": "purchase", "standard_price": 120}
        )
        cls.freight = Product.create({"name": "Freight", "type": "service", "purchase_method": "purchase"})

    def setUp(self):
        super().setUp()
        self.send_purchase_orders_by_hand("P")

    # --------------------------------------------------------------------------------------
    def make_po(self, lines=None, confirm=True, **values):
        lines = lines or [
            {"product_id": self.chairs.id, "product_qty": 4, "price_unit": 120.0},
            {"product_id": self.freight.id, "product_qty": 1, "price_unit": 35.5},
        ]
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create({"taxes_id": [Command.set(self.tax_purchase.ids)], **line})
                    for line in lines
                ],
                **values,
            }
        )
        if confirm:
            order.button_confirm()
        return order

    def answered_calls(self, mark):
        """This class's calls to Xero since ``mark``, those refused for the rate limit aside."""
        return [
            c
            for c in self.sandbox.calls(mark)["log"]
            if c["tenant"] == self.org_a["tenantId"] and c["status"] != 429
        ]

    def xero_po(self, order):
        found = [p for p in self.in_xero("PurchaseOrders") if p.get("PurchaseOrderID") == order.xero_id]
        return found[0] if found else None

    def bill_from(self, order, lines=None):
        """A vendor bill made from ``order`` (all its lines, or ``lines`` {po line: qty})."""
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": order.partner_id.id,
                "invoice_date": fields.Date.today(),
                "ref": order.partner_ref,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": qty,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.taxes_id.ids)],
                            "purchase_line_id": line.id,
                        }
                    )
                    for line, qty in (lines or {line: line.product_qty for line in order.order_line}).items()
                ],
            }
        )
        return bill


@tagged("post_install", "-at_install")
class TestPurchaseOrderExport(XeroPurchaseOrderCase):
    # -------------------------------------------------------------- as Xero purchase orders
    def test_selection_goes_as_purchase_orders_in_one_call_once(self):
        orders = self.make_po() | self.make_po(
            lines=[{"product_id": self.chairs.id, "product_qty": 3, "price_unit": 10.0, "discount": 12.5}],
            partner_ref="V-1001",
        )
        before = len(self.puts("/PurchaseOrders"))
        orders.with_user(self.buyer).action_xero_export()
        self.assertEqual(len(self.puts("/PurchaseOrders")) - before, 1, "one call for the selection")
        for order in orders:
            self.assertEqual(order.xero_export_state, "exported", order.xero_error)
            self.assertEqual(order.xero_kind, "purchase_order")
            twin = self.xero_po(order)
            self.assertEqual(twin["PurchaseOrderNumber"], order.name)
            self.assertEqual(order.xero_number, order.name)
            self.assertEqual(twin["Status"], "DRAFT")
            self.assertAlmostEqual(twin["Total"], order.amount_total, places=2)
            self.assertEqual(
                twin["DeliveryDateString"][:10], fields.Date.to_string(order.date_planned.date())
            )
            self.assertIn(self.company.name, twin["DeliveryAddress"])
            self.assertFalse(twin["IsDiscounted"], "Xero takes no discount on purchase orders")
        discounted = self.xero_po(orders[1])
        self.assertEqual(discounted["Reference"], "V-1001")
        self.assertEqual(discounted["LineItems"][0]["Quantity"], 3.0)
        self.assertEqual(discounted["LineItems"][0]["UnitAmount"], 8.75, "12.5% off folded into the price")
        self.assertIn("Sent to Xero", orders[0].message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            orders[0].with_user(self.buyer).action_xero_export()
        numbers = [p["PurchaseOrderNumber"] for p in self.in_xero("PurchaseOrders")]
        self.assertEqual(numbers.count(orders[0].name), 1)

    def test_price_xero_cannot_express_goes_as_one_unit_at_the_exact_total(self):
        order = self.make_po(
            lines=[{"product_id": self.chairs.id, "product_qty": 20000, "price_unit": 0.12569}]
        )
        order.action_xero_export()
        twin = self.xero_po(order)
        line = twin["LineItems"][0]
        self.assertEqual((line["Quantity"], line["UnitAmount"]), (1.0, 2513.8))
        self.assertIn("20,000 x", line["Description"])
        self.assertAlmostEqual(twin["Total"], order.amount_total, places=2)

    def test_off_sends_nothing(self):
        self.company.write({"xero_po_mode": "none", "xero_po_trigger": "confirm"})
        order = self.make_po()
        self.assertEqual(order.xero_export_state, "not_exported")
        before = len(self.puts("/PurchaseOrders"))
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            order.action_xero_export()
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(len(self.puts("/PurchaseOrders")), before)
        self.assertFalse(order.xero_id)

    def test_confirmation_queues_and_the_invoice_cron_sends(self):
        self.company.xero_po_trigger = "confirm"
        order = self.make_po()
        self.assertEqual(order.xero_export_state, "queued")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "exported", order.xero_error)
        self.assertTrue(self.xero_po(order))

    def test_vendor_reference_triggers_sending(self):
        self.company.xero_po_trigger = "vendor_ref"
        order = self.make_po()
        self.assertEqual(order.xero_export_state, "not_exported", "no vendor reference yet")
        order.partner_ref = "SUP-INV-5521"
        self.assertEqual(order.xero_export_state, "queued")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(self.xero_po(order)["Reference"], "SUP-INV-5521")

    def test_every_problem_listed_nothing_sent(self):
        unmapped = self.env["account.tax"].create(
            {"name": "Import duty 5%", "amount": 5, "type_tax_use": "purchase"}
        )
        order = self.make_po(
            lines=[
                {"product_id": self.chairs.id, "product_qty": 1, "price_unit": 10.0},
                {"product_id": self.freight.id, "product_qty": 1, "price_unit": 10.0},
            ]
        )
        order.order_line[0].taxes_id = unmapped
        order.order_line[1].taxes_id = self.tax_purchase | unmapped
        before = len(self.puts("/PurchaseOrders"))
        with self.assertRaises(UserError) as caught:
            order.action_xero_export()
        message = str(caught.exception)
        self.assertIn("Import duty 5% has no Xero tax rate", message)
        self.assertIn("carries several taxes", message)
        self.assertEqual(len(self.puts("/PurchaseOrders")), before)

    def test_update_while_draft_refused_once_approved(self):
        order = self.make_po()
        order.action_xero_export()
        order.order_line[0].price_unit = 99.0
        order.action_xero_update()
        self.assertAlmostEqual(self.xero_po(order)["Total"], order.amount_total, places=2)
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/PurchaseOrders/{order.xero_id}",
            json={"PurchaseOrders": [{"Status": "AUTHORISED"}]},
        )
        order.action_xero_refresh()
        self.assertEqual(order.xero_status, "AUTHORISED")
        order.order_line[0].price_unit = 98.0
        with self.assertRaisesRegex(
            UserError, "Xero refused updating .*not of valid status for modification"
        ):
            order.action_xero_update()

    def test_lost_answer_makes_no_duplicate(self):
        order = self.make_po()
        self.sandbox.add_fault(
            "lost_response", method="PUT", path="/PurchaseOrders", tenant=self.org_a["tenantId"]
        )
        order.action_xero_export()
        self.assertTrue(order.xero_id)
        numbers = [p["PurchaseOrderNumber"] for p in self.in_xero("PurchaseOrders")]
        self.assertEqual(numbers.count(order.name), 1)

    def test_interrupted_send_is_found_and_linked_not_sent_again(self):
        order = self.make_po()
        self.export_with_every_answer_lost(order, "/PurchaseOrders")
        puts = len(self.puts("/PurchaseOrders"))
        order.action_xero_export()
        self.assertTrue(order.xero_id, order.xero_error)
        self.assertEqual(len(self.puts("/PurchaseOrders")), puts, "found in Xero, not sent again")
        numbers = [p["PurchaseOrderNumber"] for p in self.in_xero("PurchaseOrders")]
        self.assertEqual(numbers.count(order.name), 1)

    def _in_xero_as(self, order, path, number):
        """The documents at ``path`` in Xero whose ``number`` field is ``order``'s (its
        vendor reference as a bill, else its name)."""
        mine = order.partner_ref or order.name
        return [d for d in self.in_xero(path.strip("/")) if d.get(number) == mine]

    def _queue_exports_it_after_its_wait(self, order, path, number, key):
        """The export queue leaves the queued ``order`` alone before its next-try time and
        exports it after: one document of its number in Xero, the one it is linked to."""
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "queued", "not before its next-try time")
        self.assertFalse(order.xero_id)
        # Odoo's clock only: moving the sandbox's an hour on would outlive the grace of the
        # refresh token this test's rolled-back transaction rotates, breaking the next tests.
        with freeze_time(order.xero_next_try_at + timedelta(minutes=1)):
            self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "exported", order.xero_error)
        self.assertFalse(order.xero_next_try_at)
        self.assertEqual([d[key] for d in self._in_xero_as(order, path, number)], [order.xero_id])

    def _long_retry_after_on_the_lookup(self, order, path, number, key):
        """Sent, answer lost; the lookup then gets a Retry-After too long to sleep: the order
        stays queued with its next-try time (not failed, not sent again), and the queue after
        the wait finds it in Xero and links it, once."""
        self.export_with_every_answer_lost(order, path)
        self.sandbox.add_fault("429", method="GET", path=path + "$", retry_after=60, problem="minute")
        puts = len(self.puts(path))
        order.with_user(self.buyer).action_xero_export()
        self.assertEqual(order.xero_export_state, "queued", order.xero_error)
        self.assertTrue(order.xero_next_try_at)
        self.assertFalse(order.xero_error)
        self.assertEqual(len(self.puts(path)), puts, "in doubt: not sent again")
        self.assertTrue(self.env["xero.export.attempt"]._in_doubt(order), "still looked up next time")
        self.sandbox.clear_faults()
        self.sandbox.advance(120)
        self._queue_exports_it_after_its_wait(order, path, number, key)
        self.assertEqual(len(self.puts(path)), puts, "found, not sent again")

    def test_a_long_retry_after_on_the_lookup_of_an_order_in_doubt_keeps_it_queued(self):
        self._long_retry_after_on_the_lookup(
            self.make_po(), "/PurchaseOrders", "PurchaseOrderNumber", "PurchaseOrderID"
        )

    def test_as_bill_a_long_retry_after_on_the_lookup_keeps_the_order_queued(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref=f"WAIT-{uuid.uuid4().hex[:6]}")
        self._long_retry_after_on_the_lookup(order, "/Invoices", "InvoiceNumber", "InvoiceID")

    def _long_retry_after_on_the_send(self, order, path, number, key):
        """Xero answers the PUT itself with a 429 and a Retry-After of an hour: it created
        nothing, so the order stays queued until then (no error, no activity, no attempt in
        doubt), the queue leaves it alone before, and sends it once after."""
        self.sandbox.add_fault("429", method="PUT", path=path + "$", retry_after=3600, problem="day")
        start = fields.Datetime.now()
        order.with_user(self.buyer).action_xero_export()
        self.assertEqual(order.xero_export_state, "queued", order.xero_error)
        self.assertFalse(order.xero_error)
        self.assertFalse(order.xero_id)
        self.assertFalse(order.activity_ids)
        self.assertTrue(order.xero_next_try_at)
        wait = (order.xero_next_try_at - start).total_seconds()
        self.assertTrue(3500 <= wait <= 3700, wait)
        self.assertFalse(self.env["xero.export.attempt"]._in_doubt(order), "Xero created nothing")
        self.assertFalse(self._in_xero_as(order, path, number))
        self.sandbox.clear_faults()
        self._queue_exports_it_after_its_wait(order, path, number, key)

    def test_a_long_retry_after_on_sending_keeps_the_order_queued(self):
        self._long_retry_after_on_the_send(
            self.make_po(), "/PurchaseOrders", "PurchaseOrderNumber", "PurchaseOrderID"
        )

    def test_as_bill_a_long_retry_after_on_sending_keeps_the_order_queued(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref=f"WAIT-{uuid.uuid4().hex[:6]}")
        self._long_retry_after_on_the_send(order, "/Invoices", "InvoiceNumber", "InvoiceID")

    def test_cancel_deletes_a_draft_in_xero_not_an_approved_one(self):
        draft = self.make_po()
        draft.action_xero_export()
        draft.button_cancel()
        self.assertEqual(draft.state, "cancel")
        self.assertEqual(self.xero_po(draft)["Status"], "DELETED")
        self.assertEqual(draft.xero_status, "DELETED")
        self.company.xero_po_status = "AUTHORISED"
        approved = self.make_po()
        approved.action_xero_export()
        with self.assertRaisesRegex(UserError, "is AUTHORISED in Xero .* Delete it in Xero"):
            approved.button_cancel()
        self.assertEqual(self.xero_po(approved)["Status"], "AUTHORISED")

    def test_clear_exported_then_send_again(self):
        order = self.make_po()
        order.action_xero_export()
        first = order.xero_id
        wizard = (
            self.env["xero.clear.exported.wizard"]
            .with_user(self.buyer)
            .create({"purchase_order_id": order.id})
        )
        self.assertFalse(wizard.gone_in_xero)
        with self.assertRaises(AccessError):
            wizard.action_clear()
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/PurchaseOrders/{first}",
            json={"PurchaseOrders": [{"Status": "DELETED"}]},
        )
        self.clear_gone_and_export_again(order, self.buyer, "purchase_order_id")

    def test_status_changes_in_xero_are_read_back(self):
        self.company.xero_po_status = "AUTHORISED"
        order = self.make_po()
        order.action_xero_export()
        self.env["purchase.order"]._xero_sync_purchase_orders(self.tenant)
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/PurchaseOrders/{order.xero_id}",
            json={"PurchaseOrders": [{"Status": "BILLED"}]},
        )
        mark = self.sandbox.calls()["next"]
        changed = self.env["purchase.order"]._xero_sync_purchase_orders(self.tenant)
        self.assertEqual(changed, 1)
        self.assertEqual(order.xero_status, "BILLED")
        self.assertEqual(len(self.answered_calls(mark)), 1, "one call: only what changed")

    def test_bills_of_a_purchase_order_carry_its_number(self):
        order = self.make_po(partner_ref="SUP-77")
        order.action_xero_export()
        bill = self.bill_from(order)
        bill.action_post()
        self.assertFalse(bill.xero_id, "as purchase orders, bills are exported on their own")
        bill.action_xero_export()
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == bill.xero_id)
        self.assertEqual(twin["Type"], "ACCPAY")
        self.assertEqual(twin["LineItems"][0]["Description"], f"Purchase order {order.name}")
        self.assertAlmostEqual(twin["Total"], bill.amount_total, places=2)

    def test_mapping_health_counts_unsent_orders_only_when_they_are_sent(self):
        self.make_po()
        Health = self.env["xero.mapping.health"]
        self.company.xero_po_mode = "none"
        health = Health.create({"tenant_id": self.tenant.id})
        health._check()
        without = health.document_count
        self.company.xero_po_mode = "bill"
        health._check()
        self.assertEqual(health.document_count, without + 1)

    # ----------------------------------------------------------------------- as Xero bills
    def test_as_bill_then_the_odoo_bill_is_linked_not_sent_again(self):
        self.company.write(
            {"xero_po_mode": "bill", "xero_invoice_status": "AUTHORISED", "xero_po_trigger": "vendor_ref"}
        )
        order = self.make_po()
        self.assertEqual(order.xero_export_state, "not_exported")
        order.partner_ref = "ACME-INV-9001"
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_kind, "bill", order.xero_error)
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == "ACME-INV-9001"]
        self.assertEqual(len(twins), 1)
        self.assertEqual(twins[0]["Type"], "ACCPAY")
        self.assertTrue(twins[0]["Url"].endswith(f"/odoo/purchase.order/{order.id}"))
        self.assertAlmostEqual(twins[0]["Total"], order.amount_total, places=2)
        self.company.xero_auto_export_purchases = True
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = fields.Date.today()
        puts = len(self.puts())
        bill.action_post()
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(bill.xero_id, order.xero_id, "the Odoo bill is the Xero bill of its order")
        self.assertEqual(bill.xero_export_state, "exported")
        self.assertEqual(len(self.puts()), puts, "nothing sent for the bill")
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            bill.action_xero_export()
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceNumber"] == "ACME-INV-9001"]), 1)
        # A payment made in Xero on that bill comes back on the Odoo bill.
        self.tenant.xero_payment_journal_id = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.pay_in_xero(bill, bill.amount_total)
        self.env["xero.payment"]._xero_sync_payments(self.tenant)
        self.assertIn(bill.payment_state, ("paid", "in_payment"))

    def test_as_bill_an_order_with_several_bills_is_not_sent_its_bills_are(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref="MULTI-1")
        first = self.bill_from(order, {order.order_line[0]: 4})
        second = self.bill_from(order, {order.order_line[1]: 1})
        first.ref, second.ref = "MULTI-1-A", "MULTI-1-B"
        (first | second).action_post()
        order.action_xero_export()
        self.assertEqual(order.xero_export_state, "bills")
        self.assertFalse(order.xero_id)
        (first | second).action_xero_export()
        self.assertTrue(first.xero_id and second.xero_id)
        self.assertNotEqual(first.xero_id, second.xero_id)
        own = [i for i in self.in_xero() if (i.get("Url") or "").endswith(f"/odoo/purchase.order/{order.id}")]
        self.assertFalse(own, "the order itself is not in Xero")

    def test_as_bill_a_second_bill_after_the_order_went_is_refused(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref="ONCE-1")
        order.action_xero_export()
        first = self.bill_from(order, {order.order_line[0]: 2})
        first.action_post()
        self.assertEqual(first.xero_id, order.xero_id)
        second = self.bill_from(order, {order.order_line[0]: 2})
        second.ref = "ONCE-1-B"
        second.action_post()
        with self.assertRaisesRegex(UserError, "already in Xero as the bill"):
            second.action_xero_export()
        self.assertFalse(second.xero_id)

    def test_only_xero_users_send(self):
        plain = new_test_user(
            self.env, login="plain_buyer", groups="base.group_user,purchase.group_purchase_user"
        )
        order = self.make_po()
        with self.assertRaises(AccessError):
            order.with_user(plain).action_xero_export()
        self.assertFalse(order.xero_id)

    def test_as_bill_interrupted_send_is_found_by_number_and_link_back(self):
        self.company.xero_po_mode = "bill"
        order = self.make_po(partner_ref="LOST-42")
        self.sandbox.add_fault("lost_response", method="PUT", path="/Invoices", count=10)
        try:
            order.action_xero_export()
        except UserError as error:
            self.assertIn("could not be reached", str(error))
        else:
            self.fail("every answer was lost: sending must fail")
        self.sandbox.clear_faults()
        puts = len(self.puts())
        order.action_xero_export()
        self.assertEqual(order.xero_kind, "bill", order.xero_error)
        self.assertEqual(len(self.puts()), puts, "found in Xero, not sent again")
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceNumber"] == "LOST-42"]), 1)

    def test_a_sent_order_changed_in_odoo_is_updated_by_the_queue_until_xero_refuses(self):
        self.company.xero_po_trigger = "confirm"
        order = self.make_po()
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "exported")
        order.write({"order_line": [Command.update(order.order_line[0].id, {"product_qty": 6})]})
        self.assertEqual(order.xero_export_state, "queued")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "exported", order.xero_error)
        self.assertAlmostEqual(self.xero_po(order)["Total"], order.amount_total, places=2)
        mark = self.sandbox.calls()["next"]
        order.write({"notes": order.notes})  # nothing Xero sees changed: no call
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(self.answered_calls(mark), [])
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/PurchaseOrders/{order.xero_id}",
            json={"PurchaseOrders": [{"Status": "AUTHORISED"}]},
        )
        order.write({"order_line": [Command.update(order.order_line[0].id, {"product_qty": 7})]})
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(order.xero_export_state, "error")
        self.assertIn("not of valid status for modification", order.xero_error)
        self.assertIn("not of valid status for modification", order.message_ids[0].body)
