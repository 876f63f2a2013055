"""Publishing a plan as PDF: queued on commit, rendered in both languages by the task, stored
with checksum and version, made current only when complete; failures keep the previous version."""

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import PlanPublication
from commitments.publishing import services as publishing
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    commitment = factories.CommitmentFactory(plan=plan, reference="TST-2024-01")
    factories.MilestoneFactory(commitment=commitment)
    factories.IndicatorFactory(commitment=commitment)
    return plan


def _publish(plan, django_capture_on_commit_callbacks, by=None):
    with django_capture_on_commit_callbacks(execute=True):
        return publishing.plan_publish(plan=plan, by=by)


def test_publish_renders_both_languages_and_makes_them_current(
    plan, django_capture_on_commit_callbacks
):
    publication = _publish(plan, django_capture_on_commit_callbacks)
    publication.refresh_from_db()
    assert publication.status == PlanPublication.Status.DONE, publication.error
    assert publication.version == 1 and publication.attempts == 1
    documents = {d.language: d for d in plan.documents.all()}
    assert set(documents) == {"ar", "fr"}
    for document in documents.values():
        assert document.is_current and document.version == 1
        content = document.file.read()
        assert content.startswith(b"%PDF")
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.size == len(content)


def test_republish_keeps_earlier_versions_and_never_overwrites(
    plan, django_capture_on_commit_callbacks
):
    _publish(plan, django_capture_on_commit_callbacks)
    first = {d.language: (d.file.name, d.sha256) for d in plan.documents.all()}
    _publish(plan, django_capture_on_commit_callbacks)
    assert plan.documents.count() == 4
    current = plan.documents.filter(is_current=True)
    assert set(current.values_list("version", flat=True)) == {2}
    for old in plan.documents.filter(version=1):
        assert (old.file.name, old.sha256) == first[old.language]
        assert hashlib.sha256(old.file.read()).hexdigest() == old.sha256
    assert not {d.file.name for d in current} & {name for name, _ in first.values()}


@pytest.mark.parametrize(
    "stage", [ActionPlan.Stage.PREPARATION, ActionPlan.Stage.CONSULTATION, ActionPlan.Stage.CLOSED]
)
def test_only_adopted_or_running_plans_are_published(stage, plan):
    ActionPlan.objects.filter(pk=plan.pk).update(stage=stage)
    with pytest.raises(ValidationError):
        publishing.plan_publish(plan=plan, by=None)
    assert not PlanPublication.objects.exists()


def test_one_publication_at_a_time(plan):
    publishing.plan_publish(plan=plan, by=None)  # queued: callbacks not run
    with pytest.raises(ValidationError):
        publishing.plan_publish(plan=plan, by=None)
    assert PlanPublication.objects.count() == 1


def test_failure_is_recorded_and_previous_version_stays(
    plan, django_capture_on_commit_callbacks, monkeypatch
):
    _publish(plan, django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("font cache is corrupt")

    monkeypatch.setattr("commitments.publishing.pdf.render_plan_pdf", broken)
    # The request that asked for it is not broken by the failure (robust on_commit); the task
    # will try again (with a real worker: tests/commitments/publishing/test_publishing_worker.py).
    _publish(plan, django_capture_on_commit_callbacks)
    waiting = PlanPublication.objects.get(version=2)
    assert waiting.status == PlanPublication.Status.QUEUED
    assert "font cache is corrupt" in waiting.error and waiting.step
    # The last attempt gives up: failed, with its error, visible in the admin.
    with pytest.raises(RuntimeError):
        publishing.publication_render(waiting.pk, final_attempt=True)
    waiting.refresh_from_db()
    assert waiting.status == PlanPublication.Status.FAILED
    assert "font cache is corrupt" in waiting.error
    assert waiting.attempts == 2
    assert set(plan.documents.filter(is_current=True).values_list("version", flat=True)) == {1}
    assert not plan.documents.filter(version=2).exists()


def test_render_twice_publishes_once(plan, django_capture_on_commit_callbacks):
    publication = _publish(plan, django_capture_on_commit_callbacks)
    assert publishing.publication_render(publication.pk) == PlanPublication.Status.DONE
    assert plan.documents.count() == 2
    publication.refresh_from_db()
    assert publication.attempts == 1


def test_failed_publication_can_be_tried_again(plan, django_capture_on_commit_callbacks):
    publication = publishing.plan_publish(plan=plan, by=None)
    PlanPublication.objects.filter(pk=publication.pk).update(
        status=PlanPublication.Status.FAILED, error="boom"
    )
    publication.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publication_retry(publication=publication)
    publication.refresh_from_db()
    assert publication.status == PlanPublication.Status.DONE
    assert publication.error == ""
    with pytest.raises(ValidationError):
        publishing.publication_retry(publication=publication)


def test_stale_queued_publications_are_queued_again(plan, django_capture_on_commit_callbacks):
    publication = publishing.plan_publish(plan=plan, by=None)  # the broker "lost" it
    assert publishing.publications_requeue(older_than_minutes=10) == 0
    PlanPublication.objects.filter(pk=publication.pk).update(
        updated_at=publication.updated_at.replace(year=2020)
    )
    assert publishing.publications_requeue(older_than_minutes=10) == 1
    publication.refresh_from_db()
    assert publication.status == PlanPublication.Status.DONE


def test_public_page_offers_the_current_pdfs(client, plan, django_capture_on_commit_callbacks):
    _publish(plan, django_capture_on_commit_callbacks)
    _publish(plan, django_capture_on_commit_callbacks)
    html = client.get(plan.get_absolute_url()).content.decode()
    current = plan.documents.filter(is_current=True).order_by("language")
    for document in current:
        url = reverse(
            "commitments:plan_document", args=[plan.council.slug, plan.start_year, document.pk]
        )
        assert url in html
    assert "v1" in html, "earlier versions are listed"
    document = current.get(language="fr")
    response = client.get(
        reverse("commitments:plan_document", args=[plan.council.slug, plan.start_year, document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{plan.council.slug}-{plan.period}-fr-v2.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_documents_of_other_plans_or_hidden_plans_are_404(
    client, plan, django_capture_on_commit_callbacks
):
    _publish(plan, django_capture_on_commit_callbacks)
    document = plan.documents.first()
    other = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    url = reverse(
        "commitments:plan_document", args=[other.council.slug, other.start_year, document.pk]
    )
    assert client.get(url).status_code == 404
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.PREPARATION)
    url = reverse(
        "commitments:plan_document", args=[plan.council.slug, plan.start_year, document.pk]
    )
    assert client.get(url).status_code == 404


def test_coordinator_publishes_from_the_admin(client, plan, django_capture_on_commit_callbacks):
    coordinator = factories.UserFactory(is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Coordinator"))
    plan.council.staff.add(coordinator)
    staff = factories.UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Council staff"))
    plan.council.staff.add(staff)
    url = reverse("admin:consultations_actionplan_changelist")
    data = {"action": "publish_pdf", "_selected_action": [plan.pk], "index": 0}

    client.force_login(staff)
    assert "publish_pdf" not in client.get(url).content.decode()
    client.post(url, data)
    assert not PlanPublication.objects.exists()

    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert any("1" in str(m) for m in get_messages(response.wsgi_request))
    assert PlanPublication.objects.get().status == PlanPublication.Status.DONE
    page = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    assert "v1" in page.content.decode()
    assert client.get(reverse("admin:commitments_plandocument_changelist")).status_code == 200
    assert client.get(reverse("admin:commitments_planpublication_changelist")).status_code == 200
