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
