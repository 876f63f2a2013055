"""Publishing a plan as PDF survives its broker and its worker failing, proven with a private
redis-server and real Celery workers on the test database:

- Redis down when the coordinator publishes: the publication is kept, the admin answers, and
  once Redis is back the beat sweep queues it and the worker renders it once.
- Redis lost while the worker renders: the rendering completes, and the worker reconnects and
  takes the next publication.
- A pool process killed mid-render: the task is rejected back to the queue
  (task_reject_on_worker_lost) and rendered once.
- The whole worker killed mid-render: the beat sweep takes the publication left "rendering"
  once it is stale, and a new worker renders it once.
"""

import datetime
import hashlib
import logging
import os
import re
import shutil
import signal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commitments.models import PlanDocument, PlanPublication
from commitments.publishing import services as publishing
from consultations.models import ActionPlan
from tests import factories
from tests.faults.conftest import wait_until

pytestmark = [
    pytest.mark.real_services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

WAIT = 90  # seconds: the longest a rendering (with a broker reconnection) may take here

TEXT_AR = "تعزيز الشفافية والمشاركة المواطنة في تدبير الشأن المحلي وتتبع الالتزامات. " * 12
TEXT_FR = "Renforcer la transparence et la participation citoyenne dans la gestion locale. " * 12


@pytest.fixture
def plan():
    """An adopted plan long enough that rendering it takes a few seconds."""
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    for number in range(1, 3):
        commitment = factories.CommitmentFactory(
            plan=plan,
            reference=f"FLT-2024-{number:02d}",
            problem_ar=TEXT_AR,
            problem_fr=TEXT_FR,
            description_ar=TEXT_AR,
            description_fr=TEXT_FR,
        )
        factories.MilestoneFactory.create_batch(2, commitment=commitment)
        factories.IndicatorFactory(commitment=commitment)
    return plan


@pytest.fixture
def coordinator(plan):
    """A coordinator of the plan's council, with the permissions the publish action needs.
    (Granted one by one, not through the migration's "Coordinator" group: a transactional
    test's flush removes the groups, and --reuse-db then starts without them.)"""
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consultations",
            codename__in=["view_actionplan", "change_actionplan", "publish_plan"],
        )
    )
    plan.council.staff.add(user)
    return user


def _status(publication: PlanPublication) -> str:
    publication.refresh_from_db()
    return publication.status


def _wait_for_status(publication, status, worker, timeout=WAIT) -> PlanPublication:
    def reached():
        current = _status(publication)
        if current == PlanPublication.Status.FAILED and status != current:
            pytest.fail(f"the publication failed: {publication.error}\n{worker.output()}")
        return current == status

    wait_until(reached, timeout=timeout, what=f"status {status}", diagnostics=worker.diagnostics)
    return publication


def _age(publication: PlanPublication, minutes: int = 60) -> None:
    """Make the publication look as old as when the beat sweep next looks at it."""
    PlanPublication.objects.filter(pk=publication.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=minutes),
        started_at=timezone.now() - datetime.timedelta(minutes=minutes),
    )


def _renderings(worker) -> int:
    """How many times the worker ran the rendering task to completion."""
    return len(re.findall(r"render_plan_publication\[[^\]]+\] succeeded", worker.output()))


def _assert_published_once(publication: PlanPublication, media) -> None:
    """Both languages of this version, current, stored once, with intact files."""
    publication.refresh_from_db()
    assert publication.status == PlanPublication.Status.DONE, publication.error
    documents = list(
        PlanDocument.objects.filter(plan=publication.plan, version=publication.version)
    )
    assert sorted(d.language for d in documents) == ["ar", "fr"]
    assert all(d.publication_id == publication.pk and d.is_current for d in documents)
    current = PlanDocument.objects.filter(plan=publication.plan, is_current=True)
    assert sorted(current.values_list("language", "version")) == [
        ("ar", publication.version),
        ("fr", publication.version),
    ]
    for document in documents:
        content = (media / document.file.name).read_bytes()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == document.sha256
    # Nothing left for the sweep, and no second publication appeared.
    assert publishing.publications_requeue() == 0
    assert (
        not PlanPublication.objects.filter(plan=publication.plan)
        .exclude(status=PlanPublication.Status.DONE)
        .exists()
    )


def test_redis_down_when_the_coordinator_publishes_then_the_sweep_renders_it_once(
    client, plan, coordinator, private_redis, start_worker, media, caplog
):
    worker = start_worker()
    private_redis.stop()  # broker (and cache) gone

    client.force_login(coordinator)
    changelist = reverse("admin:consultations_actionplan_changelist")
    action = {"action": "publish_pdf", "_selected_action": [plan.pk], "index": 0}
    with caplog.at_level(logging.WARNING):
        response = client.post(changelist, action)
    # Queueing really failed (the robust on_commit callback logged it) and the admin answered.
    assert "in on_commit()" in caplog.text
    assert response.status_code == 302, response.content[:2000]
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert str(plan) in str(message)

    # What the coordinator asked for is kept, and the plan's page says it is waiting.
    publication = PlanPublication.objects.get(plan=plan)
    assert publication.status == PlanPublication.Status.QUEUED
    assert publication.version == 1 and publication.requested_by == coordinator
    assert publication.attempts == 0
    page = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    assert page.status_code == 200
    assert f"v1 · {PlanPublication.Status.QUEUED.label}" in page.content.decode()
    # A second click while it waits is refused with a message, and adds nothing.
    response = client.post(changelist, action)
    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert PlanPublication.objects.filter(plan=plan).count() == 1

    private_redis.start()  # same port, empty: the message was never there
    assert publishing.publications_requeue() == 0, "too recent for the sweep"
    _age(publication)
    assert publishing.publications_requeue() == 1  # what beat runs every 5 minutes
    _wait_for_status(publication, PlanPublication.Status.DONE, worker)

    _assert_published_once(publication, media)
    assert publication.attempts == 1
    wait_until(
        lambda: _renderings(worker) == 1,
        timeout=5,
        what="the task's log",
        diagnostics=worker.diagnostics,
    )
    page = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    assert f"v1 · {PlanPublication.Status.DONE.label}" in page.content.decode()


def test_redis_lost_while_rendering_then_it_completes_and_the_worker_takes_new_work(
    plan, private_redis, start_worker, media
):
    worker = start_worker()
    first = publishing.plan_publish(plan=plan, by=None)
    _wait_for_status(first, PlanPublication.Status.RENDERING, worker)

    private_redis.stop()  # the queue and the unacknowledged message are lost with it
    _wait_for_status(first, PlanPublication.Status.DONE, worker)
    private_redis.start()
    _assert_published_once(first, media)

    # The worker reconnects by itself and renders the next version, once.
    second = publishing.plan_publish(plan=plan, by=None)
    _wait_for_status(second, PlanPublication.Status.DONE, worker)
    _assert_published_once(second, media)
    assert first.attempts == 1 and second.attempts == 1
    assert PlanDocument.objects.filter(plan=plan).count() == 4


def test_pool_process_killed_mid_render_then_the_task_is_redelivered_and_done_once(
    plan, start_worker, media
):
    worker = start_worker(pool="prefork")
    publication = publishing.plan_publish(plan=plan, by=None)
    _wait_for_status(publication, PlanPublication.Status.RENDERING, worker)
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)  # e.g. the kernel's OOM killer during a large rendering

    # The worker's main process rejects the task back to the queue (acks_late +
    # reject_on_worker_lost), a new pool process renders it from the start.
    _wait_for_status(publication, PlanPublication.Status.DONE, worker)
    assert "WorkerLostError" in worker.output()
    _assert_published_once(publication, media)
    assert publication.attempts == 2, "the killed attempt and the one that finished"
    assert worker.process.poll() is None


def test_worker_killed_mid_render_then_a_new_worker_completes_it_once(plan, start_worker, media):
    worker = start_worker(pool="prefork")
    publication = publishing.plan_publish(plan=plan, by=None)
    _wait_for_status(publication, PlanPublication.Status.RENDERING, worker)
    worker.kill_group()  # the container, the machine: nobody is left to reject the task

    replacement = start_worker(pool="prefork")
    with pytest.raises(ValidationError):  # the coordinator cannot start it again themselves
        publishing.plan_publish(plan=plan, by=None)
    _age(publication)  # long after: well past any rendering's duration
    assert publishing.publications_requeue() == 1, "the sweep leaves it 'rendering'"
    _wait_for_status(publication, PlanPublication.Status.DONE, replacement)
    _assert_published_once(publication, media)
