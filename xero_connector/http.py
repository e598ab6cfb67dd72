"""The HTTP side of the one way into Xero, shared by every worker thread of a process: the
connection pool, the timeouts and Xero's own words from a refusal (the per-organisation limits
are shared by every process: ``limits.py``). Pure helpers, no model:
``xero.connection._xero_request`` (the choke point) uses them."""

import json
import threading

import certifi
import urllib3

from . import const
from .utils import validation_messages

_POOL = None
_POOL_LOCK = threading.Lock()


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
                timeout=urllib3.Timeout(
                    connect=const.HTTP_CONNECT_TIMEOUT_SECONDS, read=const.HTTP_TIMEOUT_SECONDS
                ),
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        return _POOL


def with_timeouts(rest_client):
    """Every request of this xero-python REST client with a connect and a read timeout: the
    SDK sends ``timeout=None`` with each request unless told otherwise, which overrides the
    pool's and lets an organisation that answers late hold a worker for ever."""
    request = rest_client.request

    def timed(*args, _request_timeout=None, **kwargs):
        timeout = _request_timeout or (const.HTTP_CONNECT_TIMEOUT_SECONDS, const.HTTP_TIMEOUT_SECONDS)
        return request(*args, _request_timeout=timeout, **kwargs)

    rest_client.request = timed
    return rest_client


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
