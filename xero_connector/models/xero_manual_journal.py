"""Balances → Xero manual journals, one per company and day, with net adjustments.

The flow, as data: the posted lines of the chosen journals (and the invoices' cost-of-goods
lines) summed per day, Odoo account and analytic distribution in one SQL query →
``xero_nets`` (pure: per day, net per Xero account code and tracking option) → minus what
was already sent for that day (the ledger: the lines of the journals Xero accepted) → for each
day with a difference one journal: the full day the first time (revision 0, "Odoo balances
⟨date⟩ ⟨company⟩"), later only the difference ("Adjustment of ⟨date⟩ ⟨company⟩ (n)").
``manual_journal_payload`` (pure) turns a difference into Xero's JSON and refuses one that
does not balance to the cent.

Exactly once: per (company, day, revision) an Idempotency-Key derived from the content; the
attempt is recorded in its own transaction before the PUT. A retry after a lost answer
replays Xero's first result; after a crash (the journal in Xero, not in Odoo) the next run
finds the attempt, looks the journal up by narration and date, and records it instead of
sending it again. Xero's own lines are what the ledger keeps, so Xero's journals summed per
account equal Odoo's balances after every run.

The run (``_xero_run_journals``: "Synchronize now", at most once per 5 minutes, MRPeasy's
rule; and ``_cron_xero_journals``, hourly, acting for each company once a day past the hour
its settings name, in its time zone) lives on this model, which it produces.

The pure builders (``xero_nets``, ``manual_journal_payload``, the difference, the narration)
are in ``xero_connector/journals.py``; this file is the engine that uses them.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..journals import (
    _difference,
    _money,
    _narration,
    manual_journal_payload,
    tracking_key,
    tracking_of_key,
    xero_nets,
)
from ..utils import (
    MENU_MAPPINGS,
    deep_link,
    menu_path,
    validation_messages,
    xero_date,
)

_logger = logging.getLogger(__name__)


# Xero's system accounts that manual journals may not use.
FORBIDDEN_SYSTEM_ACCOUNTS = ("DEBTORS", "CREDITORS")
# Xero's account type for its own tracked inventory: MRPeasy warns not to post to it.
INVENTORY_TYPE = "INVENTORY"


class XeroManualJournal(models.Model):
    """A manual journal Odoo sent to Xero: a day's balances, or an adjustment of that day."""

    _name = "xero.manual.journal"
    _description = "Xero manual journal"
    _order = "date desc, revision desc, id desc"
    _check_company_auto = True

    name = fields.Char("Narration", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    tenant_id = fields.Many2one("xero.tenant", "Xero organisation", required=True, readonly=True, index=True)
    date = fields.Date("Day", required=True, readonly=True, index=True)
    revision = fields.Integer(readonly=True, help="0: the day's journal; 1, 2...: adjustments of that day.")
    kind = fields.Selection(
        [("balances", "Day's balances"), ("adjustment", "Adjustment")], required=True, readonly=True
    )
    state = fields.Selection(
        [("sending", "Sending"), ("sent", "In Xero")], default="sending", required=True, readonly=True
    )
    xero_id = fields.Char("Xero id", readonly=True, copy=False, index=True)
    xero_status = fields.Char("Xero status", readonly=True)
    idempotency_key = fields.Char(readonly=True)
    sent_at = fields.Datetime("Sent", readonly=True)
    recovered = fields.Boolean(
        readonly=True, help="Found in Xero after an interrupted run instead of being sent again."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("xero.manual.journal.line", "journal_id", "Lines", readonly=True)
    amount_total = fields.Monetary("Debits", compute="_compute_amount_total", store=True)

    _sql_constraints = [
        (
            "day_revision_unique",
            "unique(company_id, tenant_id, date, revision)",
            "A day has one journal per revision.",
        )
    ]

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for journal in self:
            journal.amount_total = sum(a for a in journal.line_ids.mapped("amount") if a > 0)

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_open(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        if not (self.xero_id and self.tenant_id.short_code):
            raise UserError(_("%s is not in Xero yet.", self.name))
        return {
            "type": "ir.actions.act_url",
            "target": "new",
            "url": deep_link(self.tenant_id.short_code, f"/Journal/View.aspx?invoiceID={self.xero_id}"),
        }

    def action_open_move_lines(self):
        """The Odoo journal items behind this journal's day (what the lines sum)."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        return self.line_ids.action_open_move_lines(all_lines=True)

    # ------------------------------------------------------------------------------------
    # The run, per company
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_run(self, company, tenant):
        """Send what changed in ``company``'s balances to ``tenant``. Returns stats:
        {"sent", "adjustments", "recovered", "days", "problems", "warnings"}. With problems
        nothing is sent. In the run's environment (superuser: ``_xero_run_journals``)."""
        company, tenant = company.with_env(self.env), tenant.with_env(self.env)
        journals = self
        stats = {"sent": 0, "adjustments": 0, "recovered": 0, "days": 0, "problems": [], "warnings": []}
        today = company._xero_journals_today()
        start = company.xero_journals_start_date or today
        final = company.xero_journals_final_date
        date_from = max(start, final + timedelta(days=1)) if final else start
        final_now = journals._xero_journals_lock_date(company)
        if date_from > today:
            return stats
        rows = journals._xero_journal_rows(company, date_from, today)
        ctx, problems, warnings = journals._xero_journal_context(company, tenant, rows)
        nets, tracking_problems = xero_nets(rows, ctx["codes"], ctx["tracking"])
        problems += tracking_problems
        sent = journals._xero_ledger(company, tenant, date_from, today)
        diffs = {}
        for day in sorted(set(nets) | set(sent)):
            diff = _difference(nets.get(day, {}), sent.get(day, {}))
            if diff:
                diffs[day] = diff
                if not problems:  # with an account left out, no day can balance
                    _payload, day_problems = manual_journal_payload("", day, diff)
                    problems += day_problems
        stats["warnings"] = warnings
        if problems:
            stats["problems"] = problems
            company.xero_journals_problems = "\n".join(problems)
            return stats
        for day in sorted(diffs):
            try:
                journals._xero_send_day(company, tenant, day, nets.get(day, {}), ctx["descriptions"], stats)
            except UserError as error:
                stats["problems"].append(str(error))
                break
        company.xero_journals_problems = "\n".join(stats["problems"]) or False
        if not stats["problems"]:
            # Days up to the lock date are final from now on; a lock date moved back reopens them.
            company.xero_journals_final_date = min(final_now, today) if final_now else False
        return stats

    @api.model
    def _xero_journal_context(self, company, tenant, rows):
        """Xero account codes and tracking of the Odoo accounts in ``rows``; every problem
        (unmapped account, archived or system Xero account, another currency) at once."""
        problems, warnings = [], []
        if company.currency_id.name != tenant.base_currency:
            problems.append(
                _(
                    "%(company)s keeps its books in %(currency)s but %(org)s in %(base)s: balances can only be sent to "
                    "an organisation in the company's currency.",
                    company=company.name,
                    currency=company.currency_id.name,
                    org=tenant.name,
                    base=tenant.base_currency,
                )
            )
        accounts = self.env["account.account"].browse(sorted({row[1] for row in rows}))
        maps = {
            m.account_id.id: m.xero_account_id
            for m in self.env["xero.account.map"].search(
                [("tenant_id", "=", tenant.id), ("account_id", "in", accounts.ids)]
            )
        }
        codes, descriptions = {}, defaultdict(list)
        for account in accounts:
            xero_account = maps.get(account.id)
            label = account.display_name
            if not xero_account:
                problems.append(
                    _(
                        "Account %(account)s has no Xero account in %(org)s: map it in %(menu)s (Accounts).",
                        account=label,
                        org=tenant.name,
                        menu=menu_path(self.env, MENU_MAPPINGS),
                    )
                )
                continue
            if not xero_account.active:
                problems.append(
                    _(
                        "Account %(account)s is mapped to %(xero)s, which is archived in Xero: map another account.",
                        account=label,
                        xero=xero_account.display_name,
                    )
                )
                continue
            if xero_account.system_account in FORBIDDEN_SYSTEM_ACCOUNTS:
                problems.append(
                    _(
                        "Account %(account)s is mapped to %(xero)s, a Xero system account (%(system)s) that manual "
                        "journals may not use: map another account.",
                        account=label,
                        xero=xero_account.display_name,
                        system=xero_account.system_account,
                    )
                )
                continue
            if xero_account.account_type == INVENTORY_TYPE:
                warnings.append(
                    _(
                        "Account %(account)s is mapped to %(xero)s, of Xero's type INVENTORY (Xero's tracked "
                        "inventory): prefer a current asset account.",
                        account=label,
                        xero=xero_account.display_name,
                    )
                )
            codes[account.id] = xero_account.code
            descriptions[xero_account.code].append(label)
        analytic_ids = {
            int(analytic_id)
            for row in rows
            for key in (row[2] or {})
            for analytic_id in str(key).split(",")
            if analytic_id
        }
        options = (
            self.env["account.analytic.account"].browse(sorted(analytic_ids))._xero_tracking_options(tenant)
        )
        tracking = {
            analytic_id: (option.category_id.name, option.name)
            for analytic_id, option in options.items()
            if option
        }
        context = {
            "codes": codes,
            "tracking": tracking,
            "descriptions": {code: ", ".join(labels) for code, labels in descriptions.items()},
        }
        return context, problems, warnings

    @api.model
    def _xero_ledger(self, company, tenant, date_from, date_to):
        """What Xero holds per day: {day: {(code, tracking): Decimal}} of the journals sent."""
        self.env["xero.manual.journal.line"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT j.date, l.account_code, COALESCE(l.tracking_key, ''), SUM(l.amount)
              FROM xero_manual_journal_line l
              JOIN xero_manual_journal j ON j.id = l.journal_id
             WHERE j.company_id = %s AND j.tenant_id = %s AND j.state = 'sent'
               AND j.date BETWEEN %s AND %s
          GROUP BY j.date, l.account_code, COALESCE(l.tracking_key, '')
            """,
            [company.id, tenant.id, date_from, date_to],
        )
        ledger = defaultdict(dict)
        for day, code, key, amount in self.env.cr.fetchall():
            ledger[day][(code, tracking_of_key(key))] = _money(amount)
        return ledger

    def _xero_revision(self, company, tenant, day):
        return self.search_count(
            [
                ("company_id", "=", company.id),
                ("tenant_id", "=", tenant.id),
                ("date", "=", day),
                ("state", "=", "sent"),
            ]
        )

    @api.model
    def _xero_send_day(self, company, tenant, day, odoo_amounts, descriptions, stats):
        """One day: the difference between Odoo and what Xero holds, in one journal. A journal an
        interrupted run may have created is looked up first (and the difference recomputed)."""
        stats["days"] += 1
        Attempt = self.env["xero.export.attempt"]._log()
        for _round in range(3):
            diff = _difference(odoo_amounts, self._xero_ledger(company, tenant, day, day).get(day, {}))
            if not diff:
                return
            revision = self._xero_revision(company, tenant, day)
            narration = _narration(company, day, revision)
            tag = f"ManualJournals/{company.id}/{day}/{revision}"
            in_doubt = Attempt.search([("tenant_id", "=", tenant.id), ("endpoint", "=", tag)])
            if in_doubt:
                element = self._xero_find_in_xero(tenant, narration, day)
                if element:
                    journal = self._xero_new(
                        company, tenant, day, revision, narration, in_doubt[:1].idempotency_key
                    )
                    journal._xero_write_back(element, descriptions)
                    journal.recovered = True
                    in_doubt.unlink()
                    stats["recovered"] += 1
                    continue
            payload, problems = manual_journal_payload(narration, day, diff, descriptions)
            if problems:
                raise UserError("\n".join(problems))
            key = tenant._xero_key("mj", company.id, str(day), revision, payload)
            journal = self._xero_new(company, tenant, day, revision, narration, key)
            try:
                answer = self.env["xero.sender"]._xero_send(
                    tenant,
                    _("sending the balances journal of %(day)s", day=day),
                    "create_manual_journals",
                    {"ManualJournals": [payload]},
                    journal,
                    key,
                    endpoint=tag,
                )
            except UserError:
                journal.unlink()
                raise
            element = (answer.get("ManualJournals") or [{}])[0]
            errors = validation_messages(element)
            if errors or not element.get("ManualJournalID"):
                journal.unlink()
                Attempt.search([("tenant_id", "=", tenant.id), ("endpoint", "=", tag)]).unlink()
                raise UserError(
                    _(
                        "Xero refused the balances journal of %(day)s: %(errors)s",
                        day=day,
                        errors="; ".join(filter(None, errors)) or _("no answer"),
                    )
                )
            journal._xero_write_back(element, descriptions)
            Attempt.search([("tenant_id", "=", tenant.id), ("endpoint", "=", tag)]).unlink()
            stats["adjustments" if revision else "sent"] += 1
            return
        raise UserError(_("The balances of %(day)s could not be settled with Xero; try again.", day=day))

    @api.model
    def _xero_new(self, company, tenant, day, revision, narration, key):
        return self.create(
            {
                "name": narration,
                "company_id": company.id,
                "tenant_id": tenant.id,
                "date": day,
                "revision": revision,
                "kind": "adjustment" if revision else "balances",
                "idempotency_key": key,
            }
        )

    def _xero_write_back(self, element, descriptions):
        """Record Xero's journal as Xero holds it: its lines are the ledger."""
        self.ensure_one()
        lines = element.get("JournalLines")
        if lines is None:
            body = self.tenant_id._xero_call(
                _("reading manual journal %(name)s", name=self.name),
                "get_manual_journal",
                params={"manual_journal_id": element["ManualJournalID"]},
            )
            lines = (body.get("ManualJournals") or [{}])[0].get("JournalLines") or []
        codes = [line.get("AccountCode") for line in lines]
        xero_accounts = {
            a.code: a
            for a in self.env["xero.account"]
            .with_context(active_test=False)
            .search([("tenant_id", "=", self.tenant_id.id), ("code", "in", codes)])
        }
        odoo_accounts = defaultdict(list)
        for account_map in self.env["xero.account.map"].search(
            [("tenant_id", "=", self.tenant_id.id), ("xero_account_id.code", "in", codes)]
        ):
            odoo_accounts[account_map.xero_account_id.code].append(account_map.account_id.id)
        values = []
        for line in lines:
            code = line.get("AccountCode")
            tracking = tuple(
                sorted((t.get("Name"), t.get("Option")) for t in line.get("Tracking") or [] if t.get("Name"))
            )
            values.append(
                Command.create(
                    {
                        "account_code": code,
                        "xero_account_id": xero_accounts.get(code, self.env["xero.account"]).id,
                        "tracking_key": tracking_key(tracking),
                        "amount": float(_money(line.get("LineAmount") or 0)),
                        "description": line.get("Description") or descriptions.get(code),
                        "odoo_account_ids": [Command.set(odoo_accounts.get(code, []))],
                    }
                )
            )
        self.write(
            {
                "state": "sent",
                "xero_id": element["ManualJournalID"],
                "xero_status": element.get("Status"),
                "sent_at": fields.Datetime.now(),
                "line_ids": [Command.clear(), *values],
            }
        )

    @api.model
    def _xero_find_in_xero(self, tenant, narration, day):
        """The POSTED journal with this narration and date in Xero, or None, asked through the
        reader; Xero not answering stops the day (no second journal is sent in doubt)."""
        answer = self.env["xero.reader"]._xero_find_values(
            tenant,
            "ManualJournals",
            "narrations",
            "Narration",
            [narration],
            _("looking up %(name)s", name=narration),
            pick=lambda j: j.get("Status") == "POSTED" and xero_date(j.get("Date")) == day,
        )[narration]
        if answer.unknown:
            raise answer.error
        return answer.element

    # ------------------------------------------------------------------------------------
    # What the run reads of a company
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_journals_lock_date(self, company):
        """The last day of ``company`` that can no longer change: the hard lock date, or the
        fiscal year's lock date while no exception lets someone post before it."""
        company.ensure_one()
        locks = [company.hard_lock_date]
        exceptions = self.env["account.lock_exception"].search_count(  # the run's (superuser)
            [("company_id", "=", company.id), ("state", "=", "active")]
        )
        if not exceptions:
            locks.append(company.fiscalyear_lock_date)
        return max(filter(None, locks), default=False)

    @api.model
    def _xero_journal_rows(self, company, date_from, date_to):
        """[(day, account id, analytic distribution, balance)] of the posted lines of
        ``company``'s chosen journals (and the invoices' cost-of-goods lines), summed in one
        query."""
        company.ensure_one()
        self.env["account.move.line"].flush_model(
            [
                "date",
                "account_id",
                "analytic_distribution",
                "balance",
                "parent_state",
                "journal_id",
                "display_type",
            ]
        )
        self.env.cr.execute(
            """
            SELECT aml.date, aml.account_id, aml.analytic_distribution, SUM(aml.balance)
              FROM account_move_line aml
             WHERE aml.company_id = %s
               AND aml.parent_state = 'posted'
               AND aml.date BETWEEN %s AND %s
               AND (aml.journal_id = ANY(%s) OR (%s AND aml.display_type = 'cogs'))
          GROUP BY aml.date, aml.account_id, aml.analytic_distribution
            """,
            [
                company.id,
                date_from,
                date_to,
                company.xero_journals_journal_ids.ids,
                company.xero_journals_cogs_lines,
            ],
        )
        return self.env.cr.fetchall()
