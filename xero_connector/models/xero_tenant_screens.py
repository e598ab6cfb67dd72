"""What the organisation form opens: Odoo's copy of the organisation's Xero lists (contacts,
items, tax rates, accounts, tracking, currencies), its background refreshes and the contact
import, so that none of them needs a menu entry of its own."""

from odoo import _, models
from odoo.exceptions import UserError

# The lists the organisation form's smart buttons open (the ``xero_list`` context key).
CACHE_LISTS = {
    "contacts": "xero_connector.action_xero_contact",
    "items": "xero_connector.action_xero_item",
    "tax_rates": "xero_connector.action_xero_tax_rate",
    "accounts": "xero_connector.action_xero_account",
    "tracking": "xero_connector.action_xero_tracking_category",
    "currencies": "xero_connector.action_xero_currency",
    "branding_themes": "xero_connector.action_xero_branding_theme",
    "refreshes": "xero_connector.action_xero_cache_refresh_request",
}


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    def action_open_cache_list(self):
        """A smart button of the organisation form: one of its Xero lists, this organisation's
        rows only (the button names the list in its context)."""
        self.ensure_one()
        xmlid = CACHE_LISTS.get(self.env.context.get("xero_list"))
        if not xmlid:
            raise UserError(_("This button opens none of the organisation's Xero lists."))
        return self._action_mapping_list(xmlid)

    def action_open_contact_import(self):
        """Import contacts from Xero, preset to this organisation."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "xero_connector.action_xero_contact_import_wizard"
        )
        action["context"] = {"default_tenant_id": self.id}
        return action
