from odoo.tests import new_test_user, tagged

from .test_purchase_order_export import XeroPurchaseOrderCase


@tagged("post_install", "-at_install")
class TestPurchaseOrderTours(XeroPurchaseOrderCase):
    """ "Add to Xero" on the purchase-order form, pressed in a browser by a buyer who is a Xero user."""

    def test_add_to_xero_button(self):
        order = self.make_po()
        self.assertFalse(order.xero_id)
        self.start_tour(
            f"/odoo/action-purchase.purchase_form_action/{order.id}", "xero_po_add_tour", login="xero_buyer"
        )
        self.assertTrue(order.xero_id, order.xero_error)
        twins = [p for p in self.in_xero("PurchaseOrders") if p["PurchaseOrderNumber"] == order.name]
        self.assertEqual(len(twins), 1, "one purchase order of that number in Xero")
        self.assertEqual(twins[0]["PurchaseOrderID"], order.xero_id)
        self.assertAlmostEqual(twins[0]["Total"], order.amount_total, places=2)

    def test_readme_step_10_confirm_receive_bill_in_bill_mode(self):
        """README step 10 in Chicago's set-up (orders go to Xero as bills on confirmation): the
        buyer confirms, the queue sends the order, the buyer receives the products, creates the
        bill and confirms it; the bill is the order's Xero bill, not sent again."""
        self.company.write({"xero_po_mode": "bill", "xero_po_trigger": "confirm"})
        new_test_user(
            self.env,
            login="xero_receiver",
            groups="base.group_user,purchase.group_purchase_user,stock.group_stock_user,"
            "account.group_account_invoice,xero_connector.group_xero_user",
        )
        lamps = self.env["product.product"].create(
            {"name": "Office lamp", "type": "consu", "purchase_method": "receive", "standard_price": 38}
        )
        order = self.make_po(
            lines=[{"product_id": lamps.id, "product_qty": 15, "price_unit": 38.0}], confirm=False
        )
        self.start_tour(
            f"/odoo/action-purchase.purchase_rfq/{order.id}",
            "xero_po_bill_confirm_tour",
            login="xero_receiver",
        )
        self.assertEqual(order.xero_export_state, "queued")
        self.run_cron("account.move", "_cron_xero_export_queue")  # the queue, woken by the confirmation
        self.assertEqual((order.xero_kind, order.xero_export_state), ("bill", "exported"), order.xero_error)
        puts = len(self.puts())
        self.start_tour(
            f"/odoo/action-purchase.purchase_rfq/{order.id}",
            "xero_po_bill_receive_tour",
            login="xero_receiver",
        )
        bill = order.invoice_ids
        self.assertEqual(bill.state, "posted")
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(bill.xero_id, order.xero_id, "the Odoo bill is the Xero bill of its order")
        self.assertEqual(len(self.puts()), puts, "nothing sent for the bill")
        self.assertIn("Linked to the Xero bill", " ".join(bill.message_ids.mapped("body")))
        twins = [i for i in self.in_xero() if i.get("InvoiceID") == order.xero_id]
        self.assertEqual(len(twins), 1)
        self.assertAlmostEqual(twins[0]["Total"], order.amount_total, places=2)
