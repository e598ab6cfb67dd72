from . import test_cache, test_company_mapping, test_connect, test_security, test_tours
from . import test_contacts
from . import test_mapping, test_products
from . import test_export
