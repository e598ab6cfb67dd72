"""Odoo's copy of one Xero organisation's lists: contacts, items, tax rates, accounts, tracking
categories and currencies (M-Power's "Xero cache"). Forms and mappings read these records
instead of asking Xero every time; ``xero.tenant._refresh_cache`` is the only writer.

Each model turns one Xero JSON document (Xero's own PascalCase keys, as the Accounting API
answers) into field values in ``_xero_vals``; the mixin's ``_xero_upsert`` writes a page of them
in bulk. What Xero archived or deleted stays in the cache, archived (``active=False``), so
that links made to it earlier keep pointing somewhere."""

from odoo import Command, api, fields, models
from odoo.tools import float_compare

from ..utils import parse_xero_datetime


def _plain(value):
    """A field value in comparable form: records as ids, empty as False."""
    if isinstance(value, models.BaseModel):
        return value.id or False
    return value if value not in (None, "") else False


def _text(value):
    """Xero leaves fields out or sends empty strings; the cache stores both as empty."""
    if value is None:
        return False
    value = str(value).strip()
    return value or False


class XeroCacheMixin(models.AbstractModel):
    """What every cached Xero list shares: which organisation, Xero's key, Xero's status, and
    the bulk upsert the refresh uses."""

    _name = "xero.cache.mixin"
    _description = "Xero cache record"
    _order = "name, id"

    # Xero statuses that mean "no longer in use": the record stays, archived.
    _xero_inactive_statuses = ("ARCHIVED", "DELETED")

    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", required=True, ondelete="cascade", index=True, readonly=True
    )
    xero_id = fields.Char("Xero id", required=True, readonly=True, help="Xero's identifier (GUID or code).")
    name = fields.Char(readonly=True)
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Cleared when Xero archived or deleted the record: it stays, archived.",
    )
    xero_status = fields.Char("Xero status", readonly=True)
    xero_updated_at = fields.Datetime("Changed in Xero", readonly=True, help="Xero's UpdatedDateUTC.")
    company_ids = fields.One2many(related="tenant_id.company_ids", string="Companies")

    _sql_constraints = [
        (
            "xero_id_tenant_unique",
            "unique(tenant_id, xero_id)",
            "A Xero record is cached once per organisation.",
        )
    ]

    # ------------------------------------------------------------------------------------
    # Mapping: Xero JSON -> values
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_vals(self, doc):
        """Field values for one Xero document; must include ``xero_id``. One2many values are
        plain lists of dicts (the children's values), compared and replaced as a whole."""
        raise NotImplementedError

    @api.model
    def _xero_common_vals(self, xero_id, doc, status=None):
        status = status if status is not None else doc.get("Status")
        return {
            "xero_id": str(xero_id),
            "xero_status": _text(status),
            "active": (status or "").upper() not in self._xero_inactive_statuses,
            "xero_updated_at": parse_xero_datetime(doc.get("UpdatedDateUTC")),
        }

    # ------------------------------------------------------------------------------------
    # Bulk upsert
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_new_stats(self):
        return {"created": 0, "updated": 0, "archived": 0, "unchanged": 0}

    @api.model
    def _xero_upsert(self, tenant, docs, stats=None, seen=None, extra_vals=None):
        """Create or update the cache records of ``tenant`` for these Xero documents: one
        search, one ``create`` of a list for the new ones, and writes only for records whose
        values differ (Odoo's flush then batches the UPDATEs). ``stats`` counts created,
        updated, archived and unchanged records; ``seen`` collects the Xero ids met (to archive
        what a complete list no longer contains). Returns the latest UpdatedDateUTC met, as a
        naive UTC datetime, or False."""
        stats = stats if stats is not None else self._xero_new_stats()
        by_id = {}
        for doc in docs:
            vals = self._xero_vals(doc)
            if extra_vals:
                vals.update(extra_vals(doc))
            by_id[vals["xero_id"]] = vals
        if seen is not None:
            seen.update(by_id)
        newest = max(
            (v["xero_updated_at"] for v in by_id.values() if v.get("xero_updated_at")), default=False
        )
        if not by_id:
            return newest
        records = self.with_context(active_test=False).search(
            [("tenant_id", "=", tenant.id), ("xero_id", "in", list(by_id))]
        )
        to_create = []
        existing = {record.xero_id: record for record in records}
        for xero_id, vals in by_id.items():
            record = existing.get(xero_id)
            if not record:
                to_create.append(dict(self._xero_commands(vals, create=True), tenant_id=tenant.id))
                stats["created"] += 1
                continue
            changes = self._xero_changes(record, vals)
            if not changes:
                stats["unchanged"] += 1
                continue
            stats["archived" if changes.get("active") is False else "updated"] += 1
            record.write(self._xero_commands(changes, create=False))
        if to_create:
            self.create(to_create)
        return newest

    @api.model
    def _xero_archive_missing(self, tenant, seen, stats=None, domain=None):
        """A complete list from Xero no longer holds these records: Xero deleted them. They
        stay in the cache, archived."""
        gone = self.search(
            [("tenant_id", "=", tenant.id), ("xero_id", "not in", list(seen)), *(domain or [])]
        )
        if gone:
            gone.write({"active": False, "xero_status": "DELETED"})
            if stats is not None:
                stats["archived"] += len(gone)
        return gone

    @api.model
    def _xero_changes(self, record, vals):
        """The subset of ``vals`` that differs from what ``record`` holds (empty when nothing
        changed, so unchanged records cost no write)."""
        changes = {}
        for name, value in vals.items():
            field = self._fields[name]
            current = record[name]
            if field.type == "one2many":
                keys = sorted({key for row in value for key in row})
                current_rows = [{key: _plain(child[key]) for key in keys} for child in current]
                if current_rows != [{key: _plain(row.get(key)) for key in keys} for row in value]:
                    changes[name] = value
            elif self._xero_differs(field, current, value):
                changes[name] = value
        return changes

    def _xero_differs(self, field, current, value):
        if field.type == "many2one":
            return (current.id if isinstance(current, models.BaseModel) else current or False) != (
                value or False
            )
        if field.type == "float":
            digits = field.get_digits(self.env)
            precision = digits[1] if digits else 6
            return float_compare(current or 0.0, value or 0.0, precision_digits=precision) != 0
        if field.type == "boolean":
            return bool(current) != bool(value)
        return (current or False) != (value or False)

    @api.model
    def _xero_commands(self, vals, create):
        """One2many values (lists of dicts) as ORM commands: replace the children wholesale."""
        result = {}
        for name, value in vals.items():
            if self._fields[name].type == "one2many":
                commands = [] if create else [Command.clear()]
                result[name] = commands + [Command.create(child) for child in value]
            else:
                result[name] = value
        return result


# ----------------------------------------------------------------------------------------
# Contacts
# ----------------------------------------------------------------------------------------
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


class XeroContactPerson(models.Model):
    """One of a Xero contact's (up to five) contact persons. Xero gives them no id, so a
    refresh replaces a contact's persons whenever they changed."""

    _name = "xero.contact.person"
    _description = "Xero Contact Person (cache)"
    _order = "contact_id, id"

    contact_id = fields.Many2one("xero.contact", required=True, ondelete="cascade", index=True, readonly=True)
    tenant_id = fields.Many2one(related="contact_id.tenant_id", string="Organisation")
    first_name = fields.Char(readonly=True)
    last_name = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    include_in_emails = fields.Boolean(readonly=True, help="Xero copies this person on emailed documents.")

    @api.depends("first_name", "last_name", "email")
    def _compute_display_name(self):
        for person in self:
            name = " ".join(filter(None, [person.first_name, person.last_name]))
            person.display_name = name or person.email or ""


# ----------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------
class XeroItem(models.Model):
    """A Xero item ("product or service"), with the account and tax type Xero uses for it on
    each side."""

    _name = "xero.item"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Item (cache)"
    _order = "code, id"
    _rec_names_search = ["code", "name"]

    code = fields.Char(size=30, readonly=True, index=True, help="Xero's item code (at most 30 characters).")
    description = fields.Text("Sales description", readonly=True)
    purchase_description = fields.Text(readonly=True)
    is_sold = fields.Boolean(readonly=True)
    is_purchased = fields.Boolean(readonly=True)
    is_tracked_as_inventory = fields.Boolean(readonly=True)
    sales_account_code = fields.Char(readonly=True)
    sales_tax_type = fields.Char(readonly=True)
    sales_unit_price = fields.Float(digits=(16, 4), readonly=True)
    purchase_account_code = fields.Char(
        readonly=True, help="For items tracked as inventory: the COGS account."
    )
    purchase_tax_type = fields.Char(readonly=True)
    purchase_unit_price = fields.Float(digits=(16, 4), readonly=True)
    inventory_asset_account_code = fields.Char(readonly=True)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = (
                f"[{item.code}] {item.name}" if item.name and item.name != item.code else item.code
            )

    @api.model
    def _xero_vals(self, doc):
        sales = doc.get("SalesDetails") or {}
        purchases = doc.get("PurchaseDetails") or {}
        vals = self._xero_common_vals(doc["ItemID"], doc, status="")
        vals.update(
            code=_text(doc.get("Code")),
            name=_text(doc.get("Name")) or _text(doc.get("Code")),
            description=_text(doc.get("Description")),
            purchase_description=_text(doc.get("PurchaseDescription")),
            is_sold=bool(doc.get("IsSold")),
            is_purchased=bool(doc.get("IsPurchased")),
            is_tracked_as_inventory=bool(doc.get("IsTrackedAsInventory")),
            sales_account_code=_text(sales.get("AccountCode")),
            sales_tax_type=_text(sales.get("TaxType")),
            sales_unit_price=float(sales.get("UnitPrice") or 0.0),
            purchase_account_code=_text(purchases.get("AccountCode") or purchases.get("COGSAccountCode")),
            purchase_tax_type=_text(purchases.get("TaxType")),
            purchase_unit_price=float(purchases.get("UnitPrice") or 0.0),
            inventory_asset_account_code=_text(doc.get("InventoryAssetAccountCode")),
        )
        return vals


# ----------------------------------------------------------------------------------------
# Tax rates
# ----------------------------------------------------------------------------------------
class XeroTaxRate(models.Model):
    """A Xero tax rate, keyed by its tax type (OUTPUT, INPUT, TAX001...)."""

    _name = "xero.tax.rate"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tax Rate (cache)"
    _rec_names_search = ["name", "xero_id"]

    tax_type = fields.Char(related="xero_id", string="Tax type")
    report_tax_type = fields.Char(readonly=True)
    effective_rate = fields.Float("Rate (%)", digits=(16, 4), readonly=True)
    display_tax_rate = fields.Float("Displayed rate (%)", digits=(16, 4), readonly=True)
    can_apply_to_revenue = fields.Boolean(readonly=True)
    can_apply_to_expenses = fields.Boolean(readonly=True)
    can_apply_to_assets = fields.Boolean(readonly=True)
    can_apply_to_liabilities = fields.Boolean(readonly=True)
    can_apply_to_equity = fields.Boolean(readonly=True)

    @api.depends("name", "xero_id")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = f"{rate.name} ({rate.xero_id})" if rate.name else rate.xero_id

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TaxType"], doc)
        vals.update(
            name=_text(doc.get("Name")),
            report_tax_type=_text(doc.get("ReportTaxType")),
            effective_rate=float(doc.get("EffectiveRate") or 0.0),
            display_tax_rate=float(doc.get("DisplayTaxRate") or 0.0),
            can_apply_to_revenue=bool(doc.get("CanApplyToRevenue")),
            can_apply_to_expenses=bool(doc.get("CanApplyToExpenses")),
            can_apply_to_assets=bool(doc.get("CanApplyToAssets")),
            can_apply_to_liabilities=bool(doc.get("CanApplyToLiabilities")),
            can_apply_to_equity=bool(doc.get("CanApplyToEquity")),
        )
        return vals


# ----------------------------------------------------------------------------------------
# Accounts
# ----------------------------------------------------------------------------------------
class XeroAccount(models.Model):
    """An account of the organisation's chart of accounts in Xero."""

    _name = "xero.account"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Account (cache)"
    _order = "code, name, id"
    _rec_names_search = ["code", "name"]

    code = fields.Char(readonly=True, index=True)
    account_type = fields.Char("Type", readonly=True, help="Xero's account type: BANK, REVENUE, EXPENSE...")
    account_class = fields.Char("Class", readonly=True, help="ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE.")
    is_bank = fields.Boolean("Bank account", readonly=True)
    enable_payments_to_account = fields.Boolean(
        "Payments allowed", readonly=True, help="Xero accepts payments into this (non-bank) account."
    )
    bank_account_number = fields.Char(readonly=True)
    currency_code = fields.Char(readonly=True)
    tax_type = fields.Char("Default tax type", readonly=True)
    system_account = fields.Char(
        readonly=True, help="DEBTORS, CREDITORS, GST...: accounts Xero posts itself."
    )
    description = fields.Text(readonly=True)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for account in self:
            account.display_name = " ".join(filter(None, [account.code, account.name]))

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["AccountID"], doc)
        account_type = _text(doc.get("Type"))
        vals.update(
            code=_text(doc.get("Code")),
            name=_text(doc.get("Name")),
            account_type=account_type,
            account_class=_text(doc.get("Class")),
            is_bank=account_type == "BANK",
            enable_payments_to_account=bool(doc.get("EnablePaymentsToAccount")),
            bank_account_number=_text(doc.get("BankAccountNumber")),
            currency_code=_text(doc.get("CurrencyCode")),
            tax_type=_text(doc.get("TaxType")),
            system_account=_text(doc.get("SystemAccount")),
            description=_text(doc.get("Description")),
        )
        return vals


# ----------------------------------------------------------------------------------------
# Tracking categories
# ----------------------------------------------------------------------------------------
class XeroTrackingCategory(models.Model):
    """A tracking category (Region, Department...): Xero allows two active at a time."""

    _name = "xero.tracking.category"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tracking Category (cache)"

    option_ids = fields.One2many("xero.tracking.option", "category_id", string="Options", readonly=True)

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TrackingCategoryID"], doc)
        vals["name"] = _text(doc.get("Name"))
        return vals


class XeroTrackingOption(models.Model):
    """One option of a tracking category; invoice lines name a category and one of its options."""

    _name = "xero.tracking.option"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Tracking Option (cache)"
    _order = "category_id, name, id"

    category_id = fields.Many2one(
        "xero.tracking.category",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )

    @api.depends("category_id.name", "name")
    def _compute_display_name(self):
        for option in self:
            option.display_name = f"{option.category_id.name} / {option.name}"

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["TrackingOptionID"], doc)
        vals["name"] = _text(doc.get("Name"))
        return vals


# ----------------------------------------------------------------------------------------
# Currencies
# ----------------------------------------------------------------------------------------
class XeroCurrency(models.Model):
    """A currency the organisation is subscribed to in Xero (others are refused on documents:
    "Organisation is not subscribed to currency XXX")."""

    _name = "xero.currency"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Currency (cache)"
    _order = "xero_id"
    _rec_names_search = ["xero_id", "name"]

    code = fields.Char(related="xero_id", string="Code")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, string="Odoo currency", readonly=True
    )

    @api.depends("xero_id")
    def _compute_currency_id(self):
        codes = set(self.mapped("xero_id"))
        currencies = (
            self.env["res.currency"].with_context(active_test=False).search([("name", "in", list(codes))])
        )
        by_code = {currency.name: currency for currency in currencies}
        for record in self:
            record.currency_id = by_code.get(record.xero_id, False)

    @api.depends("xero_id", "name")
    def _compute_display_name(self):
        for currency in self:
            currency.display_name = currency.xero_id

    @api.model
    def _xero_vals(self, doc):
        vals = self._xero_common_vals(doc["Code"], doc, status="")
        vals["name"] = _text(doc.get("Description")) or doc["Code"]
        return vals
