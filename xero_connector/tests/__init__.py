from . import (
    test_cache,
    test_company_mapping,
    test_connect,
    test_contacts,
    test_export,
    test_export_tours,
    test_mapping,
    test_products,
    test_security,
    test_tours,
)
from . import test_payments, test_webhooks
from . import test_xero_2026
