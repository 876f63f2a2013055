"""Translation pending instead of a block: a plan is adopted (live or recorded) with each text in
one language; the checklist warns and names what waits; what OGP requires stays strict; progress
notes never count; the original language and wording of an official text."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from commitments import plan_record, services
from commitments.models import MilestoneUpdate
from commitments.selectors import plan_readiness
from consultations.models import ActionPlan
from opengov import translations
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
TODAY = datetime.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _messages_in_source_language():
    with translation.override("en"):
        yield


def french_only_plan(**commitment_fields) -> ActionPlan:
    """A plan in consultation (closed before TODAY), documented, whose commitment, milestone
    and indicator are written in French only (as the real ones adopted in French)."""
    plan = factories.ActionPlanFactory(
        stage=Stage.CONSULTATION,
        consultation_opens_on=datetime.date(2025, 1, 1),
        consultation_closes_on=datetime.date(2025, 2, 28),
        title_fr="Plan d'action 2024-2026",
        title_ar="",
    )
    factories.WorkshopFactory(
        council=plan.council, plan=plan, summary_fr="Résumé de l'atelier", summary_ar=""
    )
    fields = {
        "reference": "TET-2024-01",
        "title_ar": "",
        "title_fr": "Publication proactive",
        "description_ar": "",
        "description_fr": "Refonte du portail et page de publication proactive.",
        "lead_agency_ar": "",
        "lead_agency_fr": "Direction générale des services",
        "original_language": "fr",
        **commitment_fields,
    }
    commitment = factories.CommitmentFactory(plan=plan, **fields)
    factories.MilestoneFactory(commitment=commitment, title_ar="", title_fr="Portail refondu")
    factories.IndicatorFactory(
        commitment=commitment, name_ar="", name_fr="Pages publiées", unit_ar="", unit_fr=""
    )
    return plan


def test_plan_in_one_language_is_adopted_and_the_checklist_warns():
    plan = french_only_plan()
    coordinator = factories.UserFactory()

    change = services.plan_change_stage(
        plan=plan, to_stage=Stage.ADOPTED, by=coordinator, today=TODAY
    )

    plan.refresh_from_db()
    assert plan.stage == Stage.ADOPTED and change.changed_by == coordinator
    languages = {item.key: item for item in plan_readiness(plan)}["languages"]
    assert languages.ok
    warned = "\n".join(languages.warnings)
    for waiting in ("Plan d'action", "TET-2024-01", "Portail refondu", "Pages publiées"):
        assert waiting in warned
    assert "Waiting for a translation into: Arabic" in warned
    assert languages.fix_url_name == "admin:consultations_actionplan_translations"
    assert languages.fix_query == f"plan={plan.pk}"


def test_recorded_adoption_of_a_plan_in_one_language_succeeds():
    plan = french_only_plan()
    plan.stage = Stage.PREPARATION
    plan.consultation_opens_on = plan.consultation_closes_on = None
    plan.save()

    plan_record.plan_record_stages(
        plan=plan,
        to_stage=Stage.ADOPTED,
        by=None,
        adopted_on=datetime.date(2022, 12, 15),
        today=TODAY,
    )

    plan.refresh_from_db()
    assert plan.stage == Stage.ADOPTED


def test_commitment_that_says_not_what_will_be_done_still_blocks_adoption():
    plan = french_only_plan(description_fr="  ")

    with pytest.raises(ValidationError) as error:
        services.plan_change_stage(plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY)

    assert error.value.messages == ["Commitment TET-2024-01 does not say what will be done."]
    plan.refresh_from_db()
    assert plan.stage == Stage.CONSULTATION


def test_recorded_adoption_refuses_a_commitment_without_milestone_or_description():
    plan = french_only_plan(description_fr="")
    plan.commitments.get().milestones.all().delete()
    plan.stage = Stage.PREPARATION
    plan.consultation_opens_on = plan.consultation_closes_on = None
    plan.save()

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan,
            to_stage=Stage.ADOPTED,
            by=None,
            adopted_on=datetime.date(2022, 12, 15),
            today=TODAY,
        )

    assert "Commitment TET-2024-01 does not say what will be done." in error.value.messages
    assert "Commitment TET-2024-01 has no milestone." in error.value.messages
    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARATION


def test_progress_notes_in_one_language_never_turn_an_adopted_plans_checklist_red():
    plan = french_only_plan(
        title_ar="نشر استباقي", description_ar="إعادة تصميم البوابة", lead_agency_ar="المديرية"
    )
    plan.title_ar = "خطة العمل"
    plan.save()
    commitment = plan.commitments.get()
    milestone = commitment.milestones.get()
    milestone.title_ar = "بوابة جديدة"
    milestone.save()
    indicator = commitment.indicators.get()
    indicator.name_ar = "الصفحات المنشورة"
    indicator.save()
    services.plan_change_stage(plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY)
    update = factories.MilestoneUpdateFactory(milestone=milestone)
    MilestoneUpdate.objects.filter(pk=update.pk).update(note_ar="", note_fr="Maquette validée")
    factories.CommitmentAssessmentFactory(
        commitment=commitment, what_was_done_ar="", what_was_done_fr="Portail en ligne"
    )
    factories.PlanSelfAssessmentFactory(plan=plan, summary_ar="ملخص", summary_fr="")

    items = plan_readiness(plan)

    languages = {item.key: item for item in items}["languages"]
    assert languages.ok and languages.warnings == []
    assert all(item.ok for item in items if item.key != "workshops")


def test_pending_names_the_fields_and_languages_that_wait():
    commitment = factories.CommitmentFactory(
        title_ar="", title_fr="Titre", problem_ar="مشكلة", problem_fr=" ", partners_ar=""
    )

    assert translations.pending(commitment) == {"title": ["ar"], "problem": ["fr"]}
    assert translations.pending_languages(commitment) == ["ar", "fr"]
    assert translations.shown_in(commitment, "ar") == ["fr"]
    assert translations.shown_in(commitment, "fr", ["title"]) == []
    assert sorted(commitment.missing_translations()) == ["problem", "title"]


def test_original_wording_needs_another_language_as_the_original():
    commitment = factories.CommitmentFactory(original_language="ar")
    commitment.original_wording = "Proactive publication of information"

    with pytest.raises(ValidationError, match="Keep the original wording only"):
        commitment.full_clean()

    commitment.original_language = translations.OTHER
    commitment.full_clean()
    commitment.save()
    commitment.refresh_from_db()
    assert commitment.original_wording == "Proactive publication of information"
