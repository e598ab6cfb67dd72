"""Every call to Xero is in the sync log, the identity server's included (issue 20): the code
exchange, the token refresh and the revocation go through the choke point's sibling
``xero.connection._xero_oauth_request``, never writing a token, a code or a secret."""

from odoo.tests import tagged

from .common import XeroSandboxCase, query_of


@tagged("post_install", "-at_install")
class TestOAuthLog(XeroSandboxCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.clear_faults)
        self.Log = self.env["xero.sync.log"].sudo()
        self.last_log = self.Log.search([], limit=1, order="id desc").id or 0
        self.mark = self.sandbox.calls(since=10**12)["next"]

    def new_rows(self):
        return self.Log.search([("id", ">", self.last_log)], order="id")

    def xero_calls(self):
        """What reached the sandbox since the test began, the browser's consent page aside."""
        return [c for c in self.sandbox.calls(since=self.mark)["log"] if c["endpoint"] != "authorize"]

    def test_every_call_to_xero_oauth_included_is_in_the_sync_log(self):
        user = self.xero_manager
        _url, query = self.start_authorization(user)
        callback = query_of(self.consent(query, [self.org_a["tenantId"]]))
        session = self.env["xero.oauth.session"].with_user(user)._consume(callback["state"])
        connection = (
            self.env["xero.connection"].with_user(user)._complete_authorization(session, callback["code"])
        )
        first_tokens = connection.sudo().read(["access_token", "refresh_token"])[0]
        connection._get_access_token(force_refresh=True)
        second_tokens = connection.sudo().read(["access_token", "refresh_token"])[0]
        connection.tenant_ids._xero_call("reading the organisation", "get_organisations")
        connection.action_disconnect()

        calls = self.xero_calls()
        rows = self.new_rows()
        paths = [c["path"].lower() for c in calls]
        self.assertEqual(paths.count("/connect/token"), 2, "the exchange and the refresh")
        self.assertEqual(paths.count("/connect/revocation"), 1)
        self.assertEqual(
            len(rows), len(calls), f"one log line per call: {paths} / {rows.mapped('operation')}"
        )
        operations = rows.mapped("operation")
        for expected in (
            "exchanging the authorisation code",
            "refreshing the access token",
            "revoking the login",
        ):
            self.assertEqual(sum(expected in op for op in operations), 1, expected)
        self.assertEqual(set(rows.mapped("state")), {"success"})
        self.assertEqual(set(rows.mapped("user_id")), {user})
        exchange = rows.filtered(lambda r: "exchanging" in r.operation)
        self.assertFalse(exchange.connection_id, "the login did not exist before the exchange")
        self.assertEqual((rows - exchange).connection_id, connection)
        # Never a token, a code, a verifier or the app's secret.
        blob = repr(rows.read())
        secrets_ = [
            callback["code"],
            self.client_secret,
            *(v for v in first_tokens.values() if isinstance(v, str)),
            *(v for v in second_tokens.values() if isinstance(v, str)),
        ]
        for secret in secrets_:
            self.assertNotIn(secret, blob)
        # The login's owner sees their identity calls in the log.
        seen = self.env["xero.sync.log"].with_user(user).search([("id", "in", rows.ids)])
        self.assertEqual(seen, rows)

    def test_a_refresh_and_a_revocation_are_retried_a_code_exchange_is_not(self):
        connection = self.connect_directly(self.xero_manager, [self.org_a["tenantId"]])
        self.last_log = self.Log.search([], limit=1, order="id desc").id
        self.mark = self.sandbox.calls(since=10**12)["next"]
        # Xero keeps the previous refresh token usable for 30 minutes: a refresh that met a
        # 503 is tried again.
        self.sandbox.add_fault("503", method="POST", path="/connect/token", count=1)
        connection._get_access_token(force_refresh=True)
        refresh = self.new_rows()
        self.assertEqual(refresh.mapped("state"), ["retried", "success"])
        self.assertEqual(refresh.mapped("http_status"), [503, 200])
        # Revoking twice is harmless: repeated after a 503.
        self.last_log = refresh[-1].id
        self.sandbox.add_fault("503", method="POST", path="/connect/revocation", count=1)
        connection.with_user(self.xero_manager).action_disconnect()
        revoke = self.new_rows()
        self.assertEqual(revoke.mapped("state"), ["retried", "success"])
        self.assertEqual(revoke.mapped("http_status"), [503, 200])
        # An authorisation code is used once: an exchange that met a 503 is not repeated.
        self.last_log = revoke[-1].id
        _url, query = self.start_authorization(self.xero_manager)
        callback = query_of(self.consent(query, [self.org_a["tenantId"]]))
        session = self.env["xero.oauth.session"].with_user(self.xero_manager)._consume(callback["state"])
        self.sandbox.add_fault("503", method="POST", path="/connect/token", count=1)
        # Not assertRaises: its savepoint would roll the log lines back with the attempt (they
        # are written by the test's cursor, in the same transaction).
        try:
            self.env["xero.connection"].with_user(self.xero_manager)._complete_authorization(
                session, callback["code"]
            )
        except Exception as error:
            self.assertIn("Xero refused the authorisation", str(error))
        else:
            self.fail("the exchange met a 503")
        exchange = self.new_rows()
        self.assertEqual((exchange.state, exchange.http_status), ("error", 503))
        paths = [c["path"].lower() for c in self.xero_calls()]
        self.assertEqual(paths, ["/connect/token"] * 2 + ["/connect/revocation"] * 2 + ["/connect/token"])
