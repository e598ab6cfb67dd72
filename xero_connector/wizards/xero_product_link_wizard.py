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
        # Matches made here (by code or by hand) but not applied yet stay on their lines.
        pending = {
            line.product_tmpl_id.id: {"item_id": line.item_id.id, "matched_by_code": line.matched_by_code}
            for line in self.line_ids
            if line.item_id and line.item_id != line.current_item_id
        }
        links, errors = templates._xero_export_items(self.tenant_id)
        self._load_lines(self.line_ids.product_tmpl_id)
        for line in self.line_ids:
            if line.product_tmpl_id.id in pending:
                line.write(pending[line.product_tmpl_id.id])
        return _export_notification(self.tenant_id, links, errors, self._action_reopen())


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
