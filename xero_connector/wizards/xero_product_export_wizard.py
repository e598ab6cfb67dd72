"""*Export product to Xero*: creates Xero items for the chosen products of one organisation."""

from odoo import fields, models

from .xero_product_link_wizard import _export_notification


class XeroProductExportWizard(models.TransientModel):
    """ "Export product to Xero": which organisation, then the products go as items."""

    _name = "xero.product.export.wizard"
    _description = "Export products to Xero"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    product_tmpl_ids = fields.Many2many("product.template", string="Products", required=True)

    def action_export(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        self.env["xero.access"]._xero_check_access("manager", self.product_tmpl_ids)
        links, errors = self.product_tmpl_ids._xero_export_items(self.tenant_id)
        return _export_notification(self.tenant_id, links, errors)
