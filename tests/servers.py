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


ACCESS_FORMAT = (
    'access "%(r)s" %(s)s xff="%({x-forwarded-for}i)s" proto="%({x-forwarded-proto}i)s" '
    'host="%({host}i)s"'
)


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
            # What the proxy passed on: the tests read the forwarded headers from this log.
            command += ["--access-logfile", "-", "--access-logformat", ACCESS_FORMAT]
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

    def requests_seen(self) -> list[str]:
        """The access-log lines so far (with access_log=True): one per answered request."""
        return [line for line in self.output().splitlines() if line.startswith("access ")]

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
        # Root's pytest folders are private: workers running as "nobody" could not read them.
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.config.write_text(
            f"{user}daemon off;\nworker_processes 1;\n"
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


class Caddy:
    """Caddy in the foreground with the shipped Caddyfile, its site address replaced by plain
    HTTP on a free loopback port and its admin endpoint off; `upstream` and `files` fill the
    Caddyfile's {$INFITAH_UPSTREAM} and {$INFITAH_FILES}."""

    def __init__(self, directory: Path, *, upstream: str, files: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = shipped_caddyfile(directory, site=f"http://127.0.0.1:{self.port}")
        self.env = {
            **os.environ,
            "HOME": str(directory),
            "XDG_DATA_HOME": str(directory / "data"),
            "XDG_CONFIG_HOME": str(directory / "config"),
            "INFITAH_UPSTREAM": upstream,
            "INFITAH_FILES": str(files),
        }
        self.log = directory / "caddy.log"
        self.process: subprocess.Popen | None = None

    def validate(self) -> subprocess.CompletedProcess:
        return caddy_validate(self.config, self.env)

    def start(self) -> Caddy:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [caddy_binary(), "run", "--adapter", "caddyfile", "--config", str(self.config)],
                env=self.env,
                cwd=self.directory,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            self._listening,
            timeout=20,
            interval=0.05,
            what="caddy to listen",
            diagnostics=lambda: self.log.read_text(errors="replace"),
        )
        return self

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"caddy exited:\n{self.log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


def shipped_caddyfile(directory: Path, *, site: str | None = None) -> Path:
    """deploy/Caddyfile and the file it imports, copied into `directory`; with `site`, the site
    address replaced by it and the admin endpoint and automatic HTTPS turned off (a test run)."""
    text = (DEPLOY / "Caddyfile").read_text()
    if site is not None:
        assert text.count("infitah.example.ma {") == 1
        text = text.replace("infitah.example.ma {", f"{site} {{")
        assert text.startswith("#") and "\n{\n" in text
        text = text.replace("\n{\n", "\n{\n\tadmin off\n\tauto_https off\n", 1)
    (directory / "caddy").mkdir(exist_ok=True)
    shutil.copy(DEPLOY / "caddy" / "infitah.caddy", directory / "caddy" / "infitah.caddy")
    config = directory / "Caddyfile"
    config.write_text(text)
    return config


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found is None:
        pytest.skip("needs caddy (apt-get install caddy; .ci/run installs it)")
    return found


def caddy_validate(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [caddy_binary(), "validate", "--adapter", "caddyfile", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
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
