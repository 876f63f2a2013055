"""The fan-out: one event becomes one Notification per subscriber who follows what it is about.

It runs in the worker, never in the request that made the change (the event is queued on
commit). The rows are made by one INSERT … SELECT in PostgreSQL: the follows are never loaded
into Python, so 100,000 followers cost the worker no more memory than ten. Per subscriber the
most specific active follow is kept (DISTINCT ON: a thread before a proposal, a commitment
before its plan, a plan before its council), and the unique constraint on (event, subscriber)
with ON CONFLICT DO NOTHING makes a second run add nothing. The deliveries are then queued in
batches, a little later (NOTIFY_BATCH_DELAY), so the events of one change (a milestone update
and the completion level it moved) reach a person as one e-mail."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..comments.services import mailbox_key
from ..models import Follow, FollowEvent, Notification, Subscriber

Kind = FollowEvent.Kind
BATCH_SIZE = 200

# Who is told of each kind of event: the follow columns that must match the event's.
AUDIENCES: dict[str, tuple[str, ...]] = {
    Kind.COMMENT_PUBLISHED: ("comment",),
    Kind.COMMENT_ANSWERED: ("comment",),
    Kind.COMMENT_HIDDEN: ("comment",),  # and only the author's mailbox (below)
    Kind.PLAN_STAGE: ("plan", "council"),
    Kind.PLAN_DOCUMENT: ("plan", "council"),
    Kind.MILESTONE_UPDATE: ("commitment", "plan", "council"),
    Kind.INDICATOR_VALUE: ("commitment", "plan", "council"),
    Kind.COMPLETION_LEVEL: ("commitment", "plan", "council"),
    Kind.FINAL_ASSESSMENT: ("commitment", "plan", "council"),
    Kind.PROPOSAL_ANSWERED: ("proposal",),
    Kind.PROPOSAL_PUBLISHED: ("proposal",),
    Kind.PROPOSAL_HIDDEN: ("proposal",),  # and only the author's mailbox (below)
    Kind.PROPOSAL_DUPLICATE: ("proposal",),
    Kind.PROPOSAL_COMMITMENT: ("proposal",),
}
SPECIFICITY = ("comment", "proposal", "commitment", "plan", "council")


def _audience(event: FollowEvent) -> tuple[str, list]:
    """The WHERE clause (on follow f and subscriber s) and its parameters."""
    clauses, params = [], []
    for target in AUDIENCES[event.kind]:
        value = getattr(event, f"{target}_id")
        if target == "comment" and event.comment_id is not None:
            # A thread is followed through its root comment.
            value = event.comment.parent_id or event.comment_id
        if value is not None:
            clauses.append(f"f.{target}_id = %s")
            params.append(value)
    if not clauses:
        return "FALSE", []
    where = "(" + " OR ".join(clauses) + ")"
    author = _author_email(event)
    if author is not None:
        if not author:
            return "FALSE", []
        where += " AND s.mailbox = %s"
        params.append(mailbox_key(author))
    return where, params


def _author_email(event: FollowEvent) -> str | None:
    """For the kinds told to the author only (a hidden comment or proposal: the reason is
    theirs), the author's address ("" when none was given); None for the other kinds."""
    if event.kind == Kind.COMMENT_HIDDEN:
        return event.comment.email
    if event.kind == Kind.PROPOSAL_HIDDEN:
        return event.proposal.email
    return None


def event_fan_out(event_id: int) -> int:
    """Make the notifications of one event, once. Returns how many this run made (0 when the
    event was already fanned out: safe to run twice, or concurrently: the event row is
    locked)."""
    with transaction.atomic():
        event = (
            FollowEvent.objects.select_for_update(of=("self",))
            .select_related("comment", "proposal")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.fanned_out_at is not None:
            return 0
        # The demo's embedded SQLite has no DISTINCT ON.
        insert = _insert if connection.vendor == "postgresql" else _insert_portably
        made = insert(event)
        event.fanned_out_at = timezone.now()
        event.recipients = Notification.objects.filter(event=event).count()
        event.save(update_fields=["fanned_out_at", "recipients"])
    queue_deliveries(event_id=event_id)
    return made


def _best_follows_sql(event: FollowEvent) -> tuple[str, list]:
    """SELECT of the audience of `event`: per subscriber its most specific active follow
    (subscriber_id, id, frequency), inside PostgreSQL (DISTINCT ON)."""
    order = ", ".join(f"(f.{target}_id IS NULL)" for target in SPECIFICITY)
    where, params = _audience(event)
    sql = f"""
        SELECT DISTINCT ON (f.subscriber_id) f.subscriber_id, f.id, f.frequency
        FROM {Follow._meta.db_table} f JOIN {Subscriber._meta.db_table} s ON s.id = f.subscriber_id
        WHERE f.state = %s AND {where}
        ORDER BY f.subscriber_id, {order}
    """  # noqa: S608 (table names from the models, values as parameters)
    return sql, [Follow.State.ACTIVE, *params]


def _best_follows_portably(event: FollowEvent) -> list[Follow]:
    """The same follows through Python, for the demo's embedded SQLite (no DISTINCT ON): the
    follows are read into Python, which is fine at a demo's size and never used in production."""
    where, params = _audience(event)
    if where == "FALSE":
        return []
    follows = Follow.objects.raw(
        f"SELECT f.* FROM {Follow._meta.db_table} f "  # noqa: S608 (as _best_follows_sql)
        f"JOIN {Subscriber._meta.db_table} s ON s.id = f.subscriber_id "
        f"WHERE f.state = %s AND {where}",
        [Follow.State.ACTIVE, *params],
    )
    best: dict[int, Follow] = {}
    for follow in sorted(
        follows, key=lambda f: [getattr(f, f"{t}_id") is None for t in SPECIFICITY]
    ):
        best.setdefault(follow.subscriber_id, follow)
    return list(best.values())


def _insert(event: FollowEvent) -> int:
    """The notifications of `event`, made inside PostgreSQL (ON CONFLICT: once per address)."""
    best, params = _best_follows_sql(event)
    sql = f"""
        INSERT INTO {Notification._meta.db_table}
            (event_id, subscriber_id, follow_id, frequency, created_at, sent_at)
        SELECT %s, b.subscriber_id, b.id, b.frequency, %s, NULL FROM ({best}) b
        ON CONFLICT (event_id, subscriber_id) DO NOTHING
    """  # noqa: S608 (as _best_follows_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [event.pk, timezone.now(), *params])
        return cursor.rowcount


def _insert_portably(event: FollowEvent) -> int:
    made = Notification.objects.bulk_create(
        [
            Notification(
                event=event, subscriber_id=f.subscriber_id, follow=f, frequency=f.frequency
            )
            for f in _best_follows_portably(event)
        ],
        ignore_conflicts=True,
    )
    return len(made)


def audience_counts(event: FollowEvent) -> dict[str, int]:
    """How many addresses `event` (saved or not) would reach, at once and in the weekly digest:
    the fan-out's own choice of follow per address, counted without making a row."""
    counts = dict.fromkeys(Follow.Frequency.values, 0)
    if connection.vendor != "postgresql":
        for follow in _best_follows_portably(event):
            counts[follow.frequency] += 1
        return counts
    best, params = _best_follows_sql(event)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT b.frequency, COUNT(*) FROM ({best}) b GROUP BY b.frequency", params)  # noqa: S608
        counts.update(dict(cursor.fetchall()))
    return counts


def queue_deliveries(
    *,
    event_id: int | None = None,
    subscriber_ids=None,
    frequency: str = Follow.Frequency.IMMEDIATE,
) -> int:
    """Queue the delivery of the unsent immediate notifications of one event, or of the given
    subscribers' notifications of `frequency`, in batches of BATCH_SIZE subscribers (immediate
    ones NOTIFY_BATCH_DELAY seconds from now). Returns how many batches were queued. The ids are
    read in chunks (a server-side cursor)."""
    from .delivery import deliver_notifications

    if subscriber_ids is None:
        subscriber_ids = (
            Notification.objects.filter(
                event_id=event_id,
                sent_at__isnull=True,
                frequency=Follow.Frequency.IMMEDIATE,
            )
            .order_by("subscriber_id")
            .values_list("subscriber_id", flat=True)
            .iterator(chunk_size=2000)
        )
    batches, batch = 0, []
    for subscriber_id in subscriber_ids:
        batch.append(subscriber_id)
        if len(batch) == BATCH_SIZE:
            _queue(deliver_notifications, batch, frequency)
            batches, batch = batches + 1, []
    if batch:
        _queue(deliver_notifications, batch, frequency)
        batches += 1
    return batches


def _queue(task, batch: list[int], frequency: str) -> None:
    # The weekly digest has nothing to gather: it goes at once.
    delay = settings.NOTIFY_BATCH_DELAY if frequency == Follow.Frequency.IMMEDIATE else 0
    if delay:
        task.apply_async((batch, frequency), countdown=delay)
    else:
        task.delay(batch, frequency)


@shared_task(
    name="commitments.fan_out_event",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
)
def fan_out_event(self, event_id: int) -> int:
    """Retried with backoff while the database is away; the sweep covers a longer outage."""
    from django.db import DatabaseError

    try:
        return event_fan_out(event_id)
    except DatabaseError as error:
        delay = min(settings.NOTIFY_RETRY_DELAY * 2**self.request.retries, 900)
        raise self.retry(exc=error, countdown=delay) from error
