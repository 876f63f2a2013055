"""Real services the fault tests may stop, kill or restart, never the shared ones: a private
redis-server, an SMTP sink and Celery workers in a process group of their own (so a test can
SIGKILL a whole worker, and only it), all from tests/support.py; a private PostgreSQL cluster
and a gunicorn server on it."""

import contextlib
import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from opengov.celery import app
from tests import support
from tests.support import ROOT, Worker, celery_worker_env, free_port, smtp_env, spawn_worker

POLL = 0.05  # seconds between two looks at a log file, a status or a port

# What these tests poll (a log file, a row, a port) is cheap to read: a short interval only
# shortens each wait by what the next look would have come late.
wait_until = functools.partial(support.wait_until, interval=POLL)


@pytest.fixture
def private_redis(settings, tmp_path):
    """A private Redis, used by this process as cache and Celery broker."""
    with support.using_private_redis(settings, tmp_path, queue_prefix="test-faults") as server:
        yield server


# --- Celery workers ------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    return folder


@pytest.fixture
def start_worker(private_redis, media, tmp_path):
    """Start workers on the private Redis, the test database and the test's media folder.
    Every worker still running is stopped at the end."""
    started: list[Worker] = []

    def start(*, pool: str = "solo") -> Worker:
        env = celery_worker_env(
            redis_url=private_redis.url,
            queue=app.conf.task_default_queue,
            MEDIA_ROOT=str(media),
            PUBLICATION_RETRY_DELAY="1",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        worker = spawn_worker(env, tmp_path / f"worker-{len(started)}.log", pool=pool)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


# --- a private PostgreSQL ------------------------------------------------------------------------


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port: it can be stopped
    and restarted without touching the shared server. Run as the postgres user when we are root
    (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="infitah-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self._migrate: subprocess.Popen | None = None

    def _run(self, *command: str, timeout: float = 60, check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            log = self.directory / "server.log"
            server_log = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"{command[:2]} failed:\n{result.stdout}{result.stderr}\n{server_log}")

    def _pg_ctl(self, action: str, *extra: str, check: bool = True) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            action,
            *extra,
            check=check,
        )

    def init(self) -> None:
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        with (
            psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as db,
            db.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def migrate_in_background(self, database: str) -> None:
        """Start `manage.py migrate` on `database`; migrated() waits for it."""
        env = {**os.environ, "DATABASE_URL": self.url(database), "REDIS_URL": ""}
        log = self.directory / "migrate.log"
        with log.open("wb") as out:
            self._migrate = subprocess.Popen(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def migrated(self) -> "PrivatePostgres":
        """Wait until the migration has run; it fails the test if the migration failed."""
        returncode = self._migrate.wait(timeout=180)
        log = (self.directory / "migrate.log").read_text(errors="replace")
        assert returncode == 0, log
        return self

    def destroy(self) -> None:
        if self._migrate is not None and self._migrate.poll() is None:
            self._migrate.kill()
            self._migrate.wait()
        self._pg_ctl("stop", "-m", "immediate", check=False)  # if still running
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def private_postgres():
    """A private cluster with a database "infitah" that `manage.py migrate` is migrating in the
    background: the module starts its other services meanwhile, and calls migrated() before it
    uses the database."""
    if _postgres_bin("initdb") is None:
        pytest.skip("needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        server.query("postgres", "CREATE DATABASE infitah")
        server.migrate_in_background("infitah")
        yield server
    finally:
        server.destroy()


# --- a web server --------------------------------------------------------------------------------


class WebServer:
    """gunicorn serving the project (sync workers; docker-compose.yml runs gthread). Waits until it
    answers, unless `wait` is false (the caller calls wait_ready() once it has done something
    else while gunicorn boots)."""

    def __init__(self, env: dict, log: Path, workers: int = 2, wait: bool = True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "opengov.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                ],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            self.wait_ready()

    def wait_ready(self) -> "WebServer":
        """Wait until /healthz answers 200 (it fails the test if gunicorn exits)."""

        def answers() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.output()}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, what="gunicorn to answer")
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its workers too
        self.process.wait(timeout=10)


def service_env(*, database_url: str, redis_url: str, queue: str, email_port: int) -> dict:
    """The environment of a production-like web server or worker on the private services."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"faults-{uuid.uuid4().hex[:6]}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "faults-secret",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        # Every test client comes from 127.0.0.1: the per-address limit would refuse the load.
        "COMMENT_LIMIT_PER_IP": "100000",
        **smtp_env(email_port),
    }
