"""The sandbox itself, independent of HTTP plumbing: routes a request to Xero's identity
service, the connections endpoint, the Accounting API (through auth, contract check, rate
limits, faults and idempotency) or the control API, and answers a `Reply`.

The accounting rules live in `accounting.py` (one `Organisation` per tenant); everything an
API gateway does in front of them lives here.
"""

import base64
import hashlib
import json
import re
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from urllib.parse import unquote

from .clock import Clock
from .contract import ContractChecker
from .control import ControlApi
from .faults import FaultBook
from .high_volume import QUERY_STRING_TOO_LONG_PAGE, query_string_too_long
from .idempotency import KEY_MAX_LENGTH, IdempotencyStore, Stored
from .identity import ApiAuthError, ConsentError, Identity, OAuthError, expired_at_text
from .limits import RateLimiter
from .messages import Reply, Request, encode, problem

API_PREFIX = "/api.xro/2.0"
CONTROL_PREFIX = "/_sandbox/"
# Lists an `other_document` fault swaps, with their id field.
OTHER_DOCUMENT_LISTS = (
    ("Invoices", "InvoiceID"),
    ("CreditNotes", "CreditNoteID"),
    ("Contacts", "ContactID"),
    ("Payments", "PaymentID"),
)
MAX_BODY_BYTES = int(3.5 * 1024 * 1024)  # a POST/PUT to the Accounting API is limited to 3.5 MB
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def endpoint_name(method: str, path: str) -> str:
    """`PUT /Invoices/<uuid>/Attachments/a.pdf` -> `PUT /Invoices/{id}/Attachments/{FileName}`."""
    parts = path.split("/")
    for i, part in enumerate(parts):
        if UUID_RE.match(part) or part.isdigit():
            parts[i] = "{id}"
        elif i > 0 and parts[i - 1] == "Attachments" and part:
            parts[i] = "{FileName}"
    return f"{method} {'/'.join(parts)}"


class CallLog:
    """Every non-control request: counts per tenant and endpoint, plus a sequenced log."""

    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._seq = 0
            self._entries = []
            self._per_org = Counter()
            self._per_endpoint = Counter()
            self._per_org_endpoint = defaultdict(Counter)

    def record(
        self,
        req: Request,
        endpoint: str,
        tenant: str | None,
        status,
        fault=None,
        replayed=False,
        token_user: str | None = None,
    ) -> None:
        """``token_user``: the Xero user whose access token the request carried (None without
        one, or with a token Xero never issued)."""
        bearer = _bearer(req.headers.get("authorization"))
        with self._lock:
            self._seq += 1
            self._per_endpoint[endpoint] += 1
            if tenant:
                self._per_org[tenant] += 1
                self._per_org_endpoint[tenant][endpoint] += 1
            self._entries.append(
                {
                    "seq": self._seq,
                    "method": req.method,
                    "path": req.path,
                    "query": dict(req.query_pairs),
                    "endpoint": endpoint,
                    "tenant": tenant,
                    "status": status,
                    "idempotency_key": req.headers.get("idempotency-key"),
                    "if_modified_since": req.headers.get("if-modified-since"),
                    # whose login the call went with, and which of its tokens (a digest, never the token)
                    "token_user": token_user,
                    "token_sha256": hashlib.sha256(bearer.encode()).hexdigest()[:16] if bearer else None,
                    "fault": fault,
                    "replayed": replayed,
                    "timestamp": self.clock.now(),
                }
            )

    def snapshot(self, since: int = 0) -> dict:
        with self._lock:
            return {
                "per_org": dict(self._per_org),
                "per_endpoint": dict(self._per_endpoint),
                "per_org_endpoint": {t: dict(c) for t, c in self._per_org_endpoint.items()},
                "total": self._seq,
                "next": self._seq,
                "log": [e for e in self._entries if e["seq"] > since],
            }


def _default_build_orgs(clock):
    from .demo import build_demo_organisations

    return build_demo_organisations(clock)


def _default_build_org(clock, **kwargs):
    from .demo import build_organisation

    return build_organisation(clock, **kwargs)


class Sandbox:
    """All state of one sandbox; `handle(Request) -> Reply` is its only entry point."""

    def __init__(
        self,
        clock: Clock | None = None,
        spec_dir=None,
        build_orgs: Callable | None = None,
        build_org: Callable | None = None,
    ):
        self.clock = clock or Clock()
        self.contract = ContractChecker(spec_dir)
        self.build_orgs = build_orgs or _default_build_orgs
        self.build_org = build_org or _default_build_org
        self.control = ControlApi(self)
        self.reset()

    def reset(self) -> None:
        """Fresh demo organisations, apps, tokens, counters, faults, violations; clock reset."""
        self.clock.reset()
        self.orgs = {org.tenant_id: org for org in self.build_orgs(self.clock)}
        self.identity = Identity(self.clock, lambda: self.orgs)
        self.limiter = RateLimiter(self.clock, tier_day_limit=self._tier_day_limit)
        self.faults = FaultBook()
        self.idempotency = IdempotencyStore(self.clock)
        self.calls = CallLog(self.clock)
        self.violations = []
        self._violation_seq = 0
        self.refusals = []  # what Xero refuses for the organisation's size or the URL's length
        self._org_locks = defaultdict(threading.Lock)
        self.webhook_sequence = 0
        self.webhook_cursors = {}
        self._state_lock = threading.Lock()

    def _tier_day_limit(self, client_id: str) -> int:
        app = self.identity.apps.get(client_id)
        return app.tier_rules.day_limit if app else 5000

    def add_org(self, org) -> None:
        self.orgs = {**self.orgs, org.tenant_id: org}

    def as_user(self, org, path: str, req: "Request") -> "Reply":
        """Someone working in Xero's web UI: straight to the organisation (`path` relative to
        the API root), no auth, limits, counting or contract check."""
        with self._org_locks[org.tenant_id]:
            resp = org.handle(req.method, path, req.query, req.headers, req.body)
        return Reply(resp.status, resp.body, dict(resp.headers or {}))

    def record_refusal(self, req: "Request", tenant: str | None, status: int, reason: str) -> None:
        with self._state_lock:
            self.refusals.append(
                {
                    "seq": len(self.refusals) + 1,
                    "method": req.method,
                    "path": req.path,
                    "query": dict(req.query_pairs),
                    "tenant": tenant,
                    "status": status,
                    "reason": reason,
                    "timestamp": self.clock.now(),
                }
            )

    def webhook_sequence_range(self, count: int) -> tuple:
        """(first, last) sequence numbers for a delivery of `count` events."""
        with self._state_lock:
            first = self.webhook_sequence + 1
            self.webhook_sequence += max(count, 1)
            return first, self.webhook_sequence

    def take_events(self, orgs: list) -> list:
        """The organisations' events raised since the last call (webhook flush)."""
        events = []
        with self._state_lock:
            for org in orgs:
                start = self.webhook_cursors.get(org.tenant_id, 0)
                if start > len(org.events):  # the organisation cleared its list meanwhile
                    start = 0
                events.extend(org.events[start:])
                self.webhook_cursors[org.tenant_id] = len(org.events)
        return events

    # ---------------------------------------------------------------- routing
    def handle(self, req: Request) -> Reply:
        if req.path.startswith(CONTROL_PREFIX) or req.path == CONTROL_PREFIX.rstrip("/"):
            return self.control.handle(req)
        path_lower = req.path.lower()
        if path_lower == "/identity/connect/authorize":
            return self._logged(req, "authorize", None, self._authorize)
        if path_lower in ("/connect/token", "/connect/revocation"):
            return self._logged(
                req,
                endpoint_name(req.method, path_lower),
                None,
                lambda r: self._gateway(r, None, self._oauth),
            )
        if path_lower == "/connections" or path_lower.startswith("/connections/"):
            return self._logged(req, endpoint_name(req.method, path_lower), None, self._connections)
        if req.path == API_PREFIX or req.path.startswith(API_PREFIX + "/"):
            rel = req.path[len(API_PREFIX) :] or "/"
            return self._logged(
                req, endpoint_name(req.method, rel), req.headers.get("xero-tenant-id"), self._api_filtered
            )
        return Reply(404, {"Type": "NotFound", "Message": f"No such sandbox path {req.path}"})

    def _logged(self, req, endpoint, tenant, handler) -> Reply:
        try:
            reply = handler(req)
        except Exception:
            reply = Reply(500, {"Type": "SandboxError", "Message": traceback.format_exc()})
        status = {"reset": "reset", "close": "lost"}.get(reply.action, reply.status)
        # sandbox-internal markers: recorded in the call log, never sent to the client
        fault = reply.headers.pop("X-Sandbox-Fault", None)
        replayed = reply.headers.pop("X-Sandbox-Replayed", None) is not None
        refusal = reply.headers.pop("X-Sandbox-Refusal", None)
        if refusal is not None:
            self.record_refusal(req, tenant, reply.status, refusal)
        self.calls.record(
            req,
            endpoint,
            tenant,
            status,
            fault=fault,
            replayed=replayed,
            token_user=self.identity.token_user(_bearer(req.headers.get("authorization"))),
        )
        return reply

    def _gateway(self, req: Request, tenant: str | None, process) -> Reply:
        """Scripted faults around processing (identity endpoints and the API share them)."""
        fault = self.faults.take("before", req.method, req.path, tenant)
        if fault is not None:
            return self._fault_reply(fault)
        reply = process(req)
        fault = self.faults.take("after", req.method, req.path, tenant)
        if fault is None:
            return reply
        reply.headers["X-Sandbox-Fault"] = fault.fault
        if fault.fault == "other_document" and tenant in self.orgs:
            reply = self._other_document(tenant, reply)
        elif fault.fault == "lost_response":
            reply.action = "close"
        elif fault.fault == "timeout":
            time.sleep(fault.delay)  # real seconds: the client's own timeout must fire
        elif fault.fault == "no_pagination":
            reply = self._without_pagination(reply)
        return reply

    @staticmethod
    def _without_pagination(reply: Reply) -> Reply:
        """The answer without its ``pagination`` block (the documents stay as they are)."""
        raw = isinstance(reply.body, (bytes, bytearray))
        try:
            data = json.loads(reply.body) if raw else reply.body
        except ValueError:
            return reply
        if isinstance(data, dict) and "pagination" in data:
            data = {k: v for k, v in data.items() if k != "pagination"}
            reply.body = json.dumps(data).encode() if raw else data
        return reply

    def _other_document(self, tenant: str, reply: Reply) -> Reply:
        """The answer with its documents swapped for others of the organisation (the change
        the request made stays made). A list answered empty gets one other document."""
        raw = isinstance(reply.body, (bytes, bytearray))
        try:
            data = json.loads(reply.body) if raw else reply.body
        except ValueError:
            return reply
        if not isinstance(data, dict):
            return reply
        found = next(((c, f) for c, f in OTHER_DOCUMENT_LISTS if isinstance(data.get(c), list)), None)
        if found is None:
            return reply
        collection, id_field = found
        items = data[collection]
        answered = {item.get(id_field) for item in items}
        org = self.orgs[tenant]
        with self._org_locks[tenant]:
            listed = org.handle("GET", f"/{collection}", {"page": "1"}, {}, b"")
        stored = listed.body.get(collection) if isinstance(listed.body, dict) else None
        others = [doc for doc in stored or [] if doc.get(id_field) not in answered]
        if not others:
            return reply
        swapped = dict(data, **{collection: [others[i % len(others)] for i in range(max(1, len(items)))]})
        headers = dict(reply.headers)
        return Reply(reply.status, json.dumps(swapped).encode() if raw else swapped, headers, reply.action)

    @staticmethod
    def _fault_reply(fault) -> Reply:
        if fault.fault == "reset":
            reply = Reply(0, action="reset")
        elif fault.fault == "403":
            reply = problem(403, "Forbidden", "AuthorizationUnsuccessful")
        elif fault.fault == "404":
            reply = problem(404, "Not Found", "The resource you're looking for cannot be found")
        elif fault.fault == "429":
            reply = problem(429, "Too Many Requests", "The rate limit has been exceeded")
            reply.headers.update(
                {"Retry-After": str(fault.retry_after), "X-Rate-Limit-Problem": fault.problem}
            )
        elif fault.fault == "503":
            reply = problem(
                503, "Service Unavailable", "The Xero API is temporarily unavailable, please try again later"
            )
        else:
            reply = problem(
                500,
                "An error occurred",
                "An error occurred in Xero. Check the API Status page "
                "http://status.developer.xero.com for current service status.",
            )
        reply.headers["X-Sandbox-Fault"] = fault.fault
        return reply

    # -------------------------------------------------------------- identity
    def _authorize(self, req: Request) -> Reply:
        """The browser consent page (GET) and its submission (POST)."""
        if req.method == "GET":
            params = dict(req.query_pairs)
            tenants, decision = None, None
        else:
            pairs = req.form_pairs()
            params = {k: v for k, v in pairs if k not in ("tenant", "decision")}
            tenants = [v for k, v in pairs if k == "tenant"]
            decision = dict(pairs).get("decision", "allow")
        try:
            app = self.identity.check_authorize_request(params)
        except ConsentError as exc:
            return Reply(400, self.identity.error_page(str(exc)))
        try:
            if req.method == "GET" and app.auto_consent and not self.identity.redirect_error(params):
                return Reply(302, headers={"Location": self.identity.approve(params, app.auto_consent)})
            error = self.identity.redirect_error(params)
            if error:
                return Reply(302, headers={"Location": self.identity.redirect(params, error=error)})
            if req.method == "GET":
                return Reply(200, self.identity.consent_page(params))
            if decision == "deny":
                location = self.identity.deny(params)
            else:
                location = self.identity.approve(params, tenants)
        except ConsentError as exc:  # e.g. several organisations on a Starter app
            return Reply(400, self.identity.error_page(str(exc)))
        return Reply(302, headers={"Location": location})

    def _oauth(self, req: Request) -> Reply:
        if req.method != "POST":
            return Reply(405, {"error": "invalid_request"})
        form = dict(req.form_pairs())
        basic = _basic_auth(req.headers.get("authorization"))
        try:
            if req.path.lower() == "/connect/token":
                body = self.identity.token(form, basic)
                return Reply(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})
            self.identity.revoke(form, basic)
            return Reply(200)
        except OAuthError as exc:
            return Reply(exc.status, exc.body())

    def _connections(self, req: Request) -> Reply:
        try:
            access = self.identity.authenticate(req.headers.get("authorization"))
        except ApiAuthError as exc:
            return problem(401, "Unauthorized", exc.detail)
        violation = self._check_contract("identity", req, req.path)
        if violation:
            return violation

        def process(req):
            parts = req.path.strip("/").split("/")
            if req.method == "GET" and len(parts) == 1:
                wanted = req.query.get("authEventId")
                return Reply(
                    200,
                    [
                        self.identity.connection_json(c)
                        for c in self.identity.connections(access)
                        if not wanted or c.auth_event_id == wanted
                    ],
                )
            if req.method == "DELETE" and len(parts) == 2:
                if self.identity.disconnect(access, parts[1]):
                    return Reply(204)
                return Reply(
                    404, {"Type": None, "Title": "Not Found", "Status": 404, "Detail": "Resource not found"}
                )
            return Reply(405, {"Title": "Method Not Allowed", "Status": 405})

        return self._gateway(req, None, process)

    # ------------------------------------------------------------ accounting
    def _scope_allows(self, req: Request, access) -> bool:
        """The token holds one of the scopes the spec's security section names for this
        operation (translated to 2026's granular scopes, see spec_rules.py)."""
        if not self.contract.available:
            return True
        rel = req.path[len(API_PREFIX) :] or "/"
        required = self.contract.rules.required_scopes(req.method, rel)
        return required is None or bool(required & set(access.grant.scope.split()))

    def _api_filtered(self, req: Request) -> Reply:
        """The gateway's request filtering (IIS 404.15) comes before anything else."""
        if query_string_too_long(req.query_string, req.query_pairs):
            reply = Reply(404, QUERY_STRING_TOO_LONG_PAGE)
            reply.headers["X-Sandbox-Refusal"] = "query string too long"
            return reply
        return self._api(req)

    def _api(self, req: Request) -> Reply:
        """Size -> auth -> tenant -> scope -> contract -> idempotency key -> limits -> faults
        -> process."""
        if len(req.body or b"") > MAX_BODY_BYTES:
            return problem(413, "Request Entity Too Large", "The request exceeds the maximum size of 3.5 MB")
        tenant = req.headers.get("xero-tenant-id")
        try:
            access = self.identity.authenticate(req.headers.get("authorization"))
        except ApiAuthError as exc:
            return problem(401, "Unauthorized", exc.detail)
        if self.faults.take("auth", req.method, req.path, tenant):
            reply = problem(
                401, "Unauthorized", "TokenExpired: token expired at " + expired_at_text(self.clock.now())
            )
            reply.headers["X-Sandbox-Fault"] = "expired_token"
            return reply
        client = access.grant.client_id
        if not tenant or tenant not in self.orgs or not self.identity.can_access(access, tenant):
            reply = problem(403, "Forbidden", "AuthenticationUnsuccessful")
            if tenant:
                reply.headers.update(self.limiter.headers(client, tenant))
            return reply
        if not self._scope_allows(req, access):
            # Xero's answer to a token without the endpoint's scope
            reply = problem(401, "Unauthorized", "AuthorizationUnsuccessful")
            reply.headers.update(self.limiter.headers(client, tenant))
            return reply
        reply = self._api_checked(req, tenant, client)
        if not reply.headers.get("X-MinLimit-Remaining"):
            reply.headers.update(self.limiter.headers(client, tenant))
        return reply

    def _api_checked(self, req: Request, tenant: str, client: str) -> Reply:
        rel = req.path[len(API_PREFIX) :] or "/"
        violation = self._check_contract("accounting", req, rel)
        if violation:
            return violation
        key = req.headers.get("idempotency-key") if req.method in ("PUT", "POST") else None
        if key is not None and len(key) > KEY_MAX_LENGTH:
            return Reply(
                400,
                {
                    "ErrorNumber": 10,
                    "Type": "ValidationException",
                    "Message": f"Idempotency-Key must be {KEY_MAX_LENGTH} characters or fewer",
                },
            )
        admission = self.limiter.acquire(client, tenant)
        if admission.problem:
            reply = problem(429, "Too Many Requests", "The rate limit has been exceeded")
            reply.headers.update(admission.headers)
            reply.headers.update(
                {"Retry-After": str(admission.retry_after), "X-Rate-Limit-Problem": admission.problem}
            )
            return reply
        try:
            latency = self.limiter.latency(tenant)
            if latency:
                time.sleep(latency)  # Xero's own time, in flight (outside the organisation's lock)
            reply = self._gateway(req, tenant, lambda r: self._idempotent(r, rel, tenant, key))
        finally:
            self.limiter.release(client, tenant)
        reply.headers.update(admission.headers)
        return reply

    def _idempotent(self, req: Request, rel: str, tenant: str, key: str | None) -> Reply:
        """Process once per (tenant, key); repeats get the stored bytes back."""
        if key is None:
            return self._dispatch(req, rel, tenant)
        entry, stored = self.idempotency.claim(tenant, key)
        if stored is not None:
            return Reply(stored.status, stored.body, {**stored.headers, "X-Sandbox-Replayed": "true"})
        try:
            reply = self._dispatch(req, rel, tenant)
        except BaseException:
            self.idempotency.release(tenant, key, entry)
            raise
        body, content_type = encode(reply)
        headers = dict(reply.headers)
        if content_type:
            headers["Content-Type"] = content_type
        self.idempotency.complete(entry, Stored(reply.status, dict(headers), body))
        return Reply(reply.status, body, headers)

    def _dispatch(self, req: Request, rel: str, tenant: str) -> Reply:
        org = self.orgs[tenant]
        with self._org_locks[tenant]:
            resp = org.handle(req.method, rel, req.query, req.headers, req.body)
        return Reply(resp.status, resp.body, dict(resp.headers or {}))

    # -------------------------------------------------------------- contract
    def _check_contract(self, which: str, req: Request, rel: str) -> Reply | None:
        message = self.contract.check(which, req.method, rel, req.query_pairs, req.headers, req.body)
        if message is None:
            return None
        with self._state_lock:
            self._violation_seq += 1
            self.violations.append(
                {
                    "seq": self._violation_seq,
                    "method": req.method,
                    "path": req.path,
                    "query": dict(req.query_pairs),
                    "tenant": req.headers.get("xero-tenant-id"),
                    "message": message,
                    "timestamp": self.clock.now(),
                    "body": req.body[:2000].decode("utf-8", "replace"),
                }
            )
        return Reply(400, {"Type": "SandboxContractViolation", "Message": message})


def _bearer(header: str | None) -> str | None:
    scheme, _, value = (header or "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _basic_auth(header: str | None) -> tuple | None:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except ValueError:
        return None
    return unquote(user), unquote(password)
