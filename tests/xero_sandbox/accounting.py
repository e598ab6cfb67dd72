"""One Xero organisation (tenant) of the sandbox: the Accounting API behind /api.xro/2.0.

``Organisation.handle`` receives requests the server has already authenticated, rate-limited
and de-duplicated, and answers them the way Xero does: PascalCase JSON in the shapes of Xero's
OpenAPI description, ``/Date(...)/`` dates, ValidationException bodies, summarizeErrors
batches, paging, If-Modified-Since and ``where`` filters.

The resources themselves live in ``accounting_settings`` (organisation settings and contacts),
``accounting_documents`` (invoices, credit notes, purchase orders) and ``accounting_money``
(payments, allocations, overpayments, prepayments, manual journals). This module routes
requests to them and runs what every resource shares: reads, batch writes, attachments,
timestamps and webhook events.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid

from . import accounting_branding as branding
from . import accounting_documents as documents
from . import accounting_manual_journals as manual_journals
from . import accounting_money as money_resources
from . import accounting_purchase_orders as purchase_orders
from . import accounting_settings as settings
from .accounting_common import (
    API_ROOT,
    ZERO_ID,
    HttpError,
    Invalid,
    Response,
    Store,
    is_uuid,
    method_not_allowed,
    ms_date,
    not_found,
    post_data_invalid,
    to_json,
    validation_exception,
)
from .accounting_query import (
    apply_order,
    compile_where,
    filter_in,
    modified_since,
    page_of,
    split_list,
)
from .high_volume import check_list

__all__ = ["Organisation", "Response"]

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024  # Xero's per-file limit
MAX_ATTACHMENTS = 10  # Xero's per-document limit

RESOURCE_CLASSES = (
    settings.Accounts,
    settings.TaxRates,
    settings.Currencies,
    settings.TrackingCategories,
    settings.Items,
    settings.Contacts,
    branding.BrandingThemes,
    documents.Invoices,
    documents.CreditNotes,
    purchase_orders.PurchaseOrders,
    money_resources.Payments,
    money_resources.Overpayments,
    money_resources.Prepayments,
    manual_journals.ManualJournals,
)


class WriteContext:
    """What a resource's ``save`` needs to know about the request it serves."""

    def __init__(self, org: Organisation, method: str, query: dict):
        self.org = org
        self.method = method
        self.query = query
        self.unitdp = 4 if str(query.get("unitdp", "")).strip() == "4" else 2
        self.now = org.clock.utcnow()
        self.today = self.now.date()


class Organisation:
    """One tenant: its settings, its documents and the events its changes raise."""

    def __init__(self, clock, *, name, short_code, base_currency="AUD", country_code="AU", tenant_id=None):
        self.clock = clock
        self.tenant_id = str(tenant_id or uuid.uuid4()).lower()
        self.name = name
        self.short_code = short_code
        self.base_currency = base_currency
        self.country_code = country_code
        self.created = clock.utcnow()
        self.store = Store()
        self.events: list[dict] = []
        self.attachments: dict[tuple[str, str], list[dict]] = {}
        self.counters: dict[str, int] = {}
        self._lock = threading.RLock()
        self._id_source = None  # deterministic ids while seeding (see seeding())
        self.resources = {cls.name.lower(): cls(self) for cls in RESOURCE_CLASSES}
        # Endpoints past Xero's high-volume threshold (lower-cased names, see high_volume.py)
        self.high_volume: set[str] = set()
        self.details = settings.organisation_details(self)

    # ------------------------------------------------------------------ public API

    def handle(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Response:
        """Answer one Accounting API request; ``path`` is relative to /api.xro/2.0."""
        method = method.upper()
        query = dict(query or {})
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        with self._lock:
            try:
                response = self._route(method, path, query, headers, body or b"")
            except HttpError as error:
                response = error.response
            finally:
                self.store.end()
        if isinstance(response.body, (dict, list)):
            response.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        return response

    def dump(self, resource: str) -> list[dict]:
        """Every stored document of a resource ('Invoices', 'Contacts'...) in Xero's JSON shape,
        archived and deleted ones included: for tests that inspect the sandbox's state."""
        with self._lock:
            if resource.lower() == "organisation":
                return [to_json(self.details)]
            handler = self.resources.get(resource.lower())
            if handler is None:
                known = ", ".join(["Organisation", *(h.name for h in self.resources.values())])
                raise KeyError(f"Unknown resource {resource!r}; known: {known}")
            ctx = WriteContext(self, "GET", {"unitdp": "4"})
            return [to_json(handler.view(doc, ctx)) for doc in self.store.all(handler.name)]

    # ------------------------------------------------------------------ services for resources

    def new_id(self) -> str:
        if self._id_source is not None:
            return self._id_source()
        return str(uuid.uuid4())

    @contextlib.contextmanager
    def seeding(self):
        """Give seeded records ids derived from the tenant id, so a database linked to a demo
        organisation stays linked after the sandbox restarts; and raise no events."""
        counter = iter(range(1, 1_000_000))
        namespace = uuid.UUID(self.tenant_id)
        self._id_source = lambda: str(uuid.uuid5(namespace, f"seed-{next(counter)}"))
        try:
            yield self
        finally:
            self._id_source = None
            self.events.clear()

    def next_number(self, prefix: str, taken, width: int = 4) -> str:
        """Xero's auto-numbering (INV-0001, CN-0001, PO-0001, TAX001), skipping numbers in use."""
        while True:
            self.counters[prefix] = self.counters.get(prefix, 0) + 1
            number = f"{prefix}{self.counters[prefix]:0{width}d}"
            if not taken(number):
                return number

    def resource(self, name: str):
        return self.resources[name.lower()]

    def commit(self, resource, doc: dict, created: bool) -> dict:
        """Store a saved document: stamp UpdatedDateUTC with the virtual clock, raise the event."""
        doc["UpdatedDateUTC"] = self.clock.utcnow()
        self.store.put(resource.name, doc[resource.id_field], doc)
        if resource.event_category:
            self.raise_event(resource, doc, "CREATE" if created else "UPDATE")
        return doc

    def raise_event(self, resource, doc: dict, event_type: str) -> None:
        doc_id = doc[resource.id_field]
        self.events.append(
            {
                "resourceUrl": f"{API_ROOT}/{resource.name}/{doc_id}",
                "resourceId": doc_id,
                "eventDateUtc": self.clock.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
                "eventType": event_type,
                "eventCategory": resource.event_category,
                "tenantId": self.tenant_id,
                "tenantType": "ORGANISATION",
            }
        )

    def envelope(self, key: str, items: list, pagination: dict | None = None) -> dict:
        body = {
            "Id": str(uuid.uuid4()),
            "Status": "OK",
            "ProviderName": "Xero Sandbox",
            "DateTimeUTC": ms_date(self.clock.utcnow()),
        }
        if pagination is not None:
            body["pagination"] = pagination
        body[key] = items
        return body

    # ------------------------------------------------------------------ routing

    def _route(self, method, path, query, headers, body) -> Response:
        parts = [p for p in path.split("?")[0].strip("/").split("/") if p]
        if parts and parts[0].lower() == "api.xro" and len(parts) > 2:  # tolerate a full path
            parts = parts[2:]
        if parts and parts[0].lower() == "organisation" and len(parts) == 1:
            return self._organisation(method)
        handler = self.resources.get(parts[0].lower()) if parts else None
        if handler is None:
            return not_found()
        if len(parts) == 1:
            return self._route_collection(handler, method, query, headers, body)
        doc = handler.lookup(parts[1])
        if doc is None:
            return not_found()
        if len(parts) == 2:
            return self._route_document(handler, doc, method, query, headers, body)
        return self._route_below_document(handler, doc, method, parts[2:], query, headers, body)

    def _organisation(self, method) -> Response:
        if method != "GET":
            return method_not_allowed(method)
        return Response(200, self.envelope("Organisations", [to_json(self.details)]))

    def _route_collection(self, handler, method, query, headers, body) -> Response:
        """/{Resource}: GET lists, PUT creates, POST creates or updates."""
        if method == "GET":
            return self._list(handler, query, headers)
        if method in ("PUT", "POST") and method in handler.write_methods:
            return self.write_batch(handler, method, query, body, None)
        return method_not_allowed(method)

    def _route_document(self, handler, doc, method, query, headers, body) -> Response:
        """/{Resource}/{id or number}: GET one, POST updates it, DELETE where Xero allows."""
        if method == "GET":
            return self._get_one(handler, doc, query, headers)
        if method == "POST" and "POST" in handler.write_methods:
            return self.write_batch(handler, method, query, body, doc)
        if method == "DELETE" and hasattr(handler, "delete"):
            return handler.delete(doc, WriteContext(self, method, query))
        return method_not_allowed(method)

    def _route_below_document(self, handler, doc, method, rest, query, headers, body) -> Response:
        """/{Resource}/{id}/Attachments..., /History, and resource-specific routes."""
        if rest[0].lower() == "attachments" and handler.attachable:
            return self._attachments(handler, doc, method, rest[1:], query, headers, body)
        if rest[0].lower() == "history" and len(rest) == 1 and method == "GET":
            return Response(200, self.envelope("HistoryRecords", []))
        sub = handler.subroute(method, doc, rest, WriteContext(self, method, query), body)
        return sub if sub is not None else not_found()

    # ------------------------------------------------------------------ reads

    def _list(self, handler, query, headers) -> Response:
        refusal = check_list(handler, query, self.high_volume)
        if refusal is not None:
            return refusal
        ctx = WriteContext(self, "GET", query)
        docs = modified_since(handler.base_docs(query), headers.get("if-modified-since"))
        views = [handler.view(doc, ctx) for doc in docs]
        for param, path in handler.list_filters.items():
            wanted = split_list(_query_value(query, param))
            if wanted:
                views = filter_in(views, path, wanted)
        term = _query_value(query, "searchTerm")
        if term and handler.search_fields:
            views = [
                v
                for v in views
                if any(term.lower() in str(v.get(f) or "").lower() for f in handler.search_fields)
            ]
        where = _query_value(query, "where")
        if where and getattr(handler, "where_filter", True):
            predicate = compile_where(where)
            views = [v for v in views if predicate(v)]
        views = apply_order(views, _query_value(query, "order"))
        pagination = None
        if handler.paged:
            views, pagination = page_of(views, query)
        if pagination is None:
            views = [handler.unpaged_view(v) for v in views]
        if str(_query_value(query, "summaryOnly") or "").lower() == "true":
            views = [handler.summary_view(v) for v in views]
        return Response(200, self.envelope(handler.name, to_json(views), pagination))

    def _get_one(self, handler, doc, query, headers) -> Response:
        if "application/pdf" in headers.get("accept", "") and handler.printable:
            return Response(200, _tiny_pdf(doc[handler.id_field]), {"Content-Type": "application/pdf"})
        view = handler.view(doc, WriteContext(self, "GET", query))
        return Response(200, self.envelope(handler.name, [to_json(view)]))

    # ------------------------------------------------------------------ writes

    def parse_body(self, body: bytes):
        if not body or not body.strip():
            return {}
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise HttpError(post_data_invalid(f" {error}")) from None

    def _elements(self, handler, payload) -> list:
        """Xero takes ``{"Invoices": [...]}``, a bare list, or one object on its own."""
        if isinstance(payload, list):
            return payload
        if not isinstance(payload, dict):
            raise HttpError(post_data_invalid(" Unexpected JSON value"))
        for key, value in payload.items():
            if key.lower() == handler.name.lower():
                return value if isinstance(value, list) else [value]
        return [payload] if payload else []

    def write_batch(self, handler, method, query, body, url_doc=None) -> Response:
        """Run a batch write. Each element is validated and saved in turn (so later elements see
        earlier ones, e.g. for unique numbers); a failing element is undone. With
        summarizeErrors=true (Xero's default) one failure undoes the whole batch and answers
        400; with false the batch answers 200 and each element says how it went."""
        elements = self._elements(handler, self.parse_body(body))
        summarize = str(query.get("summarizeErrors", "true")).lower() != "false"
        ctx = WriteContext(self, method, query)
        events_before = len(self.events)
        self.store.begin()
        results, failed = [], []
        for raw in elements:
            savepoint, event_mark = self.store.savepoint(), len(self.events)
            try:
                if not isinstance(raw, dict):
                    raise Invalid("The element is not a valid object")
                doc = handler.write_one(raw, url_doc, ctx)
                results.append(handler.ok_element(doc, ctx))
            except Invalid as error:
                self.store.rollback(savepoint)
                del self.events[event_mark:]
                element = handler.error_element(raw if isinstance(raw, dict) else {}, error.messages)
                results.append(element)
                failed.append(element)
        if failed and summarize:
            self.store.rollback()
            del self.events[events_before:]
            return validation_exception(to_json(failed))
        return Response(200, self.envelope(handler.name, to_json(results)))

    # ------------------------------------------------------------------ attachments

    def _attachments(self, handler, doc, method, rest, query, headers, body) -> Response:
        """GET lists a document's attachments; GET/PUT/POST .../Attachments/{FileName} downloads,
        adds or replaces one (raw body). Up to 10 files of up to 25 MB per document."""
        files = self.attachments.setdefault((handler.name, doc[handler.id_field]), [])
        if not rest and method == "GET":
            return Response(200, self.envelope("Attachments", [_attachment_meta(f) for f in files]))
        name = rest[0] if rest else ""
        found = next((f for f in files if f["AttachmentID"] == name.lower() or f["FileName"] == name), None)
        if rest and method == "GET":
            if found is None:
                return not_found()
            return Response(200, found["content"], {"Content-Type": found["MimeType"]})
        if not rest or method not in ("PUT", "POST"):
            return method_not_allowed(method)
        problem = _attachment_problem(body, found, files)
        if problem is not None:
            return problem
        record = {
            "AttachmentID": found["AttachmentID"] if found else self.new_id(),
            "FileName": name,
            "Url": f"{API_ROOT}/{handler.name}/{doc[handler.id_field]}/Attachments/{name}",
            "MimeType": (headers.get("content-type") or "application/octet-stream").split(";")[0],
            "ContentLength": len(body),
            "IncludeOnline": str(_query_value(query, "IncludeOnline")).lower() == "true",
            "content": bytes(body),
        }
        if found is not None:
            files[files.index(found)] = record
        else:
            files.append(record)
        updated = self.store.copy(handler.name, doc[handler.id_field])
        updated["HasAttachments"] = True
        self.store.put(handler.name, doc[handler.id_field], updated)
        return Response(200, self.envelope("Attachments", [_attachment_meta(record)]))


def _attachment_problem(body: bytes, found, files) -> Response | None:
    if len(body) > MAX_ATTACHMENT_BYTES:
        return Response(
            413,
            {
                "Title": "Request Entity Too Large",
                "Status": 413,
                "Detail": "The attachment exceeds the maximum size of 25MB",
            },
        )
    if found is None and len(files) >= MAX_ATTACHMENTS:
        message = f"A maximum of {MAX_ATTACHMENTS} attachments can be added to a document"
        return validation_exception([{"ValidationErrors": [{"Message": message}]}])
    return None


def _attachment_meta(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "content"}


def _query_value(query: dict, name: str):
    """Query parameter names are case-insensitive at Xero (``IDs``/``ids``, ``where``/``Where``)."""
    if name in query:
        return query[name]
    lowered = name.lower()
    return next((v for k, v in query.items() if k.lower() == lowered), None)


def _tiny_pdf(doc_id: str) -> bytes:
    """A minimal valid PDF standing in for Xero's rendered document."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% "
        + doc_id.encode()
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


# Re-exported for the server: ZERO_ID and is_uuid are part of the sandbox's vocabulary.
__all__ += ["ZERO_ID", "is_uuid"]
