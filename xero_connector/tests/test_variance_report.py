from datetime import date
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.xero_connector import const
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_export import XeroExportCase


class XeroVarianceCase(XeroExportCase):
    """Documents of one month exported to the sandbox, then changed behind Odoo's back in
    Xero (the sandbox's control API acts as a user of Xero's web app)."""

    def make_dated(self, day, move_type="out_invoice", **values):
        return self.make_move(move_type=move_type, invoice_date=day, **values)

    def xero_edit(self, move, resource="Invoices", **changes):
        answer = self.sandbox.as_user(
            self.org_a["tenantId"], "POST", f"/{resource}/{move.xero_id}", json={resource: [changes]}
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()[resource][0]

    def reprice_in_xero(self, move, unit_amount, quantity=1):
        """A Xero user makes ``move``'s lines one of ``quantity`` consulting at ``unit_amount``."""
        return self.xero_edit(
            move,
            LineItems=[
                {
                    "Description": "Consulting",
                    "Quantity": quantity,
                    "UnitAmount": unit_amount,
                    "AccountCode": "200",
                    "TaxType": "OUTPUT",
                }
            ],
        )

    def run_report(self, start, end, user=None, **values):
        report = (
            self.env["xero.variance.report"]
            .with_user(user or self.xero_user)
            .create(
                {"date_from": start, "date_to": end, "tenant_ids": [Command.set(self.tenant.ids)], **values}
            )
        )
        before = self.sandbox.calls()["next"]
        action = report.action_run()
        calls = [c for c in self.sandbox.calls(before)["log"] if c["tenant"] == self.org_a["tenantId"]]
        return report, action, calls

    def rows(self, report):
        return {line.name: line for line in report.line_ids}


@tagged("post_install", "-at_install")
class TestVarianceReport(XeroVarianceCase):
    def test_every_kind_of_row_in_one_report(self):
        start, end = date(2031, 3, 1), date(2031, 3, 31)
        day = date(2031, 3, 10)
        not_exported = self.make_dated(day)
        equal = self.make_dated(day)
        changed = self.make_dated(day)
        total_differs = self.make_dated(day)
        date_moved = self.make_dated(day)
        contact_differs = self.make_dated(day)
        deleted = self.make_dated(day)
        credit = self.make_dated(day, move_type="out_refund")
        bill = self.make_dated(day, move_type="in_invoice", ref="SUP-77")
        exported = equal | changed | total_differs | date_moved | contact_differs | deleted | credit | bill
        exported.action_xero_export()
        self.assertTrue(all(exported.mapped("xero_id")), exported.mapped("xero_error"))

        # In Odoo: a line's description changes after export (same total).
        self.company.xero_lock_exported = False
        changed.button_draft()
        changed.invoice_line_ids[0].name = "Consulting (revised)"
        changed.action_post()
        # Behind Odoo's back, in Xero: a price, a date, a contact; a deletion; a new invoice.
        self.reprice_in_xero(total_differs, 160, quantity=3)
        self.xero_edit(date_moved, Date="2031-04-02", DueDate="2031-05-02")
        other = self.sandbox.as_user(
            self.org_a["tenantId"], "PUT", "/Contacts", json={"Contacts": [{"Name": "Someone Else Pty"}]}
        ).json()["Contacts"][0]
        self.xero_edit(contact_differs, Contact={"ContactID": other["ContactID"]})
        self.xero_edit(deleted, Status="DELETED")
        (typed_in_xero,) = self.type_in_xero(
            "XERO-ONLY-1",
            contact=other,
            unit_amount=99,
            description="Typed in Xero",
            tax_type="OUTPUT",
            Date="2031-03-12",
            DueDate="2031-04-12",
        )

        report, action, calls = self.run_report(start, end, document_kind="sales")
        rows = self.rows(report)
        self.assertEqual(action["res_model"], "xero.variance.line")
        self.assertEqual(rows[not_exported.name].state, "not_exported")
        self.assertEqual(rows[equal.name].state, "equal")
        self.assertEqual(rows[credit.name].state, "equal", rows[credit.name].details)
        self.assertEqual(rows[changed.name].state, "changed", rows[changed.name].details)
        row = rows[total_differs.name]
        self.assertEqual(row.state, "differs")
        self.assertAlmostEqual(row.odoo_total, 495.0)
        self.assertAlmostEqual(row.xero_total, 528.0)
        self.assertIn("Total", row.details)
        row = rows[date_moved.name]
        self.assertEqual((row.state, row.odoo_date, row.xero_date), ("differs", day, date(2031, 4, 2)))
        row = rows[contact_differs.name]
        self.assertEqual((row.state, row.xero_contact), ("differs", "Someone Else Pty"))
        self.assertIn("Harbour Fisheries Pty", row.details)
        self.assertEqual((rows[deleted.name].state, rows[deleted.name].xero_status), ("gone", "DELETED"))
        self.assertEqual(rows["XERO-ONLY-1"].state, "xero_only")
        self.assertEqual(rows["XERO-ONLY-1"].xero_id, typed_in_xero["InvoiceID"])
        self.assertNotIn(bill.name, rows, "sales only")

        # As few calls as Xero allows: one page of invoices (summaries), one of credit notes,
        # and one lookup by id for the invoice whose date moved out of the period.
        self.assertEqual(
            [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in calls],
            [("GET", "Invoices"), ("GET", "CreditNotes"), ("GET", "Invoices")],
        )
        period = calls[0]["query"]
        self.assertEqual(period["summaryOnly"].lower(), "true")
        self.assertEqual(period["pageSize"], "1000")
        self.assertIn("Date>=DateTime(2031,03,01)", period["where"])
        self.assertIn(date_moved.xero_id, calls[2]["query"]["IDs"])
        self.assertEqual(report.call_count, 3)

        # Only differences; purchases.
        report, _action, _calls = self.run_report(start, end, document_kind="sales", only_differences=True)
        self.assertNotIn(equal.name, self.rows(report))
        self.assertIn(changed.name, self.rows(report))
        report, _action, _calls = self.run_report(start, end, document_kind="purchases")
        self.assertEqual(self.rows(report)[bill.name].state, "equal", self.rows(report)[bill.name].details)
        self.assertNotIn(equal.name, self.rows(report))

    def test_voided_in_xero(self):
        self.company.xero_invoice_status = "AUTHORISED"
        move = self.make_dated(date(2031, 5, 4))
        move.action_xero_export()
        self.xero_edit(move, Status="VOIDED")
        report, _action, _calls = self.run_report(date(2031, 5, 1), date(2031, 5, 31))
        row = self.rows(report)[move.name]
        self.assertEqual((row.state, row.xero_status), ("gone", "VOIDED"))

    def test_rows_export_update_and_open_from_the_report(self):
        day = date(2031, 6, 8)
        missing = self.make_dated(day)
        drifted = self.make_dated(day)
        drifted.action_xero_export()
        self.reprice_in_xero(drifted, 1)
        report, _action, _calls = self.run_report(date(2031, 6, 1), date(2031, 6, 30))
        rows = self.rows(report)
        self.assertEqual((rows[missing.name].state, rows[drifted.name].state), ("not_exported", "differs"))

        opened = rows[missing.name].with_user(self.xero_user).action_open_document()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("account.move", missing.id))

        (rows[missing.name] | rows[drifted.name]).with_user(self.xero_user).action_export_documents()
        self.assertTrue(missing.xero_id)
        self.assertEqual(rows[missing.name].state, "equal")
        twin = [i for i in self.in_xero() if i["InvoiceID"] == missing.xero_id]
        self.assertAlmostEqual(twin[0]["Total"], missing.amount_total, places=2)

        rows[drifted.name].with_user(self.xero_user).action_update_documents()
        self.assertEqual(rows[drifted.name].state, "equal")
        twin = [i for i in self.in_xero() if i["InvoiceID"] == drifted.xero_id]
        self.assertAlmostEqual(twin[0]["Total"], drifted.amount_total, places=2)
        # A new run agrees.
        report, _action, _calls = self.run_report(date(2031, 6, 1), date(2031, 6, 30))
        self.assertEqual({self.rows(report)[m.name].state for m in missing | drifted}, {"equal"})

    def test_only_xero_users_run_it_and_see_only_their_rows(self):
        outsider = new_test_user(
            self.env, login="no_xero", groups="base.group_user,account.group_account_invoice"
        )
        with self.assertRaises(AccessError):
            self.env["xero.variance.report"].with_user(outsider).create(
                {"date_from": fields.Date.today(), "date_to": fields.Date.today()}
            )
        self.make_dated(date(2031, 7, 1))
        report, _action, _calls = self.run_report(date(2031, 7, 1), date(2031, 7, 31), user=self.xero_manager)
        self.assertTrue(report.line_ids)
        other = (
            self.env["xero.variance.line"].with_user(self.xero_user).search([("report_id", "=", report.id)])
        )
        self.assertFalse(other, "another user's report rows stay theirs")

    def test_many_documents_run_in_the_background_and_tell_the_user(self):
        """Over the threshold of documents (not of days): the job reads them, the user is told."""
        first = self.make_dated(date(2031, 8, 4))
        second = self.make_dated(date(2031, 8, 5))
        with patch.object(const, "VARIANCE_BACKGROUND_ABOVE", 1), trap_jobs() as trap:
            # a month: short, but two documents are more than the threshold
            report, action, _calls = self.run_report(date(2031, 8, 1), date(2031, 8, 31))
            self.assertIn("in the background", action["params"]["message"])
            self.assertFalse(report.line_ids, "nothing read while the user waits")
            run = self.env["xero.background.run"].browse(action["params"]["next"]["res_id"])
            self.assertEqual(
                (run.kind, run.state, run.done_count, run.total_count), ("variance", "running", 0, 2)
            )
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        self.assertEqual((run.state, run.done_count), ("done", 2))
        # the run's Open button (and the notification's) opens the report's rows
        opened = run.with_user(self.xero_user).action_open_result()
        self.assertEqual(self.env["xero.variance.line"].search(opened["domain"]), report.line_ids)
        rows = self.rows(report)
        self.assertEqual((rows[first.name].state, rows[second.name].state), ("not_exported", "not_exported"))
        inbox = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.xero_user.partner_id.ids),
                ("subject", "=", "Xero variance report ready"),
            ]
        )
        self.assertIn(f'href="/odoo/xero.variance.report/{report.id}"', inbox.body)
        self.assertIn(report.summary, inbox.body)

    def test_long_period_of_few_documents_runs_at_once(self):
        """A year of one document is at the threshold: compared while the user waits."""
        move = self.make_dated(date(2031, 8, 4))
        with patch.object(const, "VARIANCE_BACKGROUND_ABOVE", 1), trap_jobs() as trap:
            report, action, calls = self.run_report(date(2031, 1, 1), date(2031, 12, 31))
            trap.assert_jobs_count(0)
        self.assertEqual(action["res_model"], "xero.variance.line")
        self.assertEqual(self.rows(report)[move.name].state, "not_exported")
        self.assertTrue(calls, "Xero was read while the user waited")
