"""The cached Xero contacts of an organisation (customers and suppliers)."""

from odoo import _, api, fields, models

from ..const import PAGE_SIZE
from ..utils import if_modified_since
from .xero_cache_mixin import _text

# A contact cache younger than this is trusted to know every contact name in Xero; older,
# an export also asks Xero by name before creating anything.
CONTACT_CACHE_FRESH_MINUTES = 10


class XeroContact(models.Model):
    """A Xero contact (customer and/or supplier) of one organisation."""

    _name = "xero.contact"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Contact (cache)"
    _rec_names_search = ["name", "contact_number", "email", "account_number"]
    _xero_inactive_statuses = ("ARCHIVED", "DELETED", "GDPRREQUEST")

    contact_status = fields.Char(related="xero_status", string="Contact status")
    first_name = fields.Char(readonly=True)
    last_name = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    contact_number = fields.Char(
        readonly=True, index="btree_not_null", help="Xero's ContactNumber (often an external id)."
    )
    account_number = fields.Char(readonly=True)
    tax_number = fields.Char(readonly=True)
    company_number = fields.Char(readonly=True)
    website = fields.Char(readonly=True)
    default_currency = fields.Char(readonly=True)
    is_customer = fields.Boolean(readonly=True, help="Xero sets it once the contact has a sales document.")
    is_supplier = fields.Boolean(readonly=True, help="Xero sets it once the contact has a bill.")
    phone = fields.Char(readonly=True)
    mobile = fields.Char(readonly=True)
    # POBOX address: where Xero sends invoices and statements.
    billing_street = fields.Char(readonly=True)
    billing_street2 = fields.Char(readonly=True)
    billing_city = fields.Char(readonly=True)
    billing_state = fields.Char(readonly=True)
    billing_zip = fields.Char(readonly=True)
    billing_country = fields.Char(readonly=True)
    # STREET address: where the contact is.
    street = fields.Char(readonly=True)
    street2 = fields.Char(readonly=True)
    city = fields.Char(readonly=True)
    state = fields.Char(readonly=True)
    zip = fields.Char(readonly=True)
    country = fields.Char(readonly=True)
    person_ids = fields.One2many("xero.contact.person", "contact_id", string="Contact persons", readonly=True)
    binding_ids = fields.One2many("xero.partner.binding", "contact_id", string="Partner links", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Odoo partner",
        compute="_compute_partner_id",
        search="_search_partner_id",
        help="The Odoo partner mapped to this contact in its organisation.",
    )

    @api.depends("binding_ids.partner_id")
    def _compute_partner_id(self):
        for contact in self:
            contact.partner_id = contact.binding_ids[:1].partner_id

    def _search_partner_id(self, operator, value):
        return [("binding_ids.partner_id", operator, value)]

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["ContactID"], doc, status=doc.get("ContactStatus"))
        vals.update(
            name=_text(doc.get("Name")),
            first_name=_text(doc.get("FirstName")),
            last_name=_text(doc.get("LastName")),
            email=_text(doc.get("EmailAddress")),
            contact_number=_text(doc.get("ContactNumber")),
            account_number=_text(doc.get("AccountNumber")),
            tax_number=_text(doc.get("TaxNumber")),
            company_number=_text(doc.get("CompanyNumber")),
            website=_text(doc.get("Website")),
            default_currency=_text(doc.get("DefaultCurrency")),
            is_customer=bool(doc.get("IsCustomer")),
            is_supplier=bool(doc.get("IsSupplier")),
        )
        phones = {(p.get("PhoneType") or "").upper(): p for p in doc.get("Phones") or []}
        vals["phone"] = _phone(phones.get("DEFAULT"))
        vals["mobile"] = _phone(phones.get("MOBILE"))
        addresses = {(a.get("AddressType") or "").upper(): a for a in doc.get("Addresses") or []}
        vals.update(_address(addresses.get("POBOX"), prefix="billing_"))
        vals.update(_address(addresses.get("STREET"), prefix=""))
        vals["person_ids"] = [
            {
                "first_name": _text(p.get("FirstName")),
                "last_name": _text(p.get("LastName")),
                "email": _text(p.get("EmailAddress")),
                "include_in_emails": bool(p.get("IncludeInEmails")),
            }
            for p in doc.get("ContactPersons") or []
        ]
        return vals

    # ------------------------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_refresh(self, tenant, full):
        """Every contact changed since the last refresh, archived ones included, 1,000 a page.
        Stops at the page count Xero's pagination block gives (or, without one, at the first
        page holding fewer than 1,000)."""
        tenant.ensure_one()
        Contact = self
        since = False if full else tenant.xero_cache_contacts_synced_at
        stats = dict(Contact._xero_new_stats(), calls=0)
        seen = set()
        newest = since
        page = 1
        while True:
            params = {"page": page, "page_size": PAGE_SIZE, "include_archived": True}
            if since:
                params["if_modified_since"] = if_modified_since(since)
            body = tenant._xero_call(
                _("reading contacts (page %(page)s)", page=page), "get_contacts", params=params
            )
            stats["calls"] += 1
            docs = body.get("Contacts") or []
            newest = max(
                filter(None, [newest, Contact._xero_upsert(tenant, docs, stats, seen)]), default=False
            )
            page_count = (body.get("pagination") or {}).get("pageCount")
            if len(docs) < PAGE_SIZE or (page_count is not None and page >= page_count):
                break
            page += 1
        if not since:
            Contact._xero_archive_missing(tenant, seen, stats)
        values = {"xero_contacts_refreshed_at": fields.Datetime.now()}
        if newest:
            values["xero_cache_contacts_synced_at"] = newest
        self._xero_stamp(tenant, values)
        return stats

    @api.model
    def _xero_cache_is_fresh(self, tenant):
        """Whether the contact cache of ``tenant`` may be trusted to know every name in Xero
        right now."""
        tenant.ensure_one()
        refreshed = tenant.xero_contacts_refreshed_at  # Xero users, or the export as superuser
        return bool(refreshed) and (fields.Datetime.now() - refreshed).total_seconds() < (
            CONTACT_CACHE_FRESH_MINUTES * 60
        )


def _phone(phone):
    """Xero keeps country code, area code and number apart; one line for display and search."""
    if not phone or not _text(phone.get("PhoneNumber")):
        return False
    country = _text(phone.get("PhoneCountryCode"))
    parts = [
        f"+{country.lstrip('+')}" if country else None,
        _text(phone.get("PhoneAreaCode")),
        phone["PhoneNumber"],
    ]
    return " ".join(part.strip() for part in parts if part)


def _address(address, prefix):
    address = address or {}
    extra_lines = [_text(address.get(f"AddressLine{n}")) for n in (2, 3, 4)]
    return {
        f"{prefix}street": _text(address.get("AddressLine1")),
        f"{prefix}street2": ", ".join(line for line in extra_lines if line) or False,
        f"{prefix}city": _text(address.get("City")),
        f"{prefix}state": _text(address.get("Region")),
        f"{prefix}zip": _text(address.get("PostalCode")),
        f"{prefix}country": _text(address.get("Country")),
    }
