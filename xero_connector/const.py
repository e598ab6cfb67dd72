"""Xero's endpoints, scopes and limits (see ../shared/xero/FACTS.md). Every URL here is only
a default: administrators change them in Settings (the demo database points them at the local
Xero sandbox), so real Xero and the sandbox take the same code path."""

PARAM_PREFIX = "xero_connector."

DEFAULT_ENDPOINTS = {
    "authorize_url": "https://login.xero.com/identity/connect/authorize",
    "token_url": "https://identity.xero.com/connect/token",
    "revoke_url": "https://identity.xero.com/connect/revocation",
    "connections_url": "https://api.xero.com/connections",
    "api_url": "https://api.xero.com/api.xro/2.0",
}

DEFAULT_SCOPES = (
    "offline_access openid profile email accounting.transactions accounting.contacts accounting.settings"
)

CALLBACK_PATH = "/xero/oauth/callback"

# Access tokens live 30 minutes; refresh this long before expiry so that a call started just
# before expiry does not arrive with a dead token.
TOKEN_REFRESH_MARGIN_SECONDS = 120

# An authorisation round (state + PKCE verifier) must come back within this time.
OAUTH_STATE_LIFETIME_SECONDS = 15 * 60

HTTP_TIMEOUT_SECONDS = 30

# Hosts where plain http is accepted for the endpoints: a Xero double on this machine.
LOOPBACK_HOSTS = {"localhost", "::1"}

# Tries of one call to Xero (rate limit waits, 5xx and lost connections for safe calls).
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1
# Xero allows 5 calls in flight per organisation.
MAX_CONCURRENT_CALLS = 5

# Xero's 2026 granular scope for manual journals (the balances journals of issue 14): a login
# without it cannot PUT /ManualJournals. Part of the default scope set once the granular set
# replaces accounting.transactions.
MANUAL_JOURNALS_SCOPE = "accounting.manualjournals"
# "Synchronize now" for balances journals: at most once per this many seconds per organisation.
JOURNALS_SYNC_THROTTLE_SECONDS = 5 * 60
