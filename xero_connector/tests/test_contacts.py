import uuid

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestContacts(XeroSandboxCase):
    """Partner ↔ Xero contact per organisation: mapping, export (link or create), update,
    import. The sandbox organisations live for the whole class, so every contact a test
    creates in Xero carries a name of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.two_companies("Beta Company")
        cls.xero_user = cls.user_in(
            "xero_user",
            "base.group_user,base.group_partner_manager,account.group_account_invoice,"
            "purchase.group_purchase_user,xero_connector.group_xero_user",
            cls.company_a,
            cls.company_b,
        )
        cls.au = cls.env.ref("base.au")
        cls.qld = cls.env.ref("base.state_au_4")

    # ------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------
    def _connect(self, *orgs):
        orgs = orgs or (self.org_a, self.org_b)
        self.connect(tenants=[org["tenantId"] for org in orgs])
        by_id = {t.tenant_id: t for t in self.connection_of(self.xero_manager).tenant_ids}
        tenants = [by_id[org["tenantId"]] for org in orgs]
        self.company_a.xero_tenant_id = tenants[0]
        if len(tenants) > 1:
            self.company_b.xero_tenant_id = tenants[1]
        return tenants

    def _unique(self, name):
        return f"{name} {uuid.uuid4().hex[:6]}"

    def _in_xero(self, org, name):
        return [
            c for c in self.sandbox.dump(org["tenantId"], "Contacts") if c["Name"].lower() == name.lower()
        ]

    def _mark(self):
        return self.sandbox.calls(since=10**12)["next"]

    def _calls(self, mark, org):
        return [
            c["endpoint"] for c in self.sandbox.calls(since=mark)["log"] if c["tenant"] == org["tenantId"]
        ]

    def _as_user_create(self, org, **contact):
        response = self.sandbox.as_user(org["tenantId"], "PUT", "/Contacts", json={"Contacts": [contact]})
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()["Contacts"][0]

    def _no_sleep(self):
        self.patch(type(self.env["xero.connection"]), "_xero_sleep", lambda model, seconds: None)

    def _chatter(self, partner):
        return " ".join(partner.message_ids.mapped("body"))

    def _invoice(self, partner, company, move_type="out_invoice"):
        return (
            self.env["account.move"]
            .with_company(company)
            .create({"move_type": move_type, "partner_id": partner.id})
        )

    # ------------------------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------------------------
    def test_mapping_remembered_per_partner_and_organisation(self):
        tenant_a, tenant_b = self._connect()
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_a, ["contacts"])
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_b, ["contacts"])
        Contact = self.env["xero.contact"]
        bayside_a = Contact.search([("tenant_id", "=", tenant_a.id), ("name", "=", "Bayside Club")])
        basket_b = Contact.search([("tenant_id", "=", tenant_b.id), ("name", "=", "Basket Case")])
        bayside_b = Contact.search([("tenant_id", "=", tenant_b.id), ("name", "=", "Bayside Club")])
        shared = self.env["res.partner"].create({"name": "Shared Customer", "is_company": True})
        person = self.env["res.partner"].create({"name": "Pat Shared", "parent_id": shared.id})

        # Not selected until a Xero user picks one on an invoice of each company.
        invoice_a = self._invoice(person, self.company_a).with_user(self.xero_user)
        invoice_b = self._invoice(shared, self.company_b).with_user(self.xero_user)
        self.assertFalse(invoice_a.xero_contact_id)
        invoice_a.xero_contact_id = bayside_a
        invoice_b.xero_contact_id = basket_b

        # Remembered for the partner (its company) in each organisation, not across them.
        self.assertEqual(shared._xero_contact(tenant_a), bayside_a)
        self.assertEqual(person._xero_contact(tenant_a), bayside_a)
        self.assertEqual(shared._xero_contact(tenant_b), basket_b)
        self.assertEqual(self._invoice(shared, self.company_a, "in_invoice").xero_contact_id, bayside_a)
        self.assertEqual(
            self.env["purchase.order"]
            .with_company(self.company_b)
            .create({"partner_id": person.id})
            .xero_contact_id,
            basket_b,
        )
        self.assertEqual(shared.xero_binding_ids.mapped("contact_id"), bayside_a | basket_b)
        self.assertEqual(bayside_a.partner_id, shared)

        # A contact maps to one partner; a contact of another organisation is refused.
        other = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaisesRegex(UserError, "already mapped to Shared Customer"):
            other.with_user(self.xero_user)._xero_map_contact(tenant_a, bayside_a)
        with self.assertRaisesRegex(UserError, "belongs to another Xero organisation than"):
            other.with_user(self.xero_user)._xero_map_contact(tenant_a, bayside_b)

        # A user of company A only sees the mapping of company A's organisation.
        user_a = self.user_in("xero_user_a", "base.group_user,xero_connector.group_xero_user", self.company_a)
        visible = self.env["xero.partner.binding"].with_user(user_a).search([("partner_id", "=", shared.id)])
        self.assertEqual(visible.tenant_id, tenant_a)

        # Exported documents keep their contact: the field is read-only there.
        invoice_a.sudo().xero_id = str(uuid.uuid4())
        invoice_a.xero_contact_id = Contact.search(
            [("tenant_id", "=", tenant_a.id), ("name", "=", "Boom FM")]
        )
        self.assertEqual(shared._xero_contact(tenant_a), bayside_a)

    # ------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------
    def test_export_creates_contact_with_persons_addresses_phones(self):
        (tenant_a,) = self._connect(self.org_a)
        name = self._unique("Harbour Freight")
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": "accounts@harbour.example",
                "phone": "07 3000 1000",
                "mobile": "0400 555 666",
                "vat": "51 824 753 556",
                "street": "12 Wharf Road",
                "street2": "Level 3",
                "city": "Brisbane",
                "zip": "4000",
                "state_id": self.qld.id,
                "country_id": self.au.id,
                "child_ids": [
                    Command.create({"name": "Jane Doe", "email": "jane@harbour.example"}),
                    Command.create({"name": "John Roe", "email": "john@harbour.example"}),
                    Command.create({"name": "No Mail"}),
                    Command.create(
                        {
                            "type": "invoice",
                            "name": "Billing",
                            "street": "PO Box 77",
                            "city": "Brisbane",
                            "zip": "4001",
                        }
                    ),
                ],
            }
        )
        mark = self._mark()
        action = partner.with_user(self.xero_user).action_xero_export_contact()
        self.assertEqual(action["params"]["type"], "success")

        (contact,) = self._in_xero(self.org_a, name)
        self.assertEqual(
            {key: contact.get(key) for key in ("FirstName", "LastName", "EmailAddress", "TaxNumber")},
            {
                "FirstName": "Jane",
                "LastName": "Doe",
                "EmailAddress": "accounts@harbour.example",
                "TaxNumber": "51 824 753 556",
            },
        )
        self.assertTrue(contact["ContactNumber"].startswith("ODOO-"))
        self.assertLessEqual(len(contact["ContactNumber"]), 50)
        phones = {p["PhoneType"]: p.get("PhoneNumber") for p in contact["Phones"]}
        self.assertEqual((phones["DEFAULT"], phones["MOBILE"]), ("07 3000 1000", "0400 555 666"))
        addresses = {a["AddressType"]: a for a in contact["Addresses"]}
        self.assertEqual(addresses["POBOX"]["AddressLine1"], "PO Box 77")
        self.assertEqual(addresses["POBOX"]["PostalCode"], "4001")
        street = addresses["STREET"]
        self.assertEqual(
            [
                street.get(k)
                for k in ("AddressLine1", "AddressLine2", "City", "Region", "PostalCode", "Country")
            ],
            ["12 Wharf Road", "Level 3", "Brisbane", "Queensland", "4000", "Australia"],
        )
        self.assertEqual(
            [p["EmailAddress"] for p in contact["ContactPersons"]],
            ["jane@harbour.example", "john@harbour.example"],
        )

        # Linked at once, in the cache, and said in the chatter; one create call.
        linked = partner._xero_contact(tenant_a)
        self.assertEqual(linked.xero_id, contact["ContactID"])
        self.assertEqual(linked.person_ids.mapped("email"), ["jane@harbour.example", "john@harbour.example"])
        self.assertIn("Created in Xero", self._chatter(partner))
        self.assertEqual(self._calls(mark, self.org_a).count("PUT /Contacts"), 1)

        # Exporting again creates nothing.
        partner.with_user(self.xero_user).action_xero_export_contact()
        self.assertEqual(len(self._in_xero(self.org_a, name)), 1)

    def test_export_links_the_contact_xero_already_has(self):
        (tenant_a,) = self._connect(self.org_a)
        name = self._unique("Kingfisher Marine")
        existing = self._as_user_create(self.org_a, Name=name, EmailAddress="hello@kingfisher.example")
        # Same name in other letter case, same email: the cache was not refreshed since.
        partner = self.env["res.partner"].create(
            {"name": name.upper(), "is_company": True, "email": "Hello@Kingfisher.example"}
        )
        mark = self._mark()
        partner.with_user(self.xero_user).action_xero_export_contact()

        self.assertEqual(len(self._in_xero(self.org_a, name)), 1, "no duplicate in Xero")
        self.assertEqual(partner._xero_contact(tenant_a).xero_id, existing["ContactID"])
        self.assertNotIn("PUT /Contacts", self._calls(mark, self.org_a))
        self.assertIn("Linked to the existing Xero contact", self._chatter(partner))

        # Same name, another email: a clear error naming the partner, nothing created.
        clash_name = self._unique("Osprey Tools")
        self._as_user_create(self.org_a, Name=clash_name, EmailAddress="sales@osprey.example")
        clash = self.env["res.partner"].create(
            {"name": clash_name, "is_company": True, "email": "x@other.example"}
        )
        with self.assertRaisesRegex(UserError, f"{clash_name}: .*already has a contact named"):
            clash.with_user(self.xero_user).action_xero_export_contact()
        self.assertEqual(len(self._in_xero(self.org_a, clash_name)), 1)
        self.assertFalse(clash._xero_contact(tenant_a))

    def test_archived_contact_in_xero_is_a_clear_error(self):
        (tenant_a,) = self._connect(self.org_a)
        name = self._unique("Pelican Supplies")
        created = self._as_user_create(self.org_a, Name=name, EmailAddress="old@pelican.example")
        response = self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Contacts/{created['ContactID']}",
            json={"Contacts": [{"ContactID": created["ContactID"], "ContactStatus": "ARCHIVED"}]},
        )
        self.assertEqual(response.status_code, 200, response.text)
        partner = self.env["res.partner"].create({"name": name, "is_company": True})
        mark = self._mark()
        with self.assertRaisesRegex(UserError, "archived in Xero: restore it there or pick another"):
            partner.with_user(self.xero_user).action_xero_export_contact()
        self.assertEqual([c["ContactStatus"] for c in self._in_xero(self.org_a, name)], ["ARCHIVED"])
        self.assertNotIn("PUT /Contacts", self._calls(mark, self.org_a))
        self.assertFalse(partner._xero_contact(tenant_a))

    def test_a_name_longer_than_xero_takes_is_refused_not_cut(self):
        """Two partners sharing their first 255 characters would be one contact in Xero: each
        is refused with its length and what to do, and nothing is sent."""
        (tenant_a,) = self._connect(self.org_a)
        stem = self._unique("Long Name Holdings") + " " + "x" * 260
        first, second = self.env["res.partner"].create(
            [
                {"name": stem[:256] + " One", "is_company": True},
                {"name": stem[:256] + " Two", "is_company": True},
            ]
        )
        mark = self._mark()
        with self.assertRaisesRegex(UserError, "characters and Xero takes at most 255 .* shorten it"):
            first.with_user(self.xero_user).action_xero_export_contact()
        with self.assertRaisesRegex(UserError, "characters and Xero takes at most 255"):
            second.with_user(self.xero_user).action_xero_export_contact()
        self.assertNotIn("PUT /Contacts", self._calls(mark, self.org_a))
        self.assertFalse(first._xero_contact(tenant_a) or second._xero_contact(tenant_a))

    def test_retry_after_lost_response_creates_one_contact(self):
        (tenant_a,) = self._connect(self.org_a)
        self._no_sleep()
        name = self._unique("Lost Answer Ltd")
        partner = self.env["res.partner"].create(
            {"name": name, "is_company": True, "email": "a@lost.example"}
        )
        self.sandbox.add_fault("lost_response", method="PUT", path="/Contacts", tenant=self.org_a["tenantId"])
        self.addCleanup(self.sandbox.clear_faults)
        mark = self._mark()
        partner.with_user(self.xero_user).action_xero_export_contact()

        self.assertEqual(len(self._in_xero(self.org_a, name)), 1)
        self.assertEqual(
            partner._xero_contact(tenant_a).xero_id, self._in_xero(self.org_a, name)[0]["ContactID"]
        )
        puts = [c for c in self.sandbox.calls(since=mark)["log"] if c["endpoint"] == "PUT /Contacts"]
        self.assertEqual(len(puts), 2, "the create was sent again after the lost answer")
        self.assertEqual(len({c["idempotency_key"] for c in puts}), 1)
        self.assertTrue(partner.xero_binding_ids.export_key)

    def test_more_than_five_persons_keeps_the_first_five(self):
        self._connect(self.org_a)
        name = self._unique("Big Team")
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "child_ids": [
                    Command.create({"name": f"Person {n}", "email": f"p{n}@bigteam.example"})
                    for n in range(1, 8)
                ],
            }
        )
        partner.with_user(self.xero_user).action_xero_export_contact()
        (contact,) = self._in_xero(self.org_a, name)
        self.assertEqual(
            [p["EmailAddress"] for p in contact["ContactPersons"]],
            [f"p{n}@bigteam.example" for n in range(1, 6)],
        )
        chatter = self._chatter(partner)
        self.assertIn("at most 5 contact persons", chatter)
        self.assertIn("Person 6, Person 7", chatter)

    def test_bulk_export_sixty_partners_in_two_calls(self):
        (tenant_a,) = self._connect(self.org_a)
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_a, ["contacts"])
        prefix = self._unique("Bulk")
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {n:02d}",
                    "is_company": True,
                    "email": "not-an-email" if n in (10, 55) else f"bulk{n}@example.com",
                }
                for n in range(60)
            ]
        )
        invalid = partners.filtered(lambda p: p.email == "not-an-email")
        mark = self._mark()
        action = partners.with_user(self.xero_user).action_xero_export_contact()

        self.assertEqual(self._calls(mark, self.org_a), ["PUT /Contacts", "PUT /Contacts"])
        in_xero = {c["Name"] for c in self.sandbox.dump(self.org_a["tenantId"], "Contacts")}
        self.assertEqual(
            {p.name for p in partners if p.name in in_xero}, set((partners - invalid).mapped("name"))
        )
        self.assertEqual(len((partners - invalid).xero_binding_ids.filtered("contact_id")), 58)
        for partner in invalid:
            self.assertFalse(partner._xero_contact(tenant_a))
            self.assertIn("Email address must be valid", partner.xero_binding_ids.last_error)
            self.assertIn("Email address must be valid", self._chatter(partner))
        message = action["params"]["message"]
        self.assertIn("58 created", message)
        self.assertIn("2 failed", message)
        self.assertIn(invalid[0].name, message)

    def test_update_pushes_a_new_email(self):
        (tenant_a,) = self._connect(self.org_a)
        name = self._unique("Changing Co")
        partner = self.env["res.partner"].create(
            {"name": name, "is_company": True, "email": "old@changing.example"}
        )
        partner.with_user(self.xero_user).action_xero_export_contact()
        partner.email = "new@changing.example"
        partner.phone = "07 1234 5678"
        mark = self._mark()
        partner.with_user(self.xero_user).action_xero_update_contact()

        (contact,) = self._in_xero(self.org_a, name)
        self.assertEqual(contact["EmailAddress"], "new@changing.example")
        self.assertIn("07 1234 5678", [p.get("PhoneNumber") for p in contact["Phones"]])
        self.assertEqual(self._calls(mark, self.org_a), ["POST /Contacts"])
        self.assertEqual(partner._xero_contact(tenant_a).email, "new@changing.example")
        self.assertIn("Updated the Xero contact", self._chatter(partner))

        unmapped = self.env["res.partner"].create({"name": self._unique("Never Exported")})
        with self.assertRaisesRegex(UserError, "export it first"):
            unmapped.with_user(self.xero_user).action_xero_update_contact()

    def test_export_from_invoice_form_uses_its_organisation(self):
        tenant_a, tenant_b = self._connect()
        name = self._unique("Invoice Side")
        partner = self.env["res.partner"].create({"name": name, "is_company": True})
        bill = self._invoice(partner, self.company_b, "in_invoice").with_user(self.xero_user)
        self.assertFalse(bill.xero_contact_id)
        bill.action_xero_export_partner()
        self.assertEqual(len(self._in_xero(self.org_b, name)), 1)
        self.assertFalse(self._in_xero(self.org_a, name))
        bill.invalidate_recordset(["xero_contact_id"])
        self.assertEqual(bill.xero_contact_id, partner._xero_contact(tenant_b))
        self.assertFalse(partner._xero_contact(tenant_a))

    # ------------------------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------------------------
    def test_import_creates_new_partners_links_existing_never_duplicates(self):
        suffix = uuid.uuid4().hex[:6]
        org = self.sandbox.create_org(f"Import {suffix}", short_code=f"!I{suffix}", base_currency="AUD")
        (tenant,) = self._connect(org)
        self._as_user_create(
            org,
            Name="Jane Citizen",
            FirstName="Jane",
            LastName="Citizen",
            EmailAddress="jane@citizen.example",
        )
        Partner = self.env["res.partner"].with_context(active_test=False)
        by_name = Partner.create({"name": "bayside club", "is_company": True})
        by_email = Partner.create({"name": "City Limo Pty", "email": "Bookings@CityLimo.example"})
        by_vat = Partner.create({"name": "Power Direct Energy", "vat": "11222333444"})
        archived = Partner.create({"name": "Marine Systems", "active": False})

        with self.assertRaises(AccessError):
            self.env["xero.contact.import.wizard"].with_user(self.xero_user).create(
                {"tenant_id": tenant.id}
            ).action_import()

        wizard = (
            self.env["xero.contact.import.wizard"]
            .with_user(self.xero_manager)
            .create({"tenant_id": tenant.id})
        )
        wizard.action_import()
        active_in_xero = [
            c for c in self.sandbox.dump(org["tenantId"], "Contacts") if c["ContactStatus"] == "ACTIVE"
        ]
        self.assertEqual(len(active_in_xero), 13)
        self.assertEqual((wizard.created_count, wizard.linked_count), (9, 4))
        self.assertEqual(wizard.archived_partner_ids, archived)
        self.assertIn("9 partners created, 4 existing partners linked", wizard.summary)

        def contact(name):
            return self.env["xero.contact"].search([("tenant_id", "=", tenant.id), ("name", "=", name)])

        self.assertEqual(by_name._xero_contact(tenant), contact("Bayside Club"))
        self.assertEqual(by_email._xero_contact(tenant), contact("City Limousines"))
        self.assertEqual(by_vat._xero_contact(tenant), contact("PowerDirect"))
        self.assertEqual(archived._xero_contact(tenant), contact("Marine Systems"))
        self.assertFalse(archived.active, "an archived partner is linked, not reactivated")
        self.assertEqual(Partner.search_count([("name", "=ilike", "bayside club")]), 1)

        ridgeway = contact("Ridgeway University").partner_id
        self.assertRecordValues(
            ridgeway,
            [
                {
                    "is_company": True,
                    "email": "finance@ridgeway.example",
                    "phone": "+61 07 5550 1234",
                    "mobile": "+61 0400 123 456",
                    "street": "1 Example Street",
                    "zip": "4000",
                    "country_id": self.au.id,
                }
            ],
        )
        persons = ridgeway.child_ids.filtered(lambda c: c.type == "contact")
        self.assertEqual(
            sorted(persons.mapped("email")),
            ["dana@ridgeway.example", "eli@ridgeway.example", "fay@ridgeway.example"],
        )
        self.assertEqual(persons[0].street, "1 Example Street")
        invoice_address = ridgeway.child_ids.filtered(lambda c: c.type == "invoice")
        self.assertEqual((invoice_address.street, invoice_address.zip), ("P O Box 123", "4001"))
        self.assertFalse(contact("Jane Citizen").partner_id.is_company)
        self.assertFalse(
            self.env["xero.contact"]
            .with_context(active_test=False)
            .search([("tenant_id", "=", tenant.id), ("name", "=", "Old Partner Pty Ltd")])
            .partner_id,
            "contacts archived in Xero are not imported",
        )

        # A second import finds nothing new.
        count = Partner.search_count([])
        again = (
            self.env["xero.contact.import.wizard"]
            .with_user(self.xero_manager)
            .create({"tenant_id": tenant.id})
        )
        again.action_import()
        self.assertEqual((again.created_count, again.linked_count), (0, 0))
        self.assertEqual(Partner.search_count([]), count)

    # ------------------------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------------------------
    def test_tour_pick_xero_contact_on_invoice(self):
        (tenant_a,) = self._connect(self.org_a)
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_a, ["contacts"])
        partner = self.env["res.partner"].create({"name": "Tour Partner", "is_company": True})
        invoice = self._invoice(partner, self.company_a)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "xero_partner_contact_tour",
            login="admin",
        )
        bayside = self.env["xero.contact"].search(
            [("tenant_id", "=", tenant_a.id), ("name", "=", "Bayside Club")]
        )
        self.assertEqual(partner._xero_contact(tenant_a), bayside)
        newest = self.env["account.move"].search([("partner_id", "=", partner.id)], order="id desc", limit=1)
        self.assertNotEqual(newest, invoice, "the tour made a second invoice")
        self.assertEqual(newest.xero_contact_id, bayside)
