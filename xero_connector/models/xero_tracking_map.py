"""Odoo analytic account ↔ Xero tracking option, per organisation."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Xero allows two active tracking categories on a line.
MAX_TRACKING_CATEGORIES = 2


class XeroTrackingMap(models.Model):
    """Analytic account ↔ tracking option in one organisation. Xero takes at most two tracking
    categories on a line, so the mappings of one organisation may use at most two."""

    _name = "xero.tracking.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero tracking option of an analytic account"
    _order = "tenant_id, analytic_account_id"
    _xero_target_field = "option_id"

    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Analytic account", required=True, ondelete="cascade", index=True
    )
    option_id = fields.Many2one(
        "xero.tracking.option",
        string="Tracking option",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    category_id = fields.Many2one(
        related="option_id.category_id", store=True, string="Tracking category", index=True
    )

    _sql_constraints = [
        (
            "tenant_analytic_unique",
            "unique(tenant_id, analytic_account_id)",
            "An analytic account is mapped once per organisation.",
        )
    ]

    @api.constrains("option_id", "tenant_id")
    def _check_at_most_two_categories(self):
        for tenant in self.tenant_id:
            categories = self.search([("tenant_id", "=", tenant.id)]).category_id
            if len(categories) > MAX_TRACKING_CATEGORIES:
                raise ValidationError(
                    _(
                        "Xero takes at most %(max)s tracking categories on a line, but the analytic "
                        "mappings of %(org)s would use %(count)s: %(categories)s. Map analytic "
                        "accounts to options of at most two categories.",
                        max=MAX_TRACKING_CATEGORIES,
                        org=tenant.name,
                        count=len(categories),
                        categories=", ".join(categories.mapped("name")),
                    )
                )
