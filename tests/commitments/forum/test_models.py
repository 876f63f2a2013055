"""The forum's rules: one forum per council, members' dates, meetings' attendance and plan,
endorsements of one version of a plan of the forum's council, never dated in the future."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.models import ForumMeeting, ForumMember, PlanEndorsement
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _messages(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict.get(field, [])


def test_forum_is_one_per_council():
    forum = factories.ForumFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ForumFactory(council=forum.council)


def test_forum_needs_a_name_in_one_language_and_no_future_date():
    forum = factories.ForumFactory.build(
        council=factories.CouncilFactory(), name_ar="", name_fr=" ", established_on=TOMORROW
    )
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        forum.full_clean()
    assert "established_on" in error.value.message_dict
    assert _messages(error, "name_ar")


def test_member_is_private_by_default_and_cannot_leave_before_joining():
    member = factories.ForumMemberFactory()
    assert member.public is False
    member.joined_on, member.left_on = datetime.date(2023, 1, 10), datetime.date(2022, 1, 1)
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            member.full_clean()
        assert gettext("A member cannot leave before joining.") in _messages(error, "left_on")
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_current_members_leave_out_those_who_left():
    forum = factories.ForumFactory()
    staying = factories.ForumMemberFactory(forum=forum)
    factories.ForumMemberFactory(forum=forum, left_on=datetime.date(2023, 1, 1))
    assert list(ForumMember.objects.current()) == [staying]


def test_meeting_counts_must_add_up():
    meeting = factories.ForumMeetingFactory.build(
        forum=factories.ForumFactory(), attendees=10, attendees_women=6, attendees_men=5
    )
    with translation.override("ar"), pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert _messages(error, "attendees_women")
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()
    meeting.attendees_men = 4
    meeting.full_clean()


def test_meeting_plan_must_be_of_the_forum_council():
    meeting = factories.ForumMeetingFactory.build(
        forum=factories.ForumFactory(), plan=factories.ActionPlanFactory()
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert _messages(error, "plan")
    meeting.plan = factories.ActionPlanFactory(council=meeting.forum.council)
    meeting.full_clean()


def test_public_meetings_leave_out_those_of_a_plan_in_preparation():
    forum = factories.ForumFactory()
    draft = factories.ActionPlanFactory(council=forum.council)
    public = factories.ActionPlanFactory(
        council=forum.council, start_year=2021, end_year=2023, stage=ActionPlan.Stage.ADOPTED
    )
    general = factories.ForumMeetingFactory(forum=forum)
    about_public = factories.ForumMeetingFactory(forum=forum, plan=public)
    factories.ForumMeetingFactory(forum=forum, plan=draft)
    assert set(ForumMeeting.objects.public()) == {general, about_public}


def test_endorsement_refuses_future_date_other_council_forum_and_other_forum_meeting():
    plan = factories.ActionPlanFactory()
    other_forum = factories.ForumFactory()
    endorsement = PlanEndorsement(
        plan=plan,
        forum=other_forum,
        version=1,
        endorsed_on=TOMORROW,
        meeting=factories.ForumMeetingFactory(forum=other_forum),
    )
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            endorsement.full_clean()
        assert gettext("This date is in the future.") in _messages(error, "endorsed_on")
    assert _messages(error, "forum")
    forum = factories.ForumFactory(council=plan.council)
    endorsement.forum, endorsement.endorsed_on = forum, datetime.date(2023, 6, 1)
    with pytest.raises(ValidationError) as error:
        endorsement.full_clean()
    assert set(error.value.message_dict) == {"meeting"}
    endorsement.meeting = factories.ForumMeetingFactory(
        forum=forum, held_on=datetime.date(2023, 6, 1)
    )
    endorsement.full_clean()


def test_endorsement_takes_the_version_of_a_published_version_of_the_same_plan():
    endorsement = factories.PlanEndorsementFactory.build(
        plan=factories.ActionPlanFactory(), version=None
    )
    with pytest.raises(ValidationError) as error:
        endorsement.full_clean()
    assert _messages(error, "version")
    endorsement.publication = factories.PlanPublicationFactory(plan=endorsement.plan, version=3)
    endorsement.full_clean()
    assert endorsement.version == 3
    endorsement.publication = factories.PlanPublicationFactory()
    endorsement.version = None
    with pytest.raises(ValidationError) as error:
        endorsement.full_clean()
    assert _messages(error, "publication")


def test_endorsement_is_one_per_version():
    first = factories.PlanEndorsementFactory()
    again = PlanEndorsement(
        plan=first.plan, forum=first.forum, version=1, endorsed_on=datetime.date(2023, 7, 1)
    )
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            again.full_clean()
        assert gettext("The forum already endorsed this version of the plan.") in str(error.value)
    again.version = 2
    again.full_clean()


def test_endorsement_of_a_closed_plan_is_refused():
    endorsement = factories.PlanEndorsementFactory()
    ActionPlan.objects.filter(pk=endorsement.plan_id).update(stage=ActionPlan.Stage.CLOSED)
    late = PlanEndorsement(
        plan=ActionPlan.objects.get(pk=endorsement.plan_id),
        forum=endorsement.forum,
        version=2,
        endorsed_on=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        late.full_clean()
    assert _messages(error, "plan")
