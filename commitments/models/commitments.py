"""What an action plan commits to: the commitment, its completion levels and what its
milestones add up to. Milestones and indicators are in milestones.py."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import (
    ActionPlan,
    CouncilProgramme,
    PlanOwned,
    PlanRowsQuerySet,
    Proposal,
    Theme,
)
from opengov.dates import MonthPrecisionDates, precision_field
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.translations import OTHER, original_language_choices

# Named by migration 0012 at this address.
from opengov.validators import validate_ogp_url

from .base import merge_errors
from .choices import ChallengeArea, CompletionLevel
from .goals import SustainableDevelopmentGoal


@dataclass(frozen=True)
class MilestoneCounts:
    """What milestones add up to. Cancelled milestones do not count: `total` is the others,
    `done` the completed ones, `overdue` the open ones past their due date. Counted in Python
    by Commitment.milestone_counts(), in SQL by Milestone.objects.counts()."""

    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        """Share of the counted milestones completed, 0-100."""
        return round(100 * self.done / self.total) if self.total else 0


class CommitmentQuerySet(PlanRowsQuerySet):
    pass


class Commitment(MonthPrecisionDates, PlanOwned, BilingualModel, TimeStampedModel):
    """An action-plan commitment with every field OGP asks of one."""

    # Its texts, each stored in Arabic and French (commitments/translation.py); the open data
    # and the API give them in this order.
    TEXT_FIELDS = (
        "title",
        "problem",
        "status_quo",
        "description",
        "expected_results",
        "ogp_relevance",
        "lead_agency",
        "partners",
        "contribution",
        "long_term_goal",
    )

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    reference = models.CharField(
        _("reference"),
        max_length=32,
        help_text=_("Unique within the plan, e.g. TTA-2024-03."),
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]*$",
                _("Use capital Latin letters, digits and hyphens, e.g. TTA-2024-03."),
            )
        ],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    problem = models.TextField(_("problem addressed"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    description = models.TextField(_("what will be done"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    ogp_relevance = models.TextField(
        _("relevance to OGP values"),
        blank=True,
        help_text=_("How the commitment advances transparency, participation or accountability."),
    )
    contribution = models.TextField(
        _("how it will contribute to solving the problem"),
        blank=True,
        help_text=_("OGP's template: how the commitment will contribute to solving the problem."),
    )
    long_term_goal = models.TextField(_("long-term goal"), blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=8,
        choices=original_language_choices(),
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the official text was written in; the others are translations."),
    )
    original_wording = models.TextField(
        _("original wording"),
        blank=True,
        help_text=_(
            "The official text word for word, when it was written in another language than the "
            "site's (choose “another language” above)."
        ),
    )
    ogp_id = models.CharField(
        _("OGP identifier"),
        max_length=20,
        blank=True,
        help_text=_("The identifier OGP gives the commitment, e.g. MATET0003."),
        validators=[
            RegexValidator(
                r"^[A-Z]+[0-9]+$",
                _("Use OGP's identifier: capital Latin letters then digits, e.g. MATET0003."),
            )
        ],
    )
    ogp_url = models.URLField(
        _("page on OGP's site"),
        max_length=500,
        blank=True,
        validators=[validate_ogp_url],
    )
    challenge_area = models.CharField(
        _("Open Gov Challenge area"),
        max_length=32,
        choices=ChallengeArea.choices,
        blank=True,
    )
    policy_area = models.CharField(
        _("policy area"),
        max_length=255,
        blank=True,
        help_text=_("As OGP classifies it, e.g. Open Data, Right to Information."),
    )
    sector = models.CharField(
        _("sector"),
        max_length=255,
        blank=True,
        help_text=_("As OGP classifies it, e.g. Public Services (general)."),
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        verbose_name=_("Sustainable Development Goals"),
        blank=True,
        related_name="commitments",
    )
    programme = models.ForeignKey(
        CouncilProgramme,
        verbose_name=_("council programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        help_text=_("The council's own programme (PAC, PDP, PDR) the commitment serves."),
    )
    programme_reference = models.CharField(
        _("reference in the programme"),
        max_length=255,
        blank=True,
        help_text=_("The axis, measure or project of the programme, e.g. Axis 3, measure 3.2."),
    )
    transparency = models.BooleanField(_("transparency"), default=False)
    participation = models.BooleanField(_("civic participation"), default=False)
    accountability = models.BooleanField(_("public accountability"), default=False)
    technology_innovation = models.BooleanField(_("technology and innovation"), default=False)
    lead_agency = models.CharField(_("lead agency"), max_length=255, blank=True)
    partners = models.TextField(_("supporting actors"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    start_date_precision = precision_field(_("start date precision"))
    end_date_precision = precision_field(_("end date precision"))
    budget = models.DecimalField(
        _("budget (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completion_override = models.CharField(
        _("completion (set by hand)"),
        max_length=20,
        choices=CompletionLevel.choices,
        blank=True,
        help_text=_("Leave empty to derive the completion from the milestones."),
    )
    completion_override_reason = models.TextField(
        _("why the completion is set by hand"), blank=True, max_length=2000
    )
    source_proposals = models.ManyToManyField(
        Proposal,
        verbose_name=_("source proposals"),
        blank=True,
        related_name="commitments",
    )

    objects = CommitmentQuerySet.as_manager()

    required_in_one_language = ("title",)
    MONTH_DATES = {"start_date": False, "end_date": True}

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "position", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"],
                name="commitment_unique_reference_per_plan",
                violation_error_message=_("The plan already has a commitment with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="commitment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="commitment_budget_not_negative",
            ),
            in_one_language_constraint("commitment", "title"),
            models.UniqueConstraint(
                fields=["ogp_id"],
                condition=~Q(ogp_id=""),
                name="commitment_unique_ogp_id",
                violation_error_message=_("Another commitment already has this OGP identifier."),
            ),
            models.CheckConstraint(
                condition=Q(original_wording__strip="") | Q(original_language=OTHER),
                name="commitment_original_wording_in_another_language",
                violation_error_message=_(
                    "Keep the original wording only for a text written in another language: "
                    "choose “another language” as the original language, or leave it empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(completion_override="") | Q(completion_override_reason__strip__gt=""),
                name="commitment_override_has_reason",
                violation_error_message=_("Explain why the completion is set by hand."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "theme"], name="commitment_plan_theme_idx"),
            models.Index(fields=["status"], name="commitment_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "commitments:commitment",
            args=[self.plan.council.slug, self.plan.start_year, self.reference],
        )

    @property
    def original_differs(self) -> bool:
        """The official text was written in another language than the site's default."""
        return self.original_language != settings.LANGUAGE_CODE

    @property
    def ogp_values(self) -> list[str]:
        """The labels of the OGP values the commitment advances, in the active language."""
        names = ("transparency", "participation", "accountability", "technology_innovation")
        return [
            str(self._meta.get_field(name).verbose_name) for name in names if getattr(self, name)
        ]

    def milestone_counts(self, on: datetime.date | None = None) -> MilestoneCounts:
        """What the commitment's milestones add up to on `on` (today by default), read from
        self.milestones.all(): prefetch the milestones when listing commitments."""
        on = on or timezone.localdate()
        states = [milestone.state(on) for milestone in self.milestones.all()]
        return MilestoneCounts(
            total=len(states) - states.count("cancelled"),
            done=states.count("done"),
            overdue=states.count("overdue"),
        )

    def derived_completion(self) -> str:
        """The completion level the milestones show (cancelled ones do not count): nothing to
        go on → no evidence; none done or under way → not started; under half done → limited;
        half or more → substantial; all → complete."""
        counts = self.milestone_counts()
        if not counts.total:
            return CompletionLevel.NO_EVIDENCE
        if counts.done == counts.total:
            return CompletionLevel.COMPLETE
        started = any(m.status == m.Status.IN_PROGRESS for m in self.milestones.all())
        if counts.done == 0 and not started:
            return CompletionLevel.NOT_STARTED
        if 2 * counts.done >= counts.total:
            return CompletionLevel.SUBSTANTIAL
        return CompletionLevel.LIMITED

    def completion(self) -> str:
        """The completion level shown: the override when a coordinator set one (with its
        reason), else the level derived from the milestones."""
        return self.completion_override or self.derived_completion()

    def get_completion_display(self) -> str:
        return str(CompletionLevel(self.completion()).label)

    def status_disagrees_with_completion(self) -> bool:
        """Whether the implementation status the council declared (`status`, set by hand)
        contradicts the completion shown (from the milestones, or set by hand): declared not
        started while a milestone is under way or done, or completed while the milestones are
        not all done. A withdrawn commitment, or one with nothing to measure, never does."""
        completion = self.completion()
        if completion == CompletionLevel.NO_EVIDENCE:
            return False
        if self.status == self.Status.NOT_STARTED:
            return completion != CompletionLevel.NOT_STARTED
        if self.status == self.Status.COMPLETED:
            return completion != CompletionLevel.COMPLETE
        return False

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                gettext("The end date cannot be before the start date.")
            )
        if self.completion_override and not (self.completion_override_reason or "").strip():
            errors.setdefault("completion_override_reason", []).append(
                gettext("Explain why the completion is set by hand.")
            )
        if self.programme_reference.strip() and not self.programme_id:
            errors.setdefault("programme", []).append(
                gettext("Choose the programme this reference belongs to.")
            )
        if self.plan_id:
            plan = self.plan
            if self.programme_id and self.programme.council_id != plan.council_id:
                errors.setdefault("programme", []).append(
                    gettext("Choose a programme of the plan's council (%(council)s).")
                    % {"council": plan.council}
                )
            for field in ("start_date", "end_date"):
                value = getattr(self, field)
                if value and not plan.start_year <= value.year <= plan.end_year:
                    errors.setdefault(field, []).append(
                        gettext("This date falls outside the plan's period (%(period)s).")
                        % {"period": plan.period}
                    )
        if errors:
            raise ValidationError(errors)
