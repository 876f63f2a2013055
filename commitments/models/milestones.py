"""A commitment's dated steps (milestones, with their one rule for what is done or overdue)
and the measures of its result (indicators)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import PlanOwned, PlanRowsQuerySet
from opengov.dates import MonthPrecisionDates, precision_field
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint

from .base import merge_errors
from .commitments import Commitment, MilestoneCounts


def _overdue(on: datetime.date | None, via: str = "") -> Q:
    # As Milestone.state(): open, and the day after the due date.
    closed = [Milestone.Status.COMPLETED, Milestone.Status.CANCELLED]
    return ~Q(**{f"{via}status__in": closed}) & Q(
        **{f"{via}due_date__lt": on or timezone.localdate()}
    )


def count_filters(on: datetime.date | None = None, via: str = "") -> dict[str, Q]:
    """The one rule for what a plan's or a commitment's milestone figures count, as
    conditions for Count(…, filter=…): `total` (all but the cancelled ones), `done` and
    `overdue` on `on` (today by default). `via` reaches the milestone from another model
    ("commitments__milestones__" from a plan)."""
    return {
        "total": ~Q(**{f"{via}status": Milestone.Status.CANCELLED}),
        "done": Q(**{f"{via}status": Milestone.Status.COMPLETED}),
        "overdue": _overdue(on, via),
    }


class MilestoneQuerySet(PlanRowsQuerySet):
    def open(self):
        return self.exclude(status__in=[Milestone.Status.COMPLETED, Milestone.Status.CANCELLED])

    def overdue(self, on: datetime.date | None = None):
        """Open milestones whose due date has passed (the day after the due date)."""
        return self.filter(_overdue(on))

    def counts(self, on: datetime.date | None = None) -> MilestoneCounts:
        """What these milestones add up to on `on` (today by default), as Milestone.state()
        and Commitment.milestone_counts() count them: one aggregate query."""
        return MilestoneCounts(
            **self.aggregate(
                **{name: Count("pk", filter=rule) for name, rule in count_filters(on).items()}
            )
        )

    def due_within(self, days: int, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.open().filter(
            due_date__gte=on, due_date__lte=on + datetime.timedelta(days=days)
        )


class Milestone(MonthPrecisionDates, PlanOwned, BilingualModel, TimeStampedModel):
    """A dated step of a commitment with its deliverable."""

    PLAN_PATH = "commitment__plan"
    # Its texts, each stored in Arabic and French (commitments/translation.py); the open data
    # and the API give them in this order.
    TEXT_FIELDS = ("title", "deliverable", "evidence", "responsible")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    deliverable = models.TextField(_("deliverable"), blank=True)
    responsible = models.CharField(
        _("responsible"),
        max_length=255,
        blank=True,
        help_text=_("The actor in charge of the milestone."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    start_date_precision = precision_field(_("start date precision"))
    due_date_precision = precision_field(_("due date precision"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)

    objects = MilestoneQuerySet.as_manager()

    required_in_one_language = ("title",)
    MONTH_DATES = {"start_date": False, "due_date": True}

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="milestone_due_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False))
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="milestone_completed_on_iff_completed",
            ),
            in_one_language_constraint("milestone", "title"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="milestone_status_due_idx")]

    def __str__(self) -> str:
        return self.title

    def state(self, on: datetime.date | None = None) -> str:
        """ "done", "cancelled", "overdue" (open, from the day after its due date) or
        "on-track", on `on` (today by default). The one place this rule is written for a row;
        Milestone.objects.counts() and overdue() write it for a query."""
        if self.status == self.Status.COMPLETED:
            return "done"
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.due_date < (on or timezone.localdate()):
            return "overdue"
        return "on-track"

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.state(on) == "overdue"

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors.setdefault("due_date", []).append(
                gettext("The due date cannot be before the start date.")
            )
        if self.status == self.Status.COMPLETED and not self.completed_on:
            errors.setdefault("completed_on", []).append(
                gettext("Give the date the milestone was completed.")
            )
        if self.status != self.Status.COMPLETED and self.completed_on:
            errors.setdefault("completed_on", []).append(
                gettext("Only a completed milestone has a completion date.")
            )
        if self.completed_on and self.completed_on > timezone.localdate():
            errors.setdefault("completed_on", []).append(
                gettext("The completion date cannot be in the future.")
            )
        if errors:
            raise ValidationError(errors)


class Indicator(PlanOwned, BilingualModel, TimeStampedModel):
    """A measure of a commitment's result: baseline, target and latest value."""

    PLAN_PATH = "commitment__plan"

    objects = PlanRowsQuerySet.as_manager()

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    latest_value = models.DecimalField(
        _("latest value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    latest_value_on = models.DateField(_("latest value measured on"), null=True, blank=True)
    source = models.CharField(_("source of data"), max_length=255, blank=True)

    required_in_one_language = ("name",)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["commitment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest_value__isnull=False) | Q(latest_value_on__isnull=True),
                name="indicator_measured_on_needs_value",
            ),
            in_one_language_constraint("indicator", "name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        if self.latest_value_on and self.latest_value is None:
            errors.setdefault("latest_value", []).append(
                gettext("Give the value measured on that date.")
            )
        if errors:
            raise ValidationError(errors)
