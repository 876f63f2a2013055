"""The writes of following: asking to follow, confirming, changing the frequency, stopping,
leaving everything, the thread a confirmed commenter follows, and the purge of what is no longer
needed.

A follow asked for with the form is pending until the link mailed to the address confirms it
(double opt-in); its confirmation e-mail is queued once the transaction commits (confirmation.py,
whose periodic sweep queues again those whose e-mail never went). A commenter who confirmed a
comment follows its thread at once: that confirmation click was the double opt-in.

Locks are always taken in one order, the subscriber's row before its follows' rows, so two
requests of one mailbox wait for each other instead of deadlocking."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ActionPlan, Council, Proposal

from ..comments import services as comments
from ..models import Comment, Commitment, Follow, Subscriber
from ..models.follows import new_subscriber_key
from .confirmation import queue_follow_confirmation
from .links import CONFIRMATION_MAX_AGE

# A stopped follow is deleted by the purge this long after it was stopped (the law 09-08 notice
# next to the form says so).
ENDED_RETENTION = datetime.timedelta(days=30)
# A subscriber left without any follow is deleted once its row is this old: never one that a
# request still in flight has just made.
EMPTY_SUBSCRIBER_GRACE = datetime.timedelta(days=1)

TARGET_FIELDS: dict[type[models.Model], str] = {
    Council: "council",
    ActionPlan: "plan",
    Commitment: "commitment",
    Proposal: "proposal",
    Comment: "comment",
}


def target_field(target: models.Model) -> str:
    """The Follow field that names `target` ("council", "plan"...)."""
    try:
        return TARGET_FIELDS[type(target)]
    except KeyError:
        raise TypeError(f"{type(target).__name__} cannot be followed") from None


def _is_public(target: models.Model) -> bool:
    if isinstance(target, Council):
        return True
    if isinstance(target, ActionPlan):
        return target.is_public
    if isinstance(target, Proposal) and target.publication != Proposal.Publication.PUBLISHED:
        return False
    if isinstance(target, Commitment | Proposal | Comment):
        return target.plan_id is not None and target.plan.is_public
    return False


def _locked_subscriber(*, email: str, language: str) -> Subscriber:
    """The subscriber of the mailbox `email` reaches, made if new, its row locked until the
    transaction ends. The address as first written is kept: a stranger who writes the same
    mailbox another way ("+tag", capitals) cannot send its e-mails elsewhere."""
    mailbox = comments.mailbox_key(email)
    subscriber = Subscriber.objects.select_for_update().filter(mailbox=mailbox).first()
    if subscriber is not None:
        return subscriber
    subscriber = Subscriber(email=email.strip(), mailbox=mailbox, language=language)
    subscriber.full_clean(validate_unique=False)  # the unique constraint decides a race
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:  # the same mailbox made by a concurrent request
        return Subscriber.objects.select_for_update().get(mailbox=mailbox)
    return subscriber


def _confirmed(subscriber: Subscriber, *, language: str, now) -> None:
    """The mailbox confirmed a follow (its row locked by the caller): it has been confirmed
    since its first, and is written to in the language of its latest."""
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.language = language
    subscriber.save(update_fields=["confirmed_at", "language", "updated_at"])


@transaction.atomic
def follow_request(
    *, target: models.Model, email: str, language: str, frequency: str, fingerprint: str
) -> Follow:
    """Ask, for the mailbox `email` reaches, to follow `target` (a public council, plan,
    commitment, proposal or comment thread), and queue the confirmation e-mail on commit.

    - new, or stopped earlier: a pending follow, confirmed by the e-mailed link;
    - still pending: a fresh confirmation e-mail (with this request's frequency and language);
    - already active: nothing changes and nothing is sent (a stranger cannot change it).

    Refused (ValidationError, nothing saved) for a target the public may not see."""
    field = target_field(target)
    if not _is_public(target):
        raise ValidationError(gettext("This cannot be followed."))
    if frequency not in Follow.Frequency.values:
        raise ValidationError({"frequency": gettext("Choose how often you want to be told.")})
    subscriber = _locked_subscriber(email=email, language=language)
    follow = (
        Follow.objects.select_for_update().filter(subscriber=subscriber, **{field: target}).first()
    )
    if follow is not None and follow.state == Follow.State.ACTIVE:
        return follow
    follow = follow or Follow(subscriber=subscriber, **{field: target})
    now = timezone.now()
    follow.state = Follow.State.PENDING
    follow.frequency = frequency
    follow.language = language
    follow.source = Follow.Source.FORM
    follow.consent_at = now
    follow.client_hash = fingerprint
    follow.confirmation_sent_at = None
    follow.confirmed_at = None
    follow.ended_at = None
    follow.full_clean(validate_unique=False)  # one per subscriber and target: checked above
    follow.save()
    queue_follow_confirmation(follow)
    return follow


def follow_confirm(*, follow: Follow) -> Follow:
    """Confirm a pending follow (the e-mailed link): it becomes active, and the subscriber's
    language becomes the follow's. Idempotent under row locks: a follow that is not pending
    (already active, or stopped since) is returned unchanged."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=follow.subscriber_id)
        follow = Follow.objects.select_for_update().get(pk=follow.pk)
        if follow.state != Follow.State.PENDING:
            return follow
        now = timezone.now()
        follow.state = Follow.State.ACTIVE
        follow.confirmed_at = now
        follow.save(update_fields=["state", "confirmed_at", "updated_at"])
        _confirmed(subscriber, language=follow.language, now=now)
    follow.subscriber = subscriber
    return follow


@transaction.atomic
def follow_stop(*, follows: Iterable[Follow]) -> int:
    """Stop the given follows (pending or active); returns how many were stopped. Stopping a
    follow twice changes nothing."""
    ids = [follow.pk for follow in follows]
    return (
        Follow.objects.filter(pk__in=ids)
        .exclude(state=Follow.State.ENDED)
        .update(state=Follow.State.ENDED, ended_at=timezone.now(), updated_at=timezone.now())
    )


@transaction.atomic
def follow_set_frequency(*, follow: Follow, frequency: str) -> Follow:
    """Mails at once or a weekly digest, for one follow that is not stopped."""
    if frequency not in Follow.Frequency.values:
        raise ValidationError({"frequency": gettext("Choose how often you want to be told.")})
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.state == Follow.State.ENDED:
        raise ValidationError(gettext("You no longer follow this."))
    follow.frequency = frequency
    follow.save(update_fields=["frequency", "updated_at"])
    return follow


@transaction.atomic
def subscriber_leave(*, subscriber: Subscriber) -> Subscriber:
    """Stop every follow of the mailbox and give it a new link key: every manage and
    unsubscribe link mailed before stops working."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    follow_stop(follows=subscriber.follows.exclude(state=Follow.State.ENDED))
    subscriber.key = new_subscriber_key()
    subscriber.save(update_fields=["key", "updated_at"])
    return subscriber


def thread_root(comment: Comment) -> Comment:
    """The first comment of the thread `comment` belongs to."""
    while comment.parent_id is not None:
        comment = comment.parent
    return comment


@transaction.atomic
def follow_own(
    *, target: models.Model, email: str, language: str, consent_at: datetime.datetime
) -> Follow:
    """The author of a confirmed comment (its thread: the root comment) or of a confirmed
    proposal sent online follows it at once, by immediate e-mail, in the language they wrote
    in: that confirmation click was the double opt-in. A target the author already follows
    stays as it is; one they had stopped following is followed again (a new consent)."""
    if isinstance(target, Comment):
        target, source = thread_root(target), Follow.Source.COMMENT
    else:
        source = Follow.Source.PROPOSAL
    field = target_field(target)
    subscriber = _locked_subscriber(email=email, language=language)
    follow = (
        Follow.objects.select_for_update().filter(subscriber=subscriber, **{field: target}).first()
    )
    now = timezone.now()
    if follow is None:
        follow = Follow(
            subscriber=subscriber,
            frequency=Follow.Frequency.IMMEDIATE,
            source=source,
            **{field: target},
        )
    elif follow.state == Follow.State.ACTIVE:
        return follow
    follow.state = Follow.State.ACTIVE
    follow.language = language
    follow.consent_at = consent_at or now
    follow.confirmed_at = now
    follow.ended_at = None
    follow.full_clean(validate_unique=False)
    follow.save()
    _confirmed(subscriber, language=language, now=now)
    return follow


def follow_comment_thread(*, comment: Comment) -> Follow:
    """The author of a confirmed comment follows its thread (follow_own)."""
    return follow_own(
        target=comment,
        email=comment.email,
        language=comment.language,
        consent_at=comment.consent_at,
    )


def follows_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete what the law 09-08 notice says is not kept: requests never confirmed once their
    link has expired, follows stopped more than ENDED_RETENTION ago, and subscribers left with
    no follow at all. Returns how many of each were deleted."""
    now = now or timezone.now()
    expired = now - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE)
    pending = Follow.objects.filter(state=Follow.State.PENDING, consent_at__lt=expired)
    ended = Follow.objects.filter(state=Follow.State.ENDED, ended_at__lt=now - ENDED_RETENTION)
    counts = {
        "pending": pending.delete()[1].get(Follow._meta.label, 0),
        "ended": ended.delete()[1].get(Follow._meta.label, 0),
    }
    with transaction.atomic():
        # Skip a subscriber a request is following with right now (its row is locked); the
        # delete's own query then sees every follow committed before the lock was taken.
        no_follow = ~Exists(Follow.objects.filter(subscriber=OuterRef("pk")))
        candidates = (
            Subscriber.objects.select_for_update(skip_locked=True)
            .filter(no_follow, created_at__lt=now - EMPTY_SUBSCRIBER_GRACE)
            .values_list("pk", flat=True)
        )
        empty = Subscriber.objects.filter(no_follow, pk__in=list(candidates))
        counts["subscribers"] = empty.delete()[1].get(Subscriber._meta.label, 0)
    return counts


@shared_task(name="commitments.purge_follows")
def purge_follows() -> dict[str, int]:
    return follows_purge()
