"""Read-side query features of Xero's GET list endpoints.

- ``where``: Xero's .NET-flavoured filter language. Supported: paths (``Contact.Name``),
  comparisons ``== != > >= < <=``, ``AND``/``OR``/``NOT`` (and ``&& || !``), parentheses,
  literals ``"text"``, numbers, ``true``/``false``/``null``, ``DateTime(2024,01,31[,h,m,s])``,
  ``Guid("...")``, and the string methods ``ToLower()``, ``ToUpper()``, ``Contains(..)``,
  ``StartsWith(..)``, ``EndsWith(..)``. String comparisons ignore case (Xero's database
  collation does), so ``Name=="acme"`` matches "ACME".
- ``order``: ``Field [ASC|DESC][, Field ...]``.
- comma lists (``IDs``, ``InvoiceNumbers``, ``ContactIDs``, ``Statuses``...), If-Modified-Since
  and ``page``/``pageSize``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal

from .accounting_common import HttpError, parse_datetime, query_parse_error, to_decimal

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|>=|<=|&&|\|\||[<>!(),.=])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


class WhereSyntaxError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, object]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise WhereSyntaxError(f"Unexpected character at position {position} in '{text}'")
        position = match.end()
        kind = match.lastgroup
        raw = match.group(kind)
        if kind == "string":
            tokens.append(("value", re.sub(r"\\(.)", r"\1", raw[1:-1])))
        elif kind == "number":
            tokens.append(("value", Decimal(raw)))
        elif kind == "name" and raw.upper() in ("AND", "OR", "NOT"):
            tokens.append(("op", {"AND": "&&", "OR": "||", "NOT": "!"}[raw.upper()]))
        elif kind == "name" and raw.lower() in ("true", "false", "null"):
            tokens.append(("value", {"true": True, "false": False, "null": None}[raw.lower()]))
        else:
            tokens.append((kind, raw))
    return tokens


# A compiled expression takes a document (dict) and returns a value.
Expr = Callable[[dict], object]

_STRING_METHODS = {
    "tolower": lambda value: value.lower() if isinstance(value, str) else value,
    "toupper": lambda value: value.upper() if isinstance(value, str) else value,
    "trim": lambda value: value.strip() if isinstance(value, str) else value,
}
_STRING_PREDICATES = {
    "contains": lambda value, arg: arg.lower() in value.lower(),
    "startswith": lambda value, arg: value.lower().startswith(arg.lower()),
    "endswith": lambda value, arg: value.lower().endswith(arg.lower()),
}


class _Parser:
    """Recursive descent: or := and (|| and)* ; and := unary (&& unary)* ;
    unary := ! unary | ( or ) | comparison ; comparison := operand [op operand]."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0

    def parse(self) -> Expr:
        expr = self.parse_or()
        if self.index != len(self.tokens):
            raise WhereSyntaxError(f"Unexpected token '{self.tokens[self.index][1]}'")
        return expr

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, expected=None):
        token = self.peek()
        if token[0] is None or (expected is not None and token[1] != expected):
            raise WhereSyntaxError(f"Expected '{expected}'" if expected else "Unexpected end of filter")
        self.index += 1
        return token

    def parse_or(self) -> Expr:
        parts = [self.parse_and()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(bool(p(doc)) for p in parts))

    def parse_and(self) -> Expr:
        parts = [self.parse_unary()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else (lambda doc: all(bool(p(doc)) for p in parts))

    def parse_unary(self) -> Expr:
        if self.peek() == ("op", "!"):
            self.take()
            inner = self.parse_unary()
            return lambda doc: not inner(doc)
        if self.peek() == ("op", "("):
            self.take()
            inner = self.parse_or()
            self.take(")")
            return self.parse_comparison_tail(inner)
        return self.parse_comparison_tail(self.parse_operand())

    def parse_comparison_tail(self, left: Expr) -> Expr:
        kind, op = self.peek()
        if kind == "op" and op in ("==", "!=", ">", ">=", "<", "<=", "="):
            self.take()
            right = self.parse_operand()
            return lambda doc: compare(left(doc), "==" if op == "=" else op, right(doc))
        return left

    def parse_operand(self) -> Expr:
        kind, value = self.take()
        if kind == "value":
            return lambda doc, value=value: value
        if kind != "name":
            raise WhereSyntaxError(f"Unexpected token '{value}'")
        if self.peek() == ("op", "(") and value in ("DateTime", "Guid", "DateTimeOffset"):
            return self.parse_constructor(value)
        path = [value]
        expr = None
        while self.peek() == ("op", "."):
            self.take()
            _, name = self.take()
            if self.peek() == ("op", "("):
                expr = self.parse_method(expr or _path_getter(path), name)
            elif expr is None:
                path.append(name)
            else:
                raise WhereSyntaxError(f"Unexpected member '{name}'")
        return expr or _path_getter(path)

    def parse_arguments(self) -> list:
        self.take("(")
        args = []
        while self.peek() != ("op", ")"):
            kind, value = self.take()
            if kind != "value":
                raise WhereSyntaxError(f"Unexpected argument '{value}'")
            args.append(value)
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        return args

    def parse_constructor(self, name: str) -> Expr:
        args = self.parse_arguments()
        if name == "Guid":
            if len(args) != 1:
                raise WhereSyntaxError("Guid() takes one argument")
            guid = str(args[0]).lower()
            return lambda doc: guid
        if len(args) == 1 and isinstance(args[0], str):
            moment = parse_datetime(args[0])
        elif 3 <= len(args) <= 6 and all(isinstance(a, Decimal) for a in args):
            moment = datetime(*[int(a) for a in args], tzinfo=timezone.utc)
        else:
            moment = None
        if moment is None:
            raise WhereSyntaxError(f"Invalid {name} literal")
        return lambda doc: moment

    def parse_method(self, target: Expr, name: str) -> Expr:
        args = self.parse_arguments()
        key = name.lower()
        if key in _STRING_METHODS and not args:
            transform = _STRING_METHODS[key]
            return lambda doc: transform(target(doc))
        if key in _STRING_PREDICATES and len(args) == 1:
            predicate, arg = _STRING_PREDICATES[key], str(args[0])
            return lambda doc: isinstance(target(doc), str) and predicate(target(doc), arg)
        raise WhereSyntaxError(f"Unsupported method '{name}'")


def _path_getter(path: list[str]) -> Expr:
    def get(doc):
        return resolve_path(doc, path)

    return get


def resolve_path(doc, path) -> object:
    """Walk ``Contact.Name`` through nested dicts, matching keys case-insensitively."""
    if isinstance(path, str):
        path = path.split(".")
    value = doc
    for part in path:
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
            continue
        lowered = part.lower()
        value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


def _normalise(left, right):
    """Bring both sides of a comparison to comparable Python values."""
    if (
        isinstance(left, datetime)
        or isinstance(right, datetime)
        or isinstance(left, date)
        or isinstance(right, date)
    ):
        return _as_datetime(left), _as_datetime(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left, right
    if isinstance(left, (Decimal, int, float)) or isinstance(right, (Decimal, int, float)):
        return to_decimal(left), to_decimal(right)
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    return left, right


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return parse_datetime(value) if isinstance(value, str) else value


def compare(left, op: str, right) -> bool:
    left, right = _normalise(left, right)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if left is None or right is None:
        return False
    try:
        return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]
    except TypeError:
        return False


def compile_where(text: str) -> Expr:
    try:
        return _Parser(text).parse()
    except (WhereSyntaxError, ArithmeticError, ValueError) as error:
        raise HttpError(query_parse_error(f"Error parsing where clause: {error}")) from None


# --------------------------------------------------------------------------- list helpers


def split_list(value: str | None) -> list[str]:
    """``IDs=a,b`` (optionally quoted, as the spec's examples show) -> ['a', 'b']."""
    if not value:
        return []
    return [part.strip().strip('"').strip("'") for part in value.split(",") if part.strip()]


def filter_in(docs: list[dict], path: str, wanted: list[str]) -> list[dict]:
    wanted_lower = {w.lower() for w in wanted}
    return [d for d in docs if str(resolve_path(d, path) or "").lower() in wanted_lower]


def modified_since(docs: list[dict], header: str | None) -> list[dict]:
    """If-Modified-Since: only documents whose UpdatedDateUTC is strictly later."""
    since = parse_datetime(header) if header else None
    if since is None:
        return docs
    return [d for d in docs if d.get("UpdatedDateUTC") and d["UpdatedDateUTC"] > since]


def apply_order(docs: list[dict], order: str | None) -> list[dict]:
    if not order:
        return docs
    keys = []
    for part in order.split(","):
        words = part.split()
        if not words:
            continue
        descending = len(words) > 1 and words[1].upper() == "DESC"
        keys.append((words[0], descending))
    for path, descending in reversed(keys):  # stable sort: least significant key first
        present = [d for d in docs if resolve_path(d, path) is not None]
        missing = [d for d in docs if resolve_path(d, path) is None]
        present.sort(key=lambda d: _sort_key(resolve_path(d, path)), reverse=descending)
        docs = missing + present if not descending else present + missing
    return docs


def _sort_key(value):
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.toordinal() * 86400.0
    return value


def page_of(docs: list[dict], query: dict) -> tuple[list[dict], dict | None]:
    """Apply ``page``/``pageSize`` when ``page`` is given; returns (slice, pagination dict).
    Without ``page`` Xero returns everything in one response."""
    page_text = query.get("page")
    if page_text in (None, ""):
        return docs, None
    try:
        page = max(int(page_text), 1)
    except ValueError:
        page = 1
    try:
        size = int(query.get("pageSize") or DEFAULT_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = min(max(size, 1), MAX_PAGE_SIZE)
    start = (page - 1) * size
    page_count = (len(docs) + size - 1) // size
    pagination = {"page": page, "pageSize": size, "pageCount": page_count, "itemCount": len(docs)}
    return docs[start : start + size], pagination
