"""Invoices in the sandbox: Xero's arithmetic, validation rules, numbering, statuses and
summarizeErrors batches (Organisation.handle called directly)."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from accounting_support import Api, demo_org, invoice, line, payment


@pytest.fixture
def api():
    return Api(demo_org())


def D(value) -> Decimal:
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- arithmetic


def test_unitdp_controls_the_unit_amount_decimals(api):
    """20,000 x 0.12569: with unitdp=4 the unit keeps 4 decimals (0.1257) -> 2514.00; without
    unitdp it is rounded to 2 (0.13) -> 2600.00. 0.12569 has five decimals, so even unitdp=4
    rounds it: 2513.80 would need the unrounded unit (see the report)."""
    body = {"Invoices": [invoice(lines=[line(quantity=20000, unit=0.12569)])]}
    with4 = api.put("/Invoices", body, unitdp=4).items("Invoices")[0]["LineItems"][0]
    assert (with4["UnitAmount"], with4["LineAmount"]) == (0.1257, 2514.00)
    with2 = api.put("/Invoices", body).items("Invoices")[0]["LineItems"][0]
    assert (with2["UnitAmount"], with2["LineAmount"]) == (0.13, 2600.00)


def test_four_decimal_unit_amounts_survive_with_unitdp4(api):
    body = {"Invoices": [invoice(lines=[line(quantity=20000, unit=0.1256), line(quantity=25138, unit=0.1)])]}
    created = api.put("/Invoices", body, unitdp=4).items("Invoices")[0]
    assert [li["LineAmount"] for li in created["LineItems"]] == [2512.00, 2513.80]
    # Read back without unitdp, the unit amount is shown with 2 decimals; the line keeps its amount.
    shown = api.invoice(created["InvoiceID"])["LineItems"][0]
    assert (shown["UnitAmount"], shown["LineAmount"]) == (0.13, 2512.00)
    assert api.invoice(created["InvoiceID"], unitdp=4)["LineItems"][0]["UnitAmount"] == 0.1256


def test_line_amount_applies_discount_rate(api):
    created = api.create_invoice(lines=[line(quantity=3, unit=19.99, DiscountRate=12.5)])
    item = created["LineItems"][0]
    assert item["LineAmount"] == pytest.approx(52.47)  # 59.97 x 0.875 = 52.47375
    assert item["TaxAmount"] == pytest.approx(5.25)
    assert created["IsDiscounted"] is True


def test_tax_is_rounded_per_line_then_summed(api):
    exclusive = api.create_invoice(lines=[line(unit=0.05) for _ in range(3)])
    assert [li["TaxAmount"] for li in exclusive["LineItems"]] == [0.01, 0.01, 0.01]
    assert exclusive["TotalTax"] == pytest.approx(0.03)  # rounding the sum would give 0.02
    assert exclusive["SubTotal"] == pytest.approx(0.15)
    assert exclusive["Total"] == pytest.approx(0.18)

    inclusive = api.create_invoice(lines=[line(unit=0.05) for _ in range(5)], LineAmountTypes="Inclusive")
    assert inclusive["TotalTax"] == pytest.approx(0.00)  # 5 x round(0.05/11) vs round(0.25/11) = 0.02
    assert inclusive["Total"] == pytest.approx(0.25)
    assert inclusive["SubTotal"] == pytest.approx(0.25)

    inclusive = api.create_invoice(lines=[line(unit=110), line(unit=55.55)], LineAmountTypes="Inclusive")
    assert [li["TaxAmount"] for li in inclusive["LineItems"]] == [10.0, 5.05]
    assert inclusive["Total"] == pytest.approx(165.55)
    assert inclusive["SubTotal"] == pytest.approx(150.50)

    no_tax = api.create_invoice(
        lines=[line(unit=99.99, tax=None), line(unit=0.01, tax=None)], LineAmountTypes="NoTax"
    )
    assert no_tax["TotalTax"] == 0
    assert no_tax["Total"] == no_tax["SubTotal"] == pytest.approx(100.00)


def _expected(quantity, unit, discount, line_amount_types, unitdp, rate=Decimal(10)):
    unit = unit.quantize(Decimal(1).scaleb(-unitdp), rounding=ROUND_HALF_UP)
    amount = cents(quantity * unit * (100 - discount) / 100)
    if line_amount_types == "Exclusive":
        tax = cents(amount * rate / 100)
    elif line_amount_types == "Inclusive":
        tax = cents(amount * rate / (100 + rate))
    else:
        tax = Decimal(0)
    return amount, tax


def test_randomised_lines_match_an_independent_decimal_computation(api):
    rng = random.Random(20240315)
    checked = 0
    for batch in range(10):
        invoices, expectations = [], []
        for _ in range(5):
            line_amount_types = rng.choice(["Exclusive", "Inclusive", "NoTax"])
            unitdp = rng.choice([2, 4])
            lines, expected_lines = [], []
            for _ in range(10):
                quantity = D(rng.randint(1, 2_000_000)) / D(10 ** rng.randint(0, 4))
                unit = D(rng.randint(1, 50_000_000)) / D(10 ** rng.randint(0, 5))
                discount = D(rng.randint(0, 10_000)) / 100 if rng.random() < 0.3 else Decimal(0)
                raw = {
                    "Description": "x",
                    "Quantity": str(quantity),
                    "UnitAmount": str(unit),
                    "AccountCode": "200",
                }
                if line_amount_types != "NoTax":  # a taxed TaxType on NoTax is refused
                    raw["TaxType"] = "OUTPUT"
                if discount:
                    raw["DiscountRate"] = str(discount)
                lines.append(raw)
                expected_lines.append(_expected(quantity, unit, discount, line_amount_types, unitdp))
            invoices.append((invoice(lines=lines, LineAmountTypes=line_amount_types), unitdp))
            expectations.append((line_amount_types, expected_lines))
        for (body, unitdp), (line_amount_types, expected_lines) in zip(invoices, expectations, strict=True):
            created = api.put("/Invoices", {"Invoices": [body]}, unitdp=unitdp).items("Invoices")[0]
            for got, (amount, tax) in zip(created["LineItems"], expected_lines, strict=True):
                assert D(got["LineAmount"]) == amount, (batch, got)
                assert D(got["TaxAmount"]) == tax, (batch, got)
                checked += 1
            line_sum = sum((a for a, _ in expected_lines), Decimal(0))
            tax_sum = sum((t for _, t in expected_lines), Decimal(0))
            total = line_sum if line_amount_types == "Inclusive" else line_sum + tax_sum
            assert D(created["TotalTax"]) == tax_sum
            assert D(created["Total"]) == total
            assert D(created["AmountDue"]) == total
    assert checked == 500


def test_client_line_amount_must_agree(api):
    bad = api.put("/Invoices", {"Invoices": [invoice(lines=[line(quantity=2, unit=10, LineAmount=25)])]})
    assert bad.messages == ["The line total 25.00 does not match the expected line total 20.00"]
    good = api.put("/Invoices", {"Invoices": [invoice(lines=[line(quantity=2, unit=10, LineAmount=20)])]})
    assert good.status == 200


def test_line_amount_alone_derives_the_unit_amount(api):
    created = api.create_invoice(lines=[{"Description": "Fee", "LineAmount": 45.5, "AccountCode": "200"}])
    item = created["LineItems"][0]
    assert (item["Quantity"], item["UnitAmount"], item["LineAmount"]) == (1.0, 45.5, 45.5)
    assert item["TaxType"] == "OUTPUT"  # from the account's default tax type


def test_item_supplies_price_description_and_accounts(api):
    created = api.create_invoice(lines=[{"ItemCode": "BOOK", "Quantity": 2}])
    item = created["LineItems"][0]
    assert item["UnitAmount"] == 19.95 and item["AccountCode"] == "200" and item["TaxType"] == "OUTPUT"
    assert item["Description"] == "Paperback novel"
    assert item["Item"]["Code"] == "BOOK"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([{"ItemCode": "NO-ACCOUNTS", "Quantity": 1}], "Account code or ID must be specified"),
        ([line(account=None)], "Account code or ID must be specified"),
        ([line(account="260", tax=None)], "The TaxType field is mandatory"),
        (
            [line(tax="GST99")],
            "The TaxType code GST99 does not exist or cannot be used for this type of transaction.",
        ),
        (
            [line(tax="TAX001")],
            "The TaxType code TAX001 does not exist or cannot be used for this type of transaction.",
        ),
        ([line(tax="INPUT")], "The TaxType code INPUT cannot be used with account code 200."),
        ([line(account="999")], "Account code '999' is not a valid code for this document."),
        ([line(account="090")], "Account code '090' is not a valid code for this document."),
        ([line(account="469")], "Account code '469' is not a valid code for this document."),
        ([line(account="610")], "Account code '610' is not a valid code for this document."),
        ([{"ItemCode": "NOPE", "Quantity": 1, "AccountCode": "200"}], "Item code 'NOPE' is not valid"),
        (
            [line(Tracking=[{"Name": "Region", "Option": "Mars"}])],
            "The tracking option Mars does not exist or is not active for tracking category Region.",
        ),
        (
            [line(Tracking=[{"Name": "Region", "Option": "West"}])],
            "The tracking option West does not exist or is not active for tracking category Region.",
        ),
        (
            [line(Tracking=[{"Name": "Project", "Option": "Apollo"}])],
            "The tracking category Project does not exist or is not active.",
        ),
    ],
)
def test_line_validation_messages(api, lines, message):
    reply = api.put("/Invoices", {"Invoices": [invoice(lines=lines)]})
    assert message in reply.messages


def test_item_without_purchase_account_needs_an_account_on_bills(api):
    bill = invoice(Type="ACCPAY", contact="PowerDirect", lines=[{"ItemCode": "CONSULT-HR", "Quantity": 1}])
    assert api.put("/Invoices", {"Invoices": [bill]}).messages == ["Account code or ID must be specified"]
    bill["LineItems"][0]["AccountCode"] = "429"
    created = api.put("/Invoices", {"Invoices": [bill]}).items("Invoices")[0]
    assert created["LineItems"][0]["TaxType"] == "INPUT"  # from account 429
    sale = invoice(lines=[{"ItemCode": "CONSULT-HR", "Quantity": 1}])
    assert api.put("/Invoices", {"Invoices": [sale]}).status == 200


def test_a_taxed_tax_type_without_tax_amount_gets_xero_s_tax(api):
    """Xero computes the tax of a line from its TaxType when no TaxAmount comes with it, and a
    line without TaxType takes its account's default: an untaxed Odoo line sent as GST on
    Income (or without TaxType on account 200) costs the customer 10 % more in Xero."""
    sent = api.create_invoice(
        lines=[
            line(unit=150, TaxAmount=15),
            line(unit=22),  # the default taxed rate, no TaxAmount: Xero adds GST
            line(unit=22, tax=None),  # no TaxType: account 200's default, GST on Income
            line(unit=22, tax="BASEXCLUDED"),
            line(unit=22, tax="EXEMPTOUTPUT"),
        ]
    )
    assert [li["TaxAmount"] for li in sent["LineItems"]] == [15.0, 2.2, 2.2, 0.0, 0.0]
    assert sent["TotalTax"] == pytest.approx(19.40)
    assert sent["Total"] == pytest.approx(257.40)


def test_xero_s_real_tax_rates_per_country():
    """The demo organisations carry the rates a new Xero organisation of their country has,
    with ReportTaxType and CanApplyTo flags as Xero returns them."""
    for country, expected in (
        (
            "AU",
            {"OUTPUT", "INPUT", "CAPEXINPUT", "EXEMPTOUTPUT", "EXEMPTEXPENSES", "INPUTTAXED", "BASEXCLUDED"},
        ),
        ("NZ", {"OUTPUT2", "INPUT2", "ZERORATED", "NONE", "GSTONIMPORTS"}),
        ("GB", {"OUTPUT2", "INPUT2", "RROUTPUT", "ZERORATEDOUTPUT", "EXEMPTOUTPUT", "NONE", "DRCHARGE20"}),
    ):
        rates = {
            r["TaxType"]: r for r in Api(demo_org(country_code=country)).get("/TaxRates").items("TaxRates")
        }
        assert expected <= set(rates), country
        income = rates["OUTPUT" if country == "AU" else "OUTPUT2"]
        assert (income["CanApplyToRevenue"], income["CanApplyToExpenses"]) == (True, False)
        expenses = rates["INPUT" if country == "AU" else "INPUT2"]
        assert (expenses["CanApplyToRevenue"], expenses["CanApplyToExpenses"]) == (False, True)
    nz = {r["TaxType"]: r for r in Api(demo_org(country_code="NZ")).get("/TaxRates").items("TaxRates")}
    assert (nz["ZERORATED"]["ReportTaxType"], nz["ZERORATED"]["EffectiveRate"]) == ("OUTPUT", 0)
    assert nz["GSTONIMPORTS"]["CanApplyToLiabilities"] and not nz["GSTONIMPORTS"]["CanApplyToExpenses"]


def test_no_tax_lines_need_no_tax_type(api):
    created = api.create_invoice(lines=[line(account="260", tax=None)], LineAmountTypes="NoTax")
    assert created["TotalTax"] == 0


def test_tracking_is_resolved_by_name(api):
    created = api.create_invoice(
        lines=[
            line(Tracking=[{"Name": "region", "Option": "north"}, {"Name": "Department", "Option": "Ops"}])
        ]
    )
    tracking = created["LineItems"][0]["Tracking"]
    assert [(t["Name"], t["Option"]) for t in tracking] == [("Region", "North"), ("Department", "Ops")]
    assert all(t["TrackingCategoryID"] and t["TrackingOptionID"] for t in tracking)


def test_currency_must_be_subscribed(api):
    reply = api.put("/Invoices", {"Invoices": [invoice(CurrencyCode="JPY")]})
    assert reply.messages == ["Organisation is not subscribed to currency JPY"]
    assert api.put("/Currencies", {"Code": "JPY"}).items("Currencies") == [
        {"Code": "JPY", "Description": "Japanese Yen"}
    ]
    created = api.create_invoice(CurrencyCode="JPY")
    assert created["CurrencyCode"] == "JPY" and created["CurrencyRate"] > 1
    usd = api.create_invoice(CurrencyCode="USD", CurrencyRate=0.655)
    assert usd["CurrencyRate"] == pytest.approx(0.655)


def test_contact_is_required_and_must_not_be_archived(api):
    body = invoice()
    del body["Contact"]
    assert api.put("/Invoices", {"Invoices": [body]}).messages == [
        "A Contact must be specified for this type of transaction"
    ]
    assert api.put("/Invoices", {"Invoices": [invoice(contact="Old Partner Pty Ltd")]}).messages == [
        "The contact with the specified contact details has been archived. The contact must be "
        "un-archived before creating new invoices or credit notes."
    ]
    unknown_id = invoice()
    unknown_id["Contact"] = {"ContactID": "11111111-2222-3333-4444-555555555555"}
    assert api.put("/Invoices", {"Invoices": [unknown_id]}).messages == [
        "The contact with the specified ContactID could not be found"
    ]


def test_an_unknown_contact_name_creates_the_contact(api):
    created = api.create_invoice(contact="Brand New Customer Pty")
    contact = api.get(f"/Contacts/{created['Contact']['ContactID']}").items("Contacts")[0]
    assert contact["Name"] == "Brand New Customer Pty"
    assert contact["IsCustomer"] is True


def test_due_date_is_required_to_approve_unless_terms_supply_it(api):
    body = invoice(contact="Basket Case", Status="AUTHORISED")
    del body["DueDate"]
    assert api.put("/Invoices", {"Invoices": [body]}).messages == [
        "The document DueDate field must be specified."
    ]
    body["Status"] = "DRAFT"
    assert api.put("/Invoices", {"Invoices": [body]}).status == 200
    with_terms = invoice(contact="Bayside Club", Status="AUTHORISED")  # 14 days after invoice date
    del with_terms["DueDate"]
    created = api.put("/Invoices", {"Invoices": [with_terms]}).items("Invoices")[0]
    assert created["DueDateString"] == "2024-03-15T00:00:00"


def test_dates_come_back_in_microsoft_json_form(api):
    created = api.create_invoice(Date="2023-11-14T00:00:00", DueDate="/Date(1701907200000+0000)/")
    assert created["Date"] == "/Date(1699920000000+0000)/"
    assert created["DateString"] == "2023-11-14T00:00:00"
    assert created["DueDateString"] == "2023-12-07T00:00:00"
    assert created["UpdatedDateUTC"].startswith("/Date(171049")


# --------------------------------------------------------------------------- numbering


def test_sales_invoice_numbers_are_generated_and_unique(api):
    first = api.create_invoice()
    second = api.create_invoice()
    assert first["InvoiceNumber"].startswith("INV-")
    assert int(second["InvoiceNumber"][4:]) == int(first["InvoiceNumber"][4:]) + 1
    assert api.put("/Invoices", {"Invoices": [invoice(InvoiceNumber=first["InvoiceNumber"])]}).messages == [
        "Invoice # must be unique."
    ]
    batch = api.put(
        "/Invoices",
        {"Invoices": [invoice(InvoiceNumber="X-1"), invoice(InvoiceNumber="x-1")]},
        summarizeErrors="false",
    ).items("Invoices")
    assert [i["StatusAttributeString"] for i in batch] == ["OK", "ERROR"]
    taken = api.create_invoice(InvoiceNumber=f"INV-{int(second['InvoiceNumber'][4:]) + 1:04d}")
    assert api.create_invoice()["InvoiceNumber"] == f"INV-{int(taken['InvoiceNumber'][4:]) + 1:04d}"


def test_a_deleted_draft_frees_its_number_a_voided_invoice_keeps_it(api):
    draft = api.create_invoice(InvoiceNumber="ODOO-7")
    api.post(
        f"/Invoices/{draft['InvoiceID']}",
        {"Invoices": [{"InvoiceID": draft["InvoiceID"], "Status": "DELETED"}]},
    )
    again = api.create_invoice(InvoiceNumber="ODOO-7")
    assert again["InvoiceID"] != draft["InvoiceID"]
    approved = api.create_invoice(InvoiceNumber="ODOO-8", Status="AUTHORISED", DueDate="2024-02-01")
    api.post(
        f"/Invoices/{approved['InvoiceID']}",
        {"Invoices": [{"InvoiceID": approved["InvoiceID"], "Status": "VOIDED"}]},
    )
    assert api.put("/Invoices", {"Invoices": [invoice(InvoiceNumber="ODOO-8")]}).messages == [
        "Invoice # must be unique."
    ]


def test_bill_numbers_may_repeat(api):
    bill = invoice(
        Type="ACCPAY", contact="PowerDirect", InvoiceNumber="SUP-1", lines=[line(account="429", tax="INPUT")]
    )
    assert api.put("/Invoices", {"Invoices": [bill, bill]}).status == 200


def test_post_with_an_existing_number_updates_that_invoice(api):
    created = api.create_invoice(InvoiceNumber="UPD-1", Reference="first")
    updated = api.post(
        "/Invoices", {"Invoices": [{"Type": "ACCREC", "InvoiceNumber": "UPD-1", "Reference": "second"}]}
    ).items("Invoices")[0]
    assert updated["InvoiceID"] == created["InvoiceID"]
    assert updated["Reference"] == "second"


# --------------------------------------------------------------------------- summarizeErrors


def _batch():
    bodies = [invoice(Reference=f"batch-{n}") for n in range(50)]
    for n in (5, 17, 42):
        bodies[n]["LineItems"] = [line(account="999")]
    return bodies


def test_summarize_errors_default_rejects_the_whole_batch(api):
    before = len(api.org.dump("Invoices"))
    reply = api.put("/Invoices", {"Invoices": _batch()})
    assert reply.status == 400
    assert reply.body["ErrorNumber"] == 10
    assert reply.body["Type"] == "ValidationException"
    assert reply.body["Message"] == "A validation exception occurred"
    assert len(reply.body["Elements"]) == 3
    assert {e["Reference"] for e in reply.body["Elements"]} == {"batch-5", "batch-17", "batch-42"}
    assert len(api.org.dump("Invoices")) == before
    assert api.org.events == []


def test_summarize_errors_false_saves_the_valid_elements(api):
    before = len(api.org.dump("Invoices"))
    reply = api.put("/Invoices", {"Invoices": _batch()}, summarizeErrors="false")
    elements = reply.items("Invoices")
    assert len(elements) == 50
    failed = [e for e in elements if e["StatusAttributeString"] == "ERROR"]
    assert [e["Reference"] for e in failed] == ["batch-5", "batch-17", "batch-42"]
    assert all(e["HasErrors"] and e["ValidationErrors"] for e in failed)
    assert all(e["InvoiceID"] == "00000000-0000-0000-0000-000000000000" for e in failed)
    assert sum(e["StatusAttributeString"] == "OK" for e in elements) == 47
    assert len(api.org.dump("Invoices")) == before + 47
    assert len([e for e in api.org.events if e["eventCategory"] == "INVOICE"]) == 47


def test_a_single_object_body_is_accepted(api):
    assert api.put("/Invoices", invoice()).items("Invoices")[0]["StatusAttributeString"] == "OK"


def test_unparseable_json_is_post_data_invalid(api):
    reply = api.call("PUT", "/Invoices", b'{"Invoices": [')
    assert reply.status == 400
    assert (reply.body["ErrorNumber"], reply.body["Type"]) == (14, "PostDataInvalidException")


# --------------------------------------------------------------------------- statuses


def test_status_transitions(api):
    created = api.create_invoice(Status="DRAFT")
    invoice_id = created["InvoiceID"]
    for status in ("SUBMITTED", "AUTHORISED"):
        reply = api.post(f"/Invoices/{invoice_id}", {"Invoices": [{"Status": status}]})
        assert reply.items("Invoices")[0]["Status"] == status
    assert api.post(f"/Invoices/{invoice_id}", {"Invoices": [{"Status": "DELETED"}]}).messages == [
        "Invoice not of valid status for modification"
    ]
    edited = api.post(
        "/Invoices",
        {"Invoices": [{"InvoiceID": invoice_id, "Reference": "edited", "LineItems": [line(unit=200)]}]},
    ).items("Invoices")[0]
    assert (edited["Reference"], edited["Total"]) == ("edited", 220.0)
    voided = api.post(f"/Invoices/{invoice_id}", {"Invoices": [{"Status": "VOIDED"}]}).items("Invoices")[0]
    assert (voided["Status"], voided["AmountDue"]) == ("VOIDED", 0)
    assert api.post(f"/Invoices/{invoice_id}", {"Invoices": [{"Reference": "again"}]}).messages == [
        "Invoice not of valid status for modification"
    ]

    draft = api.create_invoice(Status="DRAFT")
    deleted = api.post(f"/Invoices/{draft['InvoiceID']}", {"Invoices": [{"Status": "DELETED"}]})
    assert deleted.items("Invoices")[0]["Status"] == "DELETED"


def test_invoice_with_a_payment_cannot_be_modified(api):
    created = api.create_invoice(Status="AUTHORISED")
    api.put("/Payments", {"Payments": [payment({"Invoice": {"InvoiceID": created["InvoiceID"]}}, 10)]})
    for change in ({"Reference": "nope"}, {"Status": "VOIDED"}, {"LineItems": [line(unit=5)]}):
        reply = api.post(f"/Invoices/{created['InvoiceID']}", {"Invoices": [change]})
        assert reply.messages == ["Invoice not of valid status for modification"]


def test_updating_lines_recomputes_totals_and_keeps_line_ids(api):
    created = api.create_invoice(lines=[line(unit=100), line(unit=50)])
    first_id = created["LineItems"][0]["LineItemID"]
    updated = api.post(
        f"/Invoices/{created['InvoiceID']}",
        {"Invoices": [{"LineItems": [{**line(unit=300), "LineItemID": first_id}]}]},
    ).items("Invoices")[0]
    assert [li["LineItemID"] for li in updated["LineItems"]] == [first_id]
    assert updated["Total"] == 330.0
    switched = api.post(f"/Invoices/{created['InvoiceID']}", {"Invoices": [{"LineAmountTypes": "Inclusive"}]})
    assert switched.items("Invoices")[0]["Total"] == 300.0


def test_unknown_invoice_id_is_404_in_the_path_and_an_error_in_the_body(api):
    assert api.get("/Invoices/11111111-2222-3333-4444-555555555555").status == 404
    reply = api.post(
        "/Invoices", {"Invoices": [{"InvoiceID": "11111111-2222-3333-4444-555555555555", "Reference": "x"}]}
    )
    assert reply.messages == ["An existing Invoice with the specified InvoiceID could not be found"]


# --------------------------------------------------------------------------- online invoice, attachments


def test_online_invoice_only_for_approved_sales_invoices(api):
    approved = api.create_invoice(Status="AUTHORISED")
    url = api.get(f"/Invoices/{approved['InvoiceID']}/OnlineInvoice").items("OnlineInvoices")[0]
    assert url["OnlineInvoiceUrl"].startswith("https://in.xero.com/")
    draft = api.create_invoice(Status="DRAFT")
    assert api.get(f"/Invoices/{draft['InvoiceID']}/OnlineInvoice").status == 400
    bill = api.create_invoice(
        Type="ACCPAY", contact="PowerDirect", Status="AUTHORISED", lines=[line(account="429", tax="INPUT")]
    )
    assert api.get(f"/Invoices/{bill['InvoiceID']}/OnlineInvoice").status == 400


def test_attachments_upload_list_and_download(api):
    created = api.create_invoice()
    content = b"%PDF-1.4 fake receipt"
    reply = api.call(
        "PUT",
        f"/Invoices/{created['InvoiceID']}/Attachments/receipt.pdf",
        content,
        query={"IncludeOnline": "true"},
        headers={"Content-Type": "application/pdf"},
    )
    attachment = reply.items("Attachments")[0]
    assert attachment["FileName"] == "receipt.pdf"
    assert attachment["ContentLength"] == len(content)
    assert attachment["MimeType"] == "application/pdf"
    assert attachment["IncludeOnline"] is True
    listing = api.get(f"/Invoices/{created['InvoiceID']}/Attachments").items("Attachments")
    assert [a["FileName"] for a in listing] == ["receipt.pdf"]
    download = api.get(f"/Invoices/{created['InvoiceID']}/Attachments/receipt.pdf")
    assert download.body == content and download.headers["Content-Type"] == "application/pdf"
    assert api.invoice(created["InvoiceID"])["HasAttachments"] is True
    by_id = api.get(f"/Invoices/{created['InvoiceID']}/Attachments/{attachment['AttachmentID']}")
    assert by_id.body == content


def test_invoice_pdf(api):
    created = api.create_invoice()
    reply = api.call("GET", f"/Invoices/{created['InvoiceID']}", headers={"Accept": "application/pdf"})
    assert reply.body.startswith(b"%PDF")


# --------------------------------------------------------------------------- purchase orders


def test_purchase_orders(api):
    order = {
        "Contact": {"Name": "ABC Furniture"},
        "Date": "2024-03-01",
        "DeliveryDate": "2024-03-20",
        "LineItems": [
            {"ItemCode": "STOCK-CHAIR", "Quantity": 2},
            {"Description": "Delivery", "Quantity": 1, "UnitAmount": 50},
        ],
    }
    created = api.put("/PurchaseOrders", {"PurchaseOrders": [order]}).items("PurchaseOrders")[0]
    assert created["PurchaseOrderNumber"].startswith("PO-")
    assert created["Status"] == "DRAFT"
    assert created["SubTotal"] == 290.0 and created["TotalTax"] == 24.0
    assert created["DeliveryDateString"] == "2024-03-20T00:00:00"
    approved = api.post(
        f"/PurchaseOrders/{created['PurchaseOrderID']}", {"PurchaseOrders": [{"Status": "AUTHORISED"}]}
    ).items("PurchaseOrders")[0]
    assert approved["Status"] == "AUTHORISED"
    by_number = api.get(f"/PurchaseOrders/{created['PurchaseOrderNumber']}").items("PurchaseOrders")
    assert by_number[0]["PurchaseOrderID"] == created["PurchaseOrderID"]
    assert [
        p["PurchaseOrderID"] for p in api.get("/PurchaseOrders", {"Status": "DRAFT"}).items("PurchaseOrders")
    ] == []
