"""M-Power: "each interaction with your Xero file is performed within the context of your Xero
user account". Whose token each call carried is read in the sandbox's call log (the Xero user
the token was issued to, and a digest of the token), never taken from Odoo's word."""

import hashlib
from unittest.mock import patch

from odoo import SUPERUSER_ID
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.xero_connector import const
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_payments import XeroPaymentCase

GROUPS = "base.group_user,account.group_account_manager,xero_connector.group_xero_manager"


@tagged("post_install", "-at_install")
class TestOwnLogins(XeroPaymentCase):
    """One organisation, three logins to it: the organisation's shared login (the Xero
    manager's, who connected it first) and Ann's and Bob's own, each signed in to Xero as
    themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls.tenant.connection_id
        cls.ann = cls.user_in("ann", GROUPS, cls.company, name="Ann")
        cls.bob = cls.user_in("bob", GROUPS, cls.company, name="Bob")
        cls.ann_login = cls.connect_directly(cls.ann, [cls.org_a["tenantId"]], xero_user="ann@example.com")
        cls.bob_login = cls.connect_directly(cls.bob, [cls.org_a["tenantId"]], xero_user="bob@example.com")

    def whose(self, mark):
        """(Xero user, Odoo login) of each call to the organisation since ``mark``: the Xero user
        the sandbox saw the token issued to, and the Odoo login holding that very token."""
        logins = self.shared | self.ann_login | self.bob_login
        holder = {
            hashlib.sha256(c.sudo().access_token.encode()).hexdigest()[:16]: c
            for c in logins
            if c.sudo().access_token
        }
        calls = [c for c in self.sandbox.calls(mark)["log"] if c["tenant"] == self.org_a["tenantId"]]
        self.assertTrue(calls, "the action called Xero")
        return {(c["token_user"], holder.get(c["token_sha256"])) for c in calls}

    def test_set_up_three_logins_to_one_organisation(self):
        self.assertEqual(self.shared.user_id, self.xero_manager)
        self.assertEqual(self.shared.xero_user_email, "demo.user@example.com")
        self.assertEqual(self.ann_login.xero_user_email, "ann@example.com")
        self.assertEqual(self.bob_login.xero_user_email, "bob@example.com")
        for login in (self.shared, self.ann_login, self.bob_login):
            self.assertEqual(login.tenant_ids, self.tenant)
        self.assertEqual(
            self.tenant.connection_id, self.shared, "connecting one's own login keeps the shared one"
        )

    def test_each_user_acts_with_their_own_login_and_the_cron_with_the_shared_one(self):
        move = self.make_move()
        mark = self.sandbox.calls()["next"]
        move.with_user(self.ann).action_xero_export()
        self.assertEqual(move.xero_status, "AUTHORISED")
        self.assertEqual(self.whose(mark), {("ann@example.com", self.ann_login)})

        self.pay_in_xero(move, 100.0)  # typed in Xero's web UI: no token
        mark = self.sandbox.calls()["next"]
        check = move.with_user(self.bob).action_xero_total_for_number()
        self.assertEqual(check["res_model"], "xero.check.wizard")
        self.tenant.with_user(self.bob).action_xero_sync_payments()
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 100.0, places=2)
        self.assertEqual(self.whose(mark), {("bob@example.com", self.bob_login)})

        # The payment cron runs as its own user (OdooBot), who has no Xero login: the jobs it
        # queues go with the organisation's shared login.
        cron = self.env.ref("xero_connector.ir_cron_xero_sync_payments")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        self.pay_in_xero(move, 50.0)
        mark = self.sandbox.calls()["next"]
        outcome = self.run_cron(cron.method_direct_trigger)
        self.assertEqual(outcome, {"retry": [], "failed": []})
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 150.0, places=2)
        self.assertEqual(self.whose(mark), {("demo.user@example.com", self.shared)})

    def test_a_job_runs_with_the_login_of_the_user_who_queued_it(self):
        """*Export all* over many documents goes as queue jobs: the job runner loads each job
        as superuser, and the job still acts as Ann, with Ann's login."""
        moves = self.make_move() | self.make_move()
        Queue = self.env["queue.job"]
        before = Queue.search([]).ids
        with patch.object(const, "BACKGROUND_EXPORT_ABOVE", 1):
            self.env["account.move"].with_user(self.ann).action_xero_export_all()
        self.assertEqual(set(moves.mapped("xero_export_state")), {"queued"})
        jobs = Queue.search([("id", "not in", before), ("channel", "=", "root.xero")], order="id")
        self.assertEqual(jobs.user_id, self.ann)
        mark = self.sandbox.calls()["next"]
        for record in jobs:
            job = Job.load(self.env(user=SUPERUSER_ID), record.uuid)  # as queue_job's runner does
            try:
                with self.env.cr.savepoint():
                    job.perform()
            except RetryableJobError:
                self.fail(f"{record.name} was put back")
        self.assertEqual(set(moves.mapped("xero_export_state")), {"exported"})
        self.assertEqual(self.whose(mark), {("ann@example.com", self.ann_login)})

    def test_without_a_login_of_their_own_a_user_acts_with_the_shared_one(self):
        clerk = self.user_in(
            "clerk",
            "base.group_user,account.group_account_invoice,xero_connector.group_xero_user",
            self.company,
        )
        move = self.make_move()
        mark = self.sandbox.calls()["next"]
        move.with_user(clerk).action_xero_export()
        self.assertTrue(move.xero_id)
        self.assertEqual(self.whose(mark), {("demo.user@example.com", self.shared)})

    def test_an_own_login_xero_dropped_stops_the_call_a_disconnected_one_gives_way(self):
        """Ann's login, dropped by Xero, is not replaced by the shared one behind her back (Xero
        would record her work as the manager's): she is asked to reconnect, nothing is sent.
        Carol disconnected her own login: her work goes with the shared one."""
        self.ann_login._mark_reconnect_needed("Xero no longer accepts the saved login (invalid_grant).")
        move = self.make_move()
        mark = self.sandbox.calls()["next"]
        with self.assertRaisesRegex(UserError, "The Xero login of Ann needs to be reconnected"):
            move.with_user(self.ann).action_xero_export()
        self.assertFalse(move.xero_id)
        calls = [c for c in self.sandbox.calls(mark)["log"] if c["tenant"] == self.org_a["tenantId"]]
        self.assertEqual(calls, [], "nothing reached Xero")

        # Carol's own login, connected and disconnected here (Xero revokes it: the sandbox keeps
        # that beyond this test, so not Ann's nor Bob's).
        carol = self.user_in("carol", GROUPS, self.company, name="Carol")
        carol_login = self.connect_directly(carol, [self.org_a["tenantId"]], xero_user="carol@example.com")
        carol_login.with_user(carol).action_disconnect()
        self.assertEqual(carol_login.state, "disconnected")
        mark = self.sandbox.calls()["next"]
        move.with_user(carol).action_xero_export()
        self.assertTrue(move.xero_id)
        self.assertEqual(self.whose(mark), {("demo.user@example.com", self.shared)})
