"""The payment sync asks Xero only for what changed: its second run sends If-Modified-Since =
the stamp the first one kept (Xero's own UpdatedDateUTC, read in the sandbox's call log), and
Xero's answer then holds the payments changed since, not the older ones."""

from datetime import datetime

from odoo.addons.xero_connector.utils import parse_xero_datetime
from odoo.tests import tagged

from .test_payments import XeroPaymentCase


@tagged("post_install", "-at_install")
class TestPaymentsModifiedSince(XeroPaymentCase):
    def sent_since(self, mark, endpoint):
        """The If-Modified-Since of the one call to ``endpoint`` since ``mark``, as a naive UTC
        datetime (None when the call carried none)."""
        calls = [
            c
            for c in self.sandbox.calls(mark)["log"]
            if c["tenant"] == self.org_a["tenantId"] and c["endpoint"] == endpoint
        ]
        self.assertEqual(len(calls), 1, f"one page of {endpoint}")
        header = calls[0]["if_modified_since"]
        return header and datetime.fromisoformat(header).replace(tzinfo=None)

    def newest_in_xero(self, resource):
        return max(
            parse_xero_datetime(p["UpdatedDateUTC"])
            for p in self.sandbox.dump(self.org_a["tenantId"], resource)
        )

    def test_the_second_sync_asks_for_what_changed_since_the_first(self):
        kept, changed = self.exported(), self.exported()
        self.pay_in_xero(kept, 40.0)
        self.pay_in_xero(changed, 30.0)
        mark = self.sandbox.calls()["next"]
        first = self.sync()
        self.assertIsNone(self.sent_since(mark, "GET /Payments"), "a first sync reads everything")
        self.assertEqual(first["created"], 2)
        self.tenant.invalidate_recordset()
        stamp = self.tenant.xero_payments_synced_at
        self.assertEqual(stamp, self.newest_in_xero("Payments"), "the stamp is Xero's clock, not Odoo's")

        # A minute later in Xero: the payment on `changed` is deleted, another one is made.
        self.sandbox.advance(60)
        deleted = self.odoo_payments(changed)
        self.sandbox.as_user(
            self.org_a["tenantId"], "POST", f"/Payments/{deleted.xero_payment_id}", json={"Status": "DELETED"}
        )
        self.pay_in_xero(changed, 25.0)
        mark = self.sandbox.calls()["next"]
        second = self.sync()
        self.assertEqual(self.sent_since(mark, "GET /Payments"), stamp)
        self.assertEqual(
            second["seen"], 2, "the deleted and the new payment; the one on `kept` is not read again"
        )
        self.assertEqual(second["flagged"], 1)
        self.assertTrue(deleted.xero_deleted_in_xero)
        in_odoo = self.env["xero.payment"].search([("move_id", "=", changed.id)])
        self.assertEqual(
            sorted((p.status, p.amount) for p in in_odoo), [("AUTHORISED", 25.0), ("DELETED", 30.0)]
        )
        self.tenant.invalidate_recordset()
        self.assertEqual(self.tenant.xero_payments_synced_at, self.newest_in_xero("Payments"))
        self.assertGreater(self.tenant.xero_payments_synced_at, stamp)

        # Nothing changed since: the third sync asks from the new stamp and changes nothing. (The
        # stamp holds the milliseconds Xero shows; the sandbox keeps its clock finer, so the
        # payment of that very millisecond may come back once: read again, changing nothing.)
        later = self.tenant.xero_payments_synced_at
        docs_stamp = self.tenant.xero_payment_docs_synced_at
        mark = self.sandbox.calls()["next"]
        third = self.sync()
        self.assertEqual(self.sent_since(mark, "GET /Payments"), later)
        self.assertEqual(self.sent_since(mark, "GET /Invoices"), docs_stamp)
        self.assertLessEqual(third["seen"], 1)
        self.assertEqual((third["created"], third["flagged"]), (0, 0))
        self.assertEqual(self.tenant.xero_payments_synced_at, later)
