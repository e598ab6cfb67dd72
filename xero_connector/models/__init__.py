# Order matters: a model must be defined before the models that inherit it.
from . import (
    xero_access,
    xero_connection,
    xero_sync_log,
    xero_oauth_session,
    xero_tenant,
    res_company,
    res_config_settings,
    xero_export_engine,
    xero_document_mixin,
    account_move_export,
    purchase_order,
    purchase_order_export,
    purchase_order_line,
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
    account_move_variance,
    account_move_line,
    account_move_workflow,
    account_move_send,
)
from . import (
    xero_payment,
    xero_journal_map,
    xero_webhook_event,
    xero_webhook_delivery,
    account_move_payments,
    account_payment,
    account_payment_register,
)
from . import xero_access_guards
from . import xero_overview, res_partner_balance
from . import xero_manual_journal, xero_manual_journal_line, xero_journal_ledger
from . import account_move_purchase
