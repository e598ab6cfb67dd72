from odoo.tests import tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestExportTours(XeroExportCase):
    """The Export to Xero button and the Xero check dialog, pressed in a browser by a Xero user."""

    def form_url(self, move):
        return f"/odoo/action-account.action_move_out_invoice_type/{move.id}"

    def test_export_button_then_exported_stat_button(self):
        move = self.make_move()
        self.assertFalse(move.xero_id)
        self.start_tour(self.form_url(move), "xero_export_tour", login="xero_clerk")
        self.assertTrue(move.xero_id, move.xero_error)
        self.assertEqual(move.xero_export_state, "exported")
        twins = [i for i in self.in_xero() if i["InvoiceNumber"] == move.name]
        self.assertEqual(len(twins), 1, "one invoice of that number in Xero")
        self.assertEqual(twins[0]["InvoiceID"], move.xero_id)
        self.assertAlmostEqual(twins[0]["Total"], move.amount_total, places=2)

    def test_exported_button_opens_xero_check_dialog(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_move(lines=[{"name": "Widget", "quantity": 20000, "price_unit": 0.12569}])
        move.action_xero_export()
        self.assertEqual(move.xero_status, "AUTHORISED")
        checked_before = move.xero_checked_at
        self.start_tour(self.form_url(move), "xero_check_tour", login="xero_clerk")
        wizard = self.env["xero.check.wizard"].search([("move_id", "=", move.id)], order="id desc", limit=1)
        self.assertTrue(wizard.found, "the dialog asked Xero")
        self.assertEqual(wizard.xero_number, move.name)
        self.assertTrue(wizard.totals_match)
        self.assertGreaterEqual(move.xero_checked_at, checked_before)
