"""An Odoo database connected to this sandbox the way an administrator does it: the app's
settings pointed at the sandbox, then *Connect to Xero* as admin through the module's real
OAuth flow, consent given on the sandbox's control API (one round per organisation, as a
Starter app needs). Used by `make run`'s demo set-up, the benchmarks and the end-to-end tests;
the sandbox itself never imports Odoo (``env`` is an Odoo environment handed in)."""

import contextlib
from urllib.parse import parse_qs, urlsplit

ENDPOINTS = {
    "authorize_url": "/identity/connect/authorize",
    "token_url": "/connect/token",
    "revoke_url": "/connect/revocation",
    "connections_url": "/connections",
    "api_url": "/api.xro/2.0",
}


@contextlib.contextmanager
def log_in_this_transaction(env):
    """Sync log lines written in the caller's own transaction, not one of their own: a login
    created in an uncommitted transaction (a bench's, a test's) keeps its log lines with it
    rather than wait on it from another cursor."""
    SyncLog = type(env["xero.sync.log"])
    record = SyncLog._record
    SyncLog._record = lambda model, values: model.sudo().create(values)
    try:
        yield
    finally:
        SyncLog._record = record


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def connect_admin(env, sandbox, tenant_ids, client_id, client_secret, base_url="http://localhost:8069"):
    """Admin's Xero login to ``tenant_ids`` of ``sandbox`` (a ``SandboxClient``) for the app
    ``client_id``; returns the ``xero.connection``. Raises RuntimeError when the sandbox
    refuses the consent."""
    params = env["ir.config_parameter"]
    params.set_param("web.base.url", base_url)
    params.set_param("xero_connector.client_id", client_id)
    params.set_param("xero_connector.client_secret", client_secret)
    for key, path in ENDPOINTS.items():
        params.set_param(f"xero_connector.{key}", sandbox.base_url + path)
    admin_env = env(user=env.ref("base.user_admin"))
    connection = admin_env["xero.connection"]
    for tenant_id in tenant_ids:
        query = _query(admin_env["xero.connection"]._start_authorization()["url"])
        location = sandbox.authorize(
            query["redirect_uri"],
            client_id=query["client_id"],
            state=query["state"],
            code_challenge=query["code_challenge"],
            tenants=[tenant_id],
            scope=query["scope"],
        )
        callback = _query(location)
        if "code" not in callback:
            raise RuntimeError(f"the sandbox refused the consent: {callback}")
        session = admin_env["xero.oauth.session"]._consume(callback["state"])
        connection = admin_env["xero.connection"]._complete_authorization(session, callback["code"])
    return connection
