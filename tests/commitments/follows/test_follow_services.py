"""The services of following: a confirmed commenter follows the thread, confirming twice,
stopping, leaving, the purge, and a confirmation e-mail that could not be queued (broker down)
sent later by the sweep, exactly once."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from commitments.comments import confirmation as comment_confirmation, services as comments
from commitments.follows import confirmation, services
from commitments.models import Comment, Follow, Subscriber
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def plan():
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - DAY,
        consultation_closes_on=today + 10 * DAY,
    )


def request(target, email="amal@example.org", **over):
    values = {"language": "fr", "frequency": "immediate", "fingerprint": "f" * 64, **over}
    return services.follow_request(target=target, email=email, **values)


def published_comment(plan, **fields):
    now = timezone.now()
    values = {"state": Comment.State.PUBLISHED, "confirmed_at": now, "published_at": now}
    return factories.CommentFactory(plan=plan, **(values | fields))


# --- a commenter follows the thread --------------------------------------------------------------


def test_confirming_a_reply_makes_its_author_follow_the_root_thread(client, plan):
    root = published_comment(plan, email="first@example.org")
    reply = factories.CommentFactory(plan=plan, parent=root, email="Reda+x@Example.org")
    reply.language = "ar"
    reply.save()
    path = reverse(
        "commitments:comment_confirm", args=[comment_confirmation.confirmation_token(reply)]
    )
    response = client.post(path)
    assert response.status_code == 200
    follow = Follow.objects.get()
    assert follow.comment == root, "the thread is its first comment"
    assert follow.state == Follow.State.ACTIVE and follow.source == Follow.Source.COMMENT
    assert follow.frequency == Follow.Frequency.IMMEDIATE
    subscriber = follow.subscriber
    assert subscriber.mailbox == "reda@example.org" and subscriber.language == "ar"
    assert subscriber.confirmed_at is not None
    # The page says so, with the manage page's link.
    page = response.content.decode()
    assert "/follow/manage/" in page
    assert client.get(_manage(page)).status_code == 200

    # Confirming again (the comment is no longer pending) changes nothing.
    comments.comment_confirm(comment=reply)
    assert Follow.objects.count() == 1


def _manage(page: str) -> str:
    start = page.index("/follow/manage/")
    start = page.rindex('"', 0, start) + 1
    return page[start : page.index('"', start)]


def test_commenter_who_stopped_follows_again_on_a_new_confirmed_comment(plan):
    root = published_comment(plan, email="sara@example.org")
    services.follow_comment_thread(comment=root)
    services.follow_stop(follows=Follow.objects.all())
    reply = factories.CommentFactory(plan=plan, parent=root, email="sara@example.org")
    comments.comment_confirm(comment=reply)
    follow = Follow.objects.get()
    assert follow.state == Follow.State.ACTIVE and follow.ended_at is None


def test_follow_comment_thread_keeps_an_active_follow_as_it_is(plan):
    root = published_comment(plan, email="sara@example.org")
    first = services.follow_comment_thread(comment=root)
    Follow.objects.filter(pk=first.pk).update(frequency=Follow.Frequency.WEEKLY)
    again = services.follow_comment_thread(comment=root)
    assert again.pk == first.pk and again.frequency == Follow.Frequency.WEEKLY


# --- the request, confirming, stopping, leaving ---------------------------------------------------


def test_follow_request_refuses_a_private_plan_and_an_unknown_frequency(plan):
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.PREPARATION)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        request(plan)
    public = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    with pytest.raises(ValidationError):
        request(public, frequency="hourly")
    assert not Subscriber.objects.exists()


def test_follow_confirm_is_idempotent_and_never_revives_a_stopped_follow(plan):
    follow = request(plan)
    confirmed = services.follow_confirm(follow=follow)
    assert confirmed.state == Follow.State.ACTIVE
    at = confirmed.confirmed_at
    assert services.follow_confirm(follow=follow).confirmed_at == at
    services.follow_stop(follows=[follow])
    assert services.follow_confirm(follow=follow).state == Follow.State.ENDED


def test_follow_set_frequency_refuses_a_stopped_follow(plan):
    follow = request(plan)
    services.follow_confirm(follow=follow)
    assert services.follow_set_frequency(follow=follow, frequency="weekly").frequency == "weekly"
    services.follow_stop(follows=[follow])
    with pytest.raises(ValidationError):
        services.follow_set_frequency(follow=follow, frequency="immediate")


def test_subscriber_leave_stops_everything_and_rotates_the_key(plan):
    follows = [request(plan), request(factories.CouncilFactory())]
    subscriber = follows[0].subscriber
    key = subscriber.key
    left = services.subscriber_leave(subscriber=subscriber)
    assert left.key != key
    assert set(Follow.objects.values_list("state", flat=True)) == {Follow.State.ENDED}


# --- the purge ------------------------------------------------------------------------------------


def test_purge_deletes_expired_requests_old_stopped_follows_and_empty_subscribers(plan):
    now = timezone.now()
    expired = request(plan, email="late@example.org")
    Follow.objects.filter(pk=expired.pk).update(consent_at=now - 8 * DAY)
    recent = request(plan, email="recent@example.org")
    active = factories.FollowFactory(plan=plan)
    stopped_long_ago = factories.FollowFactory(
        plan=plan, state=Follow.State.ENDED, ended_at=now - 31 * DAY
    )
    stopped_lately = factories.FollowFactory(
        plan=plan, state=Follow.State.ENDED, ended_at=now - DAY
    )
    Subscriber.objects.update(created_at=now - 2 * DAY)
    fresh_empty = factories.SubscriberFactory()  # a request may be making its follow

    counts = services.follows_purge()

    assert counts == {"pending": 1, "ended": 1, "subscribers": 2}
    assert set(Follow.objects.values_list("pk", flat=True)) == {
        recent.pk,
        active.pk,
        stopped_lately.pk,
    }
    assert not Subscriber.objects.filter(
        pk__in=[expired.subscriber_id, stopped_long_ago.subscriber_id]
    ).exists()
    assert Subscriber.objects.filter(pk=fresh_empty.pk).exists()
    assert services.follows_purge() == {"pending": 0, "ended": 0, "subscribers": 0}


def test_purge_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"commitments.purge_follows", "commitments.requeue_follow_confirmations"} <= tasks
    assert services.purge_follows.name == "commitments.purge_follows"


# --- the confirmation e-mail when the broker is down ----------------------------------------------


def test_broker_down_the_follow_is_saved_and_the_sweep_sends_its_email_once(
    plan, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(confirmation.send_follow_confirmation, "delay", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        follow = request(plan)
    assert "in on_commit()" in caplog.text, "the robust callback logged the failure"
    follow.refresh_from_db()
    assert follow.state == Follow.State.PENDING and follow.confirmation_sent_at is None
    assert not mail.outbox

    monkeypatch.undo()  # the broker is back
    assert confirmation.follows_requeue_confirmations() == 0, "too recent for the sweep"
    Follow.objects.filter(pk=follow.pk).update(
        consent_at=timezone.now() - 10 * datetime.timedelta(minutes=1)
    )
    assert confirmation.follows_requeue_confirmations() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amal@example.org"]
    follow.refresh_from_db()
    assert follow.confirmation_sent_at is not None
    assert confirmation.follows_requeue_confirmations() == 0
    # Running the task again (a redelivered message) sends nothing more.
    assert confirmation.send_follow_confirmation.delay(follow.pk, "fr").get() is False
    assert len(mail.outbox) == 1


def test_sweep_leaves_expired_requests_alone(plan):
    follow = request(plan)
    Follow.objects.filter(pk=follow.pk).update(
        confirmation_sent_at=None, consent_at=timezone.now() - 8 * DAY
    )
    assert confirmation.follows_requeue_confirmations() == 0
