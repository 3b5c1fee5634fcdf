"""The server's listening socket, bound before anything says "serving".

Binding first turns a taken port into one clear line (and a non-zero exit)
instead of a "serving on …" banner followed by uvicorn's traceback; the bound
socket is then handed to uvicorn, so no other process can take the port in
between.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

from asymmetry.errors import ServeError
from asymmetry.web.security import MAX_HEADER_BYTES, WILDCARD_BINDS

__all__ = ["MAX_HEADER_BYTES", "bind", "exposure_warning"]


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port``, or a `ServeError` saying what to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not SO_REUSEPORT
        if family == socket.AF_INET6 and host == "::":
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is in use; pick another with --port") from None
        if exc.errno == errno.EACCES:
            raise ServeError(
                f"port {port} needs privileges; pick one above 1023 with --port"
            ) from None
        raise ServeError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); check --host"
        ) from None
    sock.set_inheritable(True)
    return sock


def exposure_warning(host: str) -> str | None:
    """What binding to ``host`` exposes, when it is more than this machine."""
    if host.strip("[]") in WILDCARD_BINDS:
        return (
            f"--host {host} serves every network interface: anyone who can reach this machine "
            "can read the whole store through the dashboard and the API and run claims checks "
            "on it (no login, no TLS). Serve on 127.0.0.1 unless that is what you want; "
            "clients that use a name (not an address) need --allow-host NAME."
        )
    if not _loopback(host.strip("[]")):
        return (
            f"--host {host} is reachable from other machines on that network: they can read "
            "the whole store through the dashboard and the API (no login, no TLS)."
        )
    return None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"
