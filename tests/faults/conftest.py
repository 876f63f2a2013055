"""Real services the fault tests may stop, kill or restart, never the shared ones: a private
redis-server, an SMTP sink, Celery workers in a process group of their own (so a test can
SIGKILL a whole worker, and only it), a private PostgreSQL cluster and a gunicorn server on it,
all from the harness in tests/support/."""

import functools
import os
import uuid

import pytest

from opengov.celery import app
from tests.support import processes
from tests.support.broker import using_private_redis
from tests.support.postgres import PrivatePostgres, postgres_bin
from tests.support.processes import CeleryWorker, celery_worker_env, spawn_worker
from tests.support.smtp import smtp_env

POLL = 0.05  # seconds between two looks at a log file, a status or a port

# What these tests poll (a log file, a row, a port) is cheap to read: a short interval only
# shortens each wait by what the next look would have come late.
wait_until = functools.partial(processes.wait_until, interval=POLL)


@pytest.fixture
def private_redis(settings, tmp_path):
    """A private Redis, used by this process as cache and Celery broker."""
    with using_private_redis(settings, tmp_path, queue_prefix="test-faults") as server:
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
    started: list[CeleryWorker] = []

    def start(*, pool: str = "solo") -> CeleryWorker:
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


@pytest.fixture(scope="module")
def private_postgres():
    """A private cluster with a database "infitah" that `manage.py migrate` is migrating in the
    background: the module starts its other services meanwhile, and calls migrated() before it
    uses the database."""
    if postgres_bin("initdb") is None:
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


# --- the environment of a web server or worker -------------------------------------------------


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
