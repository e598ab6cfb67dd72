"""Payments, overpayments, prepayments and manual journals.

A payment moves money against one AUTHORISED document: an invoice (AmountPaid up, AmountDue
down, PAID with FullyPaidOnDate at zero) or a credit note (a refund: RemainingCredit down).
Deleting a payment (POST /Payments/{id} {"Status": "DELETED"}) puts everything back.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from .accounting_common import (
    Invalid,
    Problems,
    Resource,
    fmt_money,
    is_uuid,
    line_amount_types_of,
    money,
    parse_date,
    round_to,
    same_text,
    to_decimal,
    unknown_tax_type,
)
from .accounting_documents import (
    Allocator,
    document_totals,
    line_tax,
    settle_invoice,
)

ZERO = Decimal(0)

# (target resource, target Type) -> PaymentType
PAYMENT_TYPES = {
    ("Invoices", "ACCREC"): "ACCRECPAYMENT",
    ("Invoices", "ACCPAY"): "ACCPAYPAYMENT",
    ("CreditNotes", "ACCRECCREDIT"): "ARCREDITPAYMENT",
    ("CreditNotes", "ACCPAYCREDIT"): "APCREDITPAYMENT",
}
# Payment field naming the target document -> (resource, id field, number field, label)
PAYMENT_TARGETS = {
    "Invoice": ("Invoices", "InvoiceID", "InvoiceNumber", "Invoice"),
    "CreditNote": ("CreditNotes", "CreditNoteID", "CreditNoteNumber", "Credit Note"),
}


class Payments(Resource):
    name, id_field, label = "Payments", "PaymentID", "Payment"
    paged = True
    error_flag = "HasValidationErrors"

    # view ---------------------------------------------------------------------
    def view(self, doc, ctx):
        view = dict(doc)
        resource_name, target_id = doc["_target"]
        target = self.store.get(resource_name, target_id)
        key = "Invoice" if resource_name == "Invoices" else "CreditNote"
        if target is not None:
            id_field, number_field = PAYMENT_TARGETS[key][1:3]
            contact = self.store.get("Contacts", target.get("_contact_id"))
            view[key] = {
                "Type": target.get("Type"),
                id_field: target[id_field],
                number_field: target.get(number_field),
                "CurrencyCode": target.get("CurrencyCode"),
                "IsDiscounted": False,
                "HasErrors": False,
                "Contact": self.org.resource("Contacts").summary(contact) if contact else None,
                "Payments": [],
                "LineItems": [],
            }
        account = self.store.get("Accounts", doc["_account_id"])
        if account is not None:
            view["Account"] = {
                "AccountID": account["AccountID"],
                "Code": account.get("Code"),
                "Name": account.get("Name"),
            }
        view["HasValidationErrors"] = False
        return view

    # writes -------------------------------------------------------------------
    def find_existing(self, raw, ctx):
        if raw.get("PaymentID"):
            return super().find_existing(raw, ctx)
        return None

    def save(self, raw, existing, ctx):
        if existing is not None:
            return self._delete(raw, existing)
        problems = Problems()
        resource_name, target = self._target(raw, problems)
        account = self._account(raw, problems)
        amount = to_decimal(raw.get("Amount"))
        when = parse_date(raw.get("Date")) if raw.get("Date") else None
        if not raw.get("Date"):
            problems.add("The payment date is required.")  # FACTS.md: Payments take Date
        elif when is None:
            problems.add("The payment date is not a valid date.")
        if amount is None or amount <= 0:
            problems.add("The payment amount must be greater than zero.")
        if target is not None:
            if target["Status"] != "AUTHORISED":
                problems.add("Payments can only be made against Authorised documents")
            elif amount is not None and money(amount) > self._outstanding(resource_name, target):
                problems.add("Payment amount exceeds the amount outstanding on this document")
        problems.raise_if_any()
        rate = to_decimal(raw.get("CurrencyRate")) or target.get("CurrencyRate") or Decimal(1)
        doc = {
            "PaymentID": self.org.new_id(),
            "Date": when,
            "Amount": money(amount),
            "BankAmount": money(amount)
            if target["CurrencyCode"] == account.get("CurrencyCode", self.org.base_currency)
            else money(amount / rate),
            "CurrencyRate": round_to(rate, 6),
            "Reference": raw.get("Reference"),
            "IsReconciled": bool(raw.get("IsReconciled", False)),
            "Status": "AUTHORISED",
            "PaymentType": PAYMENT_TYPES[(resource_name, target["Type"])],
            "HasAccount": True,
            "_target": (resource_name, target[self._target_id_field(resource_name)]),
            "_account_id": account["AccountID"],
        }
        self._apply_to_target(doc, +1)
        return doc

    def _target_id_field(self, resource_name):
        return "InvoiceID" if resource_name == "Invoices" else "CreditNoteID"

    def _target(self, raw, problems) -> tuple[str | None, dict | None]:
        for key, (resource_name, id_field, number_field, label) in PAYMENT_TARGETS.items():
            ref = raw.get(key) or {}
            number = ref.get(number_field) or raw.get(number_field)
            if not (ref.get(id_field) or number):
                continue
            target = None
            if ref.get(id_field) and is_uuid(ref[id_field]):
                target = self.store.get(resource_name, ref[id_field])
            elif number:
                target = next(
                    (d for d in self.store.all(resource_name) if same_text(d.get(number_field), number)), None
                )
            if target is None:
                problems.add(f"{label} could not be found")
            return resource_name, target
        problems.add("An Invoice or Credit Note must be specified for a payment")
        return None, None

    def _account(self, raw, problems) -> dict | None:
        accounts = self.org.resource("Accounts")
        ref = raw.get("Account") or {}
        code, account_id = ref.get("Code") or raw.get("Code"), ref.get("AccountID")
        if not (code or account_id):
            problems.add("An Account must be specified for a payment")
            return None
        account = accounts.find(code=code, account_id=account_id if is_uuid(account_id) else None)
        if account is None:
            problems.add(f"Account code '{code or account_id}' is not a valid code for this document.")
        elif not accounts.accepts_payments(account):
            problems.add("Account type is invalid for making a payment to/from")
        return account

    @staticmethod
    def _outstanding(resource_name, target) -> Decimal:
        return target["AmountDue"] if resource_name == "Invoices" else target["RemainingCredit"]

    def _apply_to_target(self, payment: dict, sign: int) -> None:
        """Add (+1) or take back (-1) the payment on its invoice or credit note."""
        resource_name, target_id = payment["_target"]
        target = self.store.copy(resource_name, target_id)
        resource = self.org.resource(resource_name)
        if sign > 0:
            target["Payments"].append(
                {
                    "PaymentID": payment["PaymentID"],
                    "Date": payment["Date"],
                    "Amount": payment["Amount"],
                    "Reference": payment.get("Reference"),
                    "CurrencyRate": payment["CurrencyRate"],
                    "HasAccount": True,
                    "HasValidationErrors": False,
                }
            )
        else:
            target["Payments"] = [p for p in target["Payments"] if p["PaymentID"] != payment["PaymentID"]]
        if resource_name == "Invoices":
            target["AmountPaid"] += sign * payment["Amount"]
            settle_invoice(target, payment["Date"])
        else:
            target["Status"] = "AUTHORISED"
            resource.settle(target)
            if target["RemainingCredit"] == 0:
                target["Status"] = "PAID"
        self.org.commit(resource, target, created=False)

    def _delete(self, raw, existing) -> dict:
        if str(raw.get("Status", "")).upper() != "DELETED":
            raise Invalid("A payment can only be deleted (Status DELETED); it cannot be edited")
        if existing["Status"] == "DELETED":
            raise Invalid("This payment has already been deleted")
        doc = copy.deepcopy(existing)
        doc["Status"] = "DELETED"
        self._apply_to_target(doc, -1)
        return doc


class _CreditResource(Resource):
    """Overpayments and prepayments: credit held for a contact, allocatable to invoices.
    Xero creates them through bank transactions, which the sandbox does not model; ``create``
    is how seed data and the control API make them."""

    paged = True
    attachable = True
    write_methods = ()
    types: tuple[str, ...] = ()

    def view(self, doc, ctx):
        view = dict(doc)
        contact = self.store.get("Contacts", doc.get("_contact_id"))
        if contact is not None:
            view["Contact"] = self.org.resource("Contacts").summary(contact)
        return view

    def settle(self, doc) -> None:
        if doc["Status"] == "VOIDED":
            doc["RemainingCredit"] = ZERO
            return
        used = sum((a["Amount"] for a in doc["Allocations"]), ZERO)
        doc["RemainingCredit"] = doc["Total"] - used

    def create(
        self,
        *,
        contact_id,
        amount,
        date,
        kind,
        tax_type=None,
        account_code=None,
        line_amount_types="NoTax",
        reference=None,
        currency_code=None,
    ) -> dict:
        if kind not in self.types:
            raise Invalid(f"{self.label} Type must be one of {', '.join(self.types)}")
        amount = money(Decimal(str(amount)))
        rate = self.org.resource("TaxRates").find(tax_type) if tax_type else None
        tax = line_tax(amount, rate["EffectiveRate"], line_amount_types) if rate else ZERO
        line = {
            "LineItemID": self.org.new_id(),
            "Description": reference or self.label,
            "Quantity": Decimal(1),
            "UnitAmount": amount,
            "LineAmount": amount,
            "AccountCode": account_code,
            "TaxType": tax_type,
            "TaxAmount": tax,
            "Tracking": [],
        }
        doc = {
            self.id_field: self.org.new_id(),
            "Type": kind,
            "_contact_id": contact_id,
            "Date": parse_date(date),
            "Status": "AUTHORISED",
            "LineAmountTypes": line_amount_types,
            "LineItems": [line],
            "CurrencyCode": currency_code or self.org.base_currency,
            "CurrencyRate": Decimal(1),
            "Allocations": [],
            "Payments": [],
            "HasAttachments": False,
            "Reference": reference,
        }
        doc.update(
            {k: v for k, v in document_totals([line], line_amount_types).items() if k != "TotalDiscount"}
        )
        self.settle(doc)
        self.org.commit(self, doc, created=True)
        return doc

    def subroute(self, method, doc, rest, ctx, body):
        return Allocator.route(self, method, doc, rest, ctx, body)


class Overpayments(_CreditResource):
    name, id_field, label = "Overpayments", "OverpaymentID", "Overpayment"
    types = ("RECEIVE-OVERPAYMENT", "SPEND-OVERPAYMENT")


class Prepayments(_CreditResource):
    name, id_field, label = "Prepayments", "PrepaymentID", "Prepayment"
    types = ("RECEIVE-PREPAYMENT", "SPEND-PREPAYMENT")


# --------------------------------------------------------------------------- manual journals

MANUAL_JOURNAL_TRANSITIONS = {
    None: {"DRAFT", "POSTED"},
    "DRAFT": {"DRAFT", "POSTED", "DELETED"},
    "POSTED": {"POSTED", "VOIDED"},
    "DELETED": set(),
    "VOIDED": set(),
}


class ManualJournals(Resource):
    name, id_field, label = "ManualJournals", "ManualJournalID", "Manual Journal"
    paged = True
    attachable = True

    def save(self, raw, existing, ctx):
        problems = Problems()
        current = existing["Status"] if existing else None
        if current in ("DELETED", "VOIDED"):
            raise Invalid("Manual journal not of valid status for modification")
        doc = (
            copy.deepcopy(existing)
            if existing
            else {
                "ManualJournalID": self.org.new_id(),
                "ShowOnCashBasisReports": True,
                "HasAttachments": False,
            }
        )
        for name in ("Narration", "Url", "ShowOnCashBasisReports"):
            if name in raw:
                doc[name] = raw[name]
        wanted = str(raw.get("Status") or current or "DRAFT").upper()
        if wanted not in MANUAL_JOURNAL_TRANSITIONS[current]:
            problems.add(
                "Manual journal not of valid status for modification"
                if current
                else "Manual journal Status must be DRAFT or POSTED"
            )
        doc["Status"] = wanted
        if not str(doc.get("Narration") or "").strip():
            problems.add("Narration must be specified")
        if raw.get("Date"):
            doc["Date"] = parse_date(raw["Date"])
            if doc["Date"] is None:
                problems.add(f"The Date '{raw['Date']}' is not a valid date.")
        doc["Date"] = doc.get("Date") or ctx.today
        line_amount_types = line_amount_types_of(
            raw.get("LineAmountTypes"), doc.get("LineAmountTypes") or "NoTax", problems
        )
        doc["LineAmountTypes"] = line_amount_types
        if "JournalLines" in raw or existing is None:
            doc["JournalLines"] = [
                self._line(r, line_amount_types, problems) for r in raw.get("JournalLines") or []
            ]
        self._check_balance(doc["JournalLines"], wanted, problems)
        problems.raise_if_any()
        return doc

    def _line(self, raw, line_amount_types, problems) -> dict:
        accounts = self.org.resource("Accounts")
        account = accounts.find(
            code=raw.get("AccountCode"),
            account_id=raw.get("AccountID") if is_uuid(raw.get("AccountID")) else None,
        )
        if account is None or account.get("Status") != "ACTIVE":
            problems.add(
                f"Account code '{raw.get('AccountCode') or raw.get('AccountID')}' is not a valid code "
                "for this document."
            )
        amount = to_decimal(raw.get("LineAmount"))
        if amount is None:
            problems.add("LineAmount must be specified on each journal line")
            amount = ZERO
        line = {
            "Description": raw.get("Description"),
            "LineAmount": money(amount),
            "TaxAmount": ZERO,
            "IsBlank": False,
        }
        if account is not None:
            line.update({"AccountCode": account.get("Code"), "AccountID": account["AccountID"]})
        tax_type = raw.get("TaxType")
        if tax_type:
            rate = self.org.resource("TaxRates").usable(tax_type, account)
            if rate is None:
                problems.add(unknown_tax_type(tax_type))
            else:
                line["TaxType"] = rate["TaxType"]
                line["TaxAmount"] = line_tax(abs(amount), rate["EffectiveRate"], line_amount_types) * (
                    1 if amount >= 0 else -1
                )
        line["Tracking"] = self.org.resource("TrackingCategories").resolve(raw.get("Tracking"), problems)
        return line

    @staticmethod
    def _check_balance(lines, status, problems) -> None:
        """Debits (positive) must equal credits (negative); posting needs at least two lines."""
        debits = sum((line["LineAmount"] for line in lines if line["LineAmount"] > 0), ZERO)
        credits = -sum((line["LineAmount"] for line in lines if line["LineAmount"] < 0), ZERO)
        if debits != credits:
            problems.add(
                f"The total debits ({fmt_money(debits)}) must equal total credits ({fmt_money(credits)})"
            )
        if status == "POSTED" and len(lines) < 2:
            problems.add("A posted manual journal must have at least two journal lines")
