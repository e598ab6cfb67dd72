"""Background work as queue_job jobs (issue #24): the crons fan out, one job per organisation
on the xero channel, the longest waiting first; a spent day is the job's own delay; one
organisation failing fails alone. Jobs are trapped and performed with queue_job's helpers."""

import time

from odoo import fields
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.xero_connector import limits
from odoo.tests import tagged

from .common import XeroSandboxCase


@tagged("post_install", "-at_install")
class TestJobs(XeroSandboxCase):
    def _connect(self, *orgs):
        self.connect(tenants=[org["tenantId"] for org in orgs])
        by_id = {t.tenant_id: t for t in self.connection_of(self.xero_manager).tenant_ids}
        return [by_id[org["tenantId"]] for org in orgs]

    def _calls(self, mark, tenant):
        return [c for c in self.sandbox.calls(since=mark)["log"] if c["tenant"] == tenant.tenant_id]

    def test_nightly_refresh_fans_out_one_job_per_organisation_longest_waiting_first(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        (self.env["xero.tenant"].search([]) - tenant_a - tenant_b).active = False
        tenant_a.xero_cache_refreshed_at = fields.Datetime.now()  # b was never refreshed
        Request = self.env["xero.cache.refresh.request"]
        with trap_jobs() as trap:
            Request._cron_refresh_cache_nightly()
            Request._cron_refresh_cache_nightly()  # the next run while the jobs still wait
            trap.assert_jobs_count(2)  # the identity key: no second job per organisation
            self.assertEqual([job.channel for job in trap.enqueued_jobs], ["root.xero"] * 2)
            self.assertEqual(
                [job.identity_key for job in trap.enqueued_jobs],
                [f"xero-cache:{tenant_b.id}", f"xero-cache:{tenant_a.id}"],
                "the organisation refreshed longest ago goes first",
            )
            self.assertEqual(trap.enqueued_jobs[0].args[3], [tenant_b])
            trap.perform_enqueued_jobs()
        for tenant in (tenant_a, tenant_b):
            self.assertTrue(tenant.xero_cache_contacts_synced_at)
            self.assertTrue(self.env["xero.account"].search_count([("tenant_id", "=", tenant.id)]))

    def test_a_spent_day_becomes_the_jobs_delay_not_a_sleep(self):
        (tenant,) = self._connect(self.org_a)
        (self.env["xero.tenant"].search([]) - tenant).active = False
        limits.note_answer(self.env.registry, tenant.id, remaining=0, retry_after=7200, problem="day")
        mark = self.sandbox.calls(since=10**12)["next"]
        started = time.monotonic()
        outcome = self.run_cron("xero.cache.refresh.request", "_cron_refresh_cache_nightly")
        self.assertLess(time.monotonic() - started, 5, "nothing slept")
        self.assertEqual(outcome["failed"], [])
        (retry,) = outcome["retry"]
        self.assertIsInstance(retry, RetryableJobError)
        self.assertTrue(7000 < retry.seconds <= 7202, retry.seconds)
        self.assertIn("daily limit", str(retry))
        self.assertEqual(self._calls(mark, tenant), [], "nothing was sent to Xero")

    def test_one_organisation_failing_fails_alone(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        (self.env["xero.tenant"].search([]) - tenant_a - tenant_b).active = False
        self.sandbox.add_fault("403", tenant=tenant_a.tenant_id, count=1000)  # A refuses everything
        self.addCleanup(self.sandbox.clear_faults)
        outcome = self.run_cron("xero.cache.refresh.request", "_cron_refresh_cache_nightly")
        self.assertEqual(outcome["retry"], [])
        Account = self.env["xero.account"].with_context(active_test=False)
        self.assertFalse(Account.search_count([("tenant_id", "=", tenant_a.id)]), "A refused: nothing cached")
        self.assertEqual(
            Account.search_count([("tenant_id", "=", tenant_b.id)]),
            len(self.sandbox.dump(tenant_b.tenant_id, "Accounts")),
            "B refreshed all the same",
        )
