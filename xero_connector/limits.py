"""Xero in 2026: granular scopes and a daily call budget per organisation (the rules; the
organisation applies them in ``xero.tenant._xero_check_scope`` / ``_xero_check_budget``).

- **Scopes.** Each Accounting API method of xero-python needs one granular scope (or its
  ``.read`` variant for a read). ``required_scope`` derives it from the method's name;
  ``_xero_check_scope`` refuses a call the login was not granted *before* sending it, with a
  sentence naming the feature and the permission, instead of Xero's bare 401 half-way.
- **Daily budget.** A Starter app has about 1,000 calls a day per organisation. Every answer
  carries ``X-DayLimit-Remaining``; this process remembers the last value per organisation.
  Background work (cache refresh, payment sync, webhook processing) stops when only the reserve
  is left (a setting, 20 % by default), keeping it for exports and users. A ``Retry-After``
  longer than a few seconds is never slept: the call ends with ``XeroRetryLater`` carrying the
  moment to try again, and the export queue waits until then.
"""

import threading

from . import const

_BUDGETS = {}
_BUDGETS_LOCK = threading.Lock()

# The granted scopes that cover a granular one (apps older than 2 March 2026 hold the broad one).
_BROAD = {
    "accounting.invoices": "accounting.transactions",
    "accounting.payments": "accounting.transactions",
    "accounting.banktransactions": "accounting.transactions",
    "accounting.manualjournals": "accounting.transactions",
}

# xero-python method name fragment → scope; first match wins (attachments before invoices).
_METHOD_SCOPES = (
    ("attachment", "accounting.attachments"),
    ("manual_journal", "accounting.manualjournals"),
    ("bank_transaction", "accounting.banktransactions"),
    ("bank_transfer", "accounting.banktransactions"),
    ("overpayment", "accounting.payments"),
    ("prepayment", "accounting.payments"),
    ("payment", "accounting.payments"),
    ("invoice", "accounting.invoices"),
    ("credit_note", "accounting.invoices"),
    ("purchase_order", "accounting.invoices"),
    ("quote", "accounting.invoices"),
    ("item", "accounting.invoices"),
    ("contact", "accounting.contacts"),
)


def required_scope(method):
    """The granular scope an ``AccountingApi`` method needs (``.read`` for a GET)."""
    name = method.lower()
    scope = next((s for fragment, s in _METHOD_SCOPES if fragment in name), "accounting.settings")
    return scope + ".read" if name.startswith("get_") else scope


def scope_granted(scope, granted):
    """Whether the space-separated ``granted`` covers ``scope`` (a write scope covers its read)."""
    have = set((granted or "").split())
    base = scope.removesuffix(".read")
    accepted = {
        scope,
        base,
        _BROAD.get(base),
        _BROAD.get(base, "") + ".read" if scope.endswith(".read") else None,
    }
    return bool(have & {s for s in accepted if s})


def budget_of(dbname, tenant_id):
    with _BUDGETS_LOCK:
        return dict(_BUDGETS.get((dbname, tenant_id)) or {})


def _update_budget(dbname, tenant_id, **values):
    with _BUDGETS_LOCK:
        budget = _BUDGETS.setdefault((dbname, tenant_id), {})
        if values.get("remaining") is not None:
            # the day's limit, learnt: Starter 1,000, other tiers 5,000
            budget["limit"] = max(budget.get("limit", const.STARTER_DAY_LIMIT), values["remaining"] + 1)
        budget.update(values)
