"""Issue 9's seven classes of holes, each tried the way an attacker would: over RPC
(``call_kw``, what /web/dataset/call_kw runs, with the attacker's own environment) or over
HTTP. Every test asserts the refusal *and* that nothing changed: no call reached the Xero
sandbox, no record was written."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .security_common import XeroSecurityCase


@tagged("post_install", "-at_install")
class TestSecurityBoundaries(XeroSecurityCase):
    """Company A (the test company) is mapped to organisation A, connected by ``xero_manager``;
    company B to organisation B, connected by its own manager. Attackers: a plain employee,
    an invoicing user, a Xero user and a Xero manager of company B, and a second Xero manager
    of company A."""

    company_b_name = "Beta Security Co"
    login_prefix = "sec"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls.user_in("sec_clerk", "base.group_user", cls.company)
        cls.invoicer = cls.user_in(
            "sec_invoicer", "base.group_user,account.group_account_invoice", cls.company
        )
        cls.xero_only = cls.user_in(
            "sec_xero_only", "base.group_user,xero_connector.group_xero_user", cls.company
        )
        cls.a_manager2 = cls.user_in(
            "sec_a_manager2", "base.group_user,account.group_account_manager", cls.company
        )
        cls.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", "app-webhook-key-123")
        cls.tenant.sudo().xero_webhook_key = "org-webhook-key-456"

    # --------------------------------------------------------------------------------------
    # 1. Secrets
    # --------------------------------------------------------------------------------------
    def test_1_secrets_never_reach_a_non_administrator(self):
        secret_fields = ["xero_client_secret", "xero_webhook_key", "xero_client_id"]
        spec = {name: {} for name in secret_fields}
        for user in (self.clerk, self.invoicer, self.xero_manager):
            self.authenticate(user.login, user.login)
            defaults = self.make_jsonrpc_request(
                "/web/dataset/call_kw/res.config.settings/default_get",
                {
                    "model": "res.config.settings",
                    "method": "default_get",
                    "args": [secret_fields],
                    "kwargs": {},
                },
            )
            self.assertNotIn("xero_client_secret", defaults, user.login)
            self.assertNotIn("xero_webhook_key", defaults, user.login)
            self.assertEqual(defaults.get("xero_client_id"), self.client_id)
            try:
                onchange = self.make_jsonrpc_request(
                    "/web/dataset/call_kw/res.config.settings/onchange",
                    {
                        "model": "res.config.settings",
                        "method": "onchange",
                        "args": [[], {}, [], spec],
                        "kwargs": {},
                    },
                )
            except JsonRpcException:
                onchange = {}  # refused outright: as good
            blob = repr(onchange)
            self.assertNotIn(self.client_secret, blob, user.login)
            self.assertNotIn("app-webhook-key-123", blob, user.login)
        # The organisation's own key and the tokens: refused even to the login's owner.
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/xero.tenant/read",
                {
                    "model": "xero.tenant",
                    "method": "read",
                    "args": [self.tenant.ids, ["xero_webhook_key"]],
                    "kwargs": {},
                },
            )
        for fname in ("access_token", "refresh_token"):
            with self.assertRaises(AccessError):
                self.attack(self.xero_manager, "xero.connection", "read", self.connection_a.ids, [[fname]])
            try:
                exported = self.attack(
                    self.xero_manager, "xero.connection", "export_data", self.connection_a.ids, [[fname]]
                )
            except (AccessError, UserError):
                exported = {}  # export itself refused: as good
            self.assertNotIn(self.connection_a.sudo()[fname], repr(exported))
        # An administrator does read them: the test above is not blind.
        self.authenticate("admin", "admin")
        defaults = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.config.settings/default_get",
            {"model": "res.config.settings", "method": "default_get", "args": [secret_fields], "kwargs": {}},
        )
        self.assertEqual(defaults["xero_client_secret"], self.client_secret)
        self.assertEqual(defaults["xero_webhook_key"], "app-webhook-key-123")

    # --------------------------------------------------------------------------------------
    # 2. Company boundaries and other people's logins
    # --------------------------------------------------------------------------------------
    def test_2_company_b_cannot_act_on_company_a_organisation(self):
        move = self.exported()
        self.pay_in_xero(move, 50.0)
        payments_before = self.env["account.payment"].search_count([])
        mark = self.mark()
        # Payment sync of A's organisation, by B's Xero user.
        with self.assertRaises(AccessError):
            self.attack(self.b_user, "xero.tenant", "action_xero_sync_payments", self.tenant.ids)
        # Get Xero payments wizard pointed at A's organisation.
        wizard = self.attack(
            self.b_user,
            "xero.payments.wizard",
            "create",
            args=[{"tenant_id": self.tenant.id, "date_from": "2000-01-01", "date_to": "2100-01-01"}],
        )
        with self.assertRaises(AccessError):
            self.attack(self.b_user, "xero.payments.wizard", "action_get_payments", [wizard])
        # Cache refresh of A's organisation.
        wizard = self.attack(
            self.b_user,
            "xero.cache.refresh.wizard",
            "create",
            args=[
                {
                    "tenant_scope": "one",
                    "tenant_id": self.tenant.id,
                    "everything": False,
                    "refresh_items": True,
                }
            ],
        )
        with self.assertRaises(AccessError):
            self.attack(self.b_user, "xero.cache.refresh.wizard", "action_refresh", [wizard])
        # The clear-exported wizard asks Xero on create: not for a company-A invoice.
        with self.assertRaises(AccessError):
            self.attack(self.b_user, "xero.clear.exported.wizard", "create", args=[{"move_id": move.id}])
        # Check, update and clear on company A's invoice.
        for method in ("action_xero_check", "action_xero_update", "action_xero_update_payments"):
            with self.assertRaises(AccessError):
                self.attack(self.b_user, "account.move", method, move.ids)
        # Moving one of B's own partner links or tax mappings into A's organisation.
        binding = self.env["xero.partner.binding"].create(
            {"partner_id": self.vendor.id, "tenant_id": self.tenant_b.id}
        )
        tax_map = self.env["xero.tax.map"].create({"tenant_id": self.tenant_b.id, "tax_id": self.tax_sale.id})
        with self.assertRaises(AccessError):
            self.attack(
                self.b_user, "xero.partner.binding", "write", binding.ids, [{"tenant_id": self.tenant.id}]
            )
        with self.assertRaises(AccessError):
            self.attack(self.b_manager, "xero.tax.map", "write", tax_map.ids, [{"tenant_id": self.tenant.id}])
        self.assertEqual((binding.tenant_id, tax_map.tenant_id), (self.tenant_b, self.tenant_b))
        self.assertNoXeroCall(mark)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before)
        self.assertFalse(
            self.env["xero.cache.refresh.request"].search([("tenant_ids", "in", self.tenant.ids)])
        )
        # A's own Xero user may sync (the refusals above are about who, not about the sync).
        self.attack(self.xero_user, "xero.tenant", "action_xero_sync_payments", self.tenant.ids)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before + 1)

    def test_2_nobody_uses_another_users_xero_login(self):
        connection = self.connection_a
        state, tokens = connection.state, (connection.sudo().access_token, connection.sudo().refresh_token)
        mark = self.mark()
        for attacker, company in ((self.b_manager, None), (self.a_manager2, None)):
            for method in (
                "action_check_authentication",
                "action_disconnect",
                "action_reconnect",
                "action_add_organisation",
            ):
                with self.assertRaises(AccessError, msg=f"{attacker.login} {method}"):
                    self.attack(attacker, "xero.connection", method, connection.ids, company=company)
            # "Show Xero organisations" asks Xero in default_get, callable by anyone.
            with self.assertRaises(AccessError):
                self.attack(
                    attacker,
                    "xero.tenant.link.wizard",
                    "default_get",
                    args=[["connection_id", "line_ids"]],
                    kwargs={"context": {"active_id": connection.id}},
                )
            # Taking the login over by writing its owner.
            with self.assertRaises(AccessError):
                self.attack(attacker, "xero.connection", "write", connection.ids, [{"user_id": attacker.id}])
        self.assertNoXeroCall(mark)
        self.assertEqual(connection.state, state)
        self.assertEqual(connection.user_id, self.xero_manager)
        self.assertEqual((connection.sudo().access_token, connection.sudo().refresh_token), tokens)
        self.assertFalse(
            self.env["xero.oauth.session"].sudo().search([("connection_id", "=", connection.id)])
        )

    # --------------------------------------------------------------------------------------
    # 3. OAuth sessions
    # --------------------------------------------------------------------------------------
    def test_3_oauth_sessions_are_nobodys_to_read(self):
        _url, query = self.start_authorization(self.xero_manager, connection=self.connection_a)
        session = self.env["xero.oauth.session"].sudo().search([("state", "=", query["state"])])
        self.assertTrue(session)
        for user in (self.a_manager2, self.b_manager, self.xero_manager):
            with self.assertRaises(AccessError):
                self.attack(user, "xero.oauth.session", "search_read", args=[[], ["state", "code_verifier"]])
            with self.assertRaises(AccessError):
                self.attack(user, "xero.oauth.session", "read", session.ids, [["code_verifier"]])
            with self.assertRaises(AccessError):
                self.attack(user, "xero.oauth.session", "write", session.ids, [{"used": True}])
        self.assertFalse(session.used)
        location = self.consent(query, [self.org_a["tenantId"]])
        # Another manager of the company who got hold of the callback link: refused before
        # any token exchange, the round stays unused for its owner.
        token_calls = self.mark()
        self.authenticate(self.a_manager2.login, self.a_manager2.login)
        response = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertNoXeroCall(token_calls)
        session.invalidate_recordset()
        self.assertFalse(session.used)
        self.assertFalse(self.env["xero.connection"].search([("user_id", "=", self.a_manager2.id)]))
        # The flow itself still works for its owner (sudo inside).
        self.authenticate("xero_manager", "xero_manager")
        response = self.url_open(self.relative(location), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        session.invalidate_recordset()
        self.assertTrue(session.used)

    # --------------------------------------------------------------------------------------
    # 4. Xero link fields
    # --------------------------------------------------------------------------------------
    def test_4_link_fields_are_written_by_the_module_only(self):
        move = self.exported()
        before = move.read(["xero_id", "xero_export_state", "xero_number", "xero_status"])[0]
        for values in (
            {"xero_id": False},
            {"xero_id": "00000000-0000-4000-8000-000000000000"},
            {"xero_export_state": "not_exported"},
            {"xero_status": "DELETED"},
        ):
            for user in (self.invoicer, self.xero_user):
                with self.assertRaises(AccessError, msg=f"{user.login} {values}"):
                    self.attack(user, "account.move", "write", move.ids, [values])
        self.assertEqual(move.read(list(before))[0], before)
        # Creating a document that pretends to be exported is refused too.
        with self.assertRaises(AccessError):
            self.attack(
                self.invoicer,
                "account.move",
                "create",
                args=[{"move_type": "out_invoice", "partner_id": self.customer.id, "xero_id": "fake"}],
            )
        # So the document cannot be exported twice.
        mark = self.mark()
        with self.assertRaisesRegex(Exception, "Nothing to export"):
            self.attack(self.xero_user, "account.move", "action_xero_export", move.ids)
        self.assertNoXeroCall(mark)
        # A payment's Xero link likewise.
        payment = self.register(move, 10.0)
        self.assertTrue(payment.xero_payment_id)
        with self.assertRaises(AccessError):
            self.attack(self.invoicer, "account.payment", "write", payment.ids, [{"xero_payment_id": False}])
        self.assertTrue(payment.xero_payment_id)

    # --------------------------------------------------------------------------------------
    # 5. Organisation against the document's company; archived organisations
    # --------------------------------------------------------------------------------------
    def test_5_document_goes_only_to_an_organisation_its_manager_works_with(self):
        """Issue 22 lifted the old rule (only the company's organisation, or one of no
        company): a Xero manager may send a document to another company's organisation they
        work with (TestBrandingOverride). One who does not work with it is still refused."""
        a_only = self.user_in(
            "sec_a_xero_manager",
            "base.group_user,account.group_account_manager,xero_connector.group_xero_manager",
            self.company,
        )
        self.assertInvoiceRefusedIn(a_only, self.tenant_b)
        move = self.make_move()
        with self.assertRaises(AccessError):
            self.attack(a_only, "account.move", "write", move.ids, [{"xero_tenant_id": self.tenant_b.id}])
        self.assertEqual(move.xero_tenant_id, self.tenant)
        # An organisation archived after the document was made: nothing is sent, the reason is said.
        self.tenant.active = False
        mark = self.mark()
        with self.assertRaisesRegex(Exception, "archived"):
            self.attack(self.xero_user, "account.move", "action_xero_export", move.ids)
        self.assertNoXeroCall(mark)
        self.assertFalse(move.xero_id)
        self.assertIn("archived", move.xero_error or "")
        # ... and new documents no longer pick it.
        self.assertFalse(self.make_move(post=False).xero_tenant_id)

    # --------------------------------------------------------------------------------------
    # 6. Sync log
    # --------------------------------------------------------------------------------------
    def test_6_sync_log_shows_no_other_company_login(self):
        self.connection_a._fetch_connections()  # a call of no organisation, by A's login
        rows_a = self.env["xero.sync.log"].search(
            [("connection_id", "=", self.connection_a.id), ("tenant_id", "=", False)]
        )
        self.assertTrue(rows_a)
        seen_by_b = self.attack(
            self.b_user, "xero.sync.log", "search_read", args=[[], ["connection_id", "user_id", "operation"]]
        )
        self.assertFalse({r["id"] for r in seen_by_b} & set(rows_a.ids))
        self.assertFalse(
            [r for r in seen_by_b if r["connection_id"] and r["connection_id"][0] == self.connection_a.id]
        )
        with self.assertRaises(AccessError):
            self.attack(self.b_user, "xero.sync.log", "read", rows_a[:1].ids, [["connection_id"]])
        # Company A's Xero users do see them.
        seen_by_a = self.attack(self.xero_user, "xero.sync.log", "search_read", args=[[], ["connection_id"]])
        self.assertTrue(set(rows_a.ids) <= {r["id"] for r in seen_by_a})

    # --------------------------------------------------------------------------------------
    # 7. Payments from Xero: only for users who may register payments
    # --------------------------------------------------------------------------------------
    def test_7_payment_sync_needs_the_right_to_register_payments(self):
        move = self.exported()
        self.pay_in_xero(move, 100.0)
        payments_before = self.env["account.payment"].search_count([])
        mark = self.mark()
        with self.assertRaisesRegex(AccessError, "register payments"):
            self.attack(self.xero_only, "xero.tenant", "action_xero_sync_payments", self.tenant.ids)
        with self.assertRaises(AccessError):
            self.attack(self.xero_only, "account.move", "action_xero_update_payments", move.ids)
        self.assertNoXeroCall(mark)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before)
        self.assertFalse(self.env["xero.payment"].search([("move_id", "=", move.id)]))
        # An invoicing Xero user of the company may, and the payment is reconciled.
        self.attack(self.xero_user, "account.move", "action_xero_update_payments", move.ids)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before + 1)
        self.assertEqual(move.amount_residual, move.amount_total - 100.0)
        self.assertEqual(fields.Date.today(), self.odoo_payments(move).date)

    def test_7_payment_sync_needs_every_company_of_the_organisation(self):
        """The sync writes on every exported document of the organisation, so it runs in all
        their companies: a Xero user who may register payments but works in only one of the
        organisation's two companies is refused, before any call."""
        move = self.exported()
        self.pay_in_xero(move, 100.0)
        self.company_b.xero_tenant_id = self.tenant  # organisation A now serves company B too
        payments_before = self.env["account.payment"].search_count([])
        mark = self.mark()
        with self.assertRaisesRegex(AccessError, "writes on documents of Beta Security Co"):
            self.attack(self.xero_user, "xero.tenant", "action_xero_sync_payments", self.tenant.ids)
        with self.assertRaisesRegex(AccessError, "writes on documents of Beta Security Co"):
            self.attack(self.xero_user, "account.move", "action_xero_update_payments", move.ids)
        self.assertNoXeroCall(mark)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before)
        self.assertFalse(self.env["xero.payment"].search([("move_id", "=", move.id)]))
        self.assertEqual(move.amount_residual, move.amount_total)
        # Working in both companies, the same user may (in both, whichever one is selected).
        self.xero_user.write({"company_ids": [Command.link(self.company_b.id)]})
        self.attack(
            self.xero_user,
            "xero.tenant",
            "action_xero_sync_payments",
            self.tenant.ids,
            company=self.company_b,
        )
        self.assertEqual(move.amount_residual, move.amount_total - 100.0)
