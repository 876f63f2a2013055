"""OGP Local's Inception Assessment of a plan, by the monitoring body: its co-creation process
(OGP's questions) and the design of each commitment as written (relevance, verifiability,
potential for results), due two months after the plan's submission to OGP."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned, PlanRowsQuerySet
from opengov.dates import add_months
from opengov.models import BilingualModel, TimeStampedModel

from .commitments import Commitment

# OGP Local: the inception assessment is finalised within two months of the plan's submission.
INCEPTION_DUE_MONTHS = 2


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class PotentialForResults(models.TextChoices):
    """OGP's three-point scale of a commitment's ambition as written."""

    UNCLEAR = "unclear", _("Unclear")
    MODEST = "modest", _("Modest")
    SUBSTANTIAL = "substantial", _("Substantial")


def inception_due_on(plan: ActionPlan) -> datetime.date | None:
    """Two months after the plan's submission to OGP, or None before it is submitted."""
    if plan.submitted_on is None:
        return None
    return add_months(plan.submitted_on, INCEPTION_DUE_MONTHS)


class InceptionAssessmentQuerySet(PlanRowsQuerySet):
    def published(self):
        """The assessments the public may read: published, of a public plan."""
        return self.of_public_plans().filter(status=InceptionAssessment.Status.PUBLISHED)


class InceptionAssessment(PlanOwned, BilingualModel, TimeStampedModel):
    """OGP Local's Inception Assessment of a plan, by the monitoring body: the co-creation
    process (OGP's questions, yes or no) and, for each commitment of the plan, its design
    (InceptionCommitmentReview, one row per commitment, made automatically). Only a published
    assessment of a public plan is public. Filed after submission, sometimes after the plan
    closed: allowed then too."""

    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True
    # The co-creation questions, in the order of OGP's form.
    PROCESS_FIELDS = (
        "forum_exists",
        "forum_multi_stakeholder",
        "plan_endorsed",
        "online_repository",
        "information_shared_in_advance",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="inception_assessment",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    forum_exists = models.CharField(
        _("Does the OGP Local process have a forum?"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    forum_multi_stakeholder = models.CharField(
        _("Is the forum multi-stakeholder?"), max_length=3, choices=YesNo.choices, blank=True
    )
    plan_endorsed = models.CharField(
        _("Did non-government stakeholders endorse the plan before its submission?"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    online_repository = models.CharField(
        _("Is the process published online, at least every four months?"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    information_shared_in_advance = models.CharField(
        _("Was relevant information shared with stakeholders before the meetings?"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    co_creation = models.TextField(_("co-creation process"), blank=True, max_length=10000)
    summary = models.TextField(_("overall assessment"), blank=True, max_length=10000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)

    objects = InceptionAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inception assessment")
        verbose_name_plural = _("inception assessments")
        ordering = ["plan"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(published_on__isnull=False) & Q(summary_ar__strip__gt=""))
                | (Q(published_on__isnull=False) & Q(summary_fr__strip__gt="")),
                name="inceptionassessment_published_has_summary",
                violation_error_message=_(
                    "A published assessment needs its overall assessment and its publication date."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self._meta.verbose_name}"

    @property
    def due_on(self) -> datetime.date | None:
        return inception_due_on(self.plan)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def process_answers(self) -> list[tuple[str, str]]:
        """(question, answer) for each co-creation question answered, in the form's order,
        in the active language."""
        return [
            (str(self._meta.get_field(name).verbose_name), str(YesNo(getattr(self, name)).label))
            for name in self.PROCESS_FIELDS
            if getattr(self, name)
        ]

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.PUBLISHED and not (
            (self.summary_ar or "").strip() or (self.summary_fr or "").strip()
        ):
            raise ValidationError(
                {"summary": gettext("Write the overall assessment before publishing it.")}
            )


class InceptionCommitmentReview(PlanOwned, BilingualModel, TimeStampedModel):
    """One commitment as the inception assessment reads it, on OGP's indicators: does it have an
    open government lens (relevance), is it verifiable, its potential for results."""

    PLAN_PATH = "assessment__plan"
    ADDS_AFTER_CLOSURE = True
    CHANGES_AFTER_CLOSURE = True

    assessment = models.ForeignKey(
        InceptionAssessment,
        verbose_name=_("inception assessment"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="inception_reviews",
    )
    open_government_lens = models.CharField(
        _("Does it have an open government lens?"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    verifiable = models.CharField(
        _("Is it verifiable?"), max_length=3, choices=YesNo.choices, blank=True
    )
    potential_for_results = models.CharField(
        _("potential for results"), max_length=12, choices=PotentialForResults.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("commitment at inception")
        verbose_name_plural = _("commitments at inception")
        ordering = ["assessment", "commitment__position", "commitment__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "commitment"],
                name="inceptioncommitmentreview_once_per_commitment",
                violation_error_message=_("This commitment is already reviewed."),
            )
        ]

    def __str__(self) -> str:
        return str(self.commitment)

    def clean(self) -> None:
        super().clean()
        if (
            self.assessment_id
            and self.commitment_id
            and self.commitment.plan_id != self.assessment.plan_id
        ):
            raise ValidationError(
                {"commitment": gettext("The commitment must be of the assessed plan.")}
            )
