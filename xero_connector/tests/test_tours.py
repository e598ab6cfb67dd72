from odoo.tests import tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestConnectTour(XeroSandboxCase):
    def test_connect_button_in_settings_returns_connected(self):
        # Xero's consent page is another site a tour cannot click on; this app consents at once.
        self.sandbox.register_app(
            self.client_id, self.client_secret, [self.redirect_uri], auto_consent=[self.org_a["tenantId"]]
        )
        admin = self.env.ref("base.user_admin")
        self.start_tour("/odoo/settings#xero_connector", "xero_connect_tour", login="admin")
        connection = self.connection_of(admin)
        self.assertEqual(connection.state, "connected")
        self.assertEqual(connection.tenant_ids.tenant_id, self.org_a["tenantId"])


@tagged("post_install", "-at_install")
class TestOrganisationsTour(XeroSandboxCase):
    def test_show_organisations_then_add_another_through_xero(self):
        """M-Power's *Show Xero Tenants* and *Add another tenant*, pressed in the browser."""
        login = self.connect_directly(self.xero_manager, [self.org_a["tenantId"]])
        alpha = login.tenant_ids
        company = self.env.company
        company.xero_tenant_id = alpha
        # Xero's consent page is another site a tour cannot click on: this time Xero grants the
        # organisation the user would tick there, the second one.
        self.sandbox.register_app(
            self.client_id, self.client_secret, [self.redirect_uri], auto_consent=[self.org_b["tenantId"]]
        )
        self.start_tour(
            "/odoo/action-xero_connector.action_xero_connection",
            "xero_organisations_tour",
            login="xero_manager",
        )
        login.invalidate_recordset()
        beta = login.tenant_ids - alpha
        self.assertEqual(beta.tenant_id, self.org_b["tenantId"])
        self.assertEqual(login.tenant_ids, alpha | beta, "the first organisation is kept")
        self.assertFalse(beta.company_ids, "a new organisation is mapped to no company")
        self.assertEqual(company.xero_tenant_id, alpha)
        self.assertEqual(alpha.connection_id, login)
        self.assertEqual(beta.connection_id, login)
        connections = self.sandbox.calls()["log"]
        consents = [
            c
            for c in connections
            if c["endpoint"] == "authorize" and c["query"].get("client_id") == self.client_id
        ]
        self.assertEqual(len(consents), 1, "one round through Xero's consent page")
