# Order matters: a model must be defined before the models that inherit it.
from . import (
    xero_access,
    xero_connection,
    xero_sync_log,
    xero_oauth_session,
    xero_tenant,
    res_company,
    res_config_settings,
    xero_document_mixin,
    account_move,
    purchase_order,
    xero_cache,
    xero_cache_refresh,
    xero_cache_request,
    xero_contact_mapping,
    res_partner,
    xero_mapping,
    xero_tenant_mapping,
    product,
    account_tax,
    account_account,
    account_analytic,
    xero_export_attempt,
    account_move_xero,
    account_move_variance,
    account_move_line_xero,
    account_move_xero_workflow,
)
from . import xero_payment, xero_tenant_payments, account_payment
from . import account_payment_access
from . import xero_access_guards
from . import xero_tenant_overview, res_partner_balance
from . import xero_manual_journal, xero_tenant_journals
from . import (
    purchase_order_export,
    account_move_purchase_xero,
    xero_tenant_purchase_orders,
)
