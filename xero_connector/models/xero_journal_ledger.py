from odoo import fields, models, tools


class XeroJournalLedger(models.Model):
    """What Xero holds per company, day, Xero account and tracking: the sum of the journals
    sent (the day's journal and its adjustments). Each run compares Odoo's figures with it."""

    _name = "xero.journal.ledger"
    _description = "Balances sent to Xero, per day and account"
    _auto = False
    _order = "date desc, account_code"

    company_id = fields.Many2one("res.company", readonly=True)
    tenant_id = fields.Many2one("xero.tenant", "Xero organisation", readonly=True)
    date = fields.Date("Day", readonly=True)
    account_code = fields.Char("Xero account code", readonly=True)
    xero_account_id = fields.Many2one("xero.account", "Xero account", readonly=True)
    tracking_key = fields.Char("Tracking", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary("Net sent", readonly=True)
    journal_count = fields.Integer("Journals", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT MIN(l.id) AS id, j.company_id, j.tenant_id, j.date, l.account_code,
                       MIN(l.xero_account_id) AS xero_account_id,
                       COALESCE(l.tracking_key, '') AS tracking_key,
                       SUM(l.amount) AS amount, COUNT(DISTINCT j.id) AS journal_count
                  FROM xero_manual_journal_line l
                  JOIN xero_manual_journal j ON j.id = l.journal_id
                 WHERE j.state = 'sent'
              GROUP BY j.company_id, j.tenant_id, j.date, l.account_code, COALESCE(l.tracking_key, '')
            )"""
        )
