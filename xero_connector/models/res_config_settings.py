from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import const
from ..limits import scope_granted

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

    # ------------------------------------------------------------------------------------
    # Document lines (per-line items, lines left out)
    # ------------------------------------------------------------------------------------

    xero_single_item_mode = fields.Boolean(related="company_id.xero_single_item_mode", readonly=False)
    xero_exclude_nonpositive_lines = fields.Boolean(
        related="company_id.xero_exclude_nonpositive_lines", readonly=False
    )
    xero_credit_product_id = fields.Many2one(related="company_id.xero_credit_product_id", readonly=False)

    # ------------------------------------------------------------------------------------
    # After an export (Update Status)
    # ------------------------------------------------------------------------------------

    xero_update_status = fields.Selection(related="company_id.xero_update_status", readonly=False)

    # ------------------------------------------------------------------------------------
    # Payments both ways and webhooks
    # ------------------------------------------------------------------------------------

    xero_payments_from_xero = fields.Boolean(related="company_id.xero_payments_from_xero", readonly=False)
    xero_payments_to_xero = fields.Boolean(related="company_id.xero_payments_to_xero", readonly=False)
    xero_webhook_key = fields.Char(
        "Xero webhook key",
        config_parameter="xero_connector.webhook_key",
        groups="base.group_system",
        help="The signing key of the Xero app's webhook (developer portal > Webhooks).",
    )
    xero_webhook_url = fields.Char("Webhook URL", compute="_compute_xero_webhook_url")

    @api.depends("company_id")
    def _compute_xero_webhook_url(self):
        base = (self.env.company.get_base_url() or "").rstrip("/")
        for settings in self:
            settings.xero_webhook_url = f"{base}{const.WEBHOOK_PATH}"

    # ------------------------------------------------------------------------------------
    # Purchase orders
    # ------------------------------------------------------------------------------------

    xero_po_mode = fields.Selection(related="company_id.xero_po_mode", readonly=False)
    xero_po_trigger = fields.Selection(related="company_id.xero_po_trigger", readonly=False)
    xero_po_status = fields.Selection(related="company_id.xero_po_status", readonly=False)

    # ------------------------------------------------------------------------------------
    # Balances as manual journals
    # ------------------------------------------------------------------------------------

    xero_journals_enabled = fields.Boolean(related="company_id.xero_journals_enabled", readonly=False)
    xero_journals_journal_ids = fields.Many2many(
        related="company_id.xero_journals_journal_ids", readonly=False
    )
    xero_journals_cogs_lines = fields.Boolean(related="company_id.xero_journals_cogs_lines", readonly=False)
    xero_journals_start_date = fields.Date(related="company_id.xero_journals_start_date", readonly=False)
    xero_journals_hour = fields.Integer(related="company_id.xero_journals_hour", readonly=False)
    xero_journals_problems = fields.Text(related="company_id.xero_journals_problems")
    xero_journals_synced_at = fields.Datetime(related="company_id.xero_tenant_id.xero_journals_synced_at")

    def action_xero_sync_journals(self):
        """Synchronize now, for this company's organisation (saving the settings first)."""
        self.ensure_one()
        tenant = self.company_id.xero_tenant_id
        # Checked before the settings are saved: nothing is written for another company's organisation.
        self.env["xero.access"]._xero_check_access("manager", tenant, "write")
        self.execute()
        if not tenant:
            raise UserError(self.env._("Choose the Xero organisation of %s first.", self.company_id.name))
        return tenant.action_xero_sync_journals()

    # ------------------------------------------------------------------------------------
    # Xero in 2026: scopes and the day's reserve
    # ------------------------------------------------------------------------------------

    xero_background_reserve = fields.Float(
        "Reserve for exports and users (%)",
        config_parameter=const.PARAM_PREFIX + "background_reserve",
        default=const.BACKGROUND_RESERVE,
        help="Background work (cache refresh, payment sync) stops when only this share of an "
        "organisation's daily Xero calls is left, so exports and users always have calls.",
    )
    xero_scope_warnings = fields.Text(
        "Features without their Xero permission", compute="_compute_xero_scopes"
    )

    @api.depends("xero_connection_id")
    def _compute_xero_scopes(self):
        features = self.env["xero.tenant"]._xero_scope_features()
        for settings in self:
            granted = settings.xero_connection_id.scope  # administrators read logins (access rights)
            if not settings.xero_connection_id or not granted:
                settings.xero_scope_warnings = False
                continue
            missing = [
                self.env._("%(feature)s needs %(scope)s", feature=feature, scope=scope)
                for scope, feature in features
                if not scope_granted(scope, granted)
            ]
            settings.xero_scope_warnings = "\n".join(missing) or False
