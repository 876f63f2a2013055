"""A gunicorn of the project and the shipped proxies (deploy/) in front of it, on loopback and
free ports, for the request-body and proxy tests; and a raw HTTP exchange over a socket (what a
hostile client sends is not what an HTTP library lets one send).

The web server runs production settings (DEBUG off) on the test database, plain HTTP: the
proxy's TLS is left out (the shipped configurations include the same location and site files
the tests run; see deploy/)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support import ROOT, free_port, stop_process, wait_until

DEPLOY = ROOT / "deploy"


def test_database_url() -> str:
    """The URL of pytest-django's test database (call it once the database is set up)."""
    from django.db import connection

    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def web_env(**extra: str) -> dict[str, str]:
    """The environment of a production-like gunicorn on the test database."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "proxy-test-secret",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Gunicorn:
    """gunicorn serving the project on 127.0.0.1:<free port>, in a process group of its own
    (stopped with its workers), logging to a file; waits until /healthz answers."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        workers: int = 1,
        worker_class: str = "sync",
        threads: int = 1,
        access_log: bool = False,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "opengov.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ]
        if access_log:
            command += ["--access-logfile", "-"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answers() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.output()}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, interval=0.1, what="gunicorn to answer")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)


class Nginx:
    """nginx in the foreground with a configuration written for the test: `server_text` is the
    body of the http block (an upstream and a server that includes the shipped locations)."""

    def __init__(self, directory: Path, http_text: str):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        for name in ("client_body", "proxy", "logs"):
            (directory / name).mkdir(exist_ok=True)
        self.config = directory / "nginx.conf"
        self.config.write_text(
            "daemon off;\nworker_processes 1;\n"
            f"pid {directory}/nginx.pid;\nerror_log {directory}/logs/error.log info;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"  access_log {directory}/logs/access.log;\n"
            f"  client_body_temp_path {directory}/client_body;\n"
            f"  proxy_temp_path {directory}/proxy;\n"
            + http_text.replace("{port}", str(self.port))
            + "\n}\n"
        )
        self.process: subprocess.Popen | None = None

    def check(self) -> subprocess.CompletedProcess:
        return nginx_test(self.config, self.directory)

    def start(self) -> Nginx:
        self.process = subprocess.Popen(
            [nginx_binary(), "-p", str(self.directory), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(
            lambda: self._listening(),
            timeout=20,
            interval=0.05,
            what="nginx to listen",
            diagnostics=self.errors,
        )
        return self

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"nginx exited:\n{self.errors()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def errors(self) -> str:
        log = self.directory / "logs" / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.skip("needs nginx (apt-get install nginx-light; .ci/run installs it)")
    return found


def nginx_test(config: Path, prefix: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on `config`, with `prefix` for relative paths."""
    return subprocess.run(
        [nginx_binary(), "-t", "-p", str(prefix), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


# --- raw HTTP ------------------------------------------------------------------------------------


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
        pytest.fail(f"no response head, got {data[:200]!r}")
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
