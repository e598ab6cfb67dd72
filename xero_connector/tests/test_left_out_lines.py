import re
from datetime import date

from odoo.tests import tagged

from .test_variance_report import XeroVarianceCase


@tagged("post_install", "-at_install")
class TestLeftOutLines(XeroVarianceCase):
    """Momentus' rule, as Momentus describes it: with *Leave out lines with a zero or negative
    price or quantity*, such lines are left out and the document still goes to Xero; the lines
    left out are named on the document; Xero's total is then Odoo's without them, and no
    check says the document differs because of them."""

    DAY = date(2032, 5, 12)

    def setUp(self):
        super().setUp()
        self.company.xero_exclude_nonpositive_lines = True

    def invoice(self, **values):
        return self.make_move(
            invoice_date=self.DAY,
            lines=[
                {"name": "Kitchen renovation", "quantity": 1, "price_unit": 1000},
                {"name": "Down payment of 12/05", "quantity": -1, "price_unit": 300, "is_downpayment": True},
                {"name": "Loyalty discount", "quantity": 1, "price_unit": -50},
                {"name": "Free sample", "quantity": 1, "price_unit": 0},
                {"name": "Returned chair", "quantity": -2, "price_unit": 20},
            ],
            **values,
        )

    def plain(self, text):
        """``text`` without the currency symbol and its space, for comparing figures."""
        return re.sub(rf"{re.escape(self.company.currency_id.symbol)}\s?", "", text)

    def xero_doc(self, move):
        return next(d for d in self.in_xero() if d["InvoiceID"] == move.xero_id)

    def test_lines_left_out_go_without_them_and_are_named(self):
        move = self.invoice()
        # 1,100 - 330 (down payment) - 55 (discount) - 44 (returned chairs), taxes included
        self.assertAlmostEqual(move.amount_total, 671.0, places=2)
        move.with_user(self.xero_user).action_xero_export()
        self.assertTrue(move.xero_id, move.xero_error)

        doc = self.xero_doc(move)
        self.assertEqual(
            [(line["Description"], line["LineAmount"]) for line in doc["LineItems"]],
            [("Kitchen renovation", 1000.0), ("Down payment of 12/05", -300.0)],
            "the down-payment deduction goes; the discount, the free sample and the returned chairs do not",
        )
        self.assertAlmostEqual(doc["Total"], 770.0, places=2)
        self.assertAlmostEqual(move.xero_left_out_total, -99.0, places=2)
        self.assertAlmostEqual(doc["Total"], move.amount_total - move.xero_left_out_total, places=2)

        lines = move.xero_left_out.split("\n")
        self.assertEqual(len(lines), 3, move.xero_left_out)
        self.assertTrue(lines[0].startswith("Loyalty discount: ") and "55.00" in lines[0], lines)
        self.assertTrue(lines[1].startswith("Free sample: ") and "0.00" in lines[1], lines)
        self.assertTrue(lines[2].startswith("Returned chair: ") and "44.00" in lines[2], lines)
        note = move.message_ids.filtered(lambda m: "Exported to Xero" in (m.body or ""))
        self.assertIn("Left out of Xero by your company", note.body)
        self.assertIn("Loyalty discount", note.body)

        # No false "Differs in Xero": not at export, not on the check dialog, not in the report.
        self.assertEqual(move.xero_export_state, "exported")
        self.assertFalse(move.xero_difference)
        wizard = self.env["xero.check.wizard"].browse(
            move.with_user(self.xero_user).action_xero_check()["res_id"]
        )
        self.assertTrue(wizard.totals_match)
        self.assertAlmostEqual(wizard.odoo_total, 671.0, places=2)
        self.assertAlmostEqual(wizard.left_out_total, -99.0, places=2)
        self.assertIn("Returned chair", wizard.left_out)
        self.assertEqual(move.xero_export_state, "exported")
        report, _action, _calls = self.run_report(self.DAY, self.DAY)
        self.assertEqual(self.rows(report)[move.name].state, "equal", self.rows(report)[move.name].details)
        differing = self.env["account.move"].search(self.tenant.action_overview_open_differing()["domain"])
        self.assertNotIn(move, differing)

    def test_export_pressed_in_a_browser_names_the_line_left_out(self):
        move = self.make_move(
            lines=[
                {"name": "Kitchen renovation", "quantity": 1, "price_unit": 1000},
                {"name": "Loyalty discount", "quantity": 1, "price_unit": -50},
            ]
        )
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "xero_left_out_tour",
            login="xero_clerk",
        )
        self.assertEqual(move.xero_export_state, "exported", move.xero_error)
        self.assertEqual(
            [line["Description"] for line in self.xero_doc(move)["LineItems"]], ["Kitchen renovation"]
        )

    def test_a_real_difference_is_still_flagged_and_explained(self):
        move = self.invoice()
        move.action_xero_export()
        # A Xero user reprices the draft: now Xero's total is not Odoo's without the lines left out.
        self.reprice_in_xero(move, 1000)
        self.assertAlmostEqual(self.xero_doc(move)["Total"], 1100.0, places=2)
        wizard = self.env["xero.check.wizard"].browse(move.action_xero_check()["res_id"])
        self.assertFalse(wizard.totals_match)
        self.assertEqual(move.xero_export_state, "differs")
        self.assertEqual(
            self.plain(move.xero_difference),
            "Odoo 770.00 (671.00 without -99.00 left out of Xero), Xero 1,100.00",
        )
        report, _action, _calls = self.run_report(self.DAY, self.DAY)
        row = self.rows(report)[move.name]
        self.assertEqual(row.state, "differs")
        self.assertIn("left out of Xero", row.details)

    def test_amount_due_is_compared_without_the_lines_left_out(self):
        self.company.write({"xero_invoice_status": "AUTHORISED", "xero_payments_from_xero": False})
        move = self.invoice()
        move.action_xero_export()
        self.assertEqual((move.xero_status, move.xero_export_state), ("AUTHORISED", "exported"))
        wizard = self.env["xero.check.wizard"].browse(move.action_xero_check()["res_id"])
        self.assertAlmostEqual(wizard.xero_amount_due, 770.0, places=2)
        self.assertFalse(wizard.due_difference, "nothing paid on either side: nothing settled on one side")
        self.assertEqual(move.xero_export_state, "exported")
        self.pay_in_xero(move, 100.0)
        wizard = self.env["xero.check.wizard"].browse(move.action_xero_check()["res_id"])
        self.assertAlmostEqual(wizard.xero_amount_due, 670.0, places=2)
        self.assertTrue(wizard.due_difference, "paid in Xero only: 100.00 settled on one side")
        self.assertEqual(
            self.plain(wizard.due_difference),
            "Due: 671.00 (770.00 without the lines left out of Xero) in Odoo, 670.00 in Xero "
            "(settled on one side only)",
        )
        self.assertEqual(move.xero_export_state, "differs")

    def test_credits_go_as_a_negative_credits_line(self):
        credits = self.env["product.product"].create({"name": "Credits", "type": "service"})
        self.env["res.config.settings"].create(
            {"xero_exclude_nonpositive_lines": True, "xero_credit_product_id": credits.id}
        ).execute()
        move = self.make_move(
            invoice_date=self.DAY,
            lines=[
                {"name": "Kitchen renovation", "quantity": 1, "price_unit": 1000},
                {"product_id": credits.id, "quantity": 1, "price_unit": -80},
                {"name": "Loyalty discount", "quantity": 1, "price_unit": -50},
            ],
        )
        move.action_xero_export()
        doc = self.xero_doc(move)
        self.assertEqual(
            [(line["Description"], line["LineAmount"], line.get("TaxType")) for line in doc["LineItems"]],
            [("Kitchen renovation", 1000.0, "OUTPUT"), ("Credits", -80.0, "OUTPUT")],
            "the credit goes as a negative line labelled Credits; the plain negative line is left out",
        )
        self.assertEqual(move.xero_left_out.split(":")[0], "Loyalty discount")
        self.assertAlmostEqual(doc["Total"], move.amount_total + 55.0, places=2)
        self.assertEqual(move.xero_export_state, "exported")

    def test_deleted_in_xero_cleared_and_exported_again_with_the_rule_off(self):
        move = self.invoice()
        move.action_xero_export()
        self.assertTrue(move.xero_left_out)
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Invoices/{move.xero_id}",
            json={"Invoices": [{"InvoiceID": move.xero_id, "Status": "DELETED"}]},
        )
        self.company.xero_exclude_nonpositive_lines = False
        self.clear_gone_and_export_again(move, self.xero_user, "move_id")
        self.assertFalse(move.xero_left_out, "what the first export left out is not what the second did")
        self.assertAlmostEqual(self.xero_doc(move)["Total"], move.amount_total, places=2)
        self.assertEqual(move.xero_export_state, "exported")

    def test_with_the_rule_off_every_line_goes(self):
        self.company.xero_exclude_nonpositive_lines = False
        move = self.invoice()
        move.action_xero_export()
        doc = self.xero_doc(move)
        self.assertEqual([line["LineAmount"] for line in doc["LineItems"]], [1000.0, -300.0, -50.0, -40.0])
        self.assertAlmostEqual(doc["Total"], move.amount_total, places=2)
        self.assertFalse(move.xero_left_out)
        self.assertEqual(move.xero_export_state, "exported")
