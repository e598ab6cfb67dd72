"""Seed data: organisations that look like Xero's demo companies.

Every organisation gets a chart of accounts, tax rates for its country, currencies, tracking
categories, items, a dozen contacts and a few documents. Seeded records get ids derived from the
tenant id (``Organisation.seeding``), and the demo organisations have fixed tenant ids, so an
Odoo database linked to the sandbox stays linked after the sandbox restarts.

The data deliberately contains the awkward cases the connector must handle: two 10% purchase
tax rates (GST on Expenses / GST on Capital: ambiguous mapping), an archived tax rate, an
archived account, an account without a default tax type, an item without a purchase account, an
inactive tracking category, an archived contact and a contact in another currency.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from .accounting import Organisation

DEMO_ORGANISATIONS = (
    # (tenant id, name, short code, base currency, country)
    ("6f8a3b2c-1d4e-4f5a-9b6c-7d8e9f0a1b2c", "Demo Company (AU)", "!dmAU1", "AUD", "AU"),
    ("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "Demo Company (NZ)", "!dmNZ1", "NZD", "NZ"),
    ("3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d", "Demo Company (UK)", "!dmUK1", "GBP", "GB"),
    # past Xero's high-volume threshold on every paged endpoint (see high_volume.py)
    ("5e2c9a41-7b3d-4e8f-a16c-3d4e5f6a7b8c", "Demo Company (Large)", "!dmLG1", "AUD", "AU"),
)
LARGE_DEMO_ORGANISATIONS = ("!dmLG1",)

# --------------------------------------------------------------------------- tax rates


def _applies_to(*, revenue: bool, expenses: bool, assets: bool = True, equity: bool = True) -> dict:
    """A tax rate's CanApplyTo... flags as Xero returns them (its published examples): sales
    rates stay off expense accounts and vice versa; every rate may sit on a liability."""
    return {
        "CanApplyToAssets": assets,
        "CanApplyToEquity": equity,
        "CanApplyToLiabilities": True,
        "CanApplyToRevenue": revenue,
        "CanApplyToExpenses": expenses,
    }


FLAGS_SALES = _applies_to(revenue=True, expenses=False)
FLAGS_PURCHASES = _applies_to(revenue=False, expenses=True)
FLAGS_ANY = _applies_to(revenue=True, expenses=True)
# Xero's "Zero Rated" (NZ) and "GST on Imports": revenue / liabilities only.
FLAGS_ZERO_RATED_NZ = _applies_to(revenue=True, expenses=False, assets=False, equity=False)
FLAGS_IMPORTS = _applies_to(revenue=False, expenses=False, assets=False, equity=False)

# (TaxType, Name, rate, ReportTaxType, flags, Status): the rates a new Xero organisation of
# that country starts with (plus one archived rate).
AU_TAX_RATES = (
    ("OUTPUT", "GST on Income", "10", "OUTPUT", FLAGS_SALES, "ACTIVE"),
    ("INPUT", "GST on Expenses", "10", "INPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("CAPEXINPUT", "GST on Capital", "10", "CAPITALEXINPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("EXEMPTOUTPUT", "GST Free Income", "0", "EXEMPTOUTPUT", FLAGS_SALES, "ACTIVE"),
    ("EXEMPTEXPENSES", "GST Free Expenses", "0", "EXEMPTEXPENSES", FLAGS_PURCHASES, "ACTIVE"),
    ("EXEMPTCAPITAL", "GST Free Capital", "0", "EXEMPTCAPITAL", FLAGS_PURCHASES, "ACTIVE"),
    ("EXEMPTEXPORT", "GST Free Exports", "0", "EXEMPTEXPORT", FLAGS_SALES, "ACTIVE"),
    ("INPUTTAXED", "Input Taxed", "0", "INPUTTAXED", FLAGS_ANY, "ACTIVE"),
    ("BASEXCLUDED", "BAS Excluded", "0", "BASEXCLUDED", FLAGS_ANY, "ACTIVE"),
    ("GSTONIMPORTS", "GST on Imports", "0", "GSTONIMPORTS", FLAGS_IMPORTS, "ACTIVE"),
    ("TAX001", "Luxury Car Tax (retired)", "33", "OUTPUT", FLAGS_SALES, "ARCHIVED"),
)
NZ_TAX_RATES = (
    ("OUTPUT2", "15% GST on Income", "15", "OUTPUT", FLAGS_SALES, "ACTIVE"),
    ("INPUT2", "15% GST on Expenses", "15", "INPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("TAX002", "15% GST on Capital Purchases", "15", "INPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("ZERORATED", "Zero Rated", "0", "OUTPUT", FLAGS_ZERO_RATED_NZ, "ACTIVE"),
    ("NONE", "No GST", "0", "NONE", FLAGS_ANY, "ACTIVE"),
    ("GSTONIMPORTS", "GST on Imports", "0", "GSTONIMPORTS", FLAGS_IMPORTS, "ACTIVE"),
    ("TAX001", "GST 12.5% (retired)", "12.5", "OUTPUT", FLAGS_SALES, "ARCHIVED"),
)
UK_TAX_RATES = (
    ("OUTPUT2", "20% (VAT on Income)", "20", "OUTPUT", FLAGS_SALES, "ACTIVE"),
    ("INPUT2", "20% (VAT on Expenses)", "20", "INPUT", FLAGS_PURCHASES, "ACTIVE"),
    (
        "CAPEXINPUT2",
        "20% (VAT on Capital Purchases)",
        "20",
        "CAPITALEXPENSESINPUT",
        FLAGS_PURCHASES,
        "ACTIVE",
    ),
    ("RROUTPUT", "5% (VAT on Income)", "5", "OUTPUT", FLAGS_SALES, "ACTIVE"),
    ("RRINPUT", "5% (VAT on Expenses)", "5", "INPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("ZERORATEDOUTPUT", "Zero Rated Income", "0", "ZERORATEDOUTPUT", FLAGS_SALES, "ACTIVE"),
    ("ZERORATEDINPUT", "Zero Rated Expenses", "0", "ZERORATEDINPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("EXEMPTOUTPUT", "Exempt Income", "0", "EXEMPTOUTPUT", FLAGS_SALES, "ACTIVE"),
    ("EXEMPTINPUT", "Exempt Expenses", "0", "EXEMPTINPUT", FLAGS_PURCHASES, "ACTIVE"),
    ("NONE", "No VAT", "0", "NONE", FLAGS_ANY, "ACTIVE"),
    ("ECZROUTPUT", "Zero Rated EC Goods Income", "0", "ECOUTPUT", FLAGS_SALES, "ACTIVE"),
    (
        "DRCHARGESUPPLY20",
        "Domestic Reverse Charge @ 20% (VAT on Income)",
        "0",
        "DRCHARGESUPPLY",
        FLAGS_SALES,
        "ACTIVE",
    ),
    (
        "DRCHARGE20",
        "Domestic Reverse Charge @ 20% (VAT on Expenses)",
        "20",
        "DRCHARGE",
        FLAGS_PURCHASES,
        "ACTIVE",
    ),
    ("REVERSECHARGES", "Reverse Charge Expenses (20%)", "20", "REVERSECHARGES", FLAGS_PURCHASES, "ACTIVE"),
    ("TAX001", "17.5% (retired)", "17.5", "OUTPUT", FLAGS_SALES, "ARCHIVED"),
)
TAX_RATES = {"AU": AU_TAX_RATES, "NZ": NZ_TAX_RATES, "GB": UK_TAX_RATES}
# The role each tax type plays below, per country.
TAX_ROLES = {
    "AU": {
        "sales": "OUTPUT",
        "purchases": "INPUT",
        "capital": "CAPEXINPUT",
        "exempt_sales": "EXEMPTOUTPUT",
        "exempt_purchases": "EXEMPTEXPENSES",
        "none": "BASEXCLUDED",
    },
    "NZ": {
        "sales": "OUTPUT2",
        "purchases": "INPUT2",
        "capital": "TAX002",
        "exempt_sales": "ZERORATED",
        "exempt_purchases": "NONE",
        "none": "NONE",
    },
    "GB": {
        "sales": "OUTPUT2",
        "purchases": "INPUT2",
        "capital": "CAPEXINPUT2",
        "exempt_sales": "EXEMPTOUTPUT",
        "exempt_purchases": "EXEMPTINPUT",
        "none": "NONE",
    },
}


def country_of(country_code: str) -> str:
    """The tax set an organisation gets: its country's, Australia's for the others."""
    code = "GB" if country_code in ("GB", "UK") else country_code
    return code if code in TAX_RATES else "AU"


# --------------------------------------------------------------------------- accounts

# (Code, Name, Type, tax role or None, extra fields)
ACCOUNTS = (
    ("090", "Business Bank Account", "BANK", "none", {"BankAccountNumber": "062-000 1234 5678"}),
    ("091", "Business Savings Account", "BANK", "none", {"BankAccountNumber": "062-000 8765 4321"}),
    ("200", "Sales", "REVENUE", "sales", {}),
    ("260", "Other Revenue", "REVENUE", None, {"Description": "No default tax type: lines must name one"}),
    ("270", "Interest Income", "REVENUE", "exempt_sales", {}),
    ("300", "Purchases", "DIRECTCOSTS", "purchases", {}),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "purchases", {}),
    ("400", "Advertising", "EXPENSE", "purchases", {}),
    ("404", "Bank Fees", "EXPENSE", "exempt_purchases", {}),
    ("429", "General Expenses", "EXPENSE", "purchases", {}),
    ("408", "Cleaning", "EXPENSE", "purchases", {}),
    ("412", "Consulting & Accounting", "EXPENSE", "purchases", {}),
    ("416", "Depreciation", "DEPRECIATN", "none", {}),
    ("420", "Entertainment", "EXPENSE", "purchases", {}),
    ("425", "Freight & Courier", "EXPENSE", "purchases", {}),
    ("433", "Insurance", "EXPENSE", "purchases", {}),
    ("437", "Interest Expense", "EXPENSE", "exempt_purchases", {}),
    ("441", "Legal expenses", "EXPENSE", "purchases", {}),
    ("453", "Office Expenses", "EXPENSE", "purchases", {}),
    ("469", "Rent (old premises)", "EXPENSE", "purchases", {"Status": "ARCHIVED"}),
    ("473", "Repairs and Maintenance", "EXPENSE", "purchases", {}),
    ("477", "Wages and Salaries", "EXPENSE", "none", {}),
    ("478", "Superannuation", "EXPENSE", "none", {}),
    ("489", "Telephone & Internet", "EXPENSE", "purchases", {}),
    ("493", "Travel - National", "EXPENSE", "purchases", {}),
    ("505", "Income Tax Expense", "EXPENSE", "none", {}),
    ("610", "Accounts Receivable", "CURRENT", "none", {"SystemAccount": "DEBTORS"}),
    ("630", "Inventory", "INVENTORY", "none", {}),
    ("710", "Office Equipment", "FIXED", "capital", {}),
    ("800", "Accounts Payable", "CURRLIAB", "none", {"SystemAccount": "CREDITORS"}),
    ("820", "GST", "CURRLIAB", "none", {"SystemAccount": "GST"}),
    ("880", "Owner A Drawings", "EQUITY", "none", {"EnablePaymentsToAccount": True}),
    ("960", "Retained Earnings", "EQUITY", "none", {"SystemAccount": "RETAINEDEARNINGS"}),
)

# Xero's own first theme, and one more as a demo company has; the first is the default (SortOrder 0).
BRANDING_THEMES = ("Standard", "Special Projects")

TRACKING = (
    # (Name, Status, [(option, status)])
    (
        "Region",
        "ACTIVE",
        [("North", "ACTIVE"), ("South", "ACTIVE"), ("East", "ACTIVE"), ("West", "ARCHIVED")],
    ),
    ("Department", "ACTIVE", [("Sales", "ACTIVE"), ("Ops", "ACTIVE")]),
    ("Project", "ARCHIVED", [("Apollo", "ACTIVE"), ("Gemini", "ACTIVE")]),
)


def _items(roles) -> list[dict]:
    sales = {"AccountCode": "200", "TaxType": roles["sales"]}
    purchases = {"AccountCode": "300", "TaxType": roles["purchases"]}
    return [
        {
            "Code": "BOOK",
            "Name": "Fiction Book",
            "Description": "Paperback novel",
            "PurchaseDescription": "Paperback novel (wholesale)",
            "SalesDetails": {**sales, "UnitPrice": 19.95},
            "PurchaseDetails": {**purchases, "UnitPrice": 12.00},
        },
        {
            "Code": "WIDGET-01",
            "Name": "Widget",
            "Description": "Blue widget",
            "SalesDetails": {**sales, "UnitPrice": 4.5},
            "PurchaseDetails": {**purchases, "UnitPrice": 2.1234},
        },
        {
            "Code": "CONSULT-HR",
            "Name": "Consulting hour",
            "Description": "One hour of consulting",
            "IsPurchased": True,
            "SalesDetails": {**sales, "UnitPrice": 150},
            "PurchaseDetails": {"UnitPrice": 90},
        },  # no purchase account: bills need one per line
        {
            "Code": "SHIPPING",
            "Name": "Shipping",
            "Description": "Freight and handling",
            "SalesDetails": {"AccountCode": "260", "TaxType": roles["sales"], "UnitPrice": 15},
        },
        {
            "Code": "GIFT-CARD",
            "Name": "Gift card",
            "Description": "Store gift card",
            "IsPurchased": False,
            "SalesDetails": {"AccountCode": "260", "TaxType": roles["exempt_sales"], "UnitPrice": 50},
        },
        {
            "Code": "NO-ACCOUNTS",
            "Name": "Unconfigured item",
            "Description": "Item without accounts",
            "SalesDetails": {"UnitPrice": 10},
            "PurchaseDetails": {"UnitPrice": 5},
        },
        {
            "Code": "STOCK-CHAIR",
            "Name": "Office chair (stock)",
            "Description": "Ergonomic chair",
            "InventoryAssetAccountCode": "630",
            "SalesDetails": {**sales, "UnitPrice": 249},
            "PurchaseDetails": {"COGSAccountCode": "310", "TaxType": roles["purchases"], "UnitPrice": 120},
        },
    ]


def _contact(
    name,
    email=None,
    *,
    number=None,
    first=None,
    last=None,
    persons=(),
    tax_number=None,
    currency=None,
    status="ACTIVE",
    terms_days=None,
    city="Central City",
) -> dict:
    contact = {
        "Name": name,
        "ContactStatus": "ACTIVE",  # archived after creation, so the name check sees it as Xero does
        "EmailAddress": email,
        "FirstName": first,
        "LastName": last,
        "ContactNumber": number,
        "TaxNumber": tax_number,
        "DefaultCurrency": currency,
        "Addresses": [
            {
                "AddressType": "POBOX",
                "AddressLine1": "P O Box 123",
                "City": city,
                "PostalCode": "4001",
                "Country": "Australia",
            },
            {
                "AddressType": "STREET",
                "AddressLine1": "1 Example Street",
                "City": city,
                "PostalCode": "4000",
                "Country": "Australia",
            },
        ],
        "Phones": [
            {
                "PhoneType": "DEFAULT",
                "PhoneNumber": "5550 1234",
                "PhoneAreaCode": "07",
                "PhoneCountryCode": "61",
            },
            {"PhoneType": "MOBILE", "PhoneNumber": "0400 123 456", "PhoneCountryCode": "61"},
            {"PhoneType": "FAX", "PhoneNumber": ""},
            {"PhoneType": "DDI", "PhoneNumber": ""},
        ],
        "ContactPersons": [
            {"FirstName": p[0], "LastName": p[1], "EmailAddress": p[2], "IncludeInEmails": True}
            for p in persons
        ],
    }
    if terms_days is not None:
        contact["PaymentTerms"] = {
            "Sales": {"Day": terms_days, "Type": "DAYSAFTERBILLDATE"},
            "Bills": {"Day": terms_days, "Type": "DAYSAFTERBILLDATE"},
        }
    contact["_status"] = status
    return {k: v for k, v in contact.items() if v is not None}


CONTACTS = (
    _contact(
        "Bayside Club",
        "secretary@bayside.example",
        number="CUST-001",
        first="Bob",
        last="Partridge",
        persons=[("Bob", "Partridge", "bob@bayside.example"), ("Amy", "Lee", "amy@bayside.example")],
        tax_number="12 345 678 901",
        terms_days=14,
    ),
    _contact(
        "Basket Case",
        "info@basketcase.example",
        number="CUST-002",
        persons=[("Carla", "Brook", "carla@basketcase.example")],
    ),
    _contact("City Limousines", "bookings@citylimo.example", number="CUST-003", tax_number="98 765 432 109"),
    _contact(
        "Hamilton Smith Ltd",
        "accounts@hamiltonsmith.example",
        number="CUST-004",
        currency="USD",
        persons=[("Ham", "Smith", "ham@hamiltonsmith.example")],
        city="Boston",
    ),
    _contact("Marine Systems", "service@marinesystems.example", number="CUST-005"),
    _contact(
        "Ridgeway University",
        "finance@ridgeway.example",
        number="CUST-006",
        persons=[
            ("Dana", "Ridge", "dana@ridgeway.example"),
            ("Eli", "Way", "eli@ridgeway.example"),
            ("Fay", "Uni", "fay@ridgeway.example"),
        ],
    ),
    _contact("Boom FM", "ads@boomfm.example", number="CUST-007"),
    _contact("PowerDirect", "billing@powerdirect.example", number="SUPP-001", tax_number="11 222 333 444"),
    _contact("Swanston Security", "office@swanston.example", number="SUPP-002"),
    _contact("Truxton Property Management", "rent@truxton.example", number="SUPP-003"),
    _contact("Young Bros Transport", "dispatch@youngbros.example", number="SUPP-004"),
    _contact("ABC Furniture", "sales@abcfurniture.example", number="SUPP-005", first="Trish", last="Cole"),
    _contact("Old Partner Pty Ltd", "closed@oldpartner.example", number="OLD-001", status="ARCHIVED"),
)


# --------------------------------------------------------------------------- builders


def _put(org: Organisation, resource: str, elements) -> list[dict]:
    """Create through the API itself, so seed data obeys every rule the sandbox enforces."""
    body = json.dumps({resource: elements}, default=str).encode()
    response = org.handle("PUT", f"/{resource}", {"unitdp": "4"}, {}, body)
    if response.status != 200:
        raise RuntimeError(f"Seeding {resource} failed: {json.dumps(response.body)[:2000]}")
    return response.body[resource]


def _seed_settings(org: Organisation, roles: dict, tax_rates, tax_name="GST") -> None:
    store = org.store
    for tax_type, name, rate_text, report, flags, status in tax_rates:
        rate = Decimal(rate_text)
        store.put(
            "TaxRates",
            tax_type,
            {
                "Name": name,
                "TaxType": tax_type,
                "ReportTaxType": report,
                "Status": status,
                "TaxComponents": [
                    {"Name": tax_name, "Rate": rate, "IsCompound": False, "IsNonRecoverable": False}
                ],
                "DisplayTaxRate": rate,
                "EffectiveRate": rate,
                **flags,
            },
        )
    for code in dict.fromkeys((org.base_currency, "USD", "EUR")):
        org.resource("Currencies").write_one({"Code": code}, None, None)
    accounts = org.resource("Accounts")
    for code, name, account_type, role, extra in ACCOUNTS:
        shown = tax_name if extra.get("SystemAccount") == "GST" else name
        raw = {"Code": code, "Name": shown, "Type": account_type, **extra}
        if role:
            raw["TaxType"] = roles[role]
        doc = accounts.save(raw, None, None)
        doc.update({k: v for k, v in extra.items() if k in ("SystemAccount", "Status")})
        org.commit(accounts, doc, created=True)
    for name, status, options in TRACKING:
        category = {
            "TrackingCategoryID": org.new_id(),
            "Name": name,
            "Status": status,
            "Options": [
                {"TrackingOptionID": org.new_id(), "Name": option, "Status": option_status}
                for option, option_status in options
            ],
        }
        store.put("TrackingCategories", category["TrackingCategoryID"], category)


def _seed_documents(org: Organisation, roles: dict) -> None:
    """A handful of documents in the usual states, dated relative to the virtual today."""
    today = org.clock.utcnow().date()
    contacts = {c["Name"]: c["ContactID"] for c in org.store.all("Contacts")}

    def day(offset):
        return (today + timedelta(days=offset)).isoformat()

    def line(description, quantity, unit, account="200", tax=roles["sales"], **extra):
        return {
            "Description": description,
            "Quantity": quantity,
            "UnitAmount": unit,
            "AccountCode": account,
            "TaxType": tax,
            **extra,
        }

    invoices = _put(
        org,
        "Invoices",
        [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contacts["Bayside Club"]},
                "Date": day(-30),
                "DueDate": day(-16),
                "Status": "AUTHORISED",
                "Reference": "Membership drive",
                "LineItems": [
                    line("Event sponsorship", 1, 500),
                    line("Fiction Book", 10, 19.95, ItemCode="BOOK"),
                ],
            },
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contacts["City Limousines"]},
                "Date": day(-10),
                "DueDate": day(20),
                "Status": "AUTHORISED",
                "LineAmountTypes": "Inclusive",
                "LineItems": [line("Airport transfers", 3, 99.99)],
            },
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contacts["Marine Systems"]},
                "Date": day(-2),
                "Status": "DRAFT",
                "LineItems": [line("Consulting", 4, 150, ItemCode="CONSULT-HR")],
            },
            {
                "Type": "ACCPAY",
                "Contact": {"ContactID": contacts["PowerDirect"]},
                "Date": day(-20),
                "DueDate": day(10),
                "Status": "AUTHORISED",
                "InvoiceNumber": "PD-88812",
                "LineItems": [line("Electricity", 1, 245.5, account="429", tax=roles["purchases"])],
            },
        ],
    )
    _put(
        org,
        "Payments",
        [
            {
                "Invoice": {"InvoiceID": invoices[0]["InvoiceID"]},
                "Account": {"Code": "090"},
                "Date": day(-5),
                "Amount": invoices[0]["Total"],
                "Reference": "Direct credit",
            }
        ],
    )
    credit_notes = _put(
        org,
        "CreditNotes",
        [
            {
                "Type": "ACCRECCREDIT",
                "Contact": {"ContactID": contacts["City Limousines"]},
                "Date": day(-3),
                "Status": "AUTHORISED",
                "LineAmountTypes": "Inclusive",
                "LineItems": [line("Late pick-up refund", 1, 30)],
            },
        ],
    )
    _ = credit_notes
    org.resource("Overpayments").create(
        contact_id=contacts["Basket Case"],
        amount="100.00",
        date=day(-7),
        kind="RECEIVE-OVERPAYMENT",
        account_code="610",
        reference="Paid twice",
    )
    org.resource("Prepayments").create(
        contact_id=contacts["Ridgeway University"],
        amount="550.00",
        date=day(-4),
        kind="RECEIVE-PREPAYMENT",
        account_code="200",
        tax_type=roles["sales"],
        line_amount_types="Inclusive",
        reference="Deposit for 2025 course",
    )
    _put(
        org,
        "PurchaseOrders",
        [
            {
                "Contact": {"ContactID": contacts["ABC Furniture"]},
                "Date": day(-1),
                "DeliveryDate": day(14),
                "Status": "AUTHORISED",
                "LineItems": [{"ItemCode": "STOCK-CHAIR", "Quantity": 4}],
            },
        ],
    )
    _put(
        org,
        "ManualJournals",
        [
            {
                "Narration": "Owner contribution",
                "Date": day(-60),
                "Status": "POSTED",
                "JournalLines": [
                    {"AccountCode": "090", "LineAmount": 1000, "Description": "Cash in"},
                    {"AccountCode": "880", "LineAmount": -1000, "Description": "Owner funds"},
                ],
            },
        ],
    )


def build_organisation(
    clock, name, short_code, base_currency="AUD", country_code="AU", tenant_id=None, *, with_documents=True
) -> Organisation:
    """An organisation seeded with settings, items and contacts (and, by default, a few
    documents). Countries other than NZ and the UK get the Australian tax rates."""
    org = Organisation(
        clock,
        name=name,
        short_code=short_code,
        base_currency=base_currency,
        country_code=country_code,
        tenant_id=tenant_id,
    )
    country = country_of(country_code)
    roles = TAX_ROLES[country]
    with org.seeding():
        _seed_settings(org, roles, TAX_RATES[country], "VAT" if country == "GB" else "GST")
        _put(org, "Items", _items(roles))
        created = _put(org, "Contacts", [{k: v for k, v in c.items() if k != "_status"} for c in CONTACTS])
        archived = [
            {"ContactID": doc["ContactID"], "ContactStatus": "ARCHIVED"}
            for doc, seed in zip(created, CONTACTS, strict=True)
            if seed["_status"] == "ARCHIVED"
        ]
        org.handle("POST", "/Contacts", {}, {}, json.dumps({"Contacts": archived}).encode())
        if with_documents:
            _seed_documents(org, roles)
        # Last, so that the ids seeded before them stay what they were.
        for theme in BRANDING_THEMES:
            org.resource("BrandingThemes").add(theme)
    return org


def build_demo_organisations(clock) -> list[Organisation]:
    """The demo companies (AU, NZ, UK), with fixed tenant ids; the large one answers as an
    organisation past every high-volume threshold does."""
    organisations = []
    for tenant_id, name, short_code, currency, country in DEMO_ORGANISATIONS:
        organisation = build_organisation(clock, name, short_code, currency, country, tenant_id)
        organisation.details["IsDemoCompany"] = True
        if short_code in LARGE_DEMO_ORGANISATIONS:
            organisation.high_volume = {
                key for key, handler in organisation.resources.items() if handler.paged
            }
        organisations.append(organisation)
    return organisations
