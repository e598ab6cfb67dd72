"""`make run` as a newcomer uses it: Odoo's login page answers, the demo database has the module
installed and connected, and the Xero sandbox beside it answers /connections with a token it
issued. Runs scripts/run.sh on spare ports with its own demo database, then stops it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from xero_sandbox.client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]
ODOO_PORT, SANDBOX_PORT, DB = 8269, 8271, "xero_demo_e2e"


def _wait_for(url, deadline):
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=5)
            if response.status_code == 200:
                return response
        except requests.ConnectionError:
            pass
        time.sleep(2)
    return None


@pytest.fixture
def make_run():
    env = {
        **os.environ,
        "ODOO_HTTP_PORT": str(ODOO_PORT),
        "XERO_SANDBOX_PORT": str(SANDBOX_PORT),
        "DEMO_DB": DB,
    }
    log = open(ROOT / ".logs" / "make-run-e2e.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    subprocess.run(["dropdb", "--if-exists", DB], check=False)


@pytest.mark.slow
def test_make_run_serves_login_page_and_a_connected_sandbox(make_run):
    deadline = time.monotonic() + 600
    login = _wait_for(f"http://localhost:{ODOO_PORT}/web/login", deadline)
    output = (ROOT / ".logs" / "make-run-e2e.log").read_text()
    assert login is not None, f"Odoo did not answer; run.sh said:\n{output[-3000:]}"
    assert 'name="login"' in login.text
    assert "admin connected to the Xero sandbox (2 organisations)" in output

    sandbox = SandboxClient(f"http://127.0.0.1:{SANDBOX_PORT}")
    token = sandbox.connect(redirect_uri=f"http://localhost:{ODOO_PORT}/xero/oauth/callback")
    connections = requests.get(
        f"http://127.0.0.1:{SANDBOX_PORT}/connections",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert connections.status_code == 200
    assert {c["tenantName"] for c in connections.json()} >= {"Demo Company (AU)", "Demo Company (NZ)"}
    assert sandbox.violations() == [], "the demo sent requests that break Xero's OpenAPI"

    # Admin logs in and finds the demo companies mapped to the demo organisations.
    session = requests.Session()
    auth = session.post(
        f"http://localhost:{ODOO_PORT}/web/session/authenticate",
        json={"params": {"db": DB, "login": "admin", "password": "admin"}},
        timeout=30,
    ).json()
    assert auth.get("result", {}).get("uid"), auth
    companies = session.post(
        f"http://localhost:{ODOO_PORT}/web/dataset/call_kw",
        json={
            "params": {
                "model": "res.company",
                "method": "search_read",
                "args": [[], ["name", "xero_tenant_id"]],
                "kwargs": {},
            }
        },
        timeout=30,
    ).json()["result"]
    mapped = [c["xero_tenant_id"] and c["xero_tenant_id"][1] for c in companies]
    assert all(mapped) and len(set(mapped)) == len(companies), companies
    assert any(name.startswith("Demo Company (AU)") for name in mapped)
