"""Xero's API rate limits, on the virtual clock.

Per app and tenant: 5 calls in flight, 60 calls in a rolling minute, a rolling day's budget set
by the app's tier (Starter 1,000, other tiers 5,000; FACTS.md "App tiers");
per app across its tenants: 10,000 calls in a rolling minute. A refused call (429) is not
counted, so retrying after `Retry-After` always works. Limits are adjustable (control API) so
a test can reach the day limit without making 5,000 calls.
"""

import math
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field

MINUTE = 60
DAY = 24 * 3600


@dataclass
class Limits:
    minute: int = 60
    day: int | None = None  # None: the app's tier decides (Starter 1,000, others 5,000)
    concurrent: int = 5
    app_minute: int = 10000
    # Not a limit: real seconds every admitted Accounting API call takes (Xero answers in
    # 0.3-1 s), so that a benchmark sees calls in flight overlap as they do against Xero.
    latency: float = 0.0


@dataclass
class _Usage:
    minute: deque = field(default_factory=deque)  # virtual timestamps of counted calls
    day: deque = field(default_factory=deque)
    in_flight: int = 0
    peak_in_flight: int = 0  # the most calls in flight at once since the last reset
    refused: dict = field(default_factory=dict)  # 429s by problem


@dataclass
class Admission:
    """The limiter's verdict for one call: `problem` is None when it may proceed."""

    headers: dict
    problem: str | None = None
    retry_after: int = 0


def _prune(window: deque, now: float, span: float) -> None:
    while window and window[0] <= now - span:
        window.popleft()


def _wait(window: deque, now: float, span: float) -> int:
    """Seconds until the oldest call leaves the window (at least 1)."""
    return max(1, math.ceil(window[0] + span - now))


class RateLimiter:
    def __init__(self, clock, limits: Limits | None = None, tier_day_limit=None):
        self.clock = clock
        self.limits = limits or Limits()
        self._tier_day_limit = tier_day_limit or (lambda client_id: 5000)
        self._lock = threading.Lock()
        self._tenants: dict = defaultdict(_Usage)  # (client_id, tenant_id) -> usage
        self._apps: dict = defaultdict(deque)  # client_id -> minute window
        self.tenant_latency: dict = {}  # tenant_id -> seconds, overriding limits.latency

    def acquire(self, client_id: str, tenant_id: str) -> Admission:
        """Count the call and take an in-flight slot, or refuse it with the problem and wait."""
        with self._lock:
            now = self.clock.now()
            usage, app = self._usage(client_id, tenant_id, now)
            limits = self.limits
            day_limit = self.day_limit(client_id)
            refusal = None
            if len(usage.day) >= day_limit:
                refusal = ("day", _wait(usage.day, now, DAY))
            elif len(usage.minute) >= limits.minute:
                refusal = ("minute", _wait(usage.minute, now, MINUTE))
            elif len(app) >= limits.app_minute:
                refusal = ("appminute", _wait(app, now, MINUTE))
            elif usage.in_flight >= limits.concurrent:
                refusal = ("concurrent", 1)
            if refusal is None:
                usage.minute.append(now)
                usage.day.append(now)
                app.append(now)
                usage.in_flight += 1
                usage.peak_in_flight = max(usage.peak_in_flight, usage.in_flight)
            else:
                usage.refused[refusal[0]] = usage.refused.get(refusal[0], 0) + 1
            admission = Admission(self._headers(usage, app, day_limit))
            if refusal:
                admission.problem, admission.retry_after = refusal
            return admission

    def release(self, client_id: str, tenant_id: str) -> None:
        with self._lock:
            usage = self._tenants[(client_id, tenant_id)]
            usage.in_flight = max(0, usage.in_flight - 1)

    def headers(self, client_id: str, tenant_id: str) -> dict:
        """The remaining-budget headers without counting anything (for refused/faulted calls)."""
        with self._lock:
            usage, app = self._usage(client_id, tenant_id, self.clock.now())
            return self._headers(usage, app, self.day_limit(client_id))

    def snapshot(self) -> dict:
        with self._lock:
            now = self.clock.now()
            out = {}
            for client_id, tenant_id in list(self._tenants):
                usage, app = self._usage(client_id, tenant_id, now)
                out[f"{client_id}/{tenant_id}"] = {
                    "minute": len(usage.minute),
                    "day": len(usage.day),
                    "in_flight": usage.in_flight,
                    "peak_in_flight": usage.peak_in_flight,
                    "refused": dict(usage.refused),
                    "app_minute": len(app),
                }
            return out

    def day_limit(self, client_id: str) -> int:
        return self.limits.day if self.limits.day is not None else self._tier_day_limit(client_id)

    def new_minute(self) -> None:
        """Control API: forget every minute window (as if a minute had passed for the minute
        limits alone), without moving the clock (tokens, day windows stay as they are)."""
        with self._lock:
            for usage in self._tenants.values():
                usage.minute.clear()
            for window in self._apps.values():
                window.clear()

    def reset_peaks(self) -> None:
        """Control API: forget the peaks of calls in flight and the 429 counts."""
        with self._lock:
            for usage in self._tenants.values():
                usage.peak_in_flight = usage.in_flight
                usage.refused = {}

    def latency(self, tenant_id: str) -> float:
        """Seconds an admitted call to this organisation takes (its own, else everyone's)."""
        return self.tenant_latency.get(tenant_id, self.limits.latency)

    def _usage(self, client_id, tenant_id, now):
        usage = self._tenants[(client_id, tenant_id)]
        app = self._apps[client_id]
        _prune(usage.minute, now, MINUTE)
        _prune(usage.day, now, DAY)
        _prune(app, now, MINUTE)
        return usage, app

    def _headers(self, usage: _Usage, app: deque, day_limit: int) -> dict:
        return {
            "X-MinLimit-Remaining": str(max(0, self.limits.minute - len(usage.minute))),
            "X-DayLimit-Remaining": str(max(0, day_limit - len(usage.day))),
            "X-AppMinLimit-Remaining": str(max(0, self.limits.app_minute - len(app))),
        }
