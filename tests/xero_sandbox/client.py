"""A small client for the sandbox's control API (and a few helpers tests keep needing).

sb = SandboxClient("http://127.0.0.1:8071")
sb.reset(); org = sb.create_org("Test Org", "!tst01")
sb.add_fault("reset", path="/Invoices$", method="PUT")
"""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import requests

DEMO_CLIENT_ID = "sandbox-client-id"
DEMO_CLIENT_SECRET = "sandbox-client-secret"
DEMO_REDIRECT_URI = "http://localhost:8069/xero/oauth/callback"  # any loopback URL is accepted
# Granular scopes (apps created on or after 2 March 2026 may not ask for accounting.transactions)
DEFAULT_SCOPE = (
    "offline_access openid profile email accounting.invoices accounting.payments "
    "accounting.banktransactions accounting.manualjournals accounting.contacts accounting.settings "
    "accounting.attachments"
)


def pkce_pair() -> tuple:
    """(code_verifier, code_challenge) for S256."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SandboxError(RuntimeError):
    pass


class SandboxClient:
    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    # ---------------------------------------------------------------- plumbing
    def _call(self, method: str, path: str, json=None, params=None):
        resp = self.http.request(
            method, f"{self.base_url}/_sandbox/{path}", json=json, params=params, timeout=self.timeout
        )
        if resp.status_code >= 400:
            raise SandboxError(f"{method} /_sandbox/{path}: {resp.status_code} {resp.text}")
        return resp.json() if resp.content else None

    # --------------------------------------------------------------- state
    def reset(self) -> dict:
        return self._call("POST", "reset")

    def orgs(self) -> list:
        return self._call("GET", "orgs")

    def create_org(
        self,
        name: str,
        short_code: str | None = None,
        base_currency: str = "AUD",
        country_code: str = "AU",
    ) -> dict:
        return self._call(
            "POST",
            "orgs",
            {
                "name": name,
                "short_code": short_code,
                "base_currency": base_currency,
                "country_code": country_code,
            },
        )

    def add_branding_theme(self, tenant: str, name: str, sort_order: int | None = None) -> dict:
        """A branding theme made in Xero's web app (``sort_order`` 0: the new default)."""
        return self._call("POST", f"orgs/{tenant}/branding-themes", {"name": name, "sort_order": sort_order})

    def delete_branding_theme(self, tenant: str, theme_id: str) -> None:
        """A branding theme deleted in Xero's web app."""
        self._call("DELETE", f"orgs/{tenant}/branding-themes/{theme_id}")

    def dump(self, tenant: str, resource: str) -> list:
        return self._call("GET", f"orgs/{tenant}/{resource}")

    def as_user(self, tenant: str, method: str, path: str, json=None, params=None):
        """Act in Xero's web UI: straight to the organisation, no auth/limits/contract.
        Returns the `requests.Response` (status and body as the organisation answered)."""
        return self.http.request(
            method,
            f"{self.base_url}/_sandbox/orgs/{tenant}/api{path}",
            json=json,
            params=params,
            timeout=self.timeout,
        )

    def type_invoices(
        self, tenant, contacts, prefix, count, line, line_amount_types="NoTax", batch=50
    ) -> list:
        """``count`` authorised sales invoices typed in Xero (``as_user``), ``batch`` a request:
        invoice ``n`` numbered ``prefix`` + n on five digits, for the ``contacts`` (Xero's) in
        turn, with the one line ``line(n)``. Returns Xero's invoices."""
        invoices = []
        for start in range(0, count, batch):
            body = {
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": contacts[n % len(contacts)]["ContactID"]},
                        "Status": "AUTHORISED",
                        "InvoiceNumber": f"{prefix}{n:05d}",
                        "Date": "2025-01-15",
                        "DueDate": "2025-02-15",
                        "LineAmountTypes": line_amount_types,
                        "LineItems": [line(n)],
                    }
                    for n in range(start, min(start + batch, count))
                ]
            }
            answer = self.as_user(tenant, "PUT", "/Invoices", json=body)
            if answer.status_code != 200:
                raise SandboxError(answer.text[:1000])
            invoices += answer.json()["Invoices"]
        return invoices

    # --------------------------------------------------------------- clock
    def now(self) -> float:
        return self._call("GET", "clock")["now"]

    def advance(self, seconds: float) -> float:
        return self._call("POST", "clock", {"advance": seconds})["now"]

    def set_clock(self, epoch: float) -> float:
        return self._call("POST", "clock", {"set": epoch})["now"]

    # --------------------------------------------------------------- calls
    def calls(self, since: int = 0) -> dict:
        return self._call("GET", "calls", params={"since": since})

    def reset_calls(self) -> None:
        self._call("POST", "calls/reset")

    # -------------------------------------------------------------- limits
    def limits(self) -> dict:
        return self._call("GET", "limits")

    def set_limits(self, **limits) -> dict:
        return self._call("POST", "limits", limits)

    def set_latency(self, seconds: float, tenant: str | None = None) -> dict:
        """Every admitted call (to ``tenant``, else to every organisation) takes ``seconds``."""
        return self._call("POST", "limits/latency", {"seconds": seconds, "tenant": tenant})

    def reset_peaks(self) -> dict:
        return self._call("POST", "limits/reset-peaks")

    def usage(self, tenant_id: str) -> dict:
        """This organisation's usage: calls in the minute and day, in flight, the peak in
        flight and the 429s by problem, summed over the apps calling it."""
        total = {"minute": 0, "day": 0, "in_flight": 0, "peak_in_flight": 0, "refused": {}}
        for key, usage in self.limits()["usage"].items():
            if key.endswith("/" + tenant_id):
                for name in ("minute", "day", "in_flight", "peak_in_flight"):
                    total[name] += usage[name]
                for problem, count in usage["refused"].items():
                    total["refused"][problem] = total["refused"].get(problem, 0) + count
        return total

    def new_minute(self) -> dict:
        """Empty every minute window without moving the clock."""
        return self._call("POST", "limits/new-minute")

    # -------------------------------------------------------------- faults
    def add_fault(
        self,
        fault: str,
        method: str | None = None,
        path: str | None = None,
        tenant: str | None = None,
        count: int = 1,
        **options,
    ) -> dict:
        """fault: 429 | 500 | 503 | 403 | reset | lost_response | timeout | other_document |
        no_pagination | expired_token;
        options: retry_after, delay, problem, probability (fire on that share of the matching
        requests), seed."""
        match = {k: v for k, v in (("method", method), ("path", path), ("tenant", tenant)) if v}
        return self._call("POST", "faults", {"fault": str(fault), "match": match, "count": count, **options})

    def faults(self) -> list:
        return self._call("GET", "faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    # ---------------------------------------------------------- violations
    def violations(self) -> list:
        return self._call("GET", "violations")

    def clear_violations(self) -> None:
        self._call("DELETE", "violations")

    # ------------------------------------------------------------ large organisations
    def set_high_volume(self, tenant: str, endpoints="all") -> dict:
        """Mark ``endpoints`` (["Invoices", "Payments"...], "all" or []) of the organisation
        past Xero's high-volume threshold: their lists must then be paged and filtered on
        optimised fields only."""
        return self._call("POST", f"orgs/{tenant}/high-volume", {"endpoints": endpoints})

    def high_volume(self, tenant: str) -> list:
        return self._call("GET", f"orgs/{tenant}/high-volume")["endpoints"]

    def refusals(self) -> list:
        """Requests refused for the organisation's size or the URL's length, oldest first."""
        return self._call("GET", "refusals")

    def clear_refusals(self) -> None:
        self._call("DELETE", "refusals")

    def contract(self) -> dict:
        return self._call("GET", "contract")

    # ------------------------------------------------------------ identity
    def register_app(
        self,
        client_id: str,
        client_secret: str | None,
        redirect_uris: list,
        webhook_key: str | None = None,
        auto_consent: list | None = None,
        tier: str = "starter",
        created: str | float | None = None,
    ) -> dict:
        """``auto_consent``: tenants the consent page grants at once (for browser tours).
        ``tier``: starter (default, as a new app), core, plus, advanced or enterprise;
        ``created``: ISO date or epoch (default 10 March 2026, after the granular-scope cut-off)."""
        return self._call(
            "POST",
            "apps",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": redirect_uris,
                "webhook_key": webhook_key,
                "auto_consent": auto_consent,
                "tier": tier,
                "created": created,
            },
        )

    def update_app(self, client_id: str, tier: str | None = None, created=None) -> dict:
        return self._call("POST", f"apps/{client_id}", {"tier": tier, "created": created})

    def apps(self) -> list:
        return self._call("GET", "apps")

    def authorize(
        self,
        redirect_uri: str,
        client_id: str = DEMO_CLIENT_ID,
        state: str | None = None,
        code_challenge: str | None = None,
        tenants: list | None = None,
        scope: str = DEFAULT_SCOPE,
        user: str | None = None,
    ) -> str:
        """The consent page's outcome without a browser: the redirect location. ``user``: the
        Xero user who signs in and consents (default: the sandbox's demo user)."""
        extra = {"user": user} if user else {}
        return self._call(
            "POST",
            "authorize",
            {
                **extra,
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256" if code_challenge else None,
                "tenants": tenants,
                "scope": scope,
            },
        )["location"]

    def connect(
        self,
        redirect_uri: str = DEMO_REDIRECT_URI,
        client_id: str = DEMO_CLIENT_ID,
        client_secret: str = DEMO_CLIENT_SECRET,
        tenants: list | None = None,
        scope: str = DEFAULT_SCOPE,
        user: str | None = None,
    ) -> dict:
        """Shortcut for tests that just need tokens: consent + code exchange with PKCE.
        Returns the token response. ``tenants`` None: every organisation, one consent round
        each (a Starter app connects one organisation per consent; Xero merges a user's
        connections to an app, so the last token reaches them all)."""
        if tenants is None:
            answer = None
            for org in self.orgs():
                answer = self.connect(redirect_uri, client_id, client_secret, [org["tenantId"]], scope, user)
            return answer
        verifier, challenge = pkce_pair()
        location = self.authorize(redirect_uri, client_id, "st", challenge, tenants, scope, user)
        code = parse_qs(urlsplit(location).query)["code"][0]
        resp = self.http.post(
            f"{self.base_url}/connect/token",
            timeout=self.timeout,
            auth=(client_id, client_secret),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
        )
        if resp.status_code != 200:
            raise SandboxError(f"token exchange failed: {resp.status_code} {resp.text}")
        return resp.json()

    def expire_tokens(self, tenant: str | None = None, client_id: str | None = None) -> int:
        return self._call("POST", "tokens/expire", {"tenant": tenant, "client_id": client_id})["expired"]

    def age_refresh_tokens(self, seconds: float = 60 * 24 * 3600 + 1) -> int:
        return self._call("POST", "tokens/age", {"seconds": seconds})["aged"]

    # ------------------------------------------------------------ webhooks
    def deliver_webhook(self, url: str, events: list, key: str | None = None, tamper: bool = False) -> dict:
        return self._call(
            "POST", "webhooks/deliver", {"url": url, "key": key, "events": events, "tamper": tamper}
        )

    def webhook_intent(self, url: str, key: str | None = None) -> dict:
        return self._call("POST", "webhooks/intent", {"url": url, "key": key})

    def flush_webhooks(self, url: str, key: str | None = None, tenant: str | None = None) -> dict:
        return self._call("POST", "webhooks/flush", {"url": url, "key": key, "tenant": tenant})
