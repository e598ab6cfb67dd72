"""A Xero login, its connecting side: the OAuth round that connects it (authorisation code with
state and PKCE), the organisations it was granted, and the buttons of its form (reconnect, add
an organisation, check authentication, disconnect). The tokens and the choke point every call
goes through are in ``xero_connection.py``."""

import base64
import hashlib
import json
import logging
import secrets
from datetime import timedelta

from oauthlib.oauth2 import OAuth2Error
from requests import RequestException
from requests_oauthlib import OAuth2Session

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import const
from ..errors import clean_text, network_reason
from ..utils import notification

_logger = logging.getLogger(__name__)


class XeroConnection(models.Model):
    _inherit = "xero.connection"

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
                _("Enter the Xero app's client id and client secret in Settings > Xero before connecting.")
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
            token = self._xero_oauth_request(
                _("exchanging the authorisation code"),
                lambda: oauth.fetch_token(
                    config["token_url"],
                    code=code,
                    code_verifier=session.code_verifier,
                    client_secret=config["client_secret"],
                    timeout=const.HTTP_TIMEOUT_SECONDS,
                ),
                oauth=oauth,
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
    # Organisations
    # ------------------------------------------------------------------------------------
    def _fetch_connections(self):
        """Xero's /connections for this login: the organisations it was granted."""
        return self._xero_request(
            _("listing the connected organisations"),
            lambda client: self._identity_api(client).get_connections(),
        )

    def _sync_tenants(self, unread=None):
        """Create or update an organisation record for every organisation this login was
        granted, with its short code and base currency from Xero's /Organisation.
        ``unread``: a dict that receives {organisation: error} of those whose details Xero
        did not give."""
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
                if unread is not None:
                    unread[tenant] = error
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
        unread = {}
        tenants = self.sudo()._sync_tenants(unread)
        message = _(
            "Connected to Xero as %(login)s. Organisations: %(orgs)s. "
            "The access token expires at %(expiry)s.",
            login=self.xero_user_email or self.user_id.name,
            orgs=", ".join(tenants.mapped("name")) or _("none"),
            expiry=fields.Datetime.to_string(
                fields.Datetime.context_timestamp(self, self.sudo().token_expires_at)
            ),
        )
        if unread:
            # The login works, but Xero did not answer for these organisations: not a success.
            message += " " + _(
                "Xero did not answer for %(orgs)s: %(errors)s",
                orgs=", ".join(t.name for t in unread),
                errors=" ".join(str(e) for e in unread.values()),
            )
            return notification(_("Xero authentication"), message, "warning", sticky=True)
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
                next_action={"type": "ir.actions.client", "tag": "soft_reload"},
            )
        return notification(
            _("Xero"),
            _("Disconnected from Xero."),
            "info",
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _revoke_at_xero(self, config):
        """Ask Xero to revoke this login's refresh token; False (noted on the connection) when
        Xero does not confirm. Disconnecting never depends on it: the tokens are forgotten here
        in any case."""
        self.ensure_one()
        oauth = OAuth2Session(config["client_id"])
        try:
            self._xero_oauth_request(
                _("revoking the login"),
                lambda: oauth.post(
                    config["revoke_url"],
                    data={"token": self.refresh_token},
                    auth=(config["client_id"], config["client_secret"]),
                    timeout=const.HTTP_TIMEOUT_SECONDS,
                ).raise_for_status(),
                retry_safe=True,
            )
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
