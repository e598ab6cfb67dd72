"""End-to-end suites: no test may pass with a request Xero's OpenAPI would refuse. After each
test, the sandbox `make test` started (``XERO_SANDBOX_URL``) must list no new contract
violation (an unknown field, a wrong type, a missing parameter...)."""

import os

import pytest
import requests


@pytest.fixture(autouse=True)
def no_contract_violations():
    url = os.environ.get("XERO_SANDBOX_URL")
    if not url:
        yield
        return

    def seqs():
        try:
            answer = requests.get(f"{url}/_sandbox/violations", timeout=10)
        except requests.RequestException:
            return None
        return answer.json() if answer.ok else None

    before = seqs()
    mark = max((v["seq"] for v in before or []), default=0)
    yield
    after = seqs()
    if before is None or after is None:
        return  # the sandbox is not up (a suite that starts its own)
    new = [v for v in after if v["seq"] > mark]
    assert not new, f"requests that break Xero's OpenAPI contract: {new}"
