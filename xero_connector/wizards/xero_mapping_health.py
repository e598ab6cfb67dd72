"""Mapping health of one organisation: everything the open documents need that is not mapped
yet, each with its document count and the action that fixes it.

Open documents: draft and posted-but-not-exported invoices, bills and refunds, and confirmed
purchase orders not exported, of that organisation (their ``xero_tenant_id``) and of the user's
companies. Computed when opened, with a handful of grouped queries whatever the number of
documents; the mapping helpers then run once per distinct product, tax, account or analytic
account."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

SALE_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")
PURCHASE_MOVE_TYPES = ("in_invoice", "in_refund", "in_receipt")

KINDS = [
    ("partner", "Partner without Xero contact"),
    ("product", "Product without Xero item"),
    ("tax", "Tax without Xero tax rate"),
    ("tax_rate", "Tax on a Xero rate of another percentage"),
    ("tax_rate_confirmed", "Other percentage, confirmed by a Xero manager"),
    ("tax_default", "Lines without tax, no rate that charges none"),
    ("currency", "Currency the organisation does not use"),
    ("account", "Account without Xero account"),
    ("analytic", "Analytic account without tracking option"),
]

# Deliberate exceptions a Xero manager confirmed: shown, not counted as to fix.
CONFIRMED_KINDS = ("tax_rate_confirmed",)

# The Mappings screen's buttons → the organisation's method that opens the list or tool.
MAPPING_SCREENS = {
    "taxes": "action_open_tax_maps",
    "accounts": "action_open_account_maps",
    "products": "action_open_product_maps",
    "categories": "action_open_category_maps",
    "tracking": "action_open_tracking_maps",
    "product_link": "action_open_product_link",
    "category_link": "action_open_category_link",
    "item_import": "action_open_item_import",
}


class XeroMappingHealth(models.TransientModel):
    _name = "xero.mapping.health"
    _description = "Xero mapping health"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    line_ids = fields.One2many("xero.mapping.health.line", "health_id", string="To map")
    unmapped_count = fields.Integer("Unmapped", compute="_compute_counts")
    document_count = fields.Integer("Open documents", readonly=True)
    checked_at = fields.Datetime("Checked", readonly=True)

    @api.depends("tenant_id")
    def _compute_display_name(self):
        for health in self:
            health.display_name = _("Mapping health: %(org)s", org=health.tenant_id.name)

    @api.depends("line_ids.kind")
    def _compute_counts(self):
        """What still needs someone: a confirmed exception is listed, not counted."""
        for health in self:
            health.unmapped_count = len(
                health.line_ids.filtered(lambda line: line.kind not in CONFIRMED_KINDS)
            )

    # ------------------------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------------------------
    @api.model
    def _action_open(self, tenant):
        self.env["xero.access"]._xero_check_access("user", tenant)
        # One check per user and organisation, checked again at each visit (not a new record
        # each time, which piled up in the breadcrumb).
        health = self.search(
            [("tenant_id", "=", tenant.id), ("create_uid", "=", self.env.uid)], order="id desc", limit=1
        ) or self.create({"tenant_id": tenant.id})
        health._check()
        return health._action_reopen()

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mapping health: %(org)s", org=self.tenant_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_mapping(self):
        """A button of the Mappings screen: one of the organisation's mapping lists or tools,
        named by the button's ``xero_mapping`` context key."""
        self.ensure_one()
        method = MAPPING_SCREENS.get(self.env.context.get("xero_mapping"))
        if not method:
            raise UserError(_("This button opens none of the organisation's mappings."))
        return getattr(self.tenant_id, method)()

    def action_refresh(self):
        self.env["xero.access"]._xero_check_access("user", self.tenant_id)
        self._check()
        return self._action_reopen()

    # ------------------------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------------------------
    def _documents_domains(self):
        """(move domain, purchase-order domain) of the open documents of this organisation."""
        companies = self.env.user.company_ids.ids
        moves = [
            ("xero_tenant_id", "=", self.tenant_id.id),
            ("company_id", "in", companies),
            ("move_type", "in", SALE_MOVE_TYPES + PURCHASE_MOVE_TYPES),
            "|",
            ("state", "=", "draft"),
            "&",
            ("state", "=", "posted"),
            ("xero_id", "=", False),
        ]
        orders = [
            ("xero_tenant_id", "=", self.tenant_id.id),
            ("company_id", "in", companies),
            ("state", "in", ("purchase", "done")),
            ("xero_id", "=", False),
            # Only where purchase orders are sent at all (Settings > Purchase orders to Xero).
            ("company_id.xero_po_mode", "!=", "none"),
            ("xero_export_state", "!=", "bills"),
        ]
        return moves, orders

    def _check(self):
        """Recompute the lines: the documents of the user's companies that they may read
        (access rights and record rules), as the export would see them."""
        for health in self:
            tenant = health.tenant_id
            env = self.env
            moves, orders = health._documents_domains()
            Move, Order = env["account.move"], env["purchase.order"]
            MoveLine, OrderLine = env["account.move.line"], env["purchase.order.line"]
            invoice_lines = [("move_id", "any", moves), ("display_type", "=", "product")]
            order_lines = [("order_id", "any", orders), ("display_type", "=", False)]
            lines = []

            def count(counts, key, n):
                counts[key] = counts.get(key, 0) + n

            # Partners.
            partners = {}
            for partner, n in Move._read_group(moves, ["commercial_partner_id"], ["__count"]):
                count(partners, partner.id, n)
            for partner, n in Order._read_group(orders, ["partner_id"], ["__count"]):
                count(partners, partner.commercial_partner_id.id, n)
            for partner in env["res.partner"].browse([p for p in partners if p]):
                if not partner._xero_contact(tenant):
                    lines.append(health._line("partner", partner, partners[partner.id]))

            # Currencies: Xero refuses a document in a currency the organisation lacks.
            used = set(env["xero.currency"].search([("tenant_id", "=", tenant.id)]).mapped("xero_id")) | {
                tenant.base_currency
            }
            currencies = {}
            for currency, n in Move._read_group(moves, ["currency_id"], ["__count"]):
                count(currencies, currency, n)
            for currency, n in Order._read_group(orders, ["currency_id"], ["__count"]):
                count(currencies, currency, n)
            for currency, n in currencies.items():
                if currency and currency.name not in used:
                    lines.append(health._line("currency", currency, n))

            # Products.
            products = {}
            for product, n in MoveLine._read_group(
                [*invoice_lines, ("product_id", "!=", False)], ["product_id"], ["move_id:count_distinct"]
            ):
                count(products, product.id, n)
            for product, n in OrderLine._read_group(
                [*order_lines, ("product_id", "!=", False)], ["product_id"], ["order_id:count_distinct"]
            ):
                count(products, product.id, n)
            product_records = env["product.product"].browse(list(products))
            items = product_records._xero_items_by_product(tenant)
            for product in product_records:
                if not items[product.id]:
                    lines.append(health._line("product", product, products[product.id]))

            # Taxes, and lines without tax per side.
            taxes, untaxed = {}, {"sale": 0, "purchase": 0}
            for use, types in (("sale", SALE_MOVE_TYPES), ("purchase", PURCHASE_MOVE_TYPES)):
                for tax, n in MoveLine._read_group(
                    [*invoice_lines, ("move_id.move_type", "in", types)],
                    ["tax_ids"],
                    ["move_id:count_distinct"],
                ):
                    if tax:
                        count(taxes, tax.id, n)
                    else:
                        untaxed[use] += n
            for tax, n in OrderLine._read_group(order_lines, ["taxes_id"], ["order_id:count_distinct"]):
                if tax:
                    count(taxes, tax.id, n)
                else:
                    untaxed["purchase"] += n
            tax_records = env["account.tax"].browse(list(taxes))
            rates = tax_records._xero_tax_rates(tenant)
            for tax in tax_records:
                if not rates[tax.id]:
                    lines.append(health._line("tax", tax, taxes[tax.id]))
            lines += health._rate_difference_lines(taxes)
            for use, n in untaxed.items():
                if n and not env["account.tax"]._xero_no_tax_rate(tenant, use):
                    lines.append(
                        {
                            "kind": "tax_default",
                            "name": _("Sales lines without tax")
                            if use == "sale"
                            else _("Purchase lines without tax"),
                            "res_model": "xero.tenant",
                            "res_id": tenant.id,
                            "document_count": n,
                        }
                    )

            # Accounts of invoice and bill lines (purchase orders carry none).
            accounts = dict(MoveLine._read_group(invoice_lines, ["account_id"], ["move_id:count_distinct"]))
            account_records = env["account.account"].union(*accounts) if accounts else env["account.account"]
            xero_accounts = account_records._xero_accounts(tenant)
            for account in account_records:
                if not xero_accounts[account.id]:
                    lines.append(health._line("account", account, accounts[account]))

            # Analytic accounts of invoice, bill and purchase-order lines.
            analytics = {}
            for Lines, domain in ((MoveLine, invoice_lines), (OrderLine, order_lines)):
                for account_id, n in Lines._read_group(
                    [*domain, ("analytic_distribution", "!=", False)], ["analytic_distribution"], ["__count"]
                ):
                    key = account_id.id if isinstance(account_id, models.BaseModel) else account_id
                    if key:
                        count(analytics, int(key), n)
            analytic_records = env["account.analytic.account"].browse(list(analytics)).exists()
            options = analytic_records._xero_tracking_options(tenant)
            for analytic in analytic_records:
                if not options[analytic.id]:
                    lines.append(health._line("analytic", analytic, analytics[analytic.id]))

            health.line_ids = [fields.Command.clear()] + [fields.Command.create(vals) for vals in lines]
            health.document_count = Move.search_count(moves) + Order.search_count(orders)
            health.checked_at = fields.Datetime.now()

    def _rate_difference_lines(self, taxes):
        """The organisation's taxes mapped to a Xero rate of another percentage: to fix when
        nobody confirmed it (a tax whose percentage changed after it was mapped), listed with
        who confirmed it otherwise. ``taxes``: {tax id: open documents using it}."""
        maps = self.env["xero.tax.map"].search(
            [("tenant_id", "=", self.tenant_id.id), ("tax_rate_id", "!=", False)]
        )
        lines = []
        for mapping in maps.filtered("rate_difference"):
            confirmed = mapping.rate_difference_confirmed
            vals = self._line(
                "tax_rate_confirmed" if confirmed else "tax_rate",
                mapping.tax_id,
                taxes.get(mapping.tax_id.id, 0),
            )
            vals["name"] = (
                _(
                    "%(tax)s → %(rate)s (%(difference)s), confirmed by %(user)s",
                    tax=mapping.tax_id.display_name,
                    rate=mapping.tax_rate_id.display_name,
                    difference=mapping.rate_difference,
                    user=mapping.rate_difference_confirmed_by_id.name or "?",
                )
                if confirmed
                else _(
                    "%(tax)s → %(rate)s (%(difference)s)",
                    tax=mapping.tax_id.display_name,
                    rate=mapping.tax_rate_id.display_name,
                    difference=mapping.rate_difference,
                )
            )
            lines.append(vals)
        return lines

    @api.model
    def _line(self, kind, record, document_count):
        return {
            "kind": kind,
            "name": record.display_name,
            "res_model": record._name,
            "res_id": record.id,
            "document_count": document_count,
        }
