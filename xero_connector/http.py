"""The HTTP side of the one way into Xero, shared by every worker thread of a process: the
connection pool, the per-organisation in-flight slots and Xero's own words from a refusal.
Pure helpers, no model: ``xero.connection._xero_request`` (the choke point) uses them."""

import contextlib
import json
import threading

import certifi
import urllib3

from . import const
from .utils import validation_messages

_POOL = None
_POOL_LOCK = threading.Lock()
_SLOTS = {}


def shared_pool():
    """One HTTP connection pool per process for every call to Xero. urllib3's own retries are
    off: ``_xero_request`` decides what may be repeated (a PUT repeated blindly after a lost
    response would create a second document in Xero)."""
    global _POOL  # noqa: PLW0603
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = urllib3.PoolManager(
                num_pools=4,
                maxsize=const.MAX_CONCURRENT_CALLS,
                retries=False,
                timeout=urllib3.Timeout(connect=10, read=const.HTTP_TIMEOUT_SECONDS),
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        return _POOL


@contextlib.contextmanager
def in_flight_slot(dbname, tenant):
    """Xero allows 5 calls in flight per organisation: threads of this process that export in
    parallel wait here rather than collect 429s."""
    if not tenant:
        yield
        return
    with _POOL_LOCK:
        slot = _SLOTS.setdefault(
            (dbname, tenant.tenant_id), threading.BoundedSemaphore(const.MAX_CONCURRENT_CALLS)
        )
    with slot:
        yield


def xero_message(error):
    """Xero's own words from an ApiException: Detail, Message or the validation messages."""
    try:
        body = json.loads(error.body or "{}")
    except (TypeError, ValueError):
        return str(error.reason or error.status)
    messages = [message for element in body.get("Elements", []) for message in validation_messages(element)]
    return (
        "; ".join(messages) or body.get("Detail") or body.get("Message") or str(error.reason or error.status)
    )
