"""A Xero login (``xero.connection``): the app's configuration, the OAuth round, the tokens
with their single-flight refresh, ``_xero_request`` (the choke point with safe retries) and the
organisations the login was granted.

Longer than 500 lines on purpose: the choke point and the token refresh it calls on a 401 read
best next to each other, and both are kept exactly as they are (the examples the rest of the
module copies). What is not the login's own lives elsewhere: the process-wide HTTP pool and
timeouts in ``xero_connector/http.py``, Xero's limits shared by every process in
``xero_connector/limits.py`` (through ``xero.tenant._xero_slot``), the call's log line in
``xero.sync.log``."""

import base64
import contextlib
import hashlib
import json
import logging
import os
import secrets
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
from odoo.exceptions import AccessError, UserError

from .. import const
from .. import http as xero_http
from ..errors import XeroError, clean_text, network_reason, what_to_do
from ..utils import notification

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
                    "Xero endpoints must use https:// (check Settings > Accounting > Xero): %s",
                    ", ".join(plain),
                )
            )
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

    @api.model
    def _get_redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return base_url.rstrip("/") + const.CALLBACK_PATH

    # ------------------------------------------------------------------------------------
    # Authorisation (connect, add another organisation)
    # ------------------------------------------------------------------------------------
    @api.model
    def _start_authorization(self, connection=None):
        """Start an authorisation-code round with state and PKCE (S256) and return the action
        that sends the browser to Xero's consent page. Reconnecting or extending a login is
        for its owner only: tokens obtained here are stored on ``connection``."""
        self.env["xero.access"]._xero_check_access("owner", connection)
        config = self._get_xero_config()
        if not config["client_id"] or not config["client_secret"]:
            raise UserError(
                _(
                    "Enter the Xero app's client id and client secret in Settings > Accounting > "
                    "Xero before connecting."
                )
            )
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        session = (
            self.env["xero.oauth.session"]
            .sudo()
            .create(
                {
                    "state": secrets.token_urlsafe(32),
                    "code_verifier": verifier,
                    "user_id": self.env.uid,
                    "company_id": self.env.company.id,
                    "connection_id": connection.id if connection else False,
                }
            )
        )
        oauth = OAuth2Session(
            config["client_id"],
            redirect_uri=config["redirect_uri"],
            scope=config["scopes"],
            state=session.state,
        )
        url, _state = oauth.authorization_url(
            config["authorize_url"], code_challenge=challenge, code_challenge_method="S256"
        )
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    @api.model
    def _complete_authorization(self, session, code):
        """Exchange the authorisation code (with the PKCE verifier) for tokens, store them on
        the user's connection for that company and link the organisations granted."""
        config = self._get_xero_config()
        oauth = OAuth2Session(config["client_id"], redirect_uri=config["redirect_uri"], state=session.state)
        try:
            token = oauth.fetch_token(
                config["token_url"],
                code=code,
                code_verifier=session.code_verifier,
                client_secret=config["client_secret"],
                timeout=const.HTTP_TIMEOUT_SECONDS,
            )
        except (OAuth2Error, RequestException) as error:
            _logger.warning(
                "Xero refused the authorisation code for user %s: %s", session.user_id.login, error
            )
            reason = " ".join(
                filter(None, [getattr(error, "error", None), getattr(error, "description", None)])
            )
            raise UserError(_("Xero refused the authorisation: %s", reason or error)) from error

        if session.connection_id and session.connection_id.sudo().user_id != session.user_id:
            raise AccessError(_("This Xero authorisation was started for another user's Xero login."))
        connection = session.connection_id or self.sudo().search(
            [("user_id", "=", session.user_id.id), ("company_id", "=", session.company_id.id)], limit=1
        )
        values = self._token_values(token)
        values.update(self._identity_from_id_token(token.get("id_token")))
        values.update(state="connected", last_error=False)
        if connection:
            connection.sudo().write(values)
            connection._forget_refreshed_token()  # the new login's token, not one refreshed before
        else:
            values.update(user_id=session.user_id.id, company_id=session.company_id.id)
            connection = self.sudo().create(values)
        connection.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_warning")
        ).action_feedback(_("Connected again."))
        connection.message_post(body=_("Connected to Xero as %s.", connection.xero_user_email or "?"))
        connection.sudo()._sync_tenants()
        return connection

    @staticmethod
    def _token_values(token):
        expires_in = int(token.get("expires_in") or 1800)
        return {
            "access_token": token["access_token"],
            "refresh_token": token.get("refresh_token"),
            "scope": " ".join(token["scope"]) if isinstance(token.get("scope"), list) else token.get("scope"),
            "token_expires_at": fields.Datetime.now() + timedelta(seconds=expires_in),
        }

    @staticmethod
    def _identity_from_id_token(id_token):
        """Who logged in, from the OpenID id_token's claims (display only: the token came
        straight from Xero's token endpoint over TLS, so its signature is not re-checked)."""
        if not id_token or id_token.count(".") != 2:
            return {}
        payload = id_token.split(".")[1]
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return {}
        name = " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])) or claims.get(
            "name"
        )
        return {"xero_user_email": claims.get("email"), "xero_user_name": name}

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
        config = self._get_xero_config()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # Should the caller's own transaction hold this row, fail after a while, not hang.
            cr.execute("SET LOCAL lock_timeout = '30s'")
            cr.execute("SELECT id FROM xero_connection WHERE id = %s FOR UPDATE", [self.id])
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
                token = oauth.refresh_token(
                    config["token_url"],
                    refresh_token=connection.refresh_token,
                    auth=(config["client_id"], config["client_secret"]),
                    timeout=const.HTTP_TIMEOUT_SECONDS,
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
                    "%(reason)s Open Settings > Accounting > Xero and press Connect to Xero.",
                    reason=reason,
                ),
            )

    def _reconnect_error(self):
        return UserError(
            _(
                "The Xero login of %(user)s needs to be reconnected. Open Settings > Accounting > Xero "
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
        process, so connections to Xero are reused from call to call; every request has a connect
        and a read timeout."""
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

    # ------------------------------------------------------------------------------------
    # Organisations
    # ------------------------------------------------------------------------------------
    def _fetch_connections(self):
        """Xero's /connections for this login: the organisations it was granted."""
        return self._xero_request(
            _("listing the connected organisations"),
            lambda client: self._identity_api(client).get_connections(),
        )

    def _sync_tenants(self):
        """Create or update an organisation record for every organisation this login was
        granted, with its short code and base currency from Xero's /Organisation."""
        self.ensure_one()
        Tenant = self.env["xero.tenant"].sudo().with_context(active_test=False)
        granted = Tenant
        for remote in self._fetch_connections():
            tenant = Tenant.search([("tenant_id", "=", str(remote.tenant_id))], limit=1)
            values = {
                "name": remote.tenant_name,
                "xero_connection_ref": str(remote.id),
                "tenant_type": remote.tenant_type,
                "active": True,
            }
            if tenant:
                if not tenant.connection_id or tenant.connection_id.state != "connected":
                    values["connection_id"] = self.id
                tenant.write(values)
            else:
                tenant = Tenant.create(dict(values, tenant_id=str(remote.tenant_id), connection_id=self.id))
            granted |= tenant
        self.tenant_ids = granted
        for tenant in granted:
            try:
                with self.env.cr.savepoint():
                    tenant._refresh_organisation_details()
            except UserError as error:
                # Connected all the same: the details (short code, base currency) are read
                # again by Check authentication and the next connect.
                _logger.warning("Xero organisation details of %s not read: %s", tenant.name, error)
                self.message_post(
                    body=_(
                        "Connected to %(org)s, but its details (short code, base currency) could not be read "
                        "yet: %(error)s Press Check authentication later to read them.",
                        org=tenant.name,
                        error=error,
                    )
                )
        return granted

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_reconnect(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("owner", self)
        return self._start_authorization(connection=self)

    def action_add_organisation(self):
        """Another authorisation round: Xero's consent page lets the user tick more organisations."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("owner", self)
        return self._start_authorization(connection=self)

    def action_check_authentication(self):
        """Who is connected, which organisations, when the token expires: asks Xero now."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("owner_or_system", self)
        tenants = self.sudo()._sync_tenants()
        message = _(
            "Connected to Xero as %(login)s. Organisations: %(orgs)s. "
            "The access token expires at %(expiry)s.",
            login=self.xero_user_email or self.user_id.name,
            orgs=", ".join(tenants.mapped("name")) or _("none"),
            expiry=fields.Datetime.to_string(
                fields.Datetime.context_timestamp(self, self.sudo().token_expires_at)
            ),
        )
        return notification(_("Xero authentication"), message, "success")

    def action_disconnect(self):
        """Revoke the login at Xero and forget the tokens. Organisations, company mappings
        and export links stay, so connecting again resumes where things were."""
        self.env["xero.access"]._xero_check_access("owner_or_system", self)
        config = self._get_xero_config()
        not_revoked = []
        for connection in self.sudo():
            if connection.refresh_token and not connection._revoke_at_xero(config):
                not_revoked.append(connection)
            connection.write(
                {
                    "state": "disconnected",
                    "access_token": False,
                    "refresh_token": False,
                    "token_expires_at": False,
                }
            )
            connection._forget_refreshed_token()
            connection.message_post(body=_("Disconnected from Xero by %s.", self.env.user.name))
        if not_revoked:
            return notification(
                _("Xero"),
                _(
                    "Disconnected here: Odoo forgot the Xero login. Xero did not confirm the revocation, so "
                    "the login stays listed in Xero until it expires: remove the app in Xero (Settings > "
                    "Connected apps) to end it at once."
                ),
                "warning",
            )
        return notification(_("Xero"), _("Disconnected from Xero."), "info")

    def _revoke_at_xero(self, config):
        """Ask Xero to revoke this login's refresh token; False (noted on the connection) when
        Xero does not confirm. Disconnecting never depends on it: the tokens are forgotten here
        in any case."""
        self.ensure_one()
        oauth = OAuth2Session(config["client_id"])
        try:
            response = oauth.post(
                config["revoke_url"],
                data={"token": self.refresh_token},
                auth=(config["client_id"], config["client_secret"]),
                timeout=const.HTTP_TIMEOUT_SECONDS,
            )
            response.raise_for_status()
        except RequestException as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            reason = _("Xero answered %s", status) if status else network_reason(self.env, error)
            _logger.warning("Xero did not revoke connection %s: %s", self.id, clean_text(error))
            self.message_post(
                body=_(
                    "Xero did not confirm the revocation of this login (%(reason)s). The tokens are "
                    "forgotten in Odoo; remove the app in Xero (Settings > Connected apps) to end it there.",
                    reason=reason,
                )
            )
            return False
        return True
