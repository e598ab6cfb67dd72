"""A local stand-in for Xero's identity service and Accounting API, for the connector's tests.

Run it with `python -m xero_sandbox --port 8071` (from the `tests` directory) or start it in a
thread with `xero_sandbox.server.SandboxServer(port=0).start()`; drive it with
`xero_sandbox.client.SandboxClient`. See README-style docstrings in `server.py`, `sandbox.py`
and `control.py`.
"""
