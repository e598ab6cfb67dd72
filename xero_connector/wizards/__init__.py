from . import xero_tenant_link_wizard
