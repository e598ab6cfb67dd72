"""A large organisation's first payment sync, page by page (issue #24): each page of Xero's
/Payments (1,000) is stored and the cursor stamped by a job of its own, the next page queued as
the next job; a sync stopped between two pages resumes from the cursor, not from the first
payment."""

import json
from datetime import datetime
from unittest.mock import patch

from odoo.addons.bus.models.bus import json_dump
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.xero_connector.const import PAGE_SIZE
from odoo.addons.xero_connector.utils import parse_xero_datetime
from odoo.tests import tagged

from .test_payments import XeroPaymentCase

BATCH = 50
BATCHES = 22  # 1,100 payments, a new second every 50


@tagged("post_install", "-at_install")
class TestPaymentSyncPages(XeroPaymentCase):
    """Organisation A holds more than a page of payments (made in Xero, 50 a second); it is a
    large one, so every read must be paged and ordered on Xero's optimised fields."""

    high_volume = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tenant_id = cls.org_a["tenantId"]
        contacts = [c for c in cls.sandbox.dump(tenant_id, "Contacts") if c.get("ContactStatus") == "ACTIVE"]
        bank = next(a for a in cls.sandbox.dump(tenant_id, "Accounts") if a.get("Type") == "BANK")
        for batch in range(BATCHES):
            invoices = cls.sandbox.type_invoices(
                tenant_id,
                contacts,
                f"PG{batch:02d}-",
                BATCH,
                lambda n: {"Description": "Paged", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"},
            )
            answer = cls.sandbox.as_user(
                tenant_id,
                "PUT",
                "/Payments",
                json={
                    "Payments": [
                        {
                            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                            "Account": {"Code": bank["Code"]},
                            "Date": "2025-01-20",
                            "Amount": 40.0,
                        }
                        for invoice in invoices
                    ]
                },
            )
            assert answer.status_code == 200, answer.text
            cls.sandbox.advance(1)

    def in_xero(self):
        """Organisation A's payments, oldest change first (the order the sync reads them in)."""
        payments = self.sandbox.dump(self.org_a["tenantId"], "Payments")
        return sorted(payments, key=lambda p: (parse_xero_datetime(p["UpdatedDateUTC"]), p["PaymentID"]))

    def stored(self):
        return self.env["xero.payment"].search_count(
            [("tenant_id", "=", self.tenant.id), ("kind", "=", "payment")]
        )

    def reads(self, mark, endpoint="GET /Payments"):
        log = self.sandbox.calls(mark)["log"]
        return [c for c in log if c["tenant"] == self.org_a["tenantId"] and c["endpoint"] == endpoint]

    def run_sync_jobs(self, after_first=None):
        """The hourly cron and every job that follows from it, as the job runner performs
        them (a failing job fails alone); ``after_first`` is called once the first job ran.
        Returns the sync's steps as (list, page) and the errors of the jobs that failed."""
        steps, failed = [], []
        with trap_jobs() as trap:
            self.env["xero.payment"]._cron_xero_sync_payments()
            while trap.enqueued_jobs:
                job = trap.enqueued_jobs.pop(0)
                _model, _ids, method, args = job.args[:4]
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except Exception as error:
                    failed.append(error)
                if method == "_xero_sync_payments_step":
                    steps.append(tuple(args[1:]))
                    if after_first and len(steps) == 1:
                        after_first()
        return steps, failed

    def test_a_sync_stopped_after_its_first_page_resumes_there(self):
        payments = self.in_xero()
        self.assertGreater(len(payments), PAGE_SIZE)
        mark = self.sandbox.calls()["next"]
        # run_cron performs the jobs the cron queued, not those they queue: the job of the
        # second page never runs, as when the worker is killed between two pages.
        outcome = self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertEqual(outcome, {"retry": [], "failed": []})
        first = self.reads(mark)
        self.assertEqual([(c["query"].get("page"), c["if_modified_since"]) for c in first], [("1", None)])
        self.assertEqual(self.stored(), PAGE_SIZE, "the first page is kept")
        self.tenant.invalidate_recordset()
        cursor = self.tenant.xero_payments_synced_at
        self.assertTrue(cursor, "the cursor moved on after the first page")
        page_one = payments[:PAGE_SIZE]
        last = parse_xero_datetime(page_one[-1]["UpdatedDateUTC"])
        self.assertLess(cursor, last)

        mark = self.sandbox.calls()["next"]
        outcome = self.run_cron("xero.payment", "_cron_xero_sync_payments")  # the next hourly run
        self.assertEqual(outcome, {"retry": [], "failed": []})
        resumed = self.reads(mark)
        self.assertEqual(len(resumed), 1, "one call for what the first page left")
        self.assertEqual(resumed[0]["query"].get("page"), "1")
        # What Xero answered that call: the payments changed strictly after its If-Modified-Since.
        since = datetime.fromisoformat(resumed[0]["if_modified_since"]).replace(tzinfo=None)
        self.assertEqual(since, cursor, "read from the cursor, not from the first payment")
        read_again = [p for p in page_one if parse_xero_datetime(p["UpdatedDateUTC"]) > since]
        self.assertLessEqual(len(read_again), BATCH, "only the payments of the first page's last moment")
        self.assertEqual({parse_xero_datetime(p["UpdatedDateUTC"]) for p in read_again}, {last})
        self.assertEqual(self.stored(), len(payments), "every payment in Odoo, each once")

    def test_a_first_sync_goes_page_by_page_as_jobs(self):
        payments = self.in_xero()
        mark = self.sandbox.calls()["next"]
        steps, failed = self.run_sync_jobs()
        self.assertEqual(failed, [])
        self.assertEqual(steps[0], ("Payments", 1))
        self.assertEqual([s[0] for s in steps].count("Payments"), 2, "two pages of payments, a job each")
        self.assertEqual(steps[-1][0], "Invoices", "then the invoices changed, page by page too")
        self.assertEqual(len(self.reads(mark)), 2)
        self.assertEqual(self.stored(), len(payments))
        self.tenant.invalidate_recordset()
        self.assertEqual(
            self.tenant.xero_payments_synced_at,
            parse_xero_datetime(payments[-1]["UpdatedDateUTC"]),
            "at the end, the latest change read",
        )
        self.assertTrue(self.tenant.xero_payment_docs_synced_at)

        mark = self.sandbox.calls()["next"]
        self.assertEqual(self.run_sync_jobs(), ([("Payments", 1), ("Invoices", 1)], []))
        self.assertEqual(len(self.reads(mark)), 1, "nothing changed: one page of payments")
        self.assertEqual(len(self.reads(mark, "GET /Invoices")), 1)
        self.assertEqual(self.stored(), len(payments))

    def test_a_page_that_fails_keeps_the_pages_before_it(self):
        """Xero fails on the second page (every try): that job fails alone, the first page
        stays in Odoo with its cursor, and the next run goes on from there."""
        payments = self.in_xero()
        tenant_id = self.org_a["tenantId"]

        def xero_down():
            self.sandbox.add_fault("500", method="GET", path="/Payments", tenant=tenant_id, count=50)

        try:
            steps, failed = self.run_sync_jobs(after_first=xero_down)
        finally:
            self.sandbox.clear_faults()
        self.assertEqual(steps, [("Payments", 1), ("Payments", 1)])
        self.assertEqual(len(failed), 1, "the second page's job failed")
        self.assertEqual(self.stored(), PAGE_SIZE, "the first page is kept")
        self.tenant.invalidate_recordset()
        cursor = self.tenant.xero_payments_synced_at
        self.assertLess(cursor, parse_xero_datetime(payments[PAGE_SIZE - 1]["UpdatedDateUTC"]))

        mark = self.sandbox.calls()["next"]
        steps, failed = self.run_sync_jobs()
        self.assertEqual((steps[0], failed), (("Payments", 1), []))
        resumed = self.reads(mark)
        self.assertEqual(len(resumed), 1)
        since = datetime.fromisoformat(resumed[0]["if_modified_since"]).replace(tzinfo=None)
        self.assertEqual(since, cursor, "from the cursor the first page left")
        self.assertEqual(self.stored(), len(payments))

    def test_sync_payments_now_goes_on_page_by_page_in_the_background(self):
        """*Sync payments now* on this organisation: the button reads the first page and
        answers at once with a background run; the rest goes page by page as the cron's jobs,
        each moving the run's progress bar, and the last one tells the user, with a button
        opening the organisation's payments."""
        payments = self.in_xero()
        user = self.xero_user
        mark = self.sandbox.calls()["next"]
        with trap_jobs() as trap:
            answer = self.tenant.with_user(user).action_xero_sync_payments()
            self.assertIn("the rest follows in the background", answer["params"]["message"])
            self.assertEqual(len(self.reads(mark)), 1, "one page read while the user waits")
            self.assertEqual(self.stored(), PAGE_SIZE)
            run = self.env["xero.background.run"].browse(answer["params"]["next"]["res_id"])
            self.assertEqual((run.kind, run.user_id, run.state), ("payments", user, "running"))
            # one page read; a page of payments and one of invoices at least still to read
            self.assertEqual((run.done_count, run.total_count), (1, 3))
            progress = [run.done_count]
            while trap.enqueued_jobs:
                job = trap.enqueued_jobs.pop(0)
                self.assertEqual(job.args[2], "_xero_sync_payments_step")
                job.perform()
                progress.append(run.done_count)
                self.assertLessEqual(run.done_count, run.total_count)
        self.assertEqual(progress, list(range(1, len(progress) + 1)), "a step per page")
        self.assertGreaterEqual(len(progress), 3)
        self.assertEqual((run.state, run.done_count, run.total_count), ("done", len(progress), len(progress)))
        self.assertEqual(self.stored(), len(payments), "every payment in Odoo, each once")
        self.assertEqual(len(self.reads(mark)) + len(self.reads(mark, "GET /Invoices")), len(progress))
        self.assertIn(self.tenant.name, run.summary)
        self.env.cr.precommit.run()  # the bus writes its notifications when the job commits
        channel = json_dump([self.env.cr.dbname, "res.partner", user.partner_id.id])
        sent = [json.loads(n.message) for n in self.env["bus.bus"].search([("channel", "=", channel)])]
        moved = [n["payload"]["done"] for n in sent if n["type"] == "xero_connector/run_progress"]
        self.assertEqual(moved, progress, "the bar moves with each page")
        done_notes = [n["payload"] for n in sent if n["type"] == "xero_connector/done"]
        self.assertEqual(len(done_notes), 1)
        self.assertEqual(done_notes[0]["message"], run.summary)
        opened = self.env["xero.payment"].search(done_notes[0]["action"]["domain"])
        self.assertEqual(len(opened.filtered(lambda p: p.kind == "payment")), len(payments))

        # Synced now: the next press reads one page and answers at once, with no run.
        with trap_jobs() as trap:
            answer = self.tenant.with_user(user).action_xero_sync_payments()
            trap.assert_jobs_count(0)
        self.assertNotIn("next", answer["params"])
        self.assertIn("0 Odoo payment(s) created", answer["params"]["message"])
        self.assertEqual(self.env["xero.background.run"].search([("kind", "=", "payments")]), run)

    def test_sync_payments_now_ends_its_run_when_another_sync_holds_the_organisation(self):
        """Between two pages another sync of the organisation took it (the hourly one, a
        webhook's): the user's run ends at once saying so, not left running."""
        user = self.xero_user
        with trap_jobs() as trap:
            answer = self.tenant.with_user(user).action_xero_sync_payments()
            run = self.env["xero.background.run"].browse(answer["params"]["next"]["res_id"])
            trap.assert_jobs_count(1)
            Payment = type(self.env["xero.payment"])
            with patch.object(Payment, "_xero_lock_payments", lambda model, tenant: False):
                self.assertEqual(trap.enqueued_jobs[0].perform(), None)
        self.assertEqual(run.state, "problems")
        self.assertIn("a payment sync is running already", run.summary)
        self.assertEqual(self.stored(), PAGE_SIZE, "the first page is kept; the other sync reads on")

    def test_sync_payments_now_ends_its_run_when_a_page_fails(self):
        """Xero keeps failing on the second page: the user's run ends saying where it
        stopped, the first page stays in Odoo with its cursor, and no further job is queued."""
        user = self.xero_user
        tenant_id = self.org_a["tenantId"]
        with trap_jobs() as trap:
            answer = self.tenant.with_user(user).action_xero_sync_payments()
            run = self.env["xero.background.run"].browse(answer["params"]["next"]["res_id"])
            self.sandbox.add_fault("500", method="GET", path="/Payments", tenant=tenant_id, count=50)
            try:
                trap.enqueued_jobs.pop(0).perform()
            finally:
                self.sandbox.clear_faults()
            trap.assert_jobs_count(0)
        self.assertEqual(run.state, "problems")
        self.assertIn("stopped at Payments page 1 (", run.summary)
        self.assertIn(f"{PAGE_SIZE} Xero payment(s) read", run.summary)
        self.assertEqual(self.stored(), PAGE_SIZE, "the first page is kept")
        self.tenant.invalidate_recordset()
        self.assertTrue(self.tenant.xero_payments_synced_at)
