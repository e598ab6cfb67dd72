"""What went wrong talking to Xero, in words a user can act on.

``XeroError`` is the one error the choke point raises: a ``UserError`` (so every existing
``except UserError`` keeps working) that also says *how* Xero answered — its HTTP status, or
0 when no answer came — so callers can tell "Xero says it is gone" (404) from "Xero could not
be asked" (an outage), which must never be read as gone."""

import re
import socket

import urllib3
from requests import RequestException

from odoo.exceptions import UserError

# Python objects in exception texts, e.g. "<urllib3.connection.HTTPConnection object at 0x7f..>".
_OBJECT_RE = re.compile(r"<[^<>]*? object at 0x[0-9a-fA-F]+>")


class XeroError(UserError):
    """A Xero call failed. ``status``: Xero's HTTP status, 0 when Xero did not answer."""

    def __init__(self, message, status=0):
        super().__init__(message)
        self.status = status

    @property
    def answered(self):
        """True when Xero itself answered (a status), False for an outage or a lost answer."""
        return bool(self.status)


class XeroRetryLater(UserError):
    """Xero cannot take this call now (its day's budget is spent, or a long Retry-After):
    nothing was sent; try again at ``retry_at`` (a naive UTC datetime)."""

    def __init__(self, message, retry_at):
        super().__init__(message)
        self.retry_at = retry_at


def network_reason(env, error):
    """A short, translatable reason for a failure where no answer came from Xero; never the
    exception's own text (it carries internal object representations)."""
    chain, todo = [], [error]
    while todo and len(chain) < 12:
        current = todo.pop()
        if not isinstance(current, BaseException) or current in chain:
            continue
        chain.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [arg for arg in current.args if isinstance(arg, BaseException)]
    kinds = tuple(type(e) for e in chain)

    def has(*types):
        return any(issubclass(kind, types) for kind in kinds)

    if (
        has(socket.timeout, TimeoutError, urllib3.exceptions.TimeoutError)
        or "timed out" in str(error).lower()
    ):
        return env._("Xero did not answer in time")
    if has(ConnectionRefusedError, urllib3.exceptions.NewConnectionError, socket.gaierror):
        return env._("Xero's server could not be reached (no connection)")
    if has(ConnectionResetError, urllib3.exceptions.ProtocolError, BrokenPipeError):
        return env._("the connection was closed before Xero answered")
    if has(RequestException, urllib3.exceptions.HTTPError, OSError):
        return env._("the connection to Xero failed")
    return env._("the connection to Xero failed")


def clean_text(text):
    """``text`` without internal object representations (for logs users can read)."""
    return _OBJECT_RE.sub("…", str(text or ""))


def what_to_do(env, status):
    """What the user can do about a Xero answer with this HTTP status (empty when Xero's own
    text already says it: validation errors)."""
    status = min(500, status)
    hints = {
        0: env._("Nothing was lost: try again in a few minutes."),
        401: env._("Connect to Xero again (Settings > Xero), then try again."),
        403: env._(
            "The Xero login may not do this in that organisation (a permission or scope is missing): connect "
            "to Xero again and grant access, or ask the organisation's Xero adviser."
        ),
        404: env._("Xero does not know this record (deleted there?)."),
        429: env._("Xero's rate limit was reached: try again later."),
        500: env._("Xero is having trouble: try again in a few minutes."),
    }
    return hints.get(status, "")
