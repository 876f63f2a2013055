"""The demo loader: real events, consistent data, and a second run that changes nothing."""

import datetime
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.forms.models import model_to_dict

from commitments.models import Commitment, Forum, Milestone
from commitments.plan_record import recorded_adoption_problems
from commitments.selectors import plan_readiness
from consultations.models import (
    ActionPlan,
    Council,
    CouncilProgramme,
    PlanStageChange,
    Proposal,
    Workshop,
)
from devdata.demo import load_demo
from tests.factories import seed_goals

SAMPLE = json.loads(
    (Path(__file__).parents[1] / "commitments/data/ogp_matet0003.json").read_text("utf-8")
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def _snapshot() -> dict:
    """Every row of every project model (history included), as plain values."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in ("consultations", "commitments", "auth"):
            continue
        rows[model._meta.label] = sorted(
            (
                json.dumps(model_to_dict(obj), default=str, sort_keys=True)
                for obj in model.objects.all()
            ),
        )
        rows[model._meta.label + ".updated"] = sorted(
            str(getattr(obj, "updated_at", "")) for obj in model.objects.all()
        )
    return rows


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (about a second and a half each time) in a
    transaction rolled back at the module's end. Each test runs inside it in a savepoint of its
    own (pytest-django's `db`), so what a test changes is gone for the next. Tests that need the
    database without the demo live in test_demo_command.py: they would see it here."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_goals()  # the demo links commitments to them
        yield load_demo(today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db):
    return _demo_loaded


def test_regions_fixture_has_the_twelve_regions_in_both_languages(demo):
    regions = Council.objects.filter(kind=Council.Kind.REGION)
    assert regions.count() == 12
    assert all(r.name_ar and r.name_fr for r in regions)
    tta = Council.objects.get(slug="tanger-tetouan-al-hoceima")
    assert tta.name_ar == "جهة طنجة تطوان الحسيمة"
    assert tta.code == "TTA"


def test_al_hoceima_consultation_of_6_january_2024(demo):
    workshop = Workshop.objects.get(starts_on=datetime.date(2024, 1, 6))
    assert workshop.city_fr == "Al Hoceima"
    assert workshop.venue_fr == "Centre régional de formation"
    assert workshop.plan.start_year == 2024 and workshop.plan.end_year == 2026
    assert workshop.plan.council.slug == "tanger-tetouan-al-hoceima"
    groups = list(workshop.groups.order_by("position"))
    assert len(groups) == 5
    assert groups[0].title_fr == "Genre et inclusion sociale"
    assert all(g.proposals.exists() for g in groups)
    assert workshop.participants_women + workshop.participants_men <= workshop.participants_total


def test_oriental_plan_is_open_for_comments_on_the_day_it_is_loaded(demo):
    plan = ActionPlan.objects.get(council__slug="oriental", start_year=2025)
    assert plan.is_open_for_comments(on=TODAY)
    assert not plan.is_open_for_comments(on=TODAY + datetime.timedelta(days=31))
    workshop = Workshop.objects.get(plan=plan)
    assert workshop.groups.count() == 4


def test_saidia_network_meeting(demo):
    meeting = Workshop.objects.get(kind=Workshop.Kind.NETWORK_MEETING)
    assert (meeting.starts_on, meeting.ends_on) == (
        datetime.date(2024, 11, 12),
        datetime.date(2024, 11, 13),
    )
    assert meeting.city_fr == "Saïdia"
    assert meeting.plan is None
    assert 340 <= meeting.participants_total <= 360
    assert meeting.groups.count() == 4


def test_communes_and_every_stage(demo):
    assert Council.objects.get(slug="agadir").parent.slug == "souss-massa"
    assert Council.objects.get(slug="kenitra").parent.slug == "rabat-sale-kenitra"
    stages = set(ActionPlan.objects.values_list("stage", flat=True))
    assert stages == set(ActionPlan.Stage.values)


def test_commitments_trace_back_to_proposals(demo):
    commitment = Commitment.objects.get(reference="TTA-2024-01")
    sources = list(commitment.source_proposals.all())
    assert len(sources) == 2
    assert all(p.working_group is not None for p in sources)
    assert commitment.milestones.count() == 3
    assert commitment.indicators.count() == 1
    assert Milestone.objects.filter(status=Milestone.Status.COMPLETED).exists()


def test_adopted_and_running_plans_are_ready_and_every_proposal_answered(demo):
    for plan in ActionPlan.objects.filter(
        stage__in=[ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION]
    ):
        if plan.workshops.exists():
            problems = [p for item in plan_readiness(plan) for p in item.problems]
        else:  # co-created outside the portal: what a recorded adoption asks
            problems = recorded_adoption_problems(plan)
        assert problems == [], plan
        assert not Proposal.objects.filter(plan=plan).unanswered().exists()
    not_retained = Proposal.objects.filter(status=Proposal.Status.NOT_RETAINED)
    assert not_retained.exists()
    assert all(p.response_ar and p.response_fr for p in not_retained)


def test_the_first_tanger_plan_is_dated_in_months_as_ogp_gives_it(demo):
    commitment = Commitment.objects.get(reference="TTA-2021-01")
    assert (commitment.start_date_precision, commitment.end_date_precision) == ("month", "month")
    assert (commitment.start_date, commitment.end_date) == (
        datetime.date(2021, 3, 1),
        datetime.date(2023, 6, 30),
    )


def test_second_run_changes_nothing(demo):
    before = _snapshot()
    created = load_demo(today=TODAY + datetime.timedelta(days=3))
    assert not created
    assert _snapshot() == before


def test_demo_keeps_edits_made_after_loading(demo):
    commitment = Commitment.objects.get(reference="TTA-2024-02")
    commitment.title_fr = "Titre corrigé par la coordinatrice"
    commitment.save()
    load_demo(today=TODAY)
    commitment.refresh_from_db()
    assert commitment.title_fr == "Titre corrigé par la coordinatrice"


def test_tanger_forum_counts_its_members_meets_and_endorses_both_plans(demo):
    forum = Forum.objects.get(council__slug="tanger-tetouan-al-hoceima")
    assert forum.members.count() == 8
    assert forum.members.filter(public=True).count() == 3
    assert forum.meetings.count() == 2
    endorsed = forum.endorsements.values_list("plan__start_year", "version")
    assert sorted(endorsed) == [(2021, 1), (2024, 1)]


def test_past_stage_changes_are_recorded_with_their_real_dates(demo):
    changes = list(PlanStageChange.objects.select_related("plan__council"))
    assert changes
    for change in changes:
        assert change.recorded, change
        assert change.happened_on is not None and change.happened_on <= TODAY, change
    # Each plan's moves follow one another in time.
    for plan in ActionPlan.objects.exclude(stage=ActionPlan.Stage.PREPARATION):
        dates = [c.happened_on for c in plan.stage_changes.order_by("changed_at", "id")]
        assert dates and dates == sorted(dates), plan
        assert plan.stage_changes.order_by("changed_at", "id").last().to_stage == plan.stage
    first = ActionPlan.objects.get(council__slug="tanger-tetouan-al-hoceima", start_year=2021)
    closure = first.stage_changes.get(to_stage=ActionPlan.Stage.CLOSED)
    assert closure.happened_on == datetime.date(2023, 12, 31)
    assert first.stage == ActionPlan.Stage.CLOSED


def test_tetouan_s_plan_carries_two_real_commitments_as_ogp_publishes_them(demo):
    plan = ActionPlan.objects.get(council__slug="tetouan", start_year=2022)
    assert plan.stage == ActionPlan.Stage.IMPLEMENTATION
    adoption = plan.stage_changes.get(to_stage=ActionPlan.Stage.ADOPTED)
    assert adoption.recorded and adoption.happened_on == datetime.date(2022, 12, 15)
    assert (plan.consultation_opens_on, plan.consultation_closes_on) == (
        datetime.date(2022, 10, 3),
        datetime.date(2022, 10, 31),
    )
    by_id = {c.ogp_id: c for c in plan.commitments.all()}
    assert set(by_id) == {"MATET0003", "MATET0011"}
    publication = by_id["MATET0003"]
    assert publication.policy_area == "Open Data, Right to Information"
    assert publication.sector == "Public Services (general), Other/NA"
    assert publication.transparency and not publication.participation
    assert (publication.start_date, publication.end_date) == (
        datetime.date(2023, 1, 1),
        datetime.date(2024, 3, 31),
    )
    assert by_id["MATET0011"].participation
    assert by_id["MATET0011"].start_date == datetime.date(2022, 11, 1)
    # The addresses exactly as OGP's pages give them.
    assert publication.ogp_url == SAMPLE["source"]
    assert by_id["MATET0011"].ogp_url == (
        "https://opengovpartnership.org/members/t%C3%A9touan-(municipality)-morocco"
        "/commitments/matet0011"
    )
    pac = CouncilProgramme.objects.get(council__slug="tetouan", kind="pac")
    assert {c.programme for c in by_id.values()} == {pac}
    assert [g.number for g in by_id["MATET0011"].sdgs.all()] == [5, 10, 16]


def test_a_few_commitments_fill_ogp_s_fields_and_their_links(demo):
    commitment = Commitment.objects.get(reference="TTA-2024-01")
    assert commitment.contribution_fr and commitment.contribution_ar
    assert commitment.long_term_goal_fr and commitment.challenge_area == "fiscal_openness"
    assert commitment.policy_area and commitment.sector
    assert [g.number for g in commitment.sdgs.all()] == [16, 17]
    assert commitment.programme.kind == "pdr"
    assert commitment.programme.council == commitment.plan.council
    assert commitment.programme_reference
    assert commitment.milestones.exclude(responsible_fr="").count() == 2
    assert Commitment.objects.exclude(ogp_id="").count() == 2
    assert Commitment.objects.exclude(challenge_area="").count() >= 2
