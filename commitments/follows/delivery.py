"""Sending the notifications: one e-mail per subscriber for all its waiting notifications, never
a notification twice, nothing lost when the broker, the worker or the mail server is down.

- Never twice: a subscriber's unsent notifications are locked (FOR UPDATE SKIP LOCKED: a second
  worker on the same batch passes over them), the mail is sent inside the lock and `sent_at`
  written before it is released; the database going away after the mail server took the
  e-mail is handled as the comment confirmations do (recorded as soon as it is back).
- Never lost: a failing mail server or database makes the task retry with backoff (acks_late: a
  worker killed mid-task leaves its message for another); the beat sweep queues again the events
  never fanned out and the notifications never sent, a few minutes old.
- Bounded: at most NOTIFY_MAX_MAILS_PER_HOUR immediate e-mails per address per hour; past it the
  notifications wait (never dropped) and go together in the next allowed e-mail. The weekly
  digest goes at most once in seven days (Subscriber.last_digest_at)."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from opengov.mailing import record_when_database_back

from ..models import Follow, FollowEvent, Notification, Subscriber
from .fanout import fan_out_event, queue_deliveries
from .mail import build_message

logger = logging.getLogger(__name__)

IMMEDIATE, WEEKLY = Follow.Frequency.IMMEDIATE, Follow.Frequency.WEEKLY
HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)


class Batch:
    """What the deliveries of one batch share, read once: the subscribers, when each got its
    immediate e-mails of the last hour, and the events with what each says in a language (the
    same for every reader but the author of a comment)."""

    def __init__(self, subscriber_ids: list[int], frequency: str, now):
        self.now = now
        self.subscribers = Subscriber.objects.in_bulk(subscriber_ids)
        self.recent: dict[int, list] = defaultdict(list)
        if frequency == IMMEDIATE:
            sent = (
                Notification.objects.filter(
                    subscriber_id__in=subscriber_ids,
                    frequency=IMMEDIATE,
                    sent_at__gt=now - HOUR,
                )
                .values_list("subscriber_id", "sent_at")
                .distinct()
            )
            for subscriber_id, sent_at in sent:
                self.recent[subscriber_id].append(sent_at)
        self.events: dict[int, FollowEvent] = {}
        self.items: dict = {}

    def held_for(self, subscriber_id: int) -> float | None:
        """Seconds until the hourly cap lets one more immediate e-mail go, or None if it does.
        (The notifications of one e-mail share their sent_at: one distinct time, one e-mail.)"""
        recent = sorted(self.recent[subscriber_id])
        if len(recent) < settings.NOTIFY_MAX_MAILS_PER_HOUR:
            return None
        return (recent[0] + HOUR - self.now).total_seconds() + 1

    def load_events(self, event_ids) -> None:
        missing = set(event_ids) - set(self.events)
        if missing:
            self.events.update(
                FollowEvent.objects.select_related(
                    "council",
                    "plan__council",
                    "commitment__plan__council",
                    "proposal",
                    "comment__plan__council",
                    "comment__commitment__plan__council",
                ).in_bulk(missing)
            )


def subscriber_deliver(
    subscriber_id: int, frequency: str, mail_connection, batch: Batch
) -> float | None:
    """Send `subscriber_id` its unsent notifications of `frequency` in one e-mail. Returns None
    when done (sent, or nothing to send), or the seconds to wait when the hourly cap holds them
    back."""
    subscriber = batch.subscribers.get(subscriber_id)
    if subscriber is None:
        return None
    if frequency == IMMEDIATE and (wait := batch.held_for(subscriber_id)) is not None:
        return wait
    sent_at = None
    ids: list[int] = []
    try:
        with transaction.atomic():
            if frequency == WEEKLY:
                subscriber = (
                    Subscriber.objects.select_for_update(skip_locked=True)
                    .filter(pk=subscriber_id)
                    .first()
                )
                if subscriber is None or (
                    subscriber.last_digest_at and subscriber.last_digest_at > batch.now - WEEK
                ):
                    return None
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(subscriber_id=subscriber_id, frequency=frequency, sent_at__isnull=True)
                .order_by("created_at", "id")
                .values_list("pk", "event_id", "follow_id", "follow__state")
            )
            # A follow stopped since the fan-out: that person left, nothing is sent.
            left = [row[0] for row in rows if row[3] != Follow.State.ACTIVE]
            if left:
                Notification.objects.filter(pk__in=left).delete()
            rows = [row for row in rows if row[3] == Follow.State.ACTIVE]
            if not rows:
                return None
            batch.load_events(row[1] for row in rows)
            notifications = [
                Notification(
                    pk=pk, event=batch.events[event_id], follow_id=follow_id, frequency=frequency
                )
                for pk, event_id, follow_id, _state in rows
            ]
            ids = [n.pk for n in notifications]
            message = build_message(
                subscriber,
                notifications,
                digest=frequency == WEEKLY,
                connection=mail_connection,
                items_cache=batch.items,
            )
            # Sent inside the lock: another run waits or skips, then finds them sent. One
            # connection to the mail server for the whole batch (opened at the first e-mail).
            mail_connection.open()
            message.send()
            sent_at = timezone.now()
            _record_sent(ids, subscriber_id, frequency, sent_at)
    except (OperationalError, InterfaceError):
        if sent_at is None:
            raise  # nothing went out: the task retries
        # The database went away after the mail server took the e-mail: record it as soon as
        # the database is back, or the sweep would send it again.
        record_when_database_back(lambda: _record_sent(ids, subscriber_id, frequency, sent_at))
    return None


def _record_sent(ids, subscriber_id, frequency, sent_at) -> None:
    """Mark the e-mail's notifications sent (and, for a digest, when the subscriber got it)."""
    Notification.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=sent_at)
    if frequency == WEEKLY:
        Subscriber.objects.filter(pk=subscriber_id).update(last_digest_at=sent_at)


def notifications_deliver(subscriber_ids: list[int], frequency: str = IMMEDIATE) -> int:
    """Deliver to each subscriber of the batch through one connection to the mail server.
    Subscribers held back by the hourly cap are queued again for when it allows. Returns how
    many subscribers were held back."""
    held: dict[int, float] = {}
    batch = Batch(subscriber_ids, frequency, timezone.now())
    mail_connection = get_connection()
    try:
        for subscriber_id in subscriber_ids:
            wait = subscriber_deliver(subscriber_id, frequency, mail_connection, batch)
            if wait is not None:
                held[subscriber_id] = wait
    finally:
        mail_connection.close()
    if held:
        deliver_notifications.apply_async((sorted(held), frequency), countdown=max(held.values()))
    return len(held)


@shared_task(
    name="commitments.deliver_notifications",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
)
def deliver_notifications(self, subscriber_ids: list[int], frequency: str = IMMEDIATE) -> int:
    """Safe to run twice (what went is marked sent under the row lock). Retried with backoff
    while the mail server or the database is down; the sweep covers a longer outage."""
    try:
        return notifications_deliver(subscriber_ids, frequency)
    except (OSError, DatabaseError) as error:  # SMTP and socket errors, database restarts
        # Below the broker's visibility timeout (settings), so a retry is delivered once.
        delay = min(settings.NOTIFY_RETRY_DELAY * 2**self.request.retries, 900)
        raise self.retry(exc=error, countdown=delay) from error


# --- the sweep and the weekly digest (beat) -----------------------------------------------------


def notifications_requeue(older_than_minutes: int = 5) -> tuple[int, int]:
    """Queue again the events never fanned out and the immediate notifications never sent that
    are older than `older_than_minutes` (their message was lost: broker or worker outage).
    Returns (events queued, delivery batches queued)."""
    limit = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    events = list(
        FollowEvent.objects.filter(fanned_out_at__isnull=True, created_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    for event_id in events:
        fan_out_event.delay(event_id)
    waiting = (
        Notification.objects.filter(sent_at__isnull=True, frequency=IMMEDIATE, created_at__lt=limit)
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
        .distinct()
        .iterator(chunk_size=2000)
    )
    return len(events), queue_deliveries(subscriber_ids=waiting)


@shared_task(name="commitments.requeue_notifications")
def requeue_notifications() -> tuple[int, int]:
    return notifications_requeue()


def weekly_digests_queue() -> int:
    """Queue the weekly digest of every subscriber with weekly notifications waiting whose last
    digest is a week old or more. Returns how many batches were queued."""
    due = (
        Subscriber.objects.filter(
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=timezone.now() - WEEK)
        )
        .filter(
            Exists(
                Notification.objects.filter(
                    subscriber=OuterRef("pk"), frequency=WEEKLY, sent_at__isnull=True
                )
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )
    return queue_deliveries(subscriber_ids=due, frequency=WEEKLY)


@shared_task(name="commitments.send_weekly_digests")
def send_weekly_digests() -> int:
    return weekly_digests_queue()
