from odoo import fields, models

XERO_STATUSES = [("DRAFT", "Draft"), ("SUBMITTED", "Awaiting approval"), ("AUTHORISED", "Awaiting payment")]


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_tenant_id = fields.Many2one(
        "xero.tenant",
        string="Xero organisation",
        ondelete="set null",
        help="The Xero organisation this company's invoices, bills and purchase orders go to.",
    )
    # Workflow (M-Power's "Xero Integration Settings", MRPeasy's automatic sync)
    xero_invoice_status = fields.Selection(
        XERO_STATUSES,
        string="Status in Xero",
        default="DRAFT",
        required=True,
        help="Status of exported invoices, credit notes and bills in Xero. Drafts can be deleted in Xero "
        "and exported again; approved documents can only be voided or credited.",
    )
    xero_date_method = fields.Selection(
        [("invoice", "Invoice date"), ("export", "Export date")],
        string="Date sent to Xero",
        default="invoice",
        required=True,
    )
    xero_due_date_on_drafts = fields.Boolean(
        "Send due dates on drafts",
        help="Due dates are always sent for documents exported as awaiting approval or payment.",
    )
    xero_export_zero_lines = fields.Boolean("Export zero-amount lines")
    xero_auto_create_contacts = fields.Boolean(
        "Create missing contacts on export",
        default=True,
        help="A partner with no Xero contact is exported (or linked by name and email) on the fly.",
    )
    xero_auto_export_sales = fields.Boolean(
        "Export customer invoices automatically",
        help="Posted invoices and credit notes join the export queue.",
    )
    xero_auto_export_purchases = fields.Boolean(
        "Export vendor bills automatically", help="Posted bills and refunds join the export queue."
    )
    xero_lock_exported = fields.Boolean(
        "Lock exported documents",
        default=True,
        help="An exported document cannot be reset to draft or cancelled until its exported status is cleared.",
    )
    xero_block_email_before_export = fields.Boolean("No invoice email before export")
    xero_fetch_online_invoice = fields.Boolean(
        "Xero payment link on invoices",
        help="For invoices exported as awaiting payment, fetch Xero's online invoice URL and show it on the "
        "invoice and its email.",
    )
    xero_allocate_credit_notes = fields.Boolean(
        "Allocate credit notes in Xero",
        help="A credit note is allocated in Xero to the invoice it reverses, when that invoice was exported.",
    )
    xero_attach_pdf = fields.Boolean("Attach the Odoo PDF in Xero")
