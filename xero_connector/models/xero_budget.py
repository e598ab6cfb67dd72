"""Xero in 2026: granular scopes and a daily call budget per organisation.

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
import time
from datetime import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import const

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


class XeroRetryLater(UserError):
    """Xero cannot take this call now (its day's budget is spent, or a long Retry-After):
    nothing was sent; try again at ``retry_at`` (a naive UTC datetime)."""

    def __init__(self, message, retry_at):
        super().__init__(message)
        self.retry_at = retry_at


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


class XeroTenantBudget(models.Model):
    _inherit = "xero.tenant"

    xero_day_remaining = fields.Integer(
        "Calls left today",
        compute="_compute_xero_budget",
        help="Xero's X-DayLimit-Remaining on the last answer for this organisation.",
    )
    xero_day_checked_at = fields.Datetime("Calls left, as of", compute="_compute_xero_budget")
    xero_next_try_at = fields.Datetime(
        "Next try at",
        compute="_compute_xero_budget",
        help="Xero asked Odoo to wait until then (its daily limit is spent): queued exports go then.",
    )
    xero_queued_count = fields.Integer("Documents waiting", compute="_compute_xero_budget")

    def _compute_xero_budget(self):
        now = fields.Datetime.now()
        Log = self.env["xero.sync.log"].sudo()
        for tenant in self:
            last = Log.search(
                [("tenant_id", "=", tenant.id), ("day_remaining", "!=", False)], limit=1, order="id desc"
            )
            memory = budget_of(self.env.cr.dbname, tenant.tenant_id)
            tenant.xero_day_remaining = memory.get("remaining", last.day_remaining or 0)
            tenant.xero_day_checked_at = (
                datetime.utcfromtimestamp(memory["at"]) if memory.get("at") else last.create_date
            )
            retry_at = tenant._xero_retry_at()
            tenant.xero_next_try_at = retry_at if retry_at and retry_at > now else False
            tenant.xero_queued_count = (  # the user's own documents: record rules apply
                self.env["account.move"].search_count(
                    [("xero_tenant_id", "=", tenant.id), ("xero_export_state", "=", "queued")]
                )
            )

    def _xero_retry_at(self):
        """When Xero said to try again (this process's memory, else the sync log)."""
        self.ensure_one()
        memory = budget_of(self.env.cr.dbname, self.tenant_id)
        if memory.get("retry_at"):
            return datetime.utcfromtimestamp(memory["retry_at"]).replace(microsecond=0)
        last = (
            self.env["xero.sync.log"]
            .sudo()
            .search([("tenant_id", "=", self.id), ("retry_at", "!=", False)], limit=1, order="id desc")
        )
        return last.retry_at or False

    # ------------------------------------------------------------------------------------
    # Before and after each call (from the choke point, xero.connection._xero_request)
    # ------------------------------------------------------------------------------------
    def _xero_check_budget(self, operation):
        """Raise XeroRetryLater, sending nothing, when Xero said to wait or when background
        work would eat into the reserve kept for exports and users."""
        self.ensure_one()
        now = time.time()
        budget = budget_of(self.env.cr.dbname, self.tenant_id)
        retry_at = budget.get("retry_at")
        if retry_at is None and "remaining" not in budget:
            db_retry = self._xero_retry_at()
            retry_at = db_retry and db_retry.timestamp() if db_retry else None
        if retry_at and retry_at > now:
            raise self._xero_retry_error(operation, retry_at, problem=budget.get("problem") or "day")
        if not self.env.context.get("xero_background") or "remaining" not in budget:
            return
        if now - budget.get("at", 0) > 24 * 3600:
            return  # a day old: the rolling window has moved on
        reserve_share = self._xero_reserve_percent() / 100.0
        reserve = int(budget.get("limit", const.STARTER_DAY_LIMIT) * reserve_share + 0.5)
        if budget["remaining"] <= reserve:
            raise self._xero_retry_error(operation, now + const.RESERVE_RETRY_SECONDS, reserve=True)

    def _xero_note_answer(self, headers, retry_after=None):
        """Remember Xero's remaining budget and, for a long Retry-After, when to try again."""
        self.ensure_one()
        now = time.time()
        values = {"at": now}
        remaining = (headers or {}).get("X-DayLimit-Remaining")
        if remaining not in (None, ""):
            values["remaining"] = int(remaining)
        values["retry_at"] = now + retry_after if retry_after else None
        values["problem"] = (headers or {}).get("X-Rate-Limit-Problem") if retry_after else None
        _update_budget(self.env.cr.dbname, self.tenant_id, **values)
        return values["retry_at"]

    def _xero_retry_error(self, operation, retry_at, reserve=False, problem="day"):
        when = datetime.utcfromtimestamp(retry_at).replace(microsecond=0)
        shown = fields.Datetime.to_string(fields.Datetime.context_timestamp(self, when))
        if reserve:
            message = _(
                "%(org)s has only its reserve of Xero calls left today, kept for exports and users: "
                "%(operation)s waits until %(time)s.",
                org=self.name,
                operation=operation,
                time=shown,
            )
        elif problem == "day":
            message = _(
                "Xero's daily limit for %(org)s is spent: %(operation)s waits in the queue, next try at "
                "%(time)s.",
                org=self.name,
                operation=operation,
                time=shown,
            )
        else:
            message = _(
                "Xero asks Odoo to wait (%(problem)s limit of %(org)s): %(operation)s was not sent, next "
                "try at %(time)s.",
                problem=problem,
                org=self.name,
                operation=operation,
                time=shown,
            )
        return XeroRetryLater(message, when)

    @api.model
    def _xero_scope_features(self):
        """(scope, what a user loses without it), in the order Settings lists them."""
        return [
            ("accounting.invoices", _("Export of invoices, credit notes and bills; items; purchase orders")),
            ("accounting.payments", _("Payments from and to Xero")),
            ("accounting.contacts", _("Contacts (export, link, import)")),
            ("accounting.settings", _("Organisation details, accounts, tax rates, tracking and currencies")),
            ("accounting.attachments", _("Attach PDF")),
            ("accounting.manualjournals", _("Manual journals")),
        ]

    @api.model
    def _xero_reserve_percent(self):
        value = self.env["ir.config_parameter"].sudo().get_param(const.PARAM_PREFIX + "background_reserve")
        try:
            return max(0.0, min(100.0, float(value))) if value else const.BACKGROUND_RESERVE
        except ValueError:
            return const.BACKGROUND_RESERVE

    def _xero_check_scope(self, connection, method, operation):
        """Refuse, before sending anything, a call the login was not granted the scope for."""
        scope = required_scope(method)
        if not connection.scope or scope_granted(scope, connection.scope):
            return
        feature = dict(self._xero_scope_features()).get(scope.removesuffix(".read"), operation)
        raise UserError(
            _(
                "%(feature)s needs the Xero permission %(scope)s, which the Xero login of %(user)s was "
                "not granted: press Connect to Xero in Settings > Accounting > Xero to grant it "
                "(nothing was sent for %(operation)s).",
                feature=feature,
                scope=scope,
                user=connection.user_id.name,
                operation=operation,
            )
        )
