"""The Xero cache refresh: reads an organisation's lists from Xero and upserts them into the
cache models (one file each: xero_contact.py, xero_item.py...; each reads its own list in
``_xero_refresh``). Runs at once from the wizard for small refreshes, in the background (a
request here + the cron "Xero: refresh cache") for large ones, and nightly for everyone.

Call budget (Xero allows 60 calls a minute and 5,000 a day per organisation): contacts come in
pages of 1,000 and Xero's ``pagination`` block says when to stop, so 10,000 contacts cost 10
calls; every other list is one call. Contacts, items and accounts are asked for with
If-Modified-Since set to the latest UpdatedDateUTC already cached (Xero's clock, not Odoo's),
so an unchanged refresh costs one call per list and writes nothing."""

import json
import logging
import time

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..errors import XeroRetryLater
from ..utils import run_cron_batches

_logger = logging.getLogger(__name__)

# The lists, in refresh order (settings before what refers to them), and their cache models.
CACHE_LISTS = {
    "currencies": "xero.currency",
    "tax_rates": "xero.tax.rate",
    "accounts": "xero.account",
    "tracking": "xero.tracking.category",
    "branding_themes": "xero.branding.theme",
    "items": "xero.item",
    "contacts": "xero.contact",
}

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
    run_id = fields.Many2one("xero.background.run", string="Progress", readonly=True, ondelete="set null")

    @api.model_create_multi
    def create(self, vals_list):
        # each request's run, shown to the user who asked (who may not change requests)
        Run = self.env["xero.background.run"]
        for vals in vals_list:
            user = self.env["res.users"].browse(vals.get("user_id") or self.env.uid)
            vals["run_id"] = Run._xero_start("cache", _("Xero cache refresh"), 0, user=user).id
        requests = super().create(vals_list)
        for request in requests:
            count = len(request.tenant_ids)
            request.run_id.write(
                {
                    "total_count": count,
                    "name": _("Xero cache refresh of %(count)s organisation(s)", count=count),
                }
            )
        self.env.ref("xero_connector.ir_cron_xero_cache_refresh")._trigger()
        return requests

    def _list_keys(self):
        self.ensure_one()
        return [key for key in (self.lists or "").split(",") if key]

    # ------------------------------------------------------------------------------------
    # The refresh engine
    # ------------------------------------------------------------------------------------
    @api.model
    def _refresh_cache(self, tenants, lists=None, full=False):
        """Refresh the cache of these organisations. ``lists`` ⊆ CACHE_LISTS (all when None);
        ``full`` ignores If-Modified-Since and archives what Xero no longer lists.

        Returns {tenant id: {list: {"created", "updated", "archived", "unchanged", "calls"}}}.
        Writes run as superuser (the cache is read-only for users), while Xero is called with
        the user and context of ``tenants`` (their own login when they have one)."""
        unknown = set(lists or ()) - set(CACHE_LISTS)
        if unknown:
            raise UserError(_("Unknown Xero lists: %(lists)s", lists=", ".join(sorted(unknown))))
        wanted = [key for key in CACHE_LISTS if lists is None or key in lists]
        results = {}
        for tenant in tenants:
            self._lock_for_cache_refresh(tenant)
            results[tenant.id] = {}
            for key in wanted:
                started = fields.Datetime.now()
                try:
                    # One list refused (say a 403 for a scope the login lacks) fails alone: the
                    # other lists, contacts included, are refreshed all the same.
                    with self.env.cr.savepoint():
                        stats = tenant.env[CACHE_LISTS[key]]._xero_refresh(tenant, full)
                except XeroRetryLater:
                    raise  # the day's budget (or a long Retry-After): the whole refresh waits
                except UserError as error:
                    _logger.warning("Xero cache of %s: %s failed: %s", tenant.name, key, error)
                    results[tenant.id][key] = {"error": str(error)}
                    continue
                _logger.info(
                    "Xero cache of %s: %s %s (%.1fs)",
                    tenant.name,
                    key,
                    stats,
                    (fields.Datetime.now() - started).total_seconds(),
                )
                results[tenant.id][key] = stats
            self.env["xero.contact"]._xero_stamp(tenant, {"xero_cache_refreshed_at": fields.Datetime.now()})
        return results

    @api.model
    def _lock_for_cache_refresh(self, tenant):
        """One refresh per organisation at a time: two at once (the nightly job and someone's
        wizard) would create the same records twice and the second would fail on the unique
        key at commit, after all its calls to Xero. The row lock lasts until the transaction
        ends."""
        tenant.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM xero_tenant WHERE id = %s FOR NO KEY UPDATE NOWAIT", [tenant.id]
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                _(
                    "The Xero cache of %(org)s is being refreshed already; try again in a moment.",
                    org=tenant.name,
                )
            ) from error

    # ------------------------------------------------------------------------------------
    # Reporting
    # ------------------------------------------------------------------------------------
    @api.model
    def _cache_list_labels(self):
        return {
            "currencies": _("Currencies"),
            "tax_rates": _("Tax rates"),
            "accounts": _("Accounts"),
            "tracking": _("Tracking categories"),
            "branding_themes": _("Branding themes"),
            "items": _("Items"),
            "contacts": _("Contacts"),
        }

    @api.model
    def _cache_summary(self, results):
        """One line per organisation: "Alpha: Contacts 12 new, 1 updated, 1 archived; ..."."""
        lines = []
        labels = self._cache_list_labels()
        for tenant_id, per_list in results.items():
            tenant = self.env["xero.tenant"].browse(tenant_id)
            if isinstance(per_list, str):  # an error message
                lines.append(_("%(org)s: %(error)s", org=tenant.name, error=per_list))
                continue
            parts = [
                self.env._("%(list)s not refreshed: %(error)s", list=labels[key], error=stats["error"])
                if "error" in stats
                else self.env._(
                    "%(list)s %(created)s new, %(updated)s updated, %(archived)s archived",
                    list=labels[key],
                    created=stats["created"],
                    updated=stats["updated"],
                    archived=stats["archived"],
                )
                for key, stats in per_list.items()
            ]
            lines.append(_("%(org)s: %(lists)s", org=tenant.name, lists="; ".join(parts)))
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_refresh_cache_nightly(self):
        """Every connected organisation, every list, incrementally: a job per organisation, so
        one failing (say its login needs reconnecting) or answering late does not stop the
        others."""
        tenants = (
            self.env["xero.tenant"]
            .search([("connection_id.state", "=", "connected")])
            .sorted(lambda t: (bool(t.xero_cache_refreshed_at), t.xero_cache_refreshed_at or t.create_date))
        )
        for tenant in tenants:  # a job each, the longest unrefreshed first
            self.env["xero.job"]._xero_enqueue(
                self,
                "_refresh_cache",
                tenant,
                key=f"xero-cache:{tenant.id}",
                lock=f"cache:{tenant.id}",
                description=_("Nightly Xero cache refresh of %s", tenant.name),
                background=True,  # keeps the day's reserve for exports
            )
        return True

    @api.model
    def _cron_process(self):
        """Work through pending requests one organisation at a time, committing after each,
        within a time budget; report progress so Odoo re-runs the job while work remains."""
        self = self.with_context(xero_background=True)  # noqa: PLW0642 - keeps the day's reserve for exports
        started = time.monotonic()
        pending = self.search([("state", "in", ("pending", "running"))], order="id")
        # One step per organisation left (a request with none left still needs its finish).
        steps = [
            request
            for request in pending
            for _n in range(max(1, len(request.tenant_ids - request.tenant_done_ids)))
        ]
        done = []

        def step(request):
            if time.monotonic() - started > CRON_TIME_BUDGET_SECONDS:
                return  # out of time: left for the next run
            request._process_next_tenant()
            done.append(request)

        run_cron_batches(self.env, steps, step, lambda request: f"cache refresh request {request.id}")
        pending = self.search([("state", "in", ("pending", "running"))])
        remaining = sum(len(request.tenant_ids - request.tenant_done_ids) for request in pending)
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)
        return True

    def _process_next_tenant(self):
        """Refresh the next organisation of this request as the user who asked, with their
        rights checked now as the wizard checks them (a user who left the organisation's
        company since asking gets a refusal, not a refresh through another user's login);
        their own Xero login is used when they have one. Finish the request after the last."""
        self.ensure_one()
        results = json.loads(self.result_json or "{}")
        todo = self.tenant_ids - self.tenant_done_ids
        if todo:
            tenant = todo[0]
            self.state = "running"
            as_user = tenant.with_user(self.user_id)
            try:
                with self.env.cr.savepoint():
                    as_user.env["xero.access"]._xero_check_access("user", as_user)
                    outcome = self._refresh_cache(as_user, self._list_keys(), full=self.full).get(tenant.id)
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
            self.run_id._xero_progress(len(self.tenant_done_ids))
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
        Request = self.with_context(lang=self.user_id.lang)
        summary = Request._cache_summary({int(key): value for key, value in results.items()})
        self.write(
            {
                "state": "failed" if failed and len(failed) == len(results) else "done",
                "summary": summary,
                "date_done": fields.Datetime.now(),
            }
        )
        title = Request.env._("Xero cache refreshed")
        kind = "warning" if failed or partly else "success"
        action = {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }
        if self.run_id:
            self.run_id._xero_finish(title, summary, kind, self, action)
        else:  # a request from before background runs
            self.env["xero.job"]._xero_tell_user(self.user_id, title, summary, self, kind=kind, action=action)
