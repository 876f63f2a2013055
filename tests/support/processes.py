"""Child processes of the project for the tests with real services and the benchmarks: the one
way to start gunicorn and a Celery worker, plus a free port, polling with a deadline and the
environments that point them at the test database.

Importing it needs neither pytest nor Django settings: bench/ imports it from a plain script.
A failure inside pytest fails the test (pytest.fail, pytest.skip); outside it, it ends the
script (SystemExit) with the same message."""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

ROOT = Path(__file__).resolve().parent.parent.parent

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Fail the running test, or end the script when no test is running (bench/)."""
    if "pytest" in sys.modules:
        import pytest

        pytest.fail(message)
    raise SystemExit(message)


def skip(message: str) -> NoReturn:
    """Skip the running test (a tool is missing), or end the script."""
    if "pytest" in sys.modules:
        import pytest

        pytest.skip(message)
    raise SystemExit(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the time of the call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


def wait_until(
    condition: Callable[[], T],
    timeout: float = 60,
    what: str = "condition",
    *,
    interval: float = 0.2,
    diagnostics: Callable[[], str] | None = None,
    fail: Callable[[str], NoReturn] = fail,
) -> T:
    """Call `condition` every `interval` seconds until it returns a true value, and return that
    value. After `timeout` seconds, `fail` is called with a message that names `what` and ends
    with the text of `diagnostics()` (a worker's log, say); `fail` must raise."""
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


def test_database_url() -> str:
    """The URL of pytest-django's test database (call it inside a test or fixture that has
    database access)."""
    from django.db import connection

    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


test_database_url.__test__ = False  # a helper, not a test pytest should collect


# --- a process of ours ---------------------------------------------------------------------------


class Process:
    """A child process leading its own process group (its workers or pool included), logging to
    a file. start() returns it; stop() ends the whole group."""

    name = "process"

    def __init__(self, command: list[str], env: dict[str, str], log: Path, *, cwd: Path = ROOT):
        self.command, self.env, self.log, self.cwd = command, env, log, cwd
        self.process: subprocess.Popen | None = None

    def start(self):
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # killpg reaches it and only it; Ctrl-C reaches us only
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def diagnostics(self) -> str:
        """Its log, for wait_until's failure message."""
        return f"{self.name} log:\n{self.output()}"

    def alive(self) -> bool:
        """True while it runs; fails the test (or ends the script) with its log once it exited."""
        if self.process is None or self.process.poll() is not None:
            fail(f"{self.name} exited; its log ({self.log}):\n{self.output()[-6000:]}")
        return True

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
        """Wait until `condition` holds, failing at once if the process exits meanwhile."""
        wait_until(
            lambda: self.alive() and condition(),
            timeout,
            what,
            interval=0.05,
            diagnostics=self.diagnostics,
        )

    def children(self) -> list[int]:
        """The pids of its direct children (gunicorn workers, a prefork pool)."""
        found = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if self.process is not None and int(fields[1]) == self.process.pid:
                found.append(int(Path(stat).parent.name))  # fields: state, ppid, ...
        return found

    def children_rss_mib(self) -> list[float]:
        """Resident memory of its direct children."""
        sizes = []
        for pid in self.children():
            with contextlib.suppress(OSError):
                rss = re.search(r"^VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
                if rss:
                    sizes.append(int(rss.group(1)) / 1024)
        return sizes

    def kill_group(self) -> None:
        """SIGKILL it and its children at once: nothing gets to reject, restore or finish."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, *, graceful: bool = False, timeout: float = 30) -> None:
        """End the group: at once (a test is over, nothing to finish), or with graceful=True by
        SIGTERM first (a benchmark lets the server finish its requests and log them)."""
        if self.process is None or self.process.poll() is not None:
            return
        if graceful:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
                return
        self.kill_group()


# --- gunicorn ------------------------------------------------------------------------------------


def web_env(**extra: str) -> dict[str, str]:
    """The environment of a production-like gunicorn (DEBUG off, plain HTTP) on the test
    database; `extra` adds or overrides."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-web-secret",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # Network pages shown at once after a change, as in the tests run in-process (conftest).
        "NETWORK_STALE_SECONDS": "0",
        **extra,
    }


ACCESS_FORMAT = (
    'access "%(r)s" %(s)s xff="%({x-forwarded-for}i)s" proto="%({x-forwarded-proto}i)s" '
    'host="%({host}i)s"'
)


def http_get(
    port: int, path: str, headers: dict | None = None, timeout: float = 60
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET http://127.0.0.1:`port``path`: status, headers and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


class Gunicorn(Process):
    """gunicorn serving the project on 127.0.0.1:<free port>, with the deployment's flags;
    start() waits until /healthz answers (unless wait=False: the caller does something else
    while it boots, then calls wait_ready())."""

    name = "gunicorn"

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        workers: int = 1,
        worker_class: str = "sync",
        threads: int = 1,
        timeout: int = 30,
        backlog: int | None = None,
        access_log: bool = False,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
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
            str(timeout),
            "--graceful-timeout",
            "5",
            # gunicorn 27's control socket has one default path for every instance on the machine.
            "--no-control-socket",
        ]
        if backlog is not None:
            command += ["--backlog", str(backlog)]
        if access_log:
            # What a proxy passed on: the tests read the forwarded headers from this log.
            command += ["--access-logfile", "-", "--access-logformat", ACCESS_FORMAT]
        super().__init__(command, env, log)

    @property
    def description(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.workers} {self.worker_class} workers{threads}, port {self.port}"

    def start(self, *, wait: bool = True) -> Gunicorn:
        super().start()
        return self.wait_ready() if wait else self

    def healthy(self) -> bool:
        with contextlib.suppress(OSError):
            return http_get(self.port, "/healthz", timeout=2)[0] == 200
        return False

    def wait_ready(self, timeout: float = 60) -> Gunicorn:
        self.wait_for(self.healthy, "gunicorn to answer /healthz", timeout)
        return self

    def requests_seen(self) -> list[str]:
        """The access-log lines so far (with access_log=True): one per answered request."""
        return [line for line in self.output().splitlines() if line.startswith("access ")]

    def settle(self, timeout: float = 300) -> float:
        """Wait until the requests a finished load left queued are served (they are taken in
        arrival order: once a probe per worker thread is answered, the queue that was there
        before has been served). Returns the seconds waited."""
        started = time.monotonic()
        for _ in range(self.workers * self.threads + 1):
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                break
            with contextlib.suppress(OSError):
                http_get(self.port, "/healthz", timeout=remaining)
        return time.monotonic() - started

    def errors_logged(self) -> dict[str, int]:
        text = self.output()
        return {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "worker timeouts": text.count("WORKER TIMEOUT"),
        }


# --- Celery workers ------------------------------------------------------------------------------


def celery_worker_env(*, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    """The environment of a worker on the test database (call it inside a test that has
    database access), consuming `queue` on `redis_url`; `extra` adds or overrides."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        **extra,
    }


class CeleryWorker(Process):
    """`celery -A opengov worker` consuming `queue` under a unique node name: solo pool by
    default (tests), prefork with `concurrency` like docker-compose (benchmarks)."""

    name = "celery worker"

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        queue: str,
        pool: str = "solo",
        concurrency: int = 1,
        node: str | None = None,
    ):
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
            queue,
            "-n",
            f"{node or 'test-' + uuid.uuid4().hex[:6]}@%h",
            "-l",
            "info",
        ]
        if pool == "prefork":
            command.append(f"--concurrency={concurrency}")
        super().__init__(command, env, log)

    def start(self, *, wait: bool = True) -> CeleryWorker:
        super().start()
        return self.wait_ready() if wait else self

    def wait_ready(self, timeout: float = 60) -> CeleryWorker:
        """Wait until the worker consumes its queue (failing if it exits)."""
        self.wait_for(lambda: " ready." in self.output(), "the Celery worker to be ready", timeout)
        return self


def spawn_worker(env: dict, log: Path, *, pool: str = "solo", wait: bool = True) -> CeleryWorker:
    """Start a worker consuming env["CELERY_QUEUE"] and wait until it is ready (unless `wait`
    is false: the caller does something else while it boots, then calls wait_ready())."""
    worker = CeleryWorker(env, log, queue=env["CELERY_QUEUE"], pool=pool)
    return worker.start(wait=wait)
