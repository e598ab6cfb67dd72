"""Xero's identity service as an app sees it: apps, consent, codes, tokens and connections.

Behaviour follows FACTS.md: authorization-code flow with `state` and PKCE (S256), access tokens
living 30 minutes, rotating refresh tokens (the previous one keeps working for a 30-minute grace
period; one unused for 60 days is dead), revocation removing the user's connections to the app,
and connections merged per user + app across authorisations.

All times come from the shared virtual clock so tests can jump over expiries.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

ACCESS_TOKEN_LIFE = 30 * 60
CODE_LIFE = 5 * 60
REFRESH_GRACE = 30 * 60
REFRESH_IDLE_LIFE = 60 * 24 * 3600

DEMO_CLIENT_ID = "sandbox-client-id"
DEMO_CLIENT_SECRET = "sandbox-client-secret"
DEMO_WEBHOOK_KEY = "sandbox-webhook-key"
DEMO_USER = "demo.user@example.com"

ISSUER = "https://identity.xero.com"

# Apps created on or after this moment (2 March 2026, UTC) cannot ask for the broad scopes.
GRANULAR_SCOPES_SINCE = datetime(2026, 3, 2, tzinfo=timezone.utc).timestamp()
DEPRECATED_SCOPES = ("accounting.transactions", "accounting.transactions.read", "accounting.reports.read")
# The demo app: created after March 2026, on the free Starter tier (what a new app gets today).
DEMO_APP_CREATED = datetime(2026, 3, 10, tzinfo=timezone.utc).timestamp()


@dataclass(frozen=True)
class Tier:
    """What a Xero app tier allows (FACTS.md, "App tiers"): connected organisations, calls a
    day per organisation, and whether one consent may connect several organisations."""

    name: str
    connections: int | None
    day_limit: int
    bulk_connections: bool


TIERS = {
    "starter": Tier("Starter", 5, 1000, False),
    "core": Tier("Core", 50, 5000, False),
    "plus": Tier("Plus", 1000, 5000, False),
    "advanced": Tier("Advanced", 10000, 5000, True),
    "enterprise": Tier("Enterprise", None, 5000, True),
}


class OAuthError(Exception):
    """An RFC 6749 error answered as `{"error": ...}` by the token/revocation endpoints."""

    def __init__(self, error: str, status: int = 400, description: str = ""):
        super().__init__(error)
        self.error = error
        self.status = status
        self.description = description

    def body(self) -> dict:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


class ConsentError(Exception):
    """The authorise page cannot even redirect back (unknown client, unregistered redirect URI):
    Xero shows an error page instead."""


class ApiAuthError(Exception):
    """A bearer token that does not open the API: answered 401 with Xero's problem body."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass
class App:
    client_id: str
    client_secret: str | None  # None: a public (PKCE-only) app
    redirect_uris: list = field(default_factory=list)
    webhook_key: str | None = None
    loopback_redirects: bool = False  # demo leniency: any http://localhost:*/127.0.0.1:* URL
    # Browser tours cannot press a button on another site's page: an app registered with a
    # list here is consented to at once (GET redirects straight back) for those tenants.
    auto_consent: list | None = None
    created: float = DEMO_APP_CREATED  # epoch seconds (real time, not the virtual clock)
    tier: str = "starter"

    @property
    def tier_rules(self) -> Tier:
        return TIERS[self.tier]

    @property
    def granular_only(self) -> bool:
        """Created on or after 2 March 2026: the broad scopes are refused at consent."""
        return self.created >= GRANULAR_SCOPES_SINCE

    def accepts_redirect(self, uri: str) -> bool:
        if uri in self.redirect_uris:
            return True
        if not self.loopback_redirects:
            return False
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")


@dataclass
class AuthCode:
    code: str
    client_id: str
    user: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    nonce: str | None
    auth_event_id: str
    expires_at: float
    used: bool = False


@dataclass
class Grant:
    """One token family: everything issued from one authorisation code, through its refreshes."""

    grant_id: str
    client_id: str
    user: str
    scope: str
    auth_event_id: str
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    grant: Grant
    issued_at: float
    superseded_at: float | None = None


@dataclass
class AccessToken:
    token: str
    grant: Grant
    expires_at: float


@dataclass
class Connection:
    id: str
    client_id: str
    user: str
    tenant_id: str
    auth_event_id: str
    created: float
    updated: float


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """base64url(sha256(verifier)) without padding, as RFC 7636 S256 defines it."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def fake_jwt(claims: dict) -> str:
    """A JWT-shaped string (header.claims.signature). Nobody can verify the signature; clients
    that decode claims without verification (as xero-python does for the id_token) work."""
    header = {"alg": "RS256", "kid": "sandbox", "typ": "JWT"}
    return ".".join(
        (
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(claims).encode()),
            b64url(secrets.token_bytes(32)),
        )
    )


def xero_utc(epoch: float) -> str:
    """Connections' date format: `2019-12-07T18:46:19.5165400` (UTC, seven decimals, no zone)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


class Identity:
    """Apps, consent decisions, codes, tokens and connections of one sandbox.

    `tenants` returns the current {tenant_id: Organisation}; the demo user may grant any of them.
    """

    def __init__(self, clock, tenants: Callable[[], dict]):
        self.clock = clock
        self.tenants = tenants
        self._lock = threading.RLock()
        self.apps: dict[str, App] = {}
        self._codes: dict[str, AuthCode] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._access: dict[str, AccessToken] = {}
        self._connections: dict[str, Connection] = {}
        self.register_app(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, [], DEMO_WEBHOOK_KEY, loopback_redirects=True)

    # ----------------------------------------------------------------- apps
    def register_app(
        self,
        client_id,
        client_secret,
        redirect_uris,
        webhook_key=None,
        loopback_redirects=False,
        auto_consent=None,
        created=None,
        tier="starter",
    ) -> App:
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}; one of {', '.join(TIERS)}")
        app = App(
            client_id,
            client_secret,
            list(redirect_uris or []),
            webhook_key,
            loopback_redirects,
            auto_consent,
            DEMO_APP_CREATED if created is None else float(created),
            tier,
        )
        with self._lock:
            self.apps[client_id] = app
        return app

    # -------------------------------------------------------------- consent
    def check_authorize_request(self, params: dict) -> App:
        """Validate what must be right before Xero will even redirect back; else ConsentError."""
        app = self.apps.get(params.get("client_id", ""))
        if app is None:
            raise ConsentError("unauthorized_client: Unknown client or client not enabled")
        redirect_uri = params.get("redirect_uri", "")
        if not app.accepts_redirect(redirect_uri):
            raise ConsentError("invalid_request: Invalid redirect_uri")
        return app

    def redirect_error(self, params: dict) -> str | None:
        """Errors Xero reports by redirecting back with `error=` (the redirect URI is trusted)."""
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        scopes = params.get("scope", "").split()
        if not scopes:
            return "invalid_scope"
        app = self.apps.get(params.get("client_id", ""))
        if app is not None and app.granular_only and set(scopes) & set(DEPRECATED_SCOPES):
            # what Xero answers a new app asking for accounting.transactions (FACTS.md)
            return "unauthorized_client"
        method = params.get("code_challenge_method")
        if params.get("code_challenge") and method not in (None, "", "S256"):
            return "invalid_request"
        return None

    def approve(self, params: dict, tenant_ids: list, user: str = DEMO_USER) -> str:
        """The user pressed "Allow access": connect the chosen tenants and return the redirect
        location carrying a fresh single-use code and the echoed state."""
        self.check_authorize_request(params)
        error = self.redirect_error(params)
        if error:
            return self.redirect(params, error=error)
        known = self.tenants()
        chosen = [t for t in tenant_ids if t in known]
        if not chosen:
            return self.redirect(params, error="access_denied")
        self.check_tier(params["client_id"], user, chosen)
        now = self.clock.now()
        auth_event_id = str(uuid.uuid4())
        code = AuthCode(
            secrets.token_urlsafe(32),
            params["client_id"],
            user,
            params["redirect_uri"],
            params["scope"],
            params.get("code_challenge") or None,
            params.get("nonce"),
            auth_event_id,
            now + CODE_LIFE,
        )
        with self._lock:
            self._codes[code.code] = code
            for tenant_id in chosen:
                self._connect(code.client_id, user, tenant_id, auth_event_id, now)
        return self.redirect(params, code=code.code)

    def check_tier(self, client_id: str, user: str, chosen: list) -> None:
        """Starter and the other non-bulk tiers connect one organisation per consent; every
        tier caps the organisations connected to the app (ConsentError: Xero's page says so)."""
        app = self.apps[client_id]
        rules = app.tier_rules
        if len(chosen) > 1 and not rules.bulk_connections:
            raise ConsentError(
                f"access_denied: connecting several organisations at once needs the Advanced tier; "
                f"this app is on {rules.name}: choose one organisation"
            )
        with self._lock:
            connected = {c.tenant_id for c in self._connections.values() if c.client_id == client_id}
        if rules.connections is not None and len(connected | set(chosen)) > rules.connections:
            raise ConsentError(
                f"access_denied: this app has reached its limit of {rules.connections} connected "
                f"organisations ({rules.name} tier)"
            )

    def deny(self, params: dict) -> str:
        self.check_authorize_request(params)
        return self.redirect(params, error="access_denied")

    @staticmethod
    def redirect(params: dict, **values) -> str:
        if values.get("error") == "unauthorized_client":
            values["error_description"] = "Invalid scope for client"
        if params.get("state") is not None:
            values["state"] = params["state"]
        uri = params["redirect_uri"]
        return uri + ("&" if "?" in uri else "?") + urlencode(values)

    def _connect(self, client_id, user, tenant_id, auth_event_id, now):
        """Xero merges connections per user + app: re-granting a tenant refreshes its row."""
        for conn in self._connections.values():
            if (conn.client_id, conn.user, conn.tenant_id) == (client_id, user, tenant_id):
                conn.auth_event_id, conn.updated = auth_event_id, now
                return
        conn = Connection(str(uuid.uuid4()), client_id, user, tenant_id, auth_event_id, now, now)
        self._connections[conn.id] = conn

    def consent_page(self, params: dict) -> str:
        """The HTML page a browser sees at /identity/connect/authorize."""
        hidden = "\n".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k != "tenant"
        )
        app = self.apps.get(params.get("client_id", ""))
        bulk = app is None or app.tier_rules.bulk_connections
        kind = "checkbox" if bulk else "radio"  # Starter: one organisation per consent
        rows = "\n".join(
            f'<li><label><input type="{kind}" name="tenant" value="{html.escape(t)}" '
            f'id="tenant_{html.escape(org.short_code)}"{" checked" if bulk or not i else ""}> '
            f"{html.escape(org.name)}</label></li>"
            for i, (t, org) in enumerate(self.tenants().items())
        )
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in params.get("scope", "").split())
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Xero sandbox | Authorise app</title></head>
<body>
<h1>{html.escape(params.get("client_id", ""))} wants to access your Xero organisations</h1>
<p>Signed in as {html.escape(DEMO_USER)} (Xero sandbox).</p>
<form method="post" action="/identity/connect/authorize">
{hidden}
<h2>Organisations</h2>
<ul>
{rows}
</ul>
<h2>Permissions</h2>
<ul>{scopes}</ul>
<button type="submit" id="allow_access" name="decision" value="allow">Allow access</button>
<button type="submit" id="cancel" name="decision" value="deny">Cancel</button>
</form>
</body></html>"""

    @staticmethod
    def error_page(message: str) -> str:
        return (
            "<!DOCTYPE html><html><head><title>Xero sandbox | Error</title></head><body>"
            f'<h1>Sorry, something went wrong</h1><p id="error">{html.escape(message)}</p>'
            "</body></html>"
        )

    # -------------------------------------------------------------- tokens
    def authenticate_client(self, form: dict, basic: tuple | None) -> App:
        """HTTP Basic or client_id/client_secret in the body; a public app sends only its id."""
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        app = self.apps.get(client_id or "")
        if app is None:
            raise OAuthError("invalid_client")
        if app.client_secret is not None and secret != app.client_secret:
            raise OAuthError("invalid_client")
        return app

    def token(self, form: dict, basic: tuple | None) -> dict:
        """POST /connect/token."""
        app = self.authenticate_client(form, basic)
        grant_type = form.get("grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                grant, nonce = self._redeem_code(app, form)
                return self._issue(grant, nonce=nonce)
            if grant_type == "refresh_token":
                return self._issue(self._rotate(app, form.get("refresh_token", "")))
        raise OAuthError("unsupported_grant_type")

    def _redeem_code(self, app: App, form: dict) -> tuple:
        now = self.clock.now()
        code = self._codes.get(form.get("code", ""))
        if (
            code is None
            or code.used
            or now > code.expires_at
            or code.client_id != app.client_id
            or code.redirect_uri != form.get("redirect_uri")
        ):
            raise OAuthError("invalid_grant")
        code.used = True
        verifier = form.get("code_verifier")
        if code.code_challenge is not None:
            if not verifier or pkce_challenge(verifier) != code.code_challenge:
                raise OAuthError("invalid_grant")
        elif app.client_secret is None:
            raise OAuthError("invalid_grant")  # a public app must use PKCE
        grant = Grant(str(uuid.uuid4()), app.client_id, code.user, code.scope, code.auth_event_id)
        return grant, code.nonce

    def _rotate(self, app: App, token: str) -> Grant:
        now = self.clock.now()
        record = self._refresh.get(token)
        if record is None or record.grant.revoked or record.grant.client_id != app.client_id:
            raise OAuthError("invalid_grant")
        if record.superseded_at is not None and now > record.superseded_at + REFRESH_GRACE:
            raise OAuthError("invalid_grant")
        if now > record.issued_at + REFRESH_IDLE_LIFE:
            raise OAuthError("invalid_grant")
        if record.superseded_at is None:
            record.superseded_at = now
        return record.grant

    def _issue(self, grant: Grant, nonce: str | None = None) -> dict:
        now = self.clock.now()
        claims = {
            "nbf": int(now),
            "exp": int(now + ACCESS_TOKEN_LIFE),
            "iss": ISSUER,
            "aud": ISSUER + "/resources",
            "client_id": grant.client_id,
            "sub": grant.user,
            "auth_time": int(now),
            "xero_userid": self.user_id(grant.user),
            "global_session_id": grant.grant_id,
            "jti": uuid.uuid4().hex,
            "authentication_event_id": grant.auth_event_id,
            "scope": grant.scope.split(),
        }
        access = AccessToken(fake_jwt(claims), grant, now + ACCESS_TOKEN_LIFE)
        self._access[access.token] = access
        answer = {
            "access_token": access.token,
            "expires_in": ACCESS_TOKEN_LIFE,
            "token_type": "Bearer",
            "scope": grant.scope,
        }
        if "offline_access" in grant.scope.split():
            refresh = RefreshToken(secrets.token_hex(32), grant, now)
            self._refresh[refresh.token] = refresh
            answer["refresh_token"] = refresh.token
        if "openid" in grant.scope.split():
            answer["id_token"] = fake_jwt(self._id_claims(grant, now, nonce))
        return answer

    def _id_claims(self, grant: Grant, now: float, nonce: str | None) -> dict:
        claims = {
            "nbf": int(now),
            "exp": int(now + 300),
            "iss": ISSUER,
            "aud": grant.client_id,
            "iat": int(now),
            "at_hash": b64url(secrets.token_bytes(16)),
            "sid": grant.grant_id,
            "sub": self.user_id(grant.user),
            "auth_time": int(now),
            "xero_userid": self.user_id(grant.user),
            "global_session_id": grant.grant_id,
            "preferred_username": grant.user,
            "email": grant.user,
            "given_name": "Demo",
            "family_name": "User",
        }
        if nonce:
            claims["nonce"] = nonce
        return claims

    @staticmethod
    def user_id(user: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_DNS, user))

    def revoke(self, form: dict, basic: tuple | None) -> None:
        """POST /connect/revocation: the whole token family dies and, as at Xero, the user's
        connections to this app are removed. Unknown tokens are accepted silently (RFC 7009)."""
        app = self.authenticate_client(form, basic)
        with self._lock:
            record = self._refresh.get(form.get("token", ""))
            if record is None or record.grant.client_id != app.client_id:
                return
            grant = record.grant
            for other in list(self._refresh.values()) + list(self._access.values()):
                if (other.grant.client_id, other.grant.user) == (grant.client_id, grant.user):
                    other.grant.revoked = True
            for conn in list(self._connections.values()):
                if (conn.client_id, conn.user) == (grant.client_id, grant.user):
                    del self._connections[conn.id]

    # ------------------------------------------------------------ API access
    def authenticate(self, authorization: str | None) -> AccessToken:
        """Bearer token -> its record, or ApiAuthError with Xero's 401 detail."""
        scheme, _, token = (authorization or "").partition(" ")
        record = self._access.get(token.strip()) if scheme.lower() == "bearer" else None
        if record is None or record.grant.revoked:
            raise ApiAuthError("AuthenticationUnsuccessful")
        if self.clock.now() >= record.expires_at:
            raise ApiAuthError("TokenExpired: token expired at " + expired_at_text(record.expires_at))
        return record

    def token_user(self, token: str | None) -> str | None:
        """The Xero user an access token was issued to, expired or revoked alike (the call
        log's "whose login"); None for a token this identity service never issued."""
        record = self._access.get(token or "")
        return record.grant.user if record else None

    def connections(self, access: AccessToken) -> list:
        with self._lock:
            return [
                c
                for c in self._connections.values()
                if (c.client_id, c.user) == (access.grant.client_id, access.grant.user)
            ]

    def connection_json(self, conn: Connection) -> dict:
        org = self.tenants().get(conn.tenant_id)
        return {
            "id": conn.id,
            "authEventId": conn.auth_event_id,
            "tenantId": conn.tenant_id,
            "tenantType": "ORGANISATION",
            "tenantName": org.name if org else None,
            "createdDateUtc": xero_utc(conn.created),
            "updatedDateUtc": xero_utc(conn.updated),
        }

    def disconnect(self, access: AccessToken, connection_id: str) -> bool:
        with self._lock:
            conn = self._connections.get(connection_id)
            if conn is None or conn not in self.connections(access):
                return False
            del self._connections[connection_id]
            return True

    def can_access(self, access: AccessToken, tenant_id: str) -> bool:
        return any(c.tenant_id == tenant_id for c in self.connections(access))

    def expire_access_tokens(self, tenant_id: str | None = None, client_id: str | None = None) -> int:
        """Control API: make access tokens (all, or those able to reach one tenant / of one app)
        expire now, as if 30 minutes had passed for them alone."""
        now = self.clock.now()
        expired = 0
        with self._lock:
            for record in self._access.values():
                if client_id and record.grant.client_id != client_id:
                    continue
                if tenant_id and not self.can_access(record, tenant_id):
                    continue
                if record.expires_at > now:
                    record.expires_at = now
                    expired += 1
        return expired

    def age_refresh_tokens(self, seconds: float) -> int:
        """Control API: pretend every live refresh token was issued `seconds` earlier
        (e.g. 60 days: the next refresh answers invalid_grant) without moving the clock."""
        with self._lock:
            for record in self._refresh.values():
                record.issued_at -= seconds
                if record.superseded_at is not None:
                    record.superseded_at -= seconds
            return len(self._refresh)


def expired_at_text(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%m/%d/%Y %H:%M:%S")
