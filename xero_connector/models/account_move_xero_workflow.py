"""What happens around an export (M-Power's "Update Status" and payment URL, OpenCRM's
"buttons shown only while the integration is on and connected"):

- the company chooses what marks an invoice as sent once it is in Xero: nothing, "sent", or
  the invoice email itself;
- Xero's online payment link, fetched after export when the company asks for it, is printed
  on the invoice PDF and offered in the invoice email;
- Xero buttons show only while the company has a connected organisation.
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    xero_company_connected = fields.Boolean(
        "Xero connected",
        compute="_compute_xero_company_connected",
        help="The document's company has a Xero organisation reachable through a connected Xero login.",
    )

    @api.depends("company_id.xero_tenant_id", "xero_tenant_id")
    def _compute_xero_company_connected(self):
        tenants = (self.xero_tenant_id | self.company_id.xero_tenant_id).sudo()
        connected = {
            tenant.id
            for tenant in tenants
            if tenant.connection_id.state == "connected"
            or self.env["xero.connection"]
            .sudo()
            .search_count([("tenant_ids", "in", tenant.ids), ("state", "=", "connected")], limit=1)
        }
        for move in self:
            tenant = move.xero_tenant_id or move.company_id.xero_tenant_id
            move.xero_company_connected = bool(move.xero_id) or tenant.id in connected

    def action_xero_export_all_from_list(self):
        """The list's *Export all to Xero* button: a list header button passes the selected
        ids (none here); every posted document of the user's companies not yet in Xero goes."""
        action = self.env["account.move"].action_xero_export_all()
        action["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return action

    def _xero_after_export(self, tenant):
        result = super()._xero_after_export(tenant)
        sales = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund") and m.xero_id)
        to_mark = sales.filtered(lambda m: m.company_id.xero_update_status == "sent" and not m.is_move_sent)
        if to_mark:
            to_mark._xero_write_fields({"is_move_sent": True})
        to_email = sales.filtered(
            lambda m: m.company_id.xero_update_status == "email" and not m.is_move_sent and m.partner_id.email
        )
        for move in to_email:
            try:
                with self.env.cr.savepoint():
                    self.env["account.move.send"]._generate_and_send_invoices(
                        move, allow_raising=True, sending_methods={"email"}
                    )
            except (UserError, ValidationError) as error:  # the export stands; the email is sent by hand
                move.message_post(body=_("In Xero, but the invoice email could not be sent: %s", error))
        return result

    def _xero_payment_link(self):
        """Xero's online payment link when the company shows it, else False."""
        self.ensure_one()
        if self.company_id.xero_fetch_online_invoice and self.move_type == "out_invoice":
            return self.xero_online_url or False
        return False


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_mail_body(self, move, mail_template, mail_lang):
        body = super()._get_default_mail_body(move, mail_template, mail_lang)
        link = move._xero_payment_link()
        if not link:
            return body
        return Markup('%s<p>%s <a href="%s">%s</a></p>') % (
            body or "",
            move.with_context(lang=mail_lang).env._("Pay this invoice online:"),
            link,
            link,
        )
