"""The contract check: requests that do not conform to Xero's OpenAPI are refused (400
SandboxContractViolation), not processed, and listed; conforming ones -- such as everything
xero-python's AccountingApi sends -- go through."""

import json
import statistics
import sys
import time
import uuid

from xero_sandbox.client import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from xero_sandbox.contract import ContractChecker
from xero_sandbox.messages import Request
from xero_sandbox.sandbox import Sandbox


def invoice(**overrides):
    doc = {
        "Type": "ACCREC",
        "Contact": {"ContactID": str(uuid.uuid4())},
        "Date": "2024-05-01",
        "DueDate": "2024-05-31",
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": "Consulting",
                "Quantity": 2.0,
                "UnitAmount": 150.0,
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            }
        ],
    }
    doc.update(overrides)
    return doc


def test_wrong_field_type_is_refused_named_and_listed(sb, api):
    bad = invoice(LineItems=[{"Description": "x", "Quantity": "two", "UnitAmount": 1}])
    answer = api("PUT", "/Invoices", json={"Invoices": [bad]})
    assert answer.status_code == 400
    body = answer.json()
    assert body["Type"] == "SandboxContractViolation"
    assert "Invoices/0/LineItems/0/Quantity" in body["Message"] and "number" in body["Message"]
    [violation] = sb.violations()
    assert violation["method"] == "PUT" and violation["path"] == "/api.xro/2.0/Invoices"
    assert violation["message"] == body["Message"]
    assert sb.dump(api.tenant, "Invoices") == [] or all(
        i.get("LineItems", [{}])[0].get("Description") != "x" for i in sb.dump(api.tenant, "Invoices")
    )
    sb.clear_violations()
    assert sb.violations() == []


def test_wrong_query_parameter_type_is_refused(sb, api):
    answer = api("GET", "/Invoices", params={"page": "first"})
    assert answer.status_code == 400
    assert "page" in answer.json()["Message"]


def test_unknown_endpoint_and_method_are_violations(sb, api):
    assert "PathNotFound" in api("GET", "/Invoicez").json()["Message"]
    assert "OperationNotFound" in api("PATCH", "/Contacts", json={}).json()["Message"]
    assert len(sb.violations()) == 2


def test_violations_are_not_processed_or_counted_against_limits(sb, api):
    api("PUT", "/Contacts", json={"Contacts": [{"Name": 42}]})
    assert all(c["Name"] != 42 for c in sb.dump(api.tenant, "Contacts"))
    answer = api("GET", "/Organisation")
    assert answer.headers["X-MinLimit-Remaining"] == "59"


def test_bad_uuid_in_path_is_a_violation(sb, api):
    assert "InvoiceID" in api("GET", "/Invoices/INV-0001").json()["Message"]


def test_connections_are_checked_against_the_identity_spec(sb, server, tokens):
    import requests

    answer = requests.get(
        server.url + "/connections",
        params={"authEventId": "nope"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert answer.status_code == 400 and "authEventId" in answer.json()["Message"]


def test_xero_python_accounting_api_conforms(sb, server, tokens, orgs):
    from xero_python.accounting import AccountingApi, Contact, Contacts
    from xero_python.api_client import ApiClient, Configuration
    from xero_python.api_client.oauth2 import OAuth2Token
    from xero_python.identity import IdentityApi

    store = {"token": dict(tokens)}
    client = ApiClient(
        Configuration(oauth2_token=OAuth2Token(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)),
        oauth2_token_getter=lambda: store["token"],
        oauth2_token_saver=lambda token: store.update(token=token),
    )
    connections = IdentityApi(client, base_url=server.url).get_connections()
    assert {c.tenant_id for c in connections} == {o["tenantId"] for o in orgs}

    accounting = AccountingApi(client, base_url=server.url + "/api.xro/2.0")
    tenant = orgs[0]["tenantId"]
    organisations = accounting.get_organisations(tenant)
    assert organisations.organisations[0].name == orgs[0]["name"]
    created = accounting.create_contacts(
        tenant,
        Contacts(contacts=[Contact(name="Via xero-python")]),
        summarize_errors=False,
        idempotency_key=str(uuid.uuid4()),
    )
    assert created.contacts[0].name == "Via xero-python"
    accounting.get_contacts(tenant, where='Name=="Via xero-python"', page=1)
    assert sb.violations() == []


def test_checking_is_cheap(sb, api):
    """Tens of ms at most per request, even for a 50-invoice batch."""
    checker = ContractChecker()
    headers = {"xero-tenant-id": api.tenant, "authorization": "Bearer x", "content-type": "application/json"}
    small = json.dumps({"Invoices": [invoice()]}).encode()
    big = json.dumps(
        {"Invoices": [invoice(Reference=f"R{i}", LineItems=invoice()["LineItems"] * 5) for i in range(50)]}
    ).encode()
    assert checker.check("accounting", "PUT", "/Invoices", [], headers, small) is None  # load
    figures = {}
    for label, body in (("1 invoice", small), ("50 invoices x 5 lines", big)):
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            assert checker.check("accounting", "PUT", "/Invoices", [], headers, body) is None
            runs.append((time.perf_counter() - started) * 1000)
        figures[label] = statistics.median(runs)
    sys.stderr.write(f"contract check median ms: {figures}\n")
    assert figures["1 invoice"] < 50
    assert figures["50 invoices x 5 lines"] < 500


def test_without_specs_the_check_is_skipped_and_said_so(tmp_path, capsys):
    from xero_sandbox.server import SandboxServer

    srv = SandboxServer(port=0, spec_dir=tmp_path, quiet=True)
    try:
        assert "contract check DISABLED" in capsys.readouterr().err
        sandbox = srv.sandbox
        org = next(iter(sandbox.orgs.values()))
        token = _token(sandbox)
        reply = sandbox.handle(
            Request(
                "GET",
                "/api.xro/2.0/Invoicez",
                [],
                {"authorization": f"Bearer {token}", "xero-tenant-id": org.tenant_id},
            )
        )
        assert reply.status != 400 or reply.body.get("Type") != "SandboxContractViolation"
        assert sandbox.violations == []
    finally:
        srv.httpd.server_close()


def _token(sandbox: Sandbox) -> str:
    from urllib.parse import parse_qs, urlsplit

    from xero_sandbox.identity import pkce_challenge

    params = {
        "response_type": "code",
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": "http://localhost/cb",
        "scope": "openid offline_access",
        "code_challenge": pkce_challenge("v" * 43),
        "code_challenge_method": "S256",
    }
    location = sandbox.identity.approve(params, list(sandbox.orgs)[:1])
    code = parse_qs(urlsplit(location).query)["code"][0]
    return sandbox.identity.token(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost/cb",
            "code_verifier": "v" * 43,
        },
        (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )["access_token"]


def test_spec_dir_default_is_relative_to_the_repo(monkeypatch):
    from pathlib import Path

    from xero_sandbox.contract import default_spec_dir

    monkeypatch.delenv("XERO_OPENAPI_DIR", raising=False)
    repo = Path(__file__).resolve().parents[2]
    assert default_spec_dir() == repo.parent / "shared" / "xero" / "openapi"
    monkeypatch.setenv("XERO_OPENAPI_DIR", "/somewhere/else")
    assert str(default_spec_dir()) == "/somewhere/else"
