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

# Xero apps created on or after 2 March 2026 may not ask for accounting.transactions: the
# granular scopes the module needs (invoices, credit notes, items and purchase orders; payments,
# overpayments and prepayments; manual journals; contacts; settings; attachments for the PDF).
DEFAULT_SCOPES = (
    "offline_access openid profile email accounting.invoices accounting.payments "
    "accounting.manualjournals accounting.contacts accounting.settings accounting.attachments"
)

CALLBACK_PATH = "/xero/oauth/callback"

# Access tokens live 30 minutes; refresh this long before expiry so that a call started just
# before expiry does not arrive with a dead token.
TOKEN_REFRESH_MARGIN_SECONDS = 120

# An authorisation round (state + PKCE verifier) must come back within this time.
OAUTH_STATE_LIFETIME_SECONDS = 15 * 60

HTTP_TIMEOUT_SECONDS = 30
# Every call to Xero: a connect timeout and a read timeout (HTTP_TIMEOUT_SECONDS), so that one
# organisation answering late cannot hold a worker for ever.
HTTP_CONNECT_TIMEOUT_SECONDS = 10

# Hosts where plain http is accepted for the endpoints: a Xero double on this machine.
LOOPBACK_HOSTS = {"localhost", "::1"}

# Tries of one call to Xero (rate limit waits, 5xx and lost connections for safe calls).
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1
# Xero allows 5 calls in flight per organisation.
MAX_CONCURRENT_CALLS = 5
# ... and 60 calls in a rolling minute.
MINUTE_LIMIT = 60

# Xero's 2026 granular scope for manual journals (the balances journals of issue 14): a login
# without it cannot PUT /ManualJournals. Part of the default scope set once the granular set
# replaces accounting.transactions.
MANUAL_JOURNALS_SCOPE = "accounting.manualjournals"
# "Synchronize now" for balances journals: at most once per this many seconds per organisation.
JOURNALS_SYNC_THROTTLE_SECONDS = 5 * 60
# Xero in 2026 (docs/XERO_FACTS_2026.md): a Starter app has about 1,000 calls a day per
# organisation (5,000 on the other tiers; the connector learns it from X-DayLimit-Remaining).
STARTER_DAY_LIMIT = 1000
# Share of the day's calls background work (cache refresh, payment sync) leaves for exports
# and users (percent; a setting).
BACKGROUND_RESERVE = 20.0
# Background work stopped by the reserve tries again this much later.
RESERVE_RETRY_SECONDS = 3600
# The longest Retry-After waited inside a request or under row locks; longer ones end the call
# and the work is queued with its next try time.
MAX_INLINE_WAIT_SECONDS = 5
# A POST/PUT to the Accounting API is limited to 3.5 MB: batches stay under this many bytes.
MAX_BODY_BYTES = 3_000_000

# ---------------------------------------------------------------------------------------
# Documents and batches
# ---------------------------------------------------------------------------------------
# move_type → (Xero endpoint, Xero type, the JSON key of Xero's number for that endpoint)
XERO_TYPES = {
    "out_invoice": ("Invoices", "ACCREC", "InvoiceNumber"),
    "in_invoice": ("Invoices", "ACCPAY", "InvoiceNumber"),
    "out_refund": ("CreditNotes", "ACCRECCREDIT", "CreditNoteNumber"),
    "in_refund": ("CreditNotes", "ACCPAYCREDIT", "CreditNoteNumber"),
}
# Xero's JSON key of a document's id, per endpoint.
XERO_ID_KEYS = {
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "PurchaseOrders": "PurchaseOrderID",
    "ManualJournals": "ManualJournalID",
    "Payments": "PaymentID",
    "Contacts": "ContactID",
    "Items": "ItemID",
}
XERO_MUTABLE_STATUSES = ("DRAFT", "SUBMITTED")
XERO_GONE_STATUSES = ("DELETED", "VOIDED")
# Xero's documented batch size for writes: elements per PUT/POST.
BATCH_SIZE = 50
# *Export all* with more documents than this exports them in the background, as jobs.
BACKGROUND_EXPORT_ABOVE = BATCH_SIZE
# A variance report reading more Odoo documents than this is compared in the background (the
# user told when its rows are ready); a smaller one while the user waits, however long its period.
VARIANCE_BACKGROUND_ABOVE = 300
# Elements per page of a paged GET (Xero's maximum pageSize).
PAGE_SIZE = 1000
# Ids or numbers per GET filtered by IDs=/InvoiceNumbers=…: Xero's gateway refuses a query
# string over 2,048 characters with a 404 (52 invoice ids fit, 53 do not).
IDS_PER_CALL = 50
# Characters of query string a list filter may take (50 ids: 1,952), leaving room for page,
# pageSize, summaryOnly, includeArchived…
MAX_FILTER_CHARS = 1960

# ---------------------------------------------------------------------------------------
# Links into Xero and from Xero
# ---------------------------------------------------------------------------------------
# Xero's deep link: logs the user into the organisation by short code, then opens the page.
XERO_DEEP_LINK = (
    "https://go.xero.com/organisationlogin/default.aspx?shortcode={short_code}&redirecturl={path}"
)
# Where Xero posts webhook deliveries (the controller's route).
WEBHOOK_PATH = "/xero/webhook"
