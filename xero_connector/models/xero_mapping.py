"""Links between Odoo records and the cached Xero lists, one per organisation (the OCA
"binding" idea): a product shared by two companies mapped to two organisations has two links.

The export reads them through small public helpers on the Odoo models
(``product.product._xero_item``, ``account.tax._xero_tax_type``,
``account.account._xero_account_code``, ``account.analytic.account._xero_tracking``), never
these tables directly, so that fall-backs (category mapping, organisation defaults) live in one
place."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

MATCH_STATES = [
    ("auto", "Matched automatically"),
    ("manual", "Chosen by hand"),
    ("ambiguous", "Several candidates"),
    ("none", "No match"),
]

# Xero allows two active tracking categories on a line.
MAX_TRACKING_CATEGORIES = 2


class XeroMappingMixin(models.AbstractModel):
    """What every mapping shares: its organisation, and the rule that the Xero record it points
    to belongs to that same organisation (a tax rate of organisation B on a mapping of
    organisation A would be refused by Xero at export time, far from where it was chosen)."""

    _name = "xero.mapping.mixin"
    _description = "Xero mapping"

    # The field holding the Xero record (a cache record with a tenant_id).
    _xero_target_field = None

    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", required=True, ondelete="cascade", index=True
    )
    tenant_company_ids = fields.One2many(related="tenant_id.company_ids", string="Companies")

    @api.constrains("tenant_id")
    def _check_xero_target_tenant(self):
        for mapping in self:
            target = mapping[self._xero_target_field]
            if target and target.tenant_id != mapping.tenant_id:
                raise ValidationError(
                    _(
                        "%(record)s belongs to the Xero organisation %(other)s, not %(org)s.",
                        record=target.display_name,
                        other=target.tenant_id.name,
                        org=mapping.tenant_id.name,
                    )
                )

    def _auto_match_tenants(self):
        tenants = self.tenant_id
        if not tenants and self.env.context.get("default_tenant_id"):
            tenants = self.env["xero.tenant"].browse(self.env.context["default_tenant_id"])
        return tenants or self.env["xero.tenant"].search([("company_ids", "!=", False)])

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "match_state" in self._fields and "match_state" not in vals:
                vals["match_state"] = "manual" if vals.get(self._xero_target_field) else "none"
        return super().create(vals_list)

    def write(self, vals):
        # Someone picking (or clearing) the Xero record by hand overrides what auto-matching found.
        if "match_state" in self._fields and self._xero_target_field in vals and "match_state" not in vals:
            vals = dict(vals, match_state="manual" if vals[self._xero_target_field] else "none")
        result = super().write(vals)
        if self._xero_target_field in vals or "tenant_id" in vals:
            self._check_xero_target_tenant()
        return result


class XeroProductMap(models.Model):
    """Odoo product ↔ Xero item in one organisation (M-Power's "Link Products to Xero Items")."""

    _name = "xero.product.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero item of a product"
    _order = "tenant_id, product_tmpl_id"
    _xero_target_field = "item_id"

    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", required=True, ondelete="cascade", index=True
    )
    default_code = fields.Char(related="product_tmpl_id.default_code", string="Internal reference")
    item_id = fields.Many2one(
        "xero.item",
        string="Xero item",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    match_state = fields.Selection(
        [("auto", "Matched by code"), ("manual", "Chosen by hand")], default="manual", required=True
    )

    _sql_constraints = [
        (
            "tenant_product_unique",
            "unique(tenant_id, product_tmpl_id)",
            "A product is linked to one Xero item per organisation.",
        )
    ]


class XeroCategoryMap(models.Model):
    """Odoo product category ↔ Xero item: every line whose product is in that category (or a
    child category) uses that item unless the product has its own (M-Power's product-level
    mapping)."""

    _name = "xero.category.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero item of a product category"
    _order = "tenant_id, categ_id"
    _xero_target_field = "item_id"

    categ_id = fields.Many2one(
        "product.category", string="Product category", required=True, ondelete="cascade", index=True
    )
    item_id = fields.Many2one(
        "xero.item",
        string="Xero item",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )

    _sql_constraints = [
        (
            "tenant_categ_unique",
            "unique(tenant_id, categ_id)",
            "A product category is linked to one Xero item per organisation.",
        )
    ]


class XeroTaxMap(models.Model):
    """Odoo tax ↔ Xero tax rate (its tax type) in one organisation. Auto-matching fills the
    rows; where several Xero rates fit it lists them and leaves the choice to a human."""

    _name = "xero.tax.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero tax rate of a tax"
    _order = "tenant_id, type_tax_use, tax_id"
    _xero_target_field = "tax_rate_id"

    tax_id = fields.Many2one("account.tax", required=True, ondelete="cascade", index=True)
    type_tax_use = fields.Selection(related="tax_id.type_tax_use", store=True, string="Used on")
    tax_company_id = fields.Many2one(related="tax_id.company_id", string="Company")
    tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Xero tax rate",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    tax_type = fields.Char(related="tax_rate_id.tax_type", string="Xero tax type")
    match_state = fields.Selection(MATCH_STATES, string="Match", default="none", required=True)
    candidate_ids = fields.Many2many(
        "xero.tax.rate",
        "xero_tax_map_candidate_rel",
        "map_id",
        "tax_rate_id",
        string="Candidates",
        help="The Xero rates with the same effective rate and use: pick the right one.",
    )

    def action_auto_match(self):
        """The list's Auto-match: for the organisations of the selected rows, else for the one
        the list is filtered on, else for every organisation the user sees."""
        return self._auto_match_tenants().action_auto_match_taxes()

    _sql_constraints = [
        ("tenant_tax_unique", "unique(tenant_id, tax_id)", "A tax is mapped once per organisation.")
    ]


class XeroAccountMap(models.Model):
    """Odoo account ↔ Xero account (its code) in one organisation: matched by code, overridden
    by hand."""

    _name = "xero.account.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero account of an account"
    _order = "tenant_id, account_id"
    _xero_target_field = "xero_account_id"

    account_id = fields.Many2one("account.account", required=True, ondelete="cascade", index=True)
    account_type = fields.Selection(related="account_id.account_type", string="Type")
    xero_account_id = fields.Many2one(
        "xero.account",
        string="Xero account",
        ondelete="set null",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    xero_account_code = fields.Char(related="xero_account_id.code", string="Xero code")
    match_state = fields.Selection(
        [item for item in MATCH_STATES if item[0] != "ambiguous"],
        string="Match",
        default="none",
        required=True,
    )

    def action_auto_match(self):
        """The list's Auto-match, like the taxes'."""
        return self._auto_match_tenants().action_auto_match_accounts()

    _sql_constraints = [
        (
            "tenant_account_unique",
            "unique(tenant_id, account_id)",
            "An account is mapped once per organisation.",
        )
    ]


class XeroTrackingMap(models.Model):
    """Analytic account ↔ tracking option in one organisation. Xero takes at most two tracking
    categories on a line, so the mappings of one organisation may use at most two."""

    _name = "xero.tracking.map"
    _inherit = ["xero.mapping.mixin"]
    _description = "Xero tracking option of an analytic account"
    _order = "tenant_id, analytic_account_id"
    _xero_target_field = "option_id"

    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Analytic account", required=True, ondelete="cascade", index=True
    )
    option_id = fields.Many2one(
        "xero.tracking.option",
        string="Tracking option",
        required=True,
        ondelete="cascade",
        domain="[('tenant_id', '=', tenant_id)]",
    )
    category_id = fields.Many2one(
        related="option_id.category_id", store=True, string="Tracking category", index=True
    )

    _sql_constraints = [
        (
            "tenant_analytic_unique",
            "unique(tenant_id, analytic_account_id)",
            "An analytic account is mapped once per organisation.",
        )
    ]

    @api.constrains("option_id", "tenant_id")
    def _check_at_most_two_categories(self):
        for tenant in self.tenant_id:
            categories = self.search([("tenant_id", "=", tenant.id)]).category_id
            if len(categories) > MAX_TRACKING_CATEGORIES:
                raise ValidationError(
                    _(
                        "Xero takes at most %(max)s tracking categories on a line, but the analytic "
                        "mappings of %(org)s would use %(count)s: %(categories)s. Map analytic "
                        "accounts to options of at most two categories.",
                        max=MAX_TRACKING_CATEGORIES,
                        org=tenant.name,
                        count=len(categories),
                        categories=", ".join(categories.mapped("name")),
                    )
                )
