"""The comments' moderation list (issue 22: "waiting comments last"): the comments waiting for a
moderator come first, then the reported ones, then the rest, newest first in each; the same
for a moderator of the council as for the network administrator, whatever the language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Comment
from opengov.roles import MODERATOR
from tests import factories

pytestmark = pytest.mark.django_db
State = Comment.State


@pytest.fixture
def comments():
    plan = factories.ActionPlanFactory()
    now = timezone.now()

    def comment(name, days_ago, state, reports=0):
        made = factories.CommentFactory(plan=plan, author_name=name, state=state)
        Comment.objects.filter(pk=made.pk).update(
            created_at=now - datetime.timedelta(days=days_ago), report_count=reports
        )
        return name

    # Made in an order unlike the queue's, the oldest waiting one first.
    return plan, [
        comment("published, old", 40, State.PUBLISHED),
        comment("waiting, old", 30, State.CONFIRMED),
        comment("reported", 20, State.PUBLISHED, reports=2),
        comment("published, new", 1, State.PUBLISHED),
        comment("unconfirmed", 2, State.PENDING),
        comment("waiting, new", 3, State.CONFIRMED),
    ]


QUEUE = [
    "waiting, new",
    "waiting, old",
    "reported",
    "published, new",
    "unconfirmed",
    "published, old",
]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_moderation_list_shows_waiting_then_reported_comments_first(
    admin_client, comments, language
):
    url = reverse("admin:commitments_comment_changelist")
    response = admin_client.get(f"/{language}/" + url.split("/", 2)[2])
    assert [c.author_name for c in response.context["cl"].result_list] == QUEUE


def test_a_moderator_sees_the_same_queue_for_the_council(client, comments, staff_user):
    plan, _names = comments
    client.force_login(staff_user(MODERATOR, plan.council))
    response = client.get(reverse("admin:commitments_comment_changelist"))
    assert [c.author_name for c in response.context["cl"].result_list] == QUEUE


def test_the_waiting_filter_keeps_the_newest_waiting_comment_first(admin_client, comments):
    response = admin_client.get(
        reverse("admin:commitments_comment_changelist"), {"queue": "waiting"}
    )
    assert [c.author_name for c in response.context["cl"].result_list] == [
        "waiting, new",
        "waiting, old",
    ]
