"""A virtual clock shared by every part of the sandbox.

Tests move it forward (token expiry, rate-limit windows, Retry-After) so that no test waits
real minutes. It starts at the real time and runs at real speed plus the offset tests add.
"""

import threading
import time
from datetime import datetime, timezone


class Clock:
    def __init__(self):
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, virtual."""
        return time.time() + self._offset

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += float(seconds)
        return self.now()

    def set(self, epoch_seconds: float) -> float:
        with self._lock:
            self._offset = float(epoch_seconds) - time.time()
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
