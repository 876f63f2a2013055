"""A plan's repository: each OGP Local requirement with the evidence held and its last update,
in both languages, a notice after four months without an update, the daily reminder to the
council's staff (once per silence), and the list of requirements other parts may extend."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.models import Commitment, Milestone, MilestoneUpdate, PlanReminderLog
from commitments.repository import evidence
from commitments.repository.evidence import Evidence, plan_repository
from commitments.repository.reminders import remind_stale_plans, stale_plans_remind
from consultations.models import ActionPlan, Proposal, Workshop
from opengov.dates import add_months
from opengov.models import StaffProfile
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MODERATOR
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
LONG_AGO = timezone.now() - datetime.timedelta(days=200)


def _url(plan, language="fr"):
    with translation.override(language):
        return reverse("commitments:plan_repository", args=[plan.council.slug, plan.start_year])


def _plan(stage=Stage.IMPLEMENTATION, milestones=1):
    plan = factories.ActionPlanFactory(stage=stage)
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    factories.ProposalFactory(working_group=factories.WorkingGroupFactory(workshop=workshop))
    commitment = factories.CommitmentFactory(plan=plan)
    for _ in range(milestones):
        factories.MilestoneFactory(commitment=commitment)
    return plan


def _age(plan, when=LONG_AGO):
    """Every record of the plan last changed `when`."""
    Workshop.objects.filter(plan=plan).update(updated_at=when)
    Proposal.objects.filter(plan=plan).update(updated_at=when)
    Commitment.objects.filter(plan=plan).update(updated_at=when)
    Milestone.objects.filter(commitment__plan=plan).update(updated_at=when)


def test_add_months_keeps_the_day_or_takes_the_month_last():
    assert add_months(datetime.date(2024, 1, 31), 4) == datetime.date(2024, 5, 31)
    assert add_months(datetime.date(2023, 10, 31), 4) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 11, 15), 4) == datetime.date(2025, 3, 15)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_page_lists_every_requirement_with_what_is_held(client, language):
    plan = _plan()
    forum = factories.ForumFactory(council=plan.council)
    factories.ForumMemberFactory(forum=forum)
    factories.PlanEndorsementFactory(plan=plan, forum=forum, endorsed_on=datetime.date(2024, 2, 3))
    response = client.get(_url(plan, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    for key in ("forum", "forum_meetings", "co_creation", "commitments", "endorsement"):
        assert f'id="requirement-{key}"' in html
    assert 'id="requirement-forum" class="held"' in html
    assert 'id="requirement-endorsement" class="held"' in html
    assert 'id="requirement-published_plan" class="missing"' in html
    with translation.override(language):
        assert escape(gettext("The forum's endorsement of the plan")) in html


def test_page_of_a_plan_in_preparation_is_not_found(client):
    plan = _plan(stage=Stage.PREPARATION)
    assert client.get(_url(plan)).status_code == 404


def test_running_plan_without_update_for_four_months_shows_the_notice(client):
    plan = _plan()
    _age(plan)
    html = client.get(_url(plan)).content.decode()
    assert 'class="banner"' in html
    repository = plan_repository(plan)
    assert repository.stale and repository.last_update == timezone.localdate(LONG_AGO)


def test_recent_update_or_a_plan_not_running_shows_no_notice(client):
    plan = _plan()
    assert not plan_repository(plan).stale
    assert 'class="banner"' not in client.get(_url(plan)).content.decode()
    adopted = _plan(stage=Stage.ADOPTED)
    _age(adopted)
    assert not plan_repository(adopted).stale


def test_a_progress_entry_ends_the_silence():
    plan = _plan()
    _age(plan)
    assert plan_repository(plan).stale
    milestone = Milestone.objects.get(commitment__plan=plan)
    MilestoneUpdate.objects.create(milestone=milestone, status=Milestone.Status.IN_PROGRESS)
    assert not plan_repository(plan).stale


def test_page_queries_do_not_grow_with_the_plan(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # count the rendering, not the cache

    def queries(plan):
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url(plan)).status_code == 200
        return len(context)

    small, large = _plan(milestones=1), _plan(milestones=12)
    assert queries(small) == queries(large)
    with django_assert_max_num_queries(20):
        client.get(_url(large, "ar"))


def test_evidence_providers_can_be_extended(monkeypatch):
    plan = _plan()

    def budget(plan):
        return Evidence("budget", "Budget", "none", False, None)

    monkeypatch.setattr(evidence, "EVIDENCE_PROVIDERS", list(evidence.EVIDENCE_PROVIDERS))
    evidence.add_evidence_provider(budget, after="endorsement")
    evidence.add_evidence_provider(budget)
    keys = [e.key for e in plan_repository(plan).evidence]
    assert keys.count("budget") == 1
    assert keys.index("budget") == keys.index("endorsement") + 1


def test_reminder_goes_once_per_silence_to_the_council_staff(mailoutbox, staff_user):
    plan = _plan()
    _age(plan)
    staff = staff_user(COUNCIL_STAFF, plan.council, email="staff@example.org")
    coordinator = staff_user(COORDINATOR, plan.council, email="coord@example.org")
    staff_user(MODERATOR, plan.council, email="moderator@example.org")
    staff_user(COORDINATOR, factories.CouncilFactory(), email="other@example.org")
    StaffProfile.objects.create(user=coordinator, language="fr")
    assert remind_stale_plans.apply().get() == 2
    mails = {m.to[0]: m for m in mailoutbox}
    assert sorted(mails) == ["coord@example.org", "staff@example.org"]
    for address, language in (("coord@example.org", "fr"), ("staff@example.org", "ar")):
        with translation.override(language):
            subject = gettext("No update of %(plan)s for four months") % {"plan": plan}
            assert mails[address].subject == subject
            assert _url(plan, language) in mails[address].body
    assert stale_plans_remind() == 0
    assert len(mailoutbox) == 2
    assert PlanReminderLog.objects.filter(plan=plan).count() == 2
    # An update, then a new silence: a new reminder.
    milestone = Milestone.objects.filter(commitment__plan=plan).first()
    MilestoneUpdate.objects.create(milestone=milestone, status=Milestone.Status.IN_PROGRESS)
    MilestoneUpdate.objects.filter(milestone=milestone).update(
        created_at=timezone.now() - datetime.timedelta(days=150)
    )
    assert stale_plans_remind() == 2
    assert staff in [log.user for log in PlanReminderLog.objects.filter(plan=plan)]


def test_no_reminder_for_a_plan_updated_recently(mailoutbox, staff_user):
    plan = _plan()
    staff_user(COUNCIL_STAFF, plan.council, email="staff@example.org")
    assert stale_plans_remind() == 0
    assert mailoutbox == []


def test_the_submission_and_the_inception_assessment_are_evidence():
    plan = _plan()
    keys = [e.key for e in plan_repository(plan).evidence]
    assert keys.index("endorsement") < keys.index("submission") < keys.index("inception")
    held = {e.key: e for e in plan_repository(plan).evidence}
    assert not held["submission"].held and not held["inception"].held

    plan.submitted_on = datetime.date(2024, 3, 29)
    plan.ogp_page_url = "https://www.opengovpartnership.org/members/tetouan/"
    plan.save()
    draft = factories.InceptionAssessmentFactory(plan=plan)
    held = {e.key: e for e in plan_repository(plan).evidence}
    assert held["submission"].held and held["submission"].last_update == plan.submitted_on
    assert held["submission"].url == plan.ogp_page_url
    assert not held["inception"].held  # a draft is not evidence the public can see

    draft.delete()
    factories.published_inception(plan)
    held = {e.key: e for e in plan_repository(plan).evidence}
    assert held["inception"].held and held["inception"].url.endswith("#inception-heading")
