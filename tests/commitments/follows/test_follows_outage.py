"""No follow request is lost when Redis is down, proven with real services as the comments'
outage test does (tests/commitments/comments/test_comments_outage.py): a private redis-server, a
real Celery worker on the test database, and an SMTP sink recording what the worker sent.

Redis down while asking to follow: the follow is saved and the person is told to check their
e-mail; the confirmation e-mail cannot be queued, so the periodic sweep queues it once Redis is
back, and it goes exactly once."""

import datetime
import logging
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.follows.confirmation import follows_requeue_confirmations
from commitments.models import Follow
from consultations.models import ActionPlan
from opengov.celery import app
from tests import factories
from tests.support.broker import using_private_redis
from tests.support.processes import (
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


@pytest.fixture
def private_redis(settings, tmp_path):
    with using_private_redis(settings, tmp_path, queue_prefix="test-follow-outage") as server:
        yield server


@pytest.fixture
def sink():
    port = free_port()
    server = SMTPSink(port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(private_redis, sink, tmp_path):
    env = celery_worker_env(
        redis_url=private_redis.url, queue=app.conf.task_default_queue, **smtp_env(sink.port)
    )
    process = spawn_worker(env, tmp_path / "worker.log", wait=False)
    yield process.wait_ready(timeout=30)
    stop_process(process.process, timeout=15)


def _sent(follow: Follow) -> bool:
    follow.refresh_from_db()
    return follow.confirmation_sent_at is not None


def test_redis_down_when_asking_to_follow_then_the_sweep_sends_the_email_once(
    client, private_redis, worker, sink, caplog
):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    private_redis.stop()  # cache and broker gone
    url = reverse("commitments:follow_plan", args=[plan.council.slug, plan.start_year])
    data = {"email": "salma@example.org", "frequency": "weekly", "consent": "on", "website": ""}
    with caplog.at_level(logging.WARNING):
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert "Rate limiter unavailable" in caplog.text
    assert "in on_commit()" in caplog.text
    assert client.get(response["Location"]).status_code == 200
    follow = Follow.objects.get()
    assert follow.state == Follow.State.PENDING and follow.frequency == Follow.Frequency.WEEKLY
    time.sleep(1)
    assert sink.count() == 0 and not _sent(follow)

    private_redis.start()  # same port, empty: the lost message is not there
    assert follows_requeue_confirmations() == 0, "too recent for the sweep"
    Follow.objects.filter(pk=follow.pk).update(
        consent_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert follows_requeue_confirmations() == 1
    wait_until(
        lambda: _sent(follow), timeout=WAIT, what="the e-mail to go", diagnostics=worker.diagnostics
    )
    wait_until(sink.count, timeout=5, what="the sink to hold the e-mail")
    assert follows_requeue_confirmations() == 0
    time.sleep(1.5)
    [message] = sink.messages()
    assert message["To"] == "salma@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    [link] = re.findall(r"https?://\S+/follow/confirm/\S+", body)
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    follow.refresh_from_db()
    assert follow.state == Follow.State.ACTIVE
    assert sink.count() == 1
