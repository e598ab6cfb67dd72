from odoo.tests import tagged

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
