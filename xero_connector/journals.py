"""Balances → Xero manual journals, the pure part: ``xero_nets`` (per day, the net per Xero
account code and tracking option of Odoo's lines), ``manual_journal_payload`` (one journal in
Xero's JSON, refused unless it balances to the cent), the difference with what Xero already
holds and the journal's narration. No database, no Xero: tested alone
(``tests/test_builders_po_journal.py``); the run that uses them is ``xero.manual.journal``."""

import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from odoo import _, fields

CENT = Decimal("0.01")
ZERO = Decimal(0)
MAX_TRACKING_CATEGORIES = 2
DESCRIPTION_LENGTH = 200


def _money(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def tracking_key(tracking):
    """A canonical text for a line's tracking ((category, option) pairs): the ledger's key."""
    return json.dumps(sorted([list(pair) for pair in tracking])) if tracking else ""


def tracking_of_key(key):
    return tuple(tuple(pair) for pair in json.loads(key)) if key else ()


def xero_nets(rows, codes, tracking_options):
    """Per day, the net amount per (Xero account code, tracking) of Odoo's lines. Pure.

    ``rows``: (day, Odoo account id, analytic distribution or None, balance); ``codes``:
    {Odoo account id: Xero account code}; ``tracking_options``: {analytic account id:
    (category name, option name)} of the mapped analytic accounts. A share of a line's balance
    goes to each distribution key by its percentage (rounded to the cent); what rounding
    leaves goes without tracking, so that each account keeps Odoo's exact amount.

    Returns ({day: {(code, tracking): Decimal}}, [problems]); rows on accounts missing from
    ``codes`` are left out (the caller lists them)."""
    nets = defaultdict(lambda: defaultdict(Decimal))
    problems = []
    for day, account_id, distribution, row_balance in rows:
        code = codes.get(account_id)
        if not code:
            continue
        balance = _money(row_balance)
        rest = balance
        for key, percentage in (distribution or {}).items():
            options = {
                tracking_options[int(analytic_id)]
                for analytic_id in str(key).split(",")
                if analytic_id and int(analytic_id) in tracking_options
            }
            if not options:
                continue
            categories = [category for category, _option in options]
            if len(set(categories)) < len(categories) or len(options) > MAX_TRACKING_CATEGORIES:
                problems.append(
                    _(
                        "Lines of %(day)s on account %(code)s carry several options of one tracking category or more "
                        "than 2 categories: Xero takes at most one option of each of 2 categories.",
                        day=day,
                        code=code,
                    )
                )
                continue
            share = _money(balance * Decimal(str(percentage)) / 100)
            nets[day][(code, tuple(sorted(options)))] += share
            rest -= share
        nets[day][(code, ())] += rest
    return {day: dict(amounts) for day, amounts in nets.items()}, problems


def manual_journal_payload(narration, day, amounts, descriptions=None):
    """(Xero's JSON for one POSTED manual journal, [problems]). Pure. ``amounts``: {(code,
    tracking): Decimal}, positive = debit; lines of zero are left out. A journal that does not
    balance to the cent, or has fewer than two lines, is a problem: never forced."""
    descriptions = descriptions or {}
    lines = []
    total = ZERO
    for (code, tracking), raw_amount in sorted(amounts.items()):
        amount = _money(raw_amount)
        if not amount:
            continue
        total += amount
        line = {"AccountCode": code, "LineAmount": float(amount)}
        if descriptions.get(code):
            line["Description"] = descriptions[code][:DESCRIPTION_LENGTH]
        if tracking:
            line["Tracking"] = [{"Name": category, "Option": option} for category, option in tracking]
        lines.append(line)
    problems = []
    if total:
        problems.append(
            _(
                "The journal of %(day)s does not balance: debits and credits differ by %(diff)s after rounding "
                "to the cent. Nothing was sent for that day; correct the entries of that day in Odoo.",
                day=day,
                diff=total,
            )
        )
    payload = {
        "Narration": narration,
        "Date": fields.Date.to_string(day),
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": lines,
    }
    return payload, problems


def _difference(odoo_amounts, sent_amounts):
    """Odoo's figures minus what Xero holds, per (code, tracking), zeros left out."""
    diff = {}
    for key in set(odoo_amounts) | set(sent_amounts):
        amount = _money(odoo_amounts.get(key, ZERO)) - _money(sent_amounts.get(key, ZERO))
        if amount:
            diff[key] = amount
    return diff


def _narration(company, day, revision):
    day_text = fields.Date.to_string(day)
    if not revision:
        return f"Odoo balances {day_text} {company.name}"
    return f"Adjustment of {day_text} {company.name} ({revision})"
