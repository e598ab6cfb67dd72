"""The contract check: every request the connector sends must validate against Xero's OpenAPI.

Specs are loaded lazily, once, with `Config(spec_validator_cls=None)` because Xero's YAML does
not pass strict spec validation (FACTS.md). A loopback request is matched against the spec by
rewriting its host to the spec's server URL. Identity paths are matched case-insensitively
because the spec says `/Connections` while Xero (and clients) use `/connections`.
"""

import json
import logging
import os
import threading
import time
import warnings
from pathlib import Path

from .spec_rules import SpecRules

log = logging.getLogger("xero_sandbox")

SPECS = {
    "accounting": ("xero_accounting.yaml", "https://api.xero.com/api.xro/2.0"),
    "identity": ("xero-identity.yaml", "https://api.xero.com"),
}


def default_spec_dir() -> Path:
    """$XERO_OPENAPI_DIR, else `<repo>/../shared/xero/openapi` (repo = two levels above us)."""
    env = os.environ.get("XERO_OPENAPI_DIR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "xero" / "openapi"


class _SpecRequest:
    """The minimal request object openapi-core validates (its `Request` protocol)."""

    def __init__(self, server: str, path: str, method: str, query_pairs, headers: dict, body: bytes):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        scheme, _, rest = server.partition("://")
        host, _, prefix = rest.partition("/")
        self.host_url = f"{scheme}://{host}"
        self.path = (f"/{prefix}" if prefix else "") + path
        self.method = method.lower()
        self.body = body or None
        self.content_type = headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(query_pairs)),
            header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict(),
        )


class ContractChecker:
    def __init__(self, spec_dir: Path | None = None):
        self.spec_dir = Path(spec_dir) if spec_dir else default_spec_dir()
        self._lock = threading.Lock()
        self._apis: dict = {}
        self.timings_ms: list = []  # last validations' durations, for measurements
        self.rules = SpecRules(self.spec_dir / SPECS["accounting"][0])

    @property
    def available(self) -> bool:
        return all((self.spec_dir / name).is_file() for name, _ in SPECS.values())

    def _api(self, which: str):
        with self._lock:
            if which not in self._apis:
                from openapi_core import Config, OpenAPI

                started = time.perf_counter()
                self._apis[which] = OpenAPI.from_file_path(
                    str(self.spec_dir / SPECS[which][0]), config=Config(spec_validator_cls=None)
                )
                log.info("loaded %s spec in %.0f ms", which, (time.perf_counter() - started) * 1000)
            return self._apis[which]

    def check(
        self, which: str, method: str, path: str, query_pairs, headers: dict, body: bytes
    ) -> str | None:
        """None when the request conforms, else openapi-core's explanation (naming the
        parameter or the body field). `path` is relative to the spec's server URL."""
        if not self.available:
            return None
        api = self._api(which)
        if which == "identity":
            path = _identity_path(path)
        request = _SpecRequest(SPECS[which][1], path, method, query_pairs, headers, body)
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                # Xero's OAuth2 security scheme is not checkable by openapi-core: it warns.
                warnings.simplefilter("ignore")
                errors = [e for e in api.iter_request_errors(request) if not _binary_body_quirk(e, request)]
            messages = [explain(e) for e in errors]
            if which == "accounting" and body and "json" in request.content_type:
                messages.extend(self._unknown_fields(method, path, body))
        finally:
            self.timings_ms.append((time.perf_counter() - started) * 1000)
            del self.timings_ms[:-1000]
        return "; ".join(messages) or None

    def _unknown_fields(self, method: str, path: str, body: bytes) -> list:
        """openapi-core lets undeclared properties through (Xero's schemas do not say
        `additionalProperties: false`); Xero drops them silently, so they are violations."""
        try:
            value = json.loads(body)
        except ValueError:
            return []  # openapi-core already reported the malformed body
        unknown = self.rules.unknown_fields(method, path, value)
        if not unknown:
            return []
        return [f"UnknownField: the request schema declares no {', '.join(unknown[:10])}"]


def _binary_body_quirk(error: Exception, request: _SpecRequest) -> bool:
    """Attachment uploads: the spec declares `application/octet-stream` bodies as
    `type: string, format: byte` (base64 text), but Xero (and xero-python) send the raw file.
    Body-schema errors of non-JSON bodies are therefore not violations."""
    from openapi_core.validation.request.exceptions import RequestBodyValidationError

    return (
        isinstance(error, RequestBodyValidationError)
        and "json" not in request.content_type
        and request.body is not None
    )


def _identity_path(path: str) -> str:
    parts = path.split("/")
    if len(parts) > 1 and parts[1].lower() == "connections":
        parts[1] = "Connections"
    return "/".join(parts)


def explain(exc: Exception) -> str:
    """One readable line naming the parameter or the body field (with its JSON path) at fault,
    without repeating the whole offending body."""
    cause = exc.__cause__
    schema_errors = getattr(cause, "schema_errors", None) or ()
    if schema_errors:
        title = str(exc).split(": Value ")[0]
        details = []
        for err in schema_errors:
            where = "/".join(str(p) for p in getattr(err, "absolute_path", ()))
            details.append(f"at {where or '<root>'}: {getattr(err, 'message', err)}"[:400])
        return f"{type(exc).__name__}: {title}: " + "; ".join(details)
    text = f"{type(exc).__name__}: {exc}"
    if cause is not None and str(cause) not in text:
        text += f" ({type(cause).__name__}: {cause})"
    return text[:1000]
