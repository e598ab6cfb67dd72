"""Rules read from Xero's OpenAPI description itself, for every Accounting endpoint at once:

- **scopes**: the operation's `security` section names the OAuth scopes that open it (a
  `.read` scope opens reads only). The spec (16.1.0) still names the broad
  `accounting.transactions`; since 2 March 2026 Xero splits it into granular scopes by
  resource (FACTS.md), so each broad scope is translated through `GRANULAR_BY_RESOURCE`.
  A token holding the broad scope (an app created before the cut-off) still passes.
- **unknown fields**: a JSON request body may carry only the properties the operation's
  request schema declares (Xero's schemas list every field; a misspelt `InvoiceNumbr` would be
  dropped silently by Xero and the document sent without its number).

Both are generic: an endpoint the sandbox starts to serve is covered without touching this file.
"""

import threading
from pathlib import Path

import yaml

BROAD = "accounting.transactions"

# Which granular scope replaces accounting.transactions, by the first path segment.
GRANULAR_BY_RESOURCE = {
    "Invoices": "accounting.invoices",
    "CreditNotes": "accounting.invoices",
    "PurchaseOrders": "accounting.invoices",
    "Quotes": "accounting.invoices",
    "RepeatingInvoices": "accounting.invoices",
    "LinkedTransactions": "accounting.invoices",
    "Payments": "accounting.payments",
    "BatchPayments": "accounting.payments",
    "Overpayments": "accounting.payments",
    "Prepayments": "accounting.payments",
    "BankTransactions": "accounting.banktransactions",
    "BankTransfers": "accounting.banktransactions",
    "ManualJournals": "accounting.manualjournals",
}
# Resources Xero moved under a granular scope although the 16.1.0 spec names another one.
MOVED = {"Items": ("accounting.settings", "accounting.invoices")}

METHODS = ("get", "put", "post", "delete", "patch")


class SpecRules:
    def __init__(self, spec_path: Path):
        self.spec_path = Path(spec_path)
        self._lock = threading.Lock()
        self._spec = None
        self._templates = None

    # ----------------------------------------------------------------- loading
    @property
    def spec(self) -> dict:
        with self._lock:
            if self._spec is None:
                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                with open(self.spec_path, encoding="utf-8") as handle:
                    self._spec = yaml.load(handle, Loader=loader)
                self._templates = sorted(
                    ((_template_parts(path), path) for path in self._spec.get("paths", {})),
                    key=lambda item: -sum(1 for p in item[0] if p is not None),
                )
            return self._spec

    def operation(self, method: str, path: str) -> dict | None:
        """The spec's operation for `METHOD /Rel/Path` (literal segments beat variables)."""
        spec = self.spec
        parts = [p for p in path.split("/") if p]
        for template, spec_path in self._templates:
            if len(template) != len(parts):
                continue
            if all(t is None or t.lower() == p.lower() for t, p in zip(template, parts, strict=True)):
                op = spec["paths"][spec_path].get(method.lower())
                if op is not None:
                    return op
        return None

    # ------------------------------------------------------------------ scopes
    def required_scopes(self, method: str, path: str) -> set | None:
        """The scopes of which the token must hold one, or None when the spec names none."""
        op = self.operation(method, path)
        if not op or not op.get("security"):
            return None
        resource = next((p for p in path.split("/") if p), "")
        accepted = set()
        for requirement in op["security"]:
            for scope in requirement.get("OAuth2", ()):
                accepted |= translate(scope, resource)
        if method.upper() != "GET":
            accepted = {s for s in accepted if not s.endswith(".read")}
        return accepted or None

    # ---------------------------------------------------------- unknown fields
    def unknown_fields(self, method: str, path: str, body) -> list:
        """JSON paths of properties the request schema does not declare."""
        op = self.operation(method, path)
        content = ((op or {}).get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None:
            return []
        found = []
        self._walk(schema, body, "", found, 0)
        return found

    def _resolve(self, schema: dict) -> dict:
        while isinstance(schema, dict) and "$ref" in schema:
            node = self.spec
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema or {}

    def _walk(self, schema, value, where, found, depth) -> None:
        schema = self._resolve(schema)
        if depth > 12:
            return
        if isinstance(value, list):
            items = schema.get("items")
            if items is not None:
                for i, element in enumerate(value):
                    self._walk(items, element, f"{where}/{i}", found, depth + 1)
            return
        if not isinstance(value, dict):
            return
        properties = schema.get("properties")
        if properties is None:
            return  # a free-form object: nothing declared to check against
        for name, element in value.items():
            if name not in properties:
                found.append(f"{where}/{name}")
            else:
                self._walk(properties[name], element, f"{where}/{name}", found, depth + 1)


def translate(scope: str, resource: str) -> set:
    """Spec scope -> the scopes Xero accepts in 2026 for this resource."""
    read = scope.endswith(".read")
    base = scope[: -len(".read")] if read else scope
    suffix = ".read" if read else ""
    moved = MOVED.get(resource)
    if moved and base == moved[0]:
        return {moved[1] + suffix}
    if base == BROAD and resource in GRANULAR_BY_RESOURCE:
        return {GRANULAR_BY_RESOURCE[resource] + suffix, scope}  # broad: apps older than 2 March 2026
    return {scope}


def _template_parts(path: str) -> list:
    return [None if p.startswith("{") else p for p in path.split("/") if p]
