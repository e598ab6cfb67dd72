"""*Export all to Xero* from an invoice or bill list (OpenCRM's "Send All Live Invoices"):
what that list shows (its action's domain and filters, the companies selected in the top
bar, or the selected rows) and is posted but not yet in Xero, counted and named before
anything is sent; the answer names what went and what did not."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import const
from ..const import XERO_TYPES
from ..utils import notification

# Names listed in a message before "and N more".
NAMES_SHOWN = 10


def _names(moves):
    names = moves.mapped("name")
    if len(names) > NAMES_SHOWN:
        return _(
            "%(names)s and %(more)s more", names=", ".join(names[:NAMES_SHOWN]), more=len(names) - NAMES_SHOWN
        )
    return ", ".join(names)


class XeroExportAllWizard(models.TransientModel):
    _name = "xero.export.all.wizard"
    _description = "Export all to Xero"

    move_ids = fields.Many2many("account.move", string="Documents", readonly=True)
    move_count = fields.Integer("Documents to export", compute="_compute_move_count")

    @api.depends("move_ids")
    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.move_ids)

    @api.model
    def _documents_of_list(self, selected, domain):
        """The documents the list shows (``selected`` rows, else its ``domain``), in the
        companies selected in the top bar, posted and not yet in Xero."""
        Move = self.env["account.move"]
        scope = [
            ("move_type", "in", list(XERO_TYPES)),
            ("state", "=", "posted"),
            ("xero_id", "=", False),
            ("xero_tenant_id", "!=", False),
            ("company_id", "in", self.env.companies.ids),
        ]
        if selected:
            return selected.filtered_domain(scope)
        return Move.search([*(domain or []), *scope], order="invoice_date, name")

    @api.model
    def _action_open(self, selected, domain):
        moves = self._documents_of_list(selected, domain)
        self.env["account.move"]._check_xero_user(moves)
        if not moves:
            raise UserError(
                _(
                    "Nothing to export: this list shows no posted invoice, credit note or bill that is not in Xero yet."
                )
            )
        wizard = self.create({"move_ids": [fields.Command.set(moves.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": _("Export to Xero"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_export(self):
        """Send the counted documents; the answer names them and opens them in a list."""
        self.ensure_one()
        moves = self.move_ids._xero_exportable()
        self.env["account.move"]._check_xero_user(moves)
        if not moves:
            raise UserError(_("Nothing to export: these documents are in Xero already."))
        if len(moves) > const.BACKGROUND_EXPORT_ABOVE:
            return moves._xero_export_in_background()
        result = moves._xero_export()
        failed = moves.browse([m.id for m in result["failed"]])
        queued = moves.browse([m.id for m in result.get("queued") or {}])
        differs = result.get("differs") or moves.browse()
        exported = (result["exported"] - differs) & moves
        parts = []
        if exported:
            parts.append(_("Exported to Xero: %(docs)s.", docs=_names(exported)))
        if differs:
            parts.append(_("Linked but differ in Xero: %(docs)s.", docs=_names(differs)))
        if queued:
            parts.append(_("Waiting in the queue: %(docs)s.", docs=_names(queued)))
        if failed:
            parts.append(_("Not exported: %(docs)s (see their Xero tab).", docs=_names(failed)))
        trouble = bool(failed or queued or differs)
        return notification(
            _("Export to Xero"),
            " ".join(parts) or _("Nothing was exported."),
            "warning" if trouble else "success",
            sticky=trouble,
            next_action={
                "type": "ir.actions.act_window",
                "name": _("Sent to Xero"),
                "res_model": "account.move",
                "views": [(self.env.ref("account.view_invoice_tree").id, "list"), (False, "form")],
                "domain": [("id", "in", moves.ids)],
                "context": {"create": False},
                "target": "current",
            },
        )
