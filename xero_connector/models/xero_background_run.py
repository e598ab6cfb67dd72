"""Work a user started that runs in the background (*Export all* over many documents, a
variance report of many documents, a large cache refresh, *Sync payments now* with more than a
page to read), as the user sees it: one record per
run with how far it got, shown with Odoo's progress bar and pushed to the user's open browser
each time a step of the run commits; when the run ends, a notification whose button opens the
result (and the message in the user's inbox, ``xero.job._xero_tell_user``).

One home for the four kinds: a kind says only how far it is (``_xero_progress``) and, at the
end, what happened and what to open (``_xero_finish``)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# The bus notification that moves a run's progress bar in the user's browser (see
# static/src/background/xero_background_service.js).
PROGRESS_NOTIFICATION = "xero_connector/run_progress"
# Finished runs are kept this many days after they end (their result stays in the user's
# inbox), then removed by the autovacuum; running ones are never removed.
KEEP_DAYS = 30


class XeroBackgroundRun(models.Model):
    _name = "xero.background.run"
    _description = "Xero background run"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("export", "Export to Xero"),
            ("variance", "Variance report"),
            ("cache", "Cache refresh"),
            ("payments", "Payment sync"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="cascade",
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("problems", "Done with problems")],
        default="running",
        required=True,
        readonly=True,
    )
    done_count = fields.Integer("Done", readonly=True)
    total_count = fields.Integer("Total", readonly=True)
    summary = fields.Text("Result", readonly=True)
    date_done = fields.Datetime("Finished", readonly=True)
    # The documents an export run waits for (their model and ids), to count those done.
    res_model = fields.Char(readonly=True)
    res_ids = fields.Json(readonly=True)
    # The window action that opens the result (the documents sent and failed, the report's rows...).
    result_action = fields.Json(readonly=True)

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_open_result(self):
        self.ensure_one()
        if not self.result_action:
            raise UserError(_("%(run)s is still running: its result opens once it ends.", run=self.name))
        return self.result_action

    def _action_open(self):
        """This run's form, where its progress bar moves while it runs."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------------------------
    # What the kinds call
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_start(self, kind, name, total, records=None, user=None):
        """A new run of ``user`` (the current one by default); ``records``: the documents it
        waits for."""
        values = {"kind": kind, "name": name, "total_count": total, "user_id": (user or self.env.user).id}
        if records is not None:
            values.update(res_model=records._name, res_ids=records.ids)
        return self.create(values)

    def _xero_progress(self, done):
        """``done`` of the run's total are done: the progress bar in the user's browser moves
        when this transaction commits."""
        for run in self:
            run.done_count = min(done, run.total_count)
        self._xero_push()

    def _xero_push(self):
        for run in self:
            run.user_id._bus_send(
                PROGRESS_NOTIFICATION,
                {"id": run.id, "done": run.done_count, "total": run.total_count, "state": run.state},
            )

    def _xero_finish(self, title, message, kind, records, action):
        """End the run once (two jobs may both see the last step done): the user told, with
        ``action`` behind the notification's Open button and ``records`` linked in the inbox.
        Returns whether this call ended it."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            "SELECT id FROM xero_background_run WHERE id = %s AND state = 'running' FOR UPDATE", [self.id]
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset()
        self.write(
            {
                "state": "done" if kind in ("success", "info") else "problems",
                "done_count": self.total_count,
                "summary": message,
                "date_done": fields.Datetime.now(),
                "result_action": action,
            }
        )
        self._xero_push()
        self.env["xero.job"]._xero_tell_user(self.user_id, title, message, records, kind=kind, action=action)
        return True

    @api.autovacuum
    def _gc_finished_runs(self):
        """Runs that ended more than KEEP_DAYS ago; those still running stay."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=KEEP_DAYS)
        self.search([("state", "!=", "running"), ("date_done", "<", limit)]).unlink()

    # ------------------------------------------------------------------------------------
    # Export runs: progress counted from the documents themselves
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_documents_moved(self, documents):
        """Some of ``documents`` may have left the export queue (an export job ended): the
        export runs waiting for them count again."""
        runs = self.search(
            [("state", "=", "running"), ("kind", "=", "export"), ("res_model", "=", documents._name)]
        )
        ids = set(documents.ids)
        runs.filtered(lambda run: ids & set(run.res_ids or ()))._xero_export_progress()

    def _xero_export_progress(self):
        """Count the run's documents no longer queued; when none is left, end the run with
        how many went and failed, and the list of them to open."""
        for run in self:
            documents = self.env[run.res_model].browse(run.res_ids or []).exists()
            waiting = documents.filtered(lambda d: d.xero_export_state == "queued")
            run._xero_progress(len(documents) - len(waiting) + (run.total_count - len(documents)))
            if not waiting:
                documents._xero_export_run_done(run)
