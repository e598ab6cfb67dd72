from odoo import fields, models


class XeroCheckWizardLine(models.TransientModel):
    _name = "xero.check.wizard.line"
    _description = "Payment or credit applied in Xero"

    wizard_id = fields.Many2one("xero.check.wizard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    kind = fields.Selection(
        [
            ("payment", "Payment"),
            ("credit", "Credit note"),
            ("overpayment", "Overpayment"),
            ("prepayment", "Prepayment"),
        ],
        readonly=True,
    )
    date = fields.Date(readonly=True)
    reference = fields.Char(readonly=True)
    amount = fields.Monetary(readonly=True)
