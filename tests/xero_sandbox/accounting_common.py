"""Shared building blocks of the sandbox's Accounting API: responses, errors, dates, money, storage.

Documents are stored in Xero's own JSON field names (PascalCase) but with Python values:
``Decimal`` for money, ``date`` for calendar dates, aware ``datetime`` for timestamps. Keys that
start with ``_`` are sandbox bookkeeping and never leave the sandbox. ``to_json`` turns a stored
(or viewed) document into what Xero puts on the wire: ``/Date(ms+0000)/`` dates with their
``...String`` companions, and plain JSON numbers.
"""

from __future__ import annotations

import copy
import email.utils
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO_ID = "00000000-0000-0000-0000-000000000000"
API_ROOT = "https://api.xero.com/api.xro/2.0"


# --------------------------------------------------------------------------- responses, errors


@dataclass
class Response:
    status: int
    body: object = None  # dict/list -> JSON; bytes -> raw; None -> empty
    headers: dict = field(default_factory=dict)


class Invalid(Exception):
    """Validation failure of one element of a write: carries Xero's ValidationErrors messages."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class HttpError(Exception):
    """Aborts the whole request with a ready-made response (404, 400 parse errors...)."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


class Problems:
    """Collects every validation message of one element, as Xero reports them all at once."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise Invalid(*self.messages)

    def __bool__(self):
        return bool(self.messages)


LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


def line_amount_types_of(value, default: str, problems: Problems) -> str:
    """LineAmountTypes as Xero spells it (matched case-insensitively)."""
    if not value:
        return default
    match = next((t for t in LINE_AMOUNT_TYPES if t.lower() == str(value).lower()), None)
    if match is None:
        problems.add(f"LineAmountTypes must be one of {', '.join(LINE_AMOUNT_TYPES)}")
        return default
    return match


def unknown_tax_type(tax_type) -> str:
    return f"The TaxType code {tax_type} does not exist or cannot be used for this type of transaction."


def validation_exception(elements: list[dict]) -> Response:
    """The 400 body Xero sends when a write fails validation (summarizeErrors=true)."""
    return Response(
        400,
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
    )


def single_validation_error(message: str, element: dict | None = None) -> Response:
    element = dict(element or {})
    element["ValidationErrors"] = [{"Message": message}]
    return validation_exception([element])


def post_data_invalid(detail: str) -> Response:
    return Response(
        400,
        {
            "ErrorNumber": 14,
            "Type": "PostDataInvalidException",
            "Message": f"JSON for post data was invalid,{detail}",
        },
    )


def query_parse_error(detail: str) -> Response:
    return Response(
        400,
        {
            "ErrorNumber": 16,
            "Type": "QueryParseException",
            "Message": detail,
        },
    )


def not_found() -> Response:
    """Xero answers unknown ids with 404; the SDKs only look at the status code."""
    return Response(
        404,
        {
            "Title": "Not Found",
            "Status": 404,
            "Detail": "The resource you're looking for cannot be found",
            "Instance": str(uuid.uuid4()),
        },
    )


def method_not_allowed(method: str) -> Response:
    return Response(
        405,
        {
            "Title": "Method Not Allowed",
            "Status": 405,
            "Detail": f"The requested resource does not support http method '{method}'.",
        },
    )


# --------------------------------------------------------------------------- dates

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_datetime(value) -> datetime | None:
    """Accept what clients send: ISO 8601 (``T`` or space, offset or not: UTC), Microsoft
    ``/Date(ms[+zzzz])/`` and RFC 1123 (HTTP dates, for If-Modified-Since). None if unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=timezone.utc)
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        # The timestamp is absolute; the offset only says how the sender displays it.
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_date(value) -> date | None:
    """A calendar date from any accepted date/datetime form (the time part is dropped, as Xero
    keeps document dates as dates)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip() if value is not None else ""
    if _MS_DATE.match(text):
        return parse_datetime(text).astimezone(timezone.utc).date()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None


def ms_date(value: date | datetime) -> str:
    """Xero's Microsoft JSON date: ``/Date(1700000000000+0000)/`` (dates at midnight UTC)."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time(), tzinfo=timezone.utc)
    millis = int((moment - _EPOCH).total_seconds() * 1000)
    return f"/Date({millis}+0000)/"


def iso_date_string(value: date | datetime) -> str:
    """The ``DateString`` companion Xero adds to document dates: ``2023-11-14T00:00:00``."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return value.strftime("%Y-%m-%dT00:00:00")


# Document dates for which Xero also returns a "<name>String" field.
DATE_STRING_FIELDS = {"Date", "DueDate", "DeliveryDate", "ExpectedArrivalDate", "FullyPaidOnDate"}


# --------------------------------------------------------------------------- money

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal | None:
    """Parse a JSON number (or numeric string) exactly; None when absent or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def round_to(value: Decimal, places: int) -> Decimal:
    """Half-up rounding, as accounting software (and Xero) rounds money."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    return round_to(value, 2)


def fmt_money(value: Decimal) -> str:
    return f"{money(value):.2f}"


# --------------------------------------------------------------------------- JSON rendering


def to_json(value):
    """Stored/viewed document -> JSON-ready value (see module docstring)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.startswith("_") or item is None:
                continue
            if isinstance(item, datetime):
                out[key] = ms_date(item)
            elif isinstance(item, date):
                out[key] = ms_date(item)
                if key in DATE_STRING_FIELDS:
                    out[key + "String"] = iso_date_string(item)
            else:
                out[key] = to_json(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return ms_date(value)
    return value


# --------------------------------------------------------------------------- storage


class Store:
    """In-memory tables with an undo journal.

    A batch write runs with a journal open; every ``put`` records the replaced value so that a
    failing element (or, with summarizeErrors=true, the whole batch) can be undone exactly.
    Documents are replaced, never mutated in place: callers ``copy`` before changing one.
    """

    def __init__(self):
        self.tables: dict[str, dict[str, dict]] = {}
        self._journal: list[tuple[str, str, dict | None]] | None = None

    def table(self, resource: str) -> dict[str, dict]:
        return self.tables.setdefault(resource, {})

    def get(self, resource: str, doc_id: str | None) -> dict | None:
        if not doc_id:
            return None
        return self.table(resource).get(str(doc_id).lower())

    def all(self, resource: str) -> list[dict]:
        return list(self.table(resource).values())

    def put(self, resource: str, doc_id: str, doc: dict) -> dict:
        table = self.table(resource)
        key = doc_id.lower()
        if self._journal is not None:
            self._journal.append((resource, key, table.get(key)))
        table[key] = doc
        return doc

    def copy(self, resource: str, doc_id: str) -> dict:
        return copy.deepcopy(self.get(resource, doc_id))

    # journal ---------------------------------------------------------------
    def begin(self) -> None:
        self._journal = []

    def end(self) -> None:
        self._journal = None

    def savepoint(self) -> int:
        return len(self._journal) if self._journal is not None else 0

    def rollback(self, savepoint: int = 0) -> None:
        if self._journal is None:
            return
        while len(self._journal) > savepoint:
            resource, key, previous = self._journal.pop()
            if previous is None:
                self.table(resource).pop(key, None)
            else:
                self.table(resource)[key] = previous


def new_uuid() -> str:
    return str(uuid.uuid4())


def is_uuid(text) -> bool:
    try:
        uuid.UUID(str(text))
        return True
    except (ValueError, TypeError, AttributeError):
        return False


def same_text(left, right) -> bool:
    """Xero matches names, codes and numbers case-insensitively."""
    return left is not None and right is not None and str(left).strip().lower() == str(right).strip().lower()


# --------------------------------------------------------------------------- resource base


class Resource:
    """What the generic read/write machinery (accounting.Organisation) needs from a resource.

    Subclasses set the class attributes and implement ``save`` (validate one element and
    return the document to store, raising ``Invalid``) and, where useful, ``view``.
    """

    name = ""  # path segment and JSON collection key, e.g. "Invoices"
    id_field = ""  # e.g. "InvoiceID"
    label = ""  # used in messages, e.g. "Invoice"
    key_fields: tuple[str, ...] = ()  # other fields usable in /{key}: InvoiceNumber, Code...
    list_filters: dict[str, str] = {}  # query parameter -> document path (IDs, Statuses...)
    search_fields: tuple[str, ...] = ()  # fields searchTerm looks in
    paged = False
    attachable = False
    printable = False
    event_category: str | None = None
    write_methods: tuple[str, ...] = ("PUT", "POST")
    error_flag = "HasErrors"  # Contacts say HasValidationErrors

    def __init__(self, org):
        self.org = org

    # reads -------------------------------------------------------------------
    @property
    def store(self):
        return self.org.store

    def docs(self) -> list[dict]:
        return self.store.all(self.name)

    def base_docs(self, query: dict) -> list[dict]:
        """Documents a plain GET list starts from (Contacts hide archived ones)."""
        return self.docs()

    def lookup(self, key: str) -> dict | None:
        """``/{Resource}/{key}``: by id, or by one of ``key_fields`` (InvoiceNumber, Code...)."""
        if is_uuid(key):
            found = self.store.get(self.name, key)
            if found is not None:
                return found
        for field_name in self.key_fields:
            found = next((d for d in self.docs() if same_text(d.get(field_name), key)), None)
            if found is not None:
                return found
        return None

    def view(self, doc: dict, ctx) -> dict:
        return doc

    def unpaged_view(self, view: dict) -> dict:
        """How a document looks in an unpaged list (Invoices drop their line items)."""
        return view

    def summary_view(self, view: dict) -> dict:
        """How a document looks with ``summaryOnly=true`` (the spec offers it on Contacts and
        Invoices; other lists answer in full)."""
        return view

    # writes ------------------------------------------------------------------
    def write_one(self, raw: dict, url_doc: dict | None, ctx) -> dict:
        existing = url_doc if url_doc is not None else self.find_existing(raw, ctx)
        doc = self.save(raw, existing, ctx)
        self.org.commit(self, doc, created=existing is None)
        self.after_commit(doc, existing, ctx)
        return doc

    def find_existing(self, raw: dict, ctx) -> dict | None:
        doc_id = raw.get(self.id_field)
        if doc_id and str(doc_id) != ZERO_ID:
            found = self.store.get(self.name, doc_id)
            if found is None:
                raise Invalid(
                    f"An existing {self.label} with the specified {self.id_field} could not be found"
                )
            return found
        if ctx.method == "POST":
            return self.match_existing(raw, ctx)
        return None

    def match_existing(self, raw: dict, ctx) -> dict | None:
        """POST creates or updates: the document some other key of ``raw`` identifies."""
        return None

    def save(self, raw: dict, existing: dict | None, ctx) -> dict:
        raise Invalid(f"{self.name} cannot be created or updated")

    def after_commit(self, doc: dict, existing: dict | None, ctx) -> None:
        pass

    def ok_element(self, doc: dict, ctx) -> dict:
        view = dict(self.view(doc, ctx))
        view["StatusAttributeString"] = "OK"
        return view

    def error_element(self, raw: dict, messages: list[str]) -> dict:
        element = dict(raw)
        element.setdefault(self.id_field, ZERO_ID)
        if not is_uuid(element[self.id_field]):
            element[self.id_field] = ZERO_ID
        element[self.error_flag] = True
        element["StatusAttributeString"] = "ERROR"
        element["ValidationErrors"] = [{"Message": m} for m in messages]
        return element

    def subroute(self, method: str, doc: dict, rest: list[str], ctx, body: bytes) -> Response | None:
        """Routes below ``/{Resource}/{id}/`` other than Attachments and History."""
        return None
