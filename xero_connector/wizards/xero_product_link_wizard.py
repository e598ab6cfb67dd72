"""M-Power's "Link Products to Xero Items" for one organisation: search products, match them in
bulk by internal reference = item code, pick the item by hand where needed, then apply. And
"Export product to Xero" for products Xero does not have yet."""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..utils import notification

MAX_LINES = 500


class XeroProductLinkWizard(models.TransientModel):
    _name = "xero.product.link.wizard"
    _description = "Link products to Xero items"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    search_term = fields.Char("Search", help="Name or internal reference of the products to show.")
    categ_id = fields.Many2one("product.category", string="Category")
    only_unlinked = fields.Boolean("Only products without a Xero item", default=True)
    line_ids = fields.One2many("xero.product.link.wizard.line", "wizard_id", string="Products")
    more_products = fields.Boolean(readonly=True, help="More products match than are shown.")

    @api.model
    def _action_open(self, tenant, templates=None):
        """The wizard for ``tenant``, listing ``templates`` (or, by default, the products without
        a link)."""
        self.env["xero.access"]._xero_check_access("manager", tenant)
        wizard = self.create(
            {
                "tenant_id": tenant.id,
                "only_unlinked": not templates,
                "search_term": templates.default_code or templates.name
                if templates and len(templates) == 1
                else False,
            }
        )
        wizard._load_lines(templates)
        return wizard._action_reopen()

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Link products to Xero items (%(org)s)", org=self.tenant_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _product_domain(self):
        domain = [("company_id", "in", [False, *self.tenant_id.company_ids.ids])]
        if self.search_term:
            domain += ["|", ("name", "ilike", self.search_term), ("default_code", "ilike", self.search_term)]
        if self.categ_id:
            domain.append(("categ_id", "child_of", self.categ_id.id))
        if self.only_unlinked:
            domain.append(("xero_product_map_ids", "not any", [("tenant_id", "=", self.tenant_id.id)]))
        return domain

    def _load_lines(self, templates=None):
        self.ensure_one()
        if templates is None:
            templates = self.env["product.template"].search(self._product_domain(), limit=MAX_LINES + 1)
        self.more_products = len(templates) > MAX_LINES
        templates = templates[:MAX_LINES]
        links = {
            m.product_tmpl_id.id: m.item_id
            for m in self.env["xero.product.map"].search(
                [("tenant_id", "=", self.tenant_id.id), ("product_tmpl_id", "in", templates.ids)]
            )
        }
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "product_tmpl_id": template.id,
                    "current_item_id": links.get(template.id, False) and links[template.id].id,
                    "item_id": links.get(template.id, False) and links[template.id].id,
                }
            )
            for template in templates
        ]

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_search(self):
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        self._load_lines()
        return self._action_reopen()

    def action_auto_match(self):
        """Pick, for every line without an item, the Xero item whose code is its internal
        reference (case ignored, as Xero compares codes). Applied with the other choices."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        items = self.env["xero.item"]._xero_by_code(self.tenant_id)
        for line in self.line_ids.filtered(lambda line: not line.item_id):
            item = items.get((line.default_code or "").strip().lower())
            if item:
                line.write({"item_id": item.id, "matched_by_code": True})
        return self._action_reopen()

    def action_apply(self):
        """Save the choices: new links, changed links, links cleared."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        self.env["xero.product.map"]._xero_apply_choices(
            self.tenant_id,
            "product_tmpl_id",
            {
                line.product_tmpl_id.id: (
                    line.item_id.id,
                    {"match_state": "auto" if line.matched_by_code else "manual"},
                )
                for line in self.line_ids
            },
        )
        return {"type": "ir.actions.act_window_close"}

    def action_export_unlinked(self):
        """Create in Xero the listed products that have no item picked, and link them."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        templates = self.line_ids.filtered(lambda line: not line.item_id).product_tmpl_id
        if not templates:
            raise UserError(_("Every listed product has a Xero item already."))
        links, errors = templates._xero_export_items(self.tenant_id)
        self._load_lines(self.line_ids.product_tmpl_id)
        return _export_notification(self.tenant_id, links, errors, self._action_reopen())


class XeroProductLinkWizardLine(models.TransientModel):
    _name = "xero.product.link.wizard.line"
    _description = "Product to link to a Xero item"
    _order = "default_code, id"

    wizard_id = fields.Many2one("xero.product.link.wizard", required=True, ondelete="cascade")
    tenant_id = fields.Many2one(related="wizard_id.tenant_id")
    product_tmpl_id = fields.Many2one("product.template", string="Product", required=True, readonly=True)
    default_code = fields.Char(related="product_tmpl_id.default_code", string="Internal reference")
    categ_id = fields.Many2one(related="product_tmpl_id.categ_id", string="Category")
    current_item_id = fields.Many2one("xero.item", string="Linked item", readonly=True)
    category_item_id = fields.Many2one(
        "xero.item", string="Item of its category", compute="_compute_category_item_id"
    )
    item_id = fields.Many2one("xero.item", string="Xero item", domain="[('tenant_id', '=', tenant_id)]")
    matched_by_code = fields.Boolean("By code", readonly=True)

    @api.depends("categ_id", "tenant_id")
    def _compute_category_item_id(self):
        for tenant in self.tenant_id:
            lines = self.filtered(lambda line, t=tenant: line.tenant_id == t)
            by_category = lines.categ_id._xero_items_by_category(tenant)
            for line in lines:
                line.category_item_id = by_category.get(line.categ_id.id, False)
        for line in self.filtered(lambda line: not line.tenant_id):
            line.category_item_id = False

    @api.onchange("item_id")
    def _onchange_item_id(self):
        self.matched_by_code = False


class XeroProductExportWizard(models.TransientModel):
    """ "Export product to Xero": which organisation, then the products go as items."""

    _name = "xero.product.export.wizard"
    _description = "Export products to Xero"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", required=True, ondelete="cascade")
    product_tmpl_ids = fields.Many2many("product.template", string="Products", required=True)

    def action_export(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self.tenant_id)
        self.env["xero.access"]._xero_check_access("manager", self.product_tmpl_ids)
        links, errors = self.product_tmpl_ids._xero_export_items(self.tenant_id)
        return _export_notification(self.tenant_id, links, errors)


def _export_notification(tenant, links, errors, next_action=None):
    env = tenant.env
    message = env._(
        "%(count)s product(s) linked to Xero items in %(org)s.", count=len(links), org=tenant.name
    )
    if errors:
        message += "\n" + env._("Xero refused:") + "\n" + "\n".join(errors)
    return notification(
        env._("Export to Xero"),
        message,
        "warning" if errors else "success",
        sticky=bool(errors),
        next_action=next_action or {"type": "ir.actions.act_window_close"},
    )
