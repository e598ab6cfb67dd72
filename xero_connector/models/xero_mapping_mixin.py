"""Links between Odoo records and the cached Xero lists, one per organisation (the OCA
"binding" idea): a product shared by two companies mapped to two organisations has two links.

The export reads them through small public helpers on the Odoo models
(``product.product._xero_item``, ``account.tax._xero_tax_type``,
``account.account._xero_account_code``, ``account.analytic.account._xero_tracking``), never
these tables directly, so that fall-backs (category mapping, organisation defaults) live in one
place.

One model per file: this mixin, ``xero_product_map.py``, ``xero_category_map.py``,
``xero_tax_map.py``, ``xero_account_map.py``, ``xero_tracking_map.py``; auto-matching lives on
the map model it fills (``xero.tax.map._xero_auto_match(tenant)``...)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..utils import notification
from .xero_tenant_guard import check_same_tenant

MATCH_STATES = [
    ("auto", "Matched automatically"),
    ("manual", "Chosen by hand"),
    ("ambiguous", "Several candidates"),
    ("none", "No match"),
]


def check_tenant_change(records, vals):
    """Record rules check a new record hanging off an organisation (mapping, partner
    binding, bank journal link) against the caller's companies, but not a write that moves an
    existing one to another organisation: that move is checked here."""
    if "tenant_id" in vals and vals["tenant_id"] and not records.env.su:
        tenant = records.env["xero.tenant"].browse(vals["tenant_id"])
        records.env["xero.access"]._xero_check_access("user", tenant)


class XeroMappingMixin(models.AbstractModel):
    """What every mapping shares: its organisation, and the rule that the Xero record it points
    to belongs to that same organisation (a tax rate of organisation B on a mapping of
    organisation A would be refused by Xero at export time, far from where it was chosen)."""

    _name = "xero.mapping.mixin"
    _description = "Xero mapping"

    # The field holding the Xero record (a cache record with a tenant_id).
    _xero_target_field = None
    # (flag, confirmed-by field) of a mapping Xero would take but that makes its figures differ
    # from Odoo's unless a Xero manager confirms it: ticked by a manager only, recorded with
    # who did it, and confirmed anew when the Xero record changes. None: nothing to confirm.
    _xero_confirmation = None
    # (field of the Odoo record mapped, related field of its companies, read as superuser) when
    # that record belongs to companies: see _check_xero_source_companies. None: it does not.
    _xero_source = None

    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", required=True, ondelete="cascade", index=True
    )
    tenant_company_ids = fields.One2many(related="tenant_id.company_ids", string="Companies")

    @api.constrains("tenant_id")
    def _check_xero_target_tenant(self):
        for mapping in self:
            target_field = mapping._fields[self._xero_target_field]
            check_same_tenant(
                mapping._description,
                mapping.tenant_id,
                [(target_field.string, mapping[self._xero_target_field])],
            )

    def _auto_match_tenants(self):
        tenants = self.tenant_id
        if not tenants and self.env.context.get("default_tenant_id"):
            tenants = self.env["xero.tenant"].browse(self.env.context["default_tenant_id"])
        return tenants or self.env["xero.tenant"].search([("company_ids", "!=", False)])

    @api.model
    def _xero_confirmation_vals(self, vals, tenants):
        """Who confirmed: a Xero manager of ``tenants``, recorded on the row."""
        if not self._xero_confirmation:
            return vals
        flag, confirmed_by = self._xero_confirmation
        if vals.get(flag):
            self.env["xero.access"]._xero_check_access("manager", tenants)
            return dict(vals, **{confirmed_by: self.env.user.id})
        if flag in vals:
            return dict(vals, **{confirmed_by: False})
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "match_state" in self._fields and "match_state" not in vals:
                vals["match_state"] = "manual" if vals.get(self._xero_target_field) else "none"
        Tenant = self.env["xero.tenant"]
        vals_list = [
            self._xero_confirmation_vals(vals, Tenant.browse(vals.get("tenant_id"))) for vals in vals_list
        ]
        mappings = super().create(vals_list)
        mappings._check_xero_source_companies()
        return mappings

    def _check_xero_source_companies(self):
        """An organisation's mappings cover its companies' taxes and accounts. A row for another
        company's (organisation B's row for a tax of company A) is made only by someone who works
        in that company too: a Xero manager of both who sent one of A's documents to B
        (``xero.document.mixin._xero_auto_match_override``) or maps it there by hand. (A row
        with a Xero record set is often refused sooner: its constraints read the Odoo record,
        which the record rules hide from others.)"""
        if self.env.su or not self._xero_source:
            return
        mine = self.env.user.company_ids
        for mapping in self:
            companies = mapping[self._xero_source[1]]
            if companies and not companies & (mapping.tenant_id.company_ids | mine):
                raise AccessError(
                    self.env._(
                        "%(org)s cannot take this mapping (%(what)s): it maps a record of a company you do "
                        "not work in. Only a Xero manager who also works in that company maps its records "
                        "in another company's Xero organisation.",
                        org=mapping.tenant_id.name,
                        what=mapping._description,
                    )
                )

    def write(self, vals):
        check_tenant_change(self, vals)
        if self._xero_confirmation:
            flag = self._xero_confirmation[0]
            if self._xero_target_field in vals and flag not in vals:
                vals = dict(vals, **{flag: False})  # another Xero record: confirmed anew
            vals = self._xero_confirmation_vals(vals, self.tenant_id)
        # Someone picking (or clearing) the Xero record by hand overrides what auto-matching found.
        if "match_state" in self._fields and self._xero_target_field in vals and "match_state" not in vals:
            vals = dict(vals, match_state="manual" if vals[self._xero_target_field] else "none")
        result = super().write(vals)
        if self._xero_target_field in vals or "tenant_id" in vals:
            self._check_xero_target_tenant()
        if self._xero_source and ("tenant_id" in vals or self._xero_source[0] in vals):
            self._check_xero_source_companies()
        return result

    @api.model
    def _xero_apply_choices(self, tenant, key_field, choices):
        """Save what a link wizard chose for ``tenant``: ``choices`` = {Odoo record id (of
        ``key_field``): (Xero record id or False, other values)}. New links are created,
        changed ones written, cleared ones removed. Returns the links created."""
        target = self._xero_target_field
        existing = {
            mapping[key_field].id: mapping
            for mapping in self.search([("tenant_id", "=", tenant.id), (key_field, "in", list(choices))])
        }
        to_create, to_unlink = [], self.browse()
        for key_id, (target_id, values) in choices.items():
            mapping = existing.get(key_id)
            if not target_id:
                to_unlink |= mapping or self.browse()
            elif not mapping:
                to_create.append({"tenant_id": tenant.id, key_field: key_id, target: target_id, **values})
            elif mapping[target].id != target_id:
                mapping.write({target: target_id, **values})
        to_unlink.unlink()
        return self.create(to_create)

    # ------------------------------------------------------------------------------------
    # Auto-matching (taxes and accounts: rows in states auto / ambiguous / none)
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_auto_match(self, tenant, records=None):
        """Fill the mappings of ``tenant`` for ``records`` (all that apply when None); choices
        made by hand are kept. Returns the mappings touched."""
        raise NotImplementedError

    @api.model
    def _xero_auto_match_action(self, tenants, title):
        """Auto-match for each of ``tenants`` and say what came of it."""
        lines = [self._xero_match_summary(tenant, self._xero_auto_match(tenant)) for tenant in tenants]
        return notification(
            title,
            "\n".join(lines),
            "success",
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    @api.model
    def _xero_match_summary(self, tenant, mappings):
        counts = {
            state: len(mappings.filtered(lambda m, s=state: m.match_state == s))
            for state in ("auto", "ambiguous", "none")
        }
        return _(
            "%(org)s: %(auto)s matched, %(ambiguous)s with several candidates, %(none)s without a match",
            org=tenant.name,
            auto=counts["auto"],
            ambiguous=counts["ambiguous"],
            none=counts["none"],
        )
