"""Pure helpers of the document payload builders (invoices, credit notes, bills, purchase
orders): Xero's line arithmetic, the payload's fingerprint, the partners' Xero contacts."""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

from odoo.tools import float_is_zero

from .utils import MENU_MAPPINGS, menu_path

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
    """{commercial partner id: Xero contact} in ``tenant``, one query for all partners. With
    the caller's rights: builders run for Xero users of the organisation (or its crons)."""
    bindings = env["xero.partner.binding"].search(
        [("tenant_id", "=", tenant.id), ("partner_id", "in", partners.commercial_partner_id.ids)]
    )
    return {b.partner_id.id: b.contact_id for b in bindings if b.contact_id}


# ------------------------------------------------------------------------------------------
# What invoice and purchase-order builders check alike (problems collected, never raised)
# ------------------------------------------------------------------------------------------
def amount_type_of(env, taxes, problems):
    """Xero's LineAmountTypes for a document whose lines carry ``taxes``: one kind per
    document (a mix is a problem). A 0 % tax (GST-free, zero-rated, exempt) is the same amount
    either way, so it never counts: a GST-inclusive retail invoice may carry GST-free lines."""
    included = {tax.price_include for tax in taxes if tax.amount or tax.amount_type == "group"}
    if len(included) > 1:
        problems.append(
            env._("Lines mix tax-included and tax-excluded prices: Xero takes one kind per document.")
        )
    if included == {True}:
        return "Inclusive"
    return "Exclusive" if taxes else "NoTax"


def line_items_of(env, lines, build, problems):
    """The Xero LineItems of ``lines`` (in their order) built by ``build(line)`` → (item or
    None, problems); a document with no amount at all is a problem."""
    items = []
    for line in lines.sorted("sequence"):
        item, line_problems = build(line)
        problems += line_problems
        if item is not None:
            items.append(item)
    if not any("UnitAmount" in item for item in items):
        problems.append(env._("No line has an amount to send to Xero."))
    return items


def set_line_tax(env, item, label, taxes, rate, org, problems):
    """The line's TaxType from its Odoo ``taxes`` (one at most) mapped to Xero's ``rate``.
    Returns False when the line has no tax (the caller applies its default)."""
    if len(taxes) > 1:
        problems.append(
            env._(
                "%(line)s carries several taxes (%(taxes)s): Xero takes one tax per line.",
                line=label,
                taxes=", ".join(taxes.mapped("name")),
            )
        )
    elif taxes and rate:
        item["TaxType"] = rate.tax_type
    elif taxes:
        problems.append(
            env._(
                "%(line)s: tax %(tax)s has no Xero tax rate in %(org)s: map it in %(menu)s (Taxes).",
                line=label,
                tax=taxes.name,
                org=org.name,
                menu=menu_path(env, MENU_MAPPINGS),
            )
        )
    return bool(taxes)


def tax_in_cost(taxes, rate, amount_type, tax_amount, rounding):
    """True when the line's one tax is one Odoo keeps in the cost (no tax account: not
    claimable) mapped to a Xero rate of 0 % (Input Taxed, BAS Excluded): Xero then holds the
    line at its gross amount with no tax, as Odoo's ledger does."""
    return bool(
        rate
        and not rate.effective_rate
        and amount_type != "NoTax"
        and not taxes.invoice_repartition_line_ids.filtered(
            lambda rep: rep.repartition_type == "tax"
        ).account_id
        and not float_is_zero(tax_amount, precision_rounding=rounding)
    )


def set_branding_theme(env, payload, document, ctx, problems):
    """The document's BrandingThemeID: its own theme, else the default ``ctx["branding"]``
    holds for its company in this organisation; none lets Xero apply its own default. A theme
    Xero no longer has (deleted there) is a problem naming where it was chosen."""
    own = document.xero_branding_theme_id
    theme = own or ctx.get("branding", {}).get(document.company_id.id)
    if not theme:
        return
    if not theme.active:
        where = (
            env._("on %(doc)s (its Xero tab)", doc=document.display_name)
            if own
            else env._("as the default of the company of %(org)s (Settings > Xero)", org=ctx["tenant"].name)
        )
        problems.append(
            env._(
                "The branding theme %(theme)s chosen %(where)s was deleted in Xero: choose another one, "
                "or none for Xero's default.",
                theme=theme.name,
                where=where,
            )
        )
        return
    payload["BrandingThemeID"] = theme.xero_id


def set_line_tracking(env, item, label, tracking, problems):
    """The line's Tracking: at most one option of each of two categories (Xero's rule)."""
    if len({t["Name"] for t in tracking}) < len(tracking) or len(tracking) > 2:
        problems.append(
            env._("%(line)s: Xero takes at most one option of each of 2 tracking categories.", line=label)
        )
    elif tracking:
        item["Tracking"] = tracking


def check_contact_and_currency(env, ctx, company, partner, currency, problems):
    """The document's Xero contact from ``ctx`` (None when it will be created on the fly, if
    the company allows it) and the problems of its contact and currency."""
    tenant = ctx["tenant"]
    contact = ctx["contacts"].get(partner.id)
    if not contact:
        if not company.xero_auto_create_contacts:
            problems.append(
                env._(
                    "%(partner)s has no Xero contact in %(org)s: pick one in the Xero contact field or press "
                    "Export contact to Xero on the partner.",
                    partner=partner.display_name,
                    org=tenant.name,
                )
            )
    elif not contact.active:
        problems.append(
            env._(
                "The Xero contact %(contact)s is archived in Xero: restore it there, or pick another contact "
                "for %(partner)s.",
                contact=contact.name,
                partner=partner.display_name,
            )
        )
    if currency.name not in ctx["currencies"]:
        problems.append(
            env._(
                "%(org)s does not use %(currency)s: add the currency in Xero (Settings > Currencies), then refresh "
                "the Xero cache.",
                org=tenant.name,
                currency=currency.name,
            )
        )
    return contact
