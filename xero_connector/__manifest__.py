{
    "name": "Xero Connector",
    "summary": "Export invoices, credit notes, bills and purchase orders to Xero, "
    "keep payments in step, across several Xero organisations",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "xero_connector developers",
    "website": "https://github.com/xero-connector/xero_connector",
    "license": "LGPL-3",
    "depends": ["account", "purchase", "stock_account", "mail"],
    "external_dependencies": {
        "python": ["xero_python", "requests_oauthlib"],
    },
    "data": [
        "security/xero_security.xml",
        "security/ir.model.access.csv",
        "views/templates.xml",
        "wizards/xero_tenant_link_wizard_views.xml",
        "wizards/xero_cache_refresh_wizard_views.xml",
        "views/xero_connection_views.xml",
        "views/xero_tenant_views.xml",
        "views/res_config_settings_views.xml",
        "views/document_views.xml",
        "views/xero_sync_log_views.xml",
        "views/xero_cache_views.xml",
        "data/ir_cron_data.xml",
        "views/xero_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "xero_connector/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
