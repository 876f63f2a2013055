"""Publishing a plan as PDF: the coordinator's request (a service) and the rendering, run by the
Celery task defined here (pdf.py draws the document). Both languages are rendered and stored
before anything is marked current, so readers never see half a publication and a failure leaves
the previous one. Tasks take ids and are safe to run twice (see publication_render)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import traceback

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from consultations.models import ActionPlan
from opengov.urls_absolute import absolute_url

from ..follows import events as follow_events
from ..models import PlanDocument, PlanPublication

logger = logging.getLogger(__name__)

PUBLISHABLE_STAGES = (ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION)


def _public_url(plan: ActionPlan, language: str) -> str:
    with translation.override(language):
        path = plan.get_absolute_url()
    return absolute_url(path)


@transaction.atomic
def plan_publish(*, plan: ActionPlan, by: AbstractBaseUser | None) -> PlanPublication:
    """Queue the publication of the next version of `plan`; the worker starts once the
    transaction commits. Refused for plans that are not adopted or running, and while another
    publication of the plan is queued or rendering."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.stage not in PUBLISHABLE_STAGES:
        raise ValidationError(
            gettext("Only an adopted plan, or one being implemented, can be published.")
        )
    if plan.publications.filter(
        status__in=[PlanPublication.Status.QUEUED, PlanPublication.Status.RENDERING]
    ).exists():
        raise ValidationError(gettext("This plan is already being published."))
    last = plan.publications.aggregate(last=Max("version"))["last"] or 0
    publication = PlanPublication(plan=plan, version=last + 1, requested_by=by)
    publication.full_clean()
    publication.save()
    # robust: if the broker is down the request still succeeds; the sweep below queues it later.
    transaction.on_commit(lambda: render_plan_publication.delay(publication.pk), robust=True)
    return publication


def publications_requeue(older_than_minutes: int = 10) -> int:
    """Queue again the publications still waiting after `older_than_minutes` (their message was
    lost, or the broker was down when they were requested), and those left "rendering" longer
    than settings.PUBLICATION_STALE_MINUTES (their worker died with the message: the container
    was killed, or Redis lost its unacknowledged messages). The stale delay is longer than the
    task's hard time limit, so a rendering still running is never taken twice; rendering is
    idempotent anyway. A publication that has used up its attempts is marked failed instead of
    being queued for ever. Returns how many were queued."""
    now = timezone.now()
    waiting = PlanPublication.objects.filter(
        status=PlanPublication.Status.QUEUED,
        updated_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
    )
    stale = PlanPublication.objects.filter(
        status=PlanPublication.Status.RENDERING,
        updated_at__lt=now - datetime.timedelta(minutes=settings.PUBLICATION_STALE_MINUTES),
    )
    queued = 0
    for publication in list(waiting) + list(stale):
        if publication.attempts >= settings.PUBLICATION_MAX_ATTEMPTS:
            _mark(
                publication.pk,
                status=PlanPublication.Status.FAILED,
                step="",
                finished_at=now,
                error=gettext("The rendering was interrupted %(count)d times; publish again.")
                % {"count": publication.attempts},
            )
            continue
        # Back to "queued" and touched, so the next sweep waits again.
        _mark(publication.pk, status=PlanPublication.Status.QUEUED)
        render_plan_publication.delay(publication.pk)
        queued += 1
    return queued


def _mark(publication_id: int, **fields) -> None:
    PlanPublication.objects.filter(pk=publication_id).update(**fields, updated_at=timezone.now())


def publication_render(publication_id: int, *, final_attempt: bool = True) -> str:
    """Render and store both languages of a queued publication, then make them current.

    Idempotent: a publication already done is left alone, so a task run twice (a retry, a
    redelivered message) publishes once. Returns the publication's final status."""
    # Imported here: WeasyPrint is heavy, and only the worker that renders needs it (the web
    # processes queue publications through this module without ever rendering one).
    from .pdf import render_plan_pdf

    with transaction.atomic():
        publication = (
            PlanPublication.objects.select_for_update()
            .select_related("plan__council")
            .get(pk=publication_id)
        )
        if publication.status == PlanPublication.Status.DONE:
            return publication.status
        publication.status = PlanPublication.Status.RENDERING
        publication.attempts += 1
        publication.started_at = timezone.now()
        publication.step = ""
        publication.error = ""
        publication.save()
    plan = publication.plan
    published_on = timezone.localdate()
    stored: list[PlanDocument] = []
    try:
        for code, _name in settings.LANGUAGES:
            _mark(
                publication_id, step=gettext("Rendering the %(language)s PDF") % {"language": code}
            )
            pdf = render_plan_pdf(
                plan,
                code,
                version=publication.version,
                published_on=published_on,
                public_url=_public_url(plan, code),
            )
            document = PlanDocument(
                plan=plan,
                publication=publication,
                language=code,
                version=publication.version,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                generated_at=timezone.now(),
            )
            document.file.save("plan.pdf", ContentFile(pdf), save=False)
            stored.append(document)
        with transaction.atomic():
            # Replace what a failed earlier attempt may have left, then switch "current".
            PlanDocument.objects.filter(publication=publication).delete()
            for document in stored:
                document.full_clean()
                document.save()
            PlanDocument.objects.filter(plan=plan, is_current=True).update(is_current=False)
            PlanDocument.objects.filter(pk__in=[d.pk for d in stored]).update(is_current=True)
            _mark(
                publication_id,
                status=PlanPublication.Status.DONE,
                step="",
                finished_at=timezone.now(),
            )
            follow_events.plan_document_published(publication)
        return PlanPublication.Status.DONE
    except Exception as error:
        for document in stored:
            if document.pk is None and document.file:
                document.file.storage.delete(document.file.name)
        logger.exception("Publishing plan %s (publication %s) failed", plan.pk, publication_id)
        message = f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=5)}"
        if final_attempt:
            _mark(
                publication_id,
                status=PlanPublication.Status.FAILED,
                step="",
                error=message,
                finished_at=timezone.now(),
            )
        else:
            _mark(
                publication_id,
                status=PlanPublication.Status.QUEUED,
                step=gettext("Failed; will try again."),
                error=message,
            )
        raise


@transaction.atomic
def publication_retry(*, publication: PlanPublication) -> PlanPublication:
    """Queue a failed publication again (same version number)."""
    publication = PlanPublication.objects.select_for_update().get(pk=publication.pk)
    if publication.status != PlanPublication.Status.FAILED:
        raise ValidationError(gettext("Only a failed publication can be tried again."))
    if (
        PlanPublication.objects.filter(
            plan_id=publication.plan_id,
            status__in=[PlanPublication.Status.QUEUED, PlanPublication.Status.RENDERING],
        )
        .exclude(pk=publication.pk)
        .exists()
    ):
        raise ValidationError(gettext("This plan is already being published."))
    publication.status = PlanPublication.Status.QUEUED
    publication.step = ""
    publication.save()
    transaction.on_commit(lambda: render_plan_publication.delay(publication.pk), robust=True)
    return publication


# --- tasks -------------------------------------------------------------------------------------


@shared_task(
    name="commitments.render_plan_publication",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def render_plan_publication(self, publication_id: int) -> str:
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
    return publications_requeue()
