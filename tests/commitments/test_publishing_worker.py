"""Publishing with a real Celery worker (a separate process on the test database and the real
Redis): the PDFs are rendered off the request, a storage failure is retried with backoff and
then reported, and "try again" publishes once the fault is gone."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from commitments import publishing
from commitments.models import PlanPublication
from consultations.models import ActionPlan
from opengov.celery import app
from tests import factories

# serialized_rollback: the flush after each test would otherwise also remove the data that
# migrations create (the role groups), which later tests rely on.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _forget_routing() -> None:
    """Celery caches its queues, router and broker pools at the first send: drop them all so
    sends go to this test's queue on a fresh connection. kombu.pools.reset() also empties
    kombu's registry, so no closed pool left by an earlier test is handed out again."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def worker(settings, media):
    """A Celery worker on its own queue, sharing the test database, Redis and media folder."""
    if not settings.REDIS_URL:
        pytest.fail("These tests need REDIS_URL: the worker talks to the real Redis.")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media),
        "PUBLICATION_RETRY_DELAY": "1",
    }
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
            queue,
            "-l",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    _forget_routing()
    yield process
    app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
    _forget_routing()
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_for(publication, statuses, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        publication.refresh_from_db()
        if publication.status in statuses:
            return publication
        time.sleep(0.3)
    pytest.fail(f"publication still {publication.status} after {timeout} s: {publication.error}")


@pytest.fixture
def plan():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    commitment = factories.CommitmentFactory(plan=plan, reference="TST-2024-01")
    factories.MilestoneFactory(commitment=commitment)
    return plan


def test_worker_renders_and_publishes(worker, plan):
    publication = publishing.plan_publish(plan=plan, by=None)
    publication = _wait_for(
        publication, {PlanPublication.Status.DONE, PlanPublication.Status.FAILED}
    )
    assert publication.status == PlanPublication.Status.DONE, publication.error
    documents = list(plan.documents.filter(is_current=True))
    assert {d.language for d in documents} == {"ar", "fr"}
    assert all(d.file.read().startswith(b"%PDF") for d in documents)


def test_storage_fault_is_retried_then_reported_and_can_be_tried_again(worker, plan, media):
    (media / "plans").write_text("not a folder")  # the storage cannot write plans/…
    publication = publishing.plan_publish(plan=plan, by=None)
    publication = _wait_for(publication, {PlanPublication.Status.FAILED})
    assert publication.attempts == 4, "the first try and three retries with backoff"
    assert publication.error
    assert not plan.documents.exists()

    (media / "plans").unlink()
    publishing.publication_retry(publication=publication)
    publication = _wait_for(publication, {PlanPublication.Status.DONE})
    assert plan.documents.filter(is_current=True).count() == 2
