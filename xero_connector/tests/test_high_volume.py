"""The export, recovery, payment-sync, variance, purchase-order, journal, contact and cache
tests once more against large organisations: every paged endpoint of the test organisations
past Xero's high-volume threshold, so a list read unpaged, filtered or ordered on a field
Xero does not optimise, is refused there (tests/xero_sandbox/high_volume.py). The base class
asserts after each test that the sandbox refused nothing. (Odoo runs a class's inherited test
methods only when it says ``allow_inherited_tests_method``.)"""

from odoo.tests import tagged

from .test_cache import TestCache
from .test_contacts import TestContacts
from .test_edges import TestEdgesExport, TestEdgesPayments
from .test_export import TestExport
from .test_journals import TestJournals
from .test_payments import TestPayments
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
