"""OGP Local's End-of-Commitment Assessment, by the monitoring body (did it open government,
value by value, due one month after the commitment's completion), with its evidence files, and
the log that keeps the reminders of the monitoring body's assessments (this one and the
inception assessment, inception.py) from going twice. The council's own self-assessments are in
progress.py."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned, PlanRowsQuerySet
from opengov.dates import add_months
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import SniffedFileField, content_type_field, download_extension
from opengov.validators import validate_file_size

from .choices import CompletionLevel, OpenedGovernment
from .commitments import Commitment
from .progress import evidence_path

# OGP Local: the end-of-commitment assessment one month after the commitment's complete
# implementation.
END_OF_COMMITMENT_DUE_MONTHS = 1


class ValueAnswer(models.TextChoices):
    """An answer about one OGP value in the end-of-commitment assessment."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


def commitment_completed_on(commitment: Commitment) -> datetime.date | None:
    """When a commitment was completed, or None while it is not: a commitment is completed when
    its completion level is Complete (derived from its milestones, or set by hand); its date is
    the latest completion date of its milestones, else its end date. Reads
    commitment.milestones.all(): prefetch them when listing."""
    if commitment.completion() != CompletionLevel.COMPLETE:
        return None
    dates = [m.completed_on for m in commitment.milestones.all() if m.completed_on]
    return max(dates) if dates else commitment.end_date


def end_of_commitment_due_on(commitment: Commitment) -> datetime.date | None:
    """One month after the commitment's completion (commitment_completed_on), or None."""
    completed_on = commitment_completed_on(commitment)
    if completed_on is None:
        return None
    return add_months(completed_on, END_OF_COMMITMENT_DUE_MONTHS)


class CommitmentAssessment(PlanOwned, BilingualModel, TimeStampedModel):
    """OGP Local's End-of-Commitment Assessment, filed by the monitoring body one month after the
    commitment's completion (end_of_commitment_due_on): its completion, whether it opened
    government (five points, "worsened" included) and, for each OGP value, whether it did (or
    not applicable) and why. Often filed after the plan is closed: allowed then too."""

    PLAN_PATH = "commitment__plan"
    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True
    # OGP's values, as the form asks about them (each with its explanation, <name>_explanation).
    VALUE_FIELDS = (
        "access_to_information",
        "civic_participation",
        "public_accountability",
        "technology_innovation",
    )

    commitment = models.OneToOneField(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="assessment",
    )
    what_was_done = models.TextField(_("what was done"), blank=True, max_length=5000)
    completion = models.CharField(_("completion"), max_length=20, choices=CompletionLevel.choices)
    opened_government = models.CharField(
        _("did it open government?"), max_length=20, choices=OpenedGovernment.choices
    )
    explanation = models.TextField(_("explanation"), blank=True, max_length=5000)
    access_to_information = models.CharField(
        _("access to information"), max_length=16, choices=ValueAnswer.choices, blank=True
    )
    access_to_information_explanation = models.TextField(
        _("access to information: explanation"), blank=True, max_length=3000
    )
    civic_participation = models.CharField(
        _("civic participation"), max_length=16, choices=ValueAnswer.choices, blank=True
    )
    civic_participation_explanation = models.TextField(
        _("civic participation: explanation"), blank=True, max_length=3000
    )
    public_accountability = models.CharField(
        _("public accountability"), max_length=16, choices=ValueAnswer.choices, blank=True
    )
    public_accountability_explanation = models.TextField(
        _("public accountability: explanation"), blank=True, max_length=3000
    )
    technology_innovation = models.CharField(
        _("technology and innovation"), max_length=16, choices=ValueAnswer.choices, blank=True
    )
    technology_innovation_explanation = models.TextField(
        _("technology and innovation: explanation"), blank=True, max_length=3000
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlanRowsQuerySet.as_manager()

    required_in_one_language = ("what_was_done",)

    class Meta:
        verbose_name = _("end-of-commitment assessment")
        verbose_name_plural = _("end-of-commitment assessments")
        ordering = ["commitment"]
        constraints = [in_one_language_constraint("commitmentassessment", "what_was_done")]

    def __str__(self) -> str:
        return f"{self.commitment.reference} · {self.get_completion_display()}"

    @property
    def due_on(self) -> datetime.date | None:
        return end_of_commitment_due_on(self.commitment)

    def value_answers(self) -> list[tuple[str, str, str, str]]:
        """(field name, value label, answer label, explanation field) for each OGP value
        answered, in the form's order, labels in the active language."""
        answers = []
        for name in self.VALUE_FIELDS:
            answer = getattr(self, name)
            if answer:
                answers.append(
                    (
                        name,
                        str(self._meta.get_field(name).verbose_name),
                        str(ValueAnswer(answer).label),
                        f"{name}_explanation",
                    )
                )
        return answers


MAX_ASSESSMENT_EVIDENCE = 3


class AssessmentEvidence(PlanOwned, TimeStampedModel):
    """A file backing an end-of-commitment assessment (allowed after closure, as its
    assessment); OGP's form takes three at most."""

    PLAN_PATH = "assessment__commitment__plan"
    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True

    assessment = models.ForeignKey(
        CommitmentAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    title = models.CharField(_("title"), max_length=255)
    file = SniffedFileField(
        _("file"),
        upload_to=evidence_path,
        max_length=200,
        accept="document",
        content_type_field="content_type",
        validators=[validate_file_size],
    )
    content_type = content_type_field()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["assessment", "id"]

    def __str__(self) -> str:
        return self.title

    def download_url(self) -> str:
        return reverse("commitments:evidence", args=["assessment", self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.content_type, self.file.name)
        return f"evidence-assessment-{self.pk}.{extension}"

    def clean(self) -> None:
        super().clean()
        if self.assessment_id:
            others = AssessmentEvidence.objects.filter(assessment_id=self.assessment_id)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.count() >= MAX_ASSESSMENT_EVIDENCE:
                raise ValidationError(
                    gettext("An assessment has at most %(max)d evidence files.")
                    % {"max": MAX_ASSESSMENT_EVIDENCE}
                )


class AssessmentReminderLog(models.Model):
    """A reminder sent to a monitoring-body user about an assessment due ("due_soon") or late
    ("overdue"): the inception assessment of a plan (no commitment) or the end-of-commitment
    assessment of a commitment. The unique constraints are what make a reminder never go
    twice."""

    class Kind(models.TextChoices):
        INCEPTION = "inception", _("Inception assessment")
        END_OF_COMMITMENT = "end_of_commitment", _("End-of-commitment assessment")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment reminder sent")
        verbose_name_plural = _("assessment reminders sent")
        constraints = [
            # Two partial constraints rather than one with NULLs equal: SQLite (the demo's
            # database) has no such unique constraint, and would send reminders twice.
            models.UniqueConstraint(
                fields=["user", "kind", "plan", "state", "due_on"],
                condition=Q(commitment__isnull=True),
                name="assessmentreminderlog_once_per_plan",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "commitment", "state", "due_on"],
                condition=Q(commitment__isnull=False),
                name="assessmentreminderlog_once_per_commitment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.plan_id} · {self.state}"
