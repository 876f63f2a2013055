"""The whole path of a proposal sent online with a real Celery worker (a separate process on the
test database and the real Redis) and a real SMTP server: posted in French, its confirmation
e-mail sent by the worker, confirmed from the link, supported in Arabic through the same path,
then answered by the council: the author is told, with the council's response, by the worker."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from commitments.services import proposal_answer
from consultations.models import ActionPlan, Proposal, ProposalSupport
from opengov import formtime
from opengov.celery import app
from tests import factories
from tests.support.broker import celery_sending_to
from tests.support.processes import celery_worker_env, free_port, spawn_worker, wait_until
from tests.support.smtp import SMTPSink, smtp_env

WAIT = 90
LINK = re.compile(r"http://\S+/(?:ar|fr)/proposals/(?:supports/)?confirm/[^/\s]+/")


@pytest.fixture
def not_eager():
    """Tasks are sent to the broker, not run in the caller (as in production)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def _text(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def _link(sink: SMTPSink, index: int) -> str:
    (link,) = LINK.findall(_text(sink.messages()[index]))
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.real_services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_propose_confirm_support_and_hear_back_through_a_real_worker(settings, tmp_path, not_eager):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: the worker talks to the real Redis.")
    settings.MEDIA_ROOT = tmp_path
    # The rate-limit counters live in Redis for an hour: earlier runs from this address must
    # not turn this one away.
    settings.COMMENT_RATE_LIMITS = {**settings.COMMENT_RATE_LIMITS, "per_ip": 10_000}
    settings.COMMENT_RATE_LIMITS |= {"per_email": 10_000, "mails_per_email": 10_000}
    settings.RATE_LIMIT_OVERRIDES = {}
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today,
        proposals_closes_on=today + timezone.timedelta(days=20),
        proposals_need_moderation=False,
    )
    mail_port = free_port()
    sink = SMTPSink(mail_port)
    sink.start()
    with celery_sending_to(settings.REDIS_URL, queue_prefix="test-proposing") as queue:
        env = celery_worker_env(
            redis_url=settings.REDIS_URL,
            queue=queue,
            MEDIA_ROOT=str(tmp_path),
            NOTIFY_BATCH_DELAY="1",
            NOTIFY_RETRY_DELAY="1",
            **smtp_env(mail_port),
        )
        worker = spawn_worker(env, tmp_path / "worker.log")
        try:
            citizen = Client()
            with translation.override("fr"):
                propose_url = reverse(
                    "commitments:plan_proposals", args=[plan.council.slug, plan.start_year]
                )
            response = citizen.post(
                propose_url,
                {
                    "kind": "problem",
                    "title": "Bancs au jardin Ibn Battouta",
                    "body": "Le jardin n'a plus de bancs depuis l'été.",
                    "residence": "Tanger",
                    "email": "amal@example.org",
                    "consent": "on",
                    formtime.FIELD: formtime.stamp(time.time() - 60),
                },
            )
            assert response.status_code == 302, response.content.decode()[:1500]
            proposal = Proposal.objects.get()
            assert proposal.publication == Proposal.Publication.PENDING
            wait_until(
                lambda: sink.count() == 1, WAIT, "the confirmation", diagnostics=worker.diagnostics
            )
            message = sink.messages()[0]
            assert message["To"] == "amal@example.org"
            assert "Confirmez" in message["Subject"], "in the language it was written in"
            confirm = _link(sink, 0)
            assert "/fr/" in confirm
            assert citizen.post(confirm).status_code == 200
            proposal.refresh_from_db()
            assert proposal.publication == Proposal.Publication.PUBLISHED

            supporter = Client()
            with translation.override("ar"):
                support_url = reverse("commitments:proposal_support", args=[proposal.pk])
            response = supporter.post(
                support_url,
                {
                    "email": "Salma@Example.org",
                    "consent": "on",
                    formtime.FIELD: formtime.stamp(time.time() - 60),
                },
            )
            assert response.status_code == 302, response.content.decode()[:1500]
            wait_until(
                lambda: sink.count() == 2,
                WAIT,
                "the support's mail",
                diagnostics=worker.diagnostics,
            )
            link = _link(sink, 1)
            assert "/ar/" in link and "supports" in link
            assert supporter.post(link).status_code == 200
            proposal.refresh_from_db()
            assert proposal.support_count == 1
            assert ProposalSupport.objects.get().email == ""

            proposal_answer(
                proposal=proposal,
                status=Proposal.Status.RETAINED,
                response_fr="Retenue : des bancs seront posés en mars.",
                by=None,
            )
            wait_until(
                lambda: sink.count() == 3,
                WAIT,
                "the author's notice",
                diagnostics=worker.diagnostics,
            )
            time.sleep(3)  # a duplicate would arrive meanwhile
        finally:
            worker.stop()
            sink.stop()
    assert [to for _at, to in sink.arrivals()] == [
        "amal@example.org",
        "Salma@Example.org",
        "amal@example.org",
    ]
    notice = _text(sink.messages()[2])
    assert "des bancs seront posés en mars" in notice
