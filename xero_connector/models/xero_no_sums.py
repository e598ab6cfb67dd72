"""Figures that mean nothing added up (tax rates, unit prices, exchange rates, calls left,
HTTP statuses): no sum in grouped lists and pivots. Odoo sums every number by default."""

from odoo import fields, models


class XeroTaxRate(models.Model):
    _inherit = "xero.tax.rate"

    effective_rate = fields.Float(aggregator=None)
    display_tax_rate = fields.Float(aggregator=None)


class XeroItem(models.Model):
    _inherit = "xero.item"

    sales_unit_price = fields.Float(aggregator=None)
    purchase_unit_price = fields.Float(aggregator=None)


class XeroPayment(models.Model):
    _inherit = "xero.payment"

    currency_rate = fields.Float(aggregator=None)


class XeroSyncLog(models.Model):
    _inherit = "xero.sync.log"

    http_status = fields.Integer(aggregator=None)
    min_remaining = fields.Integer(aggregator="min")
    day_remaining = fields.Integer(aggregator="min")
    app_min_remaining = fields.Integer(aggregator="min")


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    xero_day_remaining = fields.Integer(aggregator=None)
