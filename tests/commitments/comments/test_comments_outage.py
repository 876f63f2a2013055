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
import logging
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.comments.confirmation import comments_requeue_confirmations
from commitments.models import Comment
from consultations.models import ActionPlan
from opengov.celery import app
from tests import factories
from tests.support.broker import using_private_redis
from tests.support.processes import (
    CeleryWorker as Worker,
    celery_worker_env,
    free_port,
    spawn_worker,
    stop_process,
    wait_until,
)
from tests.support.smtp import SMTPSink, smtp_env

pytestmark = [
    pytest.mark.real_services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

WAIT = 60  # seconds: the longest any single wait for the worker may take


# --- the services --------------------------------------------------------------------------------


@pytest.fixture
def private_redis(settings, tmp_path):
    """A private Redis, used by this process as cache and Celery broker."""
    with using_private_redis(settings, tmp_path, queue_prefix="test-outage") as server:
        yield server


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


@pytest.fixture
def start_worker(private_redis, tmp_path):
    """Start a Celery worker on the private Redis and the test database, sending its e-mail by
    SMTP to 127.0.0.1:<email_port>. Waits until it is ready to consume."""
    workers: list[Worker] = []

    def start(email_port: int) -> Worker:
        env = celery_worker_env(
            redis_url=private_redis.url, queue=app.conf.task_default_queue, **smtp_env(email_port)
        )
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = spawn_worker(env, log, wait=False)
        workers.append(worker)
        return worker.wait_ready(timeout=30)

    yield start
    for worker in workers:
        stop_process(worker.process, timeout=15)


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


def _wait_for_the_email(comment: Comment, sink: SMTPSink, worker: Worker) -> None:
    """Wait until the worker has recorded the comment's e-mail as sent, and the sink holds it."""
    wait_until(
        lambda: _sent(comment),
        timeout=WAIT,
        what="the e-mail to go",
        diagnostics=worker.diagnostics,
    )
    wait_until(sink.count, timeout=5, what="the sink to hold the e-mail")


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
    mail_port = free_port()
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
    assert sink.count() == 0, "nothing could be queued while Redis was down"
    assert not _sent(comment)

    private_redis.start()  # same port, empty: the lost message is not there
    assert comments_requeue_confirmations() == 0, "too recent for the sweep"
    _age(comment)
    assert comments_requeue_confirmations() == 1
    _wait_for_the_email(comment, sink, worker)

    # The sweep does not queue it again, and nothing else arrives.
    assert comments_requeue_confirmations() == 0
    time.sleep(1.5)
    messages = sink.messages()
    assert len(messages) == 1, [m["Subject"] for m in messages]
    [message] = messages
    assert message["To"] == address
    assert sink.received()[0].recipients == [address]
    # The e-mail names the plan, never what the commenter wrote (the address is unconfirmed).
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert text not in body and str(comment.plan.title) in body

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
    assert sink.count() == 1


def test_mail_server_down_the_task_is_retried_and_the_email_goes_once(
    client, plan, private_redis, start_worker, smtp_sinks
):
    mail_port = free_port()  # nothing listens there yet
    worker = start_worker(mail_port)

    address, text = "karim@example.org", "Il faut publier les budgets des quartiers."
    response = _post_comment(client, plan, address, text)
    comment = _assert_saved_pending(response, address, text)

    # The worker tried, hit a connection error, and scheduled a retry (30 s later).
    wait_until(
        lambda: re.search(
            r"send_comment_confirmation\[[^\]]+\] retry: Retry in \d+s", worker.output()
        ),
        timeout=WAIT,
        what="the failed attempt to be retried",
        diagnostics=worker.diagnostics,
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
    _wait_for_the_email(comment, sink, worker)
    assert comments_requeue_confirmations() == 0

    # The retry still scheduled in the worker runs later and sends nothing more.
    remaining = 30 - (time.monotonic() - retry_scheduled)
    wait_until(
        lambda: (
            len(re.findall(r"send_comment_confirmation\[[^\]]+\] succeeded", worker.output())) >= 2
        ),
        timeout=max(remaining, 0) + 15,
        what="the scheduled retry to run",
        diagnostics=worker.diagnostics,
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
