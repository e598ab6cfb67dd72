"""Background runs (xero.background.run) do not pile up: finished ones are removed by Odoo's
autovacuum once they are KEEP_DAYS old; recent and running ones stay."""

from datetime import timedelta

from odoo import fields
from odoo.addons.xero_connector.models.xero_background_run import KEEP_DAYS
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBackgroundRunCleanup(TransactionCase):
    def test_autovacuum_removes_old_finished_runs_only(self):
        user = new_test_user(self.env, login="xero_run_owner", groups="base.group_user")
        Run = self.env["xero.background.run"]
        now = fields.Datetime.now()
        old = now - timedelta(days=KEEP_DAYS + 1)
        recent = now - timedelta(days=KEEP_DAYS - 1)

        def run(name, state, date_done, started=None):
            record = Run._xero_start("export", name, 10, user=user)
            record.write({"state": state, "date_done": date_done})
            if started:
                self.env.cr.execute(
                    "UPDATE xero_background_run SET create_date = %s WHERE id = %s", [started, record.id]
                )
            return record

        old_done = run("old done", "done", old)
        old_problems = run("old with problems", "problems", old)
        recent_done = run("recent done", "done", recent)
        # Started long ago and still running (a stuck export waiting for its documents).
        old_running = run("old running", "running", False, started=old)
        Run.invalidate_model()

        # What Odoo's daily autovacuum calls (as superuser; it commits, so not run whole here).
        self.assertTrue(getattr(type(Run)._gc_finished_runs, "_autovacuum", False))
        Run._gc_finished_runs()

        self.assertFalse((old_done | old_problems).exists(), "finished over KEEP_DAYS ago: removed")
        self.assertEqual((recent_done | old_running).exists(), recent_done | old_running)
