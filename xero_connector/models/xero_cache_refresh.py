"""The Xero cache refresh: reads an organisation's lists from Xero and upserts them into the
cache models (models/xero_cache.py). Runs at once from the wizard for small refreshes, in the
background (``xero.cache.refresh.request`` + cron) for large ones, and nightly for everyone.

Call budget (Xero allows 60 calls a minute and 5,000 a day per organisation): contacts come in
pages of 1,000 and Xero's ``pagination`` block says when to stop, so 10,000 contacts cost 10
calls; every other list is one call. Contacts, items and accounts are asked for with
If-Modified-Since set to the latest UpdatedDateUTC already cached (Xero's clock, not Odoo's),
so an unchanged refresh costs one call per list and writes nothing."""

import logging
import threading
from datetime import UTC

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..errors import XeroRetryLater

_logger = logging.getLogger(__name__)

CONTACTS_PAGE_SIZE = 1000

# The lists, in refresh order (settings before what refers to them).
CACHE_LISTS = ("currencies", "tax_rates", "accounts", "tracking", "items", "contacts")


def _testing():
    return getattr(threading.current_thread(), "testing", False)


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    # Xero's time of the latest change already cached (its UpdatedDateUTC), per list with
    # If-Modified-Since: the next refresh asks only for what changed after it.
    xero_cache_contacts_synced_at = fields.Datetime("Contacts cached up to", readonly=True, copy=False)
    xero_cache_items_synced_at = fields.Datetime("Items cached up to", readonly=True, copy=False)
    xero_cache_accounts_synced_at = fields.Datetime("Accounts cached up to", readonly=True, copy=False)
    xero_cache_refreshed_at = fields.Datetime(
        "Cache refreshed",
        readonly=True,
        copy=False,
        help="When Odoo last refreshed its copy of Xero's lists.",
    )
    xero_contact_ids = fields.One2many("xero.contact", "tenant_id", string="Xero contacts", readonly=True)
    xero_item_ids = fields.One2many("xero.item", "tenant_id", string="Xero items", readonly=True)
    xero_tax_rate_ids = fields.One2many("xero.tax.rate", "tenant_id", string="Xero tax rates", readonly=True)
    xero_account_ids = fields.One2many("xero.account", "tenant_id", string="Xero accounts", readonly=True)
    xero_tracking_category_ids = fields.One2many(
        "xero.tracking.category", "tenant_id", string="Xero tracking categories", readonly=True
    )
    xero_currency_ids = fields.One2many("xero.currency", "tenant_id", string="Xero currencies", readonly=True)

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_open_cache_refresh(self):
        """The refresh wizard, preset to this organisation."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Refresh Xero cache"),
            "res_model": "xero.cache.refresh.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_tenant_scope": "one", "default_tenant_id": self.id},
        }

    # ------------------------------------------------------------------------------------
    # Refresh engine
    # ------------------------------------------------------------------------------------
    def _refresh_cache(self, lists=None, full=False):
        """Refresh the cache of these organisations. ``lists`` ⊆ CACHE_LISTS (all when None);
        ``full`` ignores If-Modified-Since and archives what Xero no longer lists.

        Returns {tenant id: {list: {"created", "updated", "archived", "unchanged", "calls"}}}.
        Writes run as superuser (the cache is read-only for users), while Xero is called with
        the acting user's own login when they have one."""
        unknown = set(lists or ()) - set(CACHE_LISTS)
        if unknown:
            raise UserError(_("Unknown Xero lists: %(lists)s", lists=", ".join(sorted(unknown))))
        wanted = [key for key in CACHE_LISTS if lists is None or key in lists]
        results = {}
        for tenant in self:
            tenant._lock_for_cache_refresh()
            results[tenant.id] = {}
            for key in wanted:
                started = fields.Datetime.now()
                try:
                    # One list refused (say a 403 for a scope the login lacks) fails alone: the
                    # other lists, contacts included, are refreshed all the same.
                    with self.env.cr.savepoint():
                        stats = getattr(tenant, f"_refresh_cache_{key}")(full)
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
            tenant.sudo().xero_cache_refreshed_at = fields.Datetime.now()
        return results

    def _lock_for_cache_refresh(self):
        """One refresh per organisation at a time: two at once (the nightly job and someone's
        wizard) would create the same records twice and the second would fail on the unique
        key at commit, after all its calls to Xero. The row lock lasts until the transaction
        ends."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM xero_tenant WHERE id = %s FOR NO KEY UPDATE NOWAIT", [self.id]
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                _(
                    "The Xero cache of %(org)s is being refreshed already; try again in a moment.",
                    org=self.name,
                )
            ) from error

    @staticmethod
    def _xero_since(moment):
        """If-Modified-Since as Xero's spec wants it: an aware UTC datetime."""
        return moment.replace(tzinfo=UTC) if moment else None

    def _refresh_cache_contacts(self, full):
        """Every contact changed since the last refresh, archived ones included, 1,000 a page.
        Stops at the page count Xero's pagination block gives (or, without one, at the first
        page holding fewer than 1,000)."""
        self.ensure_one()
        Contact = self.env["xero.contact"].sudo()
        since = False if full else self.xero_cache_contacts_synced_at
        stats = dict(Contact._xero_new_stats(), calls=0)
        seen = set()
        newest = since
        page = 1
        while True:
            kwargs = {"page": page, "page_size": CONTACTS_PAGE_SIZE, "include_archived": True}
            if since:
                kwargs["if_modified_since"] = self._xero_since(since)
            body = self._xero_call(
                _("reading contacts (page %(page)s)", page=page), "get_contacts", params=kwargs
            )
            stats["calls"] += 1
            docs = body.get("Contacts") or []
            newest = max(filter(None, [newest, Contact._xero_upsert(self, docs, stats, seen)]), default=False)
            page_count = (body.get("pagination") or {}).get("pageCount")
            if len(docs) < CONTACTS_PAGE_SIZE or (page_count is not None and page >= page_count):
                break
            page += 1
        if not since:
            Contact._xero_archive_missing(self, seen, stats)
        if newest:
            self.sudo().xero_cache_contacts_synced_at = newest
        return stats

    def _refresh_cache_incremental(self, model, key, method, operation, collection, full, **kwargs):
        """One call for a list that takes If-Modified-Since (items, accounts)."""
        self.ensure_one()
        Model = self.env[model].sudo()
        since_field = f"xero_cache_{key}_synced_at"
        since = False if full else self[since_field]
        if since:
            kwargs["if_modified_since"] = self._xero_since(since)
        body = self._xero_call(operation, method, params=kwargs)
        stats = dict(Model._xero_new_stats(), calls=1)
        seen = set()
        docs = body.get(collection) or []
        newest = Model._xero_upsert(self, docs, stats, seen)
        if not since:
            Model._xero_archive_missing(self, seen, stats)
        if newest and (not since or newest > since):
            self.sudo()[since_field] = newest
        return stats

    def _refresh_cache_items(self, full):
        # unitdp=4: Xero keeps item prices to 4 decimals but answers 2 unless asked.
        return self._refresh_cache_incremental(
            "xero.item", "items", "get_items", _("reading items"), "Items", full, unitdp=4
        )

    def _refresh_cache_accounts(self, full):
        return self._refresh_cache_incremental(
            "xero.account", "accounts", "get_accounts", _("reading accounts"), "Accounts", full
        )

    def _refresh_cache_complete(self, model, method, operation, collection, **kwargs):
        """One call for a list Xero always answers whole (no If-Modified-Since): what it no
        longer holds was deleted there."""
        self.ensure_one()
        Model = self.env[model].sudo()
        body = self._xero_call(operation, method, params=kwargs)
        stats = dict(Model._xero_new_stats(), calls=1)
        seen = set()
        Model._xero_upsert(self, body.get(collection) or [], stats, seen)
        Model._xero_archive_missing(self, seen, stats)
        return stats, body

    def _refresh_cache_tax_rates(self, full):
        return self._refresh_cache_complete(
            "xero.tax.rate", "get_tax_rates", _("reading tax rates"), "TaxRates"
        )[0]

    def _refresh_cache_currencies(self, full):
        return self._refresh_cache_complete(
            "xero.currency", "get_currencies", _("reading currencies"), "Currencies"
        )[0]

    def _refresh_cache_tracking(self, full):
        """Categories with their options, archived ones included; options are counted with
        their categories."""
        stats, body = self._refresh_cache_complete(
            "xero.tracking.category",
            "get_tracking_categories",
            _("reading tracking categories"),
            "TrackingCategories",
            include_archived=True,
        )
        Category = self.env["xero.tracking.category"].sudo().with_context(active_test=False)
        Option = self.env["xero.tracking.option"].sudo()
        categories = body.get("TrackingCategories") or []
        category_ids = {
            category.xero_id: category.id
            for category in Category.search(
                [
                    ("tenant_id", "=", self.id),
                    ("xero_id", "in", [c["TrackingCategoryID"] for c in categories]),
                ]
            )
        }
        options, parent = [], {}
        for category in categories:
            for option in category.get("Options") or []:
                options.append(option)
                parent[option["TrackingOptionID"]] = category_ids[category["TrackingCategoryID"]]
        seen = set()
        Option._xero_upsert(
            self,
            options,
            stats,
            seen,
            extra_vals=lambda doc: {"category_id": parent[doc["TrackingOptionID"]]},
        )
        Option._xero_archive_missing(self, seen, stats)
        return stats

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
            "items": _("Items"),
            "contacts": _("Contacts"),
        }

    @api.model
    def _cache_summary(self, results):
        """One line per organisation: "Alpha: Contacts 12 new, 1 updated, 1 archived; ..."."""
        lines = []
        labels = self._cache_list_labels()
        for tenant_id, per_list in results.items():
            tenant = self.browse(tenant_id)
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
    # Nightly refresh
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_refresh_cache_nightly(self):
        """Every connected organisation, every list, incrementally. One organisation failing
        (say its login needs reconnecting) does not stop the others; each is committed on its
        own so a late failure keeps the earlier organisations' work."""
        self = self.with_context(xero_background=True)  # noqa: PLW0642 - keeps the day's reserve for exports
        tenants = self.search([("connection_id.state", "=", "connected")])
        Cron = self.env["ir.cron"]
        for done, tenant in enumerate(tenants, start=1):
            try:
                with self.env.cr.savepoint():
                    tenant._refresh_cache()
            except UserError as error:
                _logger.warning("Nightly Xero cache refresh of %s failed: %s", tenant.name, error)
            Cron._notify_progress(done=done, remaining=len(tenants) - done)
            if not _testing():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
