"""A row of the Xero variance report: one Odoo document, or one Xero document no Odoo
document is linked to, with both sides' values and what differs."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..utils import deep_link, notification

STATES = [
    ("not_exported", "Not exported"),
    ("changed", "Changed in Odoo after export"),
    ("differs", "Differs in Xero"),
    ("gone", "Voided or deleted in Xero"),
    ("xero_only", "In Xero only"),
    ("equal", "Exported and equal"),
]


class XeroVarianceLine(models.TransientModel):
    _name = "xero.variance.line"
    _inherit = ["xero.currency.totals.mixin"]
    _description = "Xero variance report row"
    _order = "state_sequence, odoo_date, name, id"
    _check_company_auto = True
    _xero_amount_fields = ("odoo_total", "xero_total")
    _xero_open_groups = True

    report_id = fields.Many2one("xero.variance.report", required=True, ondelete="cascade", index=True)
    state = fields.Selection(STATES, string="Variance", required=True, readonly=True)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True, check_company=True)
    tenant_id = fields.Many2one("xero.tenant", string="Organisation", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, required=True)
    name = fields.Char("Number", readonly=True)
    move_type = fields.Selection(
        [
            ("out_invoice", "Customer invoice"),
            ("out_refund", "Credit note"),
            ("in_invoice", "Vendor bill"),
            ("in_refund", "Vendor refund"),
        ],
        string="Type",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", readonly=True)
    odoo_date = fields.Date("Date in Odoo", readonly=True)
    xero_date = fields.Date("Date in Xero", readonly=True)
    odoo_total = fields.Float("Total in Odoo", readonly=True, digits=(16, 2))
    xero_total = fields.Float("Total in Xero", readonly=True, digits=(16, 2))
    odoo_currency = fields.Char("Currency in Odoo", readonly=True)
    xero_currency = fields.Char("Currency in Xero", readonly=True)
    odoo_contact = fields.Char("Contact in Odoo", readonly=True)
    xero_contact = fields.Char("Contact in Xero", readonly=True)
    xero_id = fields.Char("Xero id", readonly=True)
    xero_number = fields.Char("Xero number", readonly=True)
    xero_status = fields.Char("Status in Xero", readonly=True)
    details = fields.Text("What differs", readonly=True)
    currency = fields.Char(
        compute="_compute_currency",
        store=True,
        help="The document's currency (Xero's for a row in Xero only).",
    )

    @api.depends("odoo_currency", "xero_currency")
    def _compute_currency(self):
        for line in self:
            line.currency = line.odoo_currency or line.xero_currency

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, _label) in enumerate(STATES)}
        for line in self:
            line.state_sequence = order.get(line.state, 99)

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_open_document(self):
        """A click on a row: the Odoo document, or the Xero one when Odoo has none."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        if self.move_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": self.move_id.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "current",
            }
        if not self.tenant_id.short_code:
            raise UserError(_("%s is not linked to an Odoo document.", self.name))
        view = "AccountsPayable" if (self.move_type or "").startswith("in_") else "AccountsReceivable"
        return {
            "type": "ir.actions.act_url",
            "target": "new",
            "url": deep_link(self.tenant_id.short_code, f"/{view}/View.aspx?InvoiceID={self.xero_id}"),
        }

    def action_export_documents(self):
        """Export the selected rows' documents that are not in Xero yet."""
        self.env["xero.access"]._xero_check_access("user", self)
        self.env["account.move"]._check_xero_user(self.move_id)
        moves = self.filtered(lambda line: line.state == "not_exported").move_id._xero_exportable()
        if not moves:
            raise UserError(_("Select rows that are not exported yet: the others are in Xero already."))
        result = moves._xero_export()
        for line in self.filtered(lambda line: line.move_id in result["exported"]):
            line._refresh_from_move()
        return self._notify(
            _("%(count)s document(s) exported to Xero.", count=len(result["exported"])),
            result["failed"],
        )

    def action_update_documents(self):
        """Send the selected rows' documents to Xero again (Update in Xero)."""
        self.env["xero.access"]._xero_check_access("user", self)
        self.env["account.move"]._check_xero_user(self.move_id)
        lines = self.filtered(lambda line: line.state in ("changed", "differs") and line.move_id.xero_id)
        if not lines:
            raise UserError(_("Select rows that are changed in Odoo or differ in Xero."))
        failed, updated = {}, 0
        for line in lines:
            try:
                with self.env.cr.savepoint():
                    line.move_id._xero_update(xero_differs=line.state == "differs")
            except UserError as error:
                failed[line.move_id] = str(error)
                continue
            updated += 1
            line._refresh_from_move()
        return self._notify(_("%(count)s document(s) updated in Xero.", count=updated), failed)

    def _refresh_from_move(self):
        """After an export or update from the report, the row shows what Xero answered."""
        move = self.move_id
        equal = not float_compare(
            move._xero_expected_total(), move.xero_total or 0.0, precision_rounding=move.currency_id.rounding
        )
        self.write(
            {
                "state": "equal" if equal else "differs",
                "xero_id": move.xero_id,
                "xero_number": move.xero_number,
                "xero_status": move.xero_status,
                "xero_total": move.xero_total,
                "xero_currency": move.currency_id.name,
                "details": False if equal else self.details,
            }
        )

    def _notify(self, message, failed):
        if failed:
            message += " " + _(
                "Not sent: %(docs)s",
                docs="; ".join(f"{move.name}: {error}" for move, error in failed.items()),
            )
        return notification(
            _("Xero"),
            message,
            "warning" if failed else "success",
            sticky=bool(failed),
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )
