"""Partners → Xero contacts: the contact payload (Xero's JSON), matching an existing contact
(cache, then Xero by name and ContactNumber), the export (link or create, 50 per call) and the
update of linked contacts.

It stays on ``res.partner`` (not on ``xero.partner.binding``) because it works on a set of
partners: the invoice and purchase-order exports hand over the partners of a batch
(``partners._xero_export_contacts(tenant)``), each partner's outcome goes to its chatter, and
the bindings are what it creates."""

from xero_python.accounting import CurrencyCode

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..const import BATCH_SIZE
from ..errors import XeroError, XeroRetryLater
from ..utils import validation_messages
from .res_partner import _norm

MAX_CONTACT_PERSONS = 5  # Xero keeps at most five persons per contact
NAME_CLASH = "already assigned to another contact"  # Xero's message for a duplicate name


class ResPartner(models.Model):
    _inherit = "res.partner"

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
            "Name": (self.name or "").strip(),
            "FirstName": first and first[:255],
            "LastName": last and last[:255],
            "EmailAddress": self.email,
            "TaxNumber": self.vat and self.vat[:50],
            "DefaultCurrency": self._xero_currency(),
            "ContactNumber": self._xero_contact_number(),
        }
        if contact:
            values["ContactID"] = contact.xero_id
            number = contact.contact_number
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
        Contact = self.env["xero.contact"].with_context(active_test=False)  # the caller's organisation
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
        """Ask Xero for contacts (archived too) named like ``partners`` and write them into the
        cache: the cache may not know them yet. By ``Name``, an optimised field that a large
        organisation answers (ContactNumber is not: contacts carrying our numbers are matched in
        the cache, which reads every changed contact); as many names per call as fit in the URL,
        at most 50."""
        names = [(partner.name or "").strip() for partner in partners]
        answers = self.env["xero.reader"]._xero_find_values(
            tenant,
            "Contacts",
            "names",
            "Name",
            names,
            _("looking for existing contacts"),
            params={"include_archived": True},
        )
        unknown = next((answer for answer in answers.values() if answer.unknown), None)
        if unknown:  # not asked: no contact is created in doubt
            raise unknown.error
        self.env["xero.contact"]._xero_upsert(tenant, [c for a in answers.values() for c in a.matches])

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
        self.env["xero.access"]._xero_check_access("user")
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
                    "message": _("already mapped to the Xero contact %(contact)s", contact=contact.name),
                }
            else:
                todo |= partner
        nameless = todo.filtered(lambda p: not (p.name or "").strip())
        for partner in nameless:
            results[partner] = {"status": "error", "message": _("a Xero contact needs a name")}
        todo -= nameless
        # Cut to Xero's 255 characters, two names could be one contact: refused, not cut.
        too_long = todo.filtered(lambda p: len(p.name.strip()) > 255)
        for partner in too_long:
            results[partner] = {
                "status": "error",
                "message": _(
                    "%(partner)s: its name has %(length)s characters and Xero takes at most 255 for a "
                    "contact: shorten it in Odoo, then export again",
                    partner=partner.display_name[:60] + "…",
                    length=len(partner.name.strip()),
                ),
            }
        todo -= too_long

        # 1. An existing contact of that name (and email), in the cache or, if stale, in Xero.
        if todo and not self.env["xero.contact"]._xero_cache_is_fresh(tenant):
            self._xero_lookup_in_xero(tenant, todo)
        to_create = todo._xero_link_existing(tenant, results)

        # 2. Create the others, 50 per call.
        clashes = self.browse()
        for batch in split_every(BATCH_SIZE, to_create.ids, self.browse):
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

        def record_attempt():  # the contacts' attempt is the key on their bindings
            for partner in self:
                bindings[partner.id].export_key = key
            self.env["xero.partner.binding"].flush_model()

        try:
            body = self.env["xero.sender"]._xero_send(
                tenant, operation, method, {"Contacts": payloads}, self, key, record_attempt=record_attempt
            )
        except UserError as error:
            # No answer, a rate limit or a server error: trying again later may succeed.
            status = error.status if isinstance(error, XeroError) else 400
            retry = status in (0, 401, 429) or status >= 500
            # Xero's day is spent: try again then
            retry_at = error.retry_at if isinstance(error, XeroRetryLater) else None
            for partner in self:
                results[partner] = {
                    "status": "error",
                    "message": str(error),
                    "retry": retry,
                    "retry_at": retry_at,
                }
            return None
        elements = body.get("Contacts") or []
        for partner in self[len(elements) :]:
            results[partner] = {"status": "error", "message": _("Xero gave no answer for this contact")}
        return elements

    @api.model
    def _xero_refused(self, element):
        """Whether Xero refused this element of a batch answer."""
        return bool(element.get("HasValidationErrors") or element.get("StatusAttributeString") == "ERROR")

    @api.model
    def _xero_refusal(self, text, partner, messages):
        """An error result in Xero's own words (``text`` names what was refused)."""
        return {
            "status": "error",
            "message": _(
                "%(partner)s: %(text)s: %(errors)s",
                partner=partner.display_name,
                text=text,
                errors="; ".join(messages) or _("no reason given"),
            ),
        }

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
        cache = self.env["xero.contact"]  # _xero_upsert is the cache writer
        created, clashes = [], self.browse()
        for partner, element in zip(self, elements, strict=False):
            messages = validation_messages(element)
            if self._xero_refused(element):
                if any(NAME_CLASH in message for message in messages):
                    clashes |= partner
                else:
                    results[partner] = self._xero_refusal(_("Xero refused the contact"), partner, messages)
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
        self.env["xero.access"]._xero_check_access("user")
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
        for batch in split_every(BATCH_SIZE, linked.ids, self.browse):
            batch._xero_update_batch(tenant, bindings, results)
        self._xero_write_back(tenant, bindings, results)
        return results

    def _xero_update_batch(self, tenant, bindings, results):
        """One POST /Contacts with these linked partners (≤ 50), each with its ContactID."""
        payloads = [partner._xero_contact_values(contact=bindings[partner.id].contact_id) for partner in self]
        elements = self._xero_send_contacts(
            tenant,
            "update_or_create_contacts",
            _("updating %(count)s contacts", count=len(self)),
            payloads,
            bindings,
            results,
        )
        if elements is None:
            return
        sent_ids = [payload.get("ContactID") for payload in payloads]
        # Xero's answer must carry the very contact sent: any other is an error, not
        # "updated" (and is not written into the cache).
        good = [
            element
            for element, sent_id in zip(elements, sent_ids, strict=False)
            if not self._xero_refused(element) and element.get("ContactID") == sent_id
        ]
        self.env["xero.contact"]._xero_upsert(tenant, good)
        for partner, element, sent_id in zip(self, elements, sent_ids, strict=False):
            messages = validation_messages(element)
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
                results[partner] = self._xero_refusal(_("Xero refused the update"), partner, messages)
