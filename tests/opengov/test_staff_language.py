"""Staff e-mails (coordinator reminders, moderation digests) go in the language of the
recipient's staff profile, Arabic by default."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from commitments.comments.digest import moderators_notify
from commitments.models import Comment
from commitments.progress.reminders import coordinators_remind
from consultations.models import ActionPlan
from opengov.models import StaffProfile, language_of
from tests import factories

pytestmark = pytest.mark.django_db


def _staff(council, role, username, language=None):
    user = factories.UserFactory(username=username, is_staff=True)
    # get_or_create: these tests need only the group's name (a transactional test earlier in the
    # run may have flushed the groups the migration created).
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    council.staff.add(user)
    if language:
        StaffProfile.objects.create(user=user, language=language)
    return user


def _subject(language: str, count: int) -> str:
    with translation.override(language):
        return ngettext(
            "%(counter)s milestone needs your attention",
            "%(counter)s milestones need your attention",
            count,
        ) % {"counter": count}


def test_language_of_defaults_to_the_site_language():
    user = factories.UserFactory()
    assert language_of(user) == "ar"
    StaffProfile.objects.create(user=user, language="fr")
    user.refresh_from_db()
    assert language_of(user) == "fr"


def test_reminders_go_in_each_coordinators_language():
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.IMPLEMENTATION, start_year=today.year - 1, end_year=today.year + 1
    )
    commitment = factories.CommitmentFactory(plan=plan, start_date=None, end_date=None)
    factories.MilestoneFactory(
        commitment=commitment, start_date=None, due_date=today + datetime.timedelta(days=5)
    )
    french = _staff(plan.council, "Coordinator", "coord-fr", language="fr")
    arabic = _staff(plan.council, "Coordinator", "coord-ar")
    assert coordinators_remind(today=today) == 2
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[french.email] == _subject("fr", 1)
    assert subjects[arabic.email] == _subject("ar", 1)
    assert _subject("fr", 1) != _subject("ar", 1)


def test_moderation_digest_in_the_moderators_language():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.CONSULTATION)
    moderator = _staff(plan.council, "Moderator", "mod-fr", language="fr")
    Comment.objects.create(
        plan=plan,
        author_name="Salma",
        email="salma@example.org",
        body="Un avis",
        language="ar",
        consent_at=timezone.now(),
        state=Comment.State.CONFIRMED,
    )
    assert moderators_notify() == 1
    with translation.override("fr"):
        expected = ngettext(
            "%(counter)s comment waits for you", "%(counter)s comments wait for you", 1
        ) % {"counter": 1}
    assert mail.outbox[0].to == [moderator.email]
    assert mail.outbox[0].subject == expected


def test_user_admin_edits_the_language(admin_client):
    user = factories.UserFactory(username="coord")
    response = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert "profile-0-language" in response.content.decode() or "profile-TOTAL_FORMS" in (
        response.content.decode()
    )
