from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_variance_report import XeroVarianceCase


@tagged("post_install", "-at_install")
class TestXeroOverview(XeroVarianceCase):
    """The overview card of an organisation: what it counts is what its lists show."""

    def setUp(self):
        super().setUp()
        self.queued = self.make_move()
        self.queued._xero_write_fields({"xero_export_state": "queued"})
        unmapped = self.env["account.tax"].create(
            {"name": "Unmapped 5%", "amount": 5, "type_tax_use": "sale"}
        )
        self.failed = self.make_move(post=False)
        self.failed.invoice_line_ids.tax_ids = unmapped
        self.failed.action_post()
        self.failed._xero_export()  # refused: the tax has no Xero tax rate
        self.differing = self.make_move()
        self.differing.action_xero_export()
        self.reprice_in_xero(self.differing, 5)
        self.differing.action_xero_check()  # Odoo learns Xero's new total
        self.tenant.invalidate_recordset()

    def opened(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    def test_card_counts_and_their_lists(self):
        card = self.tenant.with_user(self.xero_user)
        self.assertEqual(self.failed.xero_export_state, "error", "precondition: the export failed")
        self.assertEqual(
            (card.overview_queued_count, card.overview_failed_count, card.overview_differing_count), (1, 1, 1)
        )
        self.assertEqual(self.opened(card.action_overview_open_queued()), self.queued)
        self.assertEqual(self.opened(card.action_overview_open_failed()), self.failed)
        self.assertEqual(self.opened(card.action_overview_open_differing()), self.differing)
        # The unmapped tax of the failed invoice is what Mapping health lists.
        self.assertEqual(card.overview_mapping_count, 1)
        health = self.env["xero.mapping.health"].browse(card.action_overview_open_mapping()["res_id"])
        self.assertEqual(health.line_ids.mapped("name"), ["Unmapped 5%"])

    def test_connection_rate_limits_and_chart(self):
        card = self.tenant.with_user(self.xero_user)
        self.assertEqual(card.overview_connection_state, "connected")
        connection = self.connection_of(self.xero_manager)
        self.assertEqual(card.overview_token_expires_at, connection.token_expires_at)
        limits = self.sandbox.limits()
        used = limits["usage"][f"{self.client_id}/{self.org_a['tenantId']}"]
        day_limit = limits["limits"]["day"] or 1000  # no override: the Starter tier's 1,000 a day
        self.assertEqual(card.overview_day_remaining, day_limit - used["day"])
        last = self.env["xero.sync.log"].search([("tenant_id", "=", self.tenant.id)], limit=1)
        self.assertEqual(card.overview_min_remaining, last.min_remaining)
        calls = self.env["xero.sync.log"].search_count([("tenant_id", "=", self.tenant.id)])
        self.assertIn(f'data-total="{calls}"', str(card.overview_chart))
        chart = card.action_overview_open_calls_chart()
        self.assertEqual(chart["res_model"], "xero.sync.log")
        self.assertEqual(len(self.opened(chart)), calls)
        connection.state = "reconnect"
        self.tenant.invalidate_recordset()
        self.assertEqual(card.overview_connection_state, "reconnect")

    def test_quick_buttons(self):
        card = self.tenant.with_user(self.xero_user)
        wizard = card.action_overview_refresh_cache()
        self.assertEqual(wizard["res_model"], "xero.cache.refresh.wizard")
        self.assertEqual(wizard["context"]["default_tenant_id"], self.tenant.id)
        answer = card.action_overview_get_payments()
        self.assertEqual(answer["params"]["type"], "success")
        self.assertTrue(self.tenant.xero_payments_synced_at or self.tenant.xero_payment_docs_synced_at)
        # Synchronize now is a Xero manager's button: a Xero user neither sees it nor may press it.
        self.assertFalse(card.overview_can_sync_journals)
        with self.assertRaises(AccessError):
            card.action_overview_sync_journals()
        self.assertFalse(self.tenant.xero_journals_synced_at)
        manager_card = self.tenant.with_user(self.xero_manager)
        self.assertTrue(manager_card.overview_can_sync_journals)
        answer = manager_card.action_overview_sync_journals()
        # No company of the organisation sends its balances yet: the manager is told so.
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("no company of this organisation sends its balances", answer["params"]["message"])
