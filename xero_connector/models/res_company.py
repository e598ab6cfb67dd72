"""The company's Xero settings: its organisation and, feature by feature, how its documents,
payments, purchase orders and balances go to Xero (Settings › Xero shows them
through ``res.config.settings``)."""

from odoo import Command, api, fields, models

XERO_STATUSES = [("DRAFT", "Draft"), ("SUBMITTED", "Awaiting approval"), ("AUTHORISED", "Awaiting payment")]
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
        "and exported again; approved documents can only be voided or credited. Xero takes payments only "
        "on approved (AUTHORISED) documents: with DRAFT or SUBMITTED, a payment sent from Odoo waits until "
        "someone approves the document in Xero (Odoo asks Xero again before sending it); choose AUTHORISED "
        "to send payments from Odoo straight away.",
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
        help="An exported document's state and lines cannot change (reset to draft, cancelled, edited, from "
        "any screen or integration) until its exported status is cleared.",
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

    # ------------------------------------------------------------------------------------
    # Document lines (per-line items, lines left out)
    # ------------------------------------------------------------------------------------

    xero_single_item_mode = fields.Boolean(
        "All lines use the Xero item of the first product",
        help="M-Power's job mode: every line of a document goes to Xero with the Xero item of the "
        "document's first product line (lines with their own Xero item keep it).",
    )
    xero_exclude_nonpositive_lines = fields.Boolean(
        "Leave out lines with a zero or negative price or quantity",
        help="Momentus' rule: such lines are left out and the document goes to Xero without them. The "
        "lines left out are named on the document's Xero tab and in its chatter, and Xero's total is "
        "checked against Odoo's without them. Down-payment deductions and credits still go to Xero as "
        "negative lines.",
    )
    xero_credit_product_id = fields.Many2one(
        "product.product",
        string="Credits product",
        help="Momentus' credits: a line of this product with a negative amount (a credit granted on the "
        "invoice) goes to Xero as a negative line even when lines with a zero or negative price or quantity "
        "are left out. Xero shows the line's description: name the product “Credits”.",
    )

    # ------------------------------------------------------------------------------------
    # After an export (Update Status)
    # ------------------------------------------------------------------------------------

    xero_update_status = fields.Selection(
        [
            ("none", "Nothing"),
            ("sent", "Mark as sent"),
            ("email", "Send the invoice email"),
        ],
        string="When an invoice reaches Xero",
        default="none",
        required=True,
        help="M-Power's Update Status: what marks a customer invoice or credit note as sent in Odoo once "
        "it is exported to Xero.",
    )

    # ------------------------------------------------------------------------------------
    # Payments both ways and webhooks
    # ------------------------------------------------------------------------------------

    xero_payments_from_xero = fields.Boolean(
        "Payments from Xero",
        default=True,
        help="Payments and credit allocations made in Xero on exported documents become Odoo payments.",
    )
    xero_payments_to_xero = fields.Boolean(
        "Payments to Xero",
        help="Payments registered in Odoo on exported documents are sent to Xero.",
    )

    # ------------------------------------------------------------------------------------
    # Purchase orders
    # ------------------------------------------------------------------------------------

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

    # ------------------------------------------------------------------------------------
    # Balances as manual journals
    # ------------------------------------------------------------------------------------

    xero_journals_enabled = fields.Boolean(
        "Send balances to Xero as manual journals",
        help="Each evening, the day's net changes of the chosen journals' posted entries (stock valuation, "
        "cost of goods sold, work in progress, inventory gains and losses) go to Xero as one manual journal "
        "per day; later changes go as adjustment journals holding only the difference.",
    )
    xero_journals_journal_ids = fields.Many2many(
        "account.journal",
        "res_company_xero_journals_rel",
        "company_id",
        "journal_id",
        string="Journals sent as balances",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Posted entries of these journals are sent (default: the stock valuation journal). Invoices, bills "
        "and payments go to Xero as documents: never choose their journals here.",
    )
    xero_journals_cogs_lines = fields.Boolean(
        "Include the invoices' cost-of-goods lines",
        default=True,
        help="With Anglo-Saxon accounting Odoo books the cost of goods sold on the customer invoice itself; "
        "Xero receives the invoice without those lines, so they are sent with the balances.",
    )
    xero_journals_start_date = fields.Date(
        "Balances from",
        help="Nothing dated before this day is sent. Set to the day the setting is turned on when left empty.",
    )
    xero_journals_hour = fields.Integer(
        "Evening run at",
        default=21,
        help="Hour of the day (0-23, in the company's time zone) after which the day's journal is sent.",
    )
    xero_journals_final_date = fields.Date(
        "Balances final up to",
        readonly=True,
        copy=False,
        help="The lock date at the last complete run: days up to it cannot change any more and are not "
        "compared again.",
    )
    xero_journals_run_date = fields.Date("Last evening run", readonly=True, copy=False)
    xero_journals_problems = fields.Text("Balances problems", readonly=True, copy=False)

    _sql_constraints = [
        (
            "xero_journals_hour_range",
            "CHECK(xero_journals_hour IS NULL OR (xero_journals_hour >= 0 AND xero_journals_hour <= 23))",
            "The hour of the evening run is between 0 and 23.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(lambda c: c.xero_journals_enabled)._xero_journals_defaults()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if vals.get("xero_journals_enabled"):
            self._xero_journals_defaults()
        return result

    def _xero_journals_defaults(self):
        """MRPeasy starts "from that day": the start date and the stock journal by default."""
        for company in self:
            values = {}
            if not company.xero_journals_start_date:
                values["xero_journals_start_date"] = fields.Date.context_today(company)
            if not company.xero_journals_journal_ids:
                journal = company._xero_stock_valuation_journal()
                if journal:
                    values["xero_journals_journal_ids"] = [Command.set(journal.ids)]
            if values:
                company.write(values)

    def _xero_stock_valuation_journal(self):
        """The journal stock_account books valuation entries in for this company."""
        self.ensure_one()
        journal = (
            self.env["account.chart.template"]
            .with_company(self)
            .ref("inventory_valuation", raise_if_not_found=False)
        )
        if not journal:
            journal = self.env["account.journal"].search(
                [("company_id", "=", self.id), ("code", "=", "STJ"), ("type", "=", "general")], limit=1
            )
        return journal

    # ------------------------------------------------------------------------------------
    # The company's clock for the evening run (the run itself: xero.manual.journal)
    # ------------------------------------------------------------------------------------
    def _xero_journals_tz(self):
        self.ensure_one()
        return self.partner_id.tz or self.env.user.tz or "UTC"

    def _xero_journals_now(self):
        """Now, in the company's time zone (its address's, else the acting user's, else UTC)."""
        self.ensure_one()
        return fields.Datetime.context_timestamp(
            self.with_context(tz=self._xero_journals_tz()), fields.Datetime.now()
        )

    def _xero_journals_today(self):
        return self._xero_journals_now().date()
