"""Xero's rules for large organisations (efficient data retrieval), and the URL length limit.

An organisation past an endpoint's high-volume threshold (payments: 100,000; invoices: about
500,000) answers a list GET of that endpoint only when it is paged and filters and orders on
the endpoint's optimised fields; anything else is refused with HTTP 400 and Xero's text
"Your request is not filtering <Invoices|Contacts|payments> efficiently…". Which endpoints of
an organisation are past their threshold is set through the control API
(``POST /_sandbox/orgs/<tenant>/high-volume``); the demo organisation "Demo Company (Large)"
is past every threshold.

- Invoices, Contacts and Payments: paging required; ``where`` and ``order`` on the optimised
  fields only, and the optimised query parameters (``OPTIMISED``). Payments' optimised fields
  are those of Xero's Payments page (PaymentType, Status, Date, Invoice.InvoiceID, Reference;
  order by PaymentID, UpdatedDateUTC, Date).
- The other paged endpoints (credit notes, purchase orders, manual journals, overpayments,
  prepayments): paging required; Xero names no optimised fields for them.
- For every organisation: the gateway's query-string limit (IIS ``maxQueryString``, 2,048
  characters as sent, percent-encoding included) answers 404 before anything else. 52 invoice
  ids in ``IDs=`` (commas sent as ``%2C``, as the SDKs send them) fit; 53 do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from .accounting_common import Response
from .accounting_query import WhereSyntaxError, tokenize

MAX_QUERY_STRING = 2048
EFFICIENT_DATA_RETRIEVAL = "https://developer.xero.com/documentation/api/efficient-data-retrieval"
# Query parameters that shape the answer without filtering it: allowed everywhere.
NEUTRAL_PARAMS = {
    "page",
    "pagesize",
    "unitdp",
    "summaryonly",
    "includearchived",
    "createdbymyapp",
    "where",
    "order",
}


@dataclass(frozen=True)
class Rules:
    label: str  # the word Xero's refusal uses
    where: frozenset = field(default_factory=frozenset)
    order: frozenset = field(default_factory=frozenset)
    params: frozenset = field(default_factory=frozenset)


def _lower(*names):
    return frozenset(name.lower() for name in names)


OPTIMISED = {
    "invoices": Rules(
        "Invoices",
        where=_lower(
            "Status",
            "Contact.ContactID",
            "Contact.Name",
            "Contact.ContactNumber",
            "Reference",
            "Date",
            "Type",
            "AmountDue",
            "AmountPaid",
            "DueDate",
        ),
        order=_lower("InvoiceID", "UpdatedDateUTC", "Date"),
        params=_lower("IDs", "InvoiceNumbers", "ContactIDs", "Statuses", "SearchTerm"),
    ),
    "contacts": Rules(
        "Contacts",
        where=_lower("Name", "EmailAddress", "AccountNumber"),
        order=_lower("ContactID", "UpdatedDateUTC", "Name"),
        params=_lower("IDs", "searchTerm"),
    ),
    "payments": Rules(
        "payments",
        where=_lower("PaymentType", "Status", "Date", "Invoice.InvoiceID", "Reference"),
        order=_lower("PaymentID", "UpdatedDateUTC", "Date"),
    ),
}


def refusal_text(label: str) -> str:
    return (
        f"Your request is not filtering {label} efficiently, given the extremely high volume for this "
        f"organisation. Please check {EFFICIENT_DATA_RETRIEVAL} for tips on making {label} retrieval "
        "more efficient."
    )


def refused(label: str, reason: str) -> Response:
    """Xero's 400; ``X-Sandbox-Refusal`` (the sandbox's reason, for its refusal log) never
    reaches the client."""
    return Response(
        400,
        {"Title": "Bad Request", "Status": 400, "Detail": refusal_text(label)},
        {"X-Sandbox-Refusal": reason},
    )


def where_fields(text: str) -> set[str]:
    """The field paths a ``where`` clause reads (``Contact.Name``, ``Status``), lower-cased;
    method calls (``.ToLower()``) and literals (``Guid(..)``, ``DateTime(..)``) left out."""
    try:
        tokens = tokenize(text)
    except WhereSyntaxError:
        return {text.lower()}  # unparseable: refused as unoptimised (the parser answers later)
    fields, index = set(), 0
    while index < len(tokens):
        kind, value = tokens[index]
        if kind != "name":
            index += 1
            continue
        if index + 1 < len(tokens) and tokens[index + 1] == ("op", "("):  # Guid(..), DateTime(..)
            index += 1
            continue
        path = [value]
        index += 1
        while (
            index + 1 < len(tokens)
            and tokens[index] == ("op", ".")
            and tokens[index + 1][0] == "name"
            and not (index + 2 < len(tokens) and tokens[index + 2] == ("op", "("))
        ):
            path.append(tokens[index + 1][1])
            index += 2
        if index + 1 < len(tokens) and tokens[index] == ("op", "."):
            index += 2  # a method: .ToLower( ... the arguments are literals
        fields.add(".".join(path).lower())
    return fields


def order_fields(text: str) -> set[str]:
    return {part.split()[0].lower() for part in text.split(",") if part.split()}


def check_list(handler, query: dict, high_volume: set) -> Response | None:
    """The refusal of a list GET of ``handler`` on an organisation whose ``high_volume``
    endpoints (lower-cased names) include it, or None when Xero answers it."""
    key = handler.name.lower()
    if key not in high_volume or not handler.paged:
        return None
    rules = OPTIMISED.get(key)
    reason = _inefficiency({name.lower(): value for name, value in query.items()}, rules)
    return refused(rules.label if rules else handler.name, reason) if reason else None


def _inefficiency(values: dict, rules: Rules | None) -> str | None:
    if values.get("page") in (None, ""):
        return "not paged"
    if rules is None:
        return None
    slow = sorted(where_fields(values["where"]) - rules.where) if values.get("where") else []
    if slow:
        return f"where on {', '.join(slow)}"
    slow = sorted(order_fields(values["order"]) - rules.order) if values.get("order") else []
    if slow:
        return f"order by {', '.join(slow)}"
    slow = sorted(
        name for name, value in values.items() if value and name not in NEUTRAL_PARAMS | rules.params
    )
    return f"parameter {', '.join(slow)}" if slow else None


def query_string_too_long(query_string: str | None, query_pairs) -> bool:
    """The query string as sent (or, for a request built without one, as the SDKs would send
    it) is longer than the gateway takes."""
    if query_string is None:
        query_string = urlencode(list(query_pairs))
    return len(query_string) > MAX_QUERY_STRING


QUERY_STRING_TOO_LONG_PAGE = (
    "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body>"
    "<h2>HTTP Error 404.15 - Not Found</h2><h3>The request filtering module is configured to deny a "
    "request where the query string is too long.</h3></body></html>"
)
