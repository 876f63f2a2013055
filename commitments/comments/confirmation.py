"""The e-mail that confirms a comment: its signed link, the Celery task that sends it once (queued
when the comment is saved), and the periodic sweep that queues again those that never went."""

from __future__ import annotations

import datetime
import hashlib

from celery import shared_task
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from opengov.mailing import retry_delay, send_once
from opengov.urls_absolute import absolute_url

from ..models import Comment

CONFIRMATION_SALT = "commitments.comment-confirmation"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600


def confirmation_token(comment: Comment) -> str:
    # The e-mail is part of what is signed: a token works only for the address it was sent to.
    email_key = hashlib.sha256(comment.email.lower().encode()).hexdigest()[:16]
    return signing.dumps({"c": comment.pk, "e": email_key}, salt=CONFIRMATION_SALT, compress=True)


def comment_from_token(token: str) -> Comment | None:
    """The comment a valid, unexpired token names; None for a tampered or expired token."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    comment = Comment.objects.select_related("plan__council").filter(pk=data.get("c")).first()
    if comment is None:
        return None
    email_key = hashlib.sha256(comment.email.lower().encode()).hexdigest()[:16]
    return comment if email_key == data.get("e") else None


def queue_confirmation(comment: Comment) -> None:
    """Queue the confirmation e-mail once the transaction commits. robust: with the broker down
    the comment is still saved, and the sweep below queues its e-mail later."""
    transaction.on_commit(
        lambda: send_comment_confirmation.delay(comment.pk, comment.language), robust=True
    )


@shared_task(
    name="commitments.send_comment_confirmation",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
)
def send_comment_confirmation(self, comment_id: int, language: str) -> bool:
    """E-mail the confirmation link, once: a comment whose e-mail went is skipped. Retried with
    backoff while the mail server is down (the periodic sweep covers a longer outage)."""
    try:
        return comment_confirmation_send(comment_id, language)
    except (OSError, DatabaseError) as error:  # SMTP and socket errors, database restarts
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error


def confirmation_message(comment: Comment, language: str) -> EmailMultiAlternatives:
    """The confirmation e-mail of `comment`, written in `language`."""
    with translation.override(language):
        link = absolute_url(
            reverse("commitments:comment_confirm", args=[confirmation_token(comment)])
        )
        context = {"comment": comment, "plan": comment.plan, "link": link}
        subject = render_to_string(
            "commitments/email/comment_confirmation_subject.txt", context
        ).strip()
        body = render_to_string("commitments/email/comment_confirmation_body.txt", context)
    return EmailMultiAlternatives(subject, body, None, [comment.email])


def comment_confirmation_send(comment_id: int, language: str) -> bool:
    """Send the confirmation e-mail of a pending comment, in the language it was written in.
    Returns False (and sends nothing) when it already went or the comment is no longer pending."""
    return send_once(
        Comment.objects.select_related("plan__council", "commitment"),
        comment_id,
        due=lambda comment: comment.state == Comment.State.PENDING,
        message=lambda comment: confirmation_message(comment, language),
    )


def comments_requeue_confirmations(older_than_minutes: int = 5) -> int:
    """Queue again the confirmation e-mails that never went (broker or mail server down)."""
    limit = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    waiting = Comment.objects.filter(
        state=Comment.State.PENDING,
        confirmation_sent_at__isnull=True,
        created_at__lt=limit,
        created_at__gt=timezone.now() - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE),
    ).values_list("pk", "language")
    count = 0
    for comment_id, language in waiting:
        send_comment_confirmation.delay(comment_id, language)
        count += 1
    return count


@shared_task(name="commitments.requeue_comment_confirmations")
def requeue_comment_confirmations() -> int:
    return comments_requeue_confirmations()
