"""A Xero login (``xero.connection``): the app's configuration, the tokens with their
single-flight refresh and ``_xero_request``, the choke point with safe retries that every call
to Xero goes through — kept next to each other, the refresh being what the choke point calls
on a 401. Connecting (the OAuth round), the organisations granted and the login's buttons are
in ``xero_connection_login.py``; the process-wide HTTP pool and timeouts in
``xero_connector/http.py``; Xero's limits shared by every process in ``xero_connector/limits.py``
(through ``xero.tenant._xero_slot``); the call's log line in ``xero.sync.log``."""

import contextlib
import logging
import os
import time
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from oauthlib.oauth2 import InvalidGrantError, OAuth2Error
from requests import RequestException
from requests_oauthlib import OAuth2Session
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import ApiException
from xero_python.identity import IdentityApi

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

from .. import const
from .. import http as xero_http
from ..errors import XeroError, clean_text, network_reason, what_to_do

_logger = logging.getLogger(__name__)


class XeroConnection(models.Model):
    """One user's Xero login: the OAuth 2.0 tokens that let Odoo act in Xero on their behalf
    (M-Power: every user acts through their own Xero account), and the organisations that
    login was granted. Every request to Xero goes through ``_xero_request``."""

    _name = "xero.connection"
    _description = "Xero Connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------------------------
    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        default=lambda self: self.env.user,
        ondelete="cascade",
        help="The Odoo user whose Xero login this is.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    state = fields.Selection(
        [
            ("connected", "Connected"),
            ("reconnect", "Reconnect needed"),
            ("disconnected", "Disconnected"),
        ],
        default="connected",
        required=True,
        tracking=True,
    )
    xero_user_name = fields.Char("Xero user", readonly=True)
    xero_user_email = fields.Char("Xero login", readonly=True)
    scope = fields.Char(readonly=True)
    token_expires_at = fields.Datetime("Access token expires", readonly=True)
    access_token = fields.Char(groups="base.group_system", copy=False)
    refresh_token = fields.Char(groups="base.group_system", copy=False)
    tenant_ids = fields.Many2many(
        "xero.tenant",
        "xero_connection_tenant_rel",
        "connection_id",
        "tenant_id",
        string="Organisations granted",
        readonly=True,
    )
    last_error = fields.Text(readonly=True)

    @api.depends("user_id.name", "xero_user_email")
    def _compute_name(self):
        for connection in self:
            who = connection.xero_user_email or connection.user_id.name or ""
            connection.name = _("Xero login of %s", who)

    # ------------------------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------------------------
    @api.model
    def _get_xero_config(self):
        """The Xero app's settings (client, scopes, endpoints) as a dict; defaults are Xero's."""
        get = self.env["ir.config_parameter"].sudo().get_param
        config = {
            key: get(const.PARAM_PREFIX + key) or default for key, default in const.DEFAULT_ENDPOINTS.items()
        }
        config["client_id"] = get(const.PARAM_PREFIX + "client_id") or ""
        config["client_secret"] = get(const.PARAM_PREFIX + "client_secret") or ""
        config["scopes"] = (get(const.PARAM_PREFIX + "scopes") or const.DEFAULT_SCOPES).split()
        config["redirect_uri"] = self._get_redirect_uri()
        self._check_endpoints(config)
        return config

    @api.model
    def _check_endpoints(self, config):
        """Tokens travel only over HTTPS, except to a Xero double on this machine (the
        sandbox), which oauthlib is then told to accept."""
        plain = [config[key] for key in const.DEFAULT_ENDPOINTS if not config[key].startswith("https://")]
        if not plain:
            return
        hosts = {urlsplit(url).hostname for url in plain}
        if not all(host in const.LOOPBACK_HOSTS or (host or "").startswith("127.") for host in hosts):
            raise UserError(
                _(
                    "Xero endpoints must use https:// (check Settings > Xero): %s",
                    ", ".join(plain),
                )
            )
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

    @api.model
    def _get_redirect_uri(self):
        base_url = self.env.company.get_base_url() or ""
        return base_url.rstrip("/") + const.CALLBACK_PATH

    # ------------------------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------------------------
    def _get_access_token(self, force_refresh=False):
        """A valid access token, refreshed first when it is about to expire (or when Xero just
        answered 401 and ``force_refresh`` is set)."""
        self.ensure_one()
        connection = self.sudo()
        if connection.state != "connected":
            raise self._reconnect_error()
        margin = fields.Datetime.now() + timedelta(seconds=const.TOKEN_REFRESH_MARGIN_SECONDS)
        # A refresh is committed by a transaction of its own, which this transaction's snapshot
        # does not see: remember what it returned for the rest of this transaction.
        refreshed = self.env.cr.cache.setdefault("xero_refreshed_tokens", {})
        token, expires_at = refreshed.get(self.id) or (connection.access_token, connection.token_expires_at)
        if not force_refresh and token and expires_at and expires_at > margin:
            return token
        token, expires_at = self._refresh_tokens(stale_token=token)
        refreshed[self.id] = (token, expires_at)
        return token

    def _forget_refreshed_token(self):
        """Drop what ``_get_access_token`` remembers of a refresh in this transaction: the
        connection's tokens were just replaced (connected again) or forgotten (disconnected)."""
        refreshed = self.env.cr.cache.get("xero_refreshed_tokens")
        if refreshed:
            for connection_id in self.ids:
                refreshed.pop(connection_id, None)

    def _refresh_tokens(self, stale_token=None):
        """Refresh in a transaction of its own, holding the connection's row lock: Xero rotates
        refresh tokens, so two workers refreshing at once would burn the token. The second
        worker waits for the lock, then finds the token the first one stored and uses it.
        The new tokens are committed at once, whatever becomes of the caller's transaction.
        Returns (access token, expiry)."""
        self.ensure_one()
        # Everything below runs on a cursor of its own: two workers of one process may refresh
        # at the same moment, and the caller's cursor is not to be shared between threads.
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": self.env.lang})
            config = env["xero.connection"]._get_xero_config()
            # Should the caller's own transaction hold this row, fail after a while, not hang.
            cr.execute("SET LOCAL lock_timeout = '30s'")
            # NO KEY: the sync log (own cursor) may still reference the row while it is held.
            cr.execute("SELECT id FROM xero_connection WHERE id = %s FOR NO KEY UPDATE", [self.id])
            connection = env["xero.connection"].browse(self.id)
            if connection.state != "connected":
                raise self._reconnect_error()
            margin = fields.Datetime.now() + timedelta(seconds=const.TOKEN_REFRESH_MARGIN_SECONDS)
            if (
                connection.access_token
                and connection.access_token != stale_token
                and connection.token_expires_at > margin
            ):
                return connection.access_token, connection.token_expires_at
            oauth = OAuth2Session(config["client_id"], token={"refresh_token": connection.refresh_token})
            try:
                token = connection.with_user(self.env.uid)._xero_oauth_request(
                    env._("refreshing the access token"),
                    lambda: oauth.refresh_token(
                        config["token_url"],
                        refresh_token=connection.refresh_token,
                        auth=(config["client_id"], config["client_secret"]),
                        timeout=const.HTTP_TIMEOUT_SECONDS,
                    ),
                    retry_safe=True,
                    oauth=oauth,
                )
            except InvalidGrantError as error:
                _logger.warning("Xero refresh token of connection %s is no longer valid: %s", self.id, error)
                connection._mark_reconnect_needed(
                    _("Xero no longer accepts the saved login (%s).", error.error)
                )
                # Our own cursor: the owner must learn of it even though the caller fails.
                cr.commit()  # pylint: disable=invalid-commit
                raise self._reconnect_error() from error
            except OAuth2Error as error:
                raise XeroError(
                    _("Could not refresh the Xero login: %s", error.error or error.description), status=400
                ) from error
            except RequestException as error:
                raise XeroError(
                    _(
                        "Could not refresh the Xero login: %(reason)s. %(todo)s",
                        reason=network_reason(self.env, error),
                        todo=what_to_do(self.env, 0),
                    )
                ) from error
            values = self._token_values(token)
            connection.write(values)
            return values["access_token"], values["token_expires_at"]

    def _mark_reconnect_needed(self, reason):
        """Xero refused the refresh token: the owner must connect again. Say so where they look."""
        for connection in self:
            connection.write({"state": "reconnect", "access_token": False, "last_error": reason})
            connection.activity_schedule(
                "mail.mail_activity_data_warning",
                user_id=connection.user_id.id,
                summary=_("Reconnect to Xero"),
                note=_(
                    "%(reason)s Open Settings > Xero and press Connect to Xero.",
                    reason=reason,
                ),
            )

    def _reconnect_error(self):
        return UserError(
            _(
                "The Xero login of %(user)s needs to be reconnected. Open Settings > Xero "
                "and press Connect to Xero, then try again.",
                user=self.user_id.name or self.env.user.name,
            )
        )

    # ------------------------------------------------------------------------------------
    # The choke point: every call to Xero
    # ------------------------------------------------------------------------------------
    def _api_client(self):
        """An xero-python ApiClient whose token comes from this connection. The SDK's own
        refresh is left off (no client credentials on its OAuth2Token): ours is the one that
        knows the configured token URL and the row lock. The HTTP pool is shared by the
        process, so connections to Xero are reused from call to call."""
        self.ensure_one()
        configuration = Configuration(oauth2_token=OAuth2Token())
        client = ApiClient(
            configuration,
            oauth2_token_getter=lambda: {
                "access_token": self._get_access_token(),
                "token_type": "Bearer",
                "scope": None,
                "expires_in": None,
                "expires_at": None,
            },
            oauth2_token_saver=lambda token: None,
        )
        client.rest_client.pool_manager = xero_http.shared_pool()
        xero_http.with_timeouts(client.rest_client)
        return client

    def _xero_request(self, operation, call, idempotent=True, tenant=None, records=None):
        """The one place where Odoo talks to Xero: run ``call(api_client)``.

        - 401: refresh the token (single flight) and try again once;
        - 429: wait what Xero's ``Retry-After`` says, then try again;
        - 5xx and lost connections: try again with backoff, but only when repeating the call
          cannot create anything twice (reads, or writes carrying an Idempotency-Key);
        - anything else: one UserError carrying Xero's own message.

        Every attempt is written to the sync log (``tenant`` and the Odoo ``records`` it
        concerns, if any), in a transaction of its own so that it survives a rollback.
        """
        self.ensure_one()
        refreshed = False
        if tenant:
            tenant._xero_check_budget(operation)
        for attempt in range(1, const.MAX_ATTEMPTS + 1):
            client = self._api_client()
            started = time.monotonic()
            try:
                with tenant._xero_slot(operation) if tenant else contextlib.nullcontext():
                    result = call(client)
            except ApiException as error:
                status = error.status or 0
                headers = error.headers or {}
                retry = (
                    (status == 401 and not refreshed)
                    or (status == 429 and attempt < const.MAX_ATTEMPTS)
                    or (status >= 500 and idempotent and attempt < const.MAX_ATTEMPTS)
                )
                message = xero_http.xero_message(error)
                wait = float(headers.get("Retry-After") or 1) if status == 429 else 0
                if wait > const.MAX_INLINE_WAIT_SECONDS:
                    retry = False  # never slept in a request or under row locks: queued instead
                # a wait too long to sleep is remembered: calls until then are not even sent
                long_wait = wait if status == 429 and not retry else None
                retry_at = tenant._xero_note_answer(headers, long_wait) if tenant else None
                self.env["xero.sync.log"]._record_call(
                    self,
                    operation,
                    tenant,
                    records,
                    started,
                    status,
                    headers,
                    message,
                    retry,
                    retry_at=retry_at,
                )
                if status == 429 and tenant and not retry:
                    raise tenant._xero_retry_error(
                        operation,
                        retry_at or time.time() + wait,
                        problem=headers.get("X-Rate-Limit-Problem") or "day",
                    ) from error
                if not retry:
                    text = _("Xero refused %(operation)s: %(message)s", operation=operation, message=message)
                    hint = what_to_do(self.env, status) if status != 400 else ""
                    if hint and not text.rstrip().endswith((".", "!", "?")):
                        text += "."
                    raise XeroError(f"{text} {hint}".strip(), status=status) from error
                if status == 401:
                    refreshed = True
                    self._get_access_token(force_refresh=True)
                elif status == 429:
                    _logger.info(
                        "Xero rate limit (%s) during %s: waiting %ss",
                        headers.get("X-Rate-Limit-Problem"),
                        operation,
                        wait,
                    )
                    self._xero_sleep(wait)
                else:
                    self._xero_sleep(const.BACKOFF_SECONDS * 2 ** (attempt - 1))
                continue
            except (OSError, RequestException, urllib3.exceptions.HTTPError) as error:
                retry = idempotent and attempt < const.MAX_ATTEMPTS
                reason = network_reason(self.env, error)
                _logger.info("No answer from Xero for %s: %s", operation, clean_text(error))
                self.env["xero.sync.log"]._record_call(
                    self, operation, tenant, records, started, 0, {}, reason, retry
                )
                if retry:
                    self._xero_sleep(const.BACKOFF_SECONDS * 2 ** (attempt - 1))
                    continue
                raise XeroError(
                    _(
                        "Xero could not be reached for %(operation)s: %(reason)s. %(todo)s",
                        operation=operation,
                        reason=reason,
                        todo=what_to_do(self.env, 0),
                    ),
                    status=0,
                ) from error
            response = client.last_response
            if tenant:
                tenant._xero_note_answer(response.getheaders() if response else {})
            self.env["xero.sync.log"]._record_call(
                self,
                operation,
                tenant,
                records,
                started,
                response.status if response else 200,
                response.getheaders() if response else {},
                False,
                False,
            )
            return result
        return None

    @api.model
    def _xero_sleep(self, seconds):
        """Wait before trying Xero again (tests replace it to move the sandbox's clock)."""
        time.sleep(seconds)

    def _identity_api(self, api_client):
        base = self._get_xero_config()["connections_url"]
        if base.lower().endswith("/connections"):
            base = base[: -len("/connections")]
        return IdentityApi(api_client, base_url=base)
