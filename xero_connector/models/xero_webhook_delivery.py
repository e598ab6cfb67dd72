from odoo import api, fields, models


class XeroWebhookDelivery(models.Model):
    """Fingerprints of signed bodies already received: a replayed delivery queues nothing."""

    _name = "xero.webhook.delivery"
    _description = "Xero webhook delivery"

    digest = fields.Char(required=True, index=True)
    event_count = fields.Integer()

    _sql_constraints = [("digest_unique", "unique(digest)", "Delivery already received.")]

    @api.autovacuum
    def _gc_old_deliveries(self):
        self.search([("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=30))]).unlink()
        self.env["xero.webhook.event"].search(
            [
                ("state", "=", "done"),
                ("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=7)),
            ]
        ).unlink()
