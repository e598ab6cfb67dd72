from . import xero_cache_refresh_wizard, xero_tenant_link_wizard
