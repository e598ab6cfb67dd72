"""Reads and settings: contacts, items, tracking, accounts, tax rates; paging,
If-Modified-Since, where/IDs/InvoiceNumbers/Statuses filters, ordering, archived contacts,
webhook events and the demo organisations."""

import json

import pytest
from accounting_support import Api, demo_org, invoice, line, new_clock, payment

from xero_sandbox.accounting import Organisation
from xero_sandbox.demo import DEMO_ORGANISATIONS, build_demo_organisations


@pytest.fixture
def api():
    return Api(demo_org())


def names(reply, key="Contacts"):
    return [c["Name"] for c in reply.items(key)]


# --------------------------------------------------------------------------- contacts


def test_contact_names_are_unique_among_active_contacts(api):
    reply = api.put("/Contacts", {"Contacts": [{"Name": "bayside club"}]})
    assert reply.messages == [
        "The contact name bayside club is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    ]
    # The archived contact's name is free again.
    assert api.put("/Contacts", {"Contacts": [{"Name": "Old Partner Pty Ltd"}]}).status == 200


def test_contact_persons_are_limited_to_five(api):
    persons = [{"FirstName": f"P{n}", "LastName": "X", "EmailAddress": f"p{n}@x.example"} for n in range(6)]
    reply = api.put("/Contacts", {"Contacts": [{"Name": "Crowded Pty", "ContactPersons": persons}]})
    assert reply.messages == ["A contact can have a maximum of 5 contact persons."]
    ok = api.put("/Contacts", {"Contacts": [{"Name": "Crowded Pty", "ContactPersons": persons[:5]}]})
    assert len(ok.items("Contacts")[0]["ContactPersons"]) == 5


def test_contact_update_archive_and_include_archived(api):
    contact_id = api.contact_id("Boom FM")
    renamed = api.post(f"/Contacts/{contact_id}", {"Contacts": [{"Name": "Boom FM Radio"}]}).items(
        "Contacts"
    )[0]
    assert renamed["Name"] == "Boom FM Radio" and renamed["EmailAddress"] == "ads@boomfm.example"
    api.post("/Contacts", {"Contacts": [{"ContactID": contact_id, "ContactStatus": "ARCHIVED"}]})
    assert "Boom FM Radio" not in names(api.get("/Contacts"))
    archived = api.get("/Contacts", {"includeArchived": "true"}).items("Contacts")
    assert {c["Name"]: c["ContactStatus"] for c in archived}["Boom FM Radio"] == "ARCHIVED"
    assert api.get(f"/Contacts/{contact_id}").items("Contacts")[0]["ContactStatus"] == "ARCHIVED"
    restored = api.post(f"/Contacts/{contact_id}", {"Contacts": [{"ContactStatus": "ACTIVE"}]})
    assert restored.items("Contacts")[0]["ContactStatus"] == "ACTIVE"


def test_contact_by_contact_number(api):
    assert api.get("/Contacts/CUST-003").items("Contacts")[0]["Name"] == "City Limousines"
    updated = api.post("/Contacts", {"Contacts": [{"ContactNumber": "CUST-003", "Website": "x"}]})
    assert updated.items("Contacts")[0]["Name"] == "City Limousines"


def test_contact_validation(api):
    reply = api.put(
        "/Contacts",
        {
            "Contacts": [
                {"Name": "", "EmailAddress": "not-an-email"},
                {"Name": "Yen Co", "DefaultCurrency": "JPY"},
            ]
        },
        summarizeErrors="false",
    )
    errors = [[e["Message"] for e in c.get("ValidationErrors", [])] for c in reply.items("Contacts")]
    assert errors == [
        ["The contact name must be specified.", "Email address must be valid."],
        ["Organisation is not subscribed to currency JPY"],
    ]
    assert all(c["HasValidationErrors"] for c in reply.items("Contacts"))


def test_seeded_contacts_carry_xero_shapes(api):
    bayside = api.get(f"/Contacts/{api.contact_id('Bayside Club')}").items("Contacts")[0]
    assert {a["AddressType"] for a in bayside["Addresses"]} == {"POBOX", "STREET"}
    assert {p["PhoneType"] for p in bayside["Phones"]} >= {"DEFAULT", "MOBILE"}
    assert bayside["ContactPersons"][0]["EmailAddress"] == "bob@bayside.example"
    assert bayside["TaxNumber"] and bayside["IsCustomer"] is True
    hamilton = api.get("/Contacts", {"where": 'Name=="Hamilton Smith Ltd"'}).items("Contacts")[0]
    assert hamilton["DefaultCurrency"] == "USD"
    assert api.get("/Contacts", {"where": 'Name=="PowerDirect"'}).items("Contacts")[0]["IsSupplier"] is True


# --------------------------------------------------------------------------- items and settings


def test_item_codes_are_at_most_30_characters_and_unique(api):
    reply = api.put("/Items", {"Items": [{"Code": "X" * 31, "Name": "Too long"}]})
    assert reply.messages == ["Item code must not be more than 30 characters long"]
    created = api.put(
        "/Items",
        {
            "Items": [
                {
                    "Code": "Y" * 30,
                    "Name": "Just right",
                    "SalesDetails": {"UnitPrice": 1.23456, "AccountCode": "200"},
                }
            ]
        },
        unitdp=4,
    ).items("Items")[0]
    assert created["SalesDetails"]["UnitPrice"] == 1.2346
    assert api.put("/Items", {"Items": [{"Code": "y" * 30}]}).messages == [
        f"Item code '{'y' * 30}' already exists"
    ]
    updated = api.post("/Items", {"Items": [{"Code": "Y" * 30, "Name": "Renamed"}]}).items("Items")[0]
    assert (updated["ItemID"], updated["Name"]) == (created["ItemID"], "Renamed")
    assert api.get("/Items/BOOK").items("Items")[0]["Name"] == "Fiction Book"
    assert api.call("DELETE", f"/Items/{created['ItemID']}").status == 204
    assert api.get(f"/Items/{created['ItemID']}").status == 404


def test_item_details_are_validated(api):
    reply = api.put(
        "/Items", {"Items": [{"Code": "BAD", "SalesDetails": {"AccountCode": "090", "TaxType": "ZZ"}}]}
    )
    assert reply.messages == [
        "Account code '090' is not a valid code for this document.",
        "The TaxType code ZZ does not exist or cannot be used for this type of transaction.",
    ]


def test_seeded_settings(api):
    accounts = {a["Code"]: a for a in api.get("/Accounts").items("Accounts")}
    assert accounts["090"]["Type"] == "BANK" and accounts["090"]["BankAccountNumber"]
    assert accounts["091"]["Type"] == "BANK"
    assert accounts["880"]["EnablePaymentsToAccount"] is True
    assert accounts["469"]["Status"] == "ARCHIVED"
    assert accounts["610"]["SystemAccount"] == "DEBTORS" and accounts["200"]["Class"] == "REVENUE"
    rates = {t["TaxType"]: t for t in api.get("/TaxRates").items("TaxRates")}
    ten_percent_purchases = [
        t for t in rates.values() if t["EffectiveRate"] == 10 and t["CanApplyToExpenses"]
    ]
    assert {t["TaxType"] for t in ten_percent_purchases} == {"INPUT", "CAPEXINPUT"}
    assert rates["TAX001"]["Status"] == "ARCHIVED"
    assert api.get("/TaxRates/OUTPUT").items("TaxRates")[0]["Name"] == "GST on Income"
    assert [c["Code"] for c in api.get("/Currencies").items("Currencies")] == ["AUD", "USD", "EUR"]
    items = {i["Code"]: i for i in api.get("/Items").items("Items")}
    assert all(len(code) <= 30 for code in items)
    assert "AccountCode" not in items["CONSULT-HR"]["PurchaseDetails"]
    assert (
        items["BOOK"]["IsTrackedAsInventory"] is False
        and items["STOCK-CHAIR"]["IsTrackedAsInventory"] is True
    )
    categories = api.get("/TrackingCategories").items("TrackingCategories")
    assert [c["Name"] for c in categories] == ["Region", "Department"]
    assert [o["Name"] for o in categories[0]["Options"]] == ["North", "South", "East"]
    everything = api.get("/TrackingCategories", {"includeArchived": "true"}).items("TrackingCategories")
    assert [c["Name"] for c in everything] == ["Region", "Department", "Project"]


def test_tracking_categories_and_options(api):
    reply = api.put("/TrackingCategories", {"Name": "Channel"})
    assert reply.messages == ["You can only have 2 active tracking categories."]
    region = api.get("/TrackingCategories", {"where": 'Name=="Region"'}).items("TrackingCategories")[0]
    option = api.put(f"/TrackingCategories/{region['TrackingCategoryID']}/Options", {"Name": "Central"})
    assert option.items("Options")[0]["Name"] == "Central"
    duplicate = api.put(f"/TrackingCategories/{region['TrackingCategoryID']}/Options", {"Name": "central"})
    assert duplicate.status == 400
    created = api.create_invoice(lines=[line(Tracking=[{"Name": "Region", "Option": "Central"}])])
    assert created["LineItems"][0]["Tracking"][0]["Option"] == "Central"


def test_accounts_can_be_created(api):
    created = api.put("/Accounts", {"Code": "455", "Name": "Software", "Type": "EXPENSE", "TaxType": "INPUT"})
    assert created.items("Accounts")[0]["Class"] == "EXPENSE"
    assert api.put("/Accounts", {"Code": "455", "Name": "Other", "Type": "EXPENSE"}).messages == [
        "Please enter a unique Code."
    ]


# --------------------------------------------------------------------------- paging and filters


def test_paging_2500_contacts_in_pages_of_1000():
    org = Organisation(new_clock(), name="Empty", short_code="!empty")
    api = Api(org)
    for start in range(0, 2500, 50):
        api.put("/Contacts", {"Contacts": [{"Name": f"Contact {n:04d}"} for n in range(start, start + 50)]})
    pages = [api.get("/Contacts", {"page": page, "pageSize": 1000}) for page in (1, 2, 3, 4)]
    assert [len(p.items("Contacts")) for p in pages] == [1000, 1000, 500, 0]
    assert pages[0].body["pagination"] == {"page": 1, "pageSize": 1000, "pageCount": 3, "itemCount": 2500}
    seen = [c["ContactID"] for p in pages for c in p.items("Contacts")]
    assert len(set(seen)) == 2500
    assert len(api.get("/Contacts", {"page": 1}).items("Contacts")) == 100
    assert len(api.get("/Contacts", {"page": 1, "pageSize": 5000}).items("Contacts")) == 1000
    assert len(api.get("/Contacts").items("Contacts")) == 2500  # unpaged: everything


def test_if_modified_since_returns_only_later_changes(api):
    clock = api.org.clock
    clock.advance(60)
    since = clock.utcnow()
    clock.advance(60)
    contact_id = api.contact_id("Swanston Security")
    api.post(f"/Contacts/{contact_id}", {"Contacts": [{"Name": "Swanston Security Group"}]})
    header = since.strftime("%Y-%m-%dT%H:%M:%S")
    assert names(api.get("/Contacts", headers={"If-Modified-Since": header})) == ["Swanston Security Group"]
    http_date = since.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert names(api.get("/Contacts", headers={"If-Modified-Since": http_date})) == [
        "Swanston Security Group"
    ]
    assert api.get("/Invoices", headers={"If-Modified-Since": header}).items("Invoices") == []


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ('Name=="city limousines"', ["City Limousines"]),
        ('Name.ToLower()=="city limousines"', ["City Limousines"]),
        ('EmailAddress=="info@basketcase.example"', ["Basket Case"]),
        ('ContactNumber=="SUPP-002"', ["Swanston Security"]),
        ('Name=="Boom FM" OR Name=="Basket Case"', ["Basket Case", "Boom FM"]),
        ('Name.StartsWith("B") AND IsCustomer==true', ["Bayside Club"]),
        ('Name.Contains("Transport")', ["Young Bros Transport"]),
        ('(Name=="Boom FM" || Name=="Nobody") && ContactStatus=="ACTIVE"', ["Boom FM"]),
        (
            'NOT Name.StartsWith("B") AND ContactNumber.StartsWith("CUST")',
            ["City Limousines", "Hamilton Smith Ltd", "Marine Systems", "Ridgeway University"],
        ),
    ],
)
def test_where_on_contacts(api, where, expected):
    assert sorted(names(api.get("/Contacts", {"where": where}))) == expected


def test_where_ids_numbers_statuses_and_order_on_invoices(api):
    march = api.create_invoice(Date="2024-03-02", Status="AUTHORISED", InvoiceNumber="F-1")
    april = api.create_invoice(Date="2024-04-02", Status="DRAFT", InvoiceNumber="F-2", contact="Boom FM")
    bill = api.create_invoice(
        Type="ACCPAY",
        contact="PowerDirect",
        Date="2024-03-05",
        Status="AUTHORISED",
        lines=[line(account="429", tax="INPUT")],
    )

    def numbers(query):
        return sorted(
            i.get("InvoiceNumber") or i["InvoiceID"] for i in api.get("/Invoices", query).items("Invoices")
        )

    assert numbers(
        {
            "where": 'Type=="ACCREC" AND Status=="AUTHORISED" AND Date>=DateTime(2024,03,01)',
            "InvoiceNumbers": "F-1,F-2",
        }
    ) == ["F-1"]
    assert numbers({"where": "Date>=DateTime(2024, 04, 01) AND Date<DateTime(2024,05,01)"}) == ["F-2"]
    assert numbers({"where": f'Contact.ContactID==Guid("{april["Contact"]["ContactID"]}")'}) == ["F-2"]
    assert numbers({"where": 'InvoiceNumber=="f-1"'}) == ["F-1"]
    assert numbers({"where": 'Type=="ACCPAY" AND AmountDue>100 AND AmountDue<200'}) == [bill["InvoiceID"]]
    assert numbers({"IDs": f"{march['InvoiceID']},{april['InvoiceID']}"}) == ["F-1", "F-2"]
    assert numbers({"InvoiceNumbers": "F-1,F-2"}) == ["F-1", "F-2"]
    assert numbers({"ContactIDs": april["Contact"]["ContactID"]}) == ["F-2"]
    assert numbers({"Statuses": "DRAFT", "InvoiceNumbers": "F-1,F-2"}) == ["F-2"]
    ordered = api.get("/Invoices", {"InvoiceNumbers": "F-1,F-2", "order": "Date DESC"}).items("Invoices")
    assert [i["InvoiceNumber"] for i in ordered] == ["F-2", "F-1"]


def test_invoice_lists_carry_line_items_only_when_paged(api):
    api.create_invoice()
    assert all("LineItems" not in i for i in api.get("/Invoices").items("Invoices"))
    assert all("LineItems" in i for i in api.get("/Invoices", {"page": 1}).items("Invoices"))


def test_bad_where_is_a_query_parse_error(api):
    reply = api.get("/Contacts", {"where": 'Name=="unterminated'})
    assert reply.status == 400 and reply.body["Type"] == "QueryParseException"


def test_unknown_resources_and_ids_are_404(api):
    assert api.get("/Nonsense").status == 404
    assert api.get("/Contacts/11111111-2222-3333-4444-555555555555").status == 404


# --------------------------------------------------------------------------- events


def test_events_for_contacts_and_invoices(api):
    org = api.org
    assert org.events == []
    contact = api.put("/Contacts", {"Contacts": [{"Name": "Eventful Ltd"}]}).items("Contacts")[0]
    created = api.create_invoice(contact="Eventful Ltd", Status="AUTHORISED")
    api.put("/Payments", {"Payments": [payment({"Invoice": {"InvoiceID": created["InvoiceID"]}}, 5)]})
    api.post(f"/Contacts/{contact['ContactID']}", {"Contacts": [{"EmailAddress": "e@eventful.example"}]})
    summary = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in org.events]
    assert summary == [
        ("CONTACT", "CREATE", contact["ContactID"]),
        ("INVOICE", "CREATE", created["InvoiceID"]),
        ("INVOICE", "UPDATE", created["InvoiceID"]),
        ("CONTACT", "UPDATE", contact["ContactID"]),
    ]
    event = org.events[1]
    assert event["resourceUrl"] == f"https://api.xero.com/api.xro/2.0/Invoices/{created['InvoiceID']}"
    assert event["tenantId"] == org.tenant_id and event["tenantType"] == "ORGANISATION"
    assert event["eventDateUtc"].startswith("2024-03-15T09:0")


# --------------------------------------------------------------------------- demo organisations


def test_demo_organisations_are_stable_across_restarts():
    first, second = build_demo_organisations(new_clock()), build_demo_organisations(new_clock())
    assert [o.tenant_id for o in first] == [t for t, *_ in DEMO_ORGANISATIONS]
    assert [(o.name, o.short_code, o.base_currency) for o in first] == [
        ("Demo Company (AU)", "!dmAU1", "AUD"),
        ("Demo Company (NZ)", "!dmNZ1", "NZD"),
        ("Demo Company (UK)", "!dmUK1", "GBP"),
        ("Demo Company (Large)", "!dmLG1", "AUD"),
    ]

    def ids(organisations, resource):
        return [
            json.dumps(
                sorted(
                    d.get("ContactID")
                    or d.get("AccountID")
                    or d.get("ItemID")
                    or d.get("TrackingCategoryID")
                    or d.get("InvoiceID")
                    for d in org.dump(resource)
                )
            )
            for org in organisations
        ]

    for resource in ("Contacts", "Accounts", "Items", "TrackingCategories", "Invoices"):
        assert ids(first, resource) == ids(second, resource), resource
    assert all(org.events == [] for org in first)
    nz = Api(first[1])
    assert {t["TaxType"] for t in nz.get("/TaxRates").items("TaxRates")} >= {"OUTPUT2", "INPUT2"}
    organisation = nz.get("/Organisation").items("Organisations")[0]
    assert (organisation["ShortCode"], organisation["BaseCurrency"], organisation["CountryCode"]) == (
        "!dmNZ1",
        "NZD",
        "NZ",
    )
    nz_invoice = nz.put("/Invoices", {"Invoices": [invoice(lines=[line(tax="OUTPUT2")])]}).items("Invoices")[
        0
    ]
    assert nz_invoice["TotalTax"] == 15.0


def test_search_term_looks_in_names_numbers_and_emails(api):
    assert names(api.get("/Contacts", {"searchTerm": "limo"})) == ["City Limousines"]
    assert names(api.get("/Contacts", {"searchTerm": "supp-00", "where": 'Name.StartsWith("P")'})) == [
        "PowerDirect"
    ]
    api.create_invoice(Reference="Needle in a haystack")
    found = api.get("/Invoices", {"searchTerm": "NEEDLE"}).items("Invoices")
    assert [i["Reference"] for i in found] == ["Needle in a haystack"]


def test_demo_companies_say_so():
    organisation = (
        Api(build_demo_organisations(new_clock())[0]).get("/Organisation").items("Organisations")[0]
    )
    assert organisation["IsDemoCompany"] is True and organisation["Name"] == "Demo Company (AU)"
