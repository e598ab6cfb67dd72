"""Invoices, credit notes and purchase orders: line items, totals, numbering, statuses, and the
allocation of credit (credit notes, overpayments, prepayments) to invoices.

Amounts follow Xero's documented arithmetic, computed with ``Decimal`` and half-up rounding:

- ``UnitAmount`` is rounded to 2 decimals, or 4 with ``unitdp=4``;
- ``LineAmount = round(Quantity x UnitAmount x (1 - DiscountRate/100), 2)`` (or
  ``Quantity x UnitAmount - DiscountAmount``); a client-sent LineAmount that disagrees is
  rejected ("The line total X does not match the expected line total Y");
- tax per line, rounded to 2 decimals, then summed: Exclusive ``LineAmount x rate/100``,
  Inclusive ``LineAmount x rate/(100+rate)``, NoTax 0. A client-sent TaxAmount overrides the
  computed one (the spec says it may).
"""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta
from decimal import Decimal

from .accounting_common import (
    ZERO_ID,
    Invalid,
    Problems,
    Resource,
    Response,
    fmt_money,
    is_uuid,
    line_amount_types_of,
    money,
    not_found,
    parse_date,
    round_to,
    same_text,
    to_decimal,
    to_json,
    unknown_tax_type,
    validation_exception,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)

SALES, PURCHASES = "sales", "purchases"
ITEM_DETAILS = {SALES: ("SalesDetails", "Description"), PURCHASES: ("PurchaseDetails", "PurchaseDescription")}

# Allowed status changes; None is "being created". Anything else is refused with the
# resource's "not of valid status for modification" message.
INVOICE_TRANSITIONS = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},
    "PAID": set(),
    "VOIDED": set(),
    "DELETED": set(),
}
PURCHASE_ORDER_TRANSITIONS = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "BILLED", "DELETED"},
    "BILLED": {"BILLED"},
    "DELETED": set(),
}


# --------------------------------------------------------------------------- lines and totals


def line_tax(line_amount: Decimal, rate: Decimal, line_amount_types: str) -> Decimal:
    """Tax of one line, rounded to the cent (Xero rounds per line, then sums)."""
    if line_amount_types == "Exclusive":
        return money(line_amount * rate / HUNDRED)
    if line_amount_types == "Inclusive":
        return money(line_amount * rate / (HUNDRED + rate))
    return ZERO


def document_totals(lines: list[dict], line_amount_types: str) -> dict:
    """SubTotal / TotalTax / Total / TotalDiscount of a document from its computed lines."""
    line_sum = sum((line["LineAmount"] for line in lines), ZERO)
    tax = sum((line.get("TaxAmount") or ZERO for line in lines), ZERO)
    discount = sum((line.get("_discount", ZERO) for line in lines), ZERO)
    if line_amount_types == "Inclusive":
        subtotal, total = line_sum - tax, line_sum
    else:
        subtotal, total = line_sum, line_sum + tax
    return {
        "SubTotal": money(subtotal),
        "TotalTax": money(tax),
        "Total": money(total),
        "TotalDiscount": money(discount),
    }


# The spec's words (LineItem.DiscountRate/DiscountAmount): bills and credit notes take none.
DISCOUNT_MESSAGE = (
    "Discounts are only supported on ACCREC invoices and quotes. ACCPAY invoices and credit notes "
    "in Xero do not support discounts."
)
NO_TAX_MESSAGE = "The TaxType code {tax_type} cannot be used on a document whose LineAmountTypes is NoTax."


class LineBuilder:
    """Validates and computes the line items of one document."""

    def __init__(self, org, side: str, line_amount_types: str, unitdp: int, require_account: bool):
        self.org = org
        self.side = side
        self.line_amount_types = line_amount_types
        self.unitdp = unitdp
        self.require_account = require_account
        self.accounts = org.resource("Accounts")
        self.tax_rates = org.resource("TaxRates")

    def build_all(self, raw_lines, problems: Problems, previous: list[dict] | None = None) -> list[dict]:
        previous_ids = {line["LineItemID"] for line in previous or []}
        lines = []
        for raw in raw_lines or []:
            if not isinstance(raw, dict):
                problems.add("Line items must be objects")
                continue
            line = self.build(raw, problems)
            line_id = str(raw.get("LineItemID") or "").lower()
            line["LineItemID"] = line_id if line_id in previous_ids else self.org.new_id()
            lines.append(line)
        return lines

    def build(self, raw: dict, problems: Problems) -> dict:
        line: dict = {}
        item = self._item(raw, problems)
        details = (item or {}).get(ITEM_DETAILS[self.side][0]) or {}
        description = raw.get("Description")
        if description is None and item is not None:
            description = item.get(ITEM_DETAILS[self.side][1]) or item.get("Name")
        line["Description"] = description
        if item is not None:
            line["ItemCode"] = item["Code"]
            line["Item"] = {"ItemID": item["ItemID"], "Name": item.get("Name"), "Code": item["Code"]}

        quantity = to_decimal(raw.get("Quantity"))
        unit = to_decimal(raw.get("UnitAmount"))
        if unit is None and item is not None:
            unit = details.get("UnitPrice")
        given_line = to_decimal(raw.get("LineAmount"))
        rate_off = to_decimal(raw.get("DiscountRate"))
        amount_off = to_decimal(raw.get("DiscountAmount"))
        blank = quantity is None and unit is None and given_line is None

        account = self._account(raw, details, item, blank, problems)
        if blank and account is None and item is None:
            if not description:
                problems.add("Description needs to be at least 1 char long")
            line.update({"LineAmount": ZERO, "TaxAmount": ZERO, "Tracking": []})
            return line

        line_amount = self._amounts(line, quantity, unit, given_line, rate_off, amount_off, problems)
        line["LineAmount"] = line_amount
        if account is not None:
            line["AccountCode"], line["AccountID"] = account.get("Code"), account["AccountID"]
        line["TaxType"], line["TaxAmount"] = self._tax(raw, details, account, line_amount, problems)
        line["Tracking"] = self.org.resource("TrackingCategories").resolve(raw.get("Tracking"), problems)
        return line

    def _item(self, raw, problems) -> dict | None:
        code = raw.get("ItemCode") or (raw.get("Item") or {}).get("Code")
        if not code:
            return None
        item = self.org.resource("Items").find(code)
        if item is None:
            problems.add(f"Item code '{code}' is not valid")
        return item

    def _account(self, raw, details, item, blank, problems) -> dict | None:
        if raw.get("AccountCode") or raw.get("AccountID"):
            account = self.accounts.find(code=raw.get("AccountCode"), account_id=raw.get("AccountID"))
            if not self.accounts.postable(account):
                shown = raw.get("AccountCode") or raw.get("AccountID")
                problems.add(f"Account code '{shown}' is not a valid code for this document.")
                return None
            return account
        code = details.get("AccountCode")
        if code:
            account = self.accounts.find(code=code)
            if self.accounts.postable(account):
                return account
        if self.require_account and (item is not None or not blank):
            problems.add("Account code or ID must be specified")
        return None

    def _amounts(self, line, quantity, unit, given_line, rate_off, amount_off, problems) -> Decimal:
        """Fill Quantity/UnitAmount/DiscountRate on ``line``; return its LineAmount."""
        if unit is None and given_line is None:
            unit = ZERO  # e.g. a quantity of an item without a price
        if unit is not None:
            unit = round_to(unit, self.unitdp)
        if quantity is None:
            if unit not in (None, ZERO) and given_line is not None and not rate_off and not amount_off:
                quantity = round_to(given_line / unit, 4)
            else:
                quantity = Decimal(1)
        quantity = round_to(quantity, 4)
        factor = (HUNDRED - (rate_off or ZERO)) / HUNDRED
        if unit is None:  # only a LineAmount: Xero works the unit price out
            unit = round_to(given_line / quantity / factor, self.unitdp) if quantity and factor else ZERO
            expected = money(given_line - (amount_off or ZERO))
        else:
            gross = quantity * unit
            expected = money(gross * factor if amount_off is None else gross - amount_off)
            if given_line is not None and money(given_line) != expected:
                problems.add(
                    f"The line total {fmt_money(given_line)} does not match the expected line total "
                    f"{fmt_money(expected)}"
                )
        line["Quantity"], line["UnitAmount"] = quantity, unit
        if rate_off:
            line["DiscountRate"] = rate_off
        if amount_off is not None:
            line["DiscountAmount"] = money(amount_off)
        line["_discount"] = money(quantity * unit) - expected if (rate_off or amount_off) else ZERO
        return expected

    def _tax(self, raw, details, account, line_amount, problems) -> tuple[str | None, Decimal]:
        tax_type = raw.get("TaxType") or details.get("TaxType") or (account or {}).get("TaxType")
        if not tax_type:
            if self.line_amount_types != "NoTax" and self.require_account and account is not None:
                problems.add("The TaxType field is mandatory")
            return None, ZERO
        rate = self.tax_rates.usable(tax_type, account)
        if rate is None:
            known = self.tax_rates.find(tax_type)
            if known is not None and known.get("Status") == "ACTIVE":
                problems.add(
                    f"The TaxType code {tax_type} cannot be used with account code "
                    f"{(account or {}).get('Code')}."
                )
            else:
                problems.add(unknown_tax_type(tax_type))
            return tax_type, ZERO
        if self.line_amount_types == "NoTax" and raw.get("TaxType") and to_decimal(rate["EffectiveRate"]):
            problems.add(NO_TAX_MESSAGE.format(tax_type=rate["TaxType"]))
            return rate["TaxType"], ZERO
        tax = line_tax(line_amount, rate["EffectiveRate"], self.line_amount_types)
        override = to_decimal(raw.get("TaxAmount"))
        if override is not None and self.line_amount_types != "NoTax":
            tax = money(override)
        return rate["TaxType"], tax


def reusable_lines(lines: list[dict]) -> list[dict]:
    """Stored lines as input for a recomputation (LineAmountTypes changed, lines not resent)."""
    keep = (
        "LineItemID",
        "Description",
        "Quantity",
        "UnitAmount",
        "ItemCode",
        "AccountCode",
        "TaxType",
        "DiscountRate",
        "DiscountAmount",
        "Tracking",
    )
    return [{k: line[k] for k in keep if line.get(k) is not None} for line in lines]


def view_lines(lines: list[dict], unitdp: int) -> list[dict]:
    shown = []
    for stored in lines:
        line = dict(stored)
        if line.get("UnitAmount") is not None:
            line["UnitAmount"] = round_to(line["UnitAmount"], unitdp)
        shown.append(line)
    return shown


# --------------------------------------------------------------------------- documents


class DocumentResource(Resource):
    """Shared behaviour of invoices, credit notes and purchase orders."""

    types: dict[str, str] = {}  # Type -> SALES/PURCHASES
    type_field = "Type"
    number_field = ""
    number_prefix: dict[str, str] = {}  # Type -> auto-number prefix (types with unique numbers)
    transitions = INVOICE_TRANSITIONS
    require_account = True  # lines must post to an account (not so for purchase orders)
    needs_due_date = True  # SUBMITTED/AUTHORISED need a DueDate (given, or from payment terms)
    extra_dates: tuple[str, ...] = ()  # further date fields (purchase orders' DeliveryDate...)
    attachable = True
    printable = True
    COPIED = (
        "Reference",
        "Url",
        "BrandingThemeID",
        "SentToContact",
        "ExpectedPaymentDate",
        "PlannedPaymentDate",
    )

    @property
    def lock_message(self) -> str:
        return f"{self.label} not of valid status for modification"

    def doc_type(self, raw: dict, existing: dict | None) -> str | None:
        return (existing or {}).get(self.type_field) or raw.get(self.type_field)

    def locked(self, doc: dict) -> bool:
        """Documents with money applied to them can no longer be edited."""
        return bool(
            doc.get("AmountPaid")
            or doc.get("AmountCredited")
            or doc.get("Allocations")
            or doc.get("Payments")
        )

    def match_existing(self, raw, ctx):
        number, doc_type = raw.get(self.number_field), raw.get(self.type_field)
        if not number or (self.number_prefix and doc_type not in self.number_prefix):
            return None
        return self.find_number(number, doc_type)

    def find_number(self, number, doc_type, exclude_id=None) -> dict | None:
        return next(
            (
                d
                for d in self.docs()
                if same_text(d.get(self.number_field), number)
                and (doc_type is None or d.get(self.type_field) == doc_type)
                and d[self.id_field] != exclude_id
            ),
            None,
        )

    # save ---------------------------------------------------------------------
    def editable(self, doc: dict) -> bool:
        """Final statuses (PAID, VOIDED, DELETED...) and approved documents with money applied to
        them refuse every change, status changes included."""
        if not self.transitions.get(doc["Status"]):
            return False
        return not (doc["Status"] == "AUTHORISED" and self.locked(doc))

    def save(self, raw, existing, ctx):
        if existing is not None and not self.editable(existing):
            raise Invalid(self.lock_message)
        problems = Problems()
        doc = (
            copy.deepcopy(existing)
            if existing
            else {self.id_field: self.org.new_id(), "HasAttachments": False}
        )
        doc_type = self.doc_type(raw, existing)
        if doc_type not in self.types:
            problems.add(f"{self.label} Type must be one of {', '.join(self.types)}")
            problems.raise_if_any()
        doc[self.type_field] = doc_type
        self._status(raw, existing, doc, problems)
        self._contact(raw, existing, doc, problems, ctx)
        self._dates(raw, doc, problems, ctx)
        self._currency(raw, doc, problems)
        self._lines(raw, existing, doc, problems, ctx)
        self._number(raw, existing, doc, problems)
        for name in self.COPIED:
            if name in raw:
                doc[name] = raw[name]
        self.org.resource("BrandingThemes").require(raw.get("BrandingThemeID"), problems)
        self.extra_fields(raw, doc, problems)
        problems.raise_if_any()
        self.settle(doc)
        return doc

    def _status(self, raw, existing, doc, problems) -> None:
        current = existing["Status"] if existing else None
        wanted = str(raw.get("Status") or current or "DRAFT").upper()
        if wanted not in self.transitions[current]:
            if current is None:
                problems.add(
                    f"{self.label} Status must be one of {', '.join(sorted(self.transitions[None]))}"
                )
            else:
                problems.add(self.lock_message)
        doc["Status"] = wanted

    def _contact(self, raw, existing, doc, problems, ctx) -> None:
        if existing is not None and "Contact" not in raw:
            return
        contact = self.org.resource("Contacts").resolve(raw.get("Contact"), problems, ctx)
        if contact is not None:
            doc["_contact_id"] = contact["ContactID"]

    def _dates(self, raw, doc, problems, ctx) -> None:
        for name in ("Date", "DueDate", *self.extra_dates):
            if raw.get(name):
                parsed = parse_date(raw[name])
                if parsed is None:
                    problems.add(f"The {name} '{raw[name]}' is not a valid date.")
                doc[name] = parsed
        if doc.get("Date") is None:  # Xero dates undated documents today
            doc["Date"] = ctx.today
        if self.needs_due_date and doc["Status"] in ("SUBMITTED", "AUTHORISED") and not doc.get("DueDate"):
            doc["DueDate"] = self.default_due_date(doc)
            if doc["DueDate"] is None:
                problems.add("The document DueDate field must be specified.")

    def default_due_date(self, doc):
        """Due date from the contact's payment terms (Sales for receivables, Bills for payables)."""
        contact = self.store.get("Contacts", doc.get("_contact_id")) or {}
        terms = (contact.get("PaymentTerms") or {}).get(
            "Sales" if self.types[doc[self.type_field]] == SALES else "Bills"
        ) or {}
        if terms.get("Type") == "DAYSAFTERBILLDATE" and terms.get("Day") is not None:
            return doc["Date"] + timedelta(days=int(terms["Day"]))
        return None

    def _currency(self, raw, doc, problems) -> None:
        currencies = self.org.resource("Currencies")
        code = str(raw.get("CurrencyCode") or doc.get("CurrencyCode") or self.org.base_currency).upper()
        currencies.require(code, problems)
        doc["CurrencyCode"] = code
        if code == self.org.base_currency:
            doc["CurrencyRate"] = Decimal(1)
        elif to_decimal(raw.get("CurrencyRate")):
            doc["CurrencyRate"] = round_to(to_decimal(raw["CurrencyRate"]), 6)
        elif not doc.get("CurrencyRate") or doc["CurrencyRate"] == 1:
            doc["CurrencyRate"] = currencies.day_rate(code)

    def _lines(self, raw, existing, doc, problems, ctx) -> None:
        line_amount_types = line_amount_types_of(
            raw.get("LineAmountTypes"), doc.get("LineAmountTypes") or "Exclusive", problems
        )
        doc["LineAmountTypes"] = line_amount_types
        side = self.types[doc[self.type_field]]
        previous = (existing or {}).get("LineItems") or []
        if "LineItems" in raw:
            self._check_discounts(raw, doc, problems)
            builder = LineBuilder(self.org, side, line_amount_types, ctx.unitdp, self.require_account)
            doc["LineItems"] = builder.build_all(raw.get("LineItems"), problems, previous)
        elif existing is not None:  # recompute stored lines (LineAmountTypes or status may change)
            builder = LineBuilder(self.org, side, line_amount_types, 4, self.require_account)
            doc["LineItems"] = builder.build_all(reusable_lines(previous), problems, previous)
        else:
            doc["LineItems"] = []
        doc.update(document_totals(doc["LineItems"], line_amount_types))

    # document types that take DiscountRate/DiscountAmount on their lines (spec: ACCREC only)
    discount_types = ("ACCREC",)

    def _check_discounts(self, raw, doc, problems) -> None:
        if doc[self.type_field] in self.discount_types:
            return
        lines = raw.get("LineItems") if isinstance(raw.get("LineItems"), list) else []
        if any(
            isinstance(line, dict) and (line.get("DiscountRate") or line.get("DiscountAmount"))
            for line in lines
        ):
            problems.add(DISCOUNT_MESSAGE)

    def _number(self, raw, existing, doc, problems) -> None:
        doc_type = doc[self.type_field]
        number = raw.get(self.number_field, doc.get(self.number_field))
        prefix = self.number_prefix.get(doc_type)
        if not number and prefix:
            number = self.org.next_number(prefix, lambda n: self.find_number(n, doc_type) is not None)
        taken = (
            self.find_number(number, doc_type, exclude_id=doc[self.id_field]) if number and prefix else None
        )
        # A deleted draft frees its number (delete and export again, as M-Power's guide has it);
        # a voided document keeps it (hence "add a full stop to the number before voiding").
        if taken and taken.get("Status") != "DELETED":
            problems.add(f"{self.number_label} # must be unique.")
        doc[self.number_field] = number or None

    @property
    def number_label(self) -> str:
        return self.label

    def extra_fields(self, raw, doc, problems) -> None:
        pass

    def settle(self, doc) -> None:
        """Derived amounts after an edit (overridden per resource)."""

    # view ---------------------------------------------------------------------
    def view(self, doc, ctx):
        view = dict(doc)
        contact = self.store.get("Contacts", doc.get("_contact_id"))
        if contact is not None:
            view["Contact"] = self.org.resource("Contacts").summary(contact)
        view["LineItems"] = view_lines(doc.get("LineItems") or [], ctx.unitdp)
        view["IsDiscounted"] = any(
            line.get("DiscountRate") or line.get("DiscountAmount") for line in doc.get("LineItems") or []
        )
        view[self.error_flag] = False
        return view

    def after_commit(self, doc, existing, ctx):
        side = self.types[doc[self.type_field]]
        self.org.resource("Contacts").mark_usage(
            doc.get("_contact_id"), customer=side == SALES, supplier=side == PURCHASES
        )


# What GET /Invoices?summaryOnly=true leaves out: the "computation-heavy" parts.
SUMMARY_LEFT_OUT = ("LineItems", "Payments", "CreditNotes", "Prepayments", "Overpayments")


class Invoices(DocumentResource):
    name, id_field, label = "Invoices", "InvoiceID", "Invoice"
    key_fields = ("InvoiceNumber",)
    list_filters = {
        "IDs": "InvoiceID",
        "InvoiceNumbers": "InvoiceNumber",
        "ContactIDs": "Contact.ContactID",
        "Statuses": "Status",
    }
    search_fields = ("InvoiceNumber", "Reference")
    paged = True
    event_category = "INVOICE"
    types = {"ACCREC": SALES, "ACCPAY": PURCHASES}
    number_field = "InvoiceNumber"
    number_prefix = {"ACCREC": "INV-"}

    def settle(self, doc):
        for name in ("AmountPaid", "AmountCredited"):
            doc.setdefault(name, ZERO)
        for name in ("Payments", "CreditNotes", "Prepayments", "Overpayments"):
            doc.setdefault(name, [])
        if doc["Status"] in ("VOIDED", "DELETED"):
            doc["AmountDue"] = ZERO
        else:
            doc["AmountDue"] = doc["Total"] - doc["AmountPaid"] - doc["AmountCredited"]

    def unpaged_view(self, view):
        """Xero leaves line items out of invoice lists unless the request is paged."""
        return {k: v for k, v in view.items() if k != "LineItems"}

    def summary_view(self, view):
        """``summaryOnly=true``: the lightweight fields only, paged or not. Line items and the
        computed detail (payments, credit notes, prepayments, overpayments) are left out and
        the contact shrinks to its id and name; numbers, dates, status and totals remain."""
        summary = {k: v for k, v in view.items() if k not in SUMMARY_LEFT_OUT}
        contact = view.get("Contact") or {}
        summary["Contact"] = {k: contact[k] for k in ("ContactID", "Name") if k in contact}
        return summary

    def subroute(self, method, doc, rest, ctx, body):
        action = rest[0].lower()
        if action == "onlineinvoice" and len(rest) == 1:
            return self.online_invoice(doc) if method == "GET" else None
        if action == "email" and len(rest) == 1 and method == "POST":
            return self.email(doc, ctx)
        return None

    def online_invoice(self, doc) -> Response:
        """Online invoices exist for approved sales invoices only (AUTHORISED, or PAID since)."""
        if doc["Type"] != "ACCREC" or doc["Status"] not in ("AUTHORISED", "PAID"):
            return validation_exception(
                [
                    {
                        "InvoiceID": doc["InvoiceID"],
                        "ValidationErrors": [
                            {
                                "Message": "An online invoice can only be retrieved for an approved "
                                "(AUTHORISED or PAID) sales invoice"
                            }
                        ],
                    }
                ]
            )
        token = hashlib.sha256(f"{self.org.tenant_id}/{doc['InvoiceID']}".encode()).hexdigest()[:40]
        return Response(
            200, self.org.envelope("OnlineInvoices", [{"OnlineInvoiceUrl": f"https://in.xero.com/{token}"}])
        )

    def email(self, doc, ctx) -> Response:
        contact = self.store.get("Contacts", doc.get("_contact_id")) or {}
        if doc["Type"] != "ACCREC" or doc["Status"] not in ("AUTHORISED", "PAID"):
            return validation_exception(
                [{"ValidationErrors": [{"Message": "Only approved sales invoices can be emailed"}]}]
            )
        if not contact.get("EmailAddress"):
            return validation_exception(
                [{"ValidationErrors": [{"Message": "The contact does not have an email address"}]}]
            )
        updated = copy.deepcopy(doc)
        updated["SentToContact"] = True
        self.org.commit(self, updated, created=False)
        return Response(204, None)


class CreditNotes(DocumentResource):
    name, id_field, label = "CreditNotes", "CreditNoteID", "Credit Note"
    key_fields = ("CreditNoteNumber",)
    # no list parameters: the spec declares no IDs for GET /CreditNotes, and Xero ignores it
    search_fields = ("CreditNoteNumber", "Reference")
    paged = True
    types = {"ACCRECCREDIT": SALES, "ACCPAYCREDIT": PURCHASES}
    number_field = "CreditNoteNumber"
    number_prefix = {"ACCRECCREDIT": "CN-"}
    needs_due_date = False

    def settle(self, doc):
        doc.setdefault("Allocations", [])
        doc.setdefault("Payments", [])
        if doc["Status"] in ("VOIDED", "DELETED"):
            doc["RemainingCredit"] = ZERO
            return
        used = sum((a["Amount"] for a in doc["Allocations"]), ZERO) + sum(
            (p["Amount"] for p in doc["Payments"]), ZERO
        )
        doc["RemainingCredit"] = doc["Total"] - used

    def subroute(self, method, doc, rest, ctx, body):
        return Allocator.route(self, method, doc, rest, ctx, body)


class PurchaseOrders(DocumentResource):
    name, id_field, label = "PurchaseOrders", "PurchaseOrderID", "Purchase Order"
    key_fields = ("PurchaseOrderNumber",)
    paged = True
    types = {"PURCHASEORDER": PURCHASES}
    number_field = "PurchaseOrderNumber"
    number_prefix = {"PURCHASEORDER": "PO-"}
    transitions = PURCHASE_ORDER_TRANSITIONS
    require_account = False  # purchase orders post nothing: account and tax type are optional
    discount_types = ("PURCHASEORDER",)
    needs_due_date = False
    extra_dates = ("DeliveryDate", "ExpectedArrivalDate")
    COPIED = (*DocumentResource.COPIED, "DeliveryAddress", "AttentionTo", "Telephone", "DeliveryInstructions")

    def doc_type(self, raw, existing):
        return "PURCHASEORDER"

    def locked(self, doc):
        return False

    def base_docs(self, query):
        """GET /PurchaseOrders filters by Status and DateFrom/DateTo (no where clause)."""
        docs = self.docs()
        if query.get("Status"):
            docs = [d for d in docs if d["Status"] == str(query["Status"]).upper()]
        date_from, date_to = parse_date(query.get("DateFrom")), parse_date(query.get("DateTo"))
        if date_from:
            docs = [d for d in docs if d["Date"] >= date_from]
        if date_to:
            docs = [d for d in docs if d["Date"] <= date_to]
        return docs


# --------------------------------------------------------------------------- allocations

# Which invoice type each kind of credit may be allocated to.
CREDIT_TARGET_TYPE = {
    "ACCRECCREDIT": "ACCREC",
    "ACCPAYCREDIT": "ACCPAY",
    "RECEIVE-OVERPAYMENT": "ACCREC",
    "SPEND-OVERPAYMENT": "ACCPAY",
    "RECEIVE-PREPAYMENT": "ACCREC",
    "SPEND-PREPAYMENT": "ACCPAY",
}
# Where the invoice lists credit applied from each source resource.
INVOICE_CREDIT_LIST = {
    "CreditNotes": "CreditNotes",
    "Overpayments": "Overpayments",
    "Prepayments": "Prepayments",
}


class Allocator:
    """PUT/DELETE /{CreditNotes|Overpayments|Prepayments}/{id}/Allocations: apply credit to
    invoices. The source's RemainingCredit and the invoice's AmountCredited/AmountDue move
    together; either turns PAID when it reaches zero."""

    name = "Allocations"
    id_field = "AllocationID"
    error_flag = "HasErrors"

    @classmethod
    def route(cls, source_resource, method, doc, rest, ctx, body):
        """The ``subroute`` of the resources whose documents carry credit: PUT
        …/{id}/Allocations allocates, DELETE …/{id}/Allocations/{AllocationID} removes one;
        anything else below the document is no route (None)."""
        if rest[0].lower() != "allocations":
            return None
        allocator = cls(source_resource.org, source_resource)
        if len(rest) == 1 and method == "PUT":
            return allocator.write(doc, ctx, body)
        if len(rest) == 2 and method == "DELETE":
            return allocator.delete(doc, rest[1])
        return None

    def __init__(self, org, source_resource):
        self.org = org
        self.source = source_resource
        self.invoices = org.resource("Invoices")
        self._source_id = None

    def write(self, source_doc, ctx, body) -> Response:
        self._source_id = source_doc[self.source.id_field]
        return self.org.write_batch(self, "PUT", ctx.query, body)

    def write_one(self, raw, url_doc, ctx) -> dict:
        source = self.org.store.copy(self.source.name, self._source_id)
        problems = Problems()
        invoice = self._invoice(raw.get("Invoice") or {}, problems)
        amount = to_decimal(raw.get("Amount"))
        when = parse_date(raw.get("Date")) if raw.get("Date") else ctx.today
        if source["Status"] != "AUTHORISED":
            problems.add(f"{self.source.label} not of valid status for allocation")
        if amount is None or amount <= 0:
            problems.add("The amount being allocated must be greater than zero")
        if when is None:
            problems.add("The allocation date is not a valid date")
        if invoice is not None:
            self._check_pairing(source, invoice, problems)
            if amount is not None and amount > 0:
                if money(amount) > source["RemainingCredit"]:
                    problems.add(
                        f"The amount being allocated ({fmt_money(amount)}) exceeds the remaining "
                        f"credit ({fmt_money(source['RemainingCredit'])})"
                    )
                if money(amount) > invoice["AmountDue"]:
                    problems.add(
                        f"The amount being allocated ({fmt_money(amount)}) exceeds the amount due "
                        f"on the invoice ({fmt_money(invoice['AmountDue'])})"
                    )
        problems.raise_if_any()
        return self._apply(source, copy.deepcopy(invoice), money(amount), when)

    def _invoice(self, raw_invoice, problems) -> dict | None:
        invoice = None
        if raw_invoice.get("InvoiceID") and is_uuid(raw_invoice["InvoiceID"]):
            invoice = self.org.store.get("Invoices", raw_invoice["InvoiceID"])
        elif raw_invoice.get("InvoiceNumber"):
            invoice = self.invoices.find_number(raw_invoice["InvoiceNumber"], None)
        if invoice is None:
            problems.add("An existing Invoice with the specified InvoiceID could not be found")
        return invoice

    def _check_pairing(self, source, invoice, problems) -> None:
        if invoice["Status"] != "AUTHORISED":
            problems.add("Invoice not of valid status for allocation")
        if CREDIT_TARGET_TYPE.get(source.get("Type")) != invoice["Type"]:
            problems.add(
                f"A {source.get('Type')} cannot be allocated to an invoice of type {invoice['Type']}"
            )
        if source.get("_contact_id") != invoice.get("_contact_id"):
            problems.add("The credit and the invoice must belong to the same contact")
        if source.get("CurrencyCode") != invoice.get("CurrencyCode"):
            problems.add("The credit and the invoice must be in the same currency")

    def _apply(self, source, invoice, amount, when) -> dict:
        allocation_id = self.org.new_id()
        source["Allocations"].append(
            {
                "AllocationID": allocation_id,
                "Amount": amount,
                "Date": when,
                "Invoice": {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": invoice.get("InvoiceNumber")},
            }
        )
        self.source.settle(source)
        if source["RemainingCredit"] == 0:
            source["Status"] = "PAID"
        self.org.commit(self.source, source, created=False)

        invoice["AmountCredited"] += amount
        invoice[INVOICE_CREDIT_LIST[self.source.name]].append(
            {
                self.source.id_field: source[self.source.id_field],
                **(
                    {"CreditNoteNumber": source.get("CreditNoteNumber")}
                    if self.source.name == "CreditNotes"
                    else {}
                ),
                "ID": allocation_id,
                "AppliedAmount": amount,
                "Date": when,
                "Total": source["Total"],
                "_allocation_id": allocation_id,
            }
        )
        settle_invoice(invoice, when)
        self.org.commit(self.invoices, invoice, created=False)
        return {
            "AllocationID": allocation_id,
            "Amount": amount,
            "Date": when,
            "Invoice": {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": invoice.get("InvoiceNumber")},
            self.source.label.replace(" ", ""): {self.source.id_field: source[self.source.id_field]},
        }

    def ok_element(self, allocation, ctx) -> dict:
        return {**allocation, "StatusAttributeString": "OK"}

    def error_element(self, raw, messages) -> dict:
        return {
            **raw,
            "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": m} for m in messages],
        }

    def delete(self, source_doc, allocation_id) -> Response:
        """Reverse one allocation (DELETE /CreditNotes/{id}/Allocations/{AllocationID})."""
        source = copy.deepcopy(source_doc)
        allocation = next(
            (a for a in source["Allocations"] if a["AllocationID"] == allocation_id.lower()), None
        )
        if allocation is None:
            return not_found()
        source["Allocations"].remove(allocation)
        source["Status"] = "AUTHORISED"
        self.source.settle(source)
        self.org.commit(self.source, source, created=False)
        invoice = self.org.store.copy("Invoices", allocation["Invoice"]["InvoiceID"])
        credits = invoice[INVOICE_CREDIT_LIST[self.source.name]]
        invoice[INVOICE_CREDIT_LIST[self.source.name]] = [
            c for c in credits if c.get("_allocation_id") != allocation_id.lower()
        ]
        invoice["AmountCredited"] -= allocation["Amount"]
        settle_invoice(invoice, None)
        self.org.commit(self.invoices, invoice, created=False)
        return Response(200, to_json({**allocation, "IsDeleted": True}))


def settle_invoice(invoice: dict, paid_on) -> None:
    """Recompute AmountDue after money moved, and move between AUTHORISED and PAID."""
    invoice["AmountDue"] = invoice["Total"] - invoice["AmountPaid"] - invoice["AmountCredited"]
    if invoice["AmountDue"] == 0 and invoice["Status"] == "AUTHORISED":
        invoice["Status"] = "PAID"
        invoice["FullyPaidOnDate"] = paid_on
    elif invoice["AmountDue"] > 0 and invoice["Status"] == "PAID":
        invoice["Status"] = "AUTHORISED"
        invoice.pop("FullyPaidOnDate", None)


__all__ = ["ZERO_ID", "Allocator", "CreditNotes", "Invoices", "PurchaseOrders", "settle_invoice"]
