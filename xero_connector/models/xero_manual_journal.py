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

Over 500 lines on purpose: it is one engine (what the run reads, the per-account context
with every problem at once, the ledger, sending and recovering a day) with the pure builders
(``xero_nets``, ``manual_journal_payload``) only it uses, which tests import from here.
"""

import json
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import UserError

from .. import const
from ..utils import (
    deep_link,
    notification,
    validation_messages,
    where_text,
    xero_date_literal,
)

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x584D4A4C  # "XMJL": advisory locks of the balances run, keyed by tenant id

CENT = Decimal("0.01")
ZERO = Decimal(0)
# Xero's system accounts that manual journals may not use.
FORBIDDEN_SYSTEM_ACCOUNTS = ("DEBTORS", "CREDITORS")
# Xero's account type for its own tracked inventory: MRPeasy warns not to post to it.
INVENTORY_TYPE = "INVENTORY"
MAX_TRACKING_CATEGORIES = 2
DESCRIPTION_LENGTH = 200


def _money(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def tracking_key(tracking):
    """A canonical text for a line's tracking ((category, option) pairs): the ledger's key."""
    return json.dumps(sorted([list(pair) for pair in tracking])) if tracking else ""


def tracking_of_key(key):
    return tuple(tuple(pair) for pair in json.loads(key)) if key else ()


def xero_nets(rows, codes, tracking_options):
    """Per day, the net amount per (Xero account code, tracking) of Odoo's lines. Pure.

    ``rows``: (day, Odoo account id, analytic distribution or None, balance); ``codes``:
    {Odoo account id: Xero account code}; ``tracking_options``: {analytic account id:
    (category name, option name)} of the mapped analytic accounts. A share of a line's balance
    goes to each distribution key by its percentage (rounded to the cent); what rounding
    leaves goes without tracking, so that each account keeps Odoo's exact amount.

    Returns ({day: {(code, tracking): Decimal}}, [problems]); rows on accounts missing from
    ``codes`` are left out (the caller lists them)."""
    nets = defaultdict(lambda: defaultdict(Decimal))
    problems = []
    for day, account_id, distribution, row_balance in rows:
        code = codes.get(account_id)
        if not code:
            continue
        balance = _money(row_balance)
        rest = balance
        for key, percentage in (distribution or {}).items():
            options = {
                tracking_options[int(analytic_id)]
                for analytic_id in str(key).split(",")
                if analytic_id and int(analytic_id) in tracking_options
            }
            if not options:
                continue
            categories = [category for category, _option in options]
            if len(set(categories)) < len(categories) or len(options) > MAX_TRACKING_CATEGORIES:
                problems.append(
                    _(
                        "Lines of %(day)s on account %(code)s carry several options of one tracking category or more "
                        "than 2 categories: Xero takes at most one option of each of 2 categories.",
                        day=day,
                        code=code,
                    )
                )
                continue
            share = _money(balance * Decimal(str(percentage)) / 100)
            nets[day][(code, tuple(sorted(options)))] += share
            rest -= share
        nets[day][(code, ())] += rest
    return {day: dict(amounts) for day, amounts in nets.items()}, problems


def manual_journal_payload(narration, day, amounts, descriptions=None):
    """(Xero's JSON for one POSTED manual journal, [problems]). Pure. ``amounts``: {(code,
    tracking): Decimal}, positive = debit; lines of zero are left out. A journal that does not
    balance to the cent, or has fewer than two lines, is a problem: never forced."""
    descriptions = descriptions or {}
    lines = []
    total = ZERO
    for (code, tracking), raw_amount in sorted(amounts.items()):
        amount = _money(raw_amount)
        if not amount:
            continue
        total += amount
        line = {"AccountCode": code, "LineAmount": float(amount)}
        if descriptions.get(code):
            line["Description"] = descriptions[code][:DESCRIPTION_LENGTH]
        if tracking:
            line["Tracking"] = [{"Name": category, "Option": option} for category, option in tracking]
        lines.append(line)
    problems = []
    if total:
        problems.append(
            _(
                "The journal of %(day)s does not balance: debits and credits differ by %(diff)s after rounding "
                "to the cent. Nothing was sent for that day; correct the entries of that day in Odoo.",
                day=day,
                diff=total,
            )
        )
    payload = {
        "Narration": narration,
        "Date": fields.Date.to_string(day),
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": lines,
    }
    return payload, problems


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
        nothing is sent."""
        company, tenant = company.sudo(), tenant.sudo()
        journals = self.sudo()
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
                        "Account %(account)s has no Xero account in %(org)s: map it in Xero > Mappings > Accounts.",
                        account=label,
                        org=tenant.name,
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
        Attempt = self.env["xero.export.attempt"].sudo()
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
            Attempt._record(tenant, journal, tag, key)
            try:
                answer = tenant._xero_call(
                    _("sending the balances journal of %(day)s", day=day),
                    "create_manual_journals",
                    body={"ManualJournals": [payload]},
                    key=key,
                    records=journal,
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
        """The POSTED journal with this narration and date in Xero, or None."""
        where = f"Narration=={where_text(narration)} AND Date=={xero_date_literal(day)}"
        answer = tenant._xero_call(
            _("looking up %(name)s", name=narration),
            "get_manual_journals",
            params={"where": where, "page": 1},
        )
        found = [j for j in answer.get("ManualJournals") or [] if j.get("Status") == "POSTED"]
        return found[0] if found else None

    # ------------------------------------------------------------------------------------
    # What the run reads of a company
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_journals_lock_date(self, company):
        """The last day of ``company`` that can no longer change: the hard lock date, or the
        fiscal year's lock date while no exception lets someone post before it."""
        company.ensure_one()
        locks = [company.hard_lock_date]
        exceptions = (
            self.env["account.lock_exception"]
            .sudo()
            .search_count([("company_id", "=", company.id), ("state", "=", "active")])
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

    # ------------------------------------------------------------------------------------
    # The run, per organisation: "Synchronize now" and the evening cron
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_sync_notification(self, tenants):
        """Synchronize now (the caller checked the manager's access): each organisation at most
        once per 5 minutes; one notification saying what was sent, or what stops it."""
        messages, kind = [], "success"
        for tenant in tenants:
            self._xero_journals_check_throttle(tenant)
            results = self._xero_run_journals(tenant.sudo())
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
        them). Returns {company: stats}, or None when another run holds the lock."""
        tenant.ensure_one()
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
                company.sudo().xero_journals_problems = str(error)
        tenant.sudo().xero_journals_synced_at = fields.Datetime.now()
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
        for company, stats in (self._xero_run_journals(tenant.sudo(), companies) or {}).items():
            if not stats["problems"]:
                company.xero_journals_run_date = company._xero_journals_today()


def _difference(odoo_amounts, sent_amounts):
    """Odoo's figures minus what Xero holds, per (code, tracking), zeros left out."""
    diff = {}
    for key in set(odoo_amounts) | set(sent_amounts):
        amount = _money(odoo_amounts.get(key, ZERO)) - _money(sent_amounts.get(key, ZERO))
        if amount:
            diff[key] = amount
    return diff


def _narration(company, day, revision):
    day_text = fields.Date.to_string(day)
    if not revision:
        return f"Odoo balances {day_text} {company.name}"
    return f"Adjustment of {day_text} {company.name} ({revision})"
