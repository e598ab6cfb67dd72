"""Faults a test scripts through the control API, to prove the connector survives the network
and Xero misbehaving.

Each fault matches requests (method, path regex searched in the full URL path, tenant) and fires
`count` times. With `probability` < 1 it fires on that share of the matching requests only
(a seeded draw, `seed` in the spec, so a soak run can be repeated): "20 % of calls fail". They act at three moments of a request:

- "auth": `expired_token` answers 401 TokenExpired although the token is valid;
- "before" processing (nothing happens in Xero): `429`, `500`, `503`, `reset` (the connection
  is torn down with a TCP RST, no response), `403` (Xero's answer to a call outside the
  scopes the login was granted: `AuthorizationUnsuccessful`), `404` (Xero's "cannot be
  found", as it answers an id it does not know: a client must tell such an answer to a
  lookup by id — gone — from one to a search, which says nothing about the element);
- "after" processing (the change is committed in Xero): `lost_response` (the connection is
  closed without an answer), `timeout` (the answer comes `delay` real seconds late) and
  `other_document` (the answer lists another document of the organisation — another invoice,
  credit note, contact or payment — instead of the one asked for or sent, as a misrouted
  cache or proxy would: a client must check what it is told before linking it), and
  `no_pagination` (a paged list answered without its `pagination` block, as Xero answered
  before it added paging metadata: a client must then stop at the first short page).
"""

import itertools
import random
import re
import threading
from dataclasses import asdict, dataclass

STAGES = {
    "expired_token": "auth",
    "429": "before",
    "500": "before",
    "503": "before",
    "reset": "before",
    "403": "before",
    "404": "before",
    "lost_response": "after",
    "timeout": "after",
    "other_document": "after",
    "no_pagination": "after",
}
PROBLEMS = ("minute", "day", "concurrent", "appminute")


@dataclass
class Fault:
    id: int
    fault: str
    method: str | None = None
    path: str | None = None
    tenant: str | None = None
    count: int = 1
    retry_after: int = 60
    delay: float = 5.0
    problem: str = "minute"
    probability: float = 1.0
    fired: int = 0

    @property
    def stage(self) -> str:
        return STAGES[self.fault]

    def matches(self, method: str, path: str, tenant: str | None) -> bool:
        return (
            (not self.method or self.method.upper() == method.upper())
            and (not self.path or re.search(self.path, path) is not None)
            and (not self.tenant or self.tenant == tenant)
        )

    def to_json(self) -> dict:
        return {**asdict(self), "remaining": self.count - self.fired}


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._random = random.Random(0)

    def add(self, spec: dict) -> Fault:
        """Create a fault from the control API's JSON; ValueError explains a bad spec."""
        kind = str(spec.get("fault", ""))
        if kind not in STAGES:
            raise ValueError(f"unknown fault {kind!r}; expected one of {sorted(STAGES)}")
        match = spec.get("match") or {}
        problem = spec.get("problem", "minute")
        if problem not in PROBLEMS:
            raise ValueError(f"unknown problem {problem!r}; expected one of {PROBLEMS}")
        if match.get("path"):
            re.compile(match["path"])
        probability = float(spec.get("probability", 1.0))
        if not 0.0 < probability <= 1.0:
            raise ValueError(f"probability {probability!r} must be in (0, 1]")
        if "seed" in spec:
            self._random.seed(spec["seed"])
        fault = Fault(
            next(self._ids),
            kind,
            match.get("method"),
            match.get("path"),
            match.get("tenant"),
            int(spec.get("count", 1)),
            int(spec.get("retry_after", 60)),
            float(spec.get("delay", 5.0)),
            problem,
            probability,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, stage: str, method: str, path: str, tenant: str | None) -> Fault | None:
        """The first live fault of this stage matching the request, spending one of its shots."""
        with self._lock:
            for fault in self._faults:
                if fault.stage == stage and fault.fired < fault.count and fault.matches(method, path, tenant):
                    if fault.probability < 1.0 and self._random.random() >= fault.probability:
                        continue
                    fault.fired += 1
                    return fault
        return None

    def list(self) -> list:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
