"""A private redis-server (a broker the tests may stop, losing everything, like a crash) and
this process's Celery app pointed at it, on a queue of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from tests.support.processes import Process, free_port, skip


class PrivateRedis(Process):
    """A redis-server of our own on a free port, without persistence: stopping it loses
    everything it held, like a crashed broker. start() after stop() uses the same port."""

    name = "redis-server"

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        command = [
            shutil.which("redis-server") or skip("needs redis-server"),
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
            str(directory),
        ]
        super().__init__(command, dict(os.environ), directory / f"redis-{self.port}.log")

    def start(self) -> PrivateRedis:
        import redis

        super().start()
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.RedisError:
                return False

        try:
            self.wait_for(answers, "the private redis-server", timeout=10)
        finally:
            client.close()
        return self


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
