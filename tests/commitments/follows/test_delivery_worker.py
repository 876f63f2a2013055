"""The fan-out and the delivery off the request: the admin request that saves a milestone update
only records the event and queues the fan-out; a real Celery worker (a separate process on the
test database and the real Redis) fans it out and hands the mails to an SMTP sink, through a
mail server outage, each address once."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.follows import fanout
from commitments.models import FollowEvent, Milestone, Notification
from commitments.progress.services import milestone_record_progress
from opengov.celery import app
from tests.admin.helpers import admin_form_data
from tests.support.broker import celery_sending_to
from tests.support.processes import celery_worker_env, free_port, spawn_worker, wait_until
from tests.support.smtp import SMTPSink, smtp_env

from .conftest import World, follow
from .test_delivery import subscriber

WAIT = 90


@pytest.fixture
def not_eager():
    """Tasks are sent, not run in the caller (as in production)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.django_db
def test_the_request_that_saves_a_milestone_update_only_queues_the_fan_out(
    world, admin_client, monkeypatch, not_eager, django_capture_on_commit_callbacks
):
    for number in range(5):
        follow(subscriber(f"f{number}@example.org"), commitment=world.commitment)
    queued = []
    monkeypatch.setattr(fanout.fan_out_event, "delay", lambda event_id: queued.append(event_id))
    url = reverse("admin:commitments_milestone_change", args=[world.milestone.pk])
    data = admin_form_data(admin_client.get(url))
    index = int(data["updates-INITIAL_FORMS"])
    data["updates-TOTAL_FORMS"] = str(index + 1)
    data.update({f"updates-{index}-status": "in_progress", f"updates-{index}-note_fr": "Suite."})

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert queued == [], "queued only once the transaction commits"
    event = FollowEvent.objects.get(kind=FollowEvent.Kind.MILESTONE_UPDATE)
    assert queued == [event.pk]
    assert not Notification.objects.exists(), "the request did not fan out"
    assert event.fanned_out_at is None

    fanout.event_fan_out(event.pk)
    assert Notification.objects.filter(event=event).count() == 5


# --- a real worker -------------------------------------------------------------------------


@pytest.mark.real_services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_once_per_address_through_a_mail_server_outage(settings, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: the worker talks to the real Redis.")
    settings.MEDIA_ROOT = tmp_path
    world = World()
    busy = subscriber("busy@example.org")
    for target in ({"council": world.council}, {"plan": world.plan}):
        follow(busy, **target)
    follow(busy, commitment=world.commitment)
    others = [f"reader-{n}@example.org" for n in range(4)]
    for address in others:
        follow(subscriber(address), commitment=world.commitment)
    follow(subscriber("elsewhere@example.org"), commitment=world.other_commitment)

    mail_port = free_port()
    sink = SMTPSink(mail_port)  # not started: the mail server is down
    with celery_sending_to(settings.REDIS_URL, queue_prefix="test-follows") as queue:
        env = celery_worker_env(
            redis_url=settings.REDIS_URL,
            queue=queue,
            MEDIA_ROOT=str(tmp_path),
            NOTIFY_BATCH_DELAY="2",
            NOTIFY_RETRY_DELAY="1",
            **smtp_env(mail_port),
        )
        worker = spawn_worker(env, tmp_path / "worker.log")
        try:
            # Completed: a milestone update and the completion level it moved, two events.
            milestone_record_progress(
                milestone=world.milestone,
                status=Milestone.Status.COMPLETED,
                completed_on=timezone.localdate(),
                note_fr="Registre en ligne.",
                by=None,
            )
            assert FollowEvent.objects.count() == 2
            wait_until(
                lambda: Notification.objects.count() == 10,
                WAIT,
                "the fan-out of both events",
                diagnostics=worker.diagnostics,
            )
            wait_until(
                lambda: "Retry in" in worker.output(),
                WAIT,
                "a delivery to fail and be retried",
                diagnostics=worker.diagnostics,
            )
            assert sink.count() == 0
            assert not Notification.objects.exclude(sent_at=None).exists()

            sink.start()  # the mail server is back
            wait_until(
                lambda: not Notification.objects.filter(sent_at=None).exists(),
                WAIT,
                "every notification to be sent",
                diagnostics=worker.diagnostics,
            )
            time.sleep(4)  # any retry or duplicate still pending would arrive meanwhile
        finally:
            worker.stop()
            sink.stop()

    arrivals = sorted(to for _at, to in sink.arrivals())
    assert arrivals == sorted(["busy@example.org", *others]), "each address once"
    for message in sink.messages():
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert text.count("== ") == 2, "both events in one mail"
        assert "Registre en ligne." in text
