"""The plans' commitment and milestone totals (PlanCounters, commitments.counters) stay equal to
a live count through every write path: the models' save and delete (cascades included), moves
between plans, the progress service, the admin and its milestone inline, the plan import, the
bulk recount (`manage.py refresh_counters`) and the beat's recount of the overdue ones after
the date changed; and the home page reads them."""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.counters import refresh_overdue_counts
from commitments.models import Commitment, Milestone, PlanCounters
from commitments.progress.services import milestone_record_progress
from commitments.selectors import network_commitment_totals
from consultations.models import ActionPlan
from opengov import dataversion
from opengov.celery import app as celery_app
from opengov.roles import COORDINATOR
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db

Status = Milestone.Status
TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=30)
LATER = TODAY + datetime.timedelta(days=30)


def _live(plan, on=None):
    counts = Milestone.objects.filter(commitment__plan=plan).counts(on)
    return Commitment.objects.filter(plan=plan).count(), counts.total, counts.done, counts.overdue


def _stored(plan):
    row = PlanCounters.objects.filter(plan=plan).first()
    if row is None:
        return 0, 0, 0, 0
    return row.commitments, row.milestones, row.milestones_done, row.milestones_overdue


def _milestone(commitment, due=PAST, **fields):
    return factories.MilestoneFactory(
        commitment=commitment, start_date=None, due_date=due, **fields
    )


@pytest.fixture
def plans():
    stage = ActionPlan.Stage.IMPLEMENTATION
    return factories.ActionPlanFactory(stage=stage), factories.ActionPlanFactory(stage=stage)


def test_totals_follow_every_save_and_delete(plans):
    plan, _other = plans
    first = factories.CommitmentFactory(plan=plan)
    second = factories.CommitmentFactory(plan=plan)
    assert _stored(plan) == _live(plan) == (2, 0, 0, 0)

    overdue = _milestone(first)
    done = _milestone(first, status=Status.COMPLETED, completed_on=PAST)
    _milestone(second, due=LATER)
    assert _stored(plan) == _live(plan) == (2, 3, 1, 1)

    overdue.status = Status.CANCELLED
    overdue.save()
    assert _stored(plan) == _live(plan) == (2, 2, 1, 0)
    done.delete()
    assert _stored(plan) == _live(plan) == (2, 1, 0, 0)
    _milestone(second, due=PAST)
    assert _stored(plan) == _live(plan) == (2, 2, 0, 1)

    second.delete()  # its milestones go with it (a cascade)
    assert _stored(plan) == _live(plan) == (1, 0, 0, 0)


def test_moving_a_milestone_or_a_commitment_recounts_both_plans(plans):
    plan, other = plans
    commitment = factories.CommitmentFactory(plan=plan)
    elsewhere = factories.CommitmentFactory(plan=other)
    milestone = _milestone(commitment)

    moved = Milestone.objects.get(pk=milestone.pk)  # as loaded by a form: no cached commitment
    moved.commitment_id = elsewhere.pk
    moved.save()
    assert _stored(plan) == _live(plan) == (1, 0, 0, 0)
    assert _stored(other) == _live(other) == (1, 1, 0, 1)

    elsewhere.plan = plan
    elsewhere.save()
    assert _stored(plan) == _live(plan) == (2, 1, 0, 1)
    assert _stored(other) == _live(other) == (0, 0, 0, 0)


def test_the_progress_service_keeps_the_totals(plans, staff_user):
    plan, _other = plans
    milestone = _milestone(factories.CommitmentFactory(plan=plan))
    assert _stored(plan) == (1, 1, 0, 1)
    milestone_record_progress(
        milestone=milestone,
        status=Status.COMPLETED,
        completed_on=TODAY,
        note_fr="Fait.",
        by=staff_user(COORDINATOR, plan.council),
    )
    assert _stored(plan) == _live(plan) == (1, 1, 1, 0)


def test_the_admin_and_its_milestone_inline_keep_the_totals(client, staff_user, plans):
    plan, _other = plans
    commitment = factories.CommitmentFactory(plan=plan)
    _milestone(commitment)
    _milestone(commitment, due=LATER)
    client.force_login(staff_user(COORDINATOR, plan.council))

    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    data = admin_form_data(client.get(url))
    data.update({"milestones-0-status": Status.COMPLETED, "milestones-0-completed_on": PAST})
    data["milestones-1-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert _stored(plan) == _live(plan) == (1, 1, 1, 0)

    url = reverse("admin:commitments_milestone_add")
    data = admin_form_data(client.get(url))
    data.update(
        {
            "commitment": str(commitment.pk),
            "title_fr": "Jalon ajouté",
            "due_date": PAST.isoformat(),
            "status": Status.NOT_STARTED,
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert _stored(plan) == _live(plan) == (1, 2, 1, 1)


def test_the_plan_import_keeps_the_totals(admin_client):
    plan = factories.ActionPlanFactory(start_year=2031, end_year=2033)
    url = reverse("admin:consultations_actionplan_import", args=[plan.pk])
    template = admin_client.get(
        reverse("admin:consultations_actionplan_import_template", args=[plan.pk, "plan.xlsx"])
    )
    preview = admin_client.post(
        url, {"workbook": SimpleUploadedFile("plan.xlsx", template.content)}
    )
    admin_client.post(url, {"token": preview.context["token"]})
    assert Commitment.objects.filter(plan=plan).count() == 1
    assert _stored(plan) == _live(plan)
    assert _stored(plan)[:2] == (1, 1)


def test_refresh_counters_recounts_from_scratch(plans):
    plan, other = plans
    commitment = factories.CommitmentFactory(plan=plan)
    _milestone(commitment)
    _milestone(commitment, status=Status.COMPLETED, completed_on=PAST)
    factories.CommitmentFactory(plan=other)
    expected = {plan.pk: _live(plan), other.pk: _live(other)}
    # Drifted (a bulk load that bypassed the models) and missing rows.
    PlanCounters.objects.filter(plan=plan).update(commitments=9, milestones=9, milestones_done=0)
    PlanCounters.objects.filter(plan=other).delete()

    out = io.StringIO()
    call_command("refresh_counters", stdout=out)
    assert "plans' commitment and milestone totals: 2 corrected." in out.getvalue()
    assert {plan.pk: _stored(plan), other.pk: _stored(other)} == expected
    assert expected[plan.pk] == (1, 2, 1, 1)
    out = io.StringIO()
    call_command("refresh_counters", stdout=out)
    assert "plans' commitment and milestone totals: 0 corrected." in out.getvalue()


def test_the_nightly_recount_counts_the_milestones_due_yesterday(
    plans, django_capture_on_commit_callbacks
):
    plan, other = plans
    _milestone(factories.CommitmentFactory(plan=plan), due=TODAY)
    _milestone(factories.CommitmentFactory(plan=other), due=LATER)
    assert _stored(plan) == (1, 1, 0, 0)
    tomorrow = TODAY + datetime.timedelta(days=1)
    before = (
        dataversion.data_version(plan.council.slug)[0],
        dataversion.data_version(other.council.slug)[0],
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert refresh_overdue_counts(on=tomorrow) == 1
    assert len(callbacks) == 1
    assert _stored(plan) == _live(plan, on=tomorrow) == (1, 1, 0, 1)
    assert PlanCounters.objects.get(plan=plan).counted_on == tomorrow
    assert PlanCounters.objects.get(plan=other).counted_on == tomorrow
    after = (
        dataversion.data_version(plan.council.slug)[0],
        dataversion.data_version(other.council.slug)[0],
    )
    assert after[0] != before[0] and after[1] == before[1]  # only the council whose figures moved
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert refresh_overdue_counts(on=tomorrow) == 0
    assert callbacks == []  # nothing moved: no page rebuilt


def test_the_nightly_recount_is_a_beat_task():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "overdue" in e["task"]]
    assert [e["task"] for e in entries] == ["commitments.refresh_overdue_counts"]
    assert "commitments.refresh_overdue_counts" in celery_app.tasks
    schedule = entries[0]["schedule"]
    assert isinstance(schedule, crontab) and 0 in schedule.hour  # just after midnight


def test_network_totals_sum_the_public_plans_only(plans):
    plan, _other = plans
    hidden = factories.ActionPlanFactory(stage=ActionPlan.Stage.PREPARATION)
    for each in (plan, hidden):
        commitment = factories.CommitmentFactory(plan=each)
        _milestone(commitment)
        _milestone(commitment, status=Status.COMPLETED, completed_on=PAST)
    commitments, milestones = network_commitment_totals()
    live = Milestone.objects.of_public_plans().counts()
    assert commitments == Commitment.objects.of_public_plans().count() == 1
    assert (milestones.total, milestones.done, milestones.overdue) == (2, 1, 1)
    assert milestones == live


def test_the_home_page_counts_no_milestone(client, plans):
    plan, _other = plans
    _milestone(factories.CommitmentFactory(plan=plan))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert Milestone._meta.db_table not in sql and Commitment._meta.db_table not in sql
    assert response.context["milestones_overdue"] == 1
    assert response.context["commitments"] == 1
