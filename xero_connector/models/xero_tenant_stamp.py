from odoo import fields, models

from .xero_tenant import STAMPS


class XeroTenantStamp(models.Model):
    """One stamp of an organisation (issue #24): when one of its lists, its payments or its
    purchase orders were last read from Xero, when its balances journals last ran. One row per
    (organisation, kind), so two jobs of one organisation that stamp different kinds write
    different rows and never wait for nor abort each other, as they did on the organisation's
    own row. Written only by ``xero.tenant._xero_stamp`` (an upsert); read through the
    organisation's computed stamp fields."""

    _name = "xero.tenant.stamp"
    _description = "Xero Organisation Stamp"
    _log_access = False

    tenant_id = fields.Many2one("xero.tenant", required=True, ondelete="cascade", index=True)
    kind = fields.Char(required=True, help="The organisation's stamp field this row holds.")
    value = fields.Datetime()

    _sql_constraints = [
        ("tenant_kind_unique", "unique (tenant_id, kind)", "One stamp per organisation and kind."),
    ]

    def init(self):
        """A database from before these rows keeps its stamps: each still in its old column of
        ``xero_tenant`` is copied once (the rows win afterwards)."""
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'xero_tenant' AND column_name = ANY(%s)",
            (list(STAMPS),),
        )
        for (column,) in self.env.cr.fetchall():
            self.env.cr.execute(
                f"""INSERT INTO xero_tenant_stamp (tenant_id, kind, value)
                    SELECT id, %s, "{column}" FROM xero_tenant WHERE "{column}" IS NOT NULL
                    ON CONFLICT (tenant_id, kind) DO NOTHING""",  # the column is one of STAMPS
                (column,),
            )


class XeroTenant(models.Model):
    """The organisation's stamp fields (``xero_tenant.STAMPS``) read and write these rows."""

    _inherit = "xero.tenant"

    def _xero_stamp(self, values):
        """**The** writer of the organisation's stamps: when a list, the payments or the
        purchase orders were last read from Xero, when the balances journals last ran. Written
        by whoever ran that read (Xero users' refreshes and payment syncs, after their check);
        nothing but these stamps. Each goes to its own ``xero.tenant.stamp`` row with an upsert,
        never to the organisation's row: two jobs of one organisation stamping different kinds
        do not collide (issue #24)."""
        others = [name for name in values if name not in STAMPS]
        if others:
            raise ValueError(f"Not organisation stamps: {others}")
        for tenant in self:
            for kind, value in values.items():
                self.env.cr.execute(
                    """INSERT INTO xero_tenant_stamp (tenant_id, kind, value) VALUES (%s, %s, %s)
                       ON CONFLICT (tenant_id, kind) DO UPDATE SET value = EXCLUDED.value""",
                    (tenant.id, kind, value or None),
                )
        self.invalidate_recordset(list(values))
        self.env["xero.tenant.stamp"].invalidate_model()

    def _read_xero_stamps(self):
        self.env.cr.execute(
            "SELECT tenant_id, kind, value FROM xero_tenant_stamp WHERE tenant_id = ANY(%s) AND kind = ANY(%s)",
            (list(self._origin.ids), list(STAMPS)),
        )
        return {(tenant_id, kind): value for tenant_id, kind, value in self.env.cr.fetchall()}

    def _compute_xero_stamps(self):
        found = self._read_xero_stamps()
        for tenant in self:
            for kind in STAMPS:
                tenant[kind] = found.get((tenant._origin.id, kind), False)

    def _inverse_xero_stamps(self):
        """A stamp assigned (by a manager, a test): only the kinds whose value changed are
        written, so assigning one stamp never rewrites another job's row."""
        stored = self._read_xero_stamps()
        for tenant in self:
            changed = {
                kind: tenant[kind]
                for kind in STAMPS
                if self.env.cache.contains(tenant, self._fields[kind])
                and (tenant[kind] or None) != stored.get((tenant.id, kind))
            }
            if changed:
                tenant._xero_stamp(changed)
