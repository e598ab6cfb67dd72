"""Xero's webhooks: POST /xero/webhook.

The signature is checked before anything else is read (base64 HMAC-SHA256 of the raw body
with the app's webhook key, or an organisation's own), in constant time. A wrong one gets
401 with an empty body, a right one 200, which is all Xero's intent-to-receive check asks.
A verified delivery only queues its invoices and contacts and triggers the cron that does
the work, so the answer comes well within Xero's 5 seconds; a replayed body queues nothing."""

import base64
import hashlib
import hmac
import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..const import WEBHOOK_PATH

_logger = logging.getLogger(__name__)


def signature_of(body, key):
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


class XeroWebhookController(http.Controller):
    @http.route(
        WEBHOOK_PATH,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def xero_webhook(self, **_kwargs):
        body = request.httprequest.get_data()
        received = request.httprequest.headers.get("x-xero-signature", "")
        env = request.env(user=SUPERUSER_ID)
        tenant = matched = None
        for key, key_tenant in env["xero.webhook.event"]._xero_webhook_keys():
            if hmac.compare_digest(signature_of(body, key), received):
                matched, tenant = True, key_tenant
                break
        if not matched:
            _logger.warning("Xero webhook refused: missing or wrong x-xero-signature")
            return request.make_response("", status=401)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return request.make_response("", status=200)
        # Signed but not Xero's documented shape ({"events": [...]}): nothing to do.
        events = payload.get("events") if isinstance(payload, dict) else None
        if events and isinstance(events, list):
            digest = hashlib.sha256(body).hexdigest()
            Delivery = env["xero.webhook.delivery"]
            if not Delivery.search_count([("digest", "=", digest)]):
                Delivery.create({"digest": digest, "event_count": len(events)})
                if env["xero.webhook.event"]._xero_queue_webhook(payload, tenant=tenant):
                    env.ref("xero_connector.ir_cron_xero_webhook_queue")._trigger()
        return request.make_response("", status=200)
