import threading
import time
from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import fields
from odoo.addons.xero_connector import const, limits
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestConnect(XeroSandboxCase):
    def test_connect_through_callback_links_granted_organisations(self):
        response = self.connect(tenants=[self.org_a["tenantId"], self.org_b["tenantId"]])
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("action-xero_connector.action_xero_tenant", response.headers["Location"])

        connection = self.connection_of(self.xero_manager)
        self.assertEqual(connection.state, "connected")
        self.assertTrue(connection.access_token and connection.refresh_token)
        self.assertGreater(connection.token_expires_at, fields.Datetime.now() + timedelta(minutes=25))
        tenants = connection.tenant_ids
        self.assertEqual(
            sorted(tenants.mapped("tenant_id")), sorted([self.org_a["tenantId"], self.org_b["tenantId"]])
        )
        alpha = tenants.filtered(lambda t: t.tenant_id == self.org_a["tenantId"])
        self.assertEqual(alpha.name, self.org_a["name"])
        self.assertEqual(alpha.short_code, self.org_a["shortCode"])
        self.assertEqual(alpha.base_currency, "AUD")
        self.assertEqual(
            tenants.filtered(lambda t: t.tenant_id == self.org_b["tenantId"]).base_currency, "NZD"
        )
        self.assertEqual(alpha.connection_id, connection)

    def test_callback_refuses_unknown_state(self):
        self.authenticate("xero_manager", "xero_manager")
        with self.assertLogs("odoo.addons.xero_connector.controllers.main", level="WARNING") as logs:
            response = self.url_open("/xero/oauth/callback?state=forged&code=abc", allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not valid", response.text)
        self.assertIn("xero_manager", logs.output[0])
        self.assertFalse(self.connection_of(self.xero_manager))

    def test_callback_refuses_missing_state(self):
        self.authenticate("xero_manager", "xero_manager")
        with self.assertLogs("odoo.addons.xero_connector.controllers.main", level="WARNING"):
            response = self.url_open("/xero/oauth/callback?code=abc", allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.connection_of(self.xero_manager))

    def test_callback_refuses_replayed_state(self):
        _url, query = self.start_authorization()
        location = self.consent(query, [self.org_a["tenantId"]])
        self.authenticate("xero_manager", "xero_manager")
        first = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(first.status_code, 303)
        with self.assertLogs("odoo.addons.xero_connector.controllers.main", level="WARNING"):
            replay = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(replay.status_code, 400)

    def test_callback_refuses_state_of_another_user(self):
        other = new_test_user(
            self.env, login="other_manager", groups="base.group_user,xero_connector.group_xero_manager"
        )
        _url, query = self.start_authorization(user=other)
        location = self.consent(query, [self.org_a["tenantId"]])
        self.authenticate("xero_manager", "xero_manager")
        with self.assertLogs("odoo.addons.xero_connector.controllers.main", level="WARNING"):
            response = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.connection_of(self.xero_manager) | self.connection_of(other))

    def test_wrong_pkce_verifier_is_rejected_by_xero(self):
        _url, query = self.start_authorization()
        session = self.env["xero.oauth.session"].sudo().search([("state", "=", query["state"])])
        session.code_verifier = "not-the-verifier-whose-challenge-was-sent-" + "x" * 20
        location = self.consent(query, [self.org_a["tenantId"]])
        self.authenticate("xero_manager", "xero_manager")
        response = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("invalid_grant", response.text)
        self.assertFalse(self.connection_of(self.xero_manager))

    def test_consent_denied_changes_nothing(self):
        _url, query = self.start_authorization()
        self.authenticate("xero_manager", "xero_manager")
        response = self.url_open(
            f"/xero/oauth/callback?state={query['state']}&error=access_denied", allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("access_denied", response.text)
        self.assertFalse(self.connection_of(self.xero_manager))

    def test_plain_user_cannot_start_or_finish_a_connection(self):
        clerk = new_test_user(
            self.env, login="clerk", groups="base.group_user,xero_connector.group_xero_user"
        )
        with self.assertRaises(AccessError):
            self.env["xero.connection"].with_user(clerk)._start_authorization()

    def test_missing_client_credentials_say_what_to_do(self):
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.client_id", "")
        with self.assertRaisesRegex(UserError, "client id and client secret"):
            self.env["xero.connection"].with_user(self.xero_manager)._start_authorization()


@tagged("post_install", "-at_install")
class TestTokens(XeroSandboxCase):
    def setUp(self):
        super().setUp()
        self.connect(tenants=[self.org_a["tenantId"]])
        self.connection = self.connection_of(self.xero_manager)
        self.tenant = self.connection.tenant_ids

    def _token_requests(self):
        return [c for c in self.sandbox.calls()["log"] if c["path"].lower() == "/connect/token"]

    def test_expired_token_is_refreshed_before_the_call(self):
        old_access, old_refresh = self.connection.access_token, self.connection.refresh_token
        self.connection.token_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        self.tenant._refresh_organisation_details()
        self.connection.invalidate_recordset()
        self.assertNotEqual(self.connection.access_token, old_access)
        self.assertNotEqual(self.connection.refresh_token, old_refresh, "Xero rotates refresh tokens")

    def test_401_from_xero_refreshes_and_retries_once(self):
        self.sandbox.expire_tokens(client_id=self.client_id)
        old_access = self.connection.access_token
        self.tenant._refresh_organisation_details()
        self.connection.invalidate_recordset()
        self.assertNotEqual(self.connection.access_token, old_access)
        self.assertEqual(self.tenant.short_code, self.org_a["shortCode"])

    def test_two_workers_refreshing_at_once_refresh_once(self):
        self.connection.token_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        mark = len(self._token_requests())
        results, errors = [], []
        barrier = threading.Barrier(2)

        def worker():
            try:
                barrier.wait(timeout=10)
                results.append(self.connection._refresh_tokens(stale_token=None))
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertFalse(errors)
        self.assertEqual(len(results), 2)
        self.assertEqual(results[0][0], results[1][0], "both workers end with the same, valid token")
        self.assertEqual(len(self._token_requests()) - mark, 1, "one refresh at Xero")
        self.tenant._refresh_organisation_details()

    def test_invalid_grant_asks_the_owner_to_reconnect(self):
        self.sandbox.age_refresh_tokens()
        self.connection.token_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        with self.assertRaisesRegex(UserError, "needs to be reconnected"):
            self.tenant._refresh_organisation_details()
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "reconnect")
        activity = self.connection.activity_ids
        self.assertEqual(activity.user_id, self.xero_manager)
        self.assertIn("Reconnect", activity.summary)
        # Every later Xero action says the same instead of failing obscurely.
        with self.assertRaisesRegex(UserError, "Connect to Xero"):
            self.tenant._xero_call("reading", "get_organisations")
        # Connecting again clears it.
        self.connect(tenants=[self.org_a["tenantId"]])
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.connection.activity_ids)

    def test_reconnecting_after_a_refresh_in_the_same_transaction_uses_the_new_token(self):
        """Found by the bench: a token refreshed earlier in the transaction is remembered for
        it; connecting again in that transaction must make the calls use the new login's
        token, not the remembered one (dead at Xero here)."""
        self.connection._get_access_token(force_refresh=True)  # remembered for this transaction
        self.sandbox.expire_tokens(client_id=self.client_id)  # that token is no longer honoured
        log = self.sandbox.calls()["log"]
        mark = log[-1]["seq"] if log else 0
        connection = self.connect_directly(self.xero_manager, [self.org_a["tenantId"]])
        self.assertEqual(connection, self.connection)
        new_token = connection.access_token
        self.tenant._refresh_organisation_details()
        after = self.sandbox.calls(mark)["log"]
        self.assertTrue([c for c in after if c["path"].endswith("/Organisation")], "Xero was called")
        self.assertEqual(
            [c["path"] for c in after if c["status"] == 401], [], "the calls used the new login's token"
        )
        connection.invalidate_recordset()
        self.assertEqual(connection.access_token, new_token, "no refresh needed")

    def test_check_authentication_reports_login_orgs_and_expiry(self):
        action = self.connection.with_user(self.xero_manager).action_check_authentication()
        message = action["params"]["message"]
        self.assertIn(self.org_a["name"], message)
        self.assertIn("expires", message)

    def test_check_authentication_is_no_success_when_xero_did_not_answer(self):
        self.sandbox.add_fault("503", path="/Organisation", count=20)
        self.addCleanup(self.sandbox.clear_faults)
        action = self.connection.with_user(self.xero_manager).action_check_authentication()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(f"Xero did not answer for {self.org_a['name']}", action["params"]["message"])

    def test_disconnect_revokes_and_keeps_organisations(self):
        refresh = self.connection.refresh_token
        company = self.env.company
        company.xero_tenant_id = self.tenant
        self.connection.with_user(self.xero_manager).action_disconnect()
        self.assertEqual(self.connection.state, "disconnected")
        self.assertFalse(self.connection.access_token or self.connection.refresh_token)
        self.assertEqual(company.xero_tenant_id, self.tenant, "mappings are kept")
        # Xero no longer honours the revoked token.
        self.connection.write({"state": "connected", "refresh_token": refresh, "access_token": False})
        self.env.flush_all()
        with self.assertRaisesRegex(UserError, "needs to be reconnected"):
            self.connection._refresh_tokens()

    def test_tokens_are_for_system_administrators_only(self):
        with self.assertRaises(AccessError):
            self.connection.with_user(self.xero_manager).read(["refresh_token"])
        self.assertTrue(self.connection.with_user(self.env.ref("base.user_admin")).read(["refresh_token"]))
        self.assertNotIn(self.connection.refresh_token, str(self.connection.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestChokePoint(XeroSandboxCase):
    """What every call to Xero goes through: rate limits, Xero's errors, lost connections."""

    def setUp(self):
        super().setUp()
        self.connect(tenants=[self.org_a["tenantId"]])
        self.tenant = self.connection_of(self.xero_manager).tenant_ids
        self.waits = []

        def wait_on_the_sandbox_clock(model, seconds):
            self.waits.append(seconds)
            self.sandbox.advance(seconds)

        patcher = patch.object(type(self.env["xero.connection"]), "_xero_sleep", wait_on_the_sandbox_clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(self.sandbox.clear_faults)

    def _organisation_calls(self):
        return [c for c in self.sandbox.calls()["log"] if c["path"].endswith("/Organisation")]

    def test_429_waits_retry_after_then_succeeds(self):
        self.sandbox.add_fault(
            "429", path="/Organisation", tenant=self.org_a["tenantId"], retry_after=4, problem="minute"
        )
        self.tenant._refresh_organisation_details()
        self.assertEqual(self.waits, [4])
        self.assertEqual(self.tenant.short_code, self.org_a["shortCode"])

    def test_long_retry_after_ends_the_call_without_sleeping(self):
        """Longer than a few seconds is never slept in a request: the call ends at once,
        saying when Xero takes calls again, and the next call does not even go out."""
        self.sandbox.add_fault(
            "429", path="/Organisation", tenant=self.org_a["tenantId"], retry_after=17, problem="minute"
        )
        before = len(self._organisation_calls())
        with self.assertRaisesRegex(UserError, "next try at") as caught:
            self.tenant._refresh_organisation_details()
        self.assertEqual(self.waits, [])
        self.assertAlmostEqual(
            (caught.exception.retry_at - fields.Datetime.now()).total_seconds(), 17, delta=5
        )
        with self.assertRaisesRegex(UserError, "next try at"):
            self.tenant._refresh_organisation_details()
        self.assertEqual(len(self._organisation_calls()) - before, 1, "the second call was not sent")

    def test_server_errors_and_resets_on_reads_are_retried(self):
        self.sandbox.add_fault("503", path="/Organisation", count=1)
        self.sandbox.add_fault("reset", path="/Organisation", count=1)
        before = len(self._organisation_calls())
        self.tenant._refresh_organisation_details()
        self.assertEqual(self.tenant.short_code, self.org_a["shortCode"])
        self.assertEqual(len(self.waits), 2, "backed off twice")
        self.assertGreaterEqual(len(self._organisation_calls()) - before, 2)

    def test_persistent_failure_ends_in_one_clear_error(self):
        self.sandbox.add_fault("500", path="/Organisation", count=10)
        with self.assertRaisesRegex(UserError, "Xero refused reading the organisation in"):
            self.tenant._refresh_organisation_details()

    def test_xero_validation_message_reaches_the_user(self):
        with self.assertRaisesRegex(UserError, "The contact name .* is already assigned"):
            name = self.sandbox.dump(self.org_a["tenantId"], "Contacts")[0]["Name"]
            self.env["xero.sender"]._xero_send(
                self.tenant,
                "creating a contact",
                "create_contacts",
                {"Contacts": [{"Name": name}]},
                self.env["res.partner"],
                None,
                params={"summarize_errors": True},
            )


@tagged("post_install", "-at_install")
class TestSyncLog(XeroSandboxCase):
    def setUp(self):
        super().setUp()
        self.connect(tenants=[self.org_a["tenantId"]])
        self.tenant = self.connection_of(self.xero_manager).tenant_ids
        self.addCleanup(self.sandbox.clear_faults)

    def _logs(self):
        return self.env["xero.sync.log"].search([("tenant_id", "=", self.tenant.id)], order="id")

    def test_each_call_is_logged_with_remaining_limits(self):
        before = self._logs()
        self.tenant._refresh_organisation_details()
        log = self._logs() - before
        self.assertEqual(len(log), 1)
        self.assertEqual(log.state, "success")
        self.assertEqual(log.http_status, 200)
        self.assertIn("reading the organisation", log.operation)
        self.assertGreater(log.min_remaining, 0)
        self.assertGreater(log.day_remaining, 0)

    def test_a_failure_is_logged_with_each_retry(self):
        self.sandbox.add_fault("500", path="/Organisation", count=10)
        patcher = patch.object(type(self.env["xero.connection"]), "_xero_sleep", lambda model, seconds: None)
        patcher.start()
        self.addCleanup(patcher.stop)
        before = self._logs()
        # Not assertRaises: Odoo's rolls back to a savepoint, and the log lines (written by
        # the test cursor, in the same transaction) would go with it.
        try:
            self.tenant._refresh_organisation_details()
        except UserError as error:
            self.assertIn("Xero refused reading the organisation", str(error))
        else:
            self.fail("a persistent 500 must end in a UserError")
        logs = self._logs() - before
        self.assertEqual(logs.mapped("state")[-1], "error")
        self.assertEqual(logs.mapped("state").count("retried"), 4, "five tries in all")
        self.assertEqual(logs[-1].http_status, 500)
        errors = self.env["xero.sync.log"].search([("state", "=", "error"), ("id", "in", logs.ids)])
        self.assertEqual(errors, logs[-1], "the Errors filter finds it")


@tagged("post_install", "-at_install")
class TestInFlightLimit(XeroSandboxCase):
    def test_no_more_than_five_calls_in_flight_per_organisation(self):
        """Eight threads call one organisation at once: the slots shared in PostgreSQL keep
        five in flight (the sandbox's peak), so Xero never refuses one as too many at once."""
        self.connect(tenants=[self.org_a["tenantId"]])
        connection = self.connection_of(self.xero_manager)
        tenant = connection.tenant_ids
        token = connection._get_access_token()
        url = f"{self.sandbox_url}/api.xro/2.0/Organisation"
        headers = {
            "Authorization": f"Bearer {token}",
            "Xero-Tenant-Id": tenant.tenant_id,
            "Accept": "application/json",
        }
        self.sandbox.set_latency(0.4, tenant=tenant.tenant_id)
        self.addCleanup(self.sandbox.set_latency, 0)
        self.sandbox.reset_peaks()
        registry, tenant_db_id, statuses = self.env.registry, tenant.id, []

        def call():
            slot = limits.take(registry, tenant_db_id)
            try:
                statuses.append(requests.get(url, headers=headers, timeout=10).status_code)
            finally:
                limits.release(registry, tenant_db_id, slot)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(statuses, [200] * 8, "Xero's 5-in-flight limit was never hit")
        usage = self.sandbox.usage(tenant.tenant_id)
        self.assertEqual(usage["peak_in_flight"], 5, "five at once, never more")
        self.assertEqual(usage["refused"], {})
        self.assertEqual(limits.state(registry, tenant_db_id)["in_flight"], {}, "every slot given back")

    def _wait_until_xero_is_done(self, tenant_id):
        """Xero goes on with a call its client stopped waiting for: the next test waits."""
        deadline = time.monotonic() + 10
        while self.sandbox.usage(tenant_id)["in_flight"] and time.monotonic() < deadline:
            time.sleep(0.2)

    def test_a_slot_left_by_a_killed_process_is_taken_back_when_its_lease_ends(self):
        self.connect(tenants=[self.org_a["tenantId"]])
        tenant = self.connection_of(self.xero_manager).tenant_ids
        registry = self.env.registry
        for _n in range(5):  # five calls of a process that died before giving them back
            limits.take(registry, tenant.id)
        with self.assertRaises(limits.Refused) as refused:
            limits.take(registry, tenant.id, wait=0.3)
        self.assertEqual(refused.exception.problem, "concurrent")
        later = time.time() + limits.SLOT_LEASE_SECONDS + 1
        with patch("time.time", return_value=later):
            slot = limits.take(registry, tenant.id, wait=0)
            self.assertEqual(len(limits.state(registry, tenant.id)["in_flight"]), 1)
        limits.release(registry, tenant.id, slot)

    def test_every_call_has_a_read_timeout(self):
        """An organisation answering late does not hold the worker: the call ends at the read
        timeout (here shortened) instead of waiting for ever."""
        self.connect(tenants=[self.org_a["tenantId"]])
        tenant = self.connection_of(self.xero_manager).tenant_ids
        self.sandbox.add_fault("timeout", path="/Organisation", count=1, delay=3)
        self.addCleanup(self.sandbox.clear_faults)
        self.addCleanup(self._wait_until_xero_is_done, tenant.tenant_id)
        started = time.monotonic()
        with (
            patch.object(const, "HTTP_TIMEOUT_SECONDS", 1),
            patch.object(const, "MAX_ATTEMPTS", 1),
            self.assertRaises(UserError) as refused,
        ):
            tenant._xero_call("reading the organisation", "get_organisations")
        self.assertLess(time.monotonic() - started, 2.8)
        self.assertIn("could not be reached", str(refused.exception))
        self.assertEqual(limits.state(self.env.registry, tenant.id)["in_flight"], {}, "the slot came back")
