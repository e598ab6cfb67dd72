"""The server as a process and the control API's housekeeping routes."""

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from conftest import Api

from xero_sandbox.sandbox import endpoint_name

TESTS_DIR = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runs_as_a_module_and_logs_one_line_per_request():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xero_sandbox", "--port", str(port)],
        cwd=TESTS_DIR,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        answer, deadline = None, time.monotonic() + 30  # a loaded 2-core machine starts slowly
        while answer is None and time.monotonic() < deadline:
            try:
                answer = requests.get(url + "/_sandbox/orgs", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.1)
        assert answer is not None, "the sandbox did not start within 30 s"
        assert answer.status_code == 200 and len(answer.json()) >= 1
        requests.get(url + "/api.xro/2.0/Organisation", timeout=5, headers={"Xero-Tenant-Id": "t-1"})
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert f"listening on http://127.0.0.1:{port}" in err
    assert "GET /api.xro/2.0/Organisation tenant=t-1 401" in err


def test_reset_restores_a_fresh_sandbox(sb, api):
    sb.create_org("Scratch Ltd", "!scr01")
    sb.add_fault(500)
    sb.advance(3600)
    api("GET", "/Organisation")
    sb.reset()
    assert "Scratch Ltd" not in [o["name"] for o in sb.orgs()]
    assert sb.faults() == [] and sb.calls()["total"] == 0
    assert abs(sb.now() - time.time()) < 5
    # tokens issued before the reset are gone
    assert api("GET", "/Organisation").status_code == 401


def test_create_org_and_use_it(sb, server):
    org = sb.create_org("Isolated Test Org", "!iso01", base_currency="NZD", country_code="NZ")
    assert org["name"] == "Isolated Test Org" and org["baseCurrency"] == "NZD"
    token = sb.connect(tenants=[org["tenantId"]])
    answer = requests.get(
        server.url + "/api.xro/2.0/Organisation",
        timeout=10,
        headers={"Authorization": f"Bearer {token['access_token']}", "Xero-Tenant-Id": org["tenantId"]},
    )
    assert answer.status_code == 200
    assert answer.json()["Organisations"][0]["Name"] == "Isolated Test Org"


def test_acting_as_a_user_in_xero_skips_the_gateway(sb, orgs):
    tenant = orgs[0]["tenantId"]
    sb.add_fault(500, count=5)
    sb.set_limits(minute=1)
    for name in ("UI Contact A", "UI Contact B"):
        answer = sb.as_user(tenant, "PUT", "/Contacts", json={"Contacts": [{"Name": name}]})
        assert answer.status_code == 200
    assert {"UI Contact A", "UI Contact B"} <= {c["Name"] for c in sb.dump(tenant, "Contacts")}
    assert sb.calls()["total"] == 0 and sb.faults()[0]["fired"] == 0


def test_calls_counts_and_log(sb, api):
    api("GET", "/Organisation")
    api(
        "PUT", "/Contacts", json={"Contacts": [{"Name": "Counted"}]}, headers={"Idempotency-Key": "count-key"}
    )
    calls = sb.calls()
    assert calls["per_org"][api.tenant] == 2
    assert calls["per_endpoint"]["GET /Organisation"] == 1
    assert calls["per_endpoint"]["PUT /Contacts"] == 1
    assert calls["per_org_endpoint"][api.tenant]["PUT /Contacts"] == 1
    last = calls["log"][-1]
    assert (last["method"], last["path"], last["tenant"], last["status"], last["idempotency_key"]) == (
        "PUT",
        "/api.xro/2.0/Contacts",
        api.tenant,
        200,
        "count-key",
    )
    assert [e["endpoint"] for e in sb.calls(since=last["seq"] - 1)["log"]] == ["PUT /Contacts"]


def test_the_log_keeps_if_modified_since(sb, api):
    """What a list read asked for by date is in the call log, so that a test can tell a read
    from the start from a read from a cursor."""
    since = "Mon, 01 Dec 2025 10:00:00 GMT"
    api("GET", "/Payments", params={"page": 1}, headers={"If-Modified-Since": since})
    api("GET", "/Payments", params={"page": 1})
    log = sb.calls()["log"]
    assert [e["if_modified_since"] for e in log[-2:]] == [since, None]
    sb.reset_calls()
    assert sb.calls()["total"] == 0


def test_call_log_names_whose_token_each_call_carried(sb, server, orgs):
    """Two Xero users, each with their own login to the same organisation: the log says, per
    call, whose token it carried (and a digest of that token, never the token itself)."""
    tenant = orgs[0]["tenantId"]
    tokens = {
        user: sb.connect(tenants=[tenant], user=user)["access_token"]
        for user in ("ann@example.com", "bob@example.com")
    }
    mark = sb.calls()["next"]
    for user in ("bob@example.com", "ann@example.com", "bob@example.com"):
        api = Api(server.url, tokens[user], tenant)
        assert api("GET", "/Organisation").status_code == 200
    assert Api(server.url, "never-issued", tenant)("GET", "/Organisation").status_code == 401
    log = sb.calls(mark)["log"]
    assert [entry["token_user"] for entry in log] == [
        "bob@example.com",
        "ann@example.com",
        "bob@example.com",
        None,
    ]
    digest = hashlib.sha256(tokens["ann@example.com"].encode()).hexdigest()[:16]
    assert log[1]["token_sha256"] == digest
    assert all(tokens[user] not in str(log) for user in tokens)


def test_endpoint_names_hide_ids():
    uid = "0f0b6b3d-1111-4000-8000-000000000001"
    assert endpoint_name("GET", f"/Invoices/{uid}/OnlineInvoice") == "GET /Invoices/{id}/OnlineInvoice"
    assert (
        endpoint_name("PUT", f"/Invoices/{uid}/Attachments/a b.pdf")
        == "PUT /Invoices/{id}/Attachments/{FileName}"
    )


def test_clock_control(sb):
    start = sb.now()
    assert sb.advance(600) >= start + 600
    assert abs(sb.set_clock(1_700_000_000) - 1_700_000_000) < 5


def test_control_api_errors(sb, server):
    assert requests.get(server.url + "/_sandbox/nothing", timeout=5).status_code == 404
    assert requests.delete(server.url + "/_sandbox/orgs", timeout=5).status_code == 405
    assert requests.post(server.url + "/_sandbox/orgs", json={}, timeout=5).status_code == 400
    index = requests.get(server.url + "/_sandbox/", timeout=5).json()
    assert any("webhooks/deliver" in r for r in index["routes"])


def test_unknown_public_path_is_404(sb, server):
    assert requests.get(server.url + "/nowhere", timeout=5).status_code == 404
