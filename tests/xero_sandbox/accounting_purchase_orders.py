"""Purchase orders (``/PurchaseOrders``) with Xero's rules on top of the shared document
behaviour of ``accounting_documents``.

- Numbers: ``PurchaseOrderNumber`` auto-numbers ``PO-0001``… from the organisation's settings
  when missing, and must be unique ("Purchase Order # must be unique."); a deleted order frees
  its number.
- Statuses: DRAFT → SUBMITTED → AUTHORISED → BILLED, and DELETED. DRAFT and SUBMITTED orders may
  be changed freely (and deleted by setting ``Status`` to DELETED: the API has no DELETE verb
  for them). Once AUTHORISED the order's content is fixed: only a status change (to BILLED or
  DELETED) is taken, anything else answers "Purchase Order not of valid status for
  modification". BILLED and DELETED orders take nothing more but ``SentToContact`` on a billed
  one.
- Lines: discounts (``DiscountRate``/``DiscountAmount``) are "only supported on ACCREC invoices"
  in Xero's own schema: refused here. Accounts and tax types are optional (nothing posts).
  ``UnitAmount`` keeps 2 decimals: the endpoint takes no ``unitdp``.
- Reads: by id, or by number (``/PurchaseOrders/{PurchaseOrderNumber}``) — but a number made
  only of digits is not found, as in Xero (XeroAPI/xero-php-oauth2#251: such numbers answer
  404). Lists filter on ``Status``, ``DateFrom``/``DateTo``, ``If-Modified-Since``, ``order``,
  and page; the spec declares no ``where`` for purchase orders, and a ``where`` is ignored.
- ``SentToContact`` "can be set only on purchase orders that have been approved or billed".
"""

from __future__ import annotations

from .accounting_common import Invalid
from .accounting_documents import PurchaseOrders as BasePurchaseOrders

# What an approved order still accepts: its id and a status change (BILLED, DELETED).
AUTHORISED_WRITABLE = {"PurchaseOrderID", "Status", "SentToContact"}
BILLED_WRITABLE = {"PurchaseOrderID", "SentToContact"}


class PurchaseOrders(BasePurchaseOrders):
    where_filter = False  # GET /PurchaseOrders takes no where clause (see module docstring)

    def lookup(self, key):
        if key.isdigit():  # Xero answers 404 for numbers made only of digits
            return None
        return super().lookup(key)

    def save(self, raw, existing, ctx):
        if existing is not None:
            self._check_frozen(raw, existing)
        if any(line.get("DiscountRate") or line.get("DiscountAmount") for line in _lines(raw)):
            raise Invalid("Discounts are only supported on ACCREC invoices, not on purchase orders")
        wanted = str(raw.get("Status") or (existing or {}).get("Status") or "DRAFT").upper()
        if raw.get("SentToContact") and wanted not in ("AUTHORISED", "BILLED"):
            raise Invalid(
                "SentToContact can be set only on purchase orders that have been approved or billed"
            )
        return super().save(raw, existing, ctx)

    def _check_frozen(self, raw, existing):
        status = existing["Status"]
        if status == "DELETED":
            raise Invalid(self.lock_message)
        allowed = {"AUTHORISED": AUTHORISED_WRITABLE, "BILLED": BILLED_WRITABLE}.get(status)
        if allowed is None:
            return
        extra = {key for key, value in raw.items() if value is not None} - allowed
        wanted = str(raw.get("Status") or status).upper()
        if extra or (status == "BILLED" and wanted != "BILLED"):
            raise Invalid(self.lock_message)

    def editable(self, doc):
        return doc["Status"] != "DELETED"


def _lines(raw):
    lines = raw.get("LineItems") if isinstance(raw, dict) else None
    return [line for line in lines or [] if isinstance(line, dict)]


__all__ = ["PurchaseOrders"]
