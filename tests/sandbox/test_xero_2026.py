"""Xero as it is in 2026 (FACTS.md, docs/XERO_FACTS_2026.md): app creation dates and tiers,
granular scopes checked per endpoint from the spec's security section, Starter's limits,
discounts only on sales invoices, 3.5 MB bodies, payment dates, NoTax documents, silent
intent-to-receive answers and request bodies without unknown fields."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from accounting_support import Api as OrgApi
from accounting_support import demo_org, invoice, line
from conftest import Api
from webhook_endpoint import Endpoint, QuietHandler, signed_by

from xero_sandbox.client import DEMO_CLIENT_ID, SandboxError
from xero_sandbox.spec_rules import SpecRules

REDIRECT = "http://localhost:8069/xero/oauth/callback"
GRANULAR = (
    "offline_access openid accounting.invoices accounting.payments accounting.contacts "
    "accounting.settings accounting.attachments"
)


def token_for(sb, scope, tenants=None, client_id=DEMO_CLIENT_ID, secret="sandbox-client-secret"):
    orgs = tenants or [sb.orgs()[0]["tenantId"]]
    return sb.connect(REDIRECT, client_id, secret, tenants=orgs, scope=scope)["access_token"]


# ------------------------------------------------------------------------------- app tiers
def test_demo_app_is_a_new_starter_app(sb):
    [demo] = [a for a in sb.apps() if a["client_id"] == DEMO_CLIENT_ID]
    assert demo["tier"] == "starter" and demo["created"] >= "2026-03-02"
    assert demo["granular_scopes_only"] is True
    assert (demo["connections_allowed"], demo["day_limit"], demo["bulk_connections"]) == (5, 1000, False)


def test_tier_and_creation_date_are_settable(sb):
    sb.register_app("old-app", "s", [REDIRECT], tier="core", created="2025-06-01")
    [old] = [a for a in sb.apps() if a["client_id"] == "old-app"]
    assert old["tier"] == "core" and old["granular_scopes_only"] is False and old["day_limit"] == 5000
    changed = sb.update_app("old-app", tier="advanced")
    assert changed["bulk_connections"] is True and changed["connections_allowed"] == 10000
    with pytest.raises(SandboxError, match="unknown tier"):
        sb.update_app("old-app", tier="gold")


# ----------------------------------------------------------------------------- consent
def test_broad_scope_refused_at_consent_for_a_new_app(sb):
    location = sb.authorize(REDIRECT, state="s1", scope="offline_access accounting.transactions")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["unauthorized_client"]
    assert query["error_description"] == ["Invalid scope for client"] and query["state"] == ["s1"]
    assert "code" not in query


def test_broad_scope_still_granted_to_an_app_created_before_march_2026(sb):
    sb.register_app("legacy", "s", [REDIRECT], created="2024-01-01")
    token = sb.connect(
        REDIRECT, "legacy", "s", tenants=[sb.orgs()[0]["tenantId"]], scope="accounting.transactions"
    )
    assert token["scope"] == "accounting.transactions"


def test_starter_connects_one_organisation_per_consent(sb, server):
    orgs = sb.orgs()
    with pytest.raises(SandboxError, match="Advanced tier"):
        sb.authorize(REDIRECT, tenants=[o["tenantId"] for o in orgs[:2]], scope=GRANULAR)
    page = requests.get(
        server.url + "/identity/connect/authorize",
        params={
            "response_type": "code",
            "client_id": DEMO_CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": GRANULAR,
        },
        timeout=10,
    )
    assert page.text.count('type="radio"') == len(orgs) and 'type="checkbox"' not in page.text
    # one round per organisation works, and the connections add up
    token = None
    for org in orgs[:2]:
        token = token_for(sb, GRANULAR, [org["tenantId"]])
    answer = requests.get(
        server.url + "/connections", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert {c["tenantId"] for c in answer.json()} == {o["tenantId"] for o in orgs[:2]}
    sb.update_app(DEMO_CLIENT_ID, tier="advanced")
    assert "code=" in sb.authorize(REDIRECT, tenants=[o["tenantId"] for o in orgs[:2]], scope=GRANULAR)


def test_starter_allows_five_connected_organisations(sb):
    created = [sb.create_org(f"Tier Org {i}", f"!tier{i}")["tenantId"] for i in range(6)]
    for tenant in created[:5]:
        token_for(sb, GRANULAR, [tenant])
    with pytest.raises(SandboxError, match="limit of 5 connected organisations"):
        token_for(sb, GRANULAR, [created[5]])
    sb.update_app(DEMO_CLIENT_ID, tier="core")
    assert token_for(sb, GRANULAR, [created[5]])


# ------------------------------------------------------------------------- scopes per call
SCOPE_TABLE = [
    # (method, path, the scope that opens it, a scope that does not)
    ("GET", "/Invoices", "accounting.invoices.read", "accounting.payments"),
    ("PUT", "/Invoices", "accounting.invoices", "accounting.invoices.read"),
    ("GET", "/CreditNotes", "accounting.invoices.read", "accounting.contacts"),
    ("PUT", "/CreditNotes", "accounting.invoices", "accounting.payments"),
    ("GET", "/PurchaseOrders", "accounting.invoices.read", "accounting.settings"),
    ("GET", "/Items", "accounting.invoices.read", "accounting.contacts"),
    ("PUT", "/Items", "accounting.invoices", "accounting.invoices.read"),
    ("GET", "/Payments", "accounting.payments.read", "accounting.invoices"),
    ("PUT", "/Payments", "accounting.payments", "accounting.payments.read"),
    ("GET", "/Overpayments", "accounting.payments.read", "accounting.invoices"),
    ("GET", "/Prepayments", "accounting.payments.read", "accounting.invoices"),
    ("GET", "/ManualJournals", "accounting.manualjournals.read", "accounting.invoices"),
    ("PUT", "/ManualJournals", "accounting.manualjournals", "accounting.manualjournals.read"),
    ("GET", "/BankTransactions", "accounting.banktransactions.read", "accounting.payments"),
    ("GET", "/Contacts", "accounting.contacts.read", "accounting.invoices"),
    ("PUT", "/Contacts", "accounting.contacts", "accounting.contacts.read"),
    ("GET", "/Organisation", "accounting.settings.read", "accounting.invoices"),
    ("GET", "/Accounts", "accounting.settings.read", "accounting.invoices"),
    ("GET", "/TaxRates", "accounting.settings.read", "accounting.contacts"),
    ("GET", "/TrackingCategories", "accounting.settings.read", "accounting.contacts"),
    ("GET", "/Currencies", "accounting.settings.read", "accounting.contacts"),
    ("PUT", "/Invoices/{id}/Attachments/a.pdf", "accounting.attachments", "accounting.invoices"),
    ("GET", "/Invoices/{id}/Attachments", "accounting.attachments.read", "accounting.invoices"),
]


@pytest.fixture(scope="module")
def rules():
    from xero_sandbox.contract import default_spec_dir

    return SpecRules(default_spec_dir() / "xero_accounting.yaml")


@pytest.mark.parametrize(("method", "path", "opens", "closed"), SCOPE_TABLE)
def test_scope_table_from_the_spec(rules, method, path, opens, closed):
    required = rules.required_scopes(method, path.replace("{id}", "0f0b6b3d-0000-4000-8000-000000000001"))
    assert opens in required and closed not in required


@pytest.mark.parametrize(
    ("method", "path", "opens", "closed"),
    # every GET the sandbox serves (it has no bank transactions)
    [row for row in SCOPE_TABLE if row[0] == "GET" and "{" not in row[1] and row[1] != "/BankTransactions"],
)
def test_reads_need_their_scope(sb, server, method, path, opens, closed):
    tenant = sb.orgs()[0]["tenantId"]
    refused = Api(server.url, token_for(sb, f"offline_access {closed}"), tenant)(method, path)
    assert refused.status_code == 401
    assert (
        refused.json()["Title"] == "Unauthorized" and refused.json()["Detail"] == "AuthorizationUnsuccessful"
    )
    assert Api(server.url, token_for(sb, f"offline_access {opens}"), tenant)(method, path).status_code == 200


def test_a_read_scope_does_not_write_and_attachments_need_their_own(sb, server):
    tenant = sb.orgs()[0]["tenantId"]
    reader = Api(server.url, token_for(sb, "accounting.invoices.read accounting.settings"), tenant)
    body = {"Invoices": [invoice()]}
    assert reader("PUT", "/Invoices", json=body).status_code == 401
    writer = Api(server.url, token_for(sb, "accounting.invoices accounting.settings"), tenant)
    created = writer("PUT", "/Invoices", json=body)
    assert created.status_code == 200, created.text
    invoice_id = created.json()["Invoices"][0]["InvoiceID"]
    pdf = {"data": b"%PDF-1.4 x", "headers": {"Content-Type": "application/pdf"}}
    assert writer("PUT", f"/Invoices/{invoice_id}/Attachments/a.pdf", **pdf).status_code == 401
    full = Api(server.url, token_for(sb, "accounting.invoices accounting.attachments"), tenant)
    assert full("PUT", f"/Invoices/{invoice_id}/Attachments/a.pdf", **pdf).status_code == 200
    assert sb.violations() == []


def test_an_old_apps_broad_scope_still_opens_transactions(sb, server):
    sb.register_app("legacy", "s", [REDIRECT], created="2024-01-01")
    tenant = sb.orgs()[0]["tenantId"]
    token = sb.connect(REDIRECT, "legacy", "s", tenants=[tenant], scope="accounting.transactions")[
        "access_token"
    ]
    legacy = Api(server.url, token, tenant)
    assert legacy("GET", "/Invoices").status_code == 200
    assert legacy("GET", "/Payments").status_code == 200
    assert legacy("GET", "/Contacts").status_code == 401  # never part of accounting.transactions


# ------------------------------------------------------------------------------ Starter limits
def test_starter_day_budget_is_1000_calls_per_organisation(sb, api, orgs):
    assert api("GET", "/Organisation").headers["X-DayLimit-Remaining"] == "999"
    for i in range(999):
        if i and i % 60 == 59:
            sb.advance(61)  # stay under the minute limit
        answer = api("GET", "/Organisation")
        assert answer.status_code == 200, (i, answer.text)
    refused = api("GET", "/Organisation")
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"
    assert int(refused.headers["Retry-After"]) > 20 * 3600
    other = api("GET", "/Organisation", tenant=orgs[1]["tenantId"])
    assert other.status_code == 200 and other.headers["X-DayLimit-Remaining"] == "999"
    sb.update_app(DEMO_CLIENT_ID, tier="core")
    assert api("GET", "/Organisation").headers["X-DayLimit-Remaining"] == str(5000 - 1001)


# ---------------------------------------------------------------------------- document rules
@pytest.fixture
def org_api():
    return OrgApi(demo_org())


@pytest.mark.parametrize("discount", [{"DiscountRate": 10}, {"DiscountAmount": 5}])
def test_discounts_only_on_sales_invoices(org_api, discount):
    bill = org_api.put(
        "/Invoices",
        {"Invoices": [invoice(Type="ACCPAY", lines=[line(account="400", tax="INPUT", **discount)])]},
    )
    assert any("only supported on ACCREC invoices" in m for m in bill.messages)
    for kind in ("ACCRECCREDIT", "ACCPAYCREDIT"):
        credit = org_api.put("/CreditNotes", {"CreditNotes": [invoice(Type=kind, lines=[line(**discount)])]})
        assert any("only supported on ACCREC invoices" in m for m in credit.messages)
    sale = org_api.put("/Invoices", {"Invoices": [invoice(lines=[line(**discount)])]})
    assert sale.status == 200, sale.body


def test_payments_require_a_date(org_api):
    created = org_api.create_invoice(Status="AUTHORISED", lines=[line(unit=100)])
    body = {"Invoice": {"InvoiceID": created["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 10}
    assert "The payment date is required." in org_api.put("/Payments", {"Payments": [body]}).messages
    dated = org_api.put("/Payments", {"Payments": [{**body, "Date": "2024-03-10"}]})
    assert dated.status == 200


def test_taxed_tax_type_refused_on_a_notax_document(org_api):
    refused = org_api.put(
        "/Invoices", {"Invoices": [invoice(LineAmountTypes="NoTax", lines=[line(tax="OUTPUT")])]}
    )
    assert any("cannot be used on a document whose LineAmountTypes is NoTax" in m for m in refused.messages)
    untaxed = org_api.put(
        "/Invoices", {"Invoices": [invoice(LineAmountTypes="NoTax", lines=[line(tax=None)])]}
    )
    assert untaxed.status == 200, untaxed.body


def test_bodies_over_3_5_mb_are_refused(sb, api):
    lines = [line(description="x" * 3900) for _ in range(1000)]  # ~4 MB
    answer = api("PUT", "/Invoices", json={"Invoices": [invoice(lines=lines)]})
    assert answer.status_code == 413 and answer.json()["Status"] == 413
    assert sb.dump(sb.orgs()[0]["tenantId"], "Invoices") == [] or all(
        len(i["LineItems"]) != 1000 for i in sb.dump(sb.orgs()[0]["tenantId"], "Invoices")
    )
    small = api("PUT", "/Invoices", json={"Invoices": [invoice(lines=lines[:800])]})  # ~3.2 MB
    assert small.status_code == 200, small.text[:300]


def test_unknown_fields_are_contract_violations(sb, api):
    answer = api("PUT", "/Invoices", json={"Invoices": [invoice(InvoiceNumbr="INV-9")]})
    assert answer.status_code == 400 and answer.json()["Type"] == "SandboxContractViolation"
    assert "/Invoices/0/InvoiceNumbr" in answer.json()["Message"]
    nested = api("PUT", "/Invoices", json={"Invoices": [invoice(lines=[line(UnitPrice=5)])]})
    assert "/Invoices/0/LineItems/0/UnitPrice" in nested.json()["Message"]
    assert len(sb.violations()) == 2
    assert api("PUT", "/Invoices", json={"Invoices": [invoice(InvoiceNumber="INV-9")]}).status_code == 200


# ------------------------------------------------------------------------- intent to receive
class Chatty(Endpoint):
    """A webhook receiver that checks signatures but answers with a body and/or a cookie."""

    def __init__(self, key, body=b"", cookie=None):
        class Handler(QuietHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200 if signed_by(key, raw, self.headers.get("x-xero-signature")) else 401)
                if cookie:
                    self.send_header("Set-Cookie", cookie)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)


@pytest.mark.parametrize(
    ("body", "cookie", "ok"),
    [(b"", None, True), (b"OK", None, False), (b"", "session_id=abc; Path=/", False)],
)
def test_intent_to_receive_wants_no_body_and_no_cookies(sb, body, cookie, ok):
    receiver = Chatty("k", body, cookie)
    try:
        result = sb.webhook_intent(receiver.url, key="k")
    finally:
        receiver.stop()
    assert result["ok"] is ok, result["problems"]
    assert (result["signed"]["status"], result["tampered"]["status"]) == (200, 401)
