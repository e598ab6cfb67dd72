from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..utils import notification


class XeroPaymentsWizard(models.TransientModel):
    """M-Power's "Update/View Payments": read Xero's payments of a date range (for reports),
    apply those on exported documents, then show them."""

    _name = "xero.payments.wizard"
    _description = "Get Xero payments"

    tenant_id = fields.Many2one(
        "xero.tenant", "Organisation", required=True, default=lambda self: self.env.company.xero_tenant_id
    )
    date_from = fields.Date("From", required=True, default=lambda self: fields.Date.today().replace(day=1))
    date_to = fields.Date("To", required=True, default=fields.Date.today)
    result = fields.Text(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(_("The start date must not be after the end date."))

    def action_get_payments(self):
        """The Get Xero Payments button."""
        self.ensure_one()
        XeroPayment = self.env["xero.payment"]._xero_check_payment_sync(self.tenant_id)
        stats = XeroPayment._xero_sync_payments(
            self.tenant_id, date_from=self.date_from, date_to=self.date_to
        )
        self.result = XeroPayment._xero_payment_summary(self.tenant_id, stats)
        domain = [
            ("tenant_id", "=", self.tenant_id.id),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        # The summary always; the list only when it has something to show.
        if not XeroPayment.search_count(domain, limit=1):
            return notification(
                _("Xero payments"),
                _(
                    "%(summary)s Xero holds no payment of %(org)s dated %(start)s to %(end)s.",
                    summary=self.result,
                    org=self.tenant_id.name,
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                ),
                "info",
                next_action={"type": "ir.actions.act_window_close"},
            )
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_payment")
        action["domain"] = domain
        action["context"] = {}
        return notification(_("Xero payments"), self.result, "success", next_action=action)
