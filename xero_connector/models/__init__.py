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
)
