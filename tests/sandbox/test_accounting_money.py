"""Payments, credit notes and their allocations, overpayments/prepayments, manual journals."""

import pytest
from accounting_support import Api, demo_org, line, payment


@pytest.fixture
def api():
    return Api(demo_org())


def pay(api, invoice_id, amount, account="090", **extra):
    return api.put(
        "/Payments", {"Payments": [payment({"Invoice": {"InvoiceID": invoice_id}}, amount, account, **extra)]}
    )


# --------------------------------------------------------------------------- payments


def test_payment_updates_the_invoice_and_deleting_it_restores_it(api):
    created = api.create_invoice(Status="AUTHORISED", lines=[line(unit=100)])  # 110.00
    first = pay(api, created["InvoiceID"], 60).items("Payments")[0]
    assert first["StatusAttributeString"] == "OK" and first["PaymentType"] == "ACCRECPAYMENT"
    assert first["Invoice"]["InvoiceID"] == created["InvoiceID"]
    partly = api.invoice(created["InvoiceID"])
    assert (partly["AmountPaid"], partly["AmountDue"], partly["Status"]) == (60.0, 50.0, "AUTHORISED")
    second = pay(api, created["InvoiceID"], 50, Reference="rest").items("Payments")[0]
    paid = api.invoice(created["InvoiceID"])
    assert (paid["AmountDue"], paid["Status"]) == (0.0, "PAID")
    assert paid["FullyPaidOnDateString"] == "2024-03-10T00:00:00"
    assert [p["Amount"] for p in paid["Payments"]] == [60.0, 50.0]

    deleted = api.post(f"/Payments/{second['PaymentID']}", {"Status": "DELETED"}).items("Payments")[0]
    assert deleted["Status"] == "DELETED"
    restored = api.invoice(created["InvoiceID"])
    assert (restored["AmountDue"], restored["AmountPaid"], restored["Status"]) == (50.0, 60.0, "AUTHORISED")
    assert "FullyPaidOnDate" not in restored
    assert [p["PaymentID"] for p in restored["Payments"]] == [first["PaymentID"]]
    assert api.get(f"/Payments/{second['PaymentID']}").items("Payments")[0]["Status"] == "DELETED"


def test_payments_if_modified_since_lists_only_later_changes(api):
    """Xero filters /Payments on UpdatedDateUTC, strictly later than If-Modified-Since: a payment
    deleted after the mark comes back, with those made after it; older ones do not."""
    clock = api.org.clock
    created = api.create_invoice(Status="AUTHORISED", lines=[line(unit=100)])
    old = pay(api, created["InvoiceID"], 10).items("Payments")[0]
    changed = pay(api, created["InvoiceID"], 20).items("Payments")[0]
    clock.advance(60)
    mark = clock.utcnow()
    clock.advance(60)
    new = pay(api, created["InvoiceID"], 30).items("Payments")[0]
    api.post(f"/Payments/{changed['PaymentID']}", {"Status": "DELETED"})
    header = mark.strftime("%Y-%m-%dT%H:%M:%S")
    since = api.get("/Payments", {"page": 1}, headers={"If-Modified-Since": header}).items("Payments")
    assert sorted(p["PaymentID"] for p in since) == sorted([new["PaymentID"], changed["PaymentID"]])
    assert old["PaymentID"] in [p["PaymentID"] for p in api.get("/Payments", {"page": 1}).items("Payments")]
    later = (mark.replace(microsecond=0).timestamp() + 3600) * 1000
    assert api.get("/Payments", headers={"If-Modified-Since": f"/Date({later:.0f})/"}).items("Payments") == []


def test_payment_rules(api):
    approved = api.create_invoice(Status="AUTHORISED", lines=[line(unit=100)])
    draft = api.create_invoice(Status="DRAFT")
    assert pay(api, approved["InvoiceID"], 110.01).messages == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    assert pay(api, draft["InvoiceID"], 1).messages == [
        "Payments can only be made against Authorised documents"
    ]
    assert pay(api, approved["InvoiceID"], 1, account="200").messages == [
        "Account type is invalid for making a payment to/from"
    ]
    assert pay(api, approved["InvoiceID"], 0).messages == ["The payment amount must be greater than zero."]
    assert pay(api, approved["InvoiceID"], 10, account="880").status == 200  # payments enabled on 880
    by_number = api.put(
        "/Payments",
        {"Payments": [payment({"Invoice": {"InvoiceNumber": approved["InvoiceNumber"]}}, 5, "091")]},
    )
    assert by_number.items("Payments")[0]["Amount"] == 5.0
    account_id = next(a["AccountID"] for a in api.org.dump("Accounts") if a["Code"] == "090")
    by_account_id = api.put(
        "/Payments",
        {
            "Invoice": {"InvoiceID": approved["InvoiceID"]},
            "Account": {"AccountID": account_id},
            "Date": "2024-03-10",
            "Amount": 5,
        },
    )
    assert by_account_id.status == 200
    assert pay(api, approved["InvoiceID"], 100).status == 400  # only 90.00 left


def test_payments_list_filters(api):
    created = api.create_invoice(Status="AUTHORISED")
    pay(api, created["InvoiceID"], 10)
    listed = api.get("/Payments", {"where": f'Invoice.InvoiceID==Guid("{created["InvoiceID"]}")'}).items(
        "Payments"
    )
    assert [p["Amount"] for p in listed] == [10.0]
    assert api.get("/Payments", {"where": 'PaymentType=="ACCPAYPAYMENT"'}).items("Payments") == []


# --------------------------------------------------------------------------- credit notes


def credit_note(contact="Bayside Club", amount=30, **fields):
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"Name": contact},
        "Date": "2024-03-05",
        "Status": "AUTHORISED",
        "LineItems": [line(unit=amount)],
    }
    body.update(fields)
    return body


def test_credit_note_allocation(api):
    target = api.create_invoice(Status="AUTHORISED", lines=[line(unit=100)])  # 110.00
    note = api.put("/CreditNotes", {"CreditNotes": [credit_note()]}).items("CreditNotes")[0]
    assert note["CreditNoteNumber"].startswith("CN-") and note["RemainingCredit"] == 33.0
    allocation = api.put(
        f"/CreditNotes/{note['CreditNoteID']}/Allocations",
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": target["InvoiceID"]}, "Amount": 33, "Date": "2024-03-06"}
            ]
        },
    )
    assert allocation.items("Allocations")[0]["Amount"] == 33.0
    credited = api.invoice(target["InvoiceID"])
    assert (credited["AmountCredited"], credited["AmountDue"]) == (33.0, 77.0)
    assert credited["CreditNotes"][0]["CreditNoteID"] == note["CreditNoteID"]
    used = api.get(f"/CreditNotes/{note['CreditNoteID']}").items("CreditNotes")[0]
    assert (used["RemainingCredit"], used["Status"]) == (0.0, "PAID")
    assert used["Allocations"][0]["Invoice"]["InvoiceID"] == target["InvoiceID"]
    assert api.post(f"/Invoices/{target['InvoiceID']}", {"Invoices": [{"Reference": "x"}]}).messages == [
        "Invoice not of valid status for modification"
    ]


def test_credit_note_allocation_rules(api):
    target = api.create_invoice(Status="AUTHORISED", lines=[line(unit=10)])  # 11.00
    note = api.put("/CreditNotes", {"CreditNotes": [credit_note()]}).items("CreditNotes")[0]  # 33.00
    other = api.put("/CreditNotes", {"CreditNotes": [credit_note(contact="Boom FM")]}).items("CreditNotes")[0]

    def allocate(note_id, amount):
        return api.put(
            f"/CreditNotes/{note_id}/Allocations",
            {
                "Allocations": [
                    {"Invoice": {"InvoiceID": target["InvoiceID"]}, "Amount": amount, "Date": "2024-03-06"}
                ]
            },
        )

    assert allocate(note["CreditNoteID"], 12).messages == [
        "The amount being allocated (12.00) exceeds the amount due on the invoice (11.00)"
    ]
    assert allocate(other["CreditNoteID"], 5).messages == [
        "The credit and the invoice must belong to the same contact"
    ]
    assert allocate(note["CreditNoteID"], 11).status == 200
    assert api.invoice(target["InvoiceID"])["Status"] == "PAID"
    draft_note = api.put("/CreditNotes", {"CreditNotes": [credit_note(Status="DRAFT")]}).items("CreditNotes")[
        0
    ]
    assert (
        "Credit Note not of valid status for allocation" in allocate(draft_note["CreditNoteID"], 1).messages
    )


def test_credit_note_refund_payment(api):
    note = api.put("/CreditNotes", {"CreditNotes": [credit_note()]}).items("CreditNotes")[0]
    refund = api.put(
        "/Payments", {"Payments": [payment({"CreditNote": {"CreditNoteID": note["CreditNoteID"]}}, 33)]}
    )
    assert refund.items("Payments")[0]["PaymentType"] == "ARCREDITPAYMENT"
    assert api.get(f"/CreditNotes/{note['CreditNoteID']}").items("CreditNotes")[0]["Status"] == "PAID"


def test_overpayments_and_prepayments_are_listed_and_allocatable(api):
    overpayment = api.get("/Overpayments").items("Overpayments")[0]
    assert overpayment["Type"] == "RECEIVE-OVERPAYMENT" and overpayment["RemainingCredit"] == 100.0
    assert overpayment["Contact"]["Name"] == "Basket Case"
    prepayment = api.get("/Prepayments", {"page": 1}).items("Prepayments")[0]
    assert prepayment["Total"] == 550.0 and prepayment["TotalTax"] == 50.0
    target = api.create_invoice(contact="Basket Case", Status="AUTHORISED", lines=[line(unit=50)])  # 55.00
    reply = api.put(
        f"/Overpayments/{overpayment['OverpaymentID']}/Allocations",
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": target["InvoiceID"]}, "Amount": 55, "Date": "2024-03-10"}
            ]
        },
    )
    assert reply.status == 200
    after = api.get(f"/Overpayments/{overpayment['OverpaymentID']}").items("Overpayments")[0]
    assert after["RemainingCredit"] == 45.0 and len(after["Allocations"]) == 1
    paid = api.invoice(target["InvoiceID"])
    assert (paid["Status"], paid["AmountCredited"]) == ("PAID", 55.0)
    assert paid["Overpayments"][0]["OverpaymentID"] == overpayment["OverpaymentID"]


# --------------------------------------------------------------------------- manual journals


def journal(*amounts, **fields):
    codes = ["400", "090", "429", "880"]
    body = {
        "Narration": "Reclass",
        "Date": "2024-03-31",
        "Status": "POSTED",
        "JournalLines": [{"AccountCode": codes[n % 4], "LineAmount": a} for n, a in enumerate(amounts)],
    }
    body.update(fields)
    return body


def test_manual_journals_must_balance_and_have_a_narration(api):
    assert api.put("/ManualJournals", {"ManualJournals": [journal(100, -99.99)]}).messages == [
        "The total debits (100.00) must equal total credits (99.99)"
    ]
    assert api.put("/ManualJournals", {"ManualJournals": [journal(100, -100, Narration="")]}).messages == [
        "Narration must be specified"
    ]
    assert (
        "Account code '999' is not a valid code for this document."
        in api.put(
            "/ManualJournals",
            {
                "ManualJournals": [
                    {
                        **journal(1, -1),
                        "JournalLines": [
                            {"AccountCode": "999", "LineAmount": 1},
                            {"AccountCode": "090", "LineAmount": -1},
                        ],
                    }
                ]
            },
        ).messages
    )
    created = api.put("/ManualJournals", {"ManualJournals": [journal(100, -60, -40)]}).items(
        "ManualJournals"
    )[0]
    assert created["Status"] == "POSTED" and len(created["JournalLines"]) == 3
    voided = api.post(
        f"/ManualJournals/{created['ManualJournalID']}", {"ManualJournals": [{"Status": "VOIDED"}]}
    )
    assert voided.items("ManualJournals")[0]["Status"] == "VOIDED"
    assert api.post(
        f"/ManualJournals/{created['ManualJournalID']}", {"ManualJournals": [{"Narration": "again"}]}
    ).messages == ["Manual journal not of valid status for modification"]
