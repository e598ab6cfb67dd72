"""The export, recovery, payment-sync, variance, purchase-order, journal, contact and cache
tests once more against large organisations: every paged endpoint of the test organisations
past Xero's high-volume threshold, so a list read unpaged, filtered or ordered on a field
Xero does not optimise, is refused there (tests/xero_sandbox/high_volume.py). The base class
asserts after each test that the sandbox refused nothing. (Odoo runs a class's inherited test
methods only when it says ``allow_inherited_tests_method``.)"""

import uuid
from urllib.parse import urlencode

from odoo.addons.xero_connector import const
from odoo.addons.xero_connector.models.xero_tenant_reads import filter_chunks
from odoo.tests import TransactionCase, tagged

from .test_cache import TestCache
from .test_contacts import TestContacts
from .test_edges import TestEdgesExport, TestEdgesPayments
from .test_export import TestExport, XeroExportCase
from .test_journals import TestJournals
from .test_payments import TestPayments, XeroPaymentCase
from .test_purchase_order_export import TestPurchaseOrderExport
from .test_variance_report import TestVarianceReport


@tagged("post_install", "-at_install")
class TestExportHighVolume(TestExport):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestEdgesExportHighVolume(TestEdgesExport):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestPaymentsHighVolume(TestPayments):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestEdgesPaymentsHighVolume(TestEdgesPayments):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestVarianceReportHighVolume(TestVarianceReport):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestPurchaseOrderExportHighVolume(TestPurchaseOrderExport):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestJournalsHighVolume(TestJournals):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestCacheHighVolume(TestCache):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestContactsHighVolume(TestContacts):
    high_volume = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestRecoveryInBulk(XeroExportCase):
    """Documents in doubt are looked up together, not one call each."""

    high_volume = True

    def test_documents_in_doubt_are_looked_up_in_one_call_per_kind(self):
        invoices = self.make_move() | self.make_move() | self.make_move()
        refunds = self.make_move("out_refund") | self.make_move("out_refund")
        moves = invoices | refunds
        tenant = self.org_a["tenantId"]
        for path in ("/Invoices", "/CreditNotes"):
            self.sandbox.add_fault("lost_response", method="PUT", path=path, tenant=tenant, count=10)
        moves._xero_export()
        self.sandbox.clear_faults()
        self.assertFalse(moves.filtered("xero_id"), "every answer was lost: nothing linked")
        self.assertEqual(self.env["xero.export.attempt"]._in_doubt(moves), moves)
        mark = self.sandbox.calls()["next"]
        moves._xero_export()
        calls = [c for c in self.sandbox.calls(mark)["log"] if c["tenant"] == tenant]
        lookups = [c for c in calls if c["endpoint"] in ("GET /Invoices", "GET /CreditNotes")]
        self.assertEqual(
            sorted(c["endpoint"] for c in lookups),
            ["GET /CreditNotes", "GET /Invoices"],
            "one lookup for the three invoices, one for the two credit notes",
        )
        self.assertFalse([c for c in calls if c["method"] == "PUT"], "found in Xero, nothing sent again")
        by_number = {c["path"]: c["query"] for c in lookups}
        self.assertEqual(
            set(by_number["/api.xro/2.0/Invoices"]["InvoiceNumbers"].split(",")), set(invoices.mapped("name"))
        )
        self.assertTrue(all(moves.mapped("xero_id")))
        numbers = [i["InvoiceNumber"] for i in self.in_xero()]
        self.assertEqual(
            sorted(n for n in numbers if n in invoices.mapped("name")), sorted(invoices.mapped("name"))
        )


@tagged("post_install", "-at_install")
class TestLookupChunks(TransactionCase):
    """How many ids or numbers go in one call: at most 50, and no more than the URL takes."""

    def test_ids_go_50_to_a_call(self):
        ids = [str(uuid.uuid4()) for _ in range(120)]
        chunks = list(filter_chunks("i_ds", ids))
        self.assertEqual([len(c["i_ds"]) for c in chunks], [50, 50, 20])
        self.assertEqual([i for c in chunks for i in c["i_ds"]], ids)

    def test_a_where_chain_stays_within_the_url(self):
        ids = [str(uuid.uuid4()) for _ in range(60)]
        chunks = list(filter_chunks("CreditNoteID==Guid({})", ids))
        self.assertGreater(len(chunks), 2, "about 25 Guid clauses fit in Xero's 2,048 characters")
        for chunk in chunks:
            self.assertLessEqual(len(urlencode(chunk)), const.MAX_FILTER_CHARS)
        self.assertEqual(sum(c["where"].count("Guid(") for c in chunks), 60)

    def test_a_number_holding_a_comma_is_asked_for_alone(self):
        chunks = list(filter_chunks("invoice_numbers", ["INV-1", "A,B", "INV-2", "INV-1"]))
        self.assertEqual(chunks, [{"search_term": "A,B"}, {"invoice_numbers": ["INV-1", "INV-2"]}])


@tagged("post_install", "-at_install")
class TestPaymentSyncCursor(XeroPaymentCase):
    """Invoices whose credit moved are found among the invoices Xero changed (AmountCredited is
    not a field a large organisation filters on): each sync reads only what changed since."""

    high_volume = True

    def test_an_unchanged_sync_reads_one_page_of_each_list(self):
        move = self.exported()
        self.pay_in_xero(move, 10.0)
        self.sync()
        self.tenant.invalidate_recordset()
        self.assertTrue(
            self.tenant.xero_payment_docs_synced_at,
            "the invoices' cursor moves on even when none of them had credit",
        )
        mark = self.sandbox.calls()["next"]
        self.sync()
        calls = [c for c in self.sandbox.calls(mark)["log"] if c["tenant"] == self.org_a["tenantId"]]
        self.assertEqual(sorted(c["endpoint"] for c in calls), ["GET /Invoices", "GET /Payments"])
        invoices = next(c for c in calls if c["endpoint"] == "GET /Invoices")
        self.assertNotIn("where", invoices["query"])
        self.assertEqual(invoices["query"].get("page"), "1")
