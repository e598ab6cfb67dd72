from odoo.tests import tagged

from ..wizards.xero_variance_report import _last_month
from .test_variance_report import XeroVarianceCase


@tagged("post_install", "-at_install")
class TestVarianceTours(XeroVarianceCase):
    """The variance report and the overview, pressed in a browser by a Xero user."""

    def test_variance_report_from_the_invoice_list(self):
        day = _last_month()[0].replace(day=5)
        missing = self.make_dated(day)
        drifted = self.make_dated(day)
        drifted.action_xero_export()
        self.reprice_in_xero(drifted, 3)
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type", "xero_variance_tour", login="xero_clerk"
        )
        self.assertTrue(missing.xero_id, "exported from the report")
        twin = [i for i in self.in_xero() if i["InvoiceID"] == missing.xero_id]
        self.assertAlmostEqual(twin[0]["Total"], missing.amount_total, places=2)
        report = self.env["xero.variance.report"].search([], order="id desc", limit=1)
        self.assertEqual(report.create_uid, self.xero_user)
        self.assertEqual(self.rows(report)[drifted.name].state, "differs")

    def test_overview_card(self):
        queued = self.make_move()
        queued._xero_write_fields({"xero_export_state": "queued"})
        unmapped = self.env["account.tax"].create(
            {"name": "Unmapped 5%", "amount": 5, "type_tax_use": "sale"}
        )
        failed = self.make_move(post=False)
        failed.invoice_line_ids.tax_ids = unmapped
        failed.action_post()
        failed._xero_export()
        self.assertEqual(failed.xero_export_state, "error")
        synced_before = self.tenant.xero_payments_synced_at
        self.start_tour(
            "/odoo/action-xero_connector.action_xero_overview", "xero_overview_tour", login="xero_clerk"
        )
        self.assertNotEqual(self.tenant.xero_payments_synced_at or "never", synced_before or "never-before")

    def test_export_all_button_in_the_invoice_list(self):
        moves = self.make_move() | self.make_move()
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type", "xero_export_all_tour", login="xero_clerk"
        )
        self.assertTrue(all(moves.mapped("xero_id")))
        self.assertEqual(
            {i["InvoiceNumber"] for i in self.in_xero() if i["InvoiceID"] in moves.mapped("xero_id")},
            set(moves.mapped("name")),
        )

    def test_partner_balances_button(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_move()
        move.action_xero_export()
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{self.customer.id}",
            "xero_partner_balances_tour",
            login="xero_clerk",
        )
        self.assertAlmostEqual(self.customer.xero_receivable, move.amount_total, places=2)
