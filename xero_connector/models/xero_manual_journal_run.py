"""Balances → Xero manual journals, the run per organisation: "Synchronize now" (at most once
per 5 minutes, MRPeasy's rule) and the hourly cron acting for each company once a day past the
hour its settings name; one run per organisation at a time. What a run does for one company
and day (read, compare with the ledger, send, recover) is in ``xero_manual_journal.py``."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from .. import const
from ..utils import notification

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x584D4A4C  # "XMJL": advisory locks of the balances run, keyed by tenant id


class XeroManualJournal(models.Model):
    _inherit = "xero.manual.journal"

    # ------------------------------------------------------------------------------------
    # The run, per organisation: "Synchronize now" and the evening cron
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_sync_notification(self, tenants):
        """Synchronize now (the caller checked the manager's access): each organisation at most
        once per 5 minutes; one notification saying what was sent, or what stops it."""
        messages, kind = [], "success"
        run = self.sudo()  # the run writes manual journals, read-only for users (see _xero_run_journals)
        for tenant in tenants:
            self._xero_journals_check_throttle(tenant)
            results = run._xero_run_journals(tenant)
            message, tenant_kind = self._xero_journals_summary(tenant, results)
            messages.append(message)
            if tenant_kind != "success":
                kind = tenant_kind
        return notification(
            _("Balances to Xero"),
            "\n".join(messages),
            kind,
            sticky=kind != "success",
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    @api.model
    def _xero_journals_check_throttle(self, tenant):
        tenant.ensure_one()
        last = tenant.xero_journals_synced_at  # the caller passed the manager check on it
        if not last:
            return
        allowed = last + timedelta(seconds=const.JOURNALS_SYNC_THROTTLE_SECONDS)
        if fields.Datetime.now() < allowed:
            raise UserError(
                _(
                    "Balances of %(org)s were synchronised at %(last)s: at most once every 5 minutes. The next "
                    "synchronisation is allowed from %(next)s.",
                    org=tenant.name,
                    last=tools.format_datetime(self.env, last, dt_format="medium"),
                    next=tools.format_datetime(self.env, allowed, dt_format="medium"),
                )
            )

    @api.model
    def _xero_journals_summary(self, tenant, results):
        """(message, notification type) for what a run did in ``tenant``."""
        if results is None:
            return _("%(org)s: a balances run is in progress already.", org=tenant.name), "warning"
        if not results:
            return (
                _("%(org)s: no company of this organisation sends its balances to Xero.", org=tenant.name),
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
                org=tenant.name,
            )
            if stats["recovered"]:
                text += " " + _("%(count)s found in Xero after an interrupted run.", count=stats["recovered"])
            if stats["warnings"]:
                kind = "warning"
                text += "\n" + "\n".join(f"• {w}" for w in stats["warnings"])
            parts.append(text)
        return "\n".join(parts), kind

    @api.model
    def _xero_lock_journals(self, tenant):
        """One balances run per organisation at a time (a user and the cron, two workers)."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tenant.id])
        return self.env.cr.fetchone()[0]

    @api.model
    def _xero_run_journals(self, tenant, companies=None):
        """Run the balances of ``companies`` (default: every company of ``tenant`` that sends
        them). Returns {company: stats}, or None when another run holds the lock.

        Runs as superuser, entered once: after the manager check (``_xero_sync_notification``)
        or from the evening cron. Everything it reads and writes (the company's journal items
        and lock dates, the manual journals, lines and ledger, the run's problems and stamp)
        is reached from this environment; nothing inside calls ``sudo()`` again."""
        tenant.ensure_one()
        tenant = tenant.with_env(self.env)
        if not self._xero_lock_journals(tenant):
            return None
        if companies is None:
            companies = tenant.company_ids.filtered("xero_journals_enabled")
        results = {}
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    results[company] = self._xero_run(company, tenant)
            except UserError as error:
                results[company] = {
                    "sent": 0,
                    "adjustments": 0,
                    "recovered": 0,
                    "days": 0,
                    "problems": [str(error)],
                    "warnings": [],
                }
                company.xero_journals_problems = str(error)
        tenant._xero_stamp({"xero_journals_synced_at": fields.Datetime.now()})
        return results

    @api.model
    def _cron_xero_journals(self):
        """Hourly: each company sending its balances runs once a day, once its evening hour has
        passed in its time zone. One organisation failing does not stop the others."""
        companies = self.env["res.company"].search([("xero_journals_enabled", "=", True)])  # cron: superuser
        due = companies.filtered(
            lambda c: c.xero_tenant_id
            and c._xero_journals_now().hour >= (c.xero_journals_hour or 0)
            and (not c.xero_journals_run_date or c.xero_journals_run_date < c._xero_journals_today())
        )
        for tenant, batch in due.grouped("xero_tenant_id").items():  # a job per organisation
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_run_evening",
                tenant,
                batch,
                key=f"xero-journals:{tenant.id}:{fields.Date.to_string(batch[0]._xero_journals_today())}",
                lock=f"journals:{tenant.id}",
                description=_("Balances of %s as Xero manual journals", tenant.name),
            )
        return True

    @api.model
    def _xero_run_evening(self, tenant, companies):
        """The evening run of ``companies`` in ``tenant``: a company without problems is done
        for the day."""
        for company, stats in (self._xero_run_journals(tenant, companies) or {}).items():  # cron: superuser
            if not stats["problems"]:
                company.xero_journals_run_date = company._xero_journals_today()
