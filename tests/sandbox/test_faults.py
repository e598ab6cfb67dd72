"""Scripted faults: each kind does what a flaky network or a struggling Xero would do."""

import pytest
import requests

from xero_sandbox.client import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxError


def contacts_named(sb, tenant, name):
    return [c for c in sb.dump(tenant, "Contacts") if c["Name"] == name]


def test_429_fault(sb, api):
    sb.add_fault(429, path="/Organisation", retry_after=17, problem="day")
    answer = api("GET", "/Organisation")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "17"
    assert answer.headers["X-Rate-Limit-Problem"] == "day"
    assert "X-MinLimit-Remaining" in answer.headers
    assert api("GET", "/Organisation").status_code == 200


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_faults(sb, api, status):
    sb.add_fault(status, method="PUT", path="/Contacts")
    answer = api("PUT", "/Contacts", json={"Contacts": [{"Name": f"Err {status}"}]})
    assert answer.status_code == status and answer.json()["Status"] == status
    assert contacts_named(sb, api.tenant, f"Err {status}") == []  # nothing was processed


def test_404_fault_answers_not_found_without_processing(sb, api):
    sb.add_fault(404, method="GET", path="/Contacts")
    answer = api("GET", "/Contacts")
    assert answer.status_code == 404 and answer.json()["Status"] == 404
    assert [f["fired"] for f in sb.faults()] == [1]
    assert api("GET", "/Contacts").status_code == 200  # one shot


def test_reset_fault_tears_the_connection_down(sb, api):
    sb.add_fault("reset", method="PUT", path="/Contacts")
    with pytest.raises(requests.ConnectionError) as info:
        api("PUT", "/Contacts", json={"Contacts": [{"Name": "Reset"}]})
    assert "reset" in str(info.value).lower()
    assert contacts_named(sb, api.tenant, "Reset") == []
    assert [e["status"] for e in sb.calls()["log"] if e["endpoint"] == "PUT /Contacts"] == ["reset"]


def test_lost_response_fault_commits_then_closes(sb, api):
    sb.add_fault("lost_response", method="PUT", path="/Contacts")
    with pytest.raises(requests.ConnectionError):
        api("PUT", "/Contacts", json={"Contacts": [{"Name": "Lost"}]})
    assert len(contacts_named(sb, api.tenant, "Lost")) == 1


def test_timeout_fault_commits_then_answers_too_late(sb, api):
    sb.add_fault("timeout", method="PUT", path="/Contacts", delay=2)
    with pytest.raises(requests.Timeout):
        api("PUT", "/Contacts", json={"Contacts": [{"Name": "Slow"}]}, timeout=0.5)
    assert len(contacts_named(sb, api.tenant, "Slow")) == 1


def test_expired_token_fault_fires_once(sb, api):
    sb.add_fault("expired_token")
    answer = api("GET", "/Organisation")
    assert answer.status_code == 401
    assert answer.json()["Detail"].startswith("TokenExpired: token expired at ")
    assert api("GET", "/Organisation").status_code == 200


def test_count_and_match(sb, api, orgs):
    sb.add_fault(500, method="GET", path="/Organisation$", tenant=orgs[1]["tenantId"], count=2)
    assert api("GET", "/Organisation").status_code == 200  # other tenant
    assert (
        api("PUT", "/Contacts", tenant=orgs[1]["tenantId"], json={"Contacts": [{"Name": "Fine"}]}).status_code
        == 200
    )  # other path
    other = orgs[1]["tenantId"]
    assert [api("GET", "/Organisation", tenant=other).status_code for _ in range(3)] == [500, 500, 200]
    [fault] = sb.faults()
    assert fault["fired"] == 2 and fault["remaining"] == 0


def test_faults_can_hit_the_token_endpoint(sb, server, tokens):
    sb.add_fault(503, path="^/connect/token$")
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    auth = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    assert requests.post(server.url + "/connect/token", data=data, auth=auth, timeout=10).status_code == 503
    assert requests.post(server.url + "/connect/token", data=data, auth=auth, timeout=10).status_code == 200


def test_clear_faults_and_bad_specs(sb, api):
    sb.add_fault(500, count=10)
    sb.clear_faults()
    assert sb.faults() == [] and api("GET", "/Organisation").status_code == 200
    with pytest.raises(SandboxError):
        sb.add_fault("meteor")
    with pytest.raises(SandboxError):
        sb.add_fault(429, problem="hourly")


def test_calls_log_records_the_fault(sb, api):
    sb.add_fault(500, path="/Organisation")
    api("GET", "/Organisation")
    [entry] = [e for e in sb.calls()["log"] if e["endpoint"] == "GET /Organisation"]
    assert entry["fault"] == "500" and entry["status"] == 500


def test_403_fault_refuses_without_processing(sb, api):
    sb.add_fault(403, method="GET", path="/TrackingCategories")
    answer = api("GET", "/TrackingCategories")
    assert answer.status_code == 403
    assert answer.json()["Detail"] == "AuthorizationUnsuccessful"
    assert api("GET", "/TrackingCategories").status_code == 200


def test_other_document_fault_answers_with_another_document(sb, api):
    first = api("PUT", "/Contacts", json={"Contacts": [{"Name": "First Co"}]}).json()["Contacts"][0]
    sb.add_fault("other_document", method="PUT", path="/Contacts")
    answer = api(
        "PUT", "/Contacts", json={"Contacts": [{"Name": "Second Co"}]}, headers={"Idempotency-Key": "k-2"}
    )
    assert answer.status_code == 200
    told = answer.json()["Contacts"]
    assert len(told) == 1 and told[0]["Name"] != "Second Co"
    assert len(contacts_named(sb, api.tenant, "Second Co")) == 1, "the change itself was made"
    # The same request again replays Xero's true answer.
    again = api(
        "PUT", "/Contacts", json={"Contacts": [{"Name": "Second Co"}]}, headers={"Idempotency-Key": "k-2"}
    )
    assert again.json()["Contacts"][0]["Name"] == "Second Co"
    # A lookup that finds nothing is answered with some other document.
    sb.add_fault("other_document", method="GET", path="/Contacts")
    found = api("GET", "/Contacts", params={"where": 'Name=="Nobody Ltd"'}).json()["Contacts"]
    assert len(found) == 1 and found[0]["ContactID"] in {first["ContactID"]} | {
        c["ContactID"] for c in sb.dump(api.tenant, "Contacts")
    }
    assert found[0]["Name"] != "Nobody Ltd"


def test_no_pagination_fault_answers_a_page_without_its_pagination_block(sb, api):
    paged = api("GET", "/Contacts", params={"page": "1"}).json()
    assert paged["pagination"]["page"] == 1
    sb.add_fault("no_pagination", method="GET", path="/Contacts$")
    bare = api("GET", "/Contacts", params={"page": "1"}).json()
    assert "pagination" not in bare
    assert [c["ContactID"] for c in bare["Contacts"]] == [c["ContactID"] for c in paged["Contacts"]]
    assert "pagination" in api("GET", "/Contacts", params={"page": "1"}).json(), "one shot only"


def test_fault_with_a_probability_fires_on_that_share_of_calls(sb, api):
    sb.add_fault(503, path="/Organisation", count=10_000, probability=0.2, seed=7)
    statuses = []
    for _minute in range(6):
        sb.advance(61)  # within Xero's 60 calls a minute
        statuses += [api("GET", "/Organisation").status_code for _ in range(50)]
    share = statuses.count(503) / len(statuses)
    assert 0.12 < share < 0.28, share
    assert set(statuses) == {200, 503}
    with pytest.raises(SandboxError):
        sb.add_fault(503, probability=0)
