"""The cached Xero items ("products and services") of an organisation."""

from odoo import _, api, fields, models

from .xero_cache_mixin import _text


class XeroItem(models.Model):
    """A Xero item ("product or service"), with the account and tax type Xero uses for it on
    each side."""

    _name = "xero.item"
    _inherit = ["xero.cache.mixin"]
    _description = "Xero Item (cache)"
    _order = "code, id"
    _rec_names_search = ["code", "name"]

    code = fields.Char(size=30, readonly=True, index=True, help="Xero's item code (at most 30 characters).")
    description = fields.Text("Sales description", readonly=True)
    purchase_description = fields.Text(readonly=True)
    is_sold = fields.Boolean(readonly=True)
    is_purchased = fields.Boolean(readonly=True)
    is_tracked_as_inventory = fields.Boolean(readonly=True)
    sales_account_code = fields.Char(readonly=True)
    sales_tax_type = fields.Char(readonly=True)
    sales_unit_price = fields.Float(digits=(16, 4), readonly=True)
    purchase_account_code = fields.Char(
        readonly=True, help="For items tracked as inventory: the COGS account."
    )
    purchase_tax_type = fields.Char(readonly=True)
    purchase_unit_price = fields.Float(digits=(16, 4), readonly=True)
    inventory_asset_account_code = fields.Char(readonly=True)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = (
                f"[{item.code}] {item.name}" if item.name and item.name != item.code else item.code
            )

    @api.model
    def _xero_vals(self, doc):
        sales = doc.get("SalesDetails") or {}
        purchases = doc.get("PurchaseDetails") or {}
        vals = self._xero_common_vals(doc["ItemID"], doc, status="")
        vals.update(
            code=_text(doc.get("Code")),
            name=_text(doc.get("Name")) or _text(doc.get("Code")),
            description=_text(doc.get("Description")),
            purchase_description=_text(doc.get("PurchaseDescription")),
            is_sold=bool(doc.get("IsSold")),
            is_purchased=bool(doc.get("IsPurchased")),
            is_tracked_as_inventory=bool(doc.get("IsTrackedAsInventory")),
            sales_account_code=_text(sales.get("AccountCode")),
            sales_tax_type=_text(sales.get("TaxType")),
            sales_unit_price=float(sales.get("UnitPrice") or 0.0),
            purchase_account_code=_text(purchases.get("AccountCode") or purchases.get("COGSAccountCode")),
            purchase_tax_type=_text(purchases.get("TaxType")),
            purchase_unit_price=float(purchases.get("UnitPrice") or 0.0),
            inventory_asset_account_code=_text(doc.get("InventoryAssetAccountCode")),
        )
        return vals

    @api.model
    def _xero_refresh(self, tenant, full):
        # unitdp=4: Xero keeps item prices to 4 decimals but answers 2 unless asked.
        return self._xero_refresh_incremental(
            tenant, "xero_cache_items_synced_at", "get_items", _("reading items"), "Items", full, unitdp=4
        )

    @api.model
    def _xero_by_code(self, tenant):
        """{code in lower case: item} of the active items of ``tenant`` that have a code (Xero
        compares item codes ignoring case)."""
        return {
            item.code.lower(): item
            for item in self.search([("tenant_id", "=", tenant.id), ("code", "!=", False)])
        }

    def _xero_product_vals(self):
        """A new Odoo product's values from this Xero item."""
        self.ensure_one()
        return {
            "name": self.name or self.code,
            "default_code": self.code,
            "type": "consu",
            "is_storable": self.is_tracked_as_inventory,
            "sale_ok": self.is_sold,
            "purchase_ok": self.is_purchased,
            "list_price": self.sales_unit_price,
            "standard_price": self.purchase_unit_price,
            "description_sale": self.description or False,
            "description_purchase": self.purchase_description or False,
        }
