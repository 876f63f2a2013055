"""What a citizen reads at the top of a commitment and of a plan: the completion level and the
implementation status each labelled with where it comes from (and a note when they disagree),
and an honest phrase instead of "0 workshops · 0 participants (0% women)"."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Commitment, Milestone
from consultations.models import ActionPlan, PlanStageChange
from consultations.models.workshops import PARTICIPANT_CATEGORY_FIELDS
from tests import factories

pytestmark = pytest.mark.django_db

DISAGREE = (
    "The status declared by the council and the completion measured by the milestones "
    "disagree: the milestones below show the latest recorded progress."
)


def _commitment(status, *milestone_statuses):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(plan=plan, status=status)
    for milestone_status in milestone_statuses:
        done = milestone_status == Milestone.Status.COMPLETED
        factories.MilestoneFactory(
            commitment=commitment,
            status=milestone_status,
            completed_on=datetime.date(2024, 6, 1) if done else None,
        )
    return commitment


@pytest.mark.parametrize(
    ("status", "milestones", "disagrees"),
    [
        ("not_started", ["in_progress"], True),
        ("not_started", ["not_started"], False),
        ("not_started", [], False),
        ("ongoing", ["completed", "in_progress"], False),
        ("completed", ["completed", "in_progress"], True),
        ("completed", ["completed"], False),
        ("withdrawn", ["in_progress"], False),
    ],
)
def test_status_disagrees_with_completion_only_when_they_contradict(status, milestones, disagrees):
    commitment = _commitment(status, *milestones)
    assert commitment.status_disagrees_with_completion() is disagrees


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_commitment_page_labels_completion_and_status_and_says_when_they_disagree(client, language):
    commitment = _commitment(
        Commitment.Status.NOT_STARTED, Milestone.Status.COMPLETED, Milestone.Status.IN_PROGRESS
    )
    url = commitment.get_absolute_url().replace("/ar/", f"/{language}/", 1)
    html = client.get(url).content.decode()
    with translation.override(language):
        completion = (
            f"<dt>{gettext('Completion')}</dt><dd><strong>{gettext('Substantial')}</strong> "
            f"<small>{gettext('(measured by its milestones)')}</small>"
        )
        status = (
            f"<dt>{gettext('Implementation status')}</dt><dd>"
            f'<span class="status status-not_started">{gettext("Not started")}</span> '
            f"<small>{gettext('(as declared by the council)')}</small>"
        )
        note = gettext(DISAGREE)
    assert completion in html
    assert status in html
    assert note in html.replace("&#x27;", "'")

    commitment.status = Commitment.Status.ONGOING
    commitment.save()
    html = client.get(url).content.decode()
    with translation.override(language):
        assert f'<span class="status status-ongoing">{gettext("Ongoing")}</span>' in html
        assert gettext(DISAGREE) not in html.replace("&#x27;", "'")


def _summary(client, plan, language="fr") -> str:
    html = client.get(plan.get_absolute_url().replace("/ar/", f"/{language}/", 1)).content.decode()
    start = html.index('<p class="cocreation-summary">')
    return " ".join(html[start : html.index("</p>", start)].split())


def _record(plan, *stages):
    previous = ActionPlan.Stage.CONSULTATION
    for stage in stages:
        PlanStageChange.objects.create(
            plan=plan,
            from_stage=previous,
            to_stage=stage,
            recorded=True,
            happened_on=datetime.date(plan.start_year, 1, 15),
        )
        previous = stage


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_without_workshops_says_so_instead_of_zero_counts(client, language):
    live = factories.ActionPlanFactory(stage=ActionPlan.Stage.CONSULTATION)
    existing = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.IMPLEMENTATION, start_year=2021, end_year=2023
    )
    _record(existing, ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION)
    with translation.override(language):
        not_yet = gettext("No co-creation workshop recorded yet.")
        entered = gettext(
            "This plan was entered on the portal after its adoption: its co-creation workshops "
            "are not recorded here."
        )
    for plan, phrase in ((live, not_yet), (existing, entered)):
        summary = _summary(client, plan, language).replace("&#x27;", "'")
        assert phrase in summary
        assert "0" not in summary.removeprefix('<p class="cocreation-summary">'), summary


def test_plan_with_workshops_counts_only_what_was_recorded(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.CONSULTATION)
    factories.WorkshopFactory(
        council=plan.council,
        plan=plan,
        **dict.fromkeys(PARTICIPANT_CATEGORY_FIELDS, 0),
        participants_women=0,
        participants_men=0,
    )
    with translation.override("fr"):
        summary = _summary(client, plan)
        assert gettext("participants not recorded") in summary
        assert gettext("no proposal recorded") in summary
        assert "%" not in summary
