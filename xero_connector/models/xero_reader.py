"""The one reader: "what does Xero hold for this element now?", answered *present*, *gone* or
*unknown* for many elements at once.

Only Xero's own answer means gone: a 404 to the element's own address, or its status
DELETED/VOIDED. No answer, a server error, a rate limit, a login to reconnect, a timeout, or
an answer naming another element: *unknown*, which never changes Odoo's state and tells the
user that Xero could not be asked and when to try again. Every "is it still in Xero?" question
(Clear exported status, Update from Xero, cancelling a sent order, a payment in doubt, a
document's status before a payment, the variance report's documents dated elsewhere, the
follow-up steps after an export) goes through ``xero.reader._xero_read``; the
kinds only say where their elements live (``_xero_reader_kind``). An element Odoo is not
linked to yet (an export in doubt, "Xero total for this number") is looked for through
``_xero_find`` (by number, 50 a call) or ``_xero_find_listed`` (in a list's pages): *present*
(the one the kind picks among Xero's answer), *gone* (Xero listed none), *unknown*."""

from dataclasses import dataclass

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import IDS_PER_CALL, XERO_GONE_STATUSES
from ..errors import XeroError, XeroRetryLater

# Endpoints read 50 ids a call (``tenant._xero_documents``: ``IDs=``, or a ``where`` on ids).
BY_IDS = ("Invoices", "CreditNotes")


@dataclass(frozen=True)
class XeroAnswer:
    """What Xero holds for one element: ``state`` is present, gone or unknown; ``element``
    Xero's JSON when present (or gone with a status); ``status`` Xero's status when it said
    one; ``reason`` why it is unknown (Xero's or the network's words) and ``message`` the
    same for the user, with what to do."""

    state: str
    element: dict | None = None
    status: str | None = None
    message: str | None = None
    reason: str | None = None
    error: Exception | None = None  # what made it unknown, for a caller that queues or retries
    matches: tuple = ()  # looked for by a value (``_xero_find_values``): every element Xero holds with it

    @property
    def present(self):
        return self.state == "present"

    @property
    def gone(self):
        return self.state == "gone"

    @property
    def unknown(self):
        return self.state == "unknown"


class XeroReader(models.AbstractModel):
    _name = "xero.reader"
    _description = "What Xero holds now"

    @api.model
    def _xero_read(self, records, operation=None, params=None, stats=None):
        """{record: XeroAnswer} of these Odoo records (one model, linked to Xero: ``xero_id``,
        ``xero_tenant_id``). Invoices, bills and credit notes: 50 a call (``params``: per
        endpoint, more arguments of that list call, e.g. ``{"Invoices": {"summary_only":
        True}}``, which also reads a single one that way); the others one call each. A record
        not linked is *gone* (Odoo knows no Xero element for it). ``stats["calls"]`` counts the
        calls made, when given."""
        stats = stats if stats is not None else {}
        stats.setdefault("calls", 0)
        answers = {}
        groups = {}
        for record in records:
            if not record.xero_id:
                answers[record] = XeroAnswer("gone")
                continue
            kind = record._xero_reader_kind()
            groups.setdefault((record.xero_tenant_id, kind), []).append(record)
        for (tenant, kind), members in groups.items():
            list_params = (params or {}).get(kind.endpoint)
            if kind.endpoint in BY_IDS and (len(members) > 1 or list_params):
                answers.update(self._xero_read_by_ids(tenant, kind, members, operation, list_params, stats))
            else:
                for record in members:
                    answers[record] = self._xero_read_one(tenant, kind, record, operation, stats)
        return answers

    def _xero_read_by_ids(self, tenant, kind, records, operation, params, stats):
        answers = {}
        for start in range(0, len(records), IDS_PER_CALL):
            chunk = records[start : start + IDS_PER_CALL]
            try:
                listed = {}
                for page in tenant._xero_documents(
                    kind.endpoint,
                    operation or _("checking %(count)s document(s)", count=len(chunk)),
                    ids=[r.xero_id for r in chunk],
                    params=params,
                ):
                    stats["calls"] += 1
                    listed.update({e.get(kind.id_key): e for e in page})
            except UserError as error:  # a 404 to a list is not an element's: it says nothing of them
                answers.update({record: self._xero_unknown(record, error) for record in chunk})
                continue
            for record in chunk:
                element = listed.get(record.xero_id)
                # Not listed: asked at its own address, where only a 404 says gone.
                answers[record] = (
                    self._xero_judge(record, kind, element)
                    if element
                    else self._xero_read_one(tenant, kind, record, operation, stats)
                )
        return answers

    def _xero_read_one(self, tenant, kind, record, operation, stats=None):
        if stats is not None:
            stats["calls"] = stats.get("calls", 0) + 1
        try:
            answer = tenant._xero_call(
                operation or _("checking %(doc)s", doc=record.display_name),
                kind.get_one,
                params={kind.id_arg: record.xero_id},
            )
        except UserError as error:  # no answer, 5xx, 429, a login to reconnect: unknown
            if isinstance(error, XeroError) and error.status == 404:
                return XeroAnswer("gone", status="DELETED")  # Xero itself no longer knows it
            return self._xero_unknown(record, error)
        element = (answer.get(kind.endpoint) or [None])[0]
        return self._xero_judge(record, kind, element)

    # ------------------------------------------------------------------------------------
    # Elements Odoo is not linked to yet: looked for by number, or in a list
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_find(self, tenant, endpoint, records, number_of, pick, operation, strict=False):
        """{record: XeroAnswer} of these records, looked for in ``endpoint`` by the number
        ``number_of(record)``, 50 numbers a call (``tenant._xero_documents``). *present*: the
        element ``pick(record, listed)`` chose among Xero's answer; *gone*: none fits; *unknown*:
        the call could not be made, or (``strict``) its answer named other numbers, so it
        cannot say which of ours are not in Xero. A failed call answers only for the records
        it asked for."""
        answers = {}
        for start in range(0, len(records), IDS_PER_CALL):
            chunk = records[start : start + IDS_PER_CALL]
            numbers = [number_of(record) for record in chunk]
            try:
                listed = [
                    e for page in tenant._xero_documents(endpoint, operation, numbers=numbers) for e in page
                ]
                wanted = {(number or "").strip().casefold() for number in numbers}
                key = "CreditNoteNumber" if endpoint == "CreditNotes" else "InvoiceNumber"
                if strict and any((e.get(key) or "").strip().casefold() not in wanted for e in listed):
                    raise XeroError(
                        _(
                            "Xero's answer to the lookup of %(docs)s named other documents, so it cannot tell "
                            "whether they are in Xero already",
                            docs=", ".join(record.display_name for record in chunk),
                        ),
                        status=0,
                    )
            except UserError as error:
                answers.update({record: self._xero_unknown(record, error) for record in chunk})
                continue
            answers.update({record: self._xero_found(pick(record, listed)) for record in chunk})
        return answers

    @api.model
    def _xero_find_values(self, tenant, endpoint, what, field, values, operation, pick=None, params=None):
        """{value: XeroAnswer} of these values looked for in ``endpoint``'s ``what`` (an
        optimised field of LOOKUPS: item ``codes``, contact ``names``, journal ``narrations``),
        50 values a call, paged where Xero pages (``tenant._xero_documents``). *present*: an
        element whose ``field`` is the value (ignoring case, as Xero does) and that ``pick``
        accepts (all of them in ``matches``); *gone*: Xero answered and listed none; *unknown*: that call got no answer,
        which must never lead to a resend."""
        answers = {}
        values = list(dict.fromkeys(v for v in values if v))
        for start in range(0, len(values), IDS_PER_CALL):
            chunk = values[start : start + IDS_PER_CALL]
            try:
                listed = [
                    e
                    for page in tenant._xero_documents(endpoint, operation, params=params, **{what: chunk})
                    for e in page
                ]
            except UserError as error:
                answers.update({value: self._xero_unknown(None, error, name=value) for value in chunk})
                continue
            for value in chunk:
                wanted = value.strip().casefold()
                found = [
                    e
                    for e in listed
                    if (e.get(field) or "").strip().casefold() == wanted and (pick is None or pick(e))
                ]
                answers[value] = (
                    XeroAnswer(
                        "present", element=found[0], status=found[0].get("Status"), matches=tuple(found)
                    )
                    if found
                    else XeroAnswer("gone")
                )
        return answers

    @api.model
    def _xero_find_listed(self, tenant, records, operation, list_call, params, pick):
        """{record: XeroAnswer} of these records, looked for in every page of one list read
        once for all of them (``list_call``: the SDK's list method and the answer's collection;
        ``params``: its filter): *present* (the element ``pick(record, listed)`` chose),
        *gone*, or *unknown* for all when a page could not be read."""
        method, collection = list_call
        try:
            listed = [e for page in tenant._xero_pages(operation, method, collection, params) for e in page]
        except UserError as error:
            return {record: self._xero_unknown(record, error) for record in records}
        return {record: self._xero_found(pick(record, listed)) for record in records}

    def _xero_found(self, element):
        if not element:
            return XeroAnswer("gone")
        return XeroAnswer("present", element=element, status=element.get("Status"))

    def _xero_judge(self, record, kind, element):
        """Xero's element for ``record``: checked to be the one asked for."""
        if not element or element.get(kind.id_key) != record.xero_id:
            reason = _("Xero's answer named another document")
            return XeroAnswer(
                "unknown",
                message=_(
                    "%(reason)s, so it cannot tell what Xero holds for %(doc)s. Nothing was changed in Odoo: "
                    "try again in a few minutes.",
                    reason=reason,
                    doc=record.display_name,
                ),
                reason=reason,
            )
        status = element.get("Status")
        if status in XERO_GONE_STATUSES:
            return XeroAnswer("gone", element=element, status=status)
        return XeroAnswer("present", element=element, status=status)

    def _xero_unknown(self, record, error, name=None):
        """Xero could not be asked: say so, and when to try again (``name``: what was looked
        for, when it is not an Odoo record)."""
        if isinstance(error, XeroRetryLater) and error.retry_at:
            when = _(
                "after %s", fields.Datetime.to_string(fields.Datetime.context_timestamp(self, error.retry_at))
            )
        else:
            when = _("in a few minutes")
        reason = str(error).rstrip(".")
        return XeroAnswer(
            "unknown",
            message=_(
                "Xero could not be asked what it holds for %(doc)s (%(error)s). Nothing was changed in Odoo: "
                "try again %(when)s.",
                doc=name or record.display_name,
                error=reason,
                when=when,
            ),
            reason=reason,
            error=error,
        )
