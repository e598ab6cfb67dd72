from odoo import api, fields, models


class XeroExportAttempt(models.Model):
    """A batch about to be sent to Xero, recorded in its own transaction before the call.

    If Odoo crashes or its transaction rolls back after Xero created the documents, the
    documents still have no Xero id but have an attempt: the next export looks them up in
    Xero and links them instead of creating them a second time."""

    _name = "xero.export.attempt"
    _description = "Xero export attempt"
    _order = "id desc"

    tenant_id = fields.Many2one("xero.tenant", required=True, ondelete="cascade", index=True)
    res_model = fields.Char(required=True)
    res_id = fields.Integer(required=True, index=True)
    endpoint = fields.Char(required=True)
    idempotency_key = fields.Char(required=True)
    fingerprint = fields.Char(help="Hash of what was sent for this record: tells an edit made since.")

    @api.model
    def _log(self):
        """The attempt log as the choke point keeps it: read-only for users (managers read
        it), written and read by the export of whoever sends, whatever their rights, like the
        sync log. Only documents' ids, endpoints, keys and hashes are in it."""
        return self.sudo()

    @api.model
    def _record(self, tenant, records, endpoint, key, fingerprints=None):
        fingerprints = fingerprints or [False] * len(records)
        values = [
            {
                "tenant_id": tenant.id,
                "res_model": records._name,
                "res_id": record_id,
                "endpoint": endpoint,
                "idempotency_key": key,
                "fingerprint": fingerprint,
            }
            for record_id, fingerprint in zip(records.ids, fingerprints, strict=True)
        ]
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT 1 FROM xero_tenant WHERE id = %s", [tenant.id])
            if cr.rowcount:
                return self.with_env(self.env(cr=cr, su=True)).create(values).ids
        return self._log().create(values).ids

    @api.model
    def _drop(self, attempt_ids):
        """Xero refused the call before processing it (a 429): these attempts created nothing
        and must not make the next export look the documents up one by one."""
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM xero_export_attempt WHERE id IN %s", [tuple(attempt_ids)])
        self._log().browse(attempt_ids).exists().unlink()  # those of the caller's transaction

    @api.model
    def _in_doubt(self, records):
        """Those of ``records`` (not in Xero as far as Odoo knows) that an earlier attempt sent."""
        if not records:
            return records
        attempts = self._log().search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        sent = set(attempts.mapped("res_id"))
        linked = "xero_id" in records._fields  # else the caller knows what is linked
        return records.filtered(lambda r: r.id in sent and not (linked and r.xero_id))

    @api.model
    def _sent_fingerprints(self, record):
        """What earlier attempts sent for ``record`` (hashes; False for an attempt without one)."""
        attempts = self._log().search([("res_model", "=", record._name), ("res_id", "=", record.id)])
        return set(attempts.mapped("fingerprint"))

    @api.model
    def _forget(self, records):
        self._log().search([("res_model", "=", records._name), ("res_id", "in", records.ids)]).unlink()

    @api.autovacuum
    def _gc_attempts(self):
        """Attempts of documents long since linked serve no more."""
        old = self.search([("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=30))])
        by_model = {}
        for attempt in old:
            by_model.setdefault(attempt.res_model, []).append(attempt)
        for model, attempts in by_model.items():
            records = self.env[model].browse([a.res_id for a in attempts]).exists()
            field = next((f for f in ("xero_id", "xero_payment_id") if f in records._fields), None)
            alive = set(records.ids)
            done = records.filtered(field) if field else records  # items: a month is long enough
            linked = set(done.ids) | {a.res_id for a in attempts if a.res_id not in alive}
            self.browse([a.id for a in attempts if a.res_id in linked]).unlink()
