# Order matters: a model must be defined before the models that inherit it.
from . import (
    xero_access,
    xero_connection,
    xero_connection_oauth,
    xero_connection_login,
    xero_sync_log,
    xero_oauth_session,
    xero_tenant,
    xero_tenant_stamp,
    xero_tenant_reads,
    xero_tenant_guard,
    xero_reader,
    xero_sender,
    xero_job,
    res_company,
    res_config_settings,
    xero_export_engine,
    xero_document_mixin,
    account_move_export,
    account_move_builder,
    account_move_left_out,
    purchase_order,
    purchase_order_export,
    purchase_order_line,
    xero_cache_mixin,
    xero_contact,
    xero_contact_person,
    xero_item,
    xero_tax_rate,
    xero_account,
    xero_tracking_category,
    xero_tracking_option,
    xero_currency,
    xero_branding_theme,
    res_company_branding,
    res_config_settings_branding,
    xero_cache_request,
    xero_mapping_mixin,
    xero_partner_binding,
    res_partner,
    res_partner_export,
    res_partner_import,
    xero_product_map,
    xero_category_map,
    xero_tax_map,
    xero_account_map,
    xero_tracking_map,
    product_category,
    product_template,
    product_product,
    account_tax,
    account_account,
    account_analytic,
    xero_export_attempt,
    account_move_variance,
    account_move_line,
    account_move_workflow,
    account_move_send,
)
from . import xero_currency_totals
from . import (
    xero_payment,
    xero_payment_totals,
    xero_journal_map,
    xero_webhook_event,
    xero_webhook_delivery,
    account_move_payments,
    account_payment,
    account_payment_register,
)
from . import xero_tenant_overview, xero_tenant_screens, xero_account_map_used, res_partner_balance
from . import xero_no_sums
from . import xero_manual_journal, xero_manual_journal_run, xero_manual_journal_line, xero_journal_ledger
from . import account_move_purchase
from . import account_move_import
from . import xero_contact_sync
from . import account_move_auto_update
from . import xero_create_in_xero
from . import account_partial_reconcile
from . import xero_background_run
from . import xero_payment_run
