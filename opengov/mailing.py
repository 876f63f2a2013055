"""What every e-mail the portal sends once (a confirmation link, a notification) shares.

Such an e-mail is sent inside the row lock that says it went, so that two runs of its task
cannot both send it. One failure is left: the mail server took the e-mail, then the database
went away before the row said so. Retrying the task would send it a second time; the write is
retried instead, on a fresh connection, until the database is back."""

import time
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone


def record_when_database_back(write: Callable[[], object], *, attempts: int = 30) -> None:
    """Run `write` (an idempotent UPDATE saying an e-mail went) on a new connection, once a
    second until the database answers; re-raise after `attempts` tries."""
    for attempt in range(attempts):
        connection.close()
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def send_once(
    queryset: QuerySet,
    pk: int,
    *,
    due: Callable[[Model], bool],
    message: Callable[[Model], EmailMessage],
    sent_field: str = "confirmation_sent_at",
) -> bool:
    """Send the e-mail `message(row)` of the row `pk` once, if `due(row)` and its `sent_field`
    is empty; then record when it went (a QuerySet update: no signal, no history). Returns False
    (and sends nothing) otherwise. The row is locked while sending: a second run of the task
    waits, then sees that it went. A database lost after the mail server took the e-mail is
    dealt with as the module says."""
    sent_at = None
    try:
        with transaction.atomic():
            row = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
            if row is None or getattr(row, sent_field) is not None or not due(row):
                return False
            message(row).send()
            sent_at = timezone.now()
            queryset.model._base_manager.filter(pk=pk).update(**{sent_field: sent_at})
    except (OperationalError, InterfaceError):
        if sent_at is None:
            raise  # nothing went out: the task retries
        record_when_database_back(
            lambda: queryset.model._base_manager.filter(
                pk=pk, **{f"{sent_field}__isnull": True}
            ).update(**{sent_field: sent_at})
        )
    return True


def retry_delay(retries: int) -> int:
    """Seconds before a mail task's next try: doubling from 30 s, at most 15 minutes (below the
    broker's visibility timeout, so a retry is delivered once)."""
    return min(30 * 2**retries, 900)
