"""Recording what followers are told: each service that makes a change records one event in its
own transaction, keyed so that the same change recorded twice is one event, and the fan-out is
queued only once the transaction commits."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from commitments import services as plan_services
from commitments.comments import services as comments
from commitments.follows import events
from commitments.models import CompletionLevel, FollowEvent, Milestone, PlanPublication
from commitments.monitoring.services import commitment_assessment_filed
from commitments.progress.services import indicator_record_value, milestone_record_progress
from commitments.publishing import services as publishing
from consultations.models import ActionPlan, Proposal
from tests import factories

pytestmark = pytest.mark.django_db
Kind = FollowEvent.Kind
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def kinds():
    return sorted(FollowEvent.objects.values_list("kind", flat=True))


def test_recording_the_same_change_twice_keeps_one_event_and_queues_one_fan_out(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = events.record_event(
            kind=Kind.PLAN_STAGE, key="plan_stage:test", council=world.council, plan=world.plan
        )
        second = events.record_event(
            kind=Kind.PLAN_STAGE, key="plan_stage:test", council=world.council, plan=world.plan
        )
    assert first.pk == second.pk
    assert FollowEvent.objects.count() == 1
    assert len(callbacks) == 1


def test_a_change_rolled_back_records_no_event(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record_event(
            kind=Kind.PLAN_STAGE, key="plan_stage:gone", council=world.council, plan=world.plan
        )
        raise RuntimeError
    assert not FollowEvent.objects.exists()


# --- comments ------------------------------------------------------------------------------


@pytest.fixture
def comment(world):
    world.plan.comments_need_moderation = True
    world.plan.save()
    return factories.CommentFactory(plan=world.plan, commitment=world.commitment)


def test_a_comment_confirmed_without_moderation_is_recorded_as_published(world):
    world.plan.comments_need_moderation = False
    world.plan.save()
    comment = factories.CommentFactory(plan=world.plan)
    comments.comment_confirm(comment=comment)
    comments.comment_confirm(comment=comment)
    event = FollowEvent.objects.get()
    assert (event.kind, event.comment, event.plan) == (Kind.COMMENT_PUBLISHED, comment, world.plan)


def test_a_comment_waiting_for_moderation_is_recorded_when_a_moderator_publishes_it(
    comment, superuser
):
    comments.comment_confirm(comment=comment)
    assert kinds() == [], "confirmed, not yet public"
    comment.refresh_from_db()
    comments.comment_publish(comment=comment, by=superuser)
    comments.comment_publish(comment=comment, by=superuser)
    assert kinds() == [Kind.COMMENT_PUBLISHED]


def test_hiding_a_comment_records_the_reason_once(comment, superuser):
    comments.comment_confirm(comment=comment)
    comment.refresh_from_db()
    comments.comment_hide(comment=comment, reason="Propos injurieux", by=superuser)
    comments.comment_hide(comment=comment, reason="Propos injurieux", by=superuser)
    event = FollowEvent.objects.get()
    assert (event.kind, event.data) == (Kind.COMMENT_HIDDEN, {"reason": "Propos injurieux"})


def test_an_official_reply_is_recorded_with_its_text_and_a_new_reply_is_a_new_event(
    comment, superuser
):
    comments.comment_reply(comment=comment, text="Merci, c'est prévu en 2025.", by=superuser)
    comments.comment_reply(comment=comment, text="Correction : en 2026.", by=superuser)
    replies = FollowEvent.objects.filter(kind=Kind.COMMENT_ANSWERED).order_by("id")
    assert [e.data["reply"] for e in replies] == [
        "Merci, c'est prévu en 2025.",
        "Correction : en 2026.",
    ]


# --- plans, proposals, publication -----------------------------------------------------------


def test_a_change_of_stage_is_recorded_with_where_it_came_from_and_went():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    change = plan_services.plan_change_stage(plan=plan, to_stage=ActionPlan.Stage.CLOSED, by=None)
    event = FollowEvent.objects.get()
    assert event.key == f"plan_stage:{change.pk}"
    assert event.data == {"from": "implementation", "to": "closed"}
    assert (event.plan, event.council) == (plan, plan.council)


def test_a_proposal_answer_is_recorded_with_the_reasoned_response(world):
    proposal = factories.ProposalFactory()
    plan_services.proposal_answer(
        proposal=proposal,
        status=Proposal.Status.NOT_RETAINED,
        response_fr="Hors des compétences du conseil.",
        by=None,
    )
    event = FollowEvent.objects.get()
    assert (event.kind, event.proposal) == (Kind.PROPOSAL_ANSWERED, proposal)
    assert event.data["status"] == "not_retained"
    assert event.data["response_fr"] == "Hors des compétences du conseil."


def test_a_publication_is_recorded_once_its_pdfs_are_current(monkeypatch):
    monkeypatch.setattr("commitments.publishing.pdf.render_plan_pdf", lambda *a, **k: PDF)
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    publication = PlanPublication.objects.create(plan=plan, version=3)
    assert kinds() == []
    publishing.publication_render(publication.pk)
    publishing.publication_render(publication.pk)  # done already: nothing more
    event = FollowEvent.objects.get()
    assert event.kind == Kind.PLAN_DOCUMENT
    assert event.data["version"] == 3
    documents = {d.language: d.pk for d in plan.documents.all()}
    assert event.data["documents"] == documents and set(documents) == {"ar", "fr"}


# --- implementation ------------------------------------------------------------------------


def test_a_milestone_update_is_recorded_with_the_completion_level_it_moved(world):
    update = milestone_record_progress(
        milestone=world.milestone,
        status=Milestone.Status.COMPLETED,
        completed_on=timezone.localdate(),
        note_fr="Registre publié en ligne.",
        by=None,
    )
    milestone_event = FollowEvent.objects.get(kind=Kind.MILESTONE_UPDATE)
    assert milestone_event.key == f"milestone_update:{update.pk}"
    assert milestone_event.commitment == world.commitment
    assert milestone_event.data["note_fr"] == "Registre publié en ligne."
    level = FollowEvent.objects.get(kind=Kind.COMPLETION_LEVEL)
    assert level.data == {"from": CompletionLevel.LIMITED, "to": CompletionLevel.COMPLETE}


def test_a_milestone_update_that_keeps_the_level_records_no_level_change(world):
    milestone_record_progress(
        milestone=world.milestone, status=Milestone.Status.IN_PROGRESS, by=None
    )
    assert kinds() == [Kind.MILESTONE_UPDATE]


def test_an_indicator_value_is_recorded(world):
    entry = indicator_record_value(
        indicator=world.indicator,
        value=Decimal(42),
        measured_on=timezone.localdate() - datetime.timedelta(days=1),
        by=None,
    )
    event = FollowEvent.objects.get()
    assert (event.kind, event.key) == (Kind.INDICATOR_VALUE, f"indicator_value:{entry.pk}")
    assert event.data["value"] == "42"


def test_the_end_of_commitment_assessment_is_recorded_once(world):
    assessment = factories.CommitmentAssessmentFactory(commitment=world.commitment)
    commitment_assessment_filed(assessment=assessment)
    commitment_assessment_filed(assessment=assessment)  # corrected later: not news
    event = FollowEvent.objects.get()
    assert (event.kind, event.commitment) == (Kind.FINAL_ASSESSMENT, world.commitment)


def test_a_completion_set_by_hand_in_the_admin_is_recorded(world, admin_client):
    from tests.admin.helpers import admin_form_data

    url = f"/ar/admin/commitments/commitment/{world.commitment.pk}/change/"
    data = admin_form_data(admin_client.get(url))
    data.update(
        completion_override=CompletionLevel.SUBSTANTIAL,
        completion_override_reason="Constaté sur le terrain.",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    event = FollowEvent.objects.get()
    assert event.kind == Kind.COMPLETION_LEVEL
    assert event.data == {"from": CompletionLevel.LIMITED, "to": CompletionLevel.SUBSTANTIAL}
