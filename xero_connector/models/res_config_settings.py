from odoo import api, fields, models

from .. import const

# Settings that only Settings administrators may read: with the client secret anyone could
# act as the Xero app, with the webhook key forge a signed webhook.
SECRET_FIELDS = ("xero_client_secret", "xero_webhook_key")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_client_id = fields.Char("Xero client id", config_parameter=const.PARAM_PREFIX + "client_id")
    xero_client_secret = fields.Char(
        "Xero client secret",
        config_parameter=const.PARAM_PREFIX + "client_secret",
        groups="base.group_system",
    )
    xero_scopes = fields.Char(
        "Xero scopes", config_parameter=const.PARAM_PREFIX + "scopes", default=const.DEFAULT_SCOPES
    )
    xero_authorize_url = fields.Char(
        "Authorise URL",
        config_parameter=const.PARAM_PREFIX + "authorize_url",
        default=const.DEFAULT_ENDPOINTS["authorize_url"],
    )
    xero_token_url = fields.Char(
        "Token URL",
        config_parameter=const.PARAM_PREFIX + "token_url",
        default=const.DEFAULT_ENDPOINTS["token_url"],
    )
    xero_revoke_url = fields.Char(
        "Revoke URL",
        config_parameter=const.PARAM_PREFIX + "revoke_url",
        default=const.DEFAULT_ENDPOINTS["revoke_url"],
    )
    xero_connections_url = fields.Char(
        "Connections URL",
        config_parameter=const.PARAM_PREFIX + "connections_url",
        default=const.DEFAULT_ENDPOINTS["connections_url"],
    )
    xero_api_url = fields.Char(
        "Accounting API URL",
        config_parameter=const.PARAM_PREFIX + "api_url",
        default=const.DEFAULT_ENDPOINTS["api_url"],
    )
    xero_redirect_uri = fields.Char("Redirect URI", compute="_compute_xero_redirect_uri")
    xero_tenant_id = fields.Many2one(
        related="company_id.xero_tenant_id", readonly=False, string="Xero organisation of this company"
    )
    xero_invoice_status = fields.Selection(related="company_id.xero_invoice_status", readonly=False)
    xero_date_method = fields.Selection(related="company_id.xero_date_method", readonly=False)
    xero_due_date_on_drafts = fields.Boolean(related="company_id.xero_due_date_on_drafts", readonly=False)
    xero_export_zero_lines = fields.Boolean(related="company_id.xero_export_zero_lines", readonly=False)
    xero_auto_create_contacts = fields.Boolean(related="company_id.xero_auto_create_contacts", readonly=False)
    xero_auto_export_sales = fields.Boolean(related="company_id.xero_auto_export_sales", readonly=False)
    xero_auto_export_purchases = fields.Boolean(
        related="company_id.xero_auto_export_purchases", readonly=False
    )
    xero_lock_exported = fields.Boolean(related="company_id.xero_lock_exported", readonly=False)
    xero_block_email_before_export = fields.Boolean(
        related="company_id.xero_block_email_before_export", readonly=False
    )
    xero_fetch_online_invoice = fields.Boolean(related="company_id.xero_fetch_online_invoice", readonly=False)
    xero_allocate_credit_notes = fields.Boolean(
        related="company_id.xero_allocate_credit_notes", readonly=False
    )
    xero_attach_pdf = fields.Boolean(related="company_id.xero_attach_pdf", readonly=False)
    xero_connection_id = fields.Many2one("xero.connection", compute="_compute_xero_connection")
    xero_connection_state = fields.Selection(related="xero_connection_id.state")
    xero_connection_count = fields.Integer(compute="_compute_xero_connection")

    @api.model
    def default_get(self, fields_list):
        """res.config.settings reads its ``config_parameter`` fields as superuser, and
        ``default_get`` (also behind ``onchange``) checks no access: a secret is left out
        unless the caller is a Settings administrator."""
        values = super().default_get(fields_list)
        if not self.env.is_system():
            for name in SECRET_FIELDS:
                values.pop(name, None)
        return values

    def get_values(self):
        values = super().get_values()
        if not self.env.is_system():
            for name in SECRET_FIELDS:
                values.pop(name, None)
        return values

    @api.depends("company_id")
    def _compute_xero_redirect_uri(self):
        for settings in self:
            settings.xero_redirect_uri = self.env["xero.connection"]._get_redirect_uri()

    @api.depends("company_id")
    def _compute_xero_connection(self):
        Connection = self.env["xero.connection"]
        for settings in self:
            mine = Connection.search(
                [("user_id", "=", self.env.uid), ("company_id", "=", settings.company_id.id)], limit=1
            )
            settings.xero_connection_id = mine
            settings.xero_connection_count = Connection.search_count([])

    def action_xero_connect(self):
        self.env["xero.access"]._xero_check_access("owner", self.xero_connection_id)
        self.execute()
        return self.env["xero.connection"]._start_authorization(connection=self.xero_connection_id or None)

    def action_xero_check_authentication(self):
        return self.xero_connection_id.action_check_authentication()

    def action_xero_disconnect(self):
        return self.xero_connection_id.action_disconnect()

    def action_xero_organisations(self):
        self.env["xero.access"]._xero_check_access("user")
        return self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_tenant")
