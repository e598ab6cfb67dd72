"""Contacts in step, both ways, per organisation: once each way, no echo, nothing archived or
deleted on the other side."""

import uuid

from odoo.tests import tagged

from .test_export import XeroExportCase


@tagged("post_install", "-at_install")
class TestContactsInStep(XeroExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tenant.xero_contacts_in_step = True

    # --------------------------------------------------------------------------------------
    def exported_partner(self):
        partner = self.env["res.partner"].create(
            {"name": f"Tern Marine {uuid.uuid4().hex[:6]}", "email": "old@tern.example", "is_company": True}
        )
        partner._xero_export_contacts(self.tenant)
        binding = partner.xero_binding_ids
        self.assertTrue(binding.contact_id, "exported")
        self.assertFalse(partner.xero_contact_dirty)
        return partner, binding.contact_id

    def xero_contact(self, contact_id):
        return next(
            c for c in self.sandbox.dump(self.org_a["tenantId"], "Contacts") if c["ContactID"] == contact_id
        )

    def change_in_xero(self, contact_id, **values):
        self.sandbox.advance(5)
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "POST",
            f"/Contacts/{contact_id}",
            json={"Contacts": [{"ContactID": contact_id, **values}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)

    def refresh(self):
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, lists=["contacts"])

    def contact_writes(self, mark):
        return [
            c
            for c in self.sandbox.calls(since=mark)["log"]
            if c["method"] in ("POST", "PUT")
            and "/Contacts" in c["path"]
            and c["tenant"] == self.org_a["tenantId"]
        ]

    def mark(self):
        return self.sandbox.calls(since=10**12)["next"]

    # --------------------------------------------------------------------------------------
    def test_change_in_xero_updates_the_partner_and_is_not_sent_back(self):
        partner, contact = self.exported_partner()
        self.change_in_xero(contact.xero_id, EmailAddress="new@tern.example")
        self.refresh()
        self.assertEqual(partner.email, "new@tern.example")
        self.assertFalse(partner.xero_contact_dirty, "a change from Xero is not queued for Xero")
        mark = self.mark()
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertFalse(self.contact_writes(mark), "no echo")

    def test_change_in_odoo_is_pushed_once(self):
        partner, contact = self.exported_partner()
        partner.write({"phone": "+61 7 5555 0101", "email": "ops@tern.example"})
        self.assertTrue(partner.xero_contact_dirty)
        mark = self.mark()
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertEqual(len(self.contact_writes(mark)), 1)
        in_xero = self.xero_contact(contact.xero_id)
        self.assertEqual(in_xero["EmailAddress"], "ops@tern.example")
        self.assertIn("5555 0101", " ".join(p.get("PhoneNumber") or "" for p in in_xero.get("Phones") or []))
        self.assertFalse(partner.xero_contact_dirty)
        # the next runs, and Xero's copy of the change coming back, send nothing and change nothing
        mark = self.mark()
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.refresh()
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertFalse(self.contact_writes(mark))
        self.assertEqual(partner.email, "ops@tern.example")
        self.assertFalse(partner.xero_contact_dirty)

    def test_both_changed_odoo_wins(self):
        partner, contact = self.exported_partner()
        partner.email = "odoo@tern.example"
        self.change_in_xero(contact.xero_id, EmailAddress="xero@tern.example")
        self.refresh()
        self.assertEqual(partner.email, "odoo@tern.example")
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertEqual(self.xero_contact(contact.xero_id)["EmailAddress"], "odoo@tern.example")

    def test_new_contact_in_xero_becomes_a_partner_when_asked(self):
        name = f"Kestrel Freight {uuid.uuid4().hex[:6]}"
        answer = self.sandbox.as_user(
            self.org_a["tenantId"],
            "PUT",
            "/Contacts",
            json={"Contacts": [{"Name": name, "EmailAddress": "k@kestrel.example"}]},
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.refresh()
        self.assertFalse(self.env["res.partner"].search([("name", "=", name)]), "not asked: no partner")
        self.tenant.xero_contacts_new_partners = True
        self.change_in_xero(answer.json()["Contacts"][0]["ContactID"], Website="https://kestrel.example")
        self.refresh()
        partner = self.env["res.partner"].search([("name", "=", name)])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.email, "k@kestrel.example")
        self.assertEqual(
            partner.xero_binding_ids.contact_id.xero_id, answer.json()["Contacts"][0]["ContactID"]
        )
        self.assertFalse(partner.xero_contact_dirty)
        # read again: still one partner
        self.tenant.xero_contacts_new_partners = True
        self.env["xero.cache.refresh.request"]._refresh_cache(self.tenant, lists=["contacts"], full=True)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", name)]), 1)

    def test_archive_on_either_side_is_not_sent(self):
        partner, contact = self.exported_partner()
        mark = self.mark()
        partner.active = False
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertFalse(self.contact_writes(mark))
        self.assertEqual(self.xero_contact(contact.xero_id)["ContactStatus"], "ACTIVE")
        partner.active = True
        self.change_in_xero(contact.xero_id, ContactStatus="ARCHIVED")
        self.refresh()
        self.assertTrue(partner.active, "archived in Xero: the partner stays")
        self.assertTrue(partner.exists())

    def test_off_changes_nothing(self):
        partner, contact = self.exported_partner()
        self.tenant.xero_contacts_in_step = False
        self.change_in_xero(contact.xero_id, EmailAddress="elsewhere@tern.example")
        self.refresh()
        self.assertEqual(partner.email, "old@tern.example")
        partner.phone = "+61 7 5555 0199"
        mark = self.mark()
        self.run_cron("res.partner", "_cron_xero_push_contacts")
        self.assertFalse(self.contact_writes(mark))
