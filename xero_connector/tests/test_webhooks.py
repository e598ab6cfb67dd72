import base64
import hashlib
import hmac
import json
import uuid

from odoo.tests import tagged

from .test_payments import XeroPaymentCase


@tagged("post_install", "-at_install")
class TestWebhooks(XeroPaymentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.webhook_key = uuid.uuid4().hex
        cls.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", cls.webhook_key)

    def setUp(self):
        super().setUp()
        self.url = f"{self.base_url()}/xero/webhook"
        # Events raised by earlier tests' changes are not this test's.
        self.sandbox.flush_webhooks(
            url=f"{self.sandbox_url}/_sandbox/nowhere", key="x", tenant=self.org_a["tenantId"]
        )

    def queued(self):
        return self.env["xero.webhook.event"].search([("state", "=", "queued")])

    def invoice_event(self, move, tenant_id=None):
        return {
            "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{move.xero_id}",
            "resourceId": move.xero_id,
            "eventDateUtc": "2025-01-01T00:00:00.000",
            "eventType": "UPDATE",
            "eventCategory": "INVOICE",
            "tenantId": tenant_id or self.org_a["tenantId"],
            "tenantType": "ORGANISATION",
        }

    def post(self, body, key=None):
        signature = base64.b64encode(
            hmac.new((key or self.webhook_key).encode(), body, hashlib.sha256).digest()
        ).decode()
        return self.url_open(
            "/xero/webhook",
            data=body,
            headers={"Content-Type": "application/json", "x-xero-signature": signature},
        )

    # --------------------------------------------------------------------------------------
    def test_intent_to_receive(self):
        result = self.sandbox.webhook_intent(self.url, key=self.webhook_key)
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["tampered"]["body"], "")
        self.assertFalse(self.queued())

    def test_signed_webhook_brings_the_payment_reconciled(self):
        move = self.exported()
        self.pay_in_xero(move, 100.0)
        result = self.sandbox.flush_webhooks(
            url=self.url, key=self.webhook_key, tenant=self.org_a["tenantId"]
        )
        self.assertEqual(result["status"], 200, result)
        self.assertTrue(result["in_time"])
        self.assertIn(move.xero_id, self.queued().mapped("resource_id"))
        # Nothing is done while answering: the cron does it.
        self.assertFalse(self.odoo_payments(move))
        self.run_cron("xero.webhook.event", "_cron_xero_webhook_queue")
        self.assertFalse(self.queued())
        payment = self.odoo_payments(move)
        self.assertEqual(len(payment), 1)
        self.assertTrue(payment.xero_payment_id)
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 100.0, places=2)
        self.assertEqual(move.xero_document_state, "partial")

    def test_bad_signature_is_refused_and_changes_nothing(self):
        move = self.exported()
        self.pay_in_xero(move, 100.0)
        result = self.sandbox.deliver_webhook(
            self.url, [self.invoice_event(move)], key=self.webhook_key, tamper=True
        )
        self.assertEqual(result["status"], 401)
        self.assertEqual(result["body"], "")
        unsigned = self.url_open("/xero/webhook", data=json.dumps({"events": [self.invoice_event(move)]}))
        self.assertEqual(unsigned.status_code, 401)
        self.assertFalse(self.queued())
        self.run_cron("xero.webhook.event", "_cron_xero_webhook_queue")
        self.assertFalse(self.odoo_payments(move))

    def test_replayed_delivery_queues_nothing(self):
        move = self.exported()
        body = json.dumps(
            {
                "events": [self.invoice_event(move)],
                "firstEventSequence": 1,
                "lastEventSequence": 1,
                "entropy": "ABC",
            }
        ).encode()
        self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(len(self.queued()), 1)
        self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(len(self.queued()), 1)

    def test_events_of_unknown_organisations_are_ignored(self):
        move = self.exported()
        body = json.dumps({"events": [self.invoice_event(move, tenant_id=str(uuid.uuid4()))]}).encode()
        self.assertEqual(self.post(body).status_code, 200)
        self.assertFalse(self.queued())

    def test_signed_bodies_of_another_shape_are_ignored_and_block_nothing(self):
        move = self.exported()
        bad_event = dict(self.invoice_event(move), resourceId={"id": move.xero_id})
        for body in (b"[]", b"1", b'{"events": "x"}', json.dumps({"events": [bad_event, 7]}).encode()):
            self.assertEqual(self.post(body).status_code, 200, body)
        self.assertFalse(self.queued(), "nothing of another shape is queued")
        body = json.dumps({"events": [bad_event, self.invoice_event(move)], "entropy": "MIXED"}).encode()
        self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(self.queued().mapped("resource_id"), [move.xero_id])
        self.run_cron("xero.webhook.event", "_cron_xero_webhook_queue")
        self.assertFalse(self.queued(), "the organisation's queue is not blocked")

    def test_organisation_key(self):
        """A key set on one organisation is accepted for that organisation's events only."""
        own_key = uuid.uuid4().hex
        self.tenant.xero_webhook_key = own_key
        move = self.exported()
        body = json.dumps({"events": [self.invoice_event(move)], "entropy": "OWNKEY"}).encode()
        self.assertEqual(self.post(body, key=own_key).status_code, 200)
        self.assertEqual(len(self.queued()), 1)
        self.assertEqual(self.post(body, key="not-the-key").status_code, 401)

    def test_contact_event_refreshes_the_cache(self):
        contact = self.env["xero.contact"].search([("tenant_id", "=", self.tenant.id)], limit=1)
        self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Contacts/{contact.xero_id}",
            json={"Contacts": [{"Name": "Renamed by webhook"}]},
        )
        event = {
            "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{contact.xero_id}",
            "resourceId": contact.xero_id,
            "eventDateUtc": "2025-01-01T00:00:00.000",
            "eventType": "UPDATE",
            "eventCategory": "CONTACT",
            "tenantId": self.org_a["tenantId"],
            "tenantType": "ORGANISATION",
        }
        result = self.sandbox.deliver_webhook(self.url, [event], key=self.webhook_key)
        self.assertEqual(result["status"], 200, result)
        self.run_cron("xero.webhook.event", "_cron_xero_webhook_queue")
        self.assertEqual(contact.name, "Renamed by webhook")
