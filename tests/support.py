"""Helpers that the tests with real services (tests/commitments/test_comments_outage.py,
tests/faults/) and the benchmarks (bench/) share: a free port, polling with a deadline, stopping
a child process, an SMTP sink in a thread, a private redis-server, Celery workers as
subprocesses and the environments that point Django at them.

Importing it needs neither pytest nor Django settings: bench/ imports it from a plain script.
What needs them (failing a test, the test database, the Celery app) imports them when called."""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import glob
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple, NoReturn, TypeVar

ROOT = Path(__file__).resolve().parent.parent

T = TypeVar("T")


def _fail_test(message: str) -> NoReturn:
    import pytest  # here, not at the top: bench/ imports this module without pytest

    pytest.fail(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the time of the call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    condition: Callable[[], T],
    timeout: float = 60,
    what: str = "condition",
    *,
    interval: float = 0.2,
    diagnostics: Callable[[], str] | None = None,
    fail: Callable[[str], NoReturn] = _fail_test,
) -> T:
    """Call `condition` every `interval` seconds until it returns a true value, and return that
    value. After `timeout` seconds, `fail` is called with a message that names `what` and ends
    with the text of `diagnostics()` (a worker's log, say); `fail` must raise: pytest.fail by
    default, sys.exit in the benchmarks."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    extra = f"\n{diagnostics()}" if diagnostics is not None else ""
    fail(f"timed out after {timeout:g} s waiting for {what}{extra}")


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM the process and wait for it; SIGKILL it if it is still there after `timeout`
    seconds. Nothing happens if it has already exited."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# --- an SMTP sink --------------------------------------------------------------------------------


class Received(NamedTuple):
    """One message the sink accepted."""

    arrived: float  # time.time() when the DATA ended
    recipients: list[str]  # as given in RCPT TO
    raw: bytes  # the message, dot-unstuffed; b"" when the sink does not keep messages


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's smtp backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        keep = self.server.sink.keep_messages
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP", "MAIL"):
                self.reply("250 OK")
            elif verb == "RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) and data != b".\r\n":
                    if keep:
                        lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.sink.record(recipients, b"".join(lines))
                recipients = []
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # a sink stopped and started again gets its port back
    daemon_threads = True
    request_queue_size = 128


class SMTPSink:
    """A mail server in a thread of this process, on 127.0.0.1:`port` (a free port when none is
    given), that records every message it accepts. It can be stopped and started again on the
    same port (a mail server that goes down and comes back); what it received is kept across.
    With keep_messages=False it keeps only the arrival times and recipients (long benchmarks)."""

    def __init__(self, port: int | None = None, *, keep_messages: bool = True):
        self.port = port or free_port()
        self.keep_messages = keep_messages
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._server: _SMTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = _SMTPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.sink = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def record(self, recipients: list[str], raw: bytes) -> None:
        with self._lock:
            self._received.append(Received(time.time(), recipients, raw))

    def received(self) -> list[Received]:
        """What arrived so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def count(self, to: str | None = None) -> int:
        """How many messages arrived (addressed to `to`, when given)."""
        with self._lock:
            return sum(to is None or to in r.recipients for r in self._received)

    def arrivals(self) -> list[tuple[float, str]]:
        """(arrival time, recipient) for each recipient of each message, in arrival order."""
        return [(r.arrived, to) for r in self.received() for to in r.recipients]

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(r.raw, policy=email.policy.default) for r in self.received()
        ]


def smtp_env(port: int) -> dict[str, str]:
    """The environment that has a server or worker send its e-mail by SMTP to 127.0.0.1:`port`,
    in plain text and without login."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }


# --- a private Redis and this process's Celery app -----------------------------------------------


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence: stopping it loses
    everything it held, like a crashed broker. start() after stop() uses the same port."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            if self.process.poll() is not None:
                _fail_test(f"redis-server on port {self.port} exited")
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_until(answers, timeout=10, interval=0.1, what="the private redis-server")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


def reset_broker_connections() -> None:
    """Forget the Celery app's pooled broker connections so the next publish uses broker_url."""
    from kombu import pools

    from opengov.celery import app

    # Also empties kombu's registry: no closed pool is handed out to a later test.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    # The queues and the router are cached from the first send: drop them so the next send
    # uses today's task_default_queue (otherwise later tests publish to this test's queue).
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)


@contextlib.contextmanager
def celery_sending_to(broker_url: str, *, queue_prefix: str) -> Iterator[str]:
    """Inside the block, this process's Celery app sends tasks (not eagerly) to `broker_url`, on
    a new queue named <queue_prefix>-<random> (yielded); its broker, eagerness and default queue
    are restored on the way out, and its broker connections forgotten both times."""
    from opengov.celery import app

    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    app.conf.task_default_queue = f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    reset_broker_connections()
    try:
        yield app.conf.task_default_queue
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        reset_broker_connections()


@contextlib.contextmanager
def using_private_redis(settings, directory: Path, *, queue_prefix: str) -> Iterator[PrivateRedis]:
    """A private Redis (in `directory`), used inside the block by this process as cache (through
    pytest-django's `settings`) and as Celery broker, on a queue of its own; stopped after."""
    server = PrivateRedis(directory)
    server.start()
    settings.REDIS_URL = server.url
    # Changing CACHES closes and forgets the cache connections (Django's setting_changed).
    cache = {
        "BACKEND": "opengov.cache.RedisCache",
        "LOCATION": server.url,
        "KEY_PREFIX": f"outage-{uuid.uuid4().hex[:6]}",
    }
    settings.CACHES = {"default": cache, "counters": cache}
    try:
        with celery_sending_to(server.url, queue_prefix=queue_prefix):
            yield server
    finally:
        server.stop()


# --- Celery workers ------------------------------------------------------------------------------


def celery_worker_env(*, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    """The environment of a worker subprocess on the test database (call it inside a test that
    has database access), consuming `queue` on `redis_url`; `extra` adds or overrides."""
    from django.db import connection

    database = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        **extra,
    }


class Worker:
    """A `celery worker` subprocess leading its own process group (its pool children included),
    logging to a file."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def diagnostics(self) -> str:
        """Its log, for wait_until's failure message."""
        return f"worker log:\n{self.output()}"

    def wait_ready(self, timeout: float = 60) -> Worker:
        """Wait until the worker consumes its queue (it fails the test if the worker exits)."""

        def ready() -> bool:
            if self.process.poll() is not None:
                _fail_test(f"the worker exited:\n{self.output()}")
            return " ready." in self.output()

        # A log file is cheap to read: a short interval only makes the wait end sooner.
        wait_until(ready, timeout=timeout, interval=0.05, what="the Celery worker to be ready")
        return self

    def children(self) -> list[int]:
        """The pids of the pool processes (prefork) forked by the worker."""
        found = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # fields: state, ppid, ...
                found.append(int(Path(stat).parent.name))
        return found

    def kill_group(self) -> None:
        """SIGKILL the worker and its pool at once: nothing gets to reject or restore."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker and its pool at once (the test is over: nothing to finish)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def spawn_worker(env: dict, log: Path, *, pool: str = "solo", wait: bool = True) -> Worker:
    """Start a worker (in a process group of its own, under a unique node name) consuming
    env["CELERY_QUEUE"] and wait until it is ready (unless `wait` is false: the caller does
    something else while it boots, then calls wait_ready())."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "opengov",
        "worker",
        f"--pool={pool}",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        env["CELERY_QUEUE"],
        "-n",
        f"test-{uuid.uuid4().hex[:6]}@%h",
        "-l",
        "info",
    ]
    if pool == "prefork":
        command.append("--concurrency=1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches it and only it
        )
    worker = Worker(process, log)
    return worker.wait_ready() if wait else worker
