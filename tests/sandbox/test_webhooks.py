"""Webhooks as Xero sends them: signed deliveries, tampered ones, the intent-to-receive check
and the organisations' own change events."""

import json

import pytest
from webhook_endpoint import Endpoint, QuietHandler, signed_by

KEY = "test-webhook-key"


class Receiver(Endpoint):
    """A tiny webhook endpoint: 200 for a good signature, 401 for a bad one (or always 200
    when `honest` is False, like a receiver that forgot to check)."""

    def __init__(self, key=KEY, honest=True):
        self.key, self.honest, self.received = key, honest, []
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                good = signed_by(receiver.key, body, self.headers.get("x-xero-signature"))
                receiver.received.append((good, json.loads(body)))
                self.send_response(200 if good or not receiver.honest else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


EVENT = {
    "resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/0f0b6b3d-0000-4000-8000-000000000001",
    "resourceId": "0f0b6b3d-0000-4000-8000-000000000001",
    "eventDateUtc": "2024-05-01T10:00:00.000",
    "eventType": "UPDATE",
    "eventCategory": "INVOICE",
    "tenantId": "x",
    "tenantType": "ORGANISATION",
}


def test_signed_delivery(sb, receiver):
    result = sb.deliver_webhook(receiver.url, [EVENT], key=KEY)
    assert result["status"] == 200 and result["in_time"]
    [(good, payload)] = receiver.received
    assert good
    assert payload["events"] == [EVENT]
    assert payload["firstEventSequence"] <= payload["lastEventSequence"]
    assert isinstance(payload["entropy"], str) and payload["entropy"]


def test_tampered_delivery(sb, receiver):
    result = sb.deliver_webhook(receiver.url, [EVENT], key=KEY, tamper=True)
    assert result["status"] == 401
    assert receiver.received[0][0] is False


def test_sequences_increase(sb, receiver):
    sb.deliver_webhook(receiver.url, [EVENT, EVENT], key=KEY)
    sb.deliver_webhook(receiver.url, [EVENT], key=KEY)
    first, second = (p for _, p in receiver.received)
    assert second["firstEventSequence"] == first["lastEventSequence"] + 1


def test_intent_to_receive(sb, receiver):
    result = sb.webhook_intent(receiver.url, key=KEY)
    assert result["ok"] is True
    assert (result["signed"]["status"], result["tampered"]["status"]) == (200, 401)
    assert [p["events"] for _, p in receiver.received] == [[], []]


def test_intent_fails_for_a_receiver_that_does_not_check(sb):
    careless = Receiver(honest=False)
    try:
        result = sb.webhook_intent(careless.url, key=KEY)
        assert result["ok"] is False and result["tampered"]["status"] == 200
    finally:
        careless.stop()


def test_intent_fails_for_an_unreachable_receiver(sb):
    result = sb.webhook_intent("http://127.0.0.1:9/nothing-listens-here", key=KEY)
    assert result["ok"] is False and result["signed"]["status"] is None


def test_default_key_is_the_apps(sb):
    receiver = Receiver(key="sandbox-webhook-key")
    try:
        assert sb.deliver_webhook(receiver.url, [EVENT])["status"] == 200
    finally:
        receiver.stop()


def test_flush_sends_the_organisations_events_once(sb, api, receiver):
    created = api("PUT", "/Contacts", json={"Contacts": [{"Name": "Webhook Contact"}]})
    contact_id = created.json()["Contacts"][0]["ContactID"]
    result = sb.flush_webhooks(receiver.url, key=KEY, tenant=api.tenant)
    assert result["status"] == 200 and result["events"] >= 1
    [(_, payload)] = receiver.received
    event = next(e for e in payload["events"] if e["resourceId"] == contact_id)
    assert event["eventCategory"] == "CONTACT" and event["eventType"] == "CREATE"
    assert event["tenantId"] == api.tenant and event["tenantType"] == "ORGANISATION"
    assert sb.flush_webhooks(receiver.url, key=KEY, tenant=api.tenant)["events"] == 0
    assert len(receiver.received) == 1
