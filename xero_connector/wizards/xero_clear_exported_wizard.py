from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import XERO_GONE_STATUSES
from ..errors import XeroError
from ..utils import xero_kind


class XeroClearExportedWizard(models.TransientModel):
    """M-Power's "Clear Exported Status": after the document was deleted or voided in Xero,
    forget the link so that it can be exported again. Xero is asked first; only a Xero
    manager may force it while Xero still holds the document, and must say why."""

    _name = "xero.clear.exported.wizard"
    _description = "Clear exported status"

    move_id = fields.Many2one("account.move", required=True, readonly=True)
    xero_status = fields.Char("Status in Xero now", compute="_compute_xero_status", store=True)
    gone_in_xero = fields.Boolean(compute="_compute_xero_status", store=True)
    check_error = fields.Char(
        "Xero could not be asked", compute="_compute_xero_status", store=True, readonly=True
    )
    reason = fields.Char(help="Why the link is cleared although Xero still has the document.")

    @api.model_create_multi
    def create(self, vals_list):
        # Creating the wizard asks Xero about the document: only for a Xero user who may see it.
        moves = self.env["account.move"].browse(
            [vals.get("move_id") for vals in vals_list if vals.get("move_id")]
        )
        self.env["account.move"]._check_xero_user(moves)
        return super().create(vals_list)

    @api.depends("move_id")
    def _compute_xero_status(self):
        """Ask Xero what became of the document before forgetting the link. Only Xero's own
        answer counts as gone — 404, or status DELETED/VOIDED; an outage, a rate limit or a
        login to reconnect leaves the question open (``check_error``), never "deleted"."""
        for wizard in self:
            move = wizard.move_id
            status, error = False, False
            if move.xero_id:
                kind = xero_kind(move.move_type)
                try:
                    answer = move.xero_tenant_id._xero_call(
                        _("checking %(doc)s", doc=move.name), kind.get_one, params={kind.id_arg: move.xero_id}
                    )
                    element = (answer.get(kind.endpoint) or [{}])[0]
                    if element.get(kind.id_key) == move.xero_id:
                        status = element.get("Status") or False
                    if not status:
                        error = _("Xero's answer did not name %s.", move.name)
                except XeroError as failure:
                    if failure.status == 404:
                        status = "DELETED"  # Xero itself no longer knows it
                    else:
                        error = str(failure)
                except UserError as failure:
                    error = str(failure)
            wizard.xero_status = status
            wizard.check_error = error
            wizard.gone_in_xero = status in XERO_GONE_STATUSES

    def action_clear(self):
        self.ensure_one()
        move = self.move_id
        move._check_xero_user(move)
        if not move.xero_id:
            raise UserError(_("%s is not marked as exported.", move.name))
        if self.gone_in_xero:
            move._xero_clear_exported(_("%(status)s in Xero.", status=self.xero_status))
        else:
            if self.check_error and not self.env.user.has_group("xero_connector.group_xero_manager"):
                raise UserError(
                    _(
                        "%(doc)s was not cleared: Xero could not say whether it still has it (%(error)s). "
                        "Try again later; only a Xero manager may clear it without Xero's answer.",
                        doc=move.name,
                        error=self.check_error,
                    )
                )
            if not self.env.user.has_group("xero_connector.group_xero_manager"):
                raise AccessError(
                    _(
                        "%(doc)s is still %(status)s in Xero. Delete or void it there first; only a Xero manager "
                        "may clear it anyway.",
                        doc=move.name,
                        status=self.xero_status,
                    )
                )
            if not (self.reason or "").strip():
                raise UserError(
                    _("Say why the exported status is cleared while Xero still has the document.")
                )
            move._xero_clear_exported(
                _(
                    "forced by %(user)s while %(status)s in Xero: %(reason)s",
                    user=self.env.user.name,
                    status=self.xero_status or _("unknown"),
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}
