"""The sandbox's /PurchaseOrders: Xero's numbering, statuses, updates only before approval,
deletion by status, reads by id and number, paging and If-Modified-Since."""

import pytest
from accounting_support import Api, demo_org, new_clock

from xero_sandbox.accounting_common import ms_date


@pytest.fixture
def clock():
    return new_clock()


@pytest.fixture
def api(clock):
    return Api(demo_org(clock))


def order(number=None, lines=None, **fields):
    body = {
        "Contact": {"Name": "ABC Furniture"},
        "Date": "2024-03-01",
        "DeliveryDate": "2024-03-20",
        "LineItems": lines
        or [
            {
                "Description": "Chairs",
                "Quantity": 2,
                "UnitAmount": 120,
                "AccountCode": "300",
                "TaxType": "INPUT",
            }
        ],
    }
    if number:
        body["PurchaseOrderNumber"] = number
    body.update(fields)
    return body


def put(api, *orders, **query):
    return api.put("/PurchaseOrders", {"PurchaseOrders": list(orders)}, **query)


def test_numbers_are_generated_and_unique_until_deleted(api):
    auto = put(api, order()).items("PurchaseOrders")[0]
    assert auto["PurchaseOrderNumber"].startswith("PO-")
    mine = put(api, order("P00042")).items("PurchaseOrders")[0]
    assert mine["PurchaseOrderNumber"] == "P00042"
    again = put(api, order("p00042"), summarizeErrors="false").items("PurchaseOrders")[0]
    assert again["HasErrors"] is True
    assert [e["Message"] for e in again["ValidationErrors"]] == ["Purchase Order # must be unique."]
    deleted = api.post(
        f"/PurchaseOrders/{mine['PurchaseOrderID']}", {"PurchaseOrders": [{"Status": "DELETED"}]}
    ).items("PurchaseOrders")[0]
    assert deleted["Status"] == "DELETED"
    reused = put(api, order("P00042")).items("PurchaseOrders")[0]
    assert reused["PurchaseOrderID"] != mine["PurchaseOrderID"]


def test_draft_and_submitted_orders_change_approved_ones_do_not(api):
    created = put(api, order("P1", Status="SUBMITTED")).items("PurchaseOrders")[0]
    path = f"/PurchaseOrders/{created['PurchaseOrderID']}"
    changed = api.post(
        path,
        {
            "PurchaseOrders": [
                order(
                    "P1",
                    Status="SUBMITTED",
                    lines=[{"Description": "Desk", "Quantity": 1, "UnitAmount": 500}],
                )
            ]
        },
    ).items("PurchaseOrders")[0]
    assert changed["SubTotal"] == 500.0
    approved = api.post(path, {"PurchaseOrders": [{"Status": "AUTHORISED"}]}).items("PurchaseOrders")[0]
    assert approved["Status"] == "AUTHORISED"
    refused = api.post(path, {"PurchaseOrders": [order("P1", Status="AUTHORISED")]})
    assert refused.messages == ["Purchase Order not of valid status for modification"]
    refused = api.post(path, {"PurchaseOrders": [{"Reference": "changed"}]})
    assert refused.messages == ["Purchase Order not of valid status for modification"]
    back = api.post(path, {"PurchaseOrders": [{"Status": "DRAFT"}]})
    assert back.messages == ["Purchase Order not of valid status for modification"]
    billed = api.post(path, {"PurchaseOrders": [{"Status": "BILLED"}]}).items("PurchaseOrders")[0]
    assert billed["Status"] == "BILLED"
    assert api.post(path, {"PurchaseOrders": [{"Status": "DELETED"}]}).messages == [
        "Purchase Order not of valid status for modification"
    ]
    sent = api.post(path, {"PurchaseOrders": [{"SentToContact": True}]}).items("PurchaseOrders")[0]
    assert sent["SentToContact"] is True


def test_deleted_orders_take_nothing(api):
    created = put(api, order("P2")).items("PurchaseOrders")[0]
    path = f"/PurchaseOrders/{created['PurchaseOrderID']}"
    api.post(path, {"PurchaseOrders": [{"Status": "DELETED"}]}).items("PurchaseOrders")
    assert api.post(path, {"PurchaseOrders": [{"Status": "DRAFT"}]}).messages == [
        "Purchase Order not of valid status for modification"
    ]
    assert api.call("DELETE", path).status == 405, "no DELETE verb: deletion is a status"


def test_discounts_are_refused_and_unit_amounts_keep_two_decimals(api):
    discounted = [{"Description": "Chairs", "Quantity": 3, "UnitAmount": 10, "DiscountRate": 10}]
    assert put(api, order("P3", lines=discounted)).messages == [
        "Discounts are only supported on ACCREC invoices, not on purchase orders"
    ]
    precise = [{"Description": "Bolts", "Quantity": 3, "UnitAmount": 0.12569}]
    created = put(api, order("P4", lines=precise)).items("PurchaseOrders")[0]
    assert created["LineItems"][0]["UnitAmount"] == 0.13
    assert created["LineItems"][0]["LineAmount"] == 0.39


def test_sent_to_contact_only_once_approved(api):
    assert put(api, order("P5", SentToContact=True)).messages == [
        "SentToContact can be set only on purchase orders that have been approved or billed"
    ]


def test_reads_by_id_number_status_dates_pages_and_modified_since(api, clock):
    first = put(api, order("P10")).items("PurchaseOrders")[0]
    clock.advance(60)
    mark = clock.utcnow()
    clock.advance(60)
    second = put(api, order("P11", Date="2024-04-02", Status="AUTHORISED")).items("PurchaseOrders")[0]
    digits = put(api, order("12345")).items("PurchaseOrders")[0]
    assert (
        api.get(f"/PurchaseOrders/{first['PurchaseOrderID']}").items("PurchaseOrders")[0][
            "PurchaseOrderNumber"
        ]
        == "P10"
    )
    assert (
        api.get("/PurchaseOrders/p11").items("PurchaseOrders")[0]["PurchaseOrderID"]
        == second["PurchaseOrderID"]
    )
    assert api.get("/PurchaseOrders/12345").status == 404, "Xero does not find numbers made of digits"
    assert api.get(f"/PurchaseOrders/{digits['PurchaseOrderID']}").status == 200
    authorised = api.get("/PurchaseOrders", {"Status": "AUTHORISED"}).items("PurchaseOrders")
    assert second["PurchaseOrderID"] in [p["PurchaseOrderID"] for p in authorised]
    assert first["PurchaseOrderID"] not in [p["PurchaseOrderID"] for p in authorised]
    april = api.get("/PurchaseOrders", {"DateFrom": "2024-04-01", "DateTo": "2024-04-30"}).items(
        "PurchaseOrders"
    )
    assert [p["PurchaseOrderNumber"] for p in april] == ["P11"]
    since = api.get("/PurchaseOrders", headers={"If-Modified-Since": ms_date(mark)}).items("PurchaseOrders")
    assert {p["PurchaseOrderNumber"] for p in since} == {"P11", "12345"}
    everything = api.get("/PurchaseOrders", {"where": 'PurchaseOrderNumber=="P10"'}).items("PurchaseOrders")
    assert len(everything) > 1, "no where clause on purchase orders: Xero ignores it"
    page = api.get("/PurchaseOrders", {"page": "1", "pageSize": "2"})
    assert len(page.items("PurchaseOrders")) == 2
    assert page.body["pagination"]["itemCount"] == len(api.get("/PurchaseOrders").items("PurchaseOrders"))
