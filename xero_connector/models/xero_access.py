"""The connector's one access model, checked at every public entry point before any sudo().

Levels (``_xero_check_access(level, records)``):

- ``"user"``: the *Xero / User* group (export, check, update, sync payments, refresh the
  cache of an organisation of one's companies);
- ``"manager"``: the *Xero / Manager* group (mappings, imports, forced clears, connecting);
- ``"owner"``: a Xero manager acting on their *own* Xero login (reconnect, add an
  organisation); ``"owner_or_system"`` also lets a Settings administrator check or
  disconnect someone else's login (an employee who left);
- ``"system"``: Settings administrators (secrets: client secret, webhook keys).

``records``: what the action is about to touch. They must be readable by the caller (access
rights and record rules, so company boundaries hold), and organisations must be reachable from
the caller's companies. Only then may the action go on with sudo(): into the choke point
(``xero.tenant._xero_call``), the token store (``xero.connection``), the cache writer
and the sync log."""

from odoo import _, api, models
from odoo.exceptions import AccessError

LEVEL_GROUPS = {
    "user": "xero_connector.group_xero_user",
    "manager": "xero_connector.group_xero_manager",
    "owner": "xero_connector.group_xero_manager",
    "owner_or_system": "xero_connector.group_xero_manager",
    "system": "base.group_system",
}


class XeroAccess(models.AbstractModel):
    _name = "xero.access"
    _description = "Xero access checks"

    @api.model
    def _xero_check_access(self, level, records=None, operation="read"):
        """Raise AccessError unless the current user may act at ``level`` on ``records``
        (``operation``: the ORM access they need on them, "read" or "write"). Superuser code
        (crons, the webhook's queue) passes."""
        if self.env.su:
            return True
        user = self.env.user
        if not self._xero_is(level):
            raise AccessError(self._xero_level_message(level))
        if not records:
            return True
        records = records.exists()
        records.check_access(operation)
        if records._name == "xero.tenant":
            self._xero_check_tenants(records)
        if records._name == "xero.connection" and level in ("owner", "owner_or_system"):
            others = records.filtered(lambda c: c.user_id != user)  # readable: checked just above
            if others and not (level == "owner_or_system" and self._xero_is("system")):
                raise AccessError(
                    _(
                        "%(login)s is the Xero login of %(owner)s: only its owner may use, reconnect or "
                        "extend it.",
                        login=others[0].name,
                        owner=others[0].user_id.name,
                    )
                )
        return True

    @api.model
    def _xero_is(self, level):
        """Whether the current user acts at ``level`` (its group; for ``owner_or_system`` a
        Settings administrator too), as a bool for what a screen shows or allows. Superuser
        code is at every level, as in ``_xero_check_access``."""
        if self.env.su:
            return True
        user = self.env.user
        return user.has_group(LEVEL_GROUPS[level]) or (
            level == "owner_or_system" and user.has_group("base.group_system")
        )

    @api.model
    def _xero_check_tenants(self, tenants):
        """An organisation is reachable from the caller's companies when it is mapped to one of
        them, or to no company yet (set-up). (Archived ones take no export: see
        ``xero.document.mixin._xero_tenant_problem``.)"""
        companies = self.env.user.company_ids
        for tenant in tenants.sudo().with_context(active_test=False):
            if tenant.company_ids and not (tenant.company_ids & companies):
                raise AccessError(
                    _(
                        "%(org)s is the Xero organisation of %(companies)s, not of your companies.",
                        org=tenant.name,
                        companies=", ".join(tenant.company_ids.mapped("name")),
                    )
                )

    @api.model
    def _xero_check_document_companies(self, tenants):
        """Syncing an organisation's payments writes on every exported document of it: the
        caller must work in every company whose documents went there, and may register
        payments (the Odoo payments are then created as an internal step). Returns those
        companies (the sync then runs in them, ``allowed_company_ids``); none for superuser."""
        if self.env.su:
            return self.env["res.company"]
        companies = self.env.user.company_ids
        allowed = self.env["res.company"]
        for tenant in tenants.sudo():
            groups = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    [("xero_tenant_id", "=", tenant.id), ("xero_id", "!=", False)], ["company_id"], []
                )
            )
            used = tenant.company_ids | self.env["res.company"].browse([c.id for (c,) in groups])
            foreign = used - companies
            allowed |= used
            if foreign:
                raise AccessError(
                    _(
                        "Syncing the payments of %(org)s writes on documents of %(companies)s, which is not "
                        "one of your companies.",
                        org=tenant.name,
                        companies=", ".join(foreign.mapped("name")),
                    )
                )
        if not self.env["account.payment"].has_access("create"):
            raise AccessError(
                _(
                    "Payments from Xero become Odoo payments: only users who may register payments may "
                    "sync them."
                )
            )
        return allowed.with_env(self.env)

    @api.model
    def _xero_level_message(self, level):
        return {
            "user": _("Only Xero users may send documents to Xero or check them there."),
            "manager": _("Only Xero managers may configure the Xero integration."),
            "owner": _("Only Xero managers may connect Odoo to Xero."),
            "owner_or_system": _("Only Xero managers may connect Odoo to Xero."),
            "system": _("Only administrators may see or change the Xero app's secrets."),
        }[level]
