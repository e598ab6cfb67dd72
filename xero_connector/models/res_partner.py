"""Partners ↔ Xero contacts: mapping, export (create or link), update and import.

Public API for other parts of the connector (invoice export builds on it):

- ``partner._xero_contact(tenant)``: the ``xero.contact`` mapped to the partner's commercial
  entity in that organisation, or an empty recordset;
- ``partner._xero_map_contact(tenant, contact)``: remember (or, with an empty contact, forget)
  that link;
- ``partners._xero_export_contacts(tenant)``: link or create in Xero, returns one result per
  partner.

Seeds: M-Power maps each company to one Xero contact ("Not Selected" until then, "Export
Company to Xero"); Momentus Elite matches by name and email, else creates; Connec! sends up to
five persons and the addresses; MRPeasy imports new customers and vendors only."""

import logging
from collections import defaultdict

from xero_python.accounting import CurrencyCode

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every

from ..utils import where_text

_logger = logging.getLogger(__name__)

EXPORT_BATCH_SIZE = 50  # Xero's documented batch size for writes
LOOKUP_BATCH_SIZE = 20  # names per `where` filter: keeps the URL short
IMPORT_BATCH_SIZE = 1000
MAX_CONTACT_PERSONS = 5  # Xero keeps at most five persons per contact
NAME_CLASH = "already assigned to another contact"  # Xero's message for a duplicate name


# Xero JSON keys → xero-python model classes, for the nested parts of a contact.
def _norm(text):
    return (text or "").strip().lower()


def _norm_vat(text):
    return "".join(ch for ch in (text or "") if ch.isalnum()).upper()


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_binding_ids = fields.One2many(
        "xero.partner.binding",
        "partner_id",
        string="Xero contacts",
        help="This partner's contact in each Xero organisation.",
    )

    # ------------------------------------------------------------------------------------
    # Public API: mapping
    # ------------------------------------------------------------------------------------
    def _xero_contact(self, tenant):
        """The Xero contact mapped to this partner's commercial entity in ``tenant`` (empty
        when none). Read as superuser: invoice users need the answer without Xero rights."""
        if not self or not tenant:
            return self.env["xero.contact"]
        self.ensure_one()
        binding = (
            self.env["xero.partner.binding"]
            .sudo()
            .search(
                [("partner_id", "=", self.commercial_partner_id.id), ("tenant_id", "=", tenant.id)], limit=1
            )
        )
        return binding.contact_id.with_env(self.env)

    def _xero_map_contact(self, tenant, contact):
        """Map this partner's commercial entity to ``contact`` in ``tenant`` (an empty
        ``contact`` forgets the link). A contact maps to one partner only."""
        self.ensure_one()
        self._xero_check_user()
        partner = self.commercial_partner_id
        if contact:
            contact.ensure_one()
            if contact.sudo().tenant_id != tenant:
                raise UserError(
                    _(
                        "The Xero contact %(contact)s belongs to another organisation than %(org)s.",
                        contact=contact.sudo().name,
                        org=tenant.name,
                    )
                )
            other = (
                self.env["xero.partner.binding"]
                .sudo()
                .search([("contact_id", "=", contact.id), ("partner_id", "!=", partner.id)], limit=1)
            )
            if other:
                raise UserError(
                    _(
                        "The Xero contact %(contact)s of %(org)s is already mapped to %(partner)s. "
                        "Unmap it there first, or pick another contact.",
                        contact=contact.sudo().name,
                        org=tenant.name,
                        partner=other.partner_id.display_name,
                    )
                )
        binding = partner._xero_bindings(tenant)[partner.id]
        if binding.contact_id == contact:
            return binding
        binding.write({"contact_id": contact.id, "last_error": False})
        if contact:
            body = _(
                "Mapped to the Xero contact %(contact)s in %(org)s.",
                contact=contact.sudo().name,
                org=tenant.name,
            )
        else:
            body = _("No longer mapped to a Xero contact in %(org)s.", org=tenant.name)
        partner.message_post(body=body)
        return binding

    def _xero_bindings(self, tenant):
        """{commercial partner id: binding} in ``tenant``, creating the missing ones."""
        partners = self.commercial_partner_id
        Binding = self.env["xero.partner.binding"]
        bindings = Binding.search([("tenant_id", "=", tenant.id), ("partner_id", "in", partners.ids)])
        result = {binding.partner_id.id: binding for binding in bindings}
        missing = [partner.id for partner in partners if partner.id not in result]
        if missing:
            for binding in Binding.create([{"partner_id": pid, "tenant_id": tenant.id} for pid in missing]):
                result[binding.partner_id.id] = binding
        return result

    def _xero_check_user(self):
        if not self.env.su and not self.env.user.has_group("xero_connector.group_xero_user"):
            raise AccessError(_("Only Xero users may export, update or map contacts in Xero."))

    def _xero_tenant_groups(self):
        """{tenant: commercial partners}: the organisation in the context (a document's), else
        the partner's company's, else the current company's."""
        Tenant = self.env["xero.tenant"]
        tenant_id = self.env.context.get("xero_tenant_id")
        if tenant_id:
            return {Tenant.browse(tenant_id): self.commercial_partner_id}
        groups = defaultdict(lambda: self.browse())
        for partner in self.commercial_partner_id:
            company = partner.company_id or self.env.company
            if not company.xero_tenant_id:
                raise UserError(
                    _(
                        "The company %(company)s has no Xero organisation: choose one in Settings > "
                        "Accounting > Xero.",
                        company=company.name,
                    )
                )
            groups[company.xero_tenant_id] |= partner
        return groups

    # ------------------------------------------------------------------------------------
    # Payload: partner → Xero contact (plain JSON, Xero's keys)
    # ------------------------------------------------------------------------------------
    def _xero_contact_number(self):
        """A stable Odoo reference Xero keeps as ContactNumber, so a create whose answer was
        lost is recognised later: ODOO-<first 8 of the database uuid>-<partner id>."""
        self.ensure_one()
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"ODOO-{uuid[:8]}-{self.id}"[:50]

    def _xero_main_person(self):
        """(first name, last name) of the main person: the first child contact, or the
        partner's own name split for an individual."""
        self.ensure_one()
        child = self.child_ids.filtered(lambda c: c.type == "contact" and c.name).sorted("id")[:1]
        if child:
            name = child.name
        elif not self.is_company:
            name = self.name
        else:
            return False, False
        first, _sep, last = (name or "").strip().rpartition(" ")
        return (first, last) if first else (last, False)

    def _xero_persons(self):
        """Child contacts with an email, in creation order: (the five Xero keeps, the rest)."""
        self.ensure_one()
        people = self.child_ids.filtered(lambda c: c.type == "contact" and c.email).sorted("id")
        return people[:MAX_CONTACT_PERSONS], people[MAX_CONTACT_PERSONS:]

    @api.model
    def _xero_address(self, partner, address_type):
        values = {
            "AddressType": address_type,
            "AddressLine1": partner.street,
            "AddressLine2": partner.street2,
            "City": partner.city,
            "Region": partner.state_id.name,
            "PostalCode": partner.zip,
            "Country": partner.country_id.name,
        }
        return {key: value for key, value in values.items() if value}

    def _xero_currency(self):
        partner = self.with_company(self.company_id or self.env.company)
        currency = partner.property_purchase_currency_id or partner.property_product_pricelist.currency_id
        # Only codes Xero knows (its CurrencyCode list); Xero itself refuses one the
        # organisation is not subscribed to, with its own message.
        return currency.name if currency.name in CurrencyCode._value2member_map_ else False

    def _xero_contact_values(self, contact=None):
        """The Xero contact for this commercial partner, as Xero's JSON. ``contact``: the
        linked Xero contact, for an update (its own ContactNumber is kept)."""
        self.ensure_one()
        first, last = self._xero_main_person()
        kept, _left = self._xero_persons()
        values = {
            "Name": (self.name or "").strip()[:255],
            "FirstName": first and first[:255],
            "LastName": last and last[:255],
            "EmailAddress": self.email,
            "TaxNumber": self.vat and self.vat[:50],
            "DefaultCurrency": self._xero_currency(),
            "ContactNumber": self._xero_contact_number(),
        }
        if contact:
            values["ContactID"] = contact.xero_id
            number = contact.sudo().contact_number
            if number and number != values["ContactNumber"]:
                del values["ContactNumber"]  # the contact's own numbering, set in Xero
        values = {key: value for key, value in values.items() if value}
        phones = [
            {"PhoneType": kind, "PhoneNumber": number[:50]}
            for kind, number in (("DEFAULT", self.phone), ("MOBILE", self.mobile))
            if number
        ]
        if phones:
            values["Phones"] = phones
        invoice_address = self.child_ids.filtered(lambda c: c.type == "invoice").sorted("id")[:1] or self
        addresses = [
            address
            for address in (self._xero_address(invoice_address, "POBOX"), self._xero_address(self, "STREET"))
            if len(address) > 1
        ]
        if addresses:
            values["Addresses"] = addresses
        persons = []
        for person in kept:
            person_first, _sep, person_last = person.name.strip().rpartition(" ")
            persons.append(
                {
                    "FirstName": person_first or person_last,
                    "LastName": person_last if person_first else "",
                    "EmailAddress": person.email,
                    "IncludeInEmails": True,
                }
            )
        if persons or contact:
            values["ContactPersons"] = persons
        return values

    @api.model
    def _xero_idempotency_key(self, tenant, purpose, payloads):
        """The same request (database, organisation, purpose, contents) always carries the same
        key, so a repeat within Xero's 24 hours, even from a later transaction, is answered
        with the first result instead of a second contact."""
        return tenant._xero_key("contacts-" + purpose, payloads)

    # ------------------------------------------------------------------------------------
    # Matching an existing Xero contact
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_cached_candidates(self, tenant, partners):
        """Cached contacts (archived too) whose name or ContactNumber is one of ``partners``'."""
        Contact = self.env["xero.contact"].sudo().with_context(active_test=False)
        Contact.flush_model(["name", "contact_number", "tenant_id"])
        names = list({_norm(p.name) for p in partners})
        numbers = [p._xero_contact_number() for p in partners]
        self.env.cr.execute(
            SQL(
                "SELECT id FROM xero_contact WHERE tenant_id = %s AND (lower(trim(name)) = ANY(%s) "
                "OR contact_number = ANY(%s))",
                tenant.id,
                names,
                numbers,
            )
        )
        return Contact.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _xero_lookup_in_xero(self, tenant, partners):
        """Ask Xero for contacts (archived too) named like ``partners`` or carrying their
        ContactNumber, and write them into the cache: the cache may not know them yet."""
        Contact = self.env["xero.contact"].sudo()
        for batch in split_every(LOOKUP_BATCH_SIZE, partners.ids, self.browse):
            clauses = []
            for partner in batch:
                clauses.append(f"Name=={where_text((partner.name or '').strip())}")
                clauses.append(f"ContactNumber=={where_text(partner._xero_contact_number())}")
            body = tenant._xero_call(
                _("looking for existing contacts"),
                "get_contacts",
                params={"where": " OR ".join(clauses), "include_archived": True},
                records=batch,
            )
            Contact._xero_upsert(tenant, body.get("Contacts") or [])

    def _xero_pick_contact(self, tenant, candidates, taken):
        """(contact to link, error) for this partner among ``candidates``; (False, False) when
        Xero holds no contact of that name: it may be created. ``taken``: {contact id:
        partner} already mapped."""
        self.ensure_one()
        number = self._xero_contact_number()
        ours = candidates.filtered(lambda c: c.contact_number == number)[:1]
        named = candidates.filtered(lambda c: _norm(c.name) == _norm(self.name))
        contact = ours or named.filtered("active")[:1]
        if not contact:
            if named:
                return False, _(
                    "%(partner)s: the Xero contact %(contact)s of %(org)s is archived in Xero: restore it "
                    "there or pick another contact in the Xero contact field.",
                    partner=self.display_name,
                    contact=named[0].name,
                    org=tenant.name,
                )
            return False, False
        owner = taken.get(contact.id)
        if owner and owner != self:
            return False, _(
                "%(partner)s: the Xero contact %(contact)s of %(org)s is already mapped to %(other)s. "
                "Rename one of the partners or map that contact to the right one.",
                partner=self.display_name,
                contact=contact.name,
                org=tenant.name,
                other=owner.display_name,
            )
        if not contact.active:
            return False, _(
                "%(partner)s: the Xero contact %(contact)s of %(org)s is archived in Xero: restore it "
                "there or pick another contact in the Xero contact field.",
                partner=self.display_name,
                contact=contact.name,
                org=tenant.name,
            )
        if contact != ours and self.email and contact.email and _norm(self.email) != _norm(contact.email):
            return False, _(
                "%(partner)s: %(org)s already has a contact named %(contact)s, with the email %(email)s "
                "instead of %(ours)s. Xero contact names are unique: pick that contact in the Xero "
                "contact field if it is the same company, or rename the partner.",
                partner=self.display_name,
                org=tenant.name,
                contact=contact.name,
                email=contact.email,
                ours=self.email,
            )
        return contact, False

    @api.model
    def _xero_taken(self, tenant):
        bindings = (
            self.env["xero.partner.binding"]
            .sudo()
            .search([("tenant_id", "=", tenant.id), ("contact_id", "!=", False)])
        )
        return {binding.contact_id.id: binding.partner_id for binding in bindings}

    # ------------------------------------------------------------------------------------
    # Export: link or create
    # ------------------------------------------------------------------------------------
    def _xero_export_contacts(self, tenant):
        """Link each partner (commercial entity) to its Xero contact in ``tenant``, creating
        the contact where Xero has none of that name; batches of 50 with
        summarize_errors=False, so one invalid partner does not sink the others.

        Returns {partner: {"status": created|linked|skipped|error, "message": str,
        "contact": xero.contact}}; each outcome is written on the partner's binding and in
        its chatter."""
        self._xero_check_user()
        partners = self.commercial_partner_id
        results = {}
        bindings = partners._xero_bindings(tenant)
        todo = self.browse()
        for partner in partners:
            contact = bindings[partner.id].contact_id
            if contact:
                results[partner] = {
                    "status": "skipped",
                    "contact": contact,
                    "message": _(
                        "already mapped to the Xero contact %(contact)s", contact=contact.sudo().name
                    ),
                }
            else:
                todo |= partner
        nameless = todo.filtered(lambda p: not (p.name or "").strip())
        for partner in nameless:
            results[partner] = {"status": "error", "message": _("a Xero contact needs a name")}
        todo -= nameless

        # 1. An existing contact of that name (and email), in the cache or, if stale, in Xero.
        if todo and not self.env["xero.contact"]._xero_cache_is_fresh(tenant):
            self._xero_lookup_in_xero(tenant, todo)
        to_create = todo._xero_link_existing(tenant, results)

        # 2. Create the others, 50 per call.
        clashes = self.browse()
        for batch in split_every(EXPORT_BATCH_SIZE, to_create.ids, self.browse):
            clashes |= batch._xero_create_batch(tenant, bindings, results)

        # 3. Xero refused a name the cache did not know: the contact exists after all.
        if clashes:
            self._xero_lookup_in_xero(tenant, clashes)
            for partner in clashes._xero_link_existing(tenant, results):
                results[partner] = {
                    "status": "error",
                    "message": _(
                        "%(partner)s: Xero refused the name as already used, but no contact of that "
                        "name was found: refresh the Xero cache and try again.",
                        partner=partner.display_name,
                    ),
                }
        self._xero_write_back(tenant, bindings, results)
        return results

    def _xero_link_existing(self, tenant, results):
        """Link the partners whose contact exists in the cache; record the errors; return the
        partners for which Xero has no contact of that name."""
        candidates = self._xero_cached_candidates(tenant, self)
        taken = self._xero_taken(tenant)
        rest = self.browse()
        for partner in self:
            contact, error = partner._xero_pick_contact(tenant, candidates, taken)
            if error:
                results[partner] = {"status": "error", "message": error}
            elif contact:
                taken[contact.id] = partner
                results[partner] = {"status": "linked", "contact": contact}
            else:
                rest |= partner
        return rest

    def _xero_send_contacts(self, tenant, method, operation, payloads, bindings, results):
        """One call with these partners' contacts (≤ 50), summarize_errors=false, under an
        Idempotency-Key stored on their bindings first. Returns Xero's elements in the order
        sent, or None when the whole call failed (each partner's error is in ``results``)."""
        key = self._xero_idempotency_key(tenant, method, payloads)
        for partner in self:
            bindings[partner.id].export_key = key
        self.env["xero.partner.binding"].flush_model()
        try:
            body = tenant._xero_call(operation, method, body={"Contacts": payloads}, key=key, records=self)
        except UserError as error:
            # No answer, a rate limit or a server error: trying again later may succeed.
            retry = getattr(error, "status", 400) in (0, 401, 429) or getattr(error, "status", 400) >= 500
            retry_at = getattr(error, "retry_at", None)  # Xero's day is spent: try again then
            for partner in self:
                results[partner] = {
                    "status": "error",
                    "message": str(error),
                    "retry": retry,
                    "retry_at": retry_at,
                }
            return None
        return body.get("Contacts") or []

    def _xero_create_batch(self, tenant, bindings, results):
        """One PUT /Contacts for these partners (≤ 50). Returns the partners whose name Xero
        refused as already used."""
        payloads = [partner._xero_contact_values() for partner in self]
        elements = self._xero_send_contacts(
            tenant,
            "create_contacts",
            _("creating %(count)s contacts", count=len(self)),
            payloads,
            bindings,
            results,
        )
        if elements is None:
            return self.browse()
        cache = self.env["xero.contact"].sudo()
        created, clashes = [], self.browse()
        for partner, element in zip(self, elements, strict=False):
            messages = [error.get("Message") for error in element.get("ValidationErrors") or []]
            if element.get("HasValidationErrors") or element.get("StatusAttributeString") == "ERROR":
                if any(NAME_CLASH in (message or "") for message in messages):
                    clashes |= partner
                else:
                    results[partner] = {
                        "status": "error",
                        "message": _(
                            "%(partner)s: Xero refused the contact: %(errors)s",
                            partner=partner.display_name,
                            errors="; ".join(filter(None, messages)) or _("no reason given"),
                        ),
                    }
                continue
            created.append((partner, element))
        cache._xero_upsert(tenant, [element for _partner, element in created])
        by_id = {
            contact.xero_id: contact
            for contact in cache.search(
                [("tenant_id", "=", tenant.id), ("xero_id", "in", [e["ContactID"] for _p, e in created])]
            )
        }
        for partner, element in created:
            results[partner] = {"status": "created", "contact": by_id[element["ContactID"]]}
        for partner in self[len(elements) :]:
            results[partner] = {"status": "error", "message": _("Xero gave no answer for this contact")}
        return clashes

    def _xero_write_back(self, tenant, bindings, results):
        """Each partner's outcome on its binding and in its chatter (the notes of all partners
        logged at once: exporting 1,000 contacts is not 1,000 message posts)."""
        now = fields.Datetime.now()
        notes = {}
        for partner, result in results.items():
            binding = bindings[partner.id]
            status = result["status"]
            contact = result.get("contact")
            if status in ("created", "linked", "updated"):
                values = {"contact_id": contact.id, "last_error": False}
                if status != "linked":
                    values["last_sync_at"] = now
                binding.write(values)
                names = {"org": tenant.name, "contact": contact.name}
                if status == "created":
                    message = _("Created in Xero (%(org)s) as the contact %(contact)s.", **names)
                elif status == "linked":
                    message = _(
                        "Linked to the existing Xero contact %(contact)s in %(org)s (same name and email).",
                        **names,
                    )
                else:
                    message = _("Updated the Xero contact %(contact)s in %(org)s.", **names)
                if status != "linked":
                    _kept, left = partner._xero_persons()
                    if left:
                        message += " " + _(
                            "Xero keeps at most %(max)s contact persons: %(left)s were left out.",
                            max=MAX_CONTACT_PERSONS,
                            left=", ".join(left.mapped("name")),
                        )
                notes[partner.id] = message
            elif status == "error":
                binding.last_error = result["message"]
                notes[partner.id] = _("Xero (%(org)s): %(error)s", org=tenant.name, error=result["message"])
        if notes:
            self.browse(list(notes))._message_log_batch(notes)

    # ------------------------------------------------------------------------------------
    # Update
    # ------------------------------------------------------------------------------------
    def _xero_update_contacts(self, tenant):
        """Push the partners' current values to their mapped contacts (POST with ContactID),
        50 per call. Partners without a contact are reported, not created."""
        self._xero_check_user()
        partners = self.commercial_partner_id
        bindings = partners._xero_bindings(tenant)
        results = {}
        linked = self.browse()
        for partner in partners:
            if bindings[partner.id].contact_id:
                linked |= partner
            else:
                results[partner] = {
                    "status": "error",
                    "message": _(
                        "%(partner)s has no Xero contact in %(org)s yet: export it first.",
                        partner=partner.display_name,
                        org=tenant.name,
                    ),
                }
        cache = self.env["xero.contact"].sudo()
        for batch in split_every(EXPORT_BATCH_SIZE, linked.ids, self.browse):
            payloads = [p._xero_contact_values(contact=bindings[p.id].contact_id) for p in batch]
            elements = batch._xero_send_contacts(
                tenant,
                "update_or_create_contacts",
                _("updating %(count)s contacts", count=len(batch)),
                payloads,
                bindings,
                results,
            )
            if elements is None:
                continue
            sent_ids = [payload.get("ContactID") for payload in payloads]
            # Xero's answer must carry the very contact sent: any other is an error, not
            # "updated" (and is not written into the cache).
            good = [
                e
                for e, sent_id in zip(elements, sent_ids, strict=False)
                if not e.get("HasValidationErrors")
                and e.get("StatusAttributeString") != "ERROR"
                and e.get("ContactID") == sent_id
            ]
            cache._xero_upsert(tenant, good)
            for partner, element, sent_id in zip(batch, elements, sent_ids, strict=False):
                messages = [error.get("Message") for error in element.get("ValidationErrors") or []]
                if element.get("ContactID") != sent_id and not messages:
                    results[partner] = {
                        "status": "error",
                        "message": _(
                            "%(partner)s: Xero answered the update with another contact (%(other)s): nothing "
                            "is marked updated. Check the contact in Xero and update again.",
                            partner=partner.display_name,
                            other=element.get("Name") or element.get("ContactID") or "-",
                        ),
                    }
                elif element in good:
                    results[partner] = {"status": "updated", "contact": bindings[partner.id].contact_id}
                else:
                    results[partner] = {
                        "status": "error",
                        "message": _(
                            "%(partner)s: Xero refused the update: %(errors)s",
                            partner=partner.display_name,
                            errors="; ".join(filter(None, messages)) or _("no reason given"),
                        ),
                    }
            for partner in batch[len(elements) :]:
                results[partner] = {"status": "error", "message": _("Xero gave no answer for this contact")}
        self._xero_write_back(tenant, bindings, results)
        return results

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_export_contact(self):
        """Partner form, list (bulk) and document forms: link or create each partner's Xero
        contact in its organisation. One partner: an error is shown as such; several: one
        summary notification (each partner's outcome is in its chatter)."""
        return self._xero_run(lambda partners, tenant: partners._xero_export_contacts(tenant))

    def action_xero_update_contact(self):
        return self._xero_run(lambda partners, tenant: partners._xero_update_contacts(tenant))

    def _xero_run(self, operation):
        self._xero_check_user()
        Access = self.env["xero.access"]
        Access._xero_check_access("user", self)
        groups = self._xero_tenant_groups()
        for tenant in groups:
            Access._xero_check_access("user", tenant)
        results = {}
        for tenant, partners in groups.items():
            results.update(operation(partners, tenant))
        if len(results) == 1:
            result = next(iter(results.values()))
            if result["status"] == "error":
                raise UserError(result["message"])
        return self._xero_notification(results)

    @api.model
    def _xero_notification(self, results):
        counts = defaultdict(int)
        for result in results.values():
            counts[result["status"]] += 1
        errors = [result["message"] for result in results.values() if result["status"] == "error"]
        message = _(
            "%(created)s created, %(linked)s linked to an existing contact, %(updated)s updated, "
            "%(skipped)s already mapped, %(errors)s failed.",
            created=counts["created"],
            linked=counts["linked"],
            updated=counts["updated"],
            skipped=counts["skipped"],
            errors=counts["error"],
        )
        if errors:
            message += "\n" + "\n".join(errors[:10])
            if len(errors) > 10:
                message += "\n" + _(
                    "… and %(count)s more: see each partner's chatter.", count=len(errors) - 10
                )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Xero contacts"),
                "message": message,
                "type": "warning" if errors else "success",
                "sticky": bool(errors),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
        if not self.env.su and not self.env.user.has_group("xero_connector.group_xero_manager"):
            raise AccessError(_("Only Xero managers may import contacts from Xero."))
        Contact = self.env["xero.contact"].sudo().with_context(active_test=False)
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
            for row in self.env["xero.partner.binding"]
            .sudo()
            .search_read([("tenant_id", "=", tenant.id), ("contact_id", "!=", False)], ["partner_id"])
        }
        geo = self._xero_geo_index()
        company_ids = tenant.sudo().company_ids.ids
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
        Binding = self.env["xero.partner.binding"].sudo()
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
        for person in (
            self.env["xero.contact.person"]
            .sudo()
            .search_read(
                [("contact_id", "in", contacts.ids)], ["contact_id", "first_name", "last_name", "email"]
            )
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
