"""The fan-out and the delivery, with eager tasks: who is told of what (and who is not), once per
address, batched in one mail, within the hourly cap, the weekly digest, the language and the
headers of the mail, and the sweep that picks up what an outage left."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.comments.services import comment_hide, comment_reply, mailbox_key
from commitments.follows import delivery, events, fanout
from commitments.follows.mail import notification_preview
from commitments.models import Follow, FollowEvent, Milestone, Notification, Subscriber
from commitments.progress.services import milestone_record_progress
from consultations.models import ActionPlan
from tests import factories

from .conftest import follow

pytestmark = pytest.mark.django_db
Kind = FollowEvent.Kind


@pytest.fixture
def happen(django_capture_on_commit_callbacks):
    """Run a change and what its commit queues (fan-out, then delivery: eager tasks)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def milestone_done(world, note="Registre publié."):
    return milestone_record_progress(
        milestone=world.milestone,
        status=Milestone.Status.IN_PROGRESS,
        note_fr=note,
        by=None,
    )


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def subscriber(email, language="fr"):
    return factories.SubscriberFactory(email=email, mailbox=mailbox_key(email), language=language)


# --- audiences -------------------------------------------------------------------------------


def test_a_milestone_update_reaches_followers_of_the_commitment_plan_and_council_only(
    world, happen, mailoutbox
):
    follow(subscriber("commitment@example.org"), commitment=world.commitment)
    follow(subscriber("plan@example.org"), plan=world.plan)
    follow(subscriber("council@example.org"), council=world.council)
    follow(subscriber("elsewhere@example.org"), council=world.other_plan.council)
    follow(subscriber("other@example.org"), commitment=world.other_commitment)
    pending = follow(subscriber("pending@example.org"), commitment=world.commitment)
    pending.state = Follow.State.PENDING
    pending.save()
    ended = follow(subscriber("ended@example.org"), plan=world.plan)
    ended.state = Follow.State.ENDED
    ended.save()

    happen(lambda: milestone_done(world))

    assert recipients(mailoutbox) == [
        "commitment@example.org",
        "council@example.org",
        "plan@example.org",
    ]
    event = FollowEvent.objects.get(kind=Kind.MILESTONE_UPDATE)
    assert event.recipients == 3 and event.fanned_out_at is not None


def test_an_address_following_council_plan_and_commitment_gets_one_mail_through_the_commitment(
    world, happen, mailoutbox
):
    person = subscriber("busy@example.org")
    follow(person, council=world.council)
    follow(person, plan=world.plan)
    by_commitment = follow(person, commitment=world.commitment)

    happen(lambda: milestone_done(world))

    assert recipients(mailoutbox) == ["busy@example.org"]
    notification = Notification.objects.get()
    assert notification.follow == by_commitment


def test_a_change_of_stage_reaches_plan_and_council_followers_not_commitment_followers(
    world, happen, mailoutbox
):
    from commitments.services import plan_change_stage

    follow(subscriber("plan@example.org"), plan=world.plan)
    follow(subscriber("council@example.org"), council=world.council)
    follow(subscriber("commitment@example.org"), commitment=world.commitment)

    happen(lambda: plan_change_stage(plan=world.plan, to_stage=ActionPlan.Stage.CLOSED, by=None))

    assert recipients(mailoutbox) == ["council@example.org", "plan@example.org"]
    with translation.override("fr"):
        stages = [str(ActionPlan.Stage(code).label) for code in ("implementation", "closed")]
    assert all(stage in mailoutbox[0].body for stage in stages)


def test_a_proposal_answer_reaches_only_the_proposal_followers(world, happen, mailoutbox):
    from commitments.services import proposal_answer
    from consultations.models import Proposal

    proposal = factories.ProposalFactory()
    follow(subscriber("proposal@example.org"), proposal=proposal)
    follow(subscriber("council@example.org"), council=proposal.council)

    happen(
        lambda: proposal_answer(
            proposal=proposal,
            status=Proposal.Status.NOT_RETAINED,
            response_fr="Hors des compétences du conseil.",
            by=None,
        )
    )

    assert recipients(mailoutbox) == ["proposal@example.org"]
    assert "Hors des compétences du conseil." in mailoutbox[0].body


@pytest.fixture
def thread(world):
    """A published comment whose author and another confirmed reader follow its thread."""
    comment = factories.CommentFactory(
        plan=world.plan,
        email="Author+tag@Example.org",
        body="Le registre des marchés n'est pas en ligne.",
        state="published",
        published_at=timezone.now(),
    )
    author = follow(subscriber("author@example.org"), comment=comment)
    reader = follow(subscriber("reader@example.org"), comment=comment)
    return comment, author, reader


def test_a_hidden_comment_is_told_only_to_its_author_with_the_reason(
    thread, happen, mailoutbox, superuser
):
    comment, _author, _reader = thread
    happen(lambda: comment_hide(comment=comment, reason="Données personnelles", by=superuser))
    assert recipients(mailoutbox) == ["author@example.org"]
    assert "Données personnelles" in mailoutbox[0].body


def test_an_official_reply_reaches_the_thread_with_the_reply_text(
    thread, happen, mailoutbox, superuser
):
    comment, _author, _reader = thread
    happen(lambda: comment_reply(comment=comment, text="Il sera publié en mai.", by=superuser))
    assert recipients(mailoutbox) == ["author@example.org", "reader@example.org"]
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert all("Il sera publié en mai." in body for body in by_address.values())
    with translation.override("fr"):
        yours = gettext("Your comment:")
    assert yours in by_address["author@example.org"]
    assert yours not in by_address["reader@example.org"]


def test_a_strangers_text_never_reaches_an_address_that_did_not_confirm(
    thread, happen, mailoutbox, superuser
):
    comment, _author, _reader = thread
    unconfirmed = follow(subscriber("victim@example.org"), comment=comment)
    unconfirmed.state = Follow.State.PENDING
    unconfirmed.save()
    happen(lambda: comment_reply(comment=comment, text="Réponse du conseil.", by=superuser))
    assert "victim@example.org" not in recipients(mailoutbox)
    assert not Notification.objects.filter(subscriber=unconfirmed.subscriber).exists()
    # Those who confirmed do get the comment's text.
    assert all(comment.body in message.body for message in mailoutbox)


# --- once, and together ------------------------------------------------------------------------


def test_fanning_out_twice_adds_nothing(world, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(fanout, "queue_deliveries", lambda **kwargs: 0)
    follow(subscriber("a@example.org"), plan=world.plan)
    follow(subscriber("b@example.org"), council=world.council)
    with django_capture_on_commit_callbacks():
        event = events.milestone_updated(milestone_done(world))
    assert fanout.event_fan_out(event.pk) == 2
    assert fanout.event_fan_out(event.pk) == 0
    assert Notification.objects.filter(event=event).count() == 2
    # Even run as if never done (the mark lost): the unique constraint keeps one per address.
    FollowEvent.objects.filter(pk=event.pk).update(fanned_out_at=None)
    assert fanout.event_fan_out(event.pk) == 0
    assert Notification.objects.filter(event=event).count() == 2


def test_three_events_at_once_reach_a_person_as_one_mail(world, monkeypatch, mailoutbox):
    monkeypatch.setattr(fanout, "queue_deliveries", lambda **kwargs: 0)
    person = subscriber("one@example.org")
    follow(person, commitment=world.commitment)
    milestone_record_progress(
        milestone=world.milestone,
        status=Milestone.Status.COMPLETED,
        completed_on=timezone.localdate(),
        note_fr="Fait.",
        by=None,
    )
    events.plan_stage_changed(
        factories.PlanStageChangeFactory(
            plan=world.plan, from_stage="adopted", to_stage="implementation"
        )
    )
    for event in FollowEvent.objects.all():
        fanout.event_fan_out(event.pk)
    assert Notification.objects.filter(subscriber=person).count() == 2  # stage: not for them
    events.indicator_valued(factories.IndicatorValueFactory(indicator=world.indicator))
    fanout.event_fan_out(FollowEvent.objects.get(kind=Kind.INDICATOR_VALUE).pk)

    delivery.notifications_deliver([person.pk])
    delivery.notifications_deliver([person.pk])  # again: nothing left to send

    assert len(mailoutbox) == 1
    [message] = mailoutbox
    assert message.subject.startswith("3 ")
    assert message.body.count("== ") == 3
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_past_the_hourly_cap_notifications_wait_and_are_never_dropped(
    world, settings, monkeypatch, mailoutbox
):
    settings.NOTIFY_MAX_MAILS_PER_HOUR = 2
    monkeypatch.setattr(fanout, "queue_deliveries", lambda **kwargs: 0)
    held = []
    monkeypatch.setattr(
        delivery.deliver_notifications,
        "apply_async",
        lambda args, countdown: held.append((args, countdown)),
    )
    person = subscriber("capped@example.org")
    follow(person, commitment=world.commitment)
    for _ in range(3):
        event = events.milestone_updated(milestone_done(world))
        fanout.event_fan_out(event.pk)
        delivery.notifications_deliver([person.pk])
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1
    [(args, countdown)] = held
    assert args == ([person.pk], "immediate") and 0 < countdown <= 3601

    Notification.objects.exclude(sent_at=None).update(
        sent_at=timezone.now() - datetime.timedelta(hours=2)
    )
    delivery.notifications_deliver([person.pk])
    assert len(mailoutbox) == 3
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_follow_stopped_before_delivery_gets_nothing(world, monkeypatch, mailoutbox):
    monkeypatch.setattr(fanout, "queue_deliveries", lambda **kwargs: 0)
    leaving = follow(subscriber("leaving@example.org"), plan=world.plan)
    event = events.milestone_updated(milestone_done(world))
    fanout.event_fan_out(event.pk)
    Follow.objects.filter(pk=leaving.pk).update(state=Follow.State.ENDED)
    delivery.notifications_deliver([leaving.subscriber_id])
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_weekly_digest_goes_once_a_week_with_everything_waiting(world, happen, mailoutbox):
    person = subscriber("weekly@example.org")
    weekly = follow(person, commitment=world.commitment)
    weekly.frequency = Follow.Frequency.WEEKLY
    weekly.save()
    happen(lambda: milestone_done(world, note="Premier."))
    happen(lambda: milestone_done(world, note="Second."))
    assert mailoutbox == [], "weekly: nothing at once"

    assert delivery.weekly_digests_queue() == 1
    assert len(mailoutbox) == 1
    assert "Premier." in mailoutbox[0].body and "Second." in mailoutbox[0].body
    person.refresh_from_db()
    assert person.last_digest_at is not None

    happen(lambda: milestone_done(world, note="Troisième."))
    assert delivery.weekly_digests_queue() == 0, "not twice in a week"
    assert len(mailoutbox) == 1
    Subscriber.objects.filter(pk=person.pk).update(
        last_digest_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    assert delivery.weekly_digests_queue() == 1
    assert len(mailoutbox) == 2 and "Troisième." in mailoutbox[1].body


def test_the_sweep_fans_out_and_delivers_what_an_outage_left(world, monkeypatch, mailoutbox):
    follow(subscriber("late@example.org"), plan=world.plan)
    event = events.milestone_updated(milestone_done(world))  # its on_commit never ran
    assert delivery.notifications_requeue() == (0, 0), "too recent for the sweep"
    FollowEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    monkeypatch.setattr(fanout, "queue_deliveries", lambda **kwargs: 0)  # broker lost it too
    assert delivery.notifications_requeue()[0] == 1
    assert mailoutbox == [] and Notification.objects.count() == 1
    monkeypatch.undo()
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert delivery.notifications_requeue() == (0, 1)
    assert recipients(mailoutbox) == ["late@example.org"]
    assert delivery.notifications_requeue() == (0, 0)


# --- the mail ------------------------------------------------------------------------------


def test_an_arabic_mail_is_right_to_left_with_the_french_link_and_unsubscribe_headers(
    world, happen, mailoutbox
):
    follow(subscriber("ar@example.org", language="ar"), commitment=world.commitment)
    happen(lambda: milestone_done(world))
    [message] = mailoutbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ar" dir="rtl">' in html
    links = re.findall(r"https?://\S+", message.body)
    commitment_links = [link for link in links if world.commitment.reference in link]
    assert {link.split("/")[3] for link in commitment_links} == {"ar", "fr"}
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://\S+/ar/follow/unsubscribe/\S+/>", unsubscribe)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body
    assert "/ar/follow/manage/" in message.body


def test_a_french_mail_is_left_to_right(world, happen, mailoutbox):
    follow(subscriber("fr@example.org", language="fr"), commitment=world.commitment)
    happen(lambda: milestone_done(world, note="Registre publié."))
    [message] = mailoutbox
    assert '<html lang="fr" dir="ltr">' in message.alternatives[0][0]
    assert "Registre publié." in message.body
    with translation.override("fr"):
        assert str(Milestone.Status.IN_PROGRESS.label) in message.body


def test_the_preview_says_what_a_milestone_update_will_tell_before_it_is_saved(world):
    with translation.override("fr"):
        done = str(Milestone.Status.COMPLETED.label)
        subject, text = notification_preview(
            Kind.MILESTONE_UPDATE,
            commitment=world.commitment,
            milestone=world.milestone,
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2025, 3, 1),
            note_fr="Rapport en ligne.",
        )
    assert world.commitment.reference in subject
    assert done in text
    assert "Rapport en ligne." in text and "2025-03-01" in text
    assert not FollowEvent.objects.exists()


# --- scale ---------------------------------------------------------------------------------


def _many_followers(commitment, count: int) -> None:
    """`count` subscribers following `commitment`, written by PostgreSQL itself."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Subscriber._meta.db_table}
                (created_at, updated_at, email, mailbox, language, key, confirmed_at)
            SELECT now(), now(), 'p' || g || '@example.org', 'p' || g || '@example.org', 'fr',
                   md5(g::text), now()
            FROM generate_series(1, %s) g""",  # noqa: S608 (table names from the models)
            [count],
        )
        cursor.execute(
            f"""INSERT INTO {Follow._meta.db_table}
                (created_at, updated_at, subscriber_id, commitment_id, state, frequency,
                 language, source, client_hash)
            SELECT now(), now(), s.id, %s, 'active', 'immediate', 'fr', 'form', ''
            FROM {Subscriber._meta.db_table} s""",  # noqa: S608
            [commitment.pk],
        )


def test_the_fan_out_of_20000_followers_never_holds_them_in_memory(world, monkeypatch):
    import tracemalloc

    _many_followers(world.commitment, 20_000)
    batches = []
    monkeypatch.setattr(fanout, "_queue", lambda task, batch, frequency: batches.append(len(batch)))
    event = events.milestone_updated(milestone_done(world))
    tracemalloc.start()
    try:
        made = fanout.event_fan_out(event.pk)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert made == 20_000
    assert len(batches) == 100 and set(batches) == {fanout.BATCH_SIZE}
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
