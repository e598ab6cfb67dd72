"""Automatic updates (MRPeasy's "the invoice is updated → updated in Xero if Xero accepts"):
with the company setting on, an exported invoice, credit note or bill changed in Odoo (reset
to draft, edited, posted again: possible once exported documents are not locked) is queued,
and the update queue sends its new state to Xero through the same update as *Update in Xero*
(``_xero_update_in_xero``, through the sender). Xero refusing the change (a document paid or
voided there) leaves it *Differs in Xero*, flagged with Xero's own words; Xero asking to wait
leaves it queued.

Items on export (MRPeasy): with the company setting on, a product on a document being exported
that has no Xero item (its own link or its category's) is created as an item first
(``product.template._xero_export_items``: linked to Xero's item of the same code when there is
one, the 30-character code rule and every other problem named before anything is sent)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..errors import XeroRetryLater
from ..utils import xero_kind

# Changes of these fields (not Xero's own ``xero_*`` write-back) queue an exported document.
WATCHED = frozenset(
    {
        "state",
        "invoice_line_ids",
        "line_ids",
        "partner_id",
        "invoice_date",
        "invoice_date_due",
        "ref",
        "currency_id",
        "payment_reference",
    }
)


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_auto_update = fields.Boolean(
        "Send changes to Xero",
        help="Invoices, credit notes and bills changed in Odoo after their export are sent again to Xero by the "
        "queue while Xero accepts changes; otherwise they show as Differs in Xero.",
    )

    xero_export_on_send = fields.Boolean(
        "Export invoices when sent",
        help="Momentus' trigger: sending a customer invoice or credit note (Send & Print, or marking it sent) "
        "puts it in the export queue.",
    )
    xero_auto_create_items = fields.Boolean(
        "Create missing Xero items",
        help="A product on an exported document that has no Xero item becomes one (its internal reference as "
        "the item code, at most 30 characters) before the document is sent.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_auto_update = fields.Boolean(related="company_id.xero_auto_update", readonly=False)
    xero_auto_create_items = fields.Boolean(related="company_id.xero_auto_create_items", readonly=False)
    xero_export_on_send = fields.Boolean(related="company_id.xero_export_on_send", readonly=False)


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_update_queued = fields.Boolean(
        "Update queued for Xero",
        copy=False,
        readonly=True,
        help="Changed since its export: the queue sends it.",
    )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("is_move_sent"):
            self._xero_queue_on_send()
        if WATCHED & vals.keys() and not self.env.context.get("xero_importing"):
            changed = self.filtered(
                lambda m: m.xero_id
                and not m.xero_imported
                and m.state == "posted"
                and not m.xero_update_queued
                and m.company_id.xero_auto_update
            )
            if changed:
                changed._xero_write_fields({"xero_update_queued": True})
        return result

    def _xero_queue_on_send(self):
        """Momentus: the invoice sent (Send & Print, marked sent) joins the export queue."""
        sent = self.filtered(
            lambda m: m.company_id.xero_export_on_send
            and m.move_type in ("out_invoice", "out_refund")
            and m.state == "posted"
            and m.xero_tenant_id
            and not m.xero_id
            and m.xero_export_state not in ("queued", "exported")
        )
        if sent:
            sent._xero_write_fields({"xero_export_state": "queued"})
            sent._xero_wake_queue()

    @api.model
    def _cron_xero_update_queue(self):
        """Every organisation with queued updates, one call of ``_xero_send_updates`` each."""
        queued = self.search([("xero_update_queued", "=", True)], limit=5000)
        for tenant in queued.xero_tenant_id:  # a job per organisation
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_send_updates",
                tenant,
                key=f"xero-updates:{tenant.id}",
                lock=f"updates:{tenant.id}",
                description=_("Changed documents to Xero: %s", tenant.name),
                background=True,  # keeps the day's reserve for exports
            )
        return True

    @api.model
    def _xero_send_updates(self, tenant, limit=500):
        """Send ``tenant``'s queued changes; returns {"updated", "differs", "waiting"}."""
        stats = {"updated": 0, "differs": 0, "waiting": 0}
        moves = self.search(
            [("xero_tenant_id", "=", tenant.id), ("xero_update_queued", "=", True)], limit=limit, order="id"
        )
        for move in moves:
            payload, problems = move._xero_payload(move._xero_export_context(tenant))
            if problems:
                move._xero_refused_update("\n".join(problems))
                stats["differs"] += 1
                continue
            linked = {**payload, xero_kind(move.move_type).id_key: move.xero_id}
            if move.xero_fingerprint in (move._xero_fingerprint(payload), move._xero_fingerprint(linked)):
                move._xero_write_fields({"xero_update_queued": False})
                continue
            try:
                move._xero_update_in_xero(tenant, payload)
            except XeroRetryLater:
                stats["waiting"] += 1
                continue
            except UserError as error:
                move._xero_refused_update(str(error))
                stats["differs"] += 1
                continue
            move._xero_write_fields({"xero_update_queued": False})
            move._message_log(body=_("Changed in Odoo, updated in Xero (status %s).", move.xero_status))
            stats["updated"] += 1
        return stats

    # ------------------------------------------------------------------------------------
    # Items on export
    # ------------------------------------------------------------------------------------
    def _xero_ready(self, tenant, result):
        self._xero_ensure_items(tenant, result)
        return super()._xero_ready(tenant, result)

    def _xero_ensure_items(self, tenant, result):
        """Products of these documents without a Xero item become items first; a product
        that cannot (a code over 30 characters, an unmapped tax…) fails its documents with
        the reason and what to fix."""
        documents = self.filtered(lambda d: d.company_id.xero_auto_create_items and d not in result["failed"])
        products = documents.invoice_line_ids.product_id
        if not products:
            return
        items = products._xero_items_by_product(tenant)
        missing = products.filtered(lambda p: not items[p.id])
        if not missing:
            return
        try:
            _links, errors = missing.product_tmpl_id._xero_export_items(tenant)
        except XeroRetryLater:
            raise
        except UserError as error:
            errors = [str(error)]
        if not errors:
            return
        still = missing.filtered(lambda p: not p._xero_item(tenant))
        for document in documents.filtered(lambda d: d.invoice_line_ids.product_id & still):
            result["failed"][document] = _(
                "%(doc)s was not sent to Xero: Xero items could not be created for %(products)s.\n%(errors)s",
                doc=document.name,
                products=", ".join((document.invoice_line_ids.product_id & still).mapped("display_name")),
                errors="\n".join(errors),
            )

    def _xero_refused_update(self, reason):
        """Xero (or the payload) refused the change: *Differs in Xero*, with why."""
        self.ensure_one()
        self._xero_write_fields(
            {"xero_update_queued": False, "xero_export_state": "differs", "xero_difference": reason[:250]}
        )
        self._xero_flag_difference(
            reason,
            _(
                "%(doc)s changed in Odoo but Xero did not take the change: %(reason)s. Correct it in Xero "
                "(credit note or void), or clear its exported status.",
                doc=self.name,
                reason=reason,
            ),
        )
