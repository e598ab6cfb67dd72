"""The one reader: "what does Xero hold for this element now?", answered *present*, *gone* or
*unknown* for many elements at once.

Only Xero's own answer means gone: a 404 to the element's own address, or its status
DELETED/VOIDED. No answer, a server error, a rate limit, a login to reconnect, a timeout, or
an answer naming another element: *unknown*, which never changes Odoo's state and tells the
user that Xero could not be asked and when to try again. Every "is it still in Xero?" question
(Clear exported status, Update from Xero, cancelling a sent order, a payment in doubt) goes
through ``xero.reader._xero_read``; the kinds only say where their elements live
(``_xero_reader_kind``)."""

from dataclasses import dataclass

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import XERO_GONE_STATUSES
from ..errors import XeroError, XeroRetryLater

IDS_PER_CALL = 50  # Xero's IDs= filter: at most 50 ids keep the URL within its limits
# Endpoints whose list takes ``IDs=`` (through the SDK): one call answers up to 50 elements.
BY_IDS = {"Invoices": "get_invoices"}


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
    def _xero_read(self, records, operation=None):
        """{record: XeroAnswer} of these Odoo records (one model, linked to Xero: ``xero_id``,
        ``xero_tenant_id``). Invoices and bills: 50 a call (``IDs=``); the others one call
        each. A record not linked is *gone* (Odoo knows no Xero element for it)."""
        answers = {}
        groups = {}
        for record in records:
            if not record.xero_id:
                answers[record] = XeroAnswer("gone")
                continue
            kind = record._xero_reader_kind()
            groups.setdefault((record.xero_tenant_id, kind), []).append(record)
        for (tenant, kind), members in groups.items():
            if kind.endpoint in BY_IDS and len(members) > 1:
                answers.update(self._xero_read_by_ids(tenant, kind, members, operation))
            else:
                for record in members:
                    answers[record] = self._xero_read_one(tenant, kind, record, operation)
        return answers

    def _xero_read_by_ids(self, tenant, kind, records, operation):
        answers = {}
        for start in range(0, len(records), IDS_PER_CALL):
            chunk = records[start : start + IDS_PER_CALL]
            try:
                answer = tenant._xero_call(
                    operation or _("checking %(count)s document(s)", count=len(chunk)),
                    BY_IDS[kind.endpoint],
                    params={"i_ds": [r.xero_id for r in chunk], "page": 1},
                )
            except UserError as error:  # a 404 to a list is not an element's: it says nothing of them
                answers.update({record: self._xero_unknown(record, error) for record in chunk})
                continue
            listed = {e.get(kind.id_key): e for e in answer.get(kind.endpoint) or []}
            for record in chunk:
                element = listed.get(record.xero_id)
                # Not listed: asked at its own address, where only a 404 says gone.
                answers[record] = (
                    self._xero_judge(record, kind, element)
                    if element
                    else self._xero_read_one(tenant, kind, record, operation)
                )
        return answers

    def _xero_read_one(self, tenant, kind, record, operation):
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

    def _xero_unknown(self, record, error):
        """Xero could not be asked: say so, and when to try again."""
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
                doc=record.display_name,
                error=reason,
                when=when,
            ),
            reason=reason,
        )
