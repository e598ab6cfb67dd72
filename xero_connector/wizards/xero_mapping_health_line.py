"""One finding of the mapping health report: what is not mapped, how many open documents
need it, and the action that fixes it."""

from odoo import _, fields, models

from ..utils import notification
from .xero_mapping_health import KINDS


class XeroMappingHealthLine(models.TransientModel):
    _name = "xero.mapping.health.line"
    _description = "Something unmapped that open documents need"
    _order = "kind, document_count desc, name"

    health_id = fields.Many2one("xero.mapping.health", required=True, ondelete="cascade")
    tenant_id = fields.Many2one(related="health_id.tenant_id")
    kind = fields.Selection(KINDS, string="What", required=True)
    name = fields.Char("Needs a mapping", required=True)
    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True)
    document_count = fields.Integer("Documents", help="Open documents that need it.")

    def action_fix(self):
        """Open what fixes this line: the partner form, the product link wizard, the mapping
        record (created empty if missing), or the organisation's defaults."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self.tenant_id)
        tenant = self.tenant_id
        record = self.env[self.res_model].browse(self.res_id)
        if self.kind == "currency":
            return notification(
                _("Add %(currency)s in Xero", currency=record.name),
                _(
                    "%(org)s does not use %(currency)s: add it in Xero (Settings > Currencies), then refresh the "
                    "Xero cache.",
                    org=tenant.name,
                    currency=record.name,
                ),
                "warning",
                sticky=True,
            )
        if self.kind == "product":
            return self.env["xero.product.link.wizard"]._action_open(tenant, record.product_tmpl_id)
        if self.kind in ("partner", "tax_default"):
            return {
                "type": "ir.actions.act_window",
                "res_model": self.res_model,
                "res_id": self.res_id,
                "view_mode": "form",
                "target": "current",
            }
        model, field = {
            "tax": ("xero.tax.map", "tax_id"),
            "tax_rate": ("xero.tax.map", "tax_id"),
            "tax_rate_confirmed": ("xero.tax.map", "tax_id"),
            "account": ("xero.account.map", "account_id"),
            "analytic": ("xero.tracking.map", "analytic_account_id"),
        }[self.kind]
        mapping = self.env[model].search([("tenant_id", "=", tenant.id), (field, "=", record.id)], limit=1)
        if not mapping and model != "xero.tracking.map" and self.env[model].has_access("create"):
            mapping = self.env[model].create({"tenant_id": tenant.id, field: record.id})
        action = {
            "type": "ir.actions.act_window",
            "name": record.display_name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_tenant_id": tenant.id, f"default_{field}": record.id},
        }
        if mapping:
            action["res_id"] = mapping.id
        return action
