"""Contacts in step, both ways, per organisation (Connec!'s "a new customer in Xero is
automatically shared, as well as any update").

Xero → Odoo: every time Xero's contacts reach the cache (the cache refresh, If-Modified-Since,
and Xero's contact webhooks), the partners linked to the contacts that changed take Xero's
values of the shared fields, and new contacts become partners when the organisation asks for
it. Those writes carry ``xero_from_xero``, so they are never sent back (no echo).

Odoo → Xero: a partner whose shared fields change in Odoo is marked, and the contacts queue
(a cron) pushes the marked partners linked in an organisation in step, through the contact
update (``res.partner._xero_update_contacts``, itself through the sender), 50 a call.

Owner rule, per field (stated in Settings): name, email, phone, mobile, tax number, website and
the street address are shared — the latest change wins; when both sides changed between two
runs, Odoo's pending change is sent and wins. Contact persons, invoice address, country,
currency and customer/supplier ranks: Odoo's, sent with every push, never taken from Xero.
Archiving or merging on one side is never a deletion or an archive on the other: Odoo never
archives or deletes a Xero contact, and a contact archived in Xero leaves its partner as it is."""

import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# partner field → Xero contact (cache) field, shared both ways
SHARED_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "vat": "tax_number",
    "website": "website",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zip": "zip",
}


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    xero_contacts_in_step = fields.Boolean(
        "Contacts in step",
        help="Contacts changed in Xero update their linked partners; partners changed in Odoo update their "
        "Xero contacts. Shared: name, email, phone, mobile, tax number, website, street address (the latest "
        "change wins; Odoo's when both changed between two runs). Odoo's only: contact persons, invoice "
        "address, country, currency. Archiving or merging is never sent either way.",
    )
    xero_contacts_new_partners = fields.Boolean(
        "New Xero contacts become partners",
        help="With contacts in step: a contact created in Xero becomes an Odoo partner (an unlinked partner of "
        "the same email, or else name, is linked instead).",
    )


class XeroContact(models.Model):
    _inherit = "xero.contact"

    @api.model
    def _xero_upsert(self, tenant, docs, stats=None, seen=None, extra_vals=None):
        newest = super()._xero_upsert(tenant, docs, stats=stats, seen=seen, extra_vals=extra_vals)
        if tenant.xero_contacts_in_step and docs:
            self._xero_to_partners(tenant, [d["ContactID"] for d in docs if d.get("ContactID")])
        return newest

    @api.model
    def _xero_to_partners(self, tenant, contact_ids):
        """Xero's shared values onto the linked partners of these contacts; new ones become
        partners when the organisation asks. Returns the partners written or created."""
        contacts = self.with_context(active_test=False).search(
            [("tenant_id", "=", tenant.id), ("xero_id", "in", contact_ids)]
        )
        Partner = self.env["res.partner"].with_context(xero_from_xero=True)
        touched = Partner.browse()
        unbound = self.browse()
        for contact in contacts:
            partner = contact.binding_ids[:1].partner_id
            if not partner:
                unbound |= contact
                continue
            if partner.xero_contact_dirty:  # Odoo's change waits to be sent: it wins
                continue
            changes = {
                field: contact[source] or False
                for field, source in SHARED_FIELDS.items()
                if (contact[source] or False) != (partner[field] or False)
                and (field != "name" or contact[source])
            }
            if changes:
                partner.with_context(xero_from_xero=True).write(changes)
                partner._message_log(
                    body=_(
                        "Updated from Xero (%(org)s): %(fields)s.",
                        org=tenant.name,
                        fields=", ".join(partner._fields[f].string for f in changes),
                    )
                )
                touched |= partner
        if tenant.xero_contacts_new_partners:
            touched |= self._xero_new_partners(tenant, unbound.filtered(lambda c: c.active and c.name))
        return touched

    @api.model
    def _xero_new_partners(self, tenant, contacts):
        """Partners for contacts made in Xero: an unlinked partner of the same email (or else
        name) is linked; otherwise one is created. A contact Odoo is exporting right now (its
        partner's link waits for it) is left to the export."""
        Binding = self.env["xero.partner.binding"]
        waiting = Binding.search([("tenant_id", "=", tenant.id), ("contact_id", "=", False)])
        waiting_names = {(b.partner_id.name or "").strip().lower() for b in waiting}
        bound = Binding.search([("tenant_id", "=", tenant.id)]).partner_id
        Partner = self.env["res.partner"].with_context(xero_from_xero=True)
        made = Partner.browse()
        companies = [*tenant.company_ids.ids, False]
        for contact in contacts:
            if contact.name.strip().lower() in waiting_names:
                continue
            partner = Partner.browse()
            for key, value in (("email", contact.email), ("name", contact.name)):
                if value and not partner:
                    partner = Partner.search(
                        [
                            (key, "=ilike", value),
                            ("parent_id", "=", False),
                            ("company_id", "in", companies),
                            ("id", "not in", bound.ids),
                        ],
                        limit=1,
                    )
            if not partner:
                partner = Partner.create(
                    {
                        "name": contact.name,
                        "is_company": True,
                        **{
                            field: contact[source] or False
                            for field, source in SHARED_FIELDS.items()
                            if field != "name"
                        },
                    }
                )
                partner._message_log(
                    body=_(
                        "Created from the Xero contact %(name)s (%(org)s).",
                        name=contact.name,
                        org=tenant.name,
                    )
                )
            else:
                partner._message_log(
                    body=_(
                        "Linked to the Xero contact %(name)s (%(org)s).", name=contact.name, org=tenant.name
                    )
                )
            existing = Binding.search([("partner_id", "=", partner.id), ("tenant_id", "=", tenant.id)])
            if existing:
                existing.write({"contact_id": contact.id})
            else:
                Binding.create({"partner_id": partner.id, "tenant_id": tenant.id, "contact_id": contact.id})
            bound |= partner
            made |= partner
        return made


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_contact_dirty = fields.Boolean(
        "Changed for Xero",
        copy=False,
        readonly=True,
        help="Shared fields changed in Odoo since the last push to the linked Xero contacts.",
    )

    def write(self, vals):
        if not self.env.context.get("xero_from_xero") and SHARED_FIELDS.keys() & vals.keys():
            commercial = self.filtered(lambda p: not p.parent_id and not p.xero_contact_dirty)
            if commercial:
                super(ResPartner, commercial).write({"xero_contact_dirty": True})
        return super().write(vals)

    @api.model
    def _cron_xero_push_contacts(self):
        """The contacts queue: partners changed in Odoo, pushed to each organisation in step
        where they are linked; one organisation failing does not stop the others."""
        tenants = self.env["xero.tenant"].search(
            [("xero_contacts_in_step", "=", True), ("connection_id.state", "=", "connected")]
        )
        for tenant in tenants:  # a job per organisation
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_push_contacts",
                tenant,
                key=f"xero-contacts:{tenant.id}",
                lock=f"contacts:{tenant.id}",
                description=_("Partners changed in Odoo to Xero: %s", tenant.name),
                background=True,  # keeps the day's reserve for exports
            )
        # partners linked nowhere in step: nothing to send
        dirty = self.search([("xero_contact_dirty", "=", True)], limit=5000)
        in_step = self.env["xero.partner.binding"].search(
            [
                ("partner_id", "in", dirty.ids),
                ("tenant_id.xero_contacts_in_step", "=", True),
                ("contact_id", "!=", False),
            ]
        )
        (dirty - in_step.partner_id).with_context(xero_from_xero=True).write({"xero_contact_dirty": False})
        return True

    @api.model
    def _xero_push_contacts(self, tenant, limit=1000):
        """Push ``tenant``'s linked partners changed in Odoo; returns {partner: result}. A
        partner whose push failed stays marked (tried again next run, its error on its link)."""
        bindings = self.env["xero.partner.binding"].search(
            [
                ("tenant_id", "=", tenant.id),
                ("contact_id", "!=", False),
                ("partner_id.xero_contact_dirty", "=", True),
            ],
            limit=limit,
        )
        if not bindings:
            return {}
        results = bindings.partner_id.with_context(xero_from_xero=True)._xero_update_contacts(tenant)
        done = self.browse([p.id for p, r in results.items() if r["status"] == "updated"])
        # still marked only if another organisation in step has yet to receive it
        others = self.env["xero.partner.binding"].search(
            [
                ("partner_id", "in", done.ids),
                ("tenant_id", "!=", tenant.id),
                ("tenant_id.xero_contacts_in_step", "=", True),
                ("contact_id", "!=", False),
            ]
        )
        (done - others.partner_id).with_context(xero_from_xero=True).write({"xero_contact_dirty": False})
        return results
