"""Products ↔ Xero items, per organisation: the product's links, "Export product to Xero"
(creates the items) and the import of Xero's items as products. Which item a line uses is
decided per variant (product_product.py), falling back to the category (product_category.py)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import BATCH_SIZE
from ..utils import validation_messages

# Xero's limits on an item (FACTS.md; the sandbox refuses longer ones as Xero does).
MAX_ITEM_CODE = 30
MAX_ITEM_NAME = 50
ITEMS_PER_CALL = BATCH_SIZE


class ProductTemplate(models.Model):
    _inherit = "product.template"

    xero_product_map_ids = fields.One2many("xero.product.map", "product_tmpl_id", string="Xero items")

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_export_items(self):
        """ "Export product to Xero": asks for the organisation (the current company's by default)."""
        self.env["xero.access"]._xero_check_access("manager", self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Export products to Xero"),
            "res_model": "xero.product.export.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_product_tmpl_ids": self.ids,
                "default_tenant_id": self.env.company.xero_tenant_id.id,
            },
        }

    # ------------------------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_import_items(self, tenant):
        """Products from the cached items of ``tenant`` (MRPeasy: new ones only, matched by
        internal reference = item code, case ignored as Xero does). A product (archived ones
        included) already carrying the code is linked, not duplicated; a new product is created
        with the item's name, prices and descriptions, and linked. Returns (created templates,
        linked existing templates)."""
        tenant.ensure_one()
        ProductMap = self.env["xero.product.map"]
        items = self.env["xero.item"].search([("tenant_id", "=", tenant.id), ("code", "!=", False)])
        variants = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search([("default_code", "!=", False), ("company_id", "in", [False, *tenant.company_ids.ids])])
        )
        by_code = {}
        for variant in variants:
            by_code.setdefault(variant.default_code.strip().lower(), variant.product_tmpl_id)
        linked_templates = set(ProductMap.search([("tenant_id", "=", tenant.id)]).product_tmpl_id.ids)
        linked_items = set(ProductMap.search([("tenant_id", "=", tenant.id)]).item_id.ids)
        to_create, to_link = [], []
        for item in items:
            if item.id in linked_items:
                continue
            template = by_code.get(item.code.strip().lower())
            if template:
                if template.id not in linked_templates:
                    to_link.append((template, item))
                    linked_templates.add(template.id)
                continue
            to_create.append((item, item._xero_product_vals()))
        created = self.create([vals for _item, vals in to_create])
        linked = self.browse([template.id for template, _item in to_link])
        ProductMap.create(
            [
                {"tenant_id": tenant.id, "product_tmpl_id": t.id, "item_id": i.id, "match_state": "auto"}
                for t, i in [*zip(created, [i for i, _v in to_create], strict=True), *to_link]
            ]
        )
        return created, linked

    # ------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------
    def _xero_company(self, tenant):
        """The company whose accounts, taxes and prices describe these products to ``tenant``:
        the current one if it uses that organisation, else the first that does."""
        company = self.env.company
        if company not in tenant.company_ids and tenant.company_ids:
            company = tenant.company_ids[0]
        return company

    def _xero_item_vals(self, tenant):
        """The Xero item for this product as a plain dict (Xero's keys) and the problems that
        stop it from being created, all of them, in the user's words."""
        self.ensure_one()
        company = self._xero_company(tenant)
        product = self.with_company(company)
        problems = []
        code = (product.default_code or "").strip()
        if not code:
            problems.append(
                _(
                    "%(product)s has no internal reference: Xero needs it as the item code.",
                    product=product.display_name,
                )
            )
        elif len(code) > MAX_ITEM_CODE:
            problems.append(
                _(
                    "The internal reference of %(product)s, %(code)s, has %(length)s characters; Xero "
                    "accepts item codes of at most %(max)s. Shorten it in Odoo (it is never cut).",
                    product=product.display_name,
                    code=code,
                    length=len(code),
                    max=MAX_ITEM_CODE,
                )
            )
        name = product.name or code
        vals = {
            "Code": code,
            "Name": name[:MAX_ITEM_NAME],
            "IsSold": bool(product.sale_ok),
            "IsPurchased": bool(product.purchase_ok),
        }
        accounts = product._get_product_accounts()
        sides = (
            (
                "sale",
                "SalesDetails",
                product.sale_ok,
                accounts["income"],
                product.taxes_id,
                product.list_price,
            ),
            (
                "purchase",
                "PurchaseDetails",
                product.purchase_ok,
                accounts["expense"],
                product.supplier_taxes_id,
                product.standard_price,
            ),
        )
        for use, key, active, account, taxes, price in sides:
            if not active:
                continue
            details = {"UnitPrice": price}
            account_code = (
                account._xero_account_code(tenant)
                if account
                else tenant._xero_default_account("income" if use == "sale" else "expense").code
            )
            if account_code:
                details["AccountCode"] = account_code
            else:
                problems.append(
                    _(
                        "%(product)s: no Xero %(side)s account in %(org)s. Map its %(account)s account "
                        "or set a default %(side)s account on the organisation.",
                        product=product.display_name,
                        side=_("sales") if use == "sale" else _("purchase"),
                        org=tenant.name,
                        account=account.display_name or _("(none)"),
                    )
                )
            company_taxes = taxes.filtered(lambda t, c=company: t.company_id == c)
            if len(company_taxes) > 1:
                problems.append(
                    _(
                        "%(product)s has %(count)s %(side)s taxes (%(taxes)s); a Xero item takes one.",
                        product=product.display_name,
                        count=len(company_taxes),
                        side=_("sales") if use == "sale" else _("purchase"),
                        taxes=", ".join(company_taxes.mapped("name")),
                    )
                )
            elif company_taxes:
                tax_type = company_taxes._xero_tax_type(tenant)
                if tax_type:
                    details["TaxType"] = tax_type
                else:
                    problems.append(
                        _(
                            "%(product)s: the tax %(tax)s has no Xero tax rate in %(org)s. Map it first.",
                            product=product.display_name,
                            tax=company_taxes.name,
                            org=tenant.name,
                        )
                    )
            vals[key] = details
        if product.description_sale and product.sale_ok:
            vals["Description"] = product.description_sale
        elif len(name) > MAX_ITEM_NAME and product.sale_ok:
            vals["Description"] = name  # the full name, since Name is cut to Xero's 50
        if product.description_purchase and product.purchase_ok:
            vals["PurchaseDescription"] = product.description_purchase
        return vals, problems

    def _xero_export_items(self, tenant):
        """Create these products as items in ``tenant`` and link them. Every problem of every
        product is checked first: if any, nothing is sent and one error lists them all. A
        product whose code Xero already has (in the cache) is linked to that item instead of
        creating a duplicate. What Xero refuses (in its own words, per product) does not undo
        what it accepted. Returns (links ``xero.product.map``, list of Xero's refusals)."""
        tenant.ensure_one()
        ProductMap = self.env["xero.product.map"]
        cached = self.env["xero.item"]._xero_by_code(tenant)
        existing = {
            m.product_tmpl_id.id: m
            for m in ProductMap.search([("tenant_id", "=", tenant.id), ("product_tmpl_id", "in", self.ids)])
        }
        to_send, to_link, problems = [], [], []
        for product in self:
            if product.id in existing:
                continue
            item = cached.get((product.default_code or "").strip().lower())
            if item:
                to_link.append((product, item))
                continue
            vals, product_problems = product._xero_item_vals(tenant)
            problems += product_problems
            if not product_problems:
                to_send.append((product, vals))
        if problems:
            raise UserError(
                _(
                    "Nothing was sent to Xero (%(org)s):\n%(problems)s",
                    org=tenant.name,
                    problems="\n".join(problems),
                )
            )
        # An earlier send may have created them (its answer lost, a day ago): looked up by code
        # in Xero before anything is sent again.
        links = ProductMap
        in_doubt = self.env["xero.sender"]._xero_in_doubt(self.browse([p.id for p, _vals in to_send]))
        if in_doubt:
            found = self._xero_items_in_xero(tenant, [vals["Code"] for p, vals in to_send if p in in_doubt])
            twins = [(p, found[vals["Code"].lower()]) for p, vals in to_send if vals["Code"].lower() in found]
            links |= self._xero_link_items(tenant, twins)
            to_send = [(p, vals) for p, vals in to_send if vals["Code"].lower() not in found]
        links |= ProductMap.create(
            [{"tenant_id": tenant.id, "product_tmpl_id": p.id, "item_id": item.id} for p, item in to_link]
        )
        errors = []
        for start in range(0, len(to_send), ITEMS_PER_CALL):
            created, refused = self._xero_create_items(tenant, to_send[start : start + ITEMS_PER_CALL])
            links |= created
            errors += refused
        return links, errors

    def _xero_items_in_xero(self, tenant, codes):
        """{code in lower case: Xero's item} of the items Xero has with these codes, asked now
        through the reader (Xero compares codes ignoring case). Xero not answering stops the
        send: nothing in doubt is sent again unasked."""
        answers = self.env["xero.reader"]._xero_find_values(
            tenant, "Items", "codes", "Code", codes, _("looking up items")
        )
        for answer in answers.values():
            if answer.unknown:
                raise answer.error
        return {code.lower(): answer.element for code, answer in answers.items() if answer.present}

    def _xero_link_items(self, tenant, created):
        """Cache Xero's items of ``created`` [(product, Xero's item)] and link each product to
        its item; returns the links."""
        Item_ = self.env["xero.item"]  # _xero_upsert is the cache writer; managers read items
        Item_._xero_upsert(tenant, [doc for _product, doc in created])
        items = {
            item.xero_id: item
            for item in Item_.search(
                [("tenant_id", "=", tenant.id), ("xero_id", "in", [d["ItemID"] for _p, d in created])]
            )
        }
        return self.env["xero.product.map"].create(
            [
                {"tenant_id": tenant.id, "product_tmpl_id": product.id, "item_id": items[doc["ItemID"]].id}
                for product, doc in created
            ]
        )

    def _xero_create_items(self, tenant, batch):
        """One PUT /Items for ``batch`` [(product, vals)]. The Idempotency-Key is derived from the
        organisation and the items sent, so a retry after a lost answer, or the user pressing
        the button again with nothing changed, returns Xero's first result instead of a
        second item. Returns (links created, Xero's refusals)."""
        key = tenant._xero_key("items", [vals for _product, vals in batch])
        products = self.browse([product.id for product, _vals in batch])
        answer = self.env["xero.sender"]._xero_send(
            tenant,
            _("creating items"),
            "create_items",
            {"Items": [vals for _product, vals in batch]},
            products,
            key,
            endpoint="Items",
        )
        docs = answer.get("Items") or []
        errors = []
        created = []
        for (product, vals), doc in zip(batch, docs, strict=False):
            messages = validation_messages(doc)
            if messages or not doc.get("ItemID"):
                errors.append(
                    _(
                        "%(product)s (%(code)s): %(messages)s",
                        product=product.display_name,
                        code=vals["Code"],
                        messages="; ".join(messages) or _("Xero did not create it"),
                    )
                )
            else:
                created.append((product, doc))
        links = self._xero_link_items(tenant, created)
        return links, errors
