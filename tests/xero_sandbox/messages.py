"""The two values the sandbox trades in, independent of HTTP plumbing: a parsed `Request` and
the `Reply` to send (or the way to not send one: a reset or a silently closed connection)."""

import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass
class Request:
    method: str
    path: str  # URL path, percent-decoded
    query_pairs: list  # [(name, value)] in order, blanks kept
    headers: dict  # lower-case names
    body: bytes = b""
    client: str = "127.0.0.1"
    query_string: str | None = None  # as sent (percent-encoded); None: built in-process

    @property
    def query(self) -> dict:
        """First value of each query parameter (what the accounting domain takes)."""
        out = {}
        for name, value in self.query_pairs:
            out.setdefault(name, value)
        return out

    def form_pairs(self) -> list:
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def json(self):
        return json.loads(self.body or b"{}")


@dataclass
class Reply:
    status: int
    body: object = None  # dict/list -> JSON; str -> HTML; bytes -> raw; None -> empty
    headers: dict = field(default_factory=dict)
    action: str | None = None  # "reset": TCP RST, no answer; "close": close, no answer


def encode(reply: Reply) -> tuple:
    """(bytes, content type) of a reply body."""
    body = reply.body
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, reply.headers.get("Content-Type", "application/octet-stream")
    if isinstance(body, str):
        return body.encode("utf-8"), "text/html; charset=utf-8"
    return json.dumps(body).encode("utf-8"), "application/json; charset=utf-8"


def problem(status: int, title: str, detail: str) -> Reply:
    """Xero's RFC 7807-ish body for 401/403/429/5xx gateway errors."""
    return Reply(
        status,
        {
            "Type": None,
            "Title": title,
            "Status": status,
            "Detail": detail,
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        },
    )
