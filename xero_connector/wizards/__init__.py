from . import (
    xero_cache_refresh_wizard,
    xero_category_link_wizard,
    xero_category_link_wizard_line,
    xero_check_wizard,
    xero_check_wizard_line,
    xero_clear_exported_wizard,
    xero_contact_import,
    xero_item_import_wizard,
    xero_mapping_health,
    xero_mapping_health_line,
    xero_product_link_wizard,
    xero_product_link_wizard_line,
    xero_product_export_wizard,
    xero_tenant_link_wizard,
    xero_tenant_link_wizard_line,
)
from . import xero_payments_wizard
from . import xero_variance_report, xero_variance_line
from . import xero_export_all_wizard
