"""Xero contacts → partners (MRPeasy's import of customers and vendors): the organisation's
cached contacts no partner is mapped to become partners, or are linked to the partner they
match (name, VAT, email: one SQL query per batch); nothing is imported twice."""

from collections import defaultdict

from odoo import _, api, models
from odoo.tools import SQL, split_every

from ..const import PAGE_SIZE
from .res_partner import _norm, _norm_vat

# Contacts turned into partners per batch: one cache page.
IMPORT_BATCH_SIZE = PAGE_SIZE


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------------------------
    # Import: Xero contacts → partners (new ones only)
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_import_contacts(self, tenant, batch_size=IMPORT_BATCH_SIZE):
        """Turn the cached active contacts of ``tenant`` that no partner is mapped to into
        partners: a partner matching by name (case-insensitive), VAT or email is linked
        (archived ones too, reported, not reactivated); the others are created with their
        persons and addresses. A few queries per batch of 1,000, none per contact.

        Returns {"created", "linked", "skipped", "archived_matches": partners, "conflicts":
        [messages]}."""
        # A manager of the organisation: its cache and links are theirs to read (access rights).
        self.env["xero.access"]._xero_check_access("manager", tenant)
        Contact = self.env["xero.contact"].with_context(active_test=False)
        stats = {"created": 0, "linked": 0, "skipped": 0, "archived_matches": self.browse(), "conflicts": []}
        stats["skipped"] = Contact.search_count(
            [("tenant_id", "=", tenant.id), "|", ("active", "=", False), ("binding_ids", "!=", False)]
        )
        contacts = Contact.search(
            [("tenant_id", "=", tenant.id), ("active", "=", True), ("binding_ids", "=", False)], order="id"
        )
        if not contacts:
            return stats
        bound = {
            row["partner_id"][0]
            for row in self.env["xero.partner.binding"].search_read(
                [("tenant_id", "=", tenant.id), ("contact_id", "!=", False)], ["partner_id"]
            )
        }
        geo = self._xero_geo_index()
        company_ids = tenant.company_ids.ids
        for batch in split_every(batch_size, contacts.ids, Contact.browse):
            self._xero_import_batch(tenant, batch, bound, geo, company_ids, stats)
        return stats

    @api.model
    def _xero_geo_index(self):
        """Countries and states by code and name (English and the user's language), so
        addresses resolve without a query per contact."""
        countries, states = {}, {}
        for lang in {"en_US", self.env.lang or "en_US"}:
            for country in self.env["res.country"].with_context(lang=lang).search_read([], ["code", "name"]):
                countries[_norm(country["name"])] = country["id"]
                countries[_norm(country["code"])] = country["id"]
        for state in self.env["res.country.state"].search_read([], ["code", "name", "country_id"]):
            for key in (state["code"], state["name"]):
                states[(state["country_id"][0], _norm(key))] = state["id"]
                states.setdefault((False, _norm(key)), state["id"])
        return countries, states

    @api.model
    def _xero_import_batch(self, tenant, contacts, bound, geo, company_ids, stats):
        Binding = self.env["xero.partner.binding"]
        rows = contacts.read(
            [
                "name",
                "first_name",
                "last_name",
                "email",
                "tax_number",
                "phone",
                "mobile",
                "is_customer",
                "is_supplier",
                *[f"{prefix}{key}" for prefix in ("", "billing_") for key in _ADDRESS_KEYS],
            ]
        )
        persons = defaultdict(list)
        for person in self.env["xero.contact.person"].search_read(
            [("contact_id", "in", contacts.ids)], ["contact_id", "first_name", "last_name", "email"]
        ):
            persons[person["contact_id"][0]].append(person)
        matches = self._xero_import_matches(rows, company_ids)
        bindings, new_rows = [], []
        for row in rows:
            partner = matches.get(row["id"])
            if partner is None:
                new_rows.append(row)
                continue
            if partner.id in bound:
                stats["skipped"] += 1
                stats["conflicts"].append(
                    _(
                        "%(contact)s matches %(partner)s, already mapped to another Xero contact: not imported.",
                        contact=row["name"],
                        partner=partner.display_name,
                    )
                )
                continue
            bound.add(partner.id)
            bindings.append({"partner_id": partner.id, "tenant_id": tenant.id, "contact_id": row["id"]})
            stats["linked"] += 1
            if not partner.active:
                stats["archived_matches"] |= partner
        if new_rows:
            created = self._xero_create_partners(new_rows, persons, geo)
            for row, partner in zip(new_rows, created, strict=True):
                bound.add(partner.id)
                bindings.append({"partner_id": partner.id, "tenant_id": tenant.id, "contact_id": row["id"]})
            stats["created"] += len(created)
        existing = {
            b.partner_id.id: b
            for b in Binding.search(
                [("tenant_id", "=", tenant.id), ("partner_id", "in", [v["partner_id"] for v in bindings])]
            )
        }
        to_create = []
        for values in bindings:
            binding = existing.get(values["partner_id"])
            if binding:  # an export that failed earlier left an empty binding
                binding.write({"contact_id": values["contact_id"], "last_error": False})
            else:
                to_create.append(values)
        Binding.create(to_create)
        self.env.flush_all()

    @api.model
    def _xero_import_matches(self, rows, company_ids):
        """{contact id: partner} for contacts that match a commercial partner visible to the
        organisation's companies, archived ones included: by name, else VAT, else email.
        One query for the whole batch."""
        names = {_norm(row["name"]) for row in rows if row["name"]}
        emails = {_norm(row["email"]) for row in rows if row["email"]}
        vats = {_norm_vat(row["tax_number"]) for row in rows if _norm_vat(row["tax_number"])}
        self.flush_model(["name", "email_normalized", "vat", "parent_id", "company_id", "active"])
        self.env.cr.execute(
            SQL(
                """SELECT id, lower(trim(name)), email_normalized,
                          upper(regexp_replace(coalesce(vat, ''), '[^[:alnum:]]', '', 'g')), active
                     FROM res_partner
                    WHERE parent_id IS NULL
                      AND (company_id IS NULL OR company_id = ANY(%s))
                      AND (lower(trim(name)) = ANY(%s) OR email_normalized = ANY(%s)
                           OR upper(regexp_replace(coalesce(vat, ''), '[^[:alnum:]]', '', 'g')) = ANY(%s))
                 ORDER BY active DESC, id""",
                company_ids,
                list(names),
                list(emails),
                list(vats),
            )
        )
        by_name, by_vat, by_email = {}, {}, {}
        for partner_id, name, email, vat, _active in self.env.cr.fetchall():
            by_name.setdefault(name, partner_id)
            if email:
                by_email.setdefault(email, partner_id)
            if vat:
                by_vat.setdefault(vat, partner_id)
        result = {}
        for row in rows:
            partner_id = (
                by_name.get(_norm(row["name"]))
                or by_vat.get(_norm_vat(row["tax_number"]) or None)
                or by_email.get(_norm(row["email"]) or None)
            )
            if partner_id:
                result[row["id"]] = partner_id
        partners = self.with_context(active_test=False).browse(set(result.values()))
        partners.fetch(["active", "display_name"])
        return {
            contact_id: self.with_context(active_test=False).browse(pid) for contact_id, pid in result.items()
        }

    @api.model
    def _xero_create_partners(self, rows, persons, geo):
        """Create partners for these contact rows, with a child per person and an invoice
        address when Xero's POBOX address differs from the street one; two batched creates.

        Children are created with their parent's address and VAT already set and Odoo's
        per-record parent → child sync skipped: the values are known here, and that sync would
        cost a handful of queries for every child."""
        quiet = self.with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            _partners_skip_fields_sync=True,
        )
        parent_vals = []
        for row in rows:
            address = _address_vals(row, "" if row["street"] or row["city"] else "billing_", geo)
            first_last = " ".join(filter(None, [row["first_name"], row["last_name"]]))
            is_company = bool(persons.get(row["id"])) or _norm(first_last) != _norm(row["name"])
            parent_vals.append(
                {
                    "name": row["name"],
                    "is_company": is_company,
                    "email": row["email"],
                    "phone": row["phone"],
                    "mobile": row["mobile"],
                    "vat": row["tax_number"],
                    "customer_rank": 1 if row["is_customer"] else 0,
                    "supplier_rank": 1 if row["is_supplier"] else 0,
                    **address,
                }
            )
        partners = quiet.create(_with_defaults(quiet, parent_vals))
        child_vals = []
        for row, partner, values in zip(rows, partners, parent_vals, strict=True):
            address = {key: values[key] for key in _PARTNER_ADDRESS_FIELDS if key in values}
            common = {"parent_id": partner.id, "vat": values["vat"], "is_company": False}
            for person in persons.get(row["id"], []):
                name = " ".join(filter(None, [person["first_name"], person["last_name"]])) or person["email"]
                child_vals.append(
                    {**common, **address, "type": "contact", "name": name, "email": person["email"]}
                )
            billing = _address_vals(row, "billing_", geo)
            if row["street"] and billing and any(billing.get(k) != values.get(k) for k in billing):
                child_vals.append({**common, "type": "invoice", **billing})
        if child_vals:
            quiet.create(_with_defaults(quiet, child_vals))
        return partners


def _with_defaults(model, vals_list):
    """``vals_list`` with the model's defaults filled in once for the whole batch: ``create``
    asks for the missing defaults record by record, and some run a query each time (account's
    invoice-template default counts reports for every partner)."""
    defaults = model._add_missing_default_values({})
    return [{**defaults, **vals} for vals in vals_list]


_ADDRESS_KEYS = ("street", "street2", "city", "state", "zip", "country")
_PARTNER_ADDRESS_FIELDS = ("street", "street2", "city", "zip", "state_id", "country_id")


def _address_vals(row, prefix, geo):
    """Partner address fields from a cache row's address (``prefix`` "" for STREET,
    "billing_" for POBOX), country and state resolved by code or name."""
    countries, states = geo
    country_id = countries.get(_norm(row[f"{prefix}country"])) if row[f"{prefix}country"] else False
    state_id = False
    if row[f"{prefix}state"]:
        state_id = states.get((country_id or False, _norm(row[f"{prefix}state"])))
    values = {
        "street": row[f"{prefix}street"],
        "street2": row[f"{prefix}street2"],
        "city": row[f"{prefix}city"],
        "zip": row[f"{prefix}zip"],
        "country_id": country_id or False,
        "state_id": state_id or False,
    }
    return {key: value for key, value in values.items() if value}
