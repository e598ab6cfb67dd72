"""Xero payments list and pivot: totals per currency only (see ``xero.currency.totals.mixin``)."""

from odoo import models


class XeroPayment(models.Model):
    _name = "xero.payment"
    _inherit = ["xero.payment", "xero.currency.totals.mixin"]

    _xero_currency_field = "currency_code"
    _xero_amount_fields = ("amount", "bank_amount")
