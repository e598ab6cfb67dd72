"""Large organisations: Xero's high-volume rules (paging, optimised filters only) and the
query-string limit every organisation has (FACTS.md, "Large organisations")."""

import uuid

import pytest
from conftest import Api

REFUSAL = (
    "Your request is not filtering {label} efficiently, given the extremely high volume for this "
    "organisation. Please check https://developer.xero.com/documentation/api/efficient-data-retrieval "
    "for tips on making {label} retrieval more efficient."
)


@pytest.fixture
def large(server, sb, tokens, orgs) -> Api:
    """The demo organisation past every high-volume threshold."""
    org = next(o for o in orgs if o["shortCode"] == "!dmLG1")
    return Api(server.url, tokens["access_token"], org["tenantId"])


def refused(response, label):
    assert response.status_code == 400, response.text
    assert response.json()["Detail"] == REFUSAL.format(label=label)
    return True


def test_the_large_demo_organisation_is_high_volume_and_others_can_be_marked(sb, orgs):
    large = next(o for o in orgs if o["shortCode"] == "!dmLG1")
    assert "Invoices" in large["highVolume"] and "Payments" in large["highVolume"]
    au = orgs[0]["tenantId"]
    assert sb.high_volume(au) == []
    assert sb.set_high_volume(au, ["Invoices", "contacts"])["endpoints"] == ["Contacts", "Invoices"]
    assert sb.high_volume(au) == ["Contacts", "Invoices"]
    assert sb.set_high_volume(au, [])["endpoints"] == []
    assert "Payments" in sb.set_high_volume(au)["endpoints"]  # "all"


def test_lists_must_be_paged(large, sb):
    assert refused(large("GET", "/Invoices"), "Invoices")
    assert refused(large("GET", "/Contacts"), "Contacts")
    assert refused(large("GET", "/Payments"), "payments")
    assert refused(large("GET", "/CreditNotes"), "CreditNotes")
    assert refused(large("GET", "/PurchaseOrders"), "PurchaseOrders")
    for path in ("/Invoices", "/Contacts", "/Payments", "/CreditNotes", "/PurchaseOrders", "/ManualJournals"):
        assert large("GET", path, params={"page": 1}).status_code == 200, path
    # settings lists are not paged at Xero: answered as usual
    assert large("GET", "/Accounts").status_code == 200
    reasons = [r["reason"] for r in sb.refusals()]
    assert reasons == ["not paged"] * 5


def test_invoices_filter_on_optimised_fields_and_parameters_only(large, sb):
    invoice = large("GET", "/Invoices", params={"page": 1}).json()["Invoices"][0]
    number = invoice["InvoiceNumber"]
    # InvoiceNumber is not an optimised where field: numbers are looked up with InvoiceNumbers=
    assert refused(
        large("GET", "/Invoices", params={"page": 1, "where": f'InvoiceNumber=="{number}"'}), "Invoices"
    )
    assert refused(
        large("GET", "/Invoices", params={"page": 1, "where": f'InvoiceID==Guid("{invoice["InvoiceID"]}")'}),
        "Invoices",
    )
    assert refused(large("GET", "/Invoices", params={"page": 1, "where": "AmountCredited>0"}), "Invoices")
    assert refused(large("GET", "/Invoices", params={"page": 1, "order": "InvoiceNumber"}), "Invoices")
    found = large("GET", "/Invoices", params={"page": 1, "InvoiceNumbers": number}).json()["Invoices"]
    assert [i["InvoiceID"] for i in found] == [invoice["InvoiceID"]]
    optimised = {
        "where": 'Type=="ACCREC" AND Status=="AUTHORISED" AND Contact.Name.ToLower()!="x" AND '
        "Date>=DateTime(2000,01,01) AND AmountDue>=0",
        "order": "UpdatedDateUTC DESC, Date",
        "IDs": invoice["InvoiceID"],
        "ContactIDs": invoice["Contact"]["ContactID"],
        "Statuses": "AUTHORISED,PAID,DRAFT",
        "SearchTerm": number,
        "summaryOnly": "true",
    }
    assert large("GET", "/Invoices", params={"page": 1, **optimised}).status_code == 200
    assert len(sb.refusals()) == 4


def test_contacts_and_payments_filter_on_optimised_fields_only(large):
    contact = large("GET", "/Contacts", params={"page": 1}).json()["Contacts"][0]
    assert refused(
        large("GET", "/Contacts", params={"page": 1, "where": 'ContactNumber=="A" OR ContactNumber=="B"'}),
        "Contacts",
    )
    assert refused(large("GET", "/Contacts", params={"page": 1, "order": "EmailAddress"}), "Contacts")
    for where in (f'Name=="{contact["Name"]}"', 'EmailAddress=="a@b.c"', 'AccountNumber=="X"'):
        assert large("GET", "/Contacts", params={"page": 1, "where": where}).status_code == 200, where
    assert large("GET", "/Contacts", params={"page": 1, "searchTerm": contact["Name"][:4]}).status_code == 200
    assert large("GET", "/Contacts", params={"page": 1, "IDs": contact["ContactID"]}).status_code == 200
    assert refused(large("GET", "/Payments", params={"page": 1, "where": "Amount>10"}), "payments")
    where = 'PaymentType=="ACCRECPAYMENT" AND Date>=DateTime(2020,01,01) AND Status=="AUTHORISED"'
    assert large("GET", "/Payments", params={"page": 1, "where": where, "order": "Date"}).status_code == 200


def test_credit_notes_are_only_required_to_be_paged(large):
    where = 'CreditNoteNumber=="CN-0001" OR CreditNoteNumber=="CN-0002"'
    assert refused(large("GET", "/CreditNotes", params={"where": where}), "CreditNotes")
    assert large("GET", "/CreditNotes", params={"where": where, "page": 1}).status_code == 200


def test_an_organisation_of_ordinary_size_answers_unpaged_and_unoptimised_lists(api, sb):
    assert api("GET", "/Invoices", params={"where": 'InvoiceNumber=="INV-0001"'}).status_code == 200
    assert api("GET", "/Contacts", params={"where": 'ContactNumber=="X"'}).status_code == 200
    assert sb.refusals() == []


def test_a_single_document_by_id_is_answered_on_a_large_organisation(large):
    invoice = large("GET", "/Invoices", params={"page": 1}).json()["Invoices"][0]
    assert large("GET", f"/Invoices/{invoice['InvoiceID']}").status_code == 200


@pytest.mark.parametrize("fixture", ["api", "large"])
def test_52_ids_fit_in_the_query_string_and_53_answer_404(fixture, request, sb):
    caller = request.getfixturevalue(fixture)
    ids = [str(uuid.uuid4()) for _ in range(53)]
    # requests sends commas as %2C, as the SDKs do
    fits = caller("GET", "/Invoices", params={"IDs": ",".join(ids[:52]), "page": 1})
    assert fits.status_code == 200 and fits.json()["Invoices"] == []
    too_long = caller("GET", "/Invoices", params={"IDs": ",".join(ids), "page": 1})
    assert too_long.status_code == 404 and "query string is too long" in too_long.text
    assert [r["reason"] for r in sb.refusals()] == ["query string too long"]
    assert sb.calls()["log"][-1]["status"] == 404
    sb.clear_refusals()
    assert sb.refusals() == []


def test_invoice_list_parameters_as_the_spec_names_them(api):
    listed = api("GET", "/Invoices", params={"page": 1}).json()["Invoices"]
    first, second = listed[0], listed[1]
    numbers = f"{first['InvoiceNumber']},{second['InvoiceNumber']}"
    by_number = api("GET", "/Invoices", params={"InvoiceNumbers": numbers, "page": 1}).json()["Invoices"]
    assert {i["InvoiceID"] for i in by_number} == {first["InvoiceID"], second["InvoiceID"]}
    by_id = api("GET", "/Invoices", params={"IDs": first["InvoiceID"]}).json()["Invoices"]
    assert [i["InvoiceID"] for i in by_id] == [first["InvoiceID"]]
    contact = first["Contact"]["ContactID"]
    by_contact = api("GET", "/Invoices", params={"ContactIDs": contact}).json()["Invoices"]
    assert by_contact and all(i["Contact"]["ContactID"] == contact for i in by_contact)
    by_status = api("GET", "/Invoices", params={"Statuses": first["Status"]}).json()["Invoices"]
    assert by_status and all(i["Status"] == first["Status"] for i in by_status)
    searched = api("GET", "/Invoices", params={"SearchTerm": first["InvoiceNumber"]}).json()["Invoices"]
    assert first["InvoiceID"] in {i["InvoiceID"] for i in searched}


def test_credit_notes_take_no_ids_parameter_and_answer_every_one(api):
    """GET /CreditNotes declares no IDs (only where, order, page): Xero ignores it."""
    listed = api("GET", "/CreditNotes", params={"page": 1}).json()["CreditNotes"]
    assert listed
    answer = api("GET", "/CreditNotes", params={"page": 1, "IDs": str(uuid.uuid4())})
    assert answer.status_code == 200 and len(answer.json()["CreditNotes"]) == len(listed)
