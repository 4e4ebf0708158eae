"""The preview's web server: the draft's directory and its reload event stream, to loopback
clients only, with a Content-Security-Policy that allows just the reload script."""

from __future__ import annotations

import http.server
import ipaddress
import logging
import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.core.errors import UsageError
from reportgen.preview.draft import CSP, EVENTS, LOOPBACK_NAMES, Preview

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """Return whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serve the preview's directory and its event stream to loopback clients."""

    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 8000, *,
                 allow_remote: bool = False) -> None:
        if not is_loopback(host) and not allow_remote:
            raise UsageError(f"refusing to serve the draft on {host}: the preview listens on "
                             "loopback addresses only unless asked otherwise")
        self.preview = preview
        self.root = preview.root.resolve()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), PreviewHandler)
        # The bound name is allowed too, so `--host 192.0.2.7` works from that address;
        # a DNS-rebinding page always sends its own domain name, which is never on this list.
        wildcard = host in ("0.0.0.0", "::")  # noqa: S104 - a comparison, not a bind
        names = LOOPBACK_NAMES | (set() if wildcard else {host.strip("[]").lower()})
        self.allowed_hosts = {_host_header(n, self.port) for n in names}

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def _host_header(name: str, port: int) -> str:
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def request_file(root: Path, target: str) -> tuple[int, Path | None]:
    """Return (200, file) for a request target naming a draft file, else (status, None)."""
    if not target.startswith("/") or target.startswith("//"):
        return 400, None  # absolute-form URLs and network paths
    parts = unquote(urlsplit(target).path).split("/")
    if any(p in (".", "..") or "\\" in p or "\0" in p or ":" in p for p in parts) or \
            "" in parts[1:-1]:  # "/%2Fetc/passwd": an absolute path inside the path
        return 400, None
    path = root.joinpath(*[p for p in parts if p])
    if path.is_dir():
        path = path / "index.html"  # a directory is its index page, never a listing
    path = path.resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return 404, None
    return 200, path


TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".ttf": "font/ttf", ".png": "image/png"}


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Answer GET and HEAD for the draft's files and the reload event stream."""

    server: PreviewServer
    server_version = "reportgen-preview"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        if self.headers.get("Host", "").lower() not in self.server.allowed_hosts:
            return self._plain(403, "Forbidden: this preview answers to localhost only.\n", body)
        if urlsplit(self.path).path == EVENTS:
            return self._events()
        # The target as sent: http.server turns a leading "//" into "/" in self.path.
        status, path = request_file(self.server.root, self.requestline.split()[1])
        if path is None:
            return self._plain(status, "Bad request.\n" if status == 400 else "Not found.\n", body)
        self._send(200, TYPES.get(path.suffix, "application/octet-stream"), path.read_bytes(),
                   body)

    def _common_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")

    def _plain(self, status: int, text: str, body: bool) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode(), body)

    def _send(self, status: int, content_type: str, data: bytes, body: bool) -> None:
        """Send a whole response; HEAD (body False) gets the headers alone."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self) -> None:
        """Stream the build version now and after every rebuild, until the preview closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self._common_headers()
        self.end_headers()
        preview, seen = self.server.preview, None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.closed:
                version = preview.wait(seen, timeout=15)
                if version != seen:
                    self.wfile.write(f"event: build\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": still here\n\n")  # notices closed tabs
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)


