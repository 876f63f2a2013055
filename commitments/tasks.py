"""Celery tasks of the commitments app. Tasks take ids, call one function, and are safe to run
twice (see publishing.publication_render)."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError


@shared_task(
    name="commitments.render_plan_publication",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def render_plan_publication(self, publication_id: int) -> str:
    from .publishing import publication_render

    final = self.request.retries >= self.max_retries
    try:
        return publication_render(publication_id, final_attempt=final)
    except Exception as error:
        if final:
            raise
        # Back off 30 s, 60 s, 120 s: a busy machine or a storage hiccup gets time to recover.
        delay = settings.PUBLICATION_RETRY_DELAY * 2**self.request.retries
        raise self.retry(exc=error, countdown=delay) from error


@shared_task(name="commitments.requeue_publications")
def requeue_publications() -> int:
    from .publishing import publications_requeue

    return publications_requeue()


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
    from .notifications import comment_confirmation_send

    try:
        return comment_confirmation_send(comment_id, language)
    except (OSError, DatabaseError) as error:  # SMTP and socket errors, database restarts
        # Below the broker's visibility timeout (settings), so a retry is delivered once.
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 900)) from error


@shared_task(name="commitments.requeue_comment_confirmations")
def requeue_comment_confirmations() -> int:
    from .comments import comments_requeue_confirmations

    return comments_requeue_confirmations()


@shared_task(name="commitments.notify_moderators")
def notify_moderators() -> int:
    from .notifications import moderators_notify

    return moderators_notify()


@shared_task(name="commitments.remind_coordinators")
def remind_coordinators() -> int:
    from .progress import coordinators_remind

    return coordinators_remind()
