from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.xero_cache_request import CACHE_LISTS
from ..utils import notification


class XeroCacheRefreshWizard(models.TransientModel):
    """Refresh the Xero cache (M-Power's "Refresh the Xero Cache" menu): some lists or
    everything, one organisation or all, incremental or a full reload. Small refreshes run at
    once and say what changed; large ones go to the background and notify when done."""

    _name = "xero.cache.refresh.wizard"
    _description = "Refresh Xero Cache"

    everything = fields.Boolean(
        default=True,
        help="Every list: contacts, items, tax rates, accounts, tracking, branding themes, currencies.",
    )
    refresh_contacts = fields.Boolean("Contacts")
    refresh_items = fields.Boolean("Items")
    refresh_tax_rates = fields.Boolean("Tax rates")
    refresh_accounts = fields.Boolean("Accounts")
    refresh_tracking = fields.Boolean("Tracking categories")
    refresh_branding_themes = fields.Boolean("Branding themes")
    refresh_currencies = fields.Boolean("Currencies")
    tenant_scope = fields.Selection(
        [("one", "One organisation"), ("all", "All organisations")], default="one", required=True
    )
    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", default=lambda self: self._default_tenant()
    )
    full_reload = fields.Boolean(
        help="Read every record again instead of only what changed since the last refresh, and archive what "
        "Xero deleted. Slower; runs in the background."
    )

    @api.model
    def _default_tenant(self):
        return self.env.company.xero_tenant_id or self.env["xero.tenant"].search([], limit=1)

    # ------------------------------------------------------------------------------------
    def _selected_lists(self):
        self.ensure_one()
        if self.everything:
            return list(CACHE_LISTS)
        return [key for key in CACHE_LISTS if self[f"refresh_{key}"]]

    def _selected_tenants(self):
        self.ensure_one()
        tenants = self.env["xero.tenant"].search([]) if self.tenant_scope == "all" else self.tenant_id
        if not tenants:
            raise UserError(_("Choose the Xero organisation whose cache to refresh."))
        return tenants

    def _runs_in_background(self, lists, tenants):
        """The wizard cannot know how large a refresh will be, so it goes by what usually is:
        everything, a full reload, or contacts of several organisations."""
        return self.everything or self.full_reload or ("contacts" in lists and len(tenants) > 1)

    def action_refresh(self):
        self.ensure_one()
        lists = self._selected_lists()
        if not lists:
            raise UserError(_("Tick at least one list to refresh, or Everything."))
        tenants = self._selected_tenants()
        self.env["xero.access"]._xero_check_access("user", tenants)
        if self._runs_in_background(lists, tenants):
            request = self.env["xero.cache.refresh.request"].create(
                {
                    "tenant_ids": [fields.Command.set(tenants.ids)],
                    "lists": ",".join(lists),
                    "full": self.full_reload,
                }
            )
            return notification(
                _("Xero cache refresh started"),
                _(
                    "The refresh of %(orgs)s runs in the background: its progress shows here, and you will be "
                    "notified when it is done.",
                    orgs=", ".join(tenants.mapped("name")),
                ),
                "info",
                next_action=request.run_id._action_open(),
            )
        Request = self.env["xero.cache.refresh.request"]
        results = Request._refresh_cache(tenants, lists, full=self.full_reload)
        outcomes = [
            isinstance(per_list, str) or "error" in stats
            for per_list in results.values()
            for stats in (per_list.values() if isinstance(per_list, dict) else [{}])
        ]
        if outcomes and all(outcomes):
            return self._notification(
                _("Xero cache not refreshed"), Request._cache_summary(results), "danger"
            )
        kind = "warning" if any(outcomes) else "success"
        return self._notification(_("Xero cache refreshed"), Request._cache_summary(results), kind)

    @staticmethod
    def _notification(title, message, kind):
        return notification(title, message, kind, next_action={"type": "ir.actions.act_window_close"})
