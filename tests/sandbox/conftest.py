"""Fixtures of the sandbox's own test suite (no Odoo needed).

Run: cd /work/main && .venv/bin/python -m pytest tests/sandbox -q -p no:odoo

One sandbox server runs for the whole session on a free port; every test starts from
`POST /_sandbox/reset` (fresh organisations, apps, tokens, counters, faults, clock).
"""

import os
import sys
from pathlib import Path

import pytest
import requests

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))
# The sandbox speaks plain HTTP on loopback; oauthlib refuses that unless told otherwise.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

from xero_sandbox.client import SandboxClient  # noqa: E402
from xero_sandbox.server import SandboxServer  # noqa: E402


@pytest.fixture(scope="session")
def server():
    srv = SandboxServer(port=0, quiet=True).start()
    yield srv
    srv.stop()


@pytest.fixture
def sb(server) -> SandboxClient:
    """A control client on a freshly reset sandbox."""
    client = SandboxClient(server.url)
    client.reset()
    return client


@pytest.fixture
def orgs(sb) -> list:
    return sb.orgs()


@pytest.fixture
def tokens(sb) -> dict:
    """Tokens of the demo app, granted every demo organisation."""
    return sb.connect()


class Api:
    """Calls the sandbox's Accounting API like the connector would."""

    def __init__(self, base_url: str, access_token: str, tenant: str):
        self.base_url = base_url
        self.access_token = access_token
        self.tenant = tenant
        self.http = requests.Session()

    def __call__(
        self,
        method: str,
        path: str,
        tenant: str | None = None,
        token: str | None = None,
        headers: dict | None = None,
        **kwargs,
    ) -> requests.Response:
        all_headers = {
            "Authorization": f"Bearer {token or self.access_token}",
            "Xero-Tenant-Id": tenant or self.tenant,
            "Accept": "application/json",
        }
        all_headers.update(headers or {})
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, f"{self.base_url}/api.xro/2.0{path}", headers=all_headers, **kwargs)


@pytest.fixture
def api(server, tokens, orgs) -> Api:
    """Accounting API caller, bound to the first demo organisation."""
    return Api(server.url, tokens["access_token"], orgs[0]["tenantId"])
