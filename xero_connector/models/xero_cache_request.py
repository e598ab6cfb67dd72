import json
import logging
import threading
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# A cron run stops taking new organisations after this long and reports what is left: Odoo
# then runs it again at once (ir.cron progress API), so no run nears the worker time limit.
CRON_TIME_BUDGET_SECONDS = 60


class XeroCacheRefreshRequest(models.Model):
    """A cache refresh too large to run while the user waits (every list, contacts of several
    organisations, or a full reload): the wizard queues it here and triggers the cron
    "Xero: refresh cache", which works through it one organisation at a time, then notifies
    the user. The record keeps the outcome."""

    _name = "xero.cache.refresh.request"
    _description = "Xero Cache Refresh Request"
    _order = "id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Requested by",
        required=True,
        default=lambda self: self.env.user,
        ondelete="cascade",
    )
    tenant_ids = fields.Many2many("xero.tenant", string="Organisations", required=True)
    tenant_done_ids = fields.Many2many(
        "xero.tenant",
        "xero_cache_refresh_request_done_rel",
        "request_id",
        "tenant_id",
        string="Organisations done",
        readonly=True,
    )
    lists = fields.Char(required=True, help="Comma-separated lists: contacts, items, tax_rates, ...")
    full = fields.Boolean("Full reload")
    state = fields.Selection(
        [("pending", "Pending"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
    )
    result_json = fields.Text(readonly=True, help="Counts per organisation and list, or the error.")
    summary = fields.Text(readonly=True)
    date_done = fields.Datetime("Finished", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        self.env.ref("xero_connector.ir_cron_xero_cache_refresh")._trigger()
        return requests

    def _list_keys(self):
        self.ensure_one()
        return [key for key in (self.lists or "").split(",") if key]

    # ------------------------------------------------------------------------------------
    # Processing (cron)
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_process(self):
        """Work through pending requests one organisation at a time, committing after each,
        within a time budget; report progress so Odoo re-runs the job while work remains."""
        self = self.with_context(xero_background=True)  # noqa: PLW0642 - keeps the day's reserve for exports
        started = time.monotonic()
        done = 0
        while True:
            request = self.search([("state", "in", ("pending", "running"))], order="id", limit=1)
            if not request:
                break
            request._process_next_tenant()
            done += 1
            if not getattr(threading.current_thread(), "testing", False):
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if time.monotonic() - started > CRON_TIME_BUDGET_SECONDS:
                break
        pending = self.search([("state", "in", ("pending", "running"))])
        remaining = sum(len(request.tenant_ids - request.tenant_done_ids) for request in pending)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    def _process_next_tenant(self):
        """Refresh the next organisation of this request as the user who asked (their own
        Xero login is used when they have one); finish the request after the last."""
        self.ensure_one()
        results = json.loads(self.result_json or "{}")
        todo = self.tenant_ids - self.tenant_done_ids
        if todo:
            tenant = todo[0]
            self.state = "running"
            try:
                with self.env.cr.savepoint():
                    outcome = (
                        tenant.with_user(self.user_id)
                        ._refresh_cache(self._list_keys(), full=self.full)
                        .get(tenant.id)
                    )
            except UserError as error:
                _logger.warning("Xero cache refresh of %s failed: %s", tenant.name, error)
                outcome = str(error)
            except Exception:  # one organisation's failure is reported, not fatal
                _logger.exception("Xero cache refresh of %s failed", tenant.name)
                outcome = self.env._("an unexpected error stopped it (details in the server log)")
            results[str(tenant.id)] = outcome
            self.write(
                {"result_json": json.dumps(results), "tenant_done_ids": [fields.Command.link(tenant.id)]}
            )
        if not self.tenant_ids - self.tenant_done_ids:
            self._finish(results)

    def _finish(self, results):
        self.ensure_one()
        failed = [value for value in results.values() if isinstance(value, str)]
        partly = [
            value
            for value in results.values()
            if not isinstance(value, str) and any("error" in stats for stats in value.values())
        ]
        Tenant = self.env["xero.tenant"].with_context(lang=self.user_id.lang)
        summary = Tenant._cache_summary({int(key): value for key, value in results.items()})
        self.write(
            {
                "state": "failed" if failed and len(failed) == len(results) else "done",
                "summary": summary,
                "date_done": fields.Datetime.now(),
            }
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "warning" if failed or partly else "success",
                "title": Tenant.env._("Xero cache refreshed"),
                "message": summary,
                "sticky": True,
            },
        )
