"""One product category of the category link wizard and the Xero item chosen for it."""

from odoo import fields, models


class XeroCategoryLinkWizardLine(models.TransientModel):
    _name = "xero.category.link.wizard.line"
    _description = "Product category to link to a Xero item"
    _order = "categ_complete_name, id"

    wizard_id = fields.Many2one("xero.category.link.wizard", required=True, ondelete="cascade")
    tenant_id = fields.Many2one(related="wizard_id.tenant_id")
    categ_id = fields.Many2one("product.category", string="Category", required=True, readonly=True)
    categ_complete_name = fields.Char(related="categ_id.complete_name", store=True)
    item_id = fields.Many2one("xero.item", string="Xero item", domain="[('tenant_id', '=', tenant_id)]")
