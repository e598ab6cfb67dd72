"""Helpers for the accounting tests: call ``Organisation.handle`` directly, the way the server
does, and round-trip every body through JSON so that what the tests see is what goes on the
wire."""

from __future__ import annotations

import json
from dataclasses import dataclass

from xero_sandbox.accounting import Organisation
from xero_sandbox.clock import Clock
from xero_sandbox.demo import build_organisation

# A fixed virtual "now" keeps dates readable: 2024-03-15 09:00:00 UTC.
T0 = 1710493200.0


@dataclass
class Reply:
    status: int
    body: object
    headers: dict

    def items(self, key: str) -> list[dict]:
        assert self.status == 200, (self.status, self.body)
        return self.body[key]

    @property
    def messages(self) -> list[str]:
        """Every ValidationErrors message of a 400 ValidationException."""
        assert self.status == 400, (self.status, self.body)
        return [
            e["Message"] for element in self.body.get("Elements", []) for e in element["ValidationErrors"]
        ]


class Api:
    def __init__(self, org: Organisation):
        self.org = org

    def call(self, method, path, body=None, query=None, headers=None) -> Reply:
        raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
        response = self.org.handle(
            method,
            path,
            {k: str(v) for k, v in (query or {}).items()},
            {k.lower(): v for k, v in (headers or {}).items()},
            raw,
        )
        payload = response.body
        if isinstance(payload, (dict, list)):
            payload = json.loads(json.dumps(payload))  # must be JSON-serialisable
        return Reply(response.status, payload, response.headers)

    def get(self, path, query=None, headers=None) -> Reply:
        return self.call("GET", path, None, query, headers)

    def put(self, path, body, **query) -> Reply:
        return self.call("PUT", path, body, query)

    def post(self, path, body, **query) -> Reply:
        return self.call("POST", path, body, query)

    # conveniences ------------------------------------------------------------
    def contact_id(self, name: str) -> str:
        return next(c["ContactID"] for c in self.org.dump("Contacts") if c["Name"] == name)

    def create_invoice(self, **fields) -> dict:
        reply = self.put("/Invoices", {"Invoices": [invoice(**fields)]})
        return reply.items("Invoices")[0]

    def invoice(self, invoice_id: str, **query) -> dict:
        return self.get(f"/Invoices/{invoice_id}", query).items("Invoices")[0]


def invoice(contact="Bayside Club", lines=None, **fields) -> dict:
    body = {
        "Type": "ACCREC",
        "Contact": {"Name": contact},
        "Date": "2024-03-01",
        "DueDate": "2024-03-31",
        "LineItems": lines if lines is not None else [line()],
    }
    body.update(fields)
    return body


def line(description="Widget", quantity=1, unit=100, account="200", tax="OUTPUT", **extra) -> dict:
    result = {"Description": description, "Quantity": quantity, "UnitAmount": unit}
    if account is not None:
        result["AccountCode"] = account
    if tax is not None:
        result["TaxType"] = tax
    result.update(extra)
    return result


def payment(of: dict, amount, account="090", **extra) -> dict:
    """A payment of ``amount`` on 2024-03-10 from account ``account`` against ``of`` (e.g.
    ``{"Invoice": {"InvoiceID": …}}`` or ``{"CreditNote": {"CreditNoteID": …}}``)."""
    return {**of, "Account": {"Code": account}, "Date": "2024-03-10", "Amount": amount, **extra}


def new_clock() -> Clock:
    clock = Clock()
    clock.set(T0)
    return clock


def demo_org(clock=None, **kwargs) -> Organisation:
    return build_organisation(clock or new_clock(), "Test Company (AU)", "!test1", **kwargs)
