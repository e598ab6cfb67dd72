"""Xero as it is in 2026 (docs/XERO_FACTS_2026.md), against the sandbox that enforces it:
granular scopes, the daily budget, long Retry-After, 3.5 MB requests, discounts only on sales
invoices."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.xero_connector import const
from odoo.addons.xero_connector.errors import XeroRetryLater
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestXero2026(XeroExportCase):
    def setUp(self):
        super().setUp()
        self.waits = []
        sandbox = self.sandbox

        def wait(model, seconds):
            self.waits.append(seconds)
            sandbox.advance(seconds)

        patcher = patch.object(type(self.env["xero.connection"]), "_xero_sleep", wait)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(self.sandbox.set_limits, day=None)

    def settings_as(self, user):
        """The Settings page as ``user`` sees their own Xero login there."""
        user.groups_id |= self.env.ref("base.group_system")
        return self.env["res.config.settings"].with_user(user).create({})

    # ------------------------------------------------------------------------------ scopes
    def test_default_scopes_are_granular_and_a_new_starter_app_connects(self):
        scopes = const.DEFAULT_SCOPES.split()
        self.assertNotIn("accounting.transactions", scopes)
        for needed in (
            "accounting.invoices",
            "accounting.payments",
            "accounting.manualjournals",
            "accounting.contacts",
            "accounting.settings",
            "accounting.attachments",
        ):
            self.assertIn(needed, scopes)
        [app] = [a for a in self.sandbox.apps() if a["client_id"] == self.client_id]
        self.assertEqual((app["tier"], app["granular_scopes_only"]), ("starter", True))
        connection = self.connection_of(self.xero_manager)
        self.assertEqual(set(connection.scope.split()), set(scopes))
        self.assertFalse(self.settings_as(self.xero_manager).xero_scope_warnings)

    def test_the_old_broad_scope_fails_to_connect_a_new_app(self):
        self.env["ir.config_parameter"].sudo().set_param(
            const.PARAM_PREFIX + "scopes", "offline_access openid accounting.transactions accounting.settings"
        )
        response = self.connect(tenants=[self.org_a["tenantId"]])
        self.assertIn(
            "Xero did not grant access (unauthorized_client: Invalid scope for client)", response.text
        )
        self.assertIn("cannot ask for accounting.transactions", response.text)

    def test_missing_scope_is_named_in_settings_and_the_pdf_step_says_so_before_calling(self):
        without_attachments = const.DEFAULT_SCOPES.replace(" accounting.attachments", "")
        self.env["ir.config_parameter"].sudo().set_param(const.PARAM_PREFIX + "scopes", without_attachments)
        self.assertEqual(self.connect(tenants=[self.org_a["tenantId"]]).status_code, 303)
        warnings = self.settings_as(self.xero_manager).xero_scope_warnings
        self.assertEqual(warnings, "Attach PDF needs accounting.attachments")

        self.company.xero_attach_pdf = True
        move = self.make_move()
        mark = self.sandbox.calls()["next"]
        move.with_user(self.xero_user).action_xero_export()
        self.assertEqual(move.xero_export_state, "exported")
        self.assertIn("Attach PDF needs the Xero permission accounting.attachments", move.message_ids[0].body)
        sent = [c["path"] for c in self.sandbox.calls(since=mark)["log"]]
        self.assertFalse([p for p in sent if "/Attachments" in p], "nothing was sent without the scope")

    # ------------------------------------------------------------------------ daily budget
    def test_calls_left_today_come_from_xero_and_background_work_keeps_the_reserve(self):
        self.tenant._refresh_organisation_details()
        self.tenant.invalidate_recordset(["xero_day_remaining"])
        used = self.sandbox.limits()["usage"][f"{self.client_id}/{self.org_a['tenantId']}"]["day"]
        self.assertEqual(self.tenant.xero_day_remaining, 1000 - used, "Starter: 1,000 calls a day")

        # only 150 calls left (the reserve is 20 % of 1,000): background work stops, sends nothing
        self.sandbox.set_limits(day=used + 151)
        self.tenant._refresh_organisation_details()
        mark = self.sandbox.calls()["next"]
        with self.assertRaisesRegex(XeroRetryLater, "only its reserve of Xero calls left"):
            self.env["xero.cache.refresh.request"]._refresh_cache(
                self.tenant.with_context(xero_background=True)
            )
        self.assertEqual(self.sandbox.calls(since=mark)["log"], [])
        # an export still goes
        move = self.make_move()
        move.with_user(self.xero_user).action_xero_export()
        self.assertEqual(move.xero_export_state, "exported")

    def test_a_12_hour_retry_after_queues_the_document_with_its_next_try(self):
        self.sandbox.add_fault(
            "429",
            method="PUT",
            path="/Invoices$",
            tenant=self.org_a["tenantId"],
            retry_after=43200,
            problem="day",
        )
        move = self.make_move()
        before = fields.Datetime.now()
        action = move.with_user(self.xero_user).action_xero_export()
        self.assertEqual(self.waits, [], "nothing slept")
        self.assertEqual(move.xero_export_state, "queued")
        self.assertFalse(move.xero_id)
        self.assertAlmostEqual((move.xero_next_try_at - before).total_seconds(), 43200, delta=120)
        self.assertIn("wait in the queue, next try at", action["params"]["message"])
        self.assertEqual(self.tenant.xero_next_try_at, move.xero_next_try_at)
        self.assertEqual(self.tenant.xero_queued_count, 1)
        self.assertFalse(move.activity_ids, "waiting is not a failure")
        self.assertFalse(
            self.env["xero.export.attempt"]._in_doubt(move), "Xero created nothing: no lookup next time"
        )

        # the cron leaves it alone until then...
        mark = self.sandbox.calls()["next"]
        self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(move.xero_export_state, "queued")
        self.assertEqual(self.sandbox.calls(since=mark)["log"], [])
        # ...and sends it once the time has come
        self.sandbox.advance(43200 + 60)
        with freeze_time(move.xero_next_try_at + timedelta(minutes=1)):
            self.run_cron("account.move", "_cron_xero_export_queue")
        self.assertEqual(move.xero_export_state, "exported")
        self.assertFalse(move.xero_next_try_at)
        self.assertEqual(len([i for i in self.in_xero() if i["InvoiceID"] == move.xero_id]), 1)
        sent = [c["endpoint"] for c in self.sandbox.calls(since=mark)["log"]]
        self.assertNotIn("GET /Invoices", sent, "no lookup of the document before sending it")

    # ---------------------------------------------------------------------- request size
    def test_batches_are_split_by_size_as_well_as_count(self):
        long_text = "Shipment details " * 200  # ~3.4 kB a line
        moves = self.env["account.move"]
        for _i in range(4):
            moves |= self.make_move(lines=[{"name": long_text, "quantity": 1, "price_unit": 10.0}] * 3)
        mark = len(self.puts())
        with patch.object(const, "MAX_BODY_BYTES", 25_000):  # two documents a request
            moves.action_xero_export()
        self.assertEqual(set(moves.mapped("xero_export_state")), {"exported"})
        self.assertEqual(len(self.puts()) - mark, 2)

    def test_a_document_over_the_limit_is_refused_before_sending(self):
        move = self.make_move(lines=[{"name": "x" * 3000, "quantity": 1, "price_unit": 1.0}] * 3)
        mark = len(self.puts())
        with (
            patch.object(const, "MAX_BODY_BYTES", 5_000),
            self.assertRaisesRegex(UserError, "too large for one request to Xero"),
        ):
            move.action_xero_export()
        self.assertEqual(len(self.puts()) - mark, 0)
        self.assertFalse(move.xero_id)

    # ------------------------------------------------------------------------- discounts
    def test_discounts_on_bills_and_credit_notes_are_folded_into_the_price(self):
        lines = [
            {"name": "Bolts", "quantity": 3, "price_unit": 33.33, "discount": 10},
            {"name": "Nuts", "quantity": 7, "price_unit": 1.99, "discount": 12.5},
            {"name": "Washers", "quantity": 1, "price_unit": 100.0},
        ]
        moves = {
            kind: self.make_move(kind, lines=lines, ref=f"REF-{kind}")
            for kind in ("in_invoice", "in_refund", "out_refund")
        }
        sale = self.make_move("out_invoice", lines=lines)
        (sale | self.env["account.move"].union(*moves.values())).action_xero_export()
        for kind, move in moves.items():
            self.assertEqual(move.xero_export_state, "exported", move.xero_error)
            resource = "Invoices" if kind == "in_invoice" else "CreditNotes"
            id_key = "InvoiceID" if resource == "Invoices" else "CreditNoteID"
            twin = next(d for d in self.in_xero(resource) if d[id_key] == move.xero_id)
            self.assertFalse(
                [li for li in twin["LineItems"] if li.get("DiscountRate") or li.get("DiscountAmount")]
            )
            self.assertAlmostEqual(twin["Total"], move.amount_total, places=2, msg=kind)
            self.assertAlmostEqual(twin["SubTotal"], move.amount_untaxed, places=2, msg=kind)
        twin = next(d for d in self.in_xero() if d["InvoiceID"] == sale.xero_id)
        self.assertEqual([li.get("DiscountRate") for li in twin["LineItems"]][:2], [10.0, 12.5])
        self.assertAlmostEqual(twin["Total"], sale.amount_total, places=2)
