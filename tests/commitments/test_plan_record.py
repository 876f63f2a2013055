"""Recording a plan adopted outside the portal (commitments.plan_record), through the service and
through the admin page a coordinator uses; indicators recommended, not required."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from commitments import plan_record, services
from commitments.models import Commitment
from commitments.selectors import plan_readiness
from consultations.models import ActionPlan, PlanStageChange
from opengov import roles
from tests import factories
from tests.admin.helpers import form_values

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
TODAY = datetime.date(2026, 12, 7)
# MATET0003 of Tétouan's 2022-2026 plan, as OGP publishes it (dates are months there).
TETOUAN = json.loads((Path(__file__).parent / "data" / "tetouan_commitment.json").read_text())
REAL_DATES = {
    "consultation_opens_on": datetime.date(2022, 10, 3),
    "consultation_closes_on": datetime.date(2022, 10, 31),
    "adopted_on": datetime.date(2022, 12, 15),
}


@pytest.fixture(autouse=True)
def _messages_in_source_language():
    with translation.override("en"):
        yield


def tetouan_plan(council=None) -> ActionPlan:
    """Tétouan's plan in preparation, with its real commitment MATET0003 (a milestone, no
    indicator, French text only)."""
    start, end = (int(y) for y in TETOUAN["plan_period"].split("-"))
    plan = factories.ActionPlanFactory(
        council=council or factories.CouncilFactory(), start_year=start, end_year=end
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference=TETOUAN["id"],
        title_ar="",
        title_fr=TETOUAN["title"],
        lead_agency_ar="",
        lead_agency_fr=TETOUAN["lead_agency"],
        # What will be done: required in one language (OGP's "action").
        description_ar="",
        description_fr="Refonte du portail web de la commune, avec une page de publication "
        "proactive (loi 31-13, article 10).",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2024, 3, 31),
    )
    factories.MilestoneFactory(
        commitment=commitment,
        start_date=datetime.date(2023, 1, 1),
        due_date=datetime.date(2024, 3, 31),
    )
    return plan


def test_record_plan_adopted_in_2022_keeps_real_dates_and_recorder():
    plan = tetouan_plan()
    coordinator = factories.UserFactory()

    changes = plan_record.plan_record_stages(
        plan=plan, to_stage=Stage.ADOPTED, by=coordinator, today=TODAY, **REAL_DATES
    )

    plan.refresh_from_db()
    assert plan.stage == Stage.ADOPTED
    assert plan.consultation_opens_on == datetime.date(2022, 10, 3)
    assert plan.consultation_closes_on == datetime.date(2022, 10, 31)
    stored = list(plan.stage_changes.order_by("changed_at", "id"))
    assert stored == changes
    assert [(c.from_stage, c.to_stage, c.happened_on) for c in stored] == [
        (Stage.PREPARATION, Stage.CONSULTATION, datetime.date(2022, 10, 3)),
        (Stage.CONSULTATION, Stage.ADOPTED, datetime.date(2022, 12, 15)),
    ]
    assert all(c.recorded and c.changed_by == coordinator and c.changed_at for c in stored)


def test_record_without_online_consultation_goes_from_preparation_to_adopted():
    plan = tetouan_plan()

    plan_record.plan_record_stages(
        plan=plan,
        to_stage=Stage.ADOPTED,
        by=None,
        adopted_on=datetime.date(2022, 12, 15),
        today=TODAY,
    )

    change = plan.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.recorded) == (
        Stage.PREPARATION,
        Stage.ADOPTED,
        True,
    )
    plan.refresh_from_db()
    assert plan.consultation_opens_on is None


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {**REAL_DATES, "consultation_closes_on": datetime.date(2022, 9, 1)},
            "consultation_closes_on",
            "The consultation cannot close before it opens.",
        ),
        (
            {**REAL_DATES, "adopted_on": datetime.date(2022, 10, 20)},
            "adopted_on",
            "This date is before the previous step of the plan (10/31/2022).",
        ),
        (
            {**REAL_DATES, "implementation_started_on": datetime.date(2022, 11, 1)},
            "implementation_started_on",
            "This date is before the previous step of the plan (12/15/2022).",
        ),
        (
            {**REAL_DATES, "implementation_started_on": datetime.date(2027, 1, 2)},
            "implementation_started_on",
            "A recorded date cannot be in the future.",
        ),
        (
            {**REAL_DATES, "implementation_started_on": None},
            "implementation_started_on",
            "Give the date the implementation started.",
        ),
        (
            {**REAL_DATES, "consultation_closes_on": None, "implementation_started_on": TODAY},
            "consultation_closes_on",
            "Give both dates of the consultation, or neither if it was not held online.",
        ),
        (
            {**REAL_DATES, "implementation_started_on": TODAY, "closed_on": TODAY},
            "closed_on",
            "Leave this date empty: the recording does not go through that stage.",
        ),
    ],
)
def test_record_refuses_bad_dates_and_stores_nothing(dates, field, message):
    plan = tetouan_plan()

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan, to_stage=Stage.IMPLEMENTATION, by=None, today=TODAY, **dates
        )

    assert error.value.message_dict[field] == [message]
    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARATION and plan.consultation_opens_on is None
    assert not PlanStageChange.objects.exists()


def test_record_refuses_a_date_before_the_plans_last_stage_change():
    plan = tetouan_plan()
    plan_record.plan_record_stages(
        plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY, **REAL_DATES
    )

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan,
            to_stage=Stage.IMPLEMENTATION,
            by=None,
            implementation_started_on=datetime.date(2022, 12, 1),
            today=TODAY,
        )

    assert "before the previous step" in error.value.message_dict["implementation_started_on"][0]
    assert plan.stage_changes.count() == 2


def test_record_refuses_closure_before_the_plans_end_year():
    plan = tetouan_plan()

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan,
            to_stage=Stage.CLOSED,
            by=None,
            implementation_started_on=datetime.date(2023, 1, 2),
            closed_on=datetime.date(2025, 6, 30),
            today=TODAY,
            **REAL_DATES,
        )

    assert error.value.message_dict["closed_on"] == [
        "A plan cannot be closed before its last year (2026)."
    ]
    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARATION
    assert not PlanStageChange.objects.exists()


def test_recorded_adoption_keeps_ogps_requirements():
    plan = tetouan_plan()
    factories.CommitmentFactory(plan=plan, reference="MATET0009")  # no milestone

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY, **REAL_DATES
        )

    assert "Commitment MATET0009 has no milestone." in error.value.messages
    assert not PlanStageChange.objects.exists()


def test_record_refuses_a_stage_the_plan_has_passed():
    plan = tetouan_plan()
    plan_record.plan_record_stages(
        plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY, **REAL_DATES
    )

    with pytest.raises(ValidationError) as error:
        plan_record.plan_record_stages(
            plan=plan, to_stage=Stage.ADOPTED, by=None, adopted_on=TODAY, today=TODAY
        )

    assert error.value.message_dict["to_stage"] == ["The plan is already at “Adopted” or beyond."]


def test_recorded_plan_gets_its_records_then_closure_then_refuses_more():
    plan = tetouan_plan()
    plan_record.plan_record_stages(
        plan=plan,
        to_stage=Stage.IMPLEMENTATION,
        by=None,
        implementation_started_on=datetime.date(2023, 1, 2),
        today=TODAY,
        **REAL_DATES,
    )
    plan.refresh_from_db()
    added = Commitment(
        plan=plan, reference="MATET0004", title_fr="Budget participatif", lead_agency_fr="DGS"
    )
    added.full_clean()
    added.save()

    later = datetime.date(2027, 1, 15)
    plan_record.plan_record_stages(
        plan=plan,
        to_stage=Stage.CLOSED,
        by=None,
        closed_on=datetime.date(2026, 12, 31),
        today=later,
    )

    plan.refresh_from_db()
    assert plan.is_closed
    last = plan.stage_changes.order_by("-changed_at", "-id").first()
    assert (last.from_stage, last.to_stage, last.happened_on, last.recorded) == (
        Stage.IMPLEMENTATION,
        Stage.CLOSED,
        datetime.date(2026, 12, 31),
        True,
    )
    refused = Commitment(plan=plan, reference="MATET0005", title_fr="Trop tard")
    with pytest.raises(ValidationError, match="closed"):
        refused.full_clean()
    with pytest.raises(ValidationError, match="closed"):
        plan_record.plan_record_stages(
            plan=plan, to_stage=Stage.CLOSED, by=None, closed_on=later, today=later
        )
    assert plan.commitments.count() == 2


def test_missing_indicator_is_a_warning_not_a_block():
    plan = tetouan_plan()
    plan.stage = Stage.CONSULTATION
    plan.save()

    item = next(i for i in plan_readiness(plan) if i.key == "commitments")

    assert item.ok
    assert item.warnings == ["Commitment MATET0003 has no indicator."]
    problems = services.plan_stage_problems(plan, Stage.ADOPTED, today=TODAY)
    assert not any("indicator" in p for p in problems)


# --- through the admin -----------------------------------------------------------------------


# The admin is requested in French (the URL's prefix picks the language); expected texts are
# taken from the catalogue, so the tests hold once the new messages are translated.


def record_url(plan) -> str:
    with translation.override("fr"):
        return reverse("admin:consultations_actionplan_record", args=[plan.pk])


def change_url(plan) -> str:
    with translation.override("fr"):
        return reverse("admin:consultations_actionplan_change", args=[plan.pk])


def in_french(message: str, **values) -> str:
    with translation.override("fr"):
        return translation.gettext(message) % values if values else translation.gettext(message)


def short_date(day: datetime.date) -> str:
    with translation.override("fr"):
        return date_format(day, "SHORT_DATE_FORMAT")


def test_coordinator_records_the_plan_through_the_admin(client, staff_user):
    plan = tetouan_plan()
    coordinator = staff_user(roles.COORDINATOR, plan.council, username="karima")
    client.force_login(coordinator)
    change_page = client.get(change_url(plan)).content.decode()
    assert record_url(plan) in change_page
    warning = in_french("Commitment %(reference)s has no indicator.", reference="MATET0003")
    assert f"{in_french('Recommended')}: {warning}" in change_page

    page = client.get(record_url(plan))
    assert page.status_code == 200
    data = form_values(page.context["form"])
    data.update({"to_stage": Stage.ADOPTED, **{k: v.isoformat() for k, v in REAL_DATES.items()}})
    response = client.post(record_url(plan), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.stage == Stage.ADOPTED
    assert set(plan.stage_changes.values_list("changed_by", "recorded")) == {(coordinator.pk, True)}
    history = client.get(change_url(plan)).content.decode()
    line = in_french(
        "on %(date)s (recorded on %(recorded_on)s by %(user)s)",
        date=short_date(datetime.date(2022, 12, 15)),
        recorded_on=short_date(timezone.localdate(plan.stage_changes.first().changed_at)),
        user="karima",
    )
    assert escape(line) in history
    with translation.override("fr"):
        public = client.get(plan.get_absolute_url())
    assert 'datetime="2022-12-15"' in public.content.decode()
    assert escape(in_french("recorded afterwards")) in public.content.decode()


def test_admin_form_shows_errors_and_stores_nothing(client, staff_user):
    plan = tetouan_plan()
    client.force_login(staff_user(roles.COORDINATOR, plan.council))
    future = timezone.localdate() + datetime.timedelta(days=40)

    response = client.post(
        record_url(plan),
        {"to_stage": Stage.ADOPTED, "adopted_on": future.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["adopted_on"] == [
        in_french("A recorded date cannot be in the future.")
    ]
    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARATION
    assert not PlanStageChange.objects.exists()


@pytest.mark.parametrize(
    ("role", "own_council", "status"),
    [
        (roles.COUNCIL_STAFF, True, 403),
        (roles.MODERATOR, True, 403),
        (roles.COORDINATOR, False, 404),
    ],
)
def test_admin_record_refused_without_rights_on_the_plan(
    client, staff_user, role, own_council, status
):
    plan = tetouan_plan()
    council = plan.council if own_council else factories.CouncilFactory()
    client.force_login(staff_user(role, council))
    data = {"to_stage": Stage.ADOPTED, "adopted_on": "2022-12-15"}

    assert client.get(record_url(plan)).status_code == status
    assert client.post(record_url(plan), data).status_code == status

    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARATION
    assert not PlanStageChange.objects.exists()


def test_feed_tells_the_real_date_of_a_recorded_move(client):
    plan = tetouan_plan()
    plan_record.plan_record_stages(
        plan=plan, to_stage=Stage.ADOPTED, by=None, today=TODAY, **REAL_DATES
    )

    with translation.override("fr"):
        feed = client.get(reverse("commitments:plan_feed", args=[plan.council.slug, 2022]))

    assert feed.status_code == 200
    told = in_french("Recorded afterwards: the move happened on %(date)s.", date="2022-12-15")
    assert escape(told) in feed.content.decode()
