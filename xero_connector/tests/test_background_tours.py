"""Background work as the user sees it in a browser: the run's progress bar moving while the
job runner works, and the notification's Open button."""

import json
import threading
import time
from datetime import datetime, timedelta
from unittest.mock import patch

import requests

import odoo
from odoo.addons.bus.websocket import WebsocketConnectionHandler
from odoo.addons.xero_connector import const
from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from ..wizards.xero_variance_report import _last_month
from .test_export import XeroExportCase
from .test_variance_report import XeroVarianceCase

# A job is handed to the runner this long after it was queued: the tour sees the run as it
# starts (0 done) before the first job can move it.
SETTLE_SECONDS = 8


class JobRunner(threading.Thread):
    """Stands in for queue_job's runner while a tour runs: hands each due job of the xero
    channel to ``/queue_job/runjob`` (the runner's own way), then sends PostgreSQL's NOTIFY
    that tells the bus new notifications are there — a test transaction never commits, so
    Odoo's post-commit hook that sends it never runs."""

    def __init__(self, case, partner):
        super().__init__(daemon=True)
        self.case = case
        self.partner = partner
        self.stopping = threading.Event()
        self.ran = []

    def run(self):
        while not self.stopping.wait(0.5):
            for uuid in self._due():
                self._run_job(uuid)

    def _due(self):
        settled = datetime.utcnow() - timedelta(seconds=SETTLE_SECONDS)
        with self.case.registry.cursor() as cr:
            cr.execute(
                """SELECT uuid FROM queue_job WHERE state = 'pending' AND channel = 'root.xero'
                   AND date_created <= %s AND (eta IS NULL OR eta <= %s) ORDER BY id""",
                [settled, datetime.utcnow()],
            )
            uuids = [row[0] for row in cr.fetchall()]
            if uuids:
                cr.execute("UPDATE queue_job SET state = 'enqueued' WHERE uuid IN %s", [tuple(uuids)])
        return uuids

    def _run_job(self, uuid):
        requests.get(
            f"{self.case.base_url()}/queue_job/runjob",
            params={"db": self.case.env.cr.dbname, "job_uuid": uuid},
            cookies={TEST_CURSOR_COOKIE_NAME: self.case.http_request_key},
            timeout=120,
        )
        self.ran.append(uuid)
        channel = [self.case.env.cr.dbname, "res.partner", self.partner.id]
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pg_notify('imbus', %s)", [json.dumps([channel])])

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.join(timeout=30)


@tagged("post_install", "-at_install")
class TestBackgroundTours(XeroExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The browser's bus: Odoo turns its websocket off under tests; its own bus tests turn
        # it on this way (bus/tests/common.py).
        cls.startClassPatcher(
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True)
        )

    def test_export_all_shows_its_progress_and_opens_its_result(self):
        moves = self.make_move() | self.make_move() | self.make_move()
        with (
            patch.object(const, "BACKGROUND_EXPORT_ABOVE", 2),
            JobRunner(self, self.xero_user.partner_id) as runner,
        ):
            started = time.monotonic()
            self.start_tour(
                "/odoo/action-account.action_move_out_invoice_type",
                "xero_background_export_tour",
                login="xero_clerk",
            )
        self.assertTrue(runner.ran, f"the runner ran the jobs ({time.monotonic() - started:.0f} s)")
        self.assertEqual(set(moves.mapped("xero_export_state")), {"exported"})
        run = self.env["xero.background.run"].search([("user_id", "=", self.xero_user.id)])
        self.assertEqual((run.state, run.done_count, run.total_count), ("done", 3, 3))
        self.assertEqual(
            {i["InvoiceNumber"] for i in self.in_xero() if i["InvoiceID"] in moves.mapped("xero_id")},
            set(moves.mapped("name")),
        )

    def test_background_work_list_moves_by_itself(self):
        moves = self.make_move() | self.make_move() | self.make_move()
        with patch.object(const, "BACKGROUND_EXPORT_ABOVE", 2):
            answer = self.env["account.move"].with_user(self.xero_user).action_xero_export_all()
        run = self.env["xero.background.run"].browse(answer["params"]["next"]["res_id"])
        with JobRunner(self, self.xero_user.partner_id):
            self.start_tour(
                "/odoo/action-xero_connector.action_xero_overview",
                "xero_background_list_tour",
                login="xero_clerk",
            )
        self.assertEqual((run.state, run.done_count), ("done", 3))
        self.assertEqual(set(moves.mapped("xero_export_state")), {"exported"})


@tagged("post_install", "-at_install")
class TestBackgroundVarianceTour(XeroVarianceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True)
        )

    def test_variance_report_of_many_documents_shows_its_progress_and_opens_its_rows(self):
        day = _last_month()[0].replace(day=5)
        moves = self.make_dated(day) | self.make_dated(day)
        with (
            patch.object(const, "VARIANCE_BACKGROUND_ABOVE", 1),
            JobRunner(self, self.xero_user.partner_id) as runner,
        ):
            self.start_tour(
                "/odoo/action-account.action_move_out_invoice_type",
                "xero_background_variance_tour",
                login="xero_clerk",
            )
        self.assertEqual(len(runner.ran), 1, "one organisation, one job")
        report = self.env["xero.variance.report"].search([("create_uid", "=", self.xero_user.id)])
        self.assertEqual({self.rows(report)[m.name].state for m in moves}, {"not_exported"})
        run = self.env["xero.background.run"].search([("user_id", "=", self.xero_user.id)])
        self.assertEqual((run.kind, run.state, run.done_count, run.total_count), ("variance", "done", 2, 2))
