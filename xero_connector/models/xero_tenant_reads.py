"""Lists read from Xero the way a large organisation answers them.

Past an endpoint's high-volume threshold (100,000 payments, about 500,000 invoices) Xero answers
a list only when it is paged and filters on the endpoint's optimised fields; anything else gets
"Your request is not filtering … efficiently, given the extremely high volume for this
organisation". And every organisation's gateway answers 404 to a query string over 2,048
characters (52 invoice ids fit, 53 do not). So the connector reads lists here:

- every list paged, 1,000 a page (``_xero_pages``);
- documents looked up by the endpoint's own list parameters (``IDs=``, ``InvoiceNumbers=``),
  contacts by ``Name`` (an optimised field), credit notes — which have neither list parameter
  nor documented optimised fields — by a paged ``where`` on their id or number;
- at most 50 ids or numbers per call, and no more than fit in the URL (``_xero_documents``).
"""

from urllib.parse import urlencode

from odoo import _, models

from ..const import IDS_PER_CALL, MAX_FILTER_CHARS, PAGE_SIZE
from ..utils import where_text

# endpoint → (SDK list method, {what is looked up: an SDK list argument, or a where clause per value})
LOOKUPS = {
    "Invoices": ("get_invoices", {"ids": "i_ds", "numbers": "invoice_numbers"}),
    "CreditNotes": ("get_credit_notes", {"ids": "CreditNoteID==Guid({})", "numbers": "CreditNoteNumber=={}"}),
    "Contacts": ("get_contacts", {"ids": "i_ds", "names": "Name=={}"}),
    "Items": ("get_items", {"codes": "Code=={}"}),
    "ManualJournals": ("get_manual_journals", {"narrations": "Narration=={}"}),
}
# Lists Xero answers whole, without pages (the SDK's list method takes no page).
UNPAGED = {"Items"}


def filter_chunks(how, values):
    """The filter arguments of each call looking ``values`` up: an SDK list argument
    (``IDs=a,b``) or an OR-chain of ``where`` clauses, at most 50 values and at most
    MAX_FILTER_CHARS characters as the SDK sends them. A number holding a comma cannot go in
    a comma list: it is asked for alone, with SearchTerm."""
    chunk = []
    for value in dict.fromkeys(v for v in values if v):
        if "{}" not in how and "," in value:
            yield {"search_term": value}
            continue
        if chunk and (len(chunk) >= IDS_PER_CALL or _sent_length(how, [*chunk, value]) > MAX_FILTER_CHARS):
            yield _filter_args(how, chunk)
            chunk = []
        chunk.append(value)
    if chunk:
        yield _filter_args(how, chunk)


def _filter_args(how, chunk):
    if "{}" in how:
        return {"where": " OR ".join(how.format(where_text(value)) for value in chunk)}
    return {how: list(chunk)}


def _sent_length(how, chunk):
    """Characters the filter takes in the query string (the SDK percent-encodes commas,
    quotes and ``=``)."""
    ((name, value),) = _filter_args(how, chunk).items()
    return len(urlencode({name: value if isinstance(value, str) else ",".join(value)}))


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    def _xero_pages(self, operation, method, collection, params=None, page_size=PAGE_SIZE):
        """Each page of a list, as documents: one call per page, up to Xero's page count (or
        the first short page when the answer has no pagination block)."""
        self.ensure_one()
        page = 1
        while True:
            kwargs = dict(params or {}, page=page, page_size=page_size)
            body = self._xero_call(
                _("%(operation)s (page %(page)s)", operation=operation, page=page), method, params=kwargs
            )
            docs = body.get(collection) or []
            yield docs
            page_count = (body.get("pagination") or {}).get("pageCount")
            if len(docs) < page_size or (page_count is not None and page >= page_count):
                return
            page += 1

    def _xero_documents(self, endpoint, operation, params=None, **values):
        """The elements of ``endpoint`` (see LOOKUPS) with these values, e.g. ``ids``,
        ``numbers``, (contacts) ``names``, (items) ``codes``, (manual journals) ``narrations``,
        as pages: one call per 50 values (fewer when long values would overflow the URL), paged
        where Xero pages that list. Numbers and names match regardless of case, as at Xero; the
        caller checks types and contacts."""
        self.ensure_one()
        method, lookups = LOOKUPS[endpoint]
        for what, wanted in values.items():
            if not wanted:
                continue
            for args in filter_chunks(lookups[what], wanted):
                if endpoint in UNPAGED:
                    yield (
                        self._xero_call(operation, method, params={**(params or {}), **args}).get(endpoint)
                        or []
                    )
                else:
                    yield from self._xero_pages(operation, method, endpoint, {**(params or {}), **args})
