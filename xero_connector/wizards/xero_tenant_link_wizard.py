from odoo import api, fields, models


class XeroTenantLinkWizard(models.TransientModel):
    """M-Power's "Show Xero Tenants": the organisations a Xero login was granted, as Xero
    lists them now, which of them Odoo has linked, and a way to add another."""

    _name = "xero.tenant.link.wizard"
    _description = "Xero organisations of a login"

    connection_id = fields.Many2one("xero.connection", required=True, readonly=True)
    line_ids = fields.One2many("xero.tenant.link.wizard.line", "wizard_id", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        connection = self.env["xero.connection"].browse(
            values.get("connection_id") or self.env.context.get("active_id")
        )
        if connection:
            # default_get is callable by anyone over RPC: Xero is asked only for one's own login.
            self.env["xero.access"]._xero_check_access("owner_or_system", connection)
            values["connection_id"] = connection.id
            Tenant = self.env["xero.tenant"].with_context(active_test=False)
            lines = []
            for remote in connection._fetch_connections():
                tenant = Tenant.search([("tenant_id", "=", str(remote.tenant_id))], limit=1)
                lines.append(
                    fields.Command.create(
                        {
                            "name": remote.tenant_name,
                            "tenant_ref": str(remote.tenant_id),
                            "tenant_id": tenant.id,
                            "linked": bool(tenant.active),
                        }
                    )
                )
            values["line_ids"] = lines
        return values

    def action_link(self):
        """Link every organisation the login was granted (creates or updates them)."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("owner", self.connection_id)
        self.connection_id._sync_tenants()  # their own login (checked): the token store does the rest
        return self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_tenant")

    def action_add_organisation(self):
        self.ensure_one()
        return self.connection_id.action_add_organisation()
