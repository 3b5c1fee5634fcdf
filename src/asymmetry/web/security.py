"""What the server does against a hostile web: trusted hosts and security headers.

ASGI middlewares, registered in `asymmetry.web.app`:

- `HostGuard` answers 400 to a request whose ``Host`` header is not one the
  server was started for. A page on ``evil.example`` whose name is re-pointed at
  127.0.0.1 (DNS rebinding) then reaches the server as same-origin, but its
  requests say ``Host: evil.example``; refusing them keeps the API unreadable
  from other sites (https://en.wikipedia.org/wiki/DNS_rebinding). An address
  literal is accepted only on a wildcard bind (0.0.0.0, ::), where clients on
  the network reach the server by address: a rebinding attack needs a name.
- `SecurityHeaders` puts a Content-Security-Policy (scripts and styles only
  from the server itself, no inline script, no framing), ``nosniff``,
  X-Frame-Options and Referrer-Policy on every response (OWASP Secure Headers,
  https://owasp.org/www-project-secure-headers/).
- `HeaderLimit` answers 431 to a request whose headers exceed
  `MAX_HEADER_BYTES`. h11 (`asymmetry serve` runs uvicorn on h11 with the same
  cap) refuses a header block that arrives incomplete past the cap, which bounds
  memory, but one read may carry up to 64 KiB; this makes the limit exact.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass

from asymmetry.web.limits import ASGIApp, Message, Receive, Scope, Send

MAX_HEADER_BYTES = 16 * 1024  # request line aside; browsers send < 2 KiB, nginx allows 8-32
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = ("0.0.0.0", "::", "")
# Plotly draws with inline style attributes and Swagger UI's stylesheet uses data:
# images, so styles may be inline and images data: URIs; scripts may not (no
# 'unsafe-inline', no 'unsafe-eval'): injected markup cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


@dataclass(frozen=True, slots=True)
class TrustedHosts:
    """The ``Host`` names a server bound to ``bind`` answers to.

    Always the loopback names and the bound address itself; ``extra`` names
    (``--allow-host``) are exact, or ``*.example.org`` for its subdomains.
    """

    bind: str = "127.0.0.1"
    extra: tuple[str, ...] = ()

    @classmethod
    def for_bind(cls, bind: str, extra: Iterable[str] = ()) -> TrustedHosts:
        return cls(bind.strip("[]").lower(), tuple(h.strip().strip("[]").lower() for h in extra))

    @property
    def wildcard(self) -> bool:
        return self.bind in WILDCARD_BINDS

    def names(self) -> list[str]:
        """What `allows` accepts, in words."""
        named = [] if self.wildcard or self.bind in LOOPBACK_HOSTS else [self.bind]
        anywhere = ["any IP address"] if self.wildcard else []
        return [*LOOPBACK_HOSTS, *named, *self.extra, *anywhere]

    def allows(self, host: str) -> bool:
        """Whether a request whose Host header names ``host`` (no port) is served."""
        host = host.lower()
        if host in LOOPBACK_HOSTS or host == self.bind or host in self.extra:
            return True
        if any(h.startswith("*.") and host.endswith(h[1:]) for h in self.extra):
            return True
        return self.wildcard and _is_address(host)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_of(header: str) -> str | None:
    """The host part of a Host header ("[::1]:8000" -> "::1"); None if malformed."""
    header = header.strip()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :]
        if end < 0 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return header[1:end]
    name, _, port = header.partition(":")
    if not name or (port and not port.isdigit()) or any(c in name for c in "/@\\ "):
        return None
    return name


class HostGuard:
    """ASGI middleware: 400 (the API's JSON error shape) for an untrusted Host."""

    def __init__(self, app: ASGIApp, hosts: TrustedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        host = host_of(header)
        if host is not None and self.hosts.allows(host):
            await self.app(scope, receive, send)
            return
        shown = repr(header[:100]) if header else "(no Host header)"
        detail = (
            f"host {shown} is not served here; this server answers to "
            f"{', '.join(self.hosts.names())}. Start it with "
            "`asymmetry serve --allow-host NAME` to serve another name."
        )
        await _send_json(send, 400, {"detail": detail})


class SecurityHeaders:
    """ASGI middleware: the security headers on every response that lacks them.

    An exception the app did not handle becomes a 500 in the API's JSON shape,
    with the headers (Starlette's own 500 is sent outside any middleware), and
    is raised on for the server's log.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            if not started:
                await _send_json(with_headers, 500, {"detail": "internal server error"})
            raise


class HeaderLimit:
    """ASGI middleware: 431 (RFC 6585) for request headers over ``max_bytes`` in all."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            size = sum(len(k) + len(v) + 4 for k, v in scope.get("headers") or [])  # ": ", CRLF
            if size > self.max_bytes:
                detail = (
                    f"request headers too large ({size:,} bytes; "
                    f"the limit is {self.max_bytes // 1024} KiB)"
                )
                await _send_json(send, 431, {"detail": detail})
                return
        await self.app(scope, receive, send)


async def _send_json(send: Send, status: int, body: dict[str, object]) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
