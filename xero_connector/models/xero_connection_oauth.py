"""Calls to Xero's identity endpoints (a feature file of ``xero.connection``): the code
exchange, the token refresh and the revocation go through ``_xero_oauth_request``, the sibling
of the choke point ``_xero_request`` for calls that are not Accounting API calls. Each attempt
is written to the sync log like any other call (never a token, a code or a secret: only the
operation, Xero's status and its error code), and tried again only where that is safe."""

import time

from oauthlib.oauth2 import OAuth2Error
from requests import RequestException

from odoo import models

from .. import const
from ..errors import clean_text, network_reason


class XeroConnection(models.Model):
    _inherit = "xero.connection"

    def _xero_oauth_request(self, operation, send, retry_safe=False, oauth=None):
        """Run ``send()`` (one request to Xero's identity server: requests-oauthlib's
        ``fetch_token`` or ``refresh_token`` on the session ``oauth``, or a plain POST that
        raises on an error status) and log each attempt in the sync log, with this login
        (empty for the first exchange: the login does not exist yet).

        ``retry_safe``: whether repeating the request after a 5xx or a lost connection cannot
        lose anything. An authorisation code is used once, so an exchange is never repeated
        (the user connects again); a refresh is, because Xero keeps the previous refresh
        token usable for 30 minutes; a revocation is. Exceptions are re-raised as they came,
        for the caller's own message."""
        answered = {}
        if oauth is not None:  # Xero's HTTP status, which oauthlib's errors do not carry

            def note(response):
                answered["status"] = response.status_code
                return response

            for hook in ("access_token_response", "refresh_token_response"):
                oauth.register_compliance_hook(hook, note)
        for attempt in range(1, const.MAX_ATTEMPTS + 1):
            started = time.monotonic()
            answered.clear()
            try:
                result = send()
            except (OAuth2Error, RequestException) as error:
                response = getattr(error, "response", None)
                status = answered.get("status") or (response.status_code if response is not None else 0)
                if isinstance(error, OAuth2Error):  # invalid_grant..., never the token itself
                    status = status or error.status_code or 400
                    message = " ".join(filter(None, [error.error, error.description])) or type(error).__name__
                else:
                    message = clean_text(error) if status else network_reason(self.env, error)
                retry = retry_safe and attempt < const.MAX_ATTEMPTS and (status == 0 or status >= 500)
                self._xero_log_oauth(operation, started, status, message, retry)
                if not retry:
                    raise
                self._xero_sleep(const.BACKOFF_SECONDS * 2 ** (attempt - 1))
                continue
            self._xero_log_oauth(operation, started, answered.get("status") or 200, False, False)
            return result
        return None

    def _xero_log_oauth(self, operation, started, status, message, retried):
        self.env["xero.sync.log"]._record_call(
            self[:1], operation, None, None, started, status, {}, message, retried
        )
