"""The invoice email offers Xero's online payment link (M-Power's payment URL), when the
company shows it (``account.move._xero_payment_link``)."""

from markupsafe import Markup

from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_mail_body(self, move, mail_template, mail_lang):
        body = super()._get_default_mail_body(move, mail_template, mail_lang)
        link = move._xero_payment_link()
        if not link:
            return body
        return Markup('%s<p>%s <a href="%s">%s</a></p>') % (
            body or "",
            move.with_context(lang=mail_lang).env._("Pay this invoice online:"),
            link,
            link,
        )
