from odoo import models


class AccountPaymentRegister(models.TransientModel):
    """A payment registered on exported documents goes to Xero at once (when the company
    sends payments there); one the payment sync creates from Xero does not go back."""

    _inherit = "account.payment.register"

    def _create_payments(self):
        payments = super()._create_payments()
        if not self.env.context.get("xero_from_sync"):
            payments._xero_push()
        return payments
