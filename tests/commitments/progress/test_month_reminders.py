"""A milestone due in a month is due until the month's last day: the reminders, the overdue and
due-soon queries and the counts read it so, and the e-mail gives the month, not a day."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Milestone, ReminderLog
from commitments.progress.reminders import coordinators_remind
from consultations.models import ActionPlan
from opengov.dates import DatePrecision
from opengov.models import StaffProfile
from opengov.roles import COORDINATOR
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = DatePrecision.MONTH


@pytest.fixture
def due_in_march():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    milestone = factories.MilestoneFactory(
        commitment=factories.CommitmentFactory(plan=plan),
        title_fr="Publier le budget",
        start_date=None,
        due_date=D(2025, 3, 1),  # typed as "2025-03": stored as the 31st
        due_date_precision=MONTH,
    )
    coordinator = factories.UserFactory(is_staff=True, email="coordination@mail.test")
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    plan.council.staff.add(coordinator)
    return milestone, coordinator


def states(milestone) -> list[str]:
    return sorted(ReminderLog.objects.filter(milestone=milestone).values_list("state", flat=True))


def test_a_due_month_is_reminded_as_due_soon_to_its_last_day_and_overdue_after(
    due_in_march, mailoutbox
):
    milestone, coordinator = due_in_march
    assert milestone.due_date == D(2025, 3, 31)
    assert coordinators_remind(today=D(2025, 3, 2)) == 1
    assert states(milestone) == ["due_soon"]
    # Any day of March: still not overdue, and not reminded again.
    assert coordinators_remind(today=D(2025, 3, 31)) == 0
    assert states(milestone) == ["due_soon"]
    assert coordinators_remind(today=D(2025, 4, 1)) == 1
    assert states(milestone) == ["due_soon", "overdue"]
    assert [m.to for m in mailoutbox] == [[coordinator.email]] * 2


def test_the_queries_agree_with_the_reminders(due_in_march):
    milestone, _coordinator = due_in_march
    mine = Milestone.objects.filter(pk=milestone.pk)
    assert not mine.overdue(on=D(2025, 3, 31)).exists()
    assert mine.overdue(on=D(2025, 4, 1)).exists()
    assert mine.due_within(30, on=D(2025, 3, 31)).exists()
    assert not mine.due_within(30, on=D(2025, 4, 1)).exists()
    assert milestone.commitment.milestone_counts(D(2025, 3, 31)).overdue == 0
    assert milestone.commitment.milestone_counts(D(2025, 4, 1)).overdue == 1


@pytest.mark.parametrize(("language", "month"), [("fr", "mars 2025"), ("ar", "مارس 2025")])
def test_the_reminder_gives_the_month_in_the_coordinators_language(
    due_in_march, mailoutbox, language, month
):
    _milestone, coordinator = due_in_march
    StaffProfile.objects.create(user=coordinator, language=language)
    coordinators_remind(today=D(2025, 4, 1))
    (mail,) = mailoutbox
    with translation.override(language):
        assert gettext("due in %(month)s") % {"month": month} in mail.body
    (line,) = [line for line in mail.body.splitlines() if month in line]
    assert "31" not in line  # no invented day
