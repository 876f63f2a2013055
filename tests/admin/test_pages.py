"""Every admin page of every model opens for a network administrator, in both languages."""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from commitments.models import (
    Comment,
    CommitmentAssessment,
    PlanDocument,
    PlanPublication,
    PlanSelfAssessment,
)
from consultations.models import PlanStageChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commitment = factories.CommitmentFactory()
    proposal = factories.ProposalFactory(working_group__workshop__plan=commitment.plan)
    commitment.source_proposals.add(proposal)
    milestone = factories.MilestoneFactory(commitment=commitment)
    indicator = factories.IndicatorFactory(commitment=commitment)
    workshop_document = factories.WorkshopDocumentFactory(workshop=proposal.workshop)
    change = PlanStageChange.objects.create(
        plan=commitment.plan, from_stage="preparation", to_stage="consultation"
    )
    publication = PlanPublication.objects.create(
        plan=commitment.plan, version=1, status=PlanPublication.Status.DONE
    )
    document = PlanDocument(
        plan=commitment.plan,
        publication=publication,
        language="ar",
        version=1,
        sha256="0" * 64,
        size=9,
        generated_at=timezone.now(),
        is_current=True,
    )
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    comment = Comment.objects.create(
        plan=commitment.plan,
        author_name="Salma",
        email="salma@example.org",
        body="Un commentaire",
        language="fr",
        consent_at=timezone.now(),
    )
    assessment = CommitmentAssessment.objects.create(
        commitment=commitment,
        what_was_done_fr="Les données sont publiées chaque trimestre.",
        completion="substantial",
        opened_government="major",
    )
    self_assessment = PlanSelfAssessment.objects.create(
        plan=commitment.plan, kind="mid_term", summary_ar="تقييم ذاتي في منتصف المدة"
    )
    inception = factories.InceptionAssessmentFactory(plan=commitment.plan)
    factories.InceptionCommitmentReviewFactory(assessment=inception, commitment=commitment)
    forum = factories.ForumFactory(council=commitment.plan.council)
    factories.ForumMemberFactory(forum=forum)
    forum_meeting = factories.ForumMeetingFactory(forum=forum, plan=commitment.plan)
    programme = factories.CouncilProgrammeFactory(council=commitment.plan.council)
    commitment.programme = programme
    commitment.save()
    commitment.sdgs.set([5, 16])
    return {
        "councilprogramme": programme,
        "inceptionassessment": inception,
        "forum": forum,
        "forummeeting": forum_meeting,
        "commitmentassessment": assessment,
        "planselfassessment": self_assessment,
        "comment": comment,
        "planpublication": publication,
        "plandocument": document,
        "council": commitment.plan.council,
        "theme": proposal.theme,
        "actionplan": commitment.plan,
        "planstagechange": change,
        "workshop": proposal.workshop,
        "workshopdocument": workshop_document,
        "workinggroup": proposal.working_group,
        "proposal": proposal,
        "commitment": commitment,
        "milestone": milestone,
        "indicator": indicator,
    }


PORTAL_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in ("consultations", "commitments")
]


def test_every_domain_model_has_an_admin():
    names = {m._meta.model_name for m in PORTAL_MODELS}
    assert names == {
        "council",
        "councilprogramme",
        "theme",
        "actionplan",
        "planstagechange",
        "workshop",
        "workshopdocument",
        "workinggroup",
        "proposal",
        "commitment",
        "milestone",
        "indicator",
        "planpublication",
        "plandocument",
        "comment",
        "commitmentassessment",
        "planselfassessment",
        "inceptionassessment",
        "forum",
        "forummeeting",
    }


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_pages_open(admin_client, objects, model, language):
    opts = model._meta
    obj = objects[opts.model_name]
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [
        reverse(f"{prefix}_changelist"),
        reverse(f"{prefix}_change", args=[obj.pk]),
        reverse(f"{prefix}_history", args=[obj.pk]),
        reverse(f"{prefix}_changelist") + "?q=1",
    ]
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(_request_for(admin_client)):
        urls.append(reverse(f"{prefix}_add"))
    if model_admin.has_delete_permission(_request_for(admin_client), obj):
        urls.append(reverse(f"{prefix}_delete", args=[obj.pk]))
    for url in urls:
        url = url.replace("/ar/", f"/{language}/", 1)
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def _request_for(client):
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user(client)
    return request


def test_translation_tabs_are_served_locally(admin_client, objects):
    response = admin_client.get(
        reverse("admin:commitments_commitment_change", args=[objects["commitment"].pk])
    )
    html = response.content.decode()
    assert "vendor/jquery-ui/jquery-ui.min.js" in html
    assert "tabbed_translation_fields.js" in html
    assert "//code.jquery.com" not in html and "cdn" not in html.lower()


def test_missing_object_is_a_404_not_a_redirect(admin_client):
    response = admin_client.get(reverse("admin:consultations_proposal_change", args=[999999]))
    assert response.status_code == 404
