"""Documents made in Xero come to Odoo: by the cron and at once on Xero's invoice webhooks,
once, linked, with their payments; never sent back."""

import uuid

import psycopg2

from odoo import fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_payments import XeroPaymentCase


@tagged("post_install", "-at_install")
class TestImportDocuments(XeroPaymentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.xero_import_documents = "posted"
        accounts = {a.code: a for a in cls.env["xero.account"].search([("tenant_id", "=", cls.tenant.id)])}
        cls.income = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls.expense = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls.env["xero.account.map"].create(
            [
                {
                    "tenant_id": cls.tenant.id,
                    "account_id": cls.income.id,
                    "xero_account_id": accounts["200"].id,
                },
                {
                    "tenant_id": cls.tenant.id,
                    "account_id": cls.expense.id,
                    "xero_account_id": accounts["400"].id,
                },
            ]
        )
        cls.webhook_key = uuid.uuid4().hex
        cls.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", cls.webhook_key)

    # --------------------------------------------------------------------------------------
    def new_contact(self, name=None):
        name = name or f"Walk-in {uuid.uuid4().hex[:6]}"
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "PUT",
            "/Contacts",
            json={"Contacts": [{"Name": name, "EmailAddress": "walkin@example.com"}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()["Contacts"][0]

    def made_in_xero(self, kind="ACCREC", status="AUTHORISED", contact=None, lines=None, resource="Invoices"):
        """A Xero user types a document in Xero's web app; returns it as Xero answered."""
        contact = contact or self.new_contact()
        account = "200" if kind.startswith("ACCREC") else "400"
        tax = "OUTPUT" if kind.startswith("ACCREC") else "INPUT"
        doc = {
            "Type": kind,
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": fields.Date.to_string(fields.Date.today()),
            "DueDate": fields.Date.to_string(fields.Date.today()),
            "Status": status,
            "LineAmountTypes": "Exclusive",
            "LineItems": lines
            or [
                {
                    "Description": "Typed in Xero",
                    "Quantity": 2,
                    "UnitAmount": 50,
                    "AccountCode": account,
                    "TaxType": tax,
                }
            ],
        }
        if kind in ("ACCREC",):
            doc["InvoiceNumber"] = f"X-{uuid.uuid4().hex[:8]}"
        if kind == "ACCPAY":
            doc["InvoiceNumber"] = f"SUP-{uuid.uuid4().hex[:6]}"
        answer = self.sandbox.as_user(self.org_a["tenantId"], "PUT", f"/{resource}", json={resource: [doc]})
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()[resource][0]

    def odoo_twin(self, xero_id):
        return self.env["account.move"].search(
            [("xero_tenant_id", "=", self.tenant.id), ("xero_id", "=", xero_id)]
        )

    def import_from_xero(self):
        """The hourly cron, its jobs performed (one per organisation)."""
        self.run_cron("account.move", "_cron_xero_import_documents")

    # --------------------------------------------------------------------------------------
    def test_invoice_made_in_xero_comes_posted_once_with_its_payment(self):
        doc = self.made_in_xero()
        self.import_from_xero()
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(len(move), 1)
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.state, "posted")
        self.assertTrue(move.xero_imported)
        self.assertEqual(move.xero_number, doc["InvoiceNumber"])
        self.assertEqual(move.payment_reference, doc["InvoiceNumber"])
        self.assertFalse(move.xero_import_issues)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_sale)
        self.assertEqual(move.invoice_line_ids.account_id, self.income)
        self.assertAlmostEqual(move.amount_total, doc["Total"], places=2)
        # a new partner, linked to the Xero contact (the next document finds it)
        binding = move.partner_id.xero_binding_ids
        self.assertEqual(binding.contact_id.xero_id, doc["Contact"]["ContactID"])
        self.assertEqual(move.partner_id.email, "walkin@example.com")

        # a payment made in Xero comes as for an exported document
        self.pay_in_xero(move, 40.0)
        self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertAlmostEqual(move.amount_residual, doc["Total"] - 40.0, places=2)
        self.assertEqual(len(self.odoo_payments(move)), 1)

        # read again (a full re-read, as after a crash): nothing new
        self.tenant.xero_invoices_imported_at = False
        self.import_from_xero()
        self.assertEqual(len(self.odoo_twin(doc["InvoiceID"])), 1)
        self.assertEqual(move.state, "posted")
        # never exported back
        count = len(self.in_xero())
        with self.assertRaises(UserError):
            move.action_xero_export()
        self.assertEqual(len(self.in_xero()), count)
        self.assertEqual(move.xero_id, doc["InvoiceID"])

    def test_second_document_of_a_contact_uses_its_partner(self):
        contact = self.new_contact()
        first = self.made_in_xero(contact=contact)
        second = self.made_in_xero(contact=contact)
        self.import_from_xero()
        self.assertEqual(
            self.odoo_twin(first["InvoiceID"]).partner_id, self.odoo_twin(second["InvoiceID"]).partner_id
        )
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("xero_binding_ids.contact_id.xero_id", "=", contact["ContactID"])]
            ),
            1,
        )

    def test_bill_and_credit_note_made_in_xero(self):
        bill = self.made_in_xero(kind="ACCPAY")
        credit = self.made_in_xero(kind="ACCRECCREDIT", resource="CreditNotes")
        self.import_from_xero()
        odoo_bill = self.odoo_twin(bill["InvoiceID"])
        self.assertEqual(odoo_bill.move_type, "in_invoice")
        self.assertEqual(odoo_bill.ref, bill["InvoiceNumber"])
        self.assertEqual(odoo_bill.invoice_line_ids.tax_ids, self.tax_purchase)
        self.assertEqual(odoo_bill.invoice_line_ids.account_id, self.expense)
        self.assertEqual(odoo_bill.state, "posted")
        refund = self.odoo_twin(credit["CreditNoteID"])
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertAlmostEqual(refund.amount_total, credit["Total"], places=2)

    def test_unmapped_is_listed_and_the_draft_completed_once_mapped(self):
        lines = [
            {
                "Description": "Freight",
                "Quantity": 1,
                "UnitAmount": 30,
                "AccountCode": "260",
                "TaxType": "OUTPUT",
            },
        ]
        doc = self.made_in_xero(lines=lines)
        self.import_from_xero()
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(move.state, "draft", "a document with something unmapped waits as a draft")
        self.assertIn("Xero account 260", move.xero_import_issues)
        self.assertIn("Invoicing / Configuration / Xero / Mappings (Accounts)", move.xero_import_issues)
        other = self.env["account.account"].search(
            [("account_type", "=", "income_other"), ("company_ids", "in", self.company.id)], limit=1
        )
        account = self.env["xero.account"].search([("tenant_id", "=", self.tenant.id), ("code", "=", "260")])
        self.assertTrue(account, "the sandbox organisation has account 260")
        self.env["xero.account.map"].create(
            {"tenant_id": self.tenant.id, "account_id": other.id, "xero_account_id": account.id}
        )
        move.with_user(self.xero_manager).action_xero_import_again()
        self.assertFalse(move.xero_import_issues)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.invoice_line_ids.account_id, other)

    def test_draft_follows_xero_then_void_cancels_it(self):
        self.company.xero_import_documents = "draft"
        doc = self.made_in_xero(status="DRAFT")
        self.import_from_xero()
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.invoice_line_ids.quantity, 2)
        self.sandbox.advance(5)
        changed = {k: doc["LineItems"][0][k] for k in ("Description", "UnitAmount", "AccountCode", "TaxType")}
        changed["Quantity"] = 7
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Invoices/{doc['InvoiceID']}",
            json={"Invoices": [{"InvoiceID": doc["InvoiceID"], "LineItems": [changed]}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.import_from_xero()
        self.assertEqual(move.invoice_line_ids.quantity, 7)
        self.assertEqual(len(self.odoo_twin(doc["InvoiceID"])), 1)
        self.sandbox.advance(5)
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Invoices/{doc['InvoiceID']}",
            json={"Invoices": [{"InvoiceID": doc["InvoiceID"], "Status": "DELETED"}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.import_from_xero()
        self.assertEqual(move.state, "cancel")
        self.assertEqual(move.xero_status, "DELETED")

    def test_posted_then_voided_in_xero_is_flagged(self):
        doc = self.made_in_xero()
        self.import_from_xero()
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(move.state, "posted")
        self.sandbox.advance(5)
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Invoices/{doc['InvoiceID']}",
            json={"Invoices": [{"InvoiceID": doc["InvoiceID"], "Status": "VOIDED"}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.import_from_xero()
        self.assertEqual(move.state, "posted", "a posted document is not cancelled behind the user's back")
        self.assertEqual(move.xero_status, "VOIDED")
        self.assertIn("Voided or deleted in Xero", move.activity_ids.mapped("summary"))

    def test_exported_documents_are_not_brought_back(self):
        move = self.exported()
        self.import_from_xero()
        self.assertEqual(self.odoo_twin(move.xero_id), move)
        self.assertFalse(move.xero_imported)

    def test_webhook_for_an_exported_invoice_costs_no_import_call(self):
        move = self.exported()
        stats = self.env["account.move"]._xero_import_documents(self.tenant, invoice_ids=[move.xero_id])
        self.assertEqual(stats["calls"], 0, "the payment sync reads it; the import leaves it")
        self.assertEqual(self.odoo_twin(move.xero_id), move)

    def test_off_brings_nothing(self):
        self.company.xero_import_documents = "none"
        doc = self.made_in_xero()
        self.import_from_xero()
        self.assertFalse(self.odoo_twin(doc["InvoiceID"]))

    def test_webhook_brings_it_at_once_and_cron_and_webhook_make_one(self):
        self.sandbox.flush_webhooks(
            url=f"{self.sandbox_url}/_sandbox/nowhere", key="x", tenant=self.org_a["tenantId"]
        )
        doc = self.made_in_xero()
        result = self.sandbox.flush_webhooks(
            url=f"{self.base_url()}/xero/webhook", key=self.webhook_key, tenant=self.org_a["tenantId"]
        )
        self.assertEqual(result["status"], 200, result)
        self.run_cron("xero.webhook.event", "_cron_xero_webhook_queue")
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(len(move), 1)
        self.assertEqual(move.state, "posted")
        self.import_from_xero()
        self.assertEqual(len(self.odoo_twin(doc["InvoiceID"])), 1)

    def test_a_run_while_another_holds_the_organisation_waits(self):
        """The cron and a webhook at once: the second run finds the organisation busy and
        makes nothing; the unique index refuses a second document for one Xero id."""
        doc = self.made_in_xero()
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x58494D50, self.tenant.id])
            result = self.env["account.move"]._xero_import_documents(
                self.tenant, invoice_ids=[doc["InvoiceID"]]
            )
            self.assertEqual(result, {"busy": True})
            self.assertFalse(self.odoo_twin(doc["InvoiceID"]))
        self.env["account.move"]._xero_import_documents(self.tenant, invoice_ids=[doc["InvoiceID"]])
        move = self.odoo_twin(doc["InvoiceID"])
        self.assertEqual(len(move), 1)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            copy = move.copy()
            copy._xero_write_fields({"xero_id": doc["InvoiceID"]})
            copy.flush_recordset()

    def test_incremental_pages_without_filters(self):
        """Pages of 1,000 with If-Modified-Since and no ``where`` (high-volume organisations
        accept it): a run after a run reads one empty page of each list."""
        self.made_in_xero()
        self.import_from_xero()
        self.assertTrue(self.tenant.xero_invoices_imported_at)
        self.sandbox.reset_calls()
        stats = self.env["account.move"]._xero_import_documents(self.tenant)
        self.assertEqual(stats["calls"], 2)
        # If-Modified-Since: at most the last second's documents again, nothing made twice
        self.assertLessEqual(stats["seen"], 2)
        self.assertEqual(stats["created"], 0)
        reads = [c for c in self.sandbox.calls()["log"] if c["path"].endswith(("/Invoices", "/CreditNotes"))]
        self.assertEqual(len(reads), 2)
        for call in reads:
            self.assertEqual(call["query"].get("pageSize"), "1000")
            self.assertNotIn("where", call["query"])
