from odoo import _, api, fields, models, tools

from ..journals import tracking_of_key


class XeroManualJournalLine(models.Model):
    """One line of a journal as Xero holds it: a Xero account (and tracking), its net amount."""

    _name = "xero.manual.journal.line"
    _description = "Xero manual journal line"
    _order = "journal_id, account_code, tracking_key, id"

    journal_id = fields.Many2one("xero.manual.journal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="journal_id.company_id", store=True, index=True)
    date = fields.Date(related="journal_id.date", store=True, string="Day")
    revision = fields.Integer(related="journal_id.revision", store=True)
    currency_id = fields.Many2one(related="journal_id.currency_id")
    account_code = fields.Char("Xero account code", required=True)
    xero_account_id = fields.Many2one("xero.account", "Xero account", ondelete="set null")
    tracking_key = fields.Char(
        "Tracking key", help="Canonical tracking of the line (category and option pairs)."
    )
    tracking_display = fields.Char("Tracking", compute="_compute_tracking_display")
    amount = fields.Monetary(help="Positive: debit; negative: credit.")
    debit = fields.Monetary(compute="_compute_debit_credit")
    credit = fields.Monetary(compute="_compute_debit_credit")
    description = fields.Char()
    odoo_account_ids = fields.Many2many("account.account", string="Odoo accounts")

    @api.depends("tracking_key")
    def _compute_tracking_display(self):
        for line in self:
            line.tracking_display = ", ".join(f"{c}: {o}" for c, o in tracking_of_key(line.tracking_key))

    @api.depends("amount")
    def _compute_debit_credit(self):
        for line in self:
            line.debit = max(line.amount, 0.0)
            line.credit = max(-line.amount, 0.0)

    def action_open_move_lines(self, all_lines=False):
        """The posted Odoo journal items of this day on the Odoo accounts behind these lines."""
        self.env["xero.access"]._xero_check_access("user", self)
        journal = self.journal_id[:1]
        company = journal.company_id
        sources = [("journal_id", "in", company.xero_journals_journal_ids.ids)]
        if company.xero_journals_cogs_lines:
            sources = ["|", *sources, ("display_type", "=", "cogs")]
        domain = [
            ("company_id", "=", company.id),
            ("date", "=", journal.date),
            ("parent_state", "=", "posted"),
            *sources,
        ]
        if not all_lines:
            domain.append(("account_id", "in", self.odoo_account_ids.ids))
        return {
            "type": "ir.actions.act_window",
            "name": _("Journal items of %(day)s", day=tools.format_date(self.env, journal.date)),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False, "search_default_group_by_account": 1},
        }
