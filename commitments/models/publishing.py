"""A plan published as PDF: the publication requests the worker renders, and the documents
it stores (never overwritten)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned
from opengov.models import TimeStampedModel
from opengov.uploads import SniffedFileField


def plan_document_path(_instance, filename: str) -> str:
    # A random name: a published file is never overwritten, and nothing typed reaches the disk.
    return f"plans/{uuid.uuid4().hex}.pdf"


class PlanPublication(PlanOwned, TimeStampedModel):
    """One request to publish a plan as PDF (both languages), rendered by a Celery worker.
    Its status is what the coordinator follows in the admin; a failure keeps its error and
    leaves the previous current documents in place."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Published")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="publications",
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("progress"), max_length=120, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("plan publication")
        verbose_name_plural = _("plan publications")
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"],
                name="planpublication_unique_version",
                violation_error_message=_("This version of the plan already exists."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["queued", "rendering"]),
                name="planpublication_one_running_per_plan",
                violation_error_message=_("This plan is already being published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · v{self.version} · {self.get_status_display()}"


class PlanDocument(PlanOwned, TimeStampedModel):
    """A published PDF of a plan in one language. Never overwritten: a new version is a new
    row and a new file; `is_current` marks the one the public page offers first."""

    # The worker's output of a publication accepted before the plan was closed.
    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    publication = models.ForeignKey(
        PlanPublication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    # Written by the portal, never by a user; still judged and served like an upload.
    file = SniffedFileField(_("file"), upload_to=plan_document_path, max_length=200, accept="pdf")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    generated_at = models.DateTimeField(_("generated at"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["plan", "-version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "language", "version"], name="plandocument_unique_version"
            ),
            models.UniqueConstraint(
                fields=["plan", "language"],
                condition=Q(is_current=True),
                name="plandocument_one_current_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.language} · v{self.version}"

    def download_name(self) -> str:
        return f"{self.plan.council.slug}-{self.plan.period}-{self.language}-v{self.version}.pdf"

    def download_url(self) -> str:
        council = self.plan.council
        return reverse(
            "commitments:plan_document", args=[council.slug, self.plan.start_year, self.pk]
        )
