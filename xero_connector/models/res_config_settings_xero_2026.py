from odoo import api, fields, models

from .. import const
from .xero_budget import scope_granted


class ResConfigSettings(models.TransientModel):
    """Xero in 2026: which features the login's scopes leave out, and the daily budget's
    reserve for exports and users."""

    _inherit = "res.config.settings"

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
            granted = settings.xero_connection_id.sudo().scope
            if not settings.xero_connection_id or not granted:
                settings.xero_scope_warnings = False
                continue
            missing = [
                self.env._("%(feature)s needs %(scope)s", feature=feature, scope=scope)
                for scope, feature in features
                if not scope_granted(scope, granted)
            ]
            settings.xero_scope_warnings = "\n".join(missing) or False
