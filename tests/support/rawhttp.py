"""A raw HTTP exchange over a socket: what a hostile client sends is not what an HTTP library
lets one send."""

from __future__ import annotations

import contextlib
import socket

from tests.support.processes import fail


def send_head(port: int, head: str, timeout: float = 15) -> socket.socket:
    """Open a connection and send a request's head (lines joined with CRLF, blank line added)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    lines = head.strip().splitlines()
    sock.sendall(("\r\n".join(line.strip() for line in lines) + "\r\n\r\n").encode("latin-1"))
    return sock


def send_quietly(sock: socket.socket, data: bytes) -> bool:
    """Send `data`; False when the server has closed its side (it answered without reading)."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined) and what of the body arrived
    before the server closed or stopped sending for the socket's timeout."""
    data = b""
    with contextlib.suppress(ConnectionResetError, TimeoutError, socket.timeout):
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    if b"\r\n\r\n" not in data:
        fail(f"no response head, got {data[:200]!r}")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    length = int(headers.get("content-length", "-1"))
    with contextlib.suppress(ConnectionResetError, TimeoutError, socket.timeout):
        while length < 0 or len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return status, headers, body


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked request body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"
