"""Issue #24: what one job writes on the organisation's record cannot abort another job. Two
jobs of one organisation stamping different kinds (the purchase orders' sync and the payments'
sync) run in two real transactions at once: both commit, where on the organisation's own row the
second waited for the first and then failed with "could not serialize access"."""

import uuid
from datetime import datetime

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTenantStamps(TransactionCase):
    def _cursor(self):
        """A transaction of its own (a job's), not the test's: its commits are real."""
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        return cr

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_two_jobs_stamping_one_organisation_at_once_both_commit(self):
        setup = self._cursor()
        tenant_id = (
            self._env(setup)["xero.tenant"].create({"name": "Stamps", "tenant_id": str(uuid.uuid4())}).id
        )
        setup.commit()

        def cleanup():
            self._env(setup)["xero.tenant"].browse(tenant_id).unlink()
            setup.commit()

        self.addCleanup(cleanup)
        po_job, payment_job = self._cursor(), self._cursor()
        for cr in (po_job, payment_job):
            cr.execute("SET lock_timeout = '3s'")  # a wait on the other job fails, not hangs
        # Both jobs start (their snapshots are taken) before either has stamped.
        po_tenant = self._env(po_job)["xero.tenant"].browse(tenant_id)
        payment_tenant = self._env(payment_job)["xero.tenant"].browse(tenant_id)
        self.assertFalse(po_tenant.xero_po_synced_at)
        self.assertFalse(payment_tenant.xero_payments_synced_at)
        po_stamp, payment_stamp = datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 2, 9, 30)
        po_tenant._xero_stamp({"xero_po_synced_at": po_stamp})
        payment_tenant._xero_stamp({"xero_payments_synced_at": payment_stamp})  # while po_job is open
        po_job.commit()
        payment_tenant._xero_stamp({"xero_payment_docs_synced_at": payment_stamp})  # after its commit
        payment_job.commit()

        reader = self._cursor()
        tenant = self._env(reader)["xero.tenant"].browse(tenant_id)
        self.assertEqual(tenant.xero_po_synced_at, po_stamp)
        self.assertEqual(tenant.xero_payments_synced_at, payment_stamp)
        self.assertEqual(tenant.xero_payment_docs_synced_at, payment_stamp)
        self.assertFalse(tenant.xero_journals_synced_at, "a kind no job stamped stays empty")

    def test_a_stamp_is_read_back_and_only_stamps_are_written(self):
        tenant = self.env["xero.tenant"].create({"name": "Stamps", "tenant_id": str(uuid.uuid4())})
        when = datetime(2026, 1, 5, 7, 0)
        tenant._xero_stamp({"xero_cache_refreshed_at": when})
        self.assertEqual(tenant.xero_cache_refreshed_at, when)
        tenant._xero_stamp({"xero_po_synced_at": when})
        tenant.xero_cache_refreshed_at = False  # a manager (or a test) clears it
        tenant.invalidate_recordset()
        self.assertFalse(tenant.xero_cache_refreshed_at)
        self.assertEqual(tenant.xero_po_synced_at, when, "another kind is left as it was")
        self.env.cr.execute(
            "SELECT kind FROM xero_tenant_stamp WHERE tenant_id = %s ORDER BY kind", (tenant.id,)
        )
        self.assertEqual(
            [kind for (kind,) in self.env.cr.fetchall()], ["xero_cache_refreshed_at", "xero_po_synced_at"]
        )
        with self.assertRaises(ValueError):
            tenant._xero_stamp({"name": "Renamed"})
