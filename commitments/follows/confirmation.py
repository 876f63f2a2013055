"""The e-mail that confirms a follow (double opt-in): the Celery task that sends it once, queued
when the follow is asked for, and the periodic sweep that queues again those that never went
(the broker was down when the request was saved, or the mail server for longer than the task's
retries).

The address is not confirmed yet, so the e-mail carries nothing a stranger typed: only the
public title of what is followed (in the reader's language), its page and the confirmation
link. Plain text with an HTML alternative, right to left in Arabic, links built from SITE_URL."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from opengov.mailing import retry_delay, send_once
from opengov.urls_absolute import absolute_url

from ..models import Follow
from .links import CONFIRMATION_MAX_AGE, confirmation_url
from .selectors import TARGET_RELATIONS, followed_path, followed_title


def queue_follow_confirmation(follow: Follow) -> None:
    """Queue the confirmation e-mail once the transaction commits. robust: with the broker down
    the follow is still saved, and the sweep below queues its e-mail later."""
    follow_id, language = follow.pk, follow.language
    transaction.on_commit(lambda: send_follow_confirmation.delay(follow_id, language), robust=True)


@shared_task(
    name="commitments.send_follow_confirmation",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
)
def send_follow_confirmation(self, follow_id: int, language: str) -> bool:
    """E-mail the confirmation link, once: a follow whose e-mail went is skipped. Retried with
    backoff while the mail server is down (the periodic sweep covers a longer outage)."""
    try:
        return follow_confirmation_send(follow_id, language)
    except (OSError, DatabaseError) as error:  # SMTP and socket errors, database restarts
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error


def confirmation_message(follow: Follow, language: str) -> EmailMultiAlternatives:
    """The confirmation e-mail of `follow`, written in `language`."""
    with translation.override(language):
        path = followed_path(follow)
        context = {
            "title": followed_title(follow),
            "kind": follow.target_kind,
            "page": absolute_url(path) if path else None,
            "link": confirmation_url(follow, language),
            "frequency": follow.get_frequency_display(),
            "language": language,
            "rtl": translation.get_language_bidi(),
        }
        subject = render_to_string("commitments/email/follow_confirmation_subject.txt", context)
        text = render_to_string("commitments/email/follow_confirmation_body.txt", context)
        html = render_to_string("commitments/email/follow_confirmation_body.html", context)
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject, text, None, [follow.subscriber.email])
    message.attach_alternative(html, "text/html")
    return message


def follow_confirmation_send(follow_id: int, language: str) -> bool:
    """Send the confirmation e-mail of a pending follow. Returns False (and sends nothing) when
    it already went or the follow is no longer pending."""
    return send_once(
        Follow.objects.select_related("subscriber", *TARGET_RELATIONS),
        follow_id,
        due=lambda follow: follow.state == Follow.State.PENDING,
        message=lambda follow: confirmation_message(follow, language),
    )


def follows_requeue_confirmations(older_than_minutes: int = 5) -> int:
    """Queue again the confirmation e-mails that never went (broker or mail server down), for
    requests whose link has not expired yet."""
    now = timezone.now()
    waiting = Follow.objects.filter(
        state=Follow.State.PENDING,
        confirmation_sent_at__isnull=True,
        consent_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
        consent_at__gt=now - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE),
    ).values_list("pk", "language")
    count = 0
    for follow_id, language in waiting:
        send_follow_confirmation.delay(follow_id, language)
        count += 1
    return count


@shared_task(name="commitments.requeue_follow_confirmations")
def requeue_follow_confirmations() -> int:
    return follows_requeue_confirmations()
