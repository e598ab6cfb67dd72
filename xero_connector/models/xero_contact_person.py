"""The contact persons of a cached Xero contact."""

from odoo import api, fields, models


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
