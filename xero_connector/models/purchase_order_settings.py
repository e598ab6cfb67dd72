"""Company settings of the purchase-order export (MRPeasy's "Choose how Purchase Orders are
sent to Xero"): not sent, as Xero purchase orders or as Xero bills; and when."""

from odoo import fields, models

from .res_company import XERO_STATUSES

XERO_PO_MODES = [
    ("none", "Not sent"),
    ("purchase_order", "As Xero purchase orders"),
    ("bill", "As Xero bills"),
]
XERO_PO_TRIGGERS = [
    ("confirm", "On confirmation"),
    ("vendor_ref", "When the vendor reference is filled"),
    ("manual", "Only with Add to Xero"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_po_mode = fields.Selection(
        XERO_PO_MODES,
        string="Purchase orders to Xero",
        default="none",
        required=True,
        help="As Xero purchase orders: the vendor bills later created from them export as bills as usual. "
        "As Xero bills: the order becomes a bill in Xero (numbered with the vendor reference) and the Odoo "
        "bill created from it is linked to that Xero bill instead of being sent again; an order with several "
        "vendor bills is not sent, its bills are.",
    )
    xero_po_trigger = fields.Selection(
        XERO_PO_TRIGGERS,
        string="Send purchase orders",
        default="confirm",
        required=True,
        help="When a confirmed purchase order joins the export queue (drained every 5 minutes). "
        "“When the vendor reference is filled” is MRPeasy's rule: the order goes once the vendor's "
        "invoice number is saved on it.",
    )
    xero_po_status = fields.Selection(
        XERO_STATUSES,
        string="Status of purchase orders in Xero",
        default="DRAFT",
        required=True,
        help="Xero purchase orders can be updated from Odoo until they are approved in Xero. As bills, "
        "orders take the status of exported bills (Status in Xero).",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_po_mode = fields.Selection(related="company_id.xero_po_mode", readonly=False)
    xero_po_trigger = fields.Selection(related="company_id.xero_po_trigger", readonly=False)
    xero_po_status = fields.Selection(related="company_id.xero_po_status", readonly=False)
