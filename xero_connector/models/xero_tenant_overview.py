"""The Xero overview, a feature file of ``xero.tenant``: the overview's kanban card IS the
organisation record, so its counters, chart and buttons are fields and methods of the tenant.

One card per organisation, in the style of Odoo's accounting dashboard, with what an
accountant checks first — is the login alive, how much of Xero's rate limit is left, what is
queued, failed or differs, what still needs a mapping, when the cache, the payments and the
journals were last brought in — each number opening its list. The card's buttons only check
access and hand over to the feature's own button (``action_open_cache_refresh``…)."""

from datetime import timedelta

from odoo import _, fields, models
from odoo.tools import SQL, format_date

from ..charts import calls_chart_svg
from ..const import XERO_GONE_STATUSES, XERO_TYPES

CHART_DAYS = 7


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    overview_connection_state = fields.Selection(
        [
            ("connected", "Connected"),
            ("reconnect", "Reconnect needed"),
            ("disconnected", "Disconnected"),
            ("none", "No Xero login"),
        ],
        string="Connection",
        compute="_compute_overview",
    )
    overview_token_expires_at = fields.Datetime("Access token expires", compute="_compute_overview")
    overview_min_remaining = fields.Integer("Calls left this minute", compute="_compute_overview")
    overview_day_remaining = fields.Integer(
        "Calls left today (at the last call)", compute="_compute_overview"
    )
    overview_last_call_at = fields.Datetime("Last call", compute="_compute_overview")
    overview_queued_count = fields.Integer("Queued", compute="_compute_overview")
    overview_failed_count = fields.Integer("Failed", compute="_compute_overview")
    overview_differing_count = fields.Integer("Differing", compute="_compute_overview")
    overview_mapping_count = fields.Integer("To map", compute="_compute_overview")
    overview_error_count = fields.Integer("Errors (24 h)", compute="_compute_overview")
    overview_can_sync_journals = fields.Boolean(compute="_compute_overview")
    overview_chart = fields.Html("Calls per day", compute="_compute_overview", sanitize=False)

    def _compute_overview(self):
        # With the user's rights: logins of their companies, the log rows they may read.
        Connection = self.env["xero.connection"]
        Log = self.env["xero.sync.log"]
        counts = self._overview_document_counts()
        since = fields.Datetime.now() - timedelta(hours=24)
        can_sync_journals = self.env["xero.access"]._xero_is("manager")
        for tenant in self:
            connections = Connection.search([("tenant_ids", "in", tenant.ids)])
            mine = connections.filtered(lambda c: c.user_id == self.env.user)
            connection = (
                mine.filtered(lambda c: c.state == "connected")[:1]
                or Connection.search([("id", "=", tenant.connection_id.id)])
                or connections.filtered(lambda c: c.state == "connected")[:1]
                or mine[:1]
                or connections[:1]
            )
            tenant.overview_connection_state = connection.state if connection else "none"
            tenant.overview_token_expires_at = connection.token_expires_at if connection else False
            last = Log.search(
                [("tenant_id", "=", tenant.id), ("http_status", ">", 0)], limit=1, order="id desc"
            )
            tenant.overview_min_remaining = last.min_remaining
            tenant.overview_day_remaining = last.day_remaining
            tenant.overview_last_call_at = last.create_date
            tenant.overview_error_count = Log.search_count(
                [("tenant_id", "=", tenant.id), ("state", "=", "error"), ("create_date", ">=", since)]
            )
            tenant_counts = counts.get(tenant.id, {})
            tenant.overview_queued_count = tenant_counts.get("queued", 0)
            tenant.overview_failed_count = tenant_counts.get("error", 0)
            tenant.overview_differing_count = tenant_counts.get("differing", 0)
            tenant.overview_mapping_count = tenant._overview_mapping_count()
            tenant.overview_can_sync_journals = can_sync_journals
            tenant.overview_chart = tenant._overview_chart()

    def _overview_document_counts(self):
        """{tenant id: {"queued", "error", "differing": n}} in one query each, within the
        user's companies."""
        if not self.ids:
            return {}
        result = {}
        self._overview_flush()
        cr = self.env.cr
        cr.execute(
            """
            SELECT xero_tenant_id, xero_export_state, count(*)
              FROM account_move
             WHERE xero_tenant_id IN %s AND company_id IN %s AND xero_export_state IN ('queued', 'error')
                   AND xero_id IS NULL
             GROUP BY xero_tenant_id, xero_export_state
            """,
            [tuple(self.ids), tuple(self.env.companies.ids)],
        )
        for tenant_id, state, count in cr.fetchall():
            result.setdefault(tenant_id, {})[state] = count
        cr.execute(
            SQL(
                """
                SELECT xero_tenant_id, count(*)
                  FROM account_move
                 WHERE %s AND xero_tenant_id IN %s AND company_id IN %s
                 GROUP BY xero_tenant_id
                """,
                self._overview_differing_sql(),
                tuple(self.ids),
                tuple(self.env.companies.ids),
            )
        )
        for tenant_id, count in cr.fetchall():
            result.setdefault(tenant_id, {})["differing"] = count
        return result

    def _overview_flush(self):
        self.env["account.move"].flush_model(
            [
                "xero_tenant_id",
                "company_id",
                "xero_export_state",
                "xero_id",
                "xero_status",
                "xero_total",
                "amount_total",
                "xero_left_out_total",
            ]
        )

    @staticmethod
    def _overview_differing_sql():
        """Exported documents whose last known Xero state differs from Odoo's: another total
        (than Odoo's without the lines left out of Xero), or voided or deleted there."""
        return SQL(
            "xero_id IS NOT NULL AND (xero_status IN %s "
            "OR round(coalesce(xero_total, 0), 2) "
            "<> round(coalesce(amount_total, 0) - coalesce(xero_left_out_total, 0), 2))",
            tuple(XERO_GONE_STATUSES),
        )

    def _overview_mapping_count(self):
        """What Mapping health lists for this organisation, checked in memory (nothing stored)."""
        self.ensure_one()
        health = self.env["xero.mapping.health"].new({"tenant_id": self.id})
        health._check()
        return health.unmapped_count

    def _overview_chart(self):
        """Calls per day over the last 7 days (the user's days), errors apart, from the sync
        log: a chart with axes and the day under each bar (``charts.calls_chart_svg``)."""
        self.ensure_one()
        self.env["xero.sync.log"].flush_model(["tenant_id", "state"])
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        today = fields.Date.context_today(self)
        first = today - timedelta(days=CHART_DAYS - 1)
        self.env.cr.execute(
            """
            SELECT (create_date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date AS day, count(*),
                   count(*) FILTER (WHERE state = 'error')
              FROM xero_sync_log
             WHERE tenant_id = %s AND create_date >= %s
             GROUP BY day
            """,
            [tz, self.id, fields.Datetime.now() - timedelta(days=CHART_DAYS + 1)],
        )
        per_day = {day: (calls, errors) for day, calls, errors in self.env.cr.fetchall()}
        days = []
        for offset in range(CHART_DAYS):
            day = first + timedelta(days=offset)
            calls, errors = per_day.get(day, (0, 0))
            days.append((format_date(self.env, day, date_format="EEE d"), calls, errors))
        return calls_chart_svg(
            days, self.env._("Calls per day, last 7 days"), self.env._("calls"), self.env._("errors")
        )

    # ------------------------------------------------------------------------------------
    # Each number opens its list
    # ------------------------------------------------------------------------------------
    def _overview_check(self, level="user", operation="read"):
        """Every number and button of one card: checked at ``level`` on the organisation first."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access(level, self, operation)

    def _overview_moves_action(self, name, domain):
        self._overview_check()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("xero_tenant_id", "=", self.id),
                ("company_id", "in", self.env.companies.ids),
                ("move_type", "in", list(XERO_TYPES)),
                *domain,
            ],
            "context": {"create": False},
        }

    def action_overview_open_queued(self):
        return self._overview_moves_action(
            _("Queued for Xero: %(org)s", org=self.name),
            [("xero_export_state", "=", "queued"), ("xero_id", "=", False)],
        )

    def action_overview_open_failed(self):
        return self._overview_moves_action(
            _("Xero export failed: %(org)s", org=self.name),
            [("xero_export_state", "=", "error"), ("xero_id", "=", False)],
        )

    def action_overview_open_differing(self):
        self._overview_check()
        self._overview_flush()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE %s AND xero_tenant_id = %s AND company_id IN %s",
                self._overview_differing_sql(),
                self.id,
                tuple(self.env.companies.ids),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self._overview_moves_action(
            _("Differing in Xero: %(org)s", org=self.name), [("id", "in", ids)]
        )

    def action_overview_open_mapping(self):
        self._overview_check()
        return self.action_open_mapping_health()

    def action_overview_open_log(self):
        self._overview_check()
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_sync_log")
        action["domain"] = [("tenant_id", "=", self.id)]
        action["name"] = _("Sync log: %(org)s", org=self.name)
        return action

    def action_overview_open_errors(self):
        action = self.action_overview_open_log()
        action["domain"] += [
            ("state", "=", "error"),
            ("create_date", ">=", fields.Datetime.now() - timedelta(hours=24)),
        ]
        return action

    def action_overview_open_calls_chart(self):
        self._overview_check()
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_sync_log_calls")
        action["domain"] = [
            ("tenant_id", "=", self.id),
            ("create_date", ">=", fields.Datetime.now() - timedelta(days=7)),
        ]
        action["name"] = _("Calls per day: %(org)s", org=self.name)
        return action

    # ------------------------------------------------------------------------------------
    # Quick buttons
    # ------------------------------------------------------------------------------------
    def action_overview_refresh_cache(self):
        self._overview_check()
        return self.action_open_cache_refresh()

    def action_overview_get_payments(self):
        self._overview_check()
        return self.action_xero_sync_payments()

    def action_overview_sync_journals(self):
        """Synchronize now: the balances (manual journals) run of this organisation."""
        self._overview_check("manager", "write")
        return self.action_xero_sync_journals()
