"""The sandbox's /BrandingThemes: each organisation's themes (Standard, SortOrder 0, its
default), read-only in the API, added in "Xero's web app" (the control API); invoices, credit
notes and purchase orders keep the BrandingThemeID they are sent and refuse one that is not a
theme of their organisation."""

import pytest
import requests
from accounting_support import Api, demo_org, invoice, new_clock

from xero_sandbox.accounting_branding import unknown_theme


@pytest.fixture
def clock():
    return new_clock()


@pytest.fixture
def api(clock):
    return Api(demo_org(clock))


def themes(api):
    return api.get("/BrandingThemes").items("BrandingThemes")


def test_an_organisation_lists_its_themes_default_first(api):
    listed = themes(api)
    assert [(t["Name"], t["SortOrder"], t["Type"]) for t in listed] == [
        ("Standard", 0, "INVOICE"),
        ("Special Projects", 1, "INVOICE"),
    ]
    assert all(t["CreatedDateUTC"].startswith("/Date(") for t in listed)
    one = api.get(f"/BrandingThemes/{listed[1]['BrandingThemeID']}").items("BrandingThemes")
    assert [t["Name"] for t in one] == ["Special Projects"]


def test_themes_are_read_only_in_the_api_and_unknown_ids_are_not_found(api):
    assert api.put("/BrandingThemes", {"BrandingThemes": [{"Name": "Mine"}]}).status == 405
    assert api.post("/BrandingThemes", {"BrandingThemes": [{"Name": "Mine"}]}).status == 405
    assert api.get("/BrandingThemes/7d2b2c44-1111-4111-8111-111111111111").status == 404
    assert len(themes(api)) == 2


def test_a_theme_added_first_becomes_the_default(api):
    api.org.resource("BrandingThemes").add("Projects", sort_order=0)
    assert [(t["Name"], t["SortOrder"]) for t in themes(api)] == [
        ("Projects", 0),
        ("Standard", 1),
        ("Special Projects", 2),
    ]
    with pytest.raises(ValueError):
        api.org.resource("BrandingThemes").add("standard")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/Invoices", invoice()),
        ("/CreditNotes", {**invoice(), "Type": "ACCRECCREDIT"}),
        (
            "/PurchaseOrders",
            {
                "Contact": {"Name": "ABC Furniture"},
                "Date": "2024-03-01",
                "LineItems": [
                    {"Description": "Chairs", "Quantity": 2, "UnitAmount": 120, "AccountCode": "300"}
                ],
            },
        ),
    ],
)
def test_documents_keep_their_theme_and_refuse_an_unknown_one(api, path, body):
    key = path.strip("/")
    special = themes(api)[1]["BrandingThemeID"]
    made = api.put(path, {key: [dict(body, BrandingThemeID=special)]}).items(key)[0]
    id_field = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "PurchaseOrders": "PurchaseOrderID"}[
        key
    ]
    assert api.get(f"{path}/{made[id_field]}").items(key)[0]["BrandingThemeID"] == special
    # A theme of another organisation is no theme of this one.
    other = demo_org(new_clock(), tenant_id="5a3c5e6e-2222-4222-8222-222222222222")
    foreign = other.dump("BrandingThemes")[0]["BrandingThemeID"]
    before = len(api.org.dump(key))
    reply = api.put(path, {key: [dict(body, BrandingThemeID=foreign)]})
    assert reply.messages == [unknown_theme(foreign)]
    assert api.put(path, {key: [dict(body, BrandingThemeID="not-a-uuid")]}).messages == [
        unknown_theme("not-a-uuid")
    ]
    assert len(api.org.dump(key)) == before


def test_the_control_api_adds_a_theme_the_api_then_lists(sb, server, tokens, orgs):
    tenant = orgs[0]["tenantId"]
    added = sb.add_branding_theme(tenant, "Wholesale", sort_order=0)
    reply = requests.get(
        f"{server.url}/api.xro/2.0/BrandingThemes",
        headers={
            "Authorization": f"Bearer {tokens['access_token']}",
            "Xero-Tenant-Id": tenant,
            "Accept": "application/json",
        },
        timeout=30,
    )
    assert reply.status_code == 200
    listed = reply.json()["BrandingThemes"]
    assert listed[0] == {**added, "SortOrder": 0}
    assert [t["Name"] for t in listed][:2] == ["Wholesale", "Standard"]
    assert sb.violations() == []


def test_a_theme_deleted_in_xero_is_refused_on_new_documents(sb, server, tokens, orgs):
    tenant = orgs[0]["tenantId"]
    doomed = sb.add_branding_theme(tenant, "Old look")
    sb.delete_branding_theme(tenant, doomed["BrandingThemeID"])
    headers = {
        "Authorization": f"Bearer {tokens['access_token']}",
        "Xero-Tenant-Id": tenant,
        "Accept": "application/json",
    }
    listed = requests.get(f"{server.url}/api.xro/2.0/BrandingThemes", headers=headers, timeout=30).json()
    assert [t["Name"] for t in listed["BrandingThemes"]] == ["Standard", "Special Projects"]
    body = {"Invoices": [dict(invoice(), BrandingThemeID=doomed["BrandingThemeID"])]}
    reply = requests.put(f"{server.url}/api.xro/2.0/Invoices", headers=headers, json=body, timeout=30)
    assert reply.status_code == 400
    errors = [e["Message"] for el in reply.json()["Elements"] for e in el["ValidationErrors"]]
    assert errors == [unknown_theme(doomed["BrandingThemeID"])]
