"""What kind of tax a Xero tax rate and an Odoo tax are, and which pairs fit: pure helpers of
the tax auto-match (``xero.tax.map``) and of its refusal of mappings that would over- or
under-claim GST/VAT in Xero.

A Xero rate says its kind in ``ReportTaxType`` (how the BAS/VAT return reports it) and its
side in the ``CanApplyTo…`` flags; an Odoo tax says it in its repartition lines (a tax line
with an account: claimable; none: the tax is part of the cost) and its tax tags (the BAS
labels of Odoo's Australian chart: G2 exports, G3/G14 GST-free, G4/G13 input taxed, G10
capital, G15 private use). Rate alone is not enough: ten percent is "GST on Expenses", "GST on
Capital" and (not claimable) "Input Taxed" alike."""

import re

# Kinds shared by both sides.
TAXED = "taxed"  # GST/VAT charged (sales) or claimable (purchases)
CAPITAL = "capital"  # claimable, on capital purchases
FREE = "free"  # GST-free, zero-rated or exempt: reported, no tax
FREE_CAPITAL = "free_capital"
EXPORT = "export"
INPUT_TAXED = "input_taxed"  # no GST charged, none claimable (AU: financial supplies, rent)
OUT_OF_SCOPE = "out_of_scope"  # not reported at all (BAS Excluded, No GST, No VAT)
IMPORT_TAX = "import_tax"  # GST/VAT paid on imports, the whole line is tax
REVERSE_CHARGE = "reverse_charge"
EC = "ec"
NOT_CLAIMABLE = "not_claimable"  # an Odoo purchase tax whose tax goes to the cost
PRIVATE = "private"  # AU G15: private use or not deductible
WITHHOLDING = "withholding"  # AU PAYG withholding (No ABN, W3): no Xero tax rate is one
ADJUSTMENT = "adjustment"  # AU G7/G18: GST adjustments, entered by hand in Xero

# ReportTaxType → kind (rates whose kind depends on their percentage are decided below).
REPORT_KINDS = {
    "CAPITALEXINPUT": CAPITAL,
    "CAPITALEXPENSESINPUT": CAPITAL,
    "CAPINPUT": CAPITAL,
    "CAPITALSALESOUTPUT": TAXED,
    "EXEMPTOUTPUT": FREE,
    "EXEMPTEXPENSES": FREE,
    "EXEMPTINPUT": FREE,
    "ZERORATEDOUTPUT": FREE,
    "ZERORATEDINPUT": FREE,
    "EXEMPTCAPITAL": FREE_CAPITAL,
    "EXEMPTEXPORT": EXPORT,
    "INPUTTAXED": INPUT_TAXED,
    "BASEXCLUDED": OUT_OF_SCOPE,
    "NONE": OUT_OF_SCOPE,
    "NONEOUTPUT": OUT_OF_SCOPE,
    "GSTONIMPORTS": IMPORT_TAX,
    "GSTONCAPIMPORTS": IMPORT_TAX,
    "GSTONCAPITALIMPORTS": IMPORT_TAX,
    "REVERSECHARGES": REVERSE_CHARGE,
    "DRCHARGE": REVERSE_CHARGE,
    "DRCHARGESUPPLY": REVERSE_CHARGE,
    "ECOUTPUT": EC,
    "ECOUTPUTSERVICES": EC,
    "ECINPUT": EC,
    "ECACQUISITIONS": EC,
}
# Purchase kinds whose tax is claimed back.
CLAIMABLE_KINDS = {TAXED, CAPITAL, IMPORT_TAX, REVERSE_CHARGE}
# For an Odoo kind: the Xero kinds that fit, best first. A Xero rate of the first kind is a
# match; one of a later kind only a candidate when nothing better exists.
FITS = {
    TAXED: (TAXED,),
    CAPITAL: (CAPITAL,),
    FREE: (FREE, OUT_OF_SCOPE),
    FREE_CAPITAL: (FREE_CAPITAL, FREE),
    EXPORT: (EXPORT, FREE),
    INPUT_TAXED: (INPUT_TAXED,),
    NOT_CLAIMABLE: (INPUT_TAXED, OUT_OF_SCOPE),
    PRIVATE: (OUT_OF_SCOPE, INPUT_TAXED),
    OUT_OF_SCOPE: (OUT_OF_SCOPE,),
    IMPORT_TAX: (IMPORT_TAX,),
    REVERSE_CHARGE: (REVERSE_CHARGE,),
    EC: (EC,),
    # Never matched automatically: the rate differs, a human decides.
    WITHHOLDING: (),
    ADJUSTMENT: (),
}
# Only suggested (first candidate, never matched): what a Xero user would pick by hand.
SUGGESTED = {WITHHOLDING: (OUT_OF_SCOPE,), ADJUSTMENT: (TAXED,)}
# Odoo kinds whose tax Xero holds in the line's cost: a 0 % Xero rate fits their percentage.
COST_KINDS = {NOT_CLAIMABLE, PRIVATE, INPUT_TAXED}


def xero_kind(report_tax_type, effective_rate, name=""):
    """The kind of a Xero tax rate from its ReportTaxType and percentage (NZ's "Zero Rated"
    reports as OUTPUT at 0 %, its "GST on Capital Purchases" as INPUT)."""
    kind = REPORT_KINDS.get((report_tax_type or "").upper())
    if kind:
        return kind
    if not effective_rate:
        return FREE
    return CAPITAL if "capital" in _words(name) else TAXED


def xero_claimable(kind, use):
    """Whether a purchase on a Xero rate of ``kind`` claims tax back (sales never do)."""
    return use == "purchase" and kind in CLAIMABLE_KINDS


def _words(text):
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


def odoo_kind(rate, use, tags, claimable, net_factor, texts):
    """The kind of an Odoo tax: ``rate`` its percentage, ``use`` sale/purchase, ``tags`` the
    names of its invoice repartition tags without sign (BAS labels: G2, G10...), ``claimable``
    whether a tax line posts to an account, ``net_factor`` the sum of its tax lines' factors
    (0 for a reverse charge), ``texts`` its name, description and tax group name. The first
    rule that holds decides."""
    words = set().union(*(_words(text) for text in texts))
    labels = {tag.upper() for tag in tags}
    capital = "G10" in labels or "capital" in words
    rules = (
        (
            rate < 0 or words & {"withholding", "withheld"} or any(re.fullmatch(r"W\d+", t) for t in labels),
            WITHHOLDING,
        ),
        (labels & {"G7", "G18"} or words & {"adjustment", "adjustments", "adj"}, ADJUSTMENT),
        ("ONLY" in labels or ("only" in words and words & {"import", "imports"}), IMPORT_TAX),
        (rate and claimable and not net_factor, REVERSE_CHARGE),
        (rate and use == "purchase" and not claimable and "G13" in labels, INPUT_TAXED),
        (rate and use == "purchase" and not claimable and ("G15" in labels or "private" in words), PRIVATE),
        (rate and use == "purchase" and not claimable, NOT_CLAIMABLE),
        (rate and capital, CAPITAL),
        (rate, TAXED),
        ({"reverse", "charge"} <= words, REVERSE_CHARGE),
        ("G2" in labels or words & {"export", "exports", "ex"}, EXPORT),
        (labels & {"G4", "G13"} or {"input", "taxed"} <= words or "inp" in words, INPUT_TAXED),
        (capital, FREE_CAPITAL),
    )
    return next((kind for holds, kind in rules if holds), FREE)


def fit_score(odoo, xero, odoo_words=frozenset(), xero_name="", xero_report=""):
    """How well a Xero rate of kind ``xero`` fits an Odoo tax of kind ``odoo``: 0 does not fit,
    higher is better (3 a match, 2 the next best, 1 a suggestion only). Where a country keeps
    two rates of one kind, the Odoo tax's own words (``odoo_words``) decide: zero-rated or
    exempt (UK), domestic or international reverse charge (UK)."""
    fits = FITS.get(odoo, ())
    if xero in fits:
        score = 3 - fits.index(xero)
        if xero == FREE and ("exempt" in _words(xero_name)) == ("exempt" in odoo_words):
            score += 0.5
        if xero == REVERSE_CHARGE and (xero_report or "").upper().startswith("DRCHARGE") == (
            "domestic" in odoo_words or xero_report.upper() == "DRCHARGESUPPLY"
        ):
            score += 0.5
        return score
    if xero in SUGGESTED.get(odoo, ()):
        return 1
    return 0
