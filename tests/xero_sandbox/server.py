"""HTTP plumbing of the sandbox: one threaded server, one port, all of Xero's hosts.

The standard library's `ThreadingHTTPServer` is used because the "connection reset" and "lost
response" faults need the raw socket: a reset closes it with SO_LINGER 0 (the client gets a
TCP RST), a lost response closes it politely after the request was processed.

    from xero_sandbox.server import SandboxServer
    srv = SandboxServer(port=0).start()   # srv.url, srv.sandbox
    srv.stop()
"""

import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .messages import Reply, Request, encode
from .sandbox import Sandbox


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Xero: clients reuse connections
    server_version = "XeroSandbox/1.0"

    def setup(self):
        super().setup()
        # answers are written in one piece; no Nagle delay waiting for a delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _serve(self):
        started = time.perf_counter()
        try:
            request = self._request()
        except (ValueError, OSError) as exc:
            self._write(Reply(400, {"Type": "BadRequest", "Message": str(exc)}))
            return
        try:
            reply = self.server.sandbox.handle(request)
        except Exception:
            reply = Reply(500, {"Type": "SandboxError", "Message": traceback.format_exc()})
        # Logged before answering: whoever got the answer can rely on the line being there.
        self._log(request, reply, started)
        if reply.action == "reset":
            self._abort(rst=True)
        elif reply.action == "close":
            self._abort(rst=False)
        else:
            self._write(reply)

    def _request(self) -> Request:
        url = urlsplit(self.path)
        headers = {}
        for raw_name, value in self.headers.items():
            name = raw_name.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return Request(
            self.command,
            unquote(url.path),
            parse_qsl(url.query, keep_blank_values=True),
            headers,
            self._body(),
            self.client_address[0],
            url.query,
        )

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, reply: Reply) -> None:
        data, content_type = encode(reply)
        try:
            self.send_response(reply.status)
            headers = dict(reply.headers)
            if content_type:
                headers["Content-Type"] = content_type
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers_and_body(data if self.command != "HEAD" else b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. a `timeout` fault)

    def end_headers_and_body(self, data: bytes) -> None:
        """end_headers() plus the body in a single send (headers and body in one segment)."""
        self._headers_buffer.append(b"\r\n" + data)
        self.flush_headers()

    def _abort(self, rst: bool) -> None:
        """Close the connection without any response. `rst`: SO_LINGER 0 makes close() send a
        TCP RST (the client sees "connection reset"); otherwise a FIN (no response)."""
        self.close_connection = True
        sock = self.connection
        try:
            if rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
            self.rfile.close()  # drop the makefile() reference so close() really closes
            sock.close()
        except OSError:
            pass

    def _log(self, request: Request, reply: Reply, started: float) -> None:
        if self.server.quiet:
            return
        ms = (time.perf_counter() - started) * 1000
        status = {"reset": "RESET", "close": "LOST"}.get(reply.action, reply.status)
        tenant = request.headers.get("xero-tenant-id", "-")
        sys.stderr.write(f"{request.method} {request.path} tenant={tenant} {status} {ms:.0f}ms\n")
        sys.stderr.flush()

    def log_message(self, format, *args):
        """Silence http.server's own access log; `_log` writes one line per request."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if not self.quiet:
            super().handle_error(request, client_address)


class SandboxServer:
    """The sandbox on a port (0: any free one), served from a daemon thread or the foreground."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8071,
        sandbox: Sandbox = None,
        quiet: bool = False,
        warm: bool = True,
        **sandbox_options,
    ):
        self.sandbox = sandbox or Sandbox(**sandbox_options)
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.sandbox = self.sandbox
        self.httpd.quiet = quiet
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = None
        self._announce(quiet, warm)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _announce(self, quiet: bool, warm: bool) -> None:
        contract = self.sandbox.contract
        if not contract.available:
            sys.stderr.write(
                f"xero_sandbox: contract check DISABLED - no OpenAPI specs in "
                f"{contract.spec_dir} (set XERO_OPENAPI_DIR)\n"
            )
        elif warm:  # load the specs now, in the background, instead of on the first request
            threading.Thread(target=contract._api, args=("accounting",), daemon=True).start()
        if not quiet:
            names = ", ".join(f"{o.name} ({o.tenant_id})" for o in self.sandbox.orgs.values())
            sys.stderr.write(f"xero_sandbox: listening on {self.url}; organisations: {names}\n")

    def start(self) -> "SandboxServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="xero-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
