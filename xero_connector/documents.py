"""Pure helpers of the document payload builders (invoices, credit notes, bills, purchase
orders): Xero's line arithmetic, the payload's fingerprint, the partners' Xero contacts."""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNIT_DP = Decimal("0.0001")


def _money(value, quantum=CENT):
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _trim(number):
    return f"{number:,.5f}".rstrip("0").rstrip(".")


def xero_line_amount(quantity, unit_amount, discount_rate=0.0):
    """Xero's own arithmetic: LineAmount = Quantity × UnitAmount (4 decimals with unitdp=4)
    × (1 − DiscountRate/100), rounded half up to the cent."""
    unit = _money(unit_amount, UNIT_DP)
    amount = Decimal(str(quantity)) * unit * (Decimal(1) - Decimal(str(discount_rate or 0)) / Decimal(100))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def payload_fingerprint(payload):
    """Hash of a document's payload: tells whether what Odoo would send changed."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _contacts_by_partner(env, partners, tenant):
    """{commercial partner id: Xero contact} in ``tenant``, one query for all partners."""
    bindings = (
        env["xero.partner.binding"]
        .sudo()
        .search([("tenant_id", "=", tenant.id), ("partner_id", "in", partners.commercial_partner_id.ids)])
    )
    return {b.partner_id.id: b.contact_id for b in bindings if b.contact_id}
