from . import (
    test_cache,
    test_company_mapping,
    test_connect,
    test_contacts,
    test_edges,
    test_export,
    test_export_tours,
    test_mapping,
    test_products,
    test_security,
    test_tenant_stamps,
    test_tours,
)
from . import test_payments, test_webhooks
from . import test_payment_pages
from . import test_security_boundaries
from . import test_variance_report
from . import test_xero_overview
from . import test_variance_tours
from . import test_line_features
from . import test_left_out_lines, test_mpower_rules_in_xero
from . import test_journals
from . import test_purchase_order_export, test_po_tours
from . import test_xero_2026
from . import test_builders
from . import test_builders_records
from . import test_builders_po_journal
from . import test_security_features
from . import test_high_volume
from . import test_security_walls
from . import test_oauth_log
from . import test_charts
from . import test_fault_matrix
from . import test_exactly_once
from . import test_screens
from . import test_jobs
from . import test_import_documents
from . import test_contacts_in_step
from . import test_auto_update
from . import test_create_in_xero
from . import test_branding_override
from . import test_background_tours
from . import test_own_logins
from . import test_payments_modified_since
from . import test_background_runs
