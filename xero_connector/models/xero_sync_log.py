import time
from datetime import datetime

from odoo import api, fields, models


class XeroSyncLog(models.Model):
    """Every call Odoo made to Xero and how it ended (OpenCRM's log table, Momentus's activity
    log): which organisation, what for, which documents, Xero's status and message, how long
    it took and how much of Xero's rate limit was left."""

    _name = "xero.sync.log"
    _description = "Xero Sync Log"
    _order = "id desc"
    _rec_name = "operation"

    tenant_id = fields.Many2one("xero.tenant", string="Organisation", index=True, ondelete="cascade")
    connection_id = fields.Many2one("xero.connection", string="Xero login", ondelete="set null")
    user_id = fields.Many2one("res.users", ondelete="set null")
    operation = fields.Char(required=True)
    state = fields.Selection(
        [("success", "Success"), ("retried", "Retried"), ("error", "Error")], required=True, index=True
    )
    http_status = fields.Integer("HTTP status")
    message = fields.Text()
    duration_ms = fields.Integer("Duration (ms)")
    min_remaining = fields.Integer("Calls left this minute")
    day_remaining = fields.Integer("Calls left today")
    app_min_remaining = fields.Integer("App calls left this minute")
    retry_at = fields.Datetime("Next try at", help="Xero's Retry-After on a refused call, as a moment.")
    res_model = fields.Char("Document model")
    res_ids = fields.Char("Document ids")
    document_count = fields.Integer("Documents")
    call_hour = fields.Char(
        "Hour (UTC)",
        compute="_compute_call_hour",
        store=True,
        help="The hour of the call, for the calls-per-hour chart (Odoo's charts group dates by day at most).",
    )

    @api.depends("create_date")
    def _compute_call_hour(self):
        for log in self:
            log.call_hour = log.create_date and log.create_date.strftime("%Y-%m-%d %H:00")

    @api.model
    def _record(self, values):
        """Write one log line in a transaction of its own: the call happened in Xero whatever
        becomes of the caller's transaction. A login or organisation created by the caller's
        own, still open transaction (the first connection) is invisible to another one: that
        line then goes with the caller's transaction."""
        with self.env.registry.cursor() as cr:
            if self._references_visible(cr, values):
                self.with_env(self.env(cr=cr, su=True)).create(values)
                return
        self.sudo().create(values)

    @api.model
    def _record_call(
        self, connection, operation, tenant, records, started, status, headers, error, retried, retry_at=None
    ):
        """One attempt of ``connection._xero_request``: Xero's status, the rate limit it says
        is left (its headers), how long it took (since ``started``, a ``time.monotonic()``) and
        the Odoo ``records`` concerned."""

        def remaining(name):
            value = headers.get(name) if headers else None
            return int(value) if value not in (None, "") else False

        state = "retried" if retried else ("error" if error else "success")
        self._record(
            {
                "connection_id": connection.id,
                "tenant_id": tenant.id if tenant else False,
                "user_id": self.env.uid,
                "operation": str(operation)[:250],
                "state": state,
                "http_status": status or False,
                "message": error or False,
                "duration_ms": int((time.monotonic() - started) * 1000),
                "min_remaining": remaining("X-MinLimit-Remaining"),
                "day_remaining": remaining("X-DayLimit-Remaining"),
                "app_min_remaining": remaining("X-AppMinLimit-Remaining"),
                "retry_at": datetime.utcfromtimestamp(retry_at).replace(microsecond=0) if retry_at else False,
                "res_model": records._name if records else False,
                "res_ids": ",".join(map(str, records.ids)) if records else False,
                "document_count": len(records) if records else 0,
            }
        )

    @staticmethod
    def _references_visible(cr, values):
        for table, key in (
            ("xero_connection", "connection_id"),
            ("xero_tenant", "tenant_id"),
            ("res_users", "user_id"),
        ):
            if values.get(key):
                cr.execute(f"SELECT 1 FROM {table} WHERE id = %s", [values[key]])
                if not cr.rowcount:
                    return False
        return True

    def action_open_documents(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        ids = [int(i) for i in (self.res_ids or "").split(",") if i]
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "domain": [("id", "in", ids)],
            "view_mode": "list,form",
            "name": self.operation,
        }

    @api.autovacuum
    def _gc_old_logs(self):
        """Keep 90 days of successful calls; errors stay until someone deletes them."""
        self.search(
            [
                ("state", "!=", "error"),
                ("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=90)),
            ]
        ).unlink()
