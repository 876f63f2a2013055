"""Nothing a citizen typed is lost when Redis or the mail server is down, proven with real
services: a private redis-server (never the shared one), a real Celery worker subprocess on the
test database, and an SMTP sink in a thread that records what the worker sent.

- Redis down while posting: the comment is saved and the citizen is told to check their e-mail;
  the confirmation e-mail cannot be queued, so the periodic sweep queues it once Redis is back,
  and it goes exactly once.
- Mail server down: the worker's attempt fails with a connection error and is retried; once a
  mail server listens, the e-mail goes exactly once (the pending retry then sends nothing).
"""

import datetime
import email
import email.message
import email.policy
import logging
import os
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commitments.comments import comments_requeue_confirmations
from commitments.models import Comment
from consultations.models import ActionPlan
from opengov.celery import app
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

WAIT = 60  # seconds: the longest any single wait for the worker may take


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, timeout=WAIT, interval=0.2, what="condition", worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    log = f"\nworker log:\n{worker.output()}" if worker is not None else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}{log}")


def _stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# --- a private Redis -----------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence: stopping it loses
    everything it held, like a crashed broker."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
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
                pytest.fail(f"redis-server on port {self.port} exited")
            try:
                return client.ping()
            except redis.RedisError:
                return False

        _wait_until(answers, timeout=10, interval=0.1, what="the private redis-server")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


def _reset_broker_connections() -> None:
    """Forget the Celery app's pooled broker connections so the next publish uses broker_url."""
    from kombu import pools

    # Also empties kombu's registry: no closed pool is handed out to a later test.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    # The queues and the router are cached from the first send: drop them so the next send
    # uses today's task_default_queue (otherwise later tests publish to this test's queue).
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def private_redis(settings, tmp_path):
    """A private Redis, used by this process as cache and Celery broker."""
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    # Changing CACHES closes and forgets the cache connections (Django's setting_changed).
    settings.CACHES = {
        "default": {
            "BACKEND": "opengov.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": f"outage-{uuid.uuid4().hex[:6]}",
        }
    }
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False
    app.conf.task_default_queue = f"test-outage-{uuid.uuid4().hex[:8]}"
    _reset_broker_connections()
    yield server
    for key, value in saved.items():
        app.conf[key] = value
    _reset_broker_connections()
    server.stop()


# --- an SMTP sink --------------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's smtp backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "HELO" or verb in ("NOOP", "MAIL"):
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
                while True:
                    data = self.rfile.readline()
                    if not data or data == b".\r\n":
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.received.append((recipients, b"".join(lines)))
                recipients = []
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SMTPSink:
    """A mail server in a thread that keeps every message it receives."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[tuple[list[str], bytes]] = []
        self._server = None
        self._thread = None

    def start(self) -> None:
        self._server = _SMTPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.received = self.received
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)
            for _recipients, raw in list(self.received)
        ]


@pytest.fixture
def smtp_sinks():
    """Start SMTP sinks on given ports; all are stopped at the end."""
    started: list[SMTPSink] = []

    def start(port: int) -> SMTPSink:
        sink = SMTPSink(port)
        sink.start()
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.stop()


# --- a real Celery worker ------------------------------------------------------------------------


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(private_redis, tmp_path):
    """Start a Celery worker on the private Redis and the test database, sending its e-mail by
    SMTP to 127.0.0.1:<email_port>. Waits until it is ready to consume."""
    database = connection.settings_dict
    workers: list[Worker] = []

    def start(email_port: int) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "REDIS_URL": private_redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE": app.conf.task_default_queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(email_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "opengov",
                    "worker",
                    "--pool=solo",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "-Q",
                    app.conf.task_default_queue,
                    "-l",
                    "info",
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(process, log)
        workers.append(worker)

        def ready() -> bool:
            if process.poll() is not None:
                pytest.fail(f"the worker exited:\n{worker.output()}")
            return " ready." in worker.output()

        _wait_until(ready, timeout=30, what="the Celery worker to be ready")
        return worker

    yield start
    for worker in workers:
        _stop(worker.process, timeout=15)


# --- the plan and the citizen --------------------------------------------------------------------


@pytest.fixture
def plan():
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=10),
    )


def _post_comment(client, plan, email_address: str, body: str):
    url = reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])
    return client.post(
        url,
        {
            "author_name": "Fatima Zahra",
            "email": email_address,
            "body": body,
            "consent": "on",
            "website": "",
        },
    )


def _age(comment: Comment, minutes: int = 10) -> None:
    """Make the comment look older than the sweep's grace period."""
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def _sent(comment: Comment) -> bool:
    comment.refresh_from_db()
    return comment.confirmation_sent_at is not None


def _confirmation_path(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1, body
    return urlsplit(links[0]).path


def _assert_saved_pending(response, email_address: str, body: str) -> Comment:
    assert response.status_code == 302, response.content[:2000]
    assert urlsplit(response["Location"]).path == reverse("commitments:comment_sent")
    comment = Comment.objects.get(email=email_address)
    assert comment.state == Comment.State.PENDING
    assert comment.body == body
    assert comment.confirmation_sent_at is None
    return comment


# --- the tests -----------------------------------------------------------------------------------


def test_redis_down_when_posting_then_the_sweep_sends_the_email_once(
    client, plan, private_redis, start_worker, smtp_sinks, caplog
):
    mail_port = _free_port()
    sink = smtp_sinks(mail_port)
    worker = start_worker(mail_port)

    private_redis.stop()  # cache and broker gone
    address, text = "fatima@example.org", "الطريق إلى المدرسة غير مضاء ليلاً."
    with caplog.at_level(logging.WARNING):
        response = _post_comment(client, plan, address, text)
    comment = _assert_saved_pending(response, address, text)
    # Both services really were unreachable: the rate limiter let it through, and queueing the
    # e-mail failed (the robust on_commit callback logged it and the request went on).
    assert "Rate limiter unavailable" in caplog.text
    assert "in on_commit()" in caplog.text
    # The "check your e-mail" page itself works without Redis.
    assert client.get(response["Location"]).status_code == 200
    time.sleep(1)
    assert sink.received == [], "nothing could be queued while Redis was down"
    assert not _sent(comment)

    private_redis.start()  # same port, empty: the lost message is not there
    assert comments_requeue_confirmations() == 0, "too recent for the sweep"
    _age(comment)
    assert comments_requeue_confirmations() == 1
    _wait_until(lambda: _sent(comment), what="the e-mail to go", worker=worker)
    _wait_until(lambda: sink.received, timeout=5, what="the sink to hold the e-mail")

    # The sweep does not queue it again, and nothing else arrives.
    assert comments_requeue_confirmations() == 0
    time.sleep(1.5)
    messages = sink.messages()
    assert len(messages) == 1, [m["Subject"] for m in messages]
    [message] = messages
    assert message["To"] == address
    assert sink.received[0][0] == [address]
    assert text in message.get_body(preferencelist=("plain",)).get_content()

    # The link in the e-mail confirms the comment.
    path = _confirmation_path(message)
    assert client.get(path).status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING, "a GET (mail scanner) confirms nothing"
    assert client.post(path).status_code == 200
    comment.refresh_from_db()
    assert comment.state in (Comment.State.PUBLISHED, Comment.State.CONFIRMED)
    assert comment.confirmed_at is not None
    assert comments_requeue_confirmations() == 0
    assert len(sink.received) == 1


def test_mail_server_down_the_task_is_retried_and_the_email_goes_once(
    client, plan, private_redis, start_worker, smtp_sinks
):
    mail_port = _free_port()  # nothing listens there yet
    worker = start_worker(mail_port)

    address, text = "karim@example.org", "Il faut publier les budgets des quartiers."
    response = _post_comment(client, plan, address, text)
    comment = _assert_saved_pending(response, address, text)

    # The worker tried, hit a connection error, and scheduled a retry (30 s later).
    _wait_until(
        lambda: re.search(
            r"send_comment_confirmation\[[^\]]+\] retry: Retry in \d+s", worker.output()
        ),
        what="the failed attempt to be retried",
        worker=worker,
    )
    retry_scheduled = time.monotonic()
    output = worker.output()
    assert "ConnectionRefusedError" in output or "Connection refused" in output, output
    assert "Retry in 30s" in output, output
    assert not _sent(comment)

    # The mail server comes back. The retry delay (30 s * 2**retries) is not configurable, so
    # the periodic sweep delivers it now.
    sink = smtp_sinks(mail_port)
    _age(comment)
    assert comments_requeue_confirmations() == 1
    _wait_until(lambda: _sent(comment), what="the e-mail to go", worker=worker)
    _wait_until(lambda: sink.received, timeout=5, what="the sink to hold the e-mail")
    assert comments_requeue_confirmations() == 0

    # The retry still scheduled in the worker runs later and sends nothing more.
    remaining = 30 - (time.monotonic() - retry_scheduled)
    _wait_until(
        lambda: (
            len(re.findall(r"send_comment_confirmation\[[^\]]+\] succeeded", worker.output())) >= 2
        ),
        timeout=max(remaining, 0) + 15,
        what="the scheduled retry to run",
        worker=worker,
    )
    assert re.search(
        r"send_comment_confirmation\[[^\]]+\] succeeded in [\d.]+s: False", worker.output()
    )
    messages = sink.messages()
    assert len(messages) == 1, [m["Subject"] for m in messages]
    assert messages[0]["To"] == address
    path = _confirmation_path(messages[0])
    assert client.post(path).status_code == 200
    comment.refresh_from_db()
    assert comment.confirmed_at is not None
