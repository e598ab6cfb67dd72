"""What the variance report relies on when it reads a period from Xero: a date-range ``where``
on /Invoices and /CreditNotes, pages of up to 1,000, ``summaryOnly=true`` on /Invoices (lines
and payment detail left out, totals kept), voided and deleted documents still listed, and the
``IDs`` filter for documents whose date moved out of the period."""

from accounting_support import Api, demo_org, line

PERIOD = "Date>=DateTime(2031,03,01) AND Date<=DateTime(2031,03,31)"


def credit_note(api, day):
    """A draft sales credit note of one line dated ``day``, as Xero answered it."""
    return api.put(
        "/CreditNotes",
        {
            "CreditNotes": [
                {
                    "Type": "ACCRECCREDIT",
                    "Contact": {"Name": "Bayside Club"},
                    "Date": day,
                    "LineItems": [line()],
                }
            ]
        },
    ).items("CreditNotes")[0]


def test_date_range_where_on_invoices_and_credit_notes():
    api = Api(demo_org())
    inside = api.create_invoice(Date="2031-03-31", InvoiceNumber="V-1")
    api.create_invoice(Date="2031-04-01", InvoiceNumber="V-2")
    api.create_invoice(Date="2031-02-28", InvoiceNumber="V-3")
    credit = credit_note(api, "2031-03-15")
    credit_note(api, "2031-04-15")
    invoices = api.get("/Invoices", {"where": f'Type=="ACCREC" AND {PERIOD}', "page": 1}).items("Invoices")
    assert [i["InvoiceID"] for i in invoices] == [inside["InvoiceID"]]
    credits = api.get("/CreditNotes", {"where": f'Type=="ACCRECCREDIT" AND {PERIOD}', "page": 1})
    assert [c["CreditNoteID"] for c in credits.items("CreditNotes")] == [credit["CreditNoteID"]]


def test_summary_only_leaves_out_lines_and_payments_but_keeps_totals():
    api = Api(demo_org())
    made = api.create_invoice(
        Date="2031-03-10", Status="AUTHORISED", lines=[line(quantity=3, unit=12.5), line(unit=7)]
    )
    full = api.get("/Invoices", {"where": PERIOD, "page": 1}).items("Invoices")[0]
    summary = api.get("/Invoices", {"where": PERIOD, "page": 1, "summaryOnly": "true"}).items("Invoices")[0]
    assert "LineItems" in full and "Payments" in full
    for left_out in ("LineItems", "Payments", "CreditNotes", "Prepayments", "Overpayments"):
        assert left_out not in summary, left_out
    for kept in (
        "InvoiceID",
        "InvoiceNumber",
        "Type",
        "Status",
        "Date",
        "CurrencyCode",
        "Total",
        "AmountDue",
    ):
        assert summary[kept] == full[kept], kept
    assert summary["Contact"] == {"ContactID": made["Contact"]["ContactID"], "Name": "Bayside Club"}
    assert summary["Total"] == 48.95  # (3 × 12.50 + 7) + 10% GST
    # A summary is smaller on the wire: what Xero now bills as egress.
    assert len(str(summary)) < len(str(full))


def test_pages_of_1000_with_the_page_count():
    api = Api(demo_org())
    api.put(
        "/Invoices",
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"Name": "Bayside Club"},
                    "Date": "2031-03-05",
                    "LineItems": [line()],
                }
                for _ in range(1001)
            ]
        },
    )
    first = api.get("/Invoices", {"where": PERIOD, "page": 1, "pageSize": 1000, "summaryOnly": "true"})
    second = api.get("/Invoices", {"where": PERIOD, "page": 2, "pageSize": 1000, "summaryOnly": "true"})
    assert len(first.items("Invoices")) == 1000 and len(second.items("Invoices")) == 1
    assert first.body["pagination"]["pageCount"] == 2


def test_voided_and_deleted_documents_stay_listed_and_ids_find_moved_ones():
    api = Api(demo_org())
    voided = api.create_invoice(Date="2031-03-03", Status="AUTHORISED")
    deleted = api.create_invoice(Date="2031-03-04")
    moved = api.create_invoice(Date="2031-03-05")
    api.post(f"/Invoices/{voided['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]})
    api.post(f"/Invoices/{deleted['InvoiceID']}", {"Invoices": [{"Status": "DELETED"}]})
    api.post(
        f"/Invoices/{moved['InvoiceID']}", {"Invoices": [{"Date": "2031-05-05", "DueDate": "2031-06-01"}]}
    )
    listed = {
        i["InvoiceID"]: i["Status"]
        for i in api.get("/Invoices", {"where": PERIOD, "page": 1, "summaryOnly": "true"}).items("Invoices")
    }
    assert listed == {voided["InvoiceID"]: "VOIDED", deleted["InvoiceID"]: "DELETED"}
    found = api.get("/Invoices", {"IDs": moved["InvoiceID"], "page": 1, "summaryOnly": "true"}).items(
        "Invoices"
    )
    assert [(i["InvoiceID"], i["DateString"][:10]) for i in found] == [(moved["InvoiceID"], "2031-05-05")]


def test_summary_only_through_http_passes_the_contract(sb, api):
    answer = api(
        "GET", "/Invoices", params={"where": PERIOD, "page": 1, "pageSize": 1000, "summaryOnly": "true"}
    )
    assert answer.status_code == 200, answer.text
    assert sb.violations() == []


def test_contact_balances_by_id_and_in_pages_not_in_unpaged_lists():
    api = Api(demo_org())
    contact = api.contact_id("Bayside Club")
    api.create_invoice(Status="AUTHORISED", Date="2024-03-01", DueDate="2024-03-10", lines=[line(unit=100)])
    api.create_invoice(Status="AUTHORISED", Date="2031-03-01", DueDate="2031-03-31", lines=[line(unit=50)])
    api.create_invoice(Status="DRAFT", lines=[line(unit=1000)])  # drafts owe nothing
    api.put(
        "/CreditNotes",
        {
            "CreditNotes": [
                {
                    "Type": "ACCRECCREDIT",
                    "Contact": {"ContactID": contact},
                    "Date": "2024-03-02",
                    "Status": "AUTHORISED",
                    "LineItems": [line(unit=10)],
                }
            ]
        },
    )
    one = api.get(f"/Contacts/{contact}").items("Contacts")[0]["Balances"]
    # 110 + 55 due, less 11 of credit; only the first is past due on the sandbox's clock (2024-03-15).
    assert one["AccountsReceivable"] == {"Outstanding": 154.0, "Overdue": 110.0}
    assert one["AccountsPayable"] == {"Outstanding": 0.0, "Overdue": 0.0}
    paged = api.get("/Contacts", {"IDs": contact, "page": 1}).items("Contacts")[0]
    assert paged["Balances"] == one
    assert "Balances" not in api.get("/Contacts", {"IDs": contact}).items("Contacts")[0]
