"""Publishing with a real Celery worker (a separate process on the test database and the real
Redis): the PDFs are rendered off the request, a storage failure is retried with backoff and
then reported, and "try again" publishes once the fault is gone."""

import time

import pytest

from commitments.models import PlanPublication
from commitments.publishing import services as publishing
from consultations.models import ActionPlan
from tests import factories
from tests.support.broker import celery_sending_to
from tests.support.processes import celery_worker_env, spawn_worker

# serialized_rollback: the flush after each test would otherwise also remove the data that
# migrations create (the role groups), which later tests rely on.
pytestmark = [
    pytest.mark.real_services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def worker(settings, media, tmp_path):
    """A Celery worker on its own queue, sharing the test database, Redis and media folder."""
    if not settings.REDIS_URL:
        pytest.fail("These tests need REDIS_URL: the worker talks to the real Redis.")
    with celery_sending_to(settings.REDIS_URL, queue_prefix="test-publishing") as queue:
        env = celery_worker_env(
            redis_url=settings.REDIS_URL,
            queue=queue,
            MEDIA_ROOT=str(media),
            PUBLICATION_RETRY_DELAY="1",
        )
        # Not waited for: tasks sent meanwhile wait in the queue.
        started = spawn_worker(env, tmp_path / "worker.log", wait=False)
        try:
            yield started
        finally:
            started.stop()


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
