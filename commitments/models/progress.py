"""Following implementation: dated progress entries on milestones and indicators (kept forever,
so the public page tells the story), the council's plan self-assessments and the log that keeps
milestone reminders from being sent twice. The monitoring body's assessments are in
monitoring.py."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned, random_upload_name
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import SniffedFileField, content_type_field, download_extension
from opengov.validators import validate_file_size

from .milestones import Indicator, Milestone


def evidence_path(_instance, filename: str) -> str:
    return random_upload_name("evidence", filename)


class MilestoneUpdate(PlanOwned, TimeStampedModel):
    """A dated progress entry on a milestone: its new status, a note and evidence."""

    PLAN_PATH = "milestone__commitment__plan"

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("status"), max_length=20, choices=Milestone.Status.choices)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = SniffedFileField(
        _("evidence document"),
        upload_to=evidence_path,
        blank=True,
        max_length=200,
        accept="document",
        content_type_field="evidence_content_type",
        validators=[validate_file_size],
    )
    evidence_content_type = content_type_field(_("evidence content type"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")
        ordering = ["milestone", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False))
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="milestoneupdate_completed_on_iff_completed",
                violation_error_message=_(
                    "A completed milestone needs its completion date, and only a completed one."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.get_status_display()} · {self.created_at:%Y-%m-%d}"

    def download_url(self) -> str:
        return reverse("commitments:evidence", args=["milestone", self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.evidence_content_type, self.evidence_file.name)
        return f"evidence-milestone-{self.pk}.{extension}"

    def clean(self) -> None:
        super().clean()
        if self.status == Milestone.Status.COMPLETED and not self.completed_on:
            raise ValidationError({"completed_on": gettext("Give the date it was completed.")})
        if self.status != Milestone.Status.COMPLETED and self.completed_on:
            raise ValidationError(
                {"completed_on": gettext("Only a completed milestone has a completion date.")}
            )


class IndicatorValue(PlanOwned, TimeStampedModel):
    """A measured value of an indicator, with its date and source."""

    PLAN_PATH = "indicator__commitment__plan"

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    source = models.CharField(_("source"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "-measured_on", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.value} · {self.measured_on}"


class PlanSelfAssessment(PlanOwned, BilingualModel, TimeStampedModel):
    """The council's mid-term or end-of-term self-assessment of a plan, exported for OGP. The
    end-of-term one is written once the plan has ended: allowed after closure."""

    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True

    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term self-assessment")
        END_OF_TERM = "end_of_term", _("End-of-term self-assessment")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="self_assessments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"), blank=True, max_length=10000)
    lessons = models.TextField(_("lessons learned"), blank=True, max_length=10000)

    required_in_one_language = ("summary",)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["plan", "kind"]
        constraints = [
            in_one_language_constraint("planselfassessment", "summary"),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                name="planselfassessment_one_per_kind",
                violation_error_message=_("This plan already has this self-assessment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_kind_display()}"


class ReminderLog(models.Model):
    """A reminder sent to a coordinator about a milestone in a given state ("due_soon" or
    "overdue"): the unique constraint is what makes a reminder never go twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "milestone", "state", "due_date"], name="reminderlog_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.milestone_id} · {self.state}"
