"""Xero in 2026: granular scopes and a daily call budget per organisation (the rules; the
organisation applies them in ``xero.tenant._xero_check_scope`` / ``_xero_check_budget``).

- **Scopes.** Each Accounting API method of xero-python needs one granular scope (or its
  ``.read`` variant for a read). ``required_scope`` derives it from the method's name;
  ``_xero_check_scope`` refuses a call the login was not granted *before* sending it, with a
  sentence naming the feature and the permission, instead of Xero's bare 401 half-way.
- **Daily budget.** A Starter app has about 1,000 calls a day per organisation. Every answer
  carries ``X-DayLimit-Remaining``; the organisation's row of ``xero_tenant_limit`` keeps it.
  Background work (cache refresh, payment sync, webhook processing) stops when only the reserve
  is left (a setting, 20 % by default), keeping it for exports and users. A ``Retry-After``
  longer than a few seconds is never slept: the call ends with ``XeroRetryLater`` carrying the
  moment to try again, and the export queue waits until then.
- **Shared by every process and server.** Calls in flight (5), calls in the rolling minute (60)
  and the day's budget live in PostgreSQL, one row per organisation (``xero_tenant_limit``),
  taken and given back in short transactions of their own: a call's slot is seen by every
  worker of every server the moment it is taken, while the caller's own transaction is still
  open. A slot is a lease (``SLOT_LEASE_SECONDS``, longer than a call can last with its
  timeouts): a process killed during a call gives its slots back when the lease ends.
"""

import json
import random
import time
import uuid

from psycopg2 import errors

from . import const

# Longer than any call can last: connect and read timeouts, with a margin.
SLOT_LEASE_SECONDS = const.HTTP_CONNECT_TIMEOUT_SECONDS + const.HTTP_TIMEOUT_SECONDS + 20
# How long a caller waits for one of the organisation's 5 slots before giving up for now.
SLOT_WAIT_SECONDS = 2 * SLOT_LEASE_SECONDS
MINUTE = 60.0
# Tries of one of the short transactions below when it collides with another process's.
MAX_COLLISIONS = 50
DAY = 24 * 3600.0

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


class Refused(Exception):
    """Nothing may be sent to this organisation now: ``problem`` (``day``, ``minute``,
    ``concurrent``, ``reserve`` or Xero's own word from a 429) until ``retry_at`` (epoch)."""

    def __init__(self, problem, retry_at):
        super().__init__(problem, retry_at)
        self.problem, self.retry_at = problem, retry_at


def create_table(cr):
    """The organisations' shared limits (``xero.tenant.init``). Not an Odoo model: only this
    file reads and writes it, always in a transaction of its own. No foreign key: the first
    calls to an organisation come while the transaction that created it is still open."""
    cr.execute(
        """CREATE TABLE IF NOT EXISTS xero_tenant_limit (
            tenant_id integer PRIMARY KEY,
            in_flight jsonb NOT NULL DEFAULT '{}',
            minute_calls double precision[] NOT NULL DEFAULT '{}',
            day_remaining integer,
            day_limit integer,
            day_at double precision,
            retry_at double precision,
            problem varchar
        )"""
    )


def _row(cr, tenant_id, lock=True):
    """The organisation's row; ``lock``: created if missing and locked until the transaction
    ends (only ``take`` and ``release`` lock it)."""
    if lock:
        cr.execute(
            "INSERT INTO xero_tenant_limit (tenant_id) VALUES (%s) ON CONFLICT DO NOTHING", [tenant_id]
        )
    select = """SELECT in_flight, minute_calls, day_remaining, day_limit, day_at, retry_at, problem
                FROM xero_tenant_limit WHERE tenant_id = %s"""
    cr.execute(select + " FOR UPDATE" if lock else select, [tenant_id])
    in_flight, minute, remaining, limit, day_at, retry_at, problem = cr.fetchone() or (None,) * 7
    return {
        "in_flight": in_flight or {},
        "minute": list(minute or []),
        "remaining": remaining,
        "limit": limit,
        "at": day_at,
        "retry_at": retry_at,
        "problem": problem,
    }


def _write(cr, tenant_id, row):
    cr.execute(
        """UPDATE xero_tenant_limit SET in_flight = %s, minute_calls = %s, day_remaining = %s, day_limit = %s,
            day_at = %s, retry_at = %s, problem = %s WHERE tenant_id = %s""",
        [
            json.dumps(row["in_flight"]),
            row["minute"],
            row["remaining"],
            row["limit"],
            row["at"],
            row["retry_at"],
            row["problem"],
            tenant_id,
        ],
    )


def _prune(row, now):
    row["in_flight"] = {token: until for token, until in row["in_flight"].items() if until > now}
    row["minute"] = [at for at in row["minute"] if at > now - MINUTE]


def verdict(row, now, background=False, reserve_percent=const.BACKGROUND_RESERVE):
    """Why nothing may be sent now, as ``Refused``, or None: Xero said to wait; the day's
    budget is spent; background work would eat into the reserve kept for exports and users."""
    if row["retry_at"] and row["retry_at"] > now:
        return Refused(row["problem"] or "day", row["retry_at"])
    if row["remaining"] is None or not row["at"] or now - row["at"] > DAY:
        return None  # nothing learnt yet, or a day old: the rolling window has moved on
    reserve = int((row["limit"] or const.STARTER_DAY_LIMIT) * reserve_percent / 100.0 + 0.5)
    if background and row["remaining"] <= reserve:
        return Refused("reserve", now + const.RESERVE_RETRY_SECONDS)
    return None


def _transaction(registry, work, readonly=False):
    """``work(cursor)`` in a short transaction of its own, tried again when it collided with
    another process's (Odoo's cursors read a snapshot: the row changed under the lock).
    ``readonly``: a read, also from a read-only request."""
    for attempt in range(MAX_COLLISIONS):
        try:
            with registry.cursor(readonly=readonly) as cr:
                return work(cr)
        except (errors.SerializationFailure, errors.DeadlockDetected):
            if attempt == MAX_COLLISIONS - 1:
                raise
            time.sleep(random.random() * 0.02 * (attempt + 1))
    return None


def state(registry, tenant_id):
    """The organisation's limits as last known to every process (a transaction of its own)."""

    def read(cr):
        row = _row(cr, tenant_id, lock=False)
        now = time.time()  # the servers' clocks are kept in step (NTP)
        _prune(row, now)
        return dict(row, now=now)

    return _transaction(registry, read, readonly=True)


def check(registry, tenant_id, background=False, reserve_percent=const.BACKGROUND_RESERVE):
    """Raise ``Refused`` when nothing may be sent to this organisation now (takes nothing)."""
    row = state(registry, tenant_id)
    refusal = verdict(row, row["now"], background, reserve_percent)
    if refusal:
        raise refusal


def take(registry, tenant_id, background=False, reserve_percent=const.BACKGROUND_RESERVE, wait=None):
    """One of the organisation's in-flight slots and a place in its rolling minute, taken
    together in one short transaction (the row is locked while deciding). Waits for a slot
    (``wait`` seconds at most) and for a place in the minute when it frees within
    ``MAX_INLINE_WAIT_SECONDS``; raises ``Refused`` otherwise. Returns the slot's token."""
    give_up = time.monotonic() + (SLOT_WAIT_SECONDS if wait is None else wait)
    token = uuid.uuid4().hex

    def attempt(cr):
        """The token when the slot is taken, else the seconds to wait before asking again."""
        row = _row(cr, tenant_id)
        now = time.time()  # the servers' clocks are kept in step (NTP)
        _prune(row, now)
        refusal = verdict(row, now, background, reserve_percent)
        if refusal:
            raise refusal
        if len(row["minute"]) >= const.MINUTE_LIMIT:
            free_at = min(row["minute"]) + MINUTE
            if free_at - now > const.MAX_INLINE_WAIT_SECONDS:
                raise Refused("minute", free_at)
            return free_at - now
        if len(row["in_flight"]) >= const.MAX_CONCURRENT_CALLS:
            return 0.05 + random.random() * 0.1
        row["in_flight"][token] = now + SLOT_LEASE_SECONDS
        row["minute"].append(now)
        if row["remaining"] is not None:
            row["remaining"] -= 1  # until Xero's next answer says better
        _write(cr, tenant_id, row)
        return token

    while True:
        answer = _transaction(registry, attempt)
        if answer == token:
            return token
        if time.monotonic() + answer > give_up:
            raise Refused("concurrent", time.time() + SLOT_LEASE_SECONDS)
        time.sleep(answer)


def release(registry, tenant_id, token, remaining=None, retry_after=None, problem=None):
    """Give the slot back, with what Xero's answer said: ``X-DayLimit-Remaining`` and, for a
    long ``Retry-After``, when to try again. Returns that moment (epoch) or None."""

    def give_back(cr):
        row = _row(cr, tenant_id)
        now = time.time()  # the servers' clocks are kept in step (NTP)
        row["in_flight"].pop(token, None)
        _prune(row, now)
        retry_at = _note(row, now, remaining, retry_after, problem)
        _write(cr, tenant_id, row)
        return retry_at

    return _transaction(registry, give_back)


def note_answer(registry, tenant_id, remaining=None, retry_after=None, problem=None):
    """What Xero answered outside a slot (``release`` notes it for a call in a slot)."""
    return release(registry, tenant_id, None, remaining, retry_after, problem)


def _note(row, now, remaining, retry_after, problem):
    if remaining is not None:
        # calls still in flight were counted down already and may not be in Xero's figure yet
        row["remaining"] = max(0, remaining - len(row["in_flight"]))
        # the day's limit, learnt: Starter 1,000, other tiers 5,000
        row["limit"] = max(row["limit"] or const.STARTER_DAY_LIMIT, remaining + 1)
        row["at"] = now
    if retry_after:
        row["retry_at"], row["problem"] = now + retry_after, problem or "day"
    elif remaining is not None and row["retry_at"] and row["retry_at"] <= now:
        row["retry_at"], row["problem"] = None, None
    return row["retry_at"] if retry_after else None
