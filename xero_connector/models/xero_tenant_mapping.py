"""The organisation's side of the mappings: its defaults (Momentus' default tax and GL code,
MRPeasy's default sales and purchase accounts) and the auto-matching of taxes, accounts and
products, run per organisation because each has its own lists."""

from odoo import _, api, fields, models
from odoo.tools import float_compare

# Odoo account types whose lines go to Xero's revenue and expense accounts.
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")

# Xero's EffectiveRate carries 4 decimals.
RATE_DIGITS = 4


# The mapping side of the organisation lives apart from the cache and contact sides so that
# each part of the connector owns its file.
class XeroTenant(models.Model):
    _inherit = "xero.tenant"  # pylint: disable=consider-merging-classes-inherited

    xero_default_sale_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Default sales tax rate",
        domain="[('tenant_id', '=', id), ('can_apply_to_revenue', '=', True)]",
        help="Used on sales lines without tax (Xero wants a tax type on every line).",
    )
    xero_default_purchase_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Default purchase tax rate",
        domain="[('tenant_id', '=', id), ('can_apply_to_expenses', '=', True)]",
        help="Used on bill and purchase-order lines without tax.",
    )
    xero_default_tax_for_unmapped = fields.Boolean(
        "Use the default tax rate for unmapped taxes",
        help="Momentus' behaviour: a tax with no Xero rate mapped goes out with the default rate of "
        "its side. Off by default, because Xero then computes the default's percentage, not the "
        "Odoo tax's. Taxes with several candidate rates always wait for a human choice.",
    )
    xero_default_sales_account_id = fields.Many2one(
        "xero.account",
        string="Default sales account",
        domain="[('tenant_id', '=', id), ('account_class', '=', 'REVENUE')]",
        help="Used for Odoo income accounts that have no Xero account mapped.",
    )
    xero_default_purchase_account_id = fields.Many2one(
        "xero.account",
        string="Default purchase account",
        domain="[('tenant_id', '=', id), ('account_class', 'in', ('EXPENSE', 'ASSET'))]",
        help="Used for Odoo expense accounts that have no Xero account mapped.",
    )
    xero_product_map_ids = fields.One2many("xero.product.map", "tenant_id", string="Product links")
    xero_category_map_ids = fields.One2many("xero.category.map", "tenant_id", string="Category links")
    xero_tax_map_ids = fields.One2many("xero.tax.map", "tenant_id", string="Tax mappings")
    xero_account_map_ids = fields.One2many("xero.account.map", "tenant_id", string="Account mappings")
    xero_tracking_map_ids = fields.One2many("xero.tracking.map", "tenant_id", string="Tracking mappings")

    # ------------------------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------------------------
    def _xero_default_tax_rate(self, use):
        """The default Xero tax rate of this organisation for ``use`` ('sale' or 'purchase')."""
        self.ensure_one()
        rate = self.xero_default_sale_tax_rate_id if use == "sale" else self.xero_default_purchase_tax_rate_id
        return rate.filtered("active")

    def _xero_default_account(self, internal_group):
        """The default Xero account for an Odoo account of ``internal_group`` (income/expense)."""
        self.ensure_one()
        if internal_group == "income":
            return self.xero_default_sales_account_id.filtered("active")
        if internal_group == "expense":
            return self.xero_default_purchase_account_id.filtered("active")
        return self.env["xero.account"]

    # ------------------------------------------------------------------------------------
    # Auto-matching
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_effective_rate(self, tax):
        """The percentage Xero would need to compute for ``tax``, or None when it cannot be
        expressed as one rate (fixed amounts, Python code, mixed groups)."""
        if tax.amount_type in ("percent", "division"):
            return tax.amount
        if tax.amount_type == "group" and tax.children_tax_ids:
            children = tax.children_tax_ids
            if all(child.amount_type == "percent" for child in children):
                return sum(children.mapped("amount"))
        return None

    def _xero_tax_candidates(self, tax):
        """The active Xero rates of this organisation that fit ``tax``: same side (revenue for
        sales taxes, expenses for purchase taxes) and same effective rate."""
        self.ensure_one()
        rate = self._xero_effective_rate(tax)
        if rate is None or tax.type_tax_use not in ("sale", "purchase"):
            return self.env["xero.tax.rate"]
        side = "can_apply_to_revenue" if tax.type_tax_use == "sale" else "can_apply_to_expenses"
        rates = self.env["xero.tax.rate"].search([("tenant_id", "=", self.id), (side, "=", True)])
        return rates.filtered(
            lambda r: float_compare(r.effective_rate, rate, precision_digits=RATE_DIGITS) == 0
        )

    def _auto_match_taxes(self, taxes=None):
        """Map the sales and purchase taxes of the companies using this organisation: exactly one
        fitting Xero rate → mapped (auto); several → 'ambiguous', candidates listed, left for a
        human; none → 'none'. Choices made by hand are kept. Returns the mappings touched."""
        self.ensure_one()
        TaxMap = self.env["xero.tax.map"]
        if taxes is None:
            taxes = self.env["account.tax"].search(
                [("company_id", "in", self.company_ids.ids), ("type_tax_use", "in", ("sale", "purchase"))]
            )
        existing = {
            m.tax_id.id: m for m in TaxMap.search([("tenant_id", "=", self.id), ("tax_id", "in", taxes.ids)])
        }
        touched = TaxMap
        to_create = []
        for tax in taxes:
            mapping = existing.get(tax.id)
            if mapping and mapping.match_state == "manual":
                continue
            candidates = self._xero_tax_candidates(tax)
            if len(candidates) == 1:
                vals = {
                    "tax_rate_id": candidates.id,
                    "match_state": "auto",
                    "candidate_ids": [(6, 0, candidates.ids)],
                }
            elif candidates:
                vals = {
                    "tax_rate_id": False,
                    "match_state": "ambiguous",
                    "candidate_ids": [(6, 0, candidates.ids)],
                }
            else:
                vals = {"tax_rate_id": False, "match_state": "none", "candidate_ids": [(5, 0, 0)]}
            if mapping:
                mapping.write(vals)
                touched |= mapping
            else:
                to_create.append(dict(vals, tenant_id=self.id, tax_id=tax.id))
        return touched | TaxMap.create(to_create)

    def _xero_accounts_by_code(self, accounts=None):
        """{Odoo account: its code} for the income and expense accounts of the companies using
        this organisation (Odoo 18 codes depend on the company)."""
        self.ensure_one()
        result = {}
        for company in self.company_ids:
            Account = self.env["account.account"].with_company(company)
            found = (
                accounts.with_company(company).filtered(lambda a, c=company: c in a.company_ids)
                if accounts is not None
                else Account.search(
                    [("company_ids", "in", company.id), ("account_type", "in", INCOME_TYPES + EXPENSE_TYPES)]
                )
            )
            for account in found:
                result.setdefault(account.with_env(self.env), account.code)
        return result

    def _auto_match_accounts(self, accounts=None):
        """Map the income and expense accounts of the companies using this organisation to the
        active Xero account with the same code. Choices made by hand are kept; accounts with no
        such Xero account get a row to fill in ('none'). Returns the mappings touched."""
        self.ensure_one()
        AccountMap = self.env["xero.account.map"]
        codes = self._xero_accounts_by_code(accounts)
        xero_by_code = {
            a.code: a
            for a in self.env["xero.account"].search([("tenant_id", "=", self.id), ("code", "!=", False)])
        }
        existing = {
            m.account_id.id: m
            for m in AccountMap.search(
                [("tenant_id", "=", self.id), ("account_id", "in", [a.id for a in codes])]
            )
        }
        touched = AccountMap
        to_create = []
        for account, code in codes.items():
            mapping = existing.get(account.id)
            if mapping and mapping.match_state == "manual":
                continue
            xero_account = xero_by_code.get(code)
            vals = {
                "xero_account_id": xero_account.id if xero_account else False,
                "match_state": "auto" if xero_account else "none",
            }
            if mapping:
                mapping.write(vals)
                touched |= mapping
            else:
                to_create.append(dict(vals, tenant_id=self.id, account_id=account.id))
        return touched | AccountMap.create(to_create)

    def _auto_match_products(self, templates):
        """Link each of ``templates`` without a link in this organisation to the active Xero
        item whose code equals its internal reference (Xero compares codes ignoring case).
        Returns the links created."""
        self.ensure_one()
        ProductMap = self.env["xero.product.map"]
        linked = set(
            ProductMap.search(
                [("tenant_id", "=", self.id), ("product_tmpl_id", "in", templates.ids)]
            ).product_tmpl_id.ids
        )
        items = {
            item.code.lower(): item
            for item in self.env["xero.item"].search([("tenant_id", "=", self.id), ("code", "!=", False)])
        }
        to_create = [
            {
                "tenant_id": self.id,
                "product_tmpl_id": template.id,
                "item_id": items[code].id,
                "match_state": "auto",
            }
            for template in templates
            if template.id not in linked
            and (code := (template.default_code or "").strip().lower())
            and code in items
        ]
        return ProductMap.create(to_create)

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_current_tenant(self):
        """The organisation a menu entry works on: the current company's, else the first one
        the user sees."""
        return self.env.company.xero_tenant_id or self.search([], limit=1)

    @api.model
    def _action_no_tenant(self):
        return self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_tenant")

    def action_auto_match_taxes(self):
        self.env["xero.access"]._xero_check_access("manager", self)
        summary = []
        for tenant in self:
            mappings = tenant._auto_match_taxes()
            summary.append(tenant._match_summary(mappings))
        return self._match_notification(_("Taxes auto-matched"), summary)

    def action_auto_match_accounts(self):
        self.env["xero.access"]._xero_check_access("manager", self)
        summary = []
        for tenant in self:
            mappings = tenant._auto_match_accounts()
            summary.append(tenant._match_summary(mappings))
        return self._match_notification(_("Accounts auto-matched"), summary)

    def _match_summary(self, mappings):
        counts = {
            state: len(mappings.filtered(lambda m, s=state: m.match_state == s))
            for state in ("auto", "ambiguous", "none")
        }
        return _(
            "%(org)s: %(auto)s matched, %(ambiguous)s with several candidates, %(none)s without a match",
            org=self.name,
            auto=counts["auto"],
            ambiguous=counts["ambiguous"],
            none=counts["none"],
        )

    @api.model
    def _match_notification(self, title, lines):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join(lines),
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _action_mapping_list(self, xmlid):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("tenant_id", "=", self.id)]
        action["context"] = {"default_tenant_id": self.id}
        return action

    def action_open_tax_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_tax_map")

    def action_open_account_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_account_map")

    def action_open_product_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_product_map")

    def action_open_category_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_category_map")

    def action_open_tracking_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_tracking_map")

    def action_open_product_link(self):
        self.ensure_one()
        return self.env["xero.product.link.wizard"]._action_open(self)

    def action_open_category_link(self):
        self.ensure_one()
        return self.env["xero.category.link.wizard"]._action_open(self)

    def action_open_item_import(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Import items from Xero"),
            "res_model": "xero.item.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_tenant_id": self.id},
        }

    def action_open_mapping_health(self):
        self.ensure_one()
        return self.env["xero.mapping.health"]._action_open(self)
