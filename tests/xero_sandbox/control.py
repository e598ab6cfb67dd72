"""The control API under /_sandbox/: how tests set the stage and look behind the curtain.

No auth, loopback clients only, JSON in and out. `GET /_sandbox/` lists the routes.
"""

import re
from datetime import datetime, timezone

from . import webhooks
from .accounting_common import to_json
from .identity import DEMO_USER, TIERS, ConsentError
from .limits import Limits
from .messages import Reply

ROUTES = []


def route(method: str, pattern: str):
    """Register a handler for METHOD /_sandbox/<pattern> (a regex with named groups)."""

    def register(fn):
        ROUTES.append((method, re.compile(f"^/_sandbox/{pattern}$"), fn))
        return fn

    return register


def _reply(status, body=None, headers=None):
    return Reply(status, body, headers or {})


def _error(status: int, message: str):
    return _reply(status, {"error": message})


class ControlApi:
    def __init__(self, sandbox):
        self.sb = sandbox

    def handle(self, req):
        if req.client not in ("127.0.0.1", "::1", "localhost"):
            return _error(403, "the control API answers loopback clients only")
        path = req.path.rstrip("/") if req.path != "/_sandbox/" else req.path
        allowed = []
        for method, pattern, fn in ROUTES:
            match = pattern.match(path)
            if match:
                if method in ("ANY", req.method):
                    try:
                        return fn(self, req, **match.groupdict())
                    except (ValueError, KeyError, TypeError) as exc:
                        return _error(400, f"{type(exc).__name__}: {exc}")
                allowed.append(method)
        if allowed:
            return _error(405, f"{req.method} not allowed; use {', '.join(allowed)}")
        return _error(404, f"no control route {req.method} {req.path}")

    # ------------------------------------------------------------- helpers
    def _body(self, req) -> dict:
        data = req.json() if req.body else {}
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    def _org(self, tenant: str):
        org = self.sb.orgs.get(tenant) or next(
            (o for o in self.sb.orgs.values() if tenant in (o.short_code, o.name)), None
        )
        if org is None:
            raise KeyError(f"no organisation {tenant!r}")
        return org

    @staticmethod
    def _org_json(org) -> dict:
        return {
            "tenantId": org.tenant_id,
            "name": org.name,
            "shortCode": org.short_code,
            "baseCurrency": org.base_currency,
            "countryCode": getattr(org, "country_code", None),
            "highVolume": sorted(org.resources[key].name for key in getattr(org, "high_volume", ())),
        }

    # --------------------------------------------------------------- index
    @route("GET", "?")
    def index(self, req):
        return _reply(200, {"routes": [f"{m} {p.pattern[1:-1]}" for m, p, _ in ROUTES]})

    @route("POST", "reset")
    def reset(self, req):
        self.sb.reset()
        return _reply(
            200, {"orgs": [self._org_json(o) for o in self.sb.orgs.values()], "now": self.sb.clock.now()}
        )

    # ---------------------------------------------------------------- orgs
    @route("GET", "orgs")
    def list_orgs(self, req):
        return _reply(200, [self._org_json(o) for o in self.sb.orgs.values()])

    @route("POST", "orgs")
    def create_org(self, req):
        data = self._body(req)
        org = self.sb.build_org(
            self.sb.clock,
            name=data["name"],
            short_code=data.get("short_code") or _short_code(data["name"]),
            base_currency=data.get("base_currency", "AUD"),
            country_code=data.get("country_code", "AU"),
        )
        self.sb.add_org(org)
        return _reply(201, self._org_json(org))

    @route("ANY", r"orgs/(?P<tenant>[^/]+)/api(?P<rest>/.*)?")
    def org_api(self, req, tenant, rest):
        """ "Someone working in Xero's web UI": straight to the organisation, no gateway."""
        org = self._org(tenant)
        with self.sb._org_locks[org.tenant_id]:
            resp = org.handle(req.method, rest or "/", req.query, req.headers, req.body)
        headers = dict(resp.headers or {})
        refusal = headers.pop("X-Sandbox-Refusal", None)
        if refusal is not None:
            self.sb.record_refusal(req, org.tenant_id, resp.status, refusal)
        return _reply(resp.status, resp.body, headers)

    @route("GET", r"orgs/(?P<tenant>[^/]+)/high-volume")
    def get_high_volume(self, req, tenant):
        return _reply(200, self._high_volume_json(self._org(tenant)))

    @route("POST", r"orgs/(?P<tenant>[^/]+)/high-volume")
    def set_high_volume(self, req, tenant):
        """{"endpoints": ["Invoices", "Payments"]} marks those endpoints of the organisation past
        Xero's high-volume threshold ("all": every paged endpoint; []: none)."""
        org = self._org(tenant)
        wanted = self._body(req).get("endpoints", "all")
        paged = {name for name, handler in org.resources.items() if handler.paged}
        if wanted == "all":
            chosen = paged
        else:
            chosen = {str(name).lower() for name in wanted}
            unknown = chosen - paged
            if unknown:
                raise ValueError(f"not a paged endpoint: {', '.join(sorted(unknown))}")
        with self.sb._org_locks[org.tenant_id]:
            org.high_volume = chosen
        return _reply(200, self._high_volume_json(org))

    @staticmethod
    def _high_volume_json(org) -> dict:
        names = {key: handler.name for key, handler in org.resources.items()}
        return {"tenantId": org.tenant_id, "endpoints": sorted(names[key] for key in org.high_volume)}

    @route("POST", r"orgs/(?P<tenant>[^/]+)/branding-themes")
    def add_branding_theme(self, req, tenant):
        """{"name": "Projects", "sort_order": 0}: a branding theme made in Xero's web app
        (sort_order 0 makes it the organisation's default)."""
        org = self._org(tenant)
        data = self._body(req)
        with self.sb._org_locks[org.tenant_id]:
            theme = org.resource("BrandingThemes").add(
                data["name"], data.get("sort_order"), data.get("logo_url")
            )
        return _reply(201, to_json(theme))

    @route("DELETE", r"orgs/(?P<tenant>[^/]+)/branding-themes/(?P<theme>[^/]+)")
    def delete_branding_theme(self, req, tenant, theme):
        """A branding theme deleted in Xero's web app."""
        org = self._org(tenant)
        with self.sb._org_locks[org.tenant_id]:
            org.resource("BrandingThemes").remove(theme)
        return _reply(204)

    @route("GET", r"orgs/(?P<tenant>[^/]+)/(?P<resource>[A-Za-z]+)")
    def dump(self, req, tenant, resource):
        return _reply(200, self._org(tenant).dump(resource))

    # ---------------------------------------------------------------- apps
    @route("GET", "apps")
    def list_apps(self, req):
        return _reply(
            200,
            [
                {
                    "client_id": a.client_id,
                    "redirect_uris": a.redirect_uris,
                    "webhook_key": a.webhook_key,
                    "loopback_redirects": a.loopback_redirects,
                    **self._app_tier_json(a),
                }
                for a in self.sb.identity.apps.values()
            ],
        )

    @route("POST", "apps")
    def register_app(self, req):
        data = self._body(req)
        app = self.sb.identity.register_app(
            data["client_id"],
            data.get("client_secret"),
            data.get("redirect_uris", []),
            data.get("webhook_key"),
            bool(data.get("loopback_redirects", False)),
            [self._org(t).tenant_id for t in data["auto_consent"]] if data.get("auto_consent") else None,
            _epoch(data.get("created")),
            data.get("tier") or "starter",
        )
        return _reply(
            201, {"client_id": app.client_id, "redirect_uris": app.redirect_uris, **self._app_tier_json(app)}
        )

    @route("POST", r"apps/(?P<client_id>[^/]+)")
    def update_app(self, req, client_id):
        """{tier, created}: move an app to another tier, or say when it was created (an app
        created before 2 March 2026 may still ask for the broad scopes)."""
        app = self.sb.identity.apps[client_id]
        data = self._body(req)
        if data.get("tier"):
            if data["tier"] not in TIERS:
                raise ValueError(f"unknown tier {data['tier']!r}; one of {', '.join(TIERS)}")
            app.tier = data["tier"]
        if data.get("created") is not None:
            app.created = _epoch(data["created"])
        return _reply(200, {"client_id": app.client_id, **self._app_tier_json(app)})

    @staticmethod
    def _app_tier_json(app) -> dict:
        rules = app.tier_rules
        return {
            "tier": app.tier,
            "created": datetime.fromtimestamp(app.created, tz=timezone.utc).isoformat(),
            "granular_scopes_only": app.granular_only,
            "connections_allowed": rules.connections,
            "day_limit": rules.day_limit,
            "bulk_connections": rules.bulk_connections,
        }

    @route("POST", "authorize")
    def authorize(self, req):
        """The consent page without a browser: same validation, same code path."""
        data = self._body(req)
        params = {
            "response_type": data.get("response_type", "code"),
            "client_id": data.get("client_id", ""),
            "redirect_uri": data.get("redirect_uri", ""),
            "scope": data.get(
                "scope",
                "offline_access openid profile email accounting.invoices accounting.payments "
                "accounting.contacts accounting.settings",
            ),
        }
        for name in ("state", "code_challenge", "code_challenge_method", "nonce"):
            if data.get(name) is not None:
                params[name] = data[name]
        wanted = data.get("tenants")
        if wanted is None:  # what the consent page offers ticked: all, or the first on Starter
            app = self.sb.identity.apps.get(params["client_id"])
            bulk = app is None or app.tier_rules.bulk_connections
            tenants = list(self.sb.orgs) if bulk else list(self.sb.orgs)[:1]
        else:
            tenants = [self._org(t).tenant_id for t in wanted]
        try:
            location = self.sb.identity.approve(params, tenants, data.get("user", DEMO_USER))
        except ConsentError as exc:
            return _error(400, str(exc))
        return _reply(200, {"location": location})

    @route("POST", "tokens/expire")
    def expire_tokens(self, req):
        data = self._body(req)
        tenant = data.get("tenant")
        count = self.sb.identity.expire_access_tokens(
            self._org(tenant).tenant_id if tenant else None, data.get("client_id")
        )
        return _reply(200, {"expired": count})

    @route("POST", "tokens/age")
    def age_tokens(self, req):
        """{seconds}: every refresh token looks that much older (60 days: invalid_grant)."""
        seconds = float(self._body(req).get("seconds", 60 * 24 * 3600 + 1))
        return _reply(200, {"aged": self.sb.identity.age_refresh_tokens(seconds)})

    # --------------------------------------------------------------- clock
    @route("GET", "clock")
    def get_clock(self, req):
        return _reply(200, self._clock_json())

    @route("POST", "clock")
    def set_clock(self, req):
        data = self._body(req)
        if "advance" in data:
            self.sb.clock.advance(float(data["advance"]))
        elif "set" in data:
            self.sb.clock.set(float(data["set"]))
        elif data.get("reset"):
            self.sb.clock.reset()
        return _reply(200, self._clock_json())

    def _clock_json(self):
        return {"now": self.sb.clock.now(), "utc": self.sb.clock.utcnow().isoformat()}

    # --------------------------------------------------------------- calls
    @route("GET", "calls")
    def calls(self, req):
        return _reply(200, self.sb.calls.snapshot(int(req.query.get("since", 0) or 0)))

    @route("POST", "calls/reset")
    def reset_calls(self, req):
        self.sb.calls.reset()
        return _reply(200, {"ok": True})

    # -------------------------------------------------------------- limits
    @route("GET", "limits")
    def get_limits(self, req):
        return _reply(200, self._limits_json())

    @route("POST", "limits")
    def set_limits(self, req):
        """{minute, day, concurrent, app_minute}: change limits (e.g. a small day limit), or
        {"reset": true} for Xero's own numbers."""
        data = self._body(req)
        limiter = self.sb.limiter
        reset = data.pop("reset", False)
        if reset:
            limiter.limits = Limits()
        for name, given in data.items():
            if not hasattr(limiter.limits, name):
                raise ValueError(f"unknown limit {name!r}")
            # day: null gives the decision back to the apps' tiers
            if name == "latency":
                value = float(given)
            else:
                value = None if given is None and name == "day" else int(given)
            setattr(limiter.limits, name, value)
        if reset or "latency" in data:
            limiter.tenant_latency.clear()
        return _reply(200, self._limits_json())

    @route("POST", "limits/latency")
    def set_latency(self, req):
        """{seconds, tenant}: every admitted call to that organisation takes this many real
        seconds (without tenant: to every organisation)."""
        data = self._body(req)
        seconds = float(data.get("seconds") or 0)
        if data.get("tenant"):
            self.sb.limiter.tenant_latency[self._org(data["tenant"]).tenant_id] = seconds
        else:
            self.sb.limiter.limits.latency = seconds
            self.sb.limiter.tenant_latency.clear()
        return _reply(200, self._limits_json())

    @route("POST", "limits/reset-peaks")
    def reset_peaks(self, req):
        """Forget the peaks of calls in flight and the 429 counts (before a measured run)."""
        self.sb.limiter.reset_peaks()
        return _reply(200, self._limits_json())

    @route("POST", "limits/new-minute")
    def new_minute(self, req):
        """Every minute window empty (a test starting "a minute later" than the previous one)."""
        self.sb.limiter.new_minute()
        return _reply(200, self._limits_json())

    def _limits_json(self):
        limits = self.sb.limiter.limits
        return {
            "limits": vars(limits).copy(),
            "latency": dict(self.sb.limiter.tenant_latency),
            "usage": self.sb.limiter.snapshot(),
        }

    # -------------------------------------------------------------- faults
    @route("GET", "faults")
    def list_faults(self, req):
        return _reply(200, self.sb.faults.list())

    @route("POST", "faults")
    def add_fault(self, req):
        data = self._body(req)
        match = data.get("match") or {}
        if match.get("tenant"):
            data["match"] = {**match, "tenant": self._org(match["tenant"]).tenant_id}
        return _reply(201, self.sb.faults.add(data).to_json())

    @route("DELETE", "faults")
    def clear_faults(self, req):
        self.sb.faults.clear()
        return _reply(200, {"ok": True})

    # ---------------------------------------------------------- violations
    @route("GET", "violations")
    def list_violations(self, req):
        return _reply(200, list(self.sb.violations))

    @route("DELETE", "violations")
    def clear_violations(self, req):
        self.sb.violations.clear()
        return _reply(200, {"ok": True})

    # ------------------------------------------------------------ refusals
    @route("GET", "refusals")
    def list_refusals(self, req):
        """What was refused for the organisation's size (high-volume rules) or the URL's length."""
        return _reply(200, list(self.sb.refusals))

    @route("DELETE", "refusals")
    def clear_refusals(self, req):
        with self.sb._state_lock:
            self.sb.refusals.clear()
        return _reply(200, {"ok": True})

    @route("GET", "contract")
    def contract_info(self, req):
        timings = sorted(self.sb.contract.timings_ms)
        return _reply(
            200,
            {
                "spec_dir": str(self.sb.contract.spec_dir),
                "enabled": self.sb.contract.available,
                "checked": len(timings),
                "median_ms": timings[len(timings) // 2] if timings else None,
                "max_ms": timings[-1] if timings else None,
            },
        )

    # ------------------------------------------------------------ webhooks
    def _webhook_key(self, data: dict) -> str:
        if data.get("key"):
            return data["key"]
        app = self.sb.identity.apps.get(data.get("client_id") or "sandbox-client-id")
        if app is None or not app.webhook_key:
            raise ValueError("no webhook key: pass key or the client_id of an app with one")
        return app.webhook_key

    @route("POST", "webhooks/deliver")
    def deliver(self, req):
        data = self._body(req)
        events = data.get("events") or []
        first, last = self.sb.webhook_sequence_range(len(events))
        result = webhooks.deliver(
            data["url"], self._webhook_key(data), events, first, last, tamper=bool(data.get("tamper"))
        )
        return _reply(200, result)

    @route("POST", "webhooks/intent")
    def intent(self, req):
        data = self._body(req)
        return _reply(200, webhooks.intent_to_receive(data["url"], self._webhook_key(data)))

    @route("POST", "webhooks/flush")
    def flush(self, req):
        """Send the organisations' events accumulated since the last flush, in one delivery."""
        data = self._body(req)
        key = self._webhook_key(data)
        orgs = [self._org(data["tenant"])] if data.get("tenant") else list(self.sb.orgs.values())
        events = self.sb.take_events(orgs)
        if not events:
            return _reply(200, {"events": 0, "status": None})
        first, last = self.sb.webhook_sequence_range(len(events))
        result = webhooks.deliver(data["url"], key, events, first, last, tamper=bool(data.get("tamper")))
        return _reply(200, {"events": len(events), **result})


def _epoch(value):
    """An app's creation date from the control API: epoch seconds or an ISO date."""
    if value is None or isinstance(value, int | float):
        return value
    moment = datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _short_code(name: str) -> str | None:
    letters = re.sub(r"[^A-Za-z0-9]", "", name)[:6] or "org"
    return "!" + letters
