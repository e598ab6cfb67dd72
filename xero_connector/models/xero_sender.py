"""The one sender: every write to Xero (documents, purchase orders, contacts, items, payments,
allocations, manual journals, deletions and voids, attachments) goes through
``xero.sender._xero_send``.

Its order is the promise of exactly once:
1. everything that could stop the call is checked first — the login, its scope, Xero's day
   budget and Retry-After — so that nothing is recorded for a call that cannot go;
2. the attempt (records, endpoint, content-derived Idempotency-Key) is committed in a
   transaction of its own: whatever becomes of Odoo's transaction, the next try knows the
   write may have reached Xero;
3. the write is sent through the organisation's choke point (``xero.tenant._xero_call``:
   replays by key after a lost answer, within Xero's 24 hours).
Before any resend, the callers ask ``_xero_in_doubt`` and look the element up (the kinds'
lookup, or ``xero.reader``): a key Xero has forgotten (a retry a day later) is never trusted
to prevent a second copy. The kinds only supply their payload, their lookup and their
write-back."""

from odoo import api, models

from ..errors import XeroRetryLater


class XeroSender(models.AbstractModel):
    _name = "xero.sender"
    _description = "Every write to Xero"

    @api.model
    def _xero_send(
        self,
        tenant,
        operation,
        method,
        body,
        records,
        key,
        endpoint=None,
        fingerprints=None,
        params=None,
        record_attempt=None,
    ):
        """Send one write of ``records`` to ``tenant``; returns Xero's JSON answer.

        ``method``: the SDK's write (``create_invoices``…); ``body``: Xero's JSON; ``key``: the
        content-derived Idempotency-Key (``tenant._xero_key``); ``endpoint``: when set, the
        write creates elements and its attempt is recorded first (``fingerprints``: what each
        record sent), so that a write in doubt is looked up before it is sent again; a kind
        that keeps its attempt elsewhere (a contact's key on its binding) passes
        ``record_attempt``, called at that same moment. Raises
        ``XeroRetryLater`` (nothing sent, nothing recorded) or ``XeroError``."""
        tenant.ensure_one()
        connection = tenant._get_connection()
        tenant._xero_check_scope(connection, method, operation)
        tenant._xero_check_budget(operation)
        Attempt = self.env["xero.export.attempt"]
        attempt_ids = Attempt._record(tenant, records, endpoint, key, fingerprints) if endpoint else []
        if record_attempt:
            record_attempt()
        try:
            return tenant.with_context(xero_sender=True)._xero_call(
                operation, method, body=body, params=params, key=key, records=records
            )
        except XeroRetryLater:  # Xero answered 429 before processing: it created nothing
            if attempt_ids:
                Attempt._drop(attempt_ids)
            raise

    @api.model
    def _xero_in_doubt(self, records, key=None):
        """Those of ``records`` an earlier write may have created in Xero (its answer never
        came): they are looked up before anything is sent again. With ``key``: whether that
        very write was attempted."""
        Attempt = self.env["xero.export.attempt"]._log()
        if key:
            return bool(Attempt.search_count([("idempotency_key", "=", key)], limit=1))
        return Attempt._in_doubt(records)
