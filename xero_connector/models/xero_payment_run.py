"""*Sync payments now* on an organisation with more than a page to read (a large one's first
sync, or one long unsynced): the first page is read within the button's request as always, and
when Xero says more pages follow, the rest goes page by page as jobs (the cron's, see
``xero.payment._xero_sync_payments_step``) with a background run for the user: its progress
bar moves a step per page, and the last page tells the user what came, with a button opening
the organisation's payments. Otherwise the whole sync answers at once, as before."""

from odoo import _, api, models

from ..utils import notification
from .xero_payment import CHANGED_LISTS

STAT_KEYS = ("calls", "seen", "created", "flagged")


class XeroPayment(models.Model):
    _inherit = "xero.payment"

    @api.model
    def _xero_sync_notification(self, tenants):
        """The "Sync payments now" button (the caller checked ``_xero_check_payment_sync``): a
        sync of each organisation, one notification; it opens the background run of an
        organisation whose sync goes on page by page."""
        messages = []
        runs = self.env["xero.background.run"]
        for tenant in tenants:
            stats, run = self._xero_sync_payments_now(tenant)
            if run:
                runs |= run
                messages.append(
                    _(
                        "%(org)s: more than a page of changes to read in Xero; %(seen)s read so far, the "
                        "rest follows in the background, page by page: the progress shows here, and you "
                        "are told when it is done.",
                        org=tenant.name,
                        seen=stats["seen"],
                    )
                )
            else:
                messages.append(self._xero_payment_summary(tenant, stats))
        if len(runs) > 1:
            next_action = self.env["ir.actions.actions"]._for_xml_id(
                "xero_connector.action_xero_background_run"
            )
            next_action["domain"] = [("id", "in", runs.ids)]
        else:
            next_action = runs._action_open() if runs else None
        return notification(
            _("Xero payments"), "\n".join(messages), "info" if runs else "success", next_action=next_action
        )

    @api.model
    def _xero_sync_payments_now(self, tenant):
        """What changed in ``tenant``'s Xero, read within this request while each list fits in
        one page; at the first list with a further page, the pages read are kept and the rest is
        queued as the page-by-page jobs, with a background run. Returns (stats, the run or
        None); stats: {"calls", "seen", "created", "flagged"}, or {"busy": True}."""
        tenant.ensure_one()
        if not self._xero_lock_payments(tenant):
            return {"busy": True}, None
        tenant = tenant.with_env(self.env)
        stats = dict.fromkeys(STAT_KEYS, 0)
        touched = set()
        for index, spec in enumerate(CHANGED_LISTS):
            next_page = self._xero_read_changed(tenant, spec, stats, touched, one_page=True)
            if next_page:
                self._xero_apply_touched(tenant, touched, stats)
                run = self.env["xero.background.run"]._xero_start(
                    "payments", _("Xero payment sync of %s", tenant.name), 0
                )
                totals = self._xero_payment_run_moved(tenant, stats, index, (spec[0], next_page), run.id, {})
                self._xero_enqueue_sync(tenant, spec[0], next_page, run.id, totals)
                return stats, run
        self._xero_apply_touched(tenant, touched, stats)
        return stats, None

    @api.model
    def _xero_payment_run_moved(self, tenant, stats, index, following, run_id, totals):
        """A page of the user's sync ``run_id`` is done (``stats``, of the ``index``-th of
        CHANGED_LISTS): its progress is the pages read of the pages read and still to read (the
        rest of this list, as Xero's page count says, and a page for each list not begun); with
        nothing ``following``, the run ends. Returns the totals so far."""
        run = self.env["xero.background.run"].browse(run_id)
        left = stats.pop("pages_left", 0)  # none when this list ended
        totals = {key: (totals or {}).get(key, 0) + stats.get(key, 0) for key in STAT_KEYS}
        if following:
            run.total_count = totals["calls"] + left + len(CHANGED_LISTS) - index - 1
            run._xero_progress(totals["calls"])
        else:
            message = self._xero_payment_summary(tenant, totals)
            run._xero_finish(
                _("Xero payments"), message, "success", tenant, tenant.action_xero_open_payments()
            )
        return totals

    @api.model
    def _xero_payment_run_busy(self, tenant, run_id, totals):
        """Another sync of the organisation holds it: the user's run ends saying so (that sync
        reads the same pages)."""
        run = self.env["xero.background.run"].browse(run_id)
        message = self._xero_payment_summary(tenant, {"busy": True})
        run._xero_finish(_("Xero payments"), message, "warning", tenant, tenant.action_xero_open_payments())

    @api.model
    def _xero_payment_run_failed(self, tenant, collection, page, error, run_id, totals):
        """A page of the user's sync failed (Xero refused it or kept failing): the run ends
        saying so; the pages before it are kept, and the next sync goes on from there."""
        run = self.env["xero.background.run"].browse(run_id)
        message = _(
            "%(org)s: the payment sync stopped at %(list)s page %(page)s (%(error)s). The pages read "
            "before are kept (%(seen)s Xero payment(s) read, %(created)s Odoo payment(s) created); the "
            "next sync goes on from there.",
            org=tenant.name,
            list=collection,
            page=page,
            error=error.args[0] if error.args else error,
            seen=(totals or {}).get("seen", 0),
            created=(totals or {}).get("created", 0),
        )
        run._xero_finish(_("Xero payments"), message, "warning", tenant, tenant.action_xero_open_payments())
