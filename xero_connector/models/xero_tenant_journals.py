"""Balances journals per organisation: "Synchronize now" (at most once per 5 minutes, MRPeasy's
rule) and the evening cron, which runs hourly and acts for each company once a day, past the
hour its settings name, in its time zone."""

import logging
import threading
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from .. import const

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x584D4A4C  # "XMJL": advisory locks of the balances run, keyed by tenant id


def _testing():
    return getattr(threading.current_thread(), "testing", False)


class XeroTenant(models.Model):
    _inherit = "xero.tenant"  # pylint: disable=consider-merging-classes-inherited

    xero_journals_synced_at = fields.Datetime("Last journal run", readonly=True)
    xero_manual_journal_count = fields.Integer(
        "Manual journals", compute="_compute_xero_manual_journal_count"
    )

    def _compute_xero_manual_journal_count(self):
        counts = dict(
            self.env["xero.manual.journal"]._read_group(
                [("tenant_id", "in", self.ids)], ["tenant_id"], ["__count"]
            )
        )
        for tenant in self:
            tenant.xero_manual_journal_count = counts.get(tenant, 0)

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_sync_journals(self):
        """Synchronize now: every company of these organisations that sends its balances."""
        self.env["xero.access"]._xero_check_access("manager", self, "write")
        messages, kind = [], "success"
        for tenant in self:
            tenant._xero_journals_check_throttle()
            results = tenant.sudo()._xero_run_journals()
            message, tenant_kind = tenant._xero_journals_summary(results)
            messages.append(message)
            if tenant_kind != "success":
                kind = tenant_kind
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Balances to Xero"),
                "message": "\n".join(messages),
                "type": kind,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_xero_open_manual_journals(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_manual_journal")
        action["domain"] = [("tenant_id", "=", self.id)]
        return action

    def _xero_journals_check_throttle(self):
        self.ensure_one()
        last = self.xero_journals_synced_at  # the caller passed the manager check on it
        if not last:
            return
        allowed = last + timedelta(seconds=const.JOURNALS_SYNC_THROTTLE_SECONDS)
        if fields.Datetime.now() < allowed:
            raise UserError(
                _(
                    "Balances of %(org)s were synchronised at %(last)s: at most once every 5 minutes. The next "
                    "synchronisation is allowed from %(next)s.",
                    org=self.name,
                    last=tools.format_datetime(self.env, last, dt_format="medium"),
                    next=tools.format_datetime(self.env, allowed, dt_format="medium"),
                )
            )

    def _xero_journals_summary(self, results):
        """(message, notification type) for what a run did in this organisation."""
        if results is None:
            return _("%(org)s: a balances run is in progress already.", org=self.name), "warning"
        if not results:
            return (
                _("%(org)s: no company of this organisation sends its balances to Xero.", org=self.name),
                "warning",
            )
        parts, kind = [], "success"
        for company, stats in results.items():
            if stats["problems"]:
                kind = "danger"
                parts.append(
                    _(
                        "%(company)s: nothing more was sent.\n%(problems)s",
                        company=company.name,
                        problems="\n".join(f"• {p}" for p in stats["problems"]),
                    )
                )
                continue
            text = _(
                "%(company)s: %(sent)s journal(s) and %(adjustments)s adjustment(s) sent to %(org)s.",
                company=company.name,
                sent=stats["sent"],
                adjustments=stats["adjustments"],
                org=self.name,
            )
            if stats["recovered"]:
                text += " " + _("%(count)s found in Xero after an interrupted run.", count=stats["recovered"])
            if stats["warnings"]:
                kind = "warning"
                text += "\n" + "\n".join(f"• {w}" for w in stats["warnings"])
            parts.append(text)
        return "\n".join(parts), kind

    # ------------------------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------------------------
    def _xero_lock_journals(self):
        """One balances run per organisation at a time (a user and the cron, two workers)."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, self.id])
        return self.env.cr.fetchone()[0]

    def _xero_run_journals(self, companies=None):
        """Run the balances of ``companies`` (default: every company of this organisation that
        sends them). Returns {company: stats}, or None when another run holds the lock."""
        self.ensure_one()
        if not self._xero_lock_journals():
            return None
        if companies is None:
            companies = self.company_ids.filtered("xero_journals_enabled")
        results = {}
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    results[company] = self.env["xero.manual.journal"]._xero_run(company, self)
            except UserError as error:
                results[company] = {
                    "sent": 0,
                    "adjustments": 0,
                    "recovered": 0,
                    "days": 0,
                    "problems": [str(error)],
                    "warnings": [],
                }
                company.sudo().xero_journals_problems = str(error)
        self.sudo().xero_journals_synced_at = fields.Datetime.now()
        return results

    @api.model
    def _cron_xero_journals(self):
        """Hourly: each company sending its balances runs once a day, once its evening hour has
        passed in its time zone. One organisation failing does not stop the others."""
        companies = self.env["res.company"].sudo().search([("xero_journals_enabled", "=", True)])
        due = companies.filtered(
            lambda c: c.xero_tenant_id
            and c._xero_journals_now().hour >= (c.xero_journals_hour or 0)
            and (not c.xero_journals_run_date or c.xero_journals_run_date < c._xero_journals_today())
        )
        by_tenant = due.grouped("xero_tenant_id")
        for done, (tenant, tenant_companies) in enumerate(by_tenant.items(), start=1):
            try:
                results = tenant.sudo()._xero_run_journals(tenant_companies)
            except UserError as error:
                _logger.warning("Xero balances of %s failed: %s", tenant.name, error)
                results = None
            for company, stats in (results or {}).items():
                if not stats["problems"]:
                    company.xero_journals_run_date = company._xero_journals_today()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(by_tenant) - done)
            if not _testing():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
