from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestLineFeatures(XeroExportCase):
    """Per-line Xero item, tax rate and tracking (M-Power), negative lines and the exclusion
    rule (Momentus), Update Status, the payment link on PDF and email, Xero buttons only while
    connected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Item = cls.env["xero.item"]
        cls.item_book = Item.search([("tenant_id", "=", cls.tenant.id), ("code", "=", "BOOK")])
        cls.item_widget = Item.search([("tenant_id", "=", cls.tenant.id), ("code", "=", "WIDGET-01")])
        cls.book = cls.env["product.product"].create({"name": "Novel", "default_code": "NOVEL-1"})
        cls.env["xero.product.map"].create(
            {
                "tenant_id": cls.tenant.id,
                "product_tmpl_id": cls.book.product_tmpl_id.id,
                "item_id": cls.item_book.id,
            }
        )
        cls.region = cls.env["xero.tracking.option"].search(
            [("tenant_id", "=", cls.tenant.id), ("category_id.name", "=", "Region")], limit=1
        )

    def xero_doc(self, move, resource="Invoices"):
        return next(d for d in self.in_xero(resource) if d.get(resource[:-1] + "ID") == move.xero_id)

    def payload(self, move):
        return move._xero_payload(move._xero_export_context(self.tenant))

    # ---------------------------------------------------------------- per-line fields
    def test_line_fields_default_from_mappings_and_go_to_xero(self):
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Novel", "quantity": 2, "price_unit": 20},
                {"name": "Widgets", "quantity": 1, "price_unit": 10},
            ],
            post=False,
        )
        book_line, widget_line = move.invoice_line_ids.sorted("sequence")
        self.assertEqual(book_line.xero_item_id, self.item_book, "from the product's link")
        self.assertEqual(book_line.xero_tax_rate_id.tax_type, "OUTPUT", "from the tax mapping")
        self.assertFalse(widget_line.xero_item_id)
        widget_line.write(
            {"xero_item_id": self.item_widget.id, "xero_tracking_option_ids": [Command.set(self.region.ids)]}
        )
        move.action_post()
        move.action_xero_export()
        lines = self.xero_doc(move)["LineItems"]
        self.assertEqual([line.get("ItemCode") for line in lines], ["BOOK", "WIDGET-01"])
        self.assertEqual(lines[1]["Tracking"][0]["Option"], self.region.name)
        self.assertAlmostEqual(self.xero_doc(move)["Total"], move.amount_total, places=2)

    def test_all_lines_use_the_first_products_item_in_job_mode(self):
        self.company.xero_single_item_mode = True
        move = self.make_move(
            lines=[
                {"product_id": self.book.id, "name": "Job", "quantity": 1, "price_unit": 100},
                {"name": "Extra work", "quantity": 1, "price_unit": 50},
            ]
        )
        payload, problems = self.payload(move)
        self.assertFalse(problems)
        self.assertEqual([line.get("ItemCode") for line in payload["LineItems"]], ["BOOK", "BOOK"])
        self.company.xero_single_item_mode = False
        payload, _problems = self.payload(move)
        self.assertEqual([line.get("ItemCode") for line in payload["LineItems"]], ["BOOK", None])

    def test_line_choice_from_another_organisation_is_refused(self):
        other = self.env["xero.tenant"].create({"name": "Other Org", "tenant_id": "other-org-id"})
        foreign = self.env["xero.item"].create(
            {"tenant_id": other.id, "xero_id": "foreign-item", "code": "FOREIGN"}
        )
        move = self.make_move(post=False)
        with self.assertRaises(ValidationError) as refused:
            move.invoice_line_ids.xero_item_id = foreign
        self.assertIn("FOREIGN belongs to another Xero organisation than", str(refused.exception))
        move.action_post()
        self.assertFalse(move.invoice_line_ids.xero_item_id)

    # ---------------------------------------------------------------- negative lines
    def down_payment_invoice(self, extra_lines=()):
        move = self.make_move(
            lines=[
                {"name": "Kitchen renovation", "quantity": 1, "price_unit": 1000},
                {"name": "Down payment of 12/05", "quantity": -1, "price_unit": 300, "is_downpayment": True},
                *extra_lines,
            ]
        )
        return move

    def test_down_payment_deduction_is_a_negative_line_in_both_modes(self):
        for exclude in (False, True):
            self.company.xero_exclude_nonpositive_lines = exclude
            move = self.down_payment_invoice()
            self.assertAlmostEqual(move.amount_total, 770.0)
            move.action_xero_export()
            doc = self.xero_doc(move)
            amounts = [line["LineAmount"] for line in doc["LineItems"]]
            self.assertEqual(amounts, [1000.0, -300.0], f"exclude={exclude}")
            self.assertEqual(doc["LineItems"][1]["TaxType"], "OUTPUT")
            self.assertEqual(doc["LineItems"][1]["AccountCode"], doc["LineItems"][0]["AccountCode"])
            self.assertAlmostEqual(doc["Total"], move.amount_total, places=2)

    def test_exclusion_rule_leaves_out_zero_and_negative_lines_and_exports(self):
        self.company.xero_exclude_nonpositive_lines = True
        move = self.down_payment_invoice(
            [
                {"name": "Free sample", "quantity": 1, "price_unit": 0},
                {"name": "Cancelled item", "quantity": 0, "price_unit": 40},
                {"name": "Loyalty discount", "quantity": 1, "price_unit": -50},
            ]
        )
        move.action_xero_export()
        doc = self.xero_doc(move)
        self.assertEqual(
            [line["Description"] for line in doc["LineItems"]],
            ["Kitchen renovation", "Down payment of 12/05"],
        )
        self.assertAlmostEqual(doc["Total"], move.amount_total + 55.0, places=2)
        self.assertEqual(move.xero_export_state, "exported", "left out by the rule: not a difference")
        self.assertEqual(
            [line.split(":")[0] for line in move.xero_left_out.split("\n")],
            ["Free sample", "Cancelled item", "Loyalty discount"],
        )

        self.company.xero_exclude_nonpositive_lines = False
        every_line = self.down_payment_invoice(
            [{"name": "Loyalty discount", "quantity": 1, "price_unit": -50}]
        )
        every_line.action_xero_export()
        doc = self.xero_doc(every_line)
        self.assertIn(-50.0, [line["LineAmount"] for line in doc["LineItems"]])
        self.assertAlmostEqual(doc["Total"], every_line.amount_total, places=2)
        self.assertFalse(every_line.xero_left_out)

    # ---------------------------------------------------------------- Update Status
    def test_update_status_marks_sent_or_emails(self):
        self.company.xero_update_status = "none"
        untouched = self.make_move()
        untouched.action_xero_export()
        self.assertFalse(untouched.is_move_sent)

        self.company.xero_update_status = "sent"
        marked = self.make_move()
        marked.action_xero_export()
        self.assertTrue(marked.is_move_sent)

        self.company.xero_update_status = "email"
        emailed = self.make_move()
        emailed.action_xero_export()
        self.assertTrue(emailed.is_move_sent)
        mails = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", emailed.id), ("message_type", "=", "comment")]
        )
        self.assertTrue(
            mails.filtered(lambda m: self.customer in m.partner_ids), "the invoice email went out"
        )
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "account.move"),
                    ("res_id", "=", marked.id),
                    ("partner_ids", "in", self.customer.ids),
                ]
            )
        )

    # ---------------------------------------------------------------- payment link
    def test_payment_link_on_pdf_and_in_email(self):
        self.company.write({"xero_invoice_status": "AUTHORISED", "xero_fetch_online_invoice": True})
        move = self.make_move()
        move.action_xero_export()
        self.assertTrue(move.xero_online_url)
        html = (
            self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", move.ids)[0].decode()
        )
        self.assertIn(move.xero_online_url, html)
        template = self.env.ref("account.email_template_edi_invoice")
        body = self.env["account.move.send"]._get_default_mail_body(move, template, "en_US")
        self.assertIn(move.xero_online_url, str(body))
        self.company.xero_fetch_online_invoice = False
        html = (
            self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", move.ids)[0].decode()
        )
        self.assertNotIn(move.xero_online_url, html)

    # ---------------------------------------------------------------- buttons
    def test_xero_buttons_only_while_connected(self):
        move = self.make_move()
        self.assertTrue(move.xero_company_connected)
        # An invoicing user without the Xero group, who may read neither logins nor
        # organisations, creates a document for the organisation and sees its Xero buttons.
        clerk = new_test_user(
            self.env, login="plain_invoicing", groups="base.group_user,account.group_account_invoice"
        )
        theirs = (
            self.env["account.move"]
            .with_user(clerk)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": move.invoice_date,
                }
            )
        )
        self.assertEqual(theirs.sudo().xero_tenant_id, self.tenant)
        self.assertTrue(theirs.xero_company_connected)
        connection = self.connection_of(self.xero_manager)
        connection.state = "reconnect"
        move.invalidate_recordset(["xero_company_connected"])
        self.assertFalse(move.xero_company_connected)
        connection.state = "connected"
        lonely = self.env["res.company"].create({"name": "No Xero Ltd"})
        self.assertFalse(self.env["account.move"].new({"company_id": lonely.id}).xero_company_connected)
        arch = self.env["account.move"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("not xero_company_connected", arch)


@tagged("post_install", "-at_install")
class TestPartnerBalances(XeroExportCase):
    """OpenCRM's "Update all Invoice Balances": each partner's outstanding in Xero next to Odoo's."""

    def test_update_balances_one_and_in_bulk(self):
        self.company.xero_invoice_status = "AUTHORISED"
        other = self.env["res.partner"].create(
            {"name": "Lighthouse Cafe", "email": "cafe@lighthouse.example"}
        )
        first = self.make_move()
        second = self.make_move(partner=other)
        (first | second).action_xero_export()
        self.pay_in_xero(first, 100.0)  # paid in Xero, not (yet) in Odoo

        self.customer.with_user(self.xero_user).action_xero_update_balances()
        self.assertAlmostEqual(self.customer.xero_receivable, first.amount_total - 100.0, places=2)
        self.assertAlmostEqual(
            self.customer.credit, first.amount_total, places=2, msg="Odoo's side, unchanged"
        )
        self.assertFalse(other.xero_balances_at, "only the partner asked for")

        before = self.sandbox.calls()["next"]
        answer = (self.customer | other).with_user(self.xero_user).action_xero_update_balances()
        calls = [c for c in self.sandbox.calls(before)["log"] if c["path"].endswith("/Contacts")]
        self.assertEqual(len(calls), 1, "one call for both partners")
        self.assertIn("2 partner(s)", answer["params"]["message"])
        self.assertAlmostEqual(other.xero_receivable, second.amount_total, places=2)
        self.assertTrue(other.xero_balances_at)

    def test_partner_without_contact_is_told_so(self):
        lonely = self.env["res.partner"].create({"name": "Never Exported Pty"})
        with self.assertRaisesRegex(UserError, "has a Xero contact yet"):
            lonely.with_user(self.xero_user).action_xero_update_balances()
