"""Xero's `Idempotency-Key`: per (tenant, key) the first answer is stored and replayed.

A repeat that arrives while the first is still being processed waits for it and then replays
it, so a client retrying after a timeout never creates a second document. Keys live 24 hours
on the virtual clock. If the first attempt ends without an answer from Xero's side (an
exception), the key is released so the next attempt is processed afresh.
"""

import threading
from dataclasses import dataclass, field

KEY_MAX_LENGTH = 128
KEY_LIFE = 24 * 3600


@dataclass
class Stored:
    status: int
    headers: dict
    body: bytes


@dataclass
class _Entry:
    created: float
    done: threading.Event = field(default_factory=threading.Event)
    stored: Stored | None = None


class IdempotencyStore:
    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict = {}

    def claim(self, tenant_id: str, key: str, wait_timeout: float = 120.0):
        """Return (entry, None) when this request must be processed (then call `complete` or
        `release`), or (None, stored) with the answer to replay."""
        while True:
            with self._lock:
                now = self.clock.now()
                entry = self._entries.get((tenant_id, key))
                if entry is not None and now - entry.created > KEY_LIFE:
                    entry = None
                if entry is None:
                    entry = _Entry(now)
                    self._entries[(tenant_id, key)] = entry
                    return entry, None
            if not entry.done.wait(wait_timeout):
                raise TimeoutError(f"first request with Idempotency-Key {key!r} never finished")
            if entry.stored is not None:
                return None, entry.stored
            # the first attempt was released without an answer: try to claim the key again

    def complete(self, entry: _Entry, stored: Stored) -> None:
        entry.stored = stored
        entry.done.set()

    def release(self, tenant_id: str, key: str, entry: _Entry) -> None:
        with self._lock:
            if self._entries.get((tenant_id, key)) is entry:
                del self._entries[(tenant_id, key)]
        entry.done.set()
