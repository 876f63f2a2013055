"""Celery tasks of the commitments app. Tasks take ids, call one function, and are safe to run
twice (see publishing.publication_render)."""

from celery import shared_task
from django.conf import settings


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
