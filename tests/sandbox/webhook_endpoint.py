"""A webhook endpoint of the tests' own, on a free loopback port: where the sandbox sends its
deliveries and its intent-to-receive checks."""

import base64
import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def signed_by(key, body, signature):
    """Whether ``signature`` (the x-xero-signature header) is the HMAC-SHA256 of ``body`` under
    ``key``, base64-encoded, as Xero signs."""
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature or "")


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log every request to stderr."""

    def log_message(self, *args):
        pass


class Endpoint:
    """Serves ``handler`` at ``self.url`` (…/xero/webhook) until ``stop()``."""

    def __init__(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/xero/webhook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
