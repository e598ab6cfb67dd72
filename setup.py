"""Installs the xero_connector addon where Odoo finds it (``odoo/addons/xero_connector``)
with its Python requirements.

Odoo discovers addons through ``odoo.addons.__path__``, which extends over every
``odoo/addons`` folder on ``sys.path``; a regular (non-editable) install puts the module
there. For development the Makefile puts this checkout on Odoo's ``addons_path`` instead.
"""

import ast
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
manifest = ast.literal_eval((HERE / "xero_connector" / "__manifest__.py").read_text())
requirements = [
    line.strip()
    for line in (HERE / "requirements.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
packages = ["odoo.addons.xero_connector"] + [
    "odoo.addons.xero_connector." + ".".join(p.relative_to(HERE / "xero_connector").parts)
    for p in sorted((HERE / "xero_connector").rglob("__init__.py"))
    if p.parent != HERE / "xero_connector"
]

setup(
    name="odoo-addon-xero_connector",
    version=manifest["version"],
    description=manifest["summary"],
    license=manifest["license"],
    python_requires=">=3.10",
    install_requires=requirements,
    package_dir={"odoo.addons.xero_connector": "xero_connector"},
    packages=packages,
    include_package_data=True,
    package_data={"odoo.addons.xero_connector": ["**/*"]},
    zip_safe=False,
)
