"""`Idempotency-Key`: per (tenant, key) the first answer is replayed byte for byte, so a retry
never creates a second document -- also when the first answer was lost or late."""

import threading
import time
import uuid

import pytest
import requests


def contact_body(name):
    return {"Contacts": [{"Name": name}]}


def contact_names(sb, tenant):
    return [c["Name"] for c in sb.dump(tenant, "Contacts")]


def test_repeat_replays_the_first_answer_and_creates_one_contact(sb, api):
    name = f"Idem {uuid.uuid4().hex[:8]}"
    key = str(uuid.uuid4())
    first = api("PUT", "/Contacts", json=contact_body(name), headers={"Idempotency-Key": key})
    second = api("PUT", "/Contacts", json=contact_body(name), headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["Content-Type"] == second.headers["Content-Type"]
    assert contact_names(sb, api.tenant).count(name) == 1
    log = [e for e in sb.calls()["log"] if e["endpoint"] == "PUT /Contacts"]
    assert [e["replayed"] for e in log] == [False, True]
    assert all(e["idempotency_key"] == key for e in log)


def test_another_key_is_another_request(sb, api):
    for i in range(2):
        answer = api(
            "PUT",
            "/Contacts",
            json=contact_body(f"Other {i}"),
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert answer.status_code == 200
    assert {"Other 0", "Other 1"} <= set(contact_names(sb, api.tenant))


def test_keys_are_per_tenant(sb, api, orgs):
    key = str(uuid.uuid4())
    for org in orgs[:2]:
        api(
            "PUT",
            "/Contacts",
            tenant=org["tenantId"],
            json=contact_body("Per Tenant"),
            headers={"Idempotency-Key": key},
        )
    for org in orgs[:2]:
        assert contact_names(sb, org["tenantId"]).count("Per Tenant") == 1


def test_key_longer_than_128_characters_is_a_validation_exception(sb, api):
    answer = api(
        "PUT", "/Contacts", json=contact_body("Too Long Key"), headers={"Idempotency-Key": "k" * 129}
    )
    assert answer.status_code == 400
    assert answer.json()["Type"] == "ValidationException"
    assert "Too Long Key" not in contact_names(sb, api.tenant)
    ok = api("PUT", "/Contacts", json=contact_body("Max Key"), headers={"Idempotency-Key": "k" * 128})
    assert ok.status_code == 200


def test_concurrent_repeat_waits_for_the_first_and_replays(sb, api):
    sb.add_fault("timeout", method="PUT", path="/Contacts$", delay=1.0)
    key = str(uuid.uuid4())
    answers = {}

    def send(label):
        answers[label] = api(
            "PUT", "/Contacts", json=contact_body("Concurrent"), headers={"Idempotency-Key": key}
        )

    first = threading.Thread(target=send, args=("first",))
    first.start()
    time.sleep(0.3)  # the first is processed and now sits in its slow answer
    send("second")
    first.join()
    assert answers["first"].content == answers["second"].content
    assert contact_names(sb, api.tenant).count("Concurrent") == 1


def test_lost_response_then_retry_gets_the_stored_answer(sb, api):
    sb.add_fault("lost_response", method="PUT", path="/Contacts$")
    key = str(uuid.uuid4())
    with pytest.raises(requests.ConnectionError):
        api("PUT", "/Contacts", json=contact_body("Lost Once"), headers={"Idempotency-Key": key})
    assert contact_names(sb, api.tenant).count("Lost Once") == 1  # committed in Xero
    retry = api("PUT", "/Contacts", json=contact_body("Lost Once"), headers={"Idempotency-Key": key})
    assert retry.status_code == 200
    assert retry.json()["Contacts"][0]["Name"] == "Lost Once"
    assert contact_names(sb, api.tenant).count("Lost Once") == 1


def test_fault_before_processing_does_not_burn_the_key(sb, api):
    sb.add_fault("503", method="PUT", path="/Contacts$")
    key = str(uuid.uuid4())
    assert (
        api("PUT", "/Contacts", json=contact_body("After 503"), headers={"Idempotency-Key": key}).status_code
        == 503
    )
    assert (
        api("PUT", "/Contacts", json=contact_body("After 503"), headers={"Idempotency-Key": key}).status_code
        == 200
    )
    assert contact_names(sb, api.tenant).count("After 503") == 1


def test_keys_live_24_hours(sb, api, server, orgs):
    key = str(uuid.uuid4())
    api("PUT", "/Contacts", json=contact_body("Day One"), headers={"Idempotency-Key": key})
    sb.advance(24 * 3600 + 1)
    fresh = sb.connect()  # the morning's access token is long expired
    again = api(
        "PUT",
        "/Contacts",
        token=fresh["access_token"],
        json=contact_body("Day Two"),
        headers={"Idempotency-Key": key},
    )
    assert again.status_code == 200
    assert again.json()["Contacts"][0]["Name"] == "Day Two"
