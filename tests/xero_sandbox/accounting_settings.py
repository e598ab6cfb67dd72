"""Organisation settings and contacts: Organisation, Accounts, TaxRates, Currencies,
TrackingCategories, Items, Contacts.

Besides serving their endpoints, these resources answer the look-ups documents need
(``account``, ``tax_rate``, ``require_currency``, ``resolve_tracking``...), so every rule about a
setting (archived accounts, deleted tax rates, unsubscribed currencies) lives in one place.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

from .accounting_common import (
    Invalid,
    Problems,
    Resource,
    Response,
    is_uuid,
    method_not_allowed,
    money,
    not_found,
    round_to,
    same_text,
    to_decimal,
    to_json,
    unknown_tax_type,
    validation_exception,
)

# Account Type -> Class, as Xero derives it.
ACCOUNT_CLASS = {
    **dict.fromkeys(("BANK", "CURRENT", "FIXED", "INVENTORY", "NONCURRENT", "PREPAYMENT"), "ASSET"),
    **dict.fromkeys(("CURRLIAB", "LIABILITY", "TERMLIAB", "PAYG"), "LIABILITY"),
    "EQUITY": "EQUITY",
    **dict.fromkeys(("DEPRECIATN", "DIRECTCOSTS", "EXPENSE", "OVERHEADS"), "EXPENSE"),
    **dict.fromkeys(("OTHERINCOME", "REVENUE", "SALES"), "REVENUE"),
}

# TaxRate "CanApplyTo..." flag per account class.
CAN_APPLY_FLAG = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}

# Currencies an organisation may subscribe to (PUT /Currencies), with Xero's descriptions.
CURRENCY_NAMES = {
    "AUD": "Australian Dollar",
    "NZD": "New Zealand Dollar",
    "USD": "United States Dollar",
    "EUR": "Euro",
    "GBP": "British Pound",
    "CAD": "Canadian Dollar",
    "JPY": "Japanese Yen",
    "CHF": "Swiss Franc",
    "CNY": "Chinese Yuan",
    "HKD": "Hong Kong Dollar",
    "SGD": "Singapore Dollar",
    "ZAR": "South African Rand",
    "INR": "Indian Rupee",
    "SEK": "Swedish Krona",
    "NOK": "Norwegian Krone",
    "DKK": "Danish Krone",
    "FJD": "Fiji Dollar",
    "MXN": "Mexican Peso",
    "BRL": "Brazilian Real",
}

# Indicative value of one unit of each currency in AUD: the "XE.com day rate" the sandbox uses
# when a foreign-currency document has no CurrencyRate.
AUD_VALUE = {
    "AUD": "1",
    "NZD": "0.92",
    "USD": "1.52",
    "EUR": "1.65",
    "GBP": "1.92",
    "CAD": "1.10",
    "JPY": "0.0102",
    "CHF": "1.72",
    "CNY": "0.21",
    "HKD": "0.195",
    "SGD": "1.13",
    "ZAR": "0.083",
    "INR": "0.018",
    "SEK": "0.145",
    "NOK": "0.14",
    "DKK": "0.22",
    "FJD": "0.67",
    "MXN": "0.089",
    "BRL": "0.30",
}

TIMEZONES = {"AU": "AUSEASTERNSTANDARDTIME", "NZ": "NEWZEALANDSTANDARDTIME"}
VERSIONS = {"AU": "AU", "NZ": "NZ", "GB": "UK", "US": "US"}

MAX_ACTIVE_TRACKING_CATEGORIES = 2
MAX_CONTACT_PERSONS = 5
MAX_ITEM_CODE = 30
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Accounts that no invoice, credit note or purchase order line may post to.
NON_POSTING_SYSTEM_ACCOUNTS = {"DEBTORS", "CREDITORS", "GST", "RETAINEDEARNINGS", "UNPAIDEXPCLM"}


def organisation_details(org) -> dict:
    """GET /Organisation for this tenant."""
    return {
        "OrganisationID": org.tenant_id,
        "APIKey": org.tenant_id.replace("-", "")[:30].upper(),
        "Name": org.name,
        "LegalName": org.name,
        "PaysTax": True,
        "Version": VERSIONS.get(org.country_code, "GLOBAL"),
        "OrganisationType": "COMPANY",
        "BaseCurrency": org.base_currency,
        "CountryCode": org.country_code,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": "101-2-303",
        "FinancialYearEndDay": 30 if org.country_code == "AU" else 31,
        "FinancialYearEndMonth": 6 if org.country_code == "AU" else 3,
        "SalesTaxBasis": "ACCRUALS" if org.country_code == "AU" else "INVOICE",
        "SalesTaxPeriod": "QUARTERLY1" if org.country_code == "AU" else "TWOMONTHS",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "CreatedDateUTC": org.created,
        "Timezone": TIMEZONES.get(org.country_code, "UTC"),
        "OrganisationEntityType": "COMPANY",
        "ShortCode": org.short_code,
        "Class": "DEMO",
        "Edition": "BUSINESS",
        "LineOfBusiness": "Software development",
        "Addresses": [
            {
                "AddressType": "STREET",
                "AddressLine1": "23 Main Street",
                "City": "Central City",
                "PostalCode": "12345",
                "Country": org.country_code,
            }
        ],
        "Phones": [{"PhoneType": "OFFICE", "PhoneNumber": "1234 5678", "PhoneAreaCode": "02"}],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }


def _copy_fields(target: dict, raw: dict, fields) -> None:
    for name in fields:
        if name in raw:
            target[name] = copy.deepcopy(raw[name])


# --------------------------------------------------------------------------- Accounts


class Accounts(Resource):
    name, id_field, label = "Accounts", "AccountID", "Account"
    key_fields = ("Code",)
    attachable = True
    write_methods = ("PUT", "POST")
    EDITABLE = (
        "Code",
        "Name",
        "Type",
        "BankAccountNumber",
        "Status",
        "Description",
        "BankAccountType",
        "CurrencyCode",
        "TaxType",
        "EnablePaymentsToAccount",
        "ShowInExpenseClaims",
        "ReportingCode",
        "AddToWatchlist",
    )

    def find(self, code=None, account_id=None) -> dict | None:
        if account_id:
            return self.store.get(self.name, account_id)
        if code not in (None, ""):
            return next((a for a in self.docs() if same_text(a.get("Code"), code)), None)
        return None

    def postable(self, account: dict | None) -> bool:
        """May an invoice/credit note/purchase order line use this account?"""
        return (
            account is not None
            and account.get("Status") == "ACTIVE"
            and account.get("Type") != "BANK"
            and account.get("SystemAccount") not in NON_POSTING_SYSTEM_ACCOUNTS
        )

    def accepts_payments(self, account: dict | None) -> bool:
        return (
            account is not None
            and account.get("Status") == "ACTIVE"
            and (account.get("Type") == "BANK" or bool(account.get("EnablePaymentsToAccount")))
        )

    def save(self, raw, existing, ctx):
        problems = Problems()
        doc = (
            copy.deepcopy(existing)
            if existing
            else {
                "AccountID": self.org.new_id(),
                "Status": "ACTIVE",
                "EnablePaymentsToAccount": False,
                "ShowInExpenseClaims": False,
                "HasAttachments": False,
                "AddToWatchlist": False,
            }
        )
        _copy_fields(doc, raw, self.EDITABLE)
        if not doc.get("Type") or doc["Type"] not in ACCOUNT_CLASS:
            problems.add("Please select a valid account type.")
        if not doc.get("Name"):
            problems.add("Please enter a Name.")
        for other in self.docs():
            if other["AccountID"] == doc["AccountID"] or other.get("Status") == "DELETED":
                continue
            if doc.get("Code") and same_text(other.get("Code"), doc["Code"]):
                problems.add("Please enter a unique Code.")
            if same_text(other.get("Name"), doc.get("Name")):
                problems.add("Please enter a unique Name.")
        if doc.get("TaxType") and self.org.resource("TaxRates").find(doc["TaxType"]) is None:
            problems.add(unknown_tax_type(doc["TaxType"]))
        problems.raise_if_any()
        doc["Class"] = ACCOUNT_CLASS[doc["Type"]]
        if doc["Type"] == "BANK":
            doc.setdefault("BankAccountType", "BANK")
            doc.setdefault("CurrencyCode", self.org.base_currency)
        return doc

    def delete(self, doc, ctx) -> Response:
        if doc.get("SystemAccount"):
            return validation_exception(
                [{"ValidationErrors": [{"Message": "System accounts cannot be deleted."}]}]
            )
        deleted = copy.deepcopy(doc)
        deleted["Status"] = "DELETED"
        self.org.commit(self, deleted, created=False)
        return Response(200, self.org.envelope(self.name, [to_json(deleted)]))


# --------------------------------------------------------------------------- TaxRates


class TaxRates(Resource):
    name, id_field, label = "TaxRates", "TaxType", "Tax Rate"
    key_fields = ("TaxType",)

    def find(self, tax_type) -> dict | None:
        return next((t for t in self.docs() if same_text(t["TaxType"], tax_type)), None)

    def usable(self, tax_type, account: dict | None) -> dict | None:
        """The ACTIVE rate ``tax_type`` if it may be used with ``account`` (by the rate's
        CanApplyTo... flag for the account's class), else None."""
        rate = self.find(tax_type)
        if rate is None or rate.get("Status") != "ACTIVE":
            return None
        if account is not None:
            flag = CAN_APPLY_FLAG.get(account.get("Class") or ACCOUNT_CLASS.get(account.get("Type"), ""))
            if flag and rate.get(flag) is False:
                return None
        return rate

    def lookup(self, key):
        return self.find(key)

    def save(self, raw, existing, ctx):
        problems = Problems()
        doc = copy.deepcopy(existing) if existing else {"Status": "ACTIVE", "ReportTaxType": "OUTPUT"}
        _copy_fields(doc, raw, ("Name", "TaxComponents", "Status", "ReportTaxType"))
        if not doc.get("Name"):
            problems.add("Please enter a Name.")
        if any(
            same_text(t["Name"], doc.get("Name")) and t["TaxType"] != doc.get("TaxType") for t in self.docs()
        ):
            problems.add("Please enter a unique Name.")
        components = doc.get("TaxComponents") or []
        if not components:
            problems.add("At least one tax component is required.")
        problems.raise_if_any()
        rate = sum((to_decimal(c.get("Rate")) or 0 for c in components), start=to_decimal(0))
        doc["TaxComponents"] = [
            {
                "Name": c.get("Name"),
                "Rate": to_decimal(c.get("Rate")) or to_decimal(0),
                "IsCompound": bool(c.get("IsCompound")),
                "IsNonRecoverable": False,
            }
            for c in components
        ]
        doc["DisplayTaxRate"] = doc["EffectiveRate"] = round_to(rate, 4)
        for flag in CAN_APPLY_FLAG.values():
            doc.setdefault(flag, True)
        if existing is None:
            doc["TaxType"] = self.org.next_number("TAX", lambda code: self.find(code) is not None, width=3)
        return doc

    def find_existing(self, raw, ctx):
        return self.find(raw.get("TaxType")) if raw.get("TaxType") else None

    def write_one(self, raw, url_doc, ctx):
        existing = self.find_existing(raw, ctx)
        doc = self.save(raw, existing, ctx)
        self.store.put(self.name, doc["TaxType"], doc)  # tax rates carry no UpdatedDateUTC
        return doc


# --------------------------------------------------------------------------- Currencies


class Currencies(Resource):
    name, id_field, label = "Currencies", "Code", "Currency"
    key_fields = ("Code",)
    write_methods = ("PUT",)

    def subscribed(self, code) -> bool:
        return code is not None and self.store.get(self.name, str(code)) is not None

    def require(self, code, problems: Problems) -> None:
        if code and not self.subscribed(code):
            problems.add(f"Organisation is not subscribed to currency {code}")

    def day_rate(self, code: str):
        """Units of ``code`` per unit of base currency, 6 dp (Xero's CurrencyRate)."""
        base = to_decimal(AUD_VALUE.get(self.org.base_currency, "1"))
        value = to_decimal(AUD_VALUE.get(code, "1"))
        return round_to(base / value, 6)

    def save(self, raw, existing, ctx):
        code = str(raw.get("Code") or "").upper()
        if code not in CURRENCY_NAMES:
            raise Invalid(f"Currency code {code or '(blank)'} is not a valid currency code")
        return {"Code": code, "Description": CURRENCY_NAMES[code]}

    def ok_element(self, doc, ctx):
        return doc

    def write_one(self, raw, url_doc, ctx):
        doc = self.save(raw, None, ctx)
        if not self.subscribed(doc["Code"]):
            self.store.put(self.name, doc["Code"], doc)
        return self.store.get(self.name, doc["Code"])


# --------------------------------------------------------------------------- TrackingCategories


class TrackingCategories(Resource):
    name, id_field, label = "TrackingCategories", "TrackingCategoryID", "Tracking Category"
    key_fields = ("Name",)

    def base_docs(self, query):
        if str(query.get("includeArchived", "")).lower() == "true":
            return [d for d in self.docs() if d["Status"] != "DELETED"]
        return [d for d in self.docs() if d["Status"] == "ACTIVE"]

    def view(self, doc, ctx):
        include_archived = str(ctx.query.get("includeArchived", "")).lower() == "true"
        view = dict(doc)
        view["Options"] = [
            o
            for o in doc["Options"]
            if o["Status"] == "ACTIVE" or (include_archived and o["Status"] != "DELETED")
        ]
        return view

    def active(self) -> list[dict]:
        return [d for d in self.docs() if d["Status"] == "ACTIVE"]

    def save(self, raw, existing, ctx):
        problems = Problems()
        doc = (
            copy.deepcopy(existing)
            if existing
            else {"TrackingCategoryID": self.org.new_id(), "Status": "ACTIVE", "Options": []}
        )
        _copy_fields(doc, raw, ("Name", "Status"))
        if not doc.get("Name"):
            problems.add("Tracking Category Name must be specified.")
        if any(
            same_text(d["Name"], doc.get("Name"))
            and d["TrackingCategoryID"] != doc["TrackingCategoryID"]
            and d["Status"] != "DELETED"
            for d in self.docs()
        ):
            problems.add(f"The tracking category name {doc.get('Name')} is already in use.")
        becoming_active = doc["Status"] == "ACTIVE" and (existing is None or existing["Status"] != "ACTIVE")
        if becoming_active and len(self.active()) >= MAX_ACTIVE_TRACKING_CATEGORIES:
            problems.add(f"You can only have {MAX_ACTIVE_TRACKING_CATEGORIES} active tracking categories.")
        problems.raise_if_any()
        return doc

    def write_one(self, raw, url_doc, ctx):
        existing = url_doc if url_doc is not None else self.find_existing(raw, ctx)
        doc = self.save(raw, existing, ctx)
        self.store.put(self.name, doc["TrackingCategoryID"], doc)
        return doc

    def delete(self, doc, ctx) -> Response:
        deleted = copy.deepcopy(doc)
        deleted["Status"] = "DELETED"
        self.store.put(self.name, doc["TrackingCategoryID"], deleted)
        return Response(200, self.org.envelope(self.name, [to_json(deleted)]))

    def subroute(self, method, doc, rest, ctx, body):
        """/TrackingCategories/{id}/Options[/{optionId}]: add, rename/archive, delete options."""
        if rest[0].lower() != "options" or len(rest) > 2:
            return None
        if len(rest) == 1:
            return self._add_options(doc, body) if method == "PUT" else method_not_allowed(method)
        return self._change_option(doc, rest[1], method, body)

    def _add_options(self, doc, body) -> Response:
        category = copy.deepcopy(doc)
        payload = self.org.parse_body(body)
        raws = payload.get("Options", [payload]) if isinstance(payload, dict) else payload
        created = []
        for raw in raws:
            name = (raw.get("Name") or raw.get("name") or "").strip()
            error = self._option_name_problem(category, name, None)
            if error:
                return validation_exception([{"ValidationErrors": [{"Message": error}]}])
            option = {"TrackingOptionID": self.org.new_id(), "Name": name, "Status": "ACTIVE"}
            category["Options"].append(option)
            created.append(option)
        self.store.put(self.name, category["TrackingCategoryID"], category)
        return Response(200, self.org.envelope("Options", to_json(created)))

    def _change_option(self, doc, option_id, method, body) -> Response:
        category = copy.deepcopy(doc)
        option = next((o for o in category["Options"] if o["TrackingOptionID"] == option_id.lower()), None)
        if option is None:
            return not_found()
        if method == "DELETE":
            option["Status"] = "DELETED"
        elif method == "POST":
            raw = self.org.parse_body(body)
            name = (raw.get("Name") or raw.get("name") or option["Name"]).strip()
            error = self._option_name_problem(category, name, option)
            if error:
                return validation_exception([{"ValidationErrors": [{"Message": error}]}])
            option["Name"] = name
            option["Status"] = raw.get("Status", option["Status"])
        else:
            return method_not_allowed(method)
        self.store.put(self.name, category["TrackingCategoryID"], category)
        return Response(200, self.org.envelope("Options", [to_json(option)]))

    @staticmethod
    def _option_name_problem(category, name, current) -> str | None:
        if not name:
            return "Tracking Option Name must be specified."
        if any(
            same_text(o["Name"], name) and o is not current and o["Status"] != "DELETED"
            for o in category["Options"]
        ):
            return (
                f"The tracking option name {name} is already in use for tracking category {category['Name']}."
            )
        return None

    def resolve(self, raw_tracking, problems: Problems) -> list[dict]:
        """A line's ``Tracking``: at most 2 entries, each naming an ACTIVE category and one of its
        ACTIVE options (by name or id). Returns Xero's stored form of the line's tracking."""
        raw_tracking = raw_tracking or []
        if len(raw_tracking) > MAX_ACTIVE_TRACKING_CATEGORIES:
            problems.add("A line item can have a maximum of 2 tracking categories.")
            return []
        resolved, seen = [], set()
        for entry in raw_tracking:
            category = None
            if entry.get("TrackingCategoryID"):
                category = self.store.get(self.name, entry["TrackingCategoryID"])
            elif entry.get("Name"):
                category = next(
                    (
                        c
                        for c in self.docs()
                        if same_text(c["Name"], entry["Name"]) and c["Status"] != "DELETED"
                    ),
                    None,
                )
            label = entry.get("Name") or entry.get("TrackingCategoryID")
            if category is None or category["Status"] != "ACTIVE":
                problems.add(f"The tracking category {label} does not exist or is not active.")
                continue
            if category["TrackingCategoryID"] in seen:
                problems.add(f"The tracking category {category['Name']} can only be used once per line.")
                continue
            seen.add(category["TrackingCategoryID"])
            option_key = entry.get("TrackingOptionID") or entry.get("Option")
            option = next(
                (
                    o
                    for o in category["Options"]
                    if o["TrackingOptionID"] == str(option_key).lower() or same_text(o["Name"], option_key)
                ),
                None,
            )
            if option is None or option["Status"] != "ACTIVE":
                problems.add(
                    f"The tracking option {option_key} does not exist or is not active for "
                    f"tracking category {category['Name']}."
                )
                continue
            resolved.append(
                {
                    "Name": category["Name"],
                    "Option": option["Name"],
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "TrackingOptionID": option["TrackingOptionID"],
                }
            )
        return resolved


# --------------------------------------------------------------------------- Items


class Items(Resource):
    name, id_field, label = "Items", "ItemID", "Item"
    key_fields = ("Code",)
    EDITABLE = (
        "Code",
        "Name",
        "Description",
        "PurchaseDescription",
        "IsSold",
        "IsPurchased",
        "InventoryAssetAccountCode",
    )

    def find(self, code) -> dict | None:
        return next((i for i in self.docs() if same_text(i.get("Code"), code)), None)

    def view(self, doc, ctx):
        view = copy.deepcopy(doc)
        for side in ("SalesDetails", "PurchaseDetails"):
            if view.get(side, {}).get("UnitPrice") is not None:
                view[side]["UnitPrice"] = round_to(view[side]["UnitPrice"], ctx.unitdp)
        return view

    def match_existing(self, raw, ctx):
        return self.find(raw.get("Code")) if raw.get("Code") else None

    def save(self, raw, existing, ctx):
        problems = Problems()
        doc = (
            copy.deepcopy(existing)
            if existing
            else {
                "ItemID": self.org.new_id(),
                "IsSold": True,
                "IsPurchased": True,
                "SalesDetails": {},
                "PurchaseDetails": {},
            }
        )
        _copy_fields(doc, raw, self.EDITABLE)
        code = str(doc.get("Code") or "")
        if not code.strip():
            problems.add("Item code must be specified")
        elif len(code) > MAX_ITEM_CODE:
            problems.add(f"Item code must not be more than {MAX_ITEM_CODE} characters long")
        other = self.find(code) if code else None
        if other is not None and other["ItemID"] != doc["ItemID"]:
            problems.add(f"Item code '{code}' already exists")
        if doc.get("Name") and len(doc["Name"]) > 50:
            problems.add("Item name must not be more than 50 characters long")
        for side in ("SalesDetails", "PurchaseDetails"):
            if side in raw:
                doc[side] = self._details(raw.get(side) or {}, side, ctx, problems)
        if doc.get("InventoryAssetAccountCode"):
            account = self.org.resource("Accounts").find(code=doc["InventoryAssetAccountCode"])
            if account is None or account.get("Type") != "INVENTORY":
                problems.add("The InventoryAssetAccountCode must be an account of type INVENTORY.")
            if not doc["PurchaseDetails"].get("COGSAccountCode"):
                problems.add("A COGSAccountCode is required for tracked inventory items.")
        problems.raise_if_any()
        doc["IsTrackedAsInventory"] = bool(doc.get("InventoryAssetAccountCode"))
        if doc["IsTrackedAsInventory"]:
            doc.setdefault("QuantityOnHand", to_decimal(0))
            doc.setdefault("TotalCostPool", to_decimal(0))
        if doc.get("IsSold") is False:
            doc["SalesDetails"], doc["Description"] = {}, None
        if doc.get("IsPurchased") is False:
            doc["PurchaseDetails"], doc["PurchaseDescription"] = {}, None
        return doc

    def _details(self, raw: dict, side: str, ctx, problems: Problems) -> dict:
        details = {}
        price = to_decimal(raw.get("UnitPrice"))
        if price is not None:
            details["UnitPrice"] = round_to(price, ctx.unitdp)
        accounts = self.org.resource("Accounts")
        for key in ("AccountCode", "COGSAccountCode"):
            if raw.get(key):
                if not accounts.postable(accounts.find(code=raw[key])):
                    problems.add(f"Account code '{raw[key]}' is not a valid code for this document.")
                details[key] = raw[key]
        if raw.get("TaxType"):
            if self.org.resource("TaxRates").usable(raw["TaxType"], None) is None:
                problems.add(unknown_tax_type(raw["TaxType"]))
            details["TaxType"] = raw["TaxType"]
        return details

    def delete(self, doc, ctx) -> Response:
        self.store.table(self.name).pop(doc["ItemID"], None)
        return Response(204, None)


# --------------------------------------------------------------------------- Contacts


def _zero_balances() -> dict:
    return {
        "AccountsReceivable": {"Outstanding": Decimal(0), "Overdue": Decimal(0)},
        "AccountsPayable": {"Outstanding": Decimal(0), "Overdue": Decimal(0)},
    }


class Contacts(Resource):
    name, id_field, label = "Contacts", "ContactID", "Contact"
    key_fields = ("ContactNumber",)
    list_filters = {"IDs": "ContactID"}
    search_fields = ("Name", "FirstName", "LastName", "ContactNumber", "CompanyNumber", "EmailAddress")
    paged = True
    attachable = True
    event_category = "CONTACT"
    error_flag = "HasValidationErrors"
    EDITABLE = (
        "ContactNumber",
        "AccountNumber",
        "ContactStatus",
        "Name",
        "FirstName",
        "LastName",
        "CompanyNumber",
        "EmailAddress",
        "BankAccountDetails",
        "TaxNumber",
        "TaxNumberType",
        "AccountsReceivableTaxType",
        "AccountsPayableTaxType",
        "Addresses",
        "Phones",
        "DefaultCurrency",
        "XeroNetworkKey",
        "SalesDefaultAccountCode",
        "PurchasesDefaultAccountCode",
        "SalesTrackingCategories",
        "PurchasesTrackingCategories",
        "PaymentTerms",
        "ContactPersons",
        "Website",
    )

    def base_docs(self, query):
        """Archived contacts are left out unless includeArchived=true (see the report for why)."""
        if str(query.get("includeArchived", "")).lower() == "true":
            return self.docs()
        return [c for c in self.docs() if c.get("ContactStatus") != "ARCHIVED"]

    def view(self, doc, ctx):
        view = dict(doc)
        view.setdefault("ContactGroups", [])
        view["HasValidationErrors"] = False
        view["Balances"] = self.balances(ctx).get(doc["ContactID"], _zero_balances())
        return view

    def unpaged_view(self, view):
        """Like SalesDefaultLineAmountType (the spec: "only available when summaryOnly or
        paging is used, or when fetched by ContactID"), Balances stay out of unpaged lists."""
        return {k: v for k, v in view.items() if k != "Balances"}

    def balances(self, ctx) -> dict:
        """{ContactID: Balances}: what the contact owes (AccountsReceivable) and is owed
        (AccountsPayable), in the documents' own currencies as Xero says ("not converted"):
        amounts due of approved invoices less unallocated credit; overdue once past due.
        Computed once per request."""
        cached = getattr(ctx, "_contact_balances", None)
        if cached is not None:
            return cached
        result = {}
        sides = {
            "ACCREC": "AccountsReceivable",
            "ACCPAY": "AccountsPayable",
            "ACCRECCREDIT": "AccountsReceivable",
            "ACCPAYCREDIT": "AccountsPayable",
        }
        for resource in ("Invoices", "CreditNotes"):
            for doc in self.org.store.all(resource):
                if doc.get("Status") not in ("AUTHORISED",):
                    continue
                contact_id = doc.get("_contact_id")
                side = sides.get(doc.get("Type"))
                if not contact_id or not side:
                    continue
                balance = result.setdefault(contact_id, _zero_balances())[side]
                if resource == "Invoices":
                    due = Decimal(str(doc.get("AmountDue") or 0))
                    balance["Outstanding"] += due
                    due_date = doc.get("DueDate")
                    if due_date is not None and hasattr(due_date, "year"):
                        due_day = due_date.date() if hasattr(due_date, "date") else due_date
                        if due_day < ctx.today:
                            balance["Overdue"] += due
                else:
                    balance["Outstanding"] -= Decimal(str(doc.get("RemainingCredit") or 0))
        ctx._contact_balances = result
        return result

    def summary(self, contact: dict) -> dict:
        """The contact as embedded in invoices, credit notes, payments..."""
        keys = (
            "ContactID",
            "ContactNumber",
            "AccountNumber",
            "ContactStatus",
            "Name",
            "FirstName",
            "LastName",
            "EmailAddress",
            "DefaultCurrency",
            "IsSupplier",
            "IsCustomer",
        )
        summary = {k: contact.get(k) for k in keys if contact.get(k) is not None}
        summary["HasValidationErrors"] = False
        return summary

    def find_by_name(self, name, active_only=True) -> dict | None:
        return next(
            (
                c
                for c in self.docs()
                if same_text(c.get("Name"), name) and (not active_only or c.get("ContactStatus") == "ACTIVE")
            ),
            None,
        )

    def match_existing(self, raw, ctx):
        if raw.get("ContactNumber"):
            return next(
                (c for c in self.docs() if same_text(c.get("ContactNumber"), raw["ContactNumber"])), None
            )
        return None

    def save(self, raw, existing, ctx):
        problems = Problems()
        doc = (
            copy.deepcopy(existing)
            if existing
            else {
                "ContactID": self.org.new_id(),
                "ContactStatus": "ACTIVE",
                "IsSupplier": False,
                "IsCustomer": False,
                "HasAttachments": False,
                "Addresses": [],
                "Phones": [],
                "ContactPersons": [],
                "ContactGroups": [],
            }
        )
        _copy_fields(doc, raw, self.EDITABLE)
        name = (doc.get("Name") or "").strip()
        if not name:
            problems.add("The contact name must be specified.")
        elif doc.get("ContactStatus") == "ACTIVE":
            clash = self.find_by_name(name)
            if clash is not None and clash["ContactID"] != doc["ContactID"]:
                problems.add(
                    f"The contact name {name} is already assigned to another contact. "
                    "The contact name must be unique across all active contacts."
                )
        if doc.get("ContactStatus") not in ("ACTIVE", "ARCHIVED"):
            problems.add("ContactStatus must be ACTIVE or ARCHIVED.")
        if len(doc.get("ContactPersons") or []) > MAX_CONTACT_PERSONS:
            problems.add(f"A contact can have a maximum of {MAX_CONTACT_PERSONS} contact persons.")
        emails = [doc.get("EmailAddress")] + [p.get("EmailAddress") for p in doc.get("ContactPersons") or []]
        if any(e and not EMAIL.match(e) for e in emails):
            problems.add("Email address must be valid.")
        self.org.resource("Currencies").require(doc.get("DefaultCurrency"), problems)
        for key in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
            if doc.get(key) and self.org.resource("TaxRates").usable(doc[key], None) is None:
                problems.add(unknown_tax_type(doc[key]))
        problems.raise_if_any()
        doc["Name"] = name
        return doc

    def mark_usage(self, contact_id: str, *, customer=False, supplier=False) -> None:
        """IsCustomer/IsSupplier follow the documents raised against a contact (read-only in the
        API). Not a change a webhook reports, so the timestamp stays."""
        contact = self.store.get(self.name, contact_id)
        if contact is None:
            return
        if (customer and not contact.get("IsCustomer")) or (supplier and not contact.get("IsSupplier")):
            updated = copy.deepcopy(contact)
            updated["IsCustomer"] = contact.get("IsCustomer") or customer
            updated["IsSupplier"] = contact.get("IsSupplier") or supplier
            self.store.put(self.name, contact_id, updated)

    def resolve(self, raw_contact, problems: Problems, ctx) -> dict | None:
        """The contact a document names. By ContactID (must exist), else by ContactNumber, else by
        Name: an unknown name creates the contact, as Xero does."""
        if not isinstance(raw_contact, dict) or not any(
            raw_contact.get(k) for k in ("ContactID", "ContactNumber", "Name")
        ):
            problems.add("A Contact must be specified for this type of transaction")
            return None
        contact = None
        if raw_contact.get("ContactID"):
            contact = (
                self.store.get(self.name, raw_contact["ContactID"])
                if is_uuid(raw_contact["ContactID"])
                else None
            )
            if contact is None:
                problems.add("The contact with the specified ContactID could not be found")
                return None
        elif raw_contact.get("ContactNumber"):
            contact = next(
                (c for c in self.docs() if same_text(c.get("ContactNumber"), raw_contact["ContactNumber"])),
                None,
            )
        if contact is None and raw_contact.get("Name"):
            contact = self.find_by_name(raw_contact["Name"]) or self.find_by_name(
                raw_contact["Name"], active_only=False
            )
            if contact is None:
                try:
                    contact = self.write_one(
                        {k: v for k, v in raw_contact.items() if k != "ContactID"}, None, ctx
                    )
                except Invalid as error:
                    for message in error.messages:
                        problems.add(message)
                    return None
        if contact is None:
            problems.add("A Contact must be specified for this type of transaction")
            return None
        if contact.get("ContactStatus") == "ARCHIVED":
            problems.add(
                "The contact with the specified contact details has been archived. "
                "The contact must be un-archived before creating new invoices or credit notes."
            )
        return contact


def money_or_zero(value):
    return money(to_decimal(value) or to_decimal(0))
