"""The HTTP port, taken at start (a port in use is a start-up error) and served a moment later.

The bot polls Telegram before it imports the HTTP server's library; binding the port first
keeps "the port is taken" the one-line error it always was.
"""

from __future__ import annotations

import socket


def reserve(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise OSError(exc.errno, f"cannot bind {host}:{port}: {exc.strerror}") from exc
    listener.setblocking(False)
    return listener
