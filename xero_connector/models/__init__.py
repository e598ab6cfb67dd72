# Order matters: a model must be defined before the models that inherit it.
from . import (
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
)
from . import xero_payment, xero_tenant_payments, account_payment
from . import purchase_order_settings, purchase_order_export, account_move_purchase_xero, xero_tenant_purchase_orders
