"""What an action plan commits to: commitments, their milestones and indicators.

This app imports consultations, never the reverse."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned, Proposal, Theme
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import SniffedFileField


def _merge_errors(errors: dict, error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


class CompletionLevel(models.TextChoices):
    """The completion levels of OGP's Independent Reporting Mechanism."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class OpenedGovernment(models.TextChoices):
    """Did the commitment open government? (OGP's Independent Reporting Mechanism)"""

    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class CommitmentQuerySet(models.QuerySet):
    def of_public_plans(self):
        return self.exclude(plan__stage=ActionPlan.Stage.PREPARATION)


class Commitment(PlanOwned, BilingualModel, TimeStampedModel):
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
    def ogp_values(self) -> list[str]:
        """The labels of the OGP values the commitment advances, in the active language."""
        names = ("transparency", "participation", "accountability", "technology_innovation")
        return [
            str(self._meta.get_field(name).verbose_name) for name in names if getattr(self, name)
        ]

    def derived_completion(self) -> str:
        """The completion level the milestones show (cancelled ones do not count): nothing to
        go on → no evidence; none done or under way → not started; under half done → limited;
        half or more → substantial; all → complete."""
        milestones = [m for m in self.milestones.all() if m.status != Milestone.Status.CANCELLED]
        if not milestones:
            return CompletionLevel.NO_EVIDENCE
        done = sum(1 for m in milestones if m.status == Milestone.Status.COMPLETED)
        started = any(m.status == Milestone.Status.IN_PROGRESS for m in milestones)
        if done == len(milestones):
            return CompletionLevel.COMPLETE
        if done == 0 and not started:
            return CompletionLevel.NOT_STARTED
        if 2 * done >= len(milestones):
            return CompletionLevel.SUBSTANTIAL
        return CompletionLevel.LIMITED

    def completion(self) -> str:
        """The completion level shown: the override when a coordinator set one (with its
        reason), else the level derived from the milestones."""
        return self.completion_override or self.derived_completion()

    def get_completion_display(self) -> str:
        return str(CompletionLevel(self.completion()).label)

    def progress(self) -> int:
        """Share of milestones completed, 0-100 (cancelled milestones do not count)."""
        milestones = [m for m in self.milestones.all() if m.status != Milestone.Status.CANCELLED]
        if not milestones:
            return 0
        done = sum(1 for m in milestones if m.status == Milestone.Status.COMPLETED)
        return round(100 * done / len(milestones))

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            _merge_errors(errors, error)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                gettext("The end date cannot be before the start date.")
            )
        if self.completion_override and not (self.completion_override_reason or "").strip():
            errors.setdefault("completion_override_reason", []).append(
                gettext("Explain why the completion is set by hand.")
            )
        if self.plan_id:
            plan = self.plan
            for field in ("start_date", "end_date"):
                value = getattr(self, field)
                if value and not plan.start_year <= value.year <= plan.end_year:
                    errors.setdefault(field, []).append(
                        gettext("This date falls outside the plan's period (%(period)s).")
                        % {"period": plan.period}
                    )
        if errors:
            raise ValidationError(errors)


def overdue_condition(on: datetime.date | None = None) -> Q:
    """Open milestones whose due date has passed (the day after the due date), as a condition
    usable inside an aggregate (no subquery)."""
    closed = [Milestone.Status.COMPLETED, Milestone.Status.CANCELLED]
    return ~Q(status__in=closed) & Q(due_date__lt=on or timezone.localdate())


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Milestone.Status.COMPLETED, Milestone.Status.CANCELLED])

    def overdue(self, on: datetime.date | None = None):
        """Open milestones whose due date has passed (the day after the due date)."""
        return self.filter(overdue_condition(on))

    def due_within(self, days: int, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.open().filter(
            due_date__gte=on, due_date__lte=on + datetime.timedelta(days=days)
        )


class Milestone(PlanOwned, BilingualModel, TimeStampedModel):
    """A dated step of a commitment with its deliverable."""

    PLAN_PATH = "commitment__plan"

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
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)

    objects = MilestoneQuerySet.as_manager()

    required_in_one_language = ("title",)

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

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        open_statuses = {self.Status.NOT_STARTED, self.Status.IN_PROGRESS}
        return self.status in open_statuses and self.due_date < on

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            _merge_errors(errors, error)
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
            _merge_errors(errors, error)
        if self.latest_value_on and self.latest_value is None:
            errors.setdefault("latest_value", []).append(
                gettext("Give the value measured on that date.")
            )
        if errors:
            raise ValidationError(errors)


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


# --- comments on draft plans -------------------------------------------------------------------

COMMENT_MAX_LENGTH = 3000


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Comment.State.PUBLISHED)

    def awaiting_moderation(self):
        return self.filter(state=Comment.State.CONFIRMED)


class Comment(PlanOwned, TimeStampedModel):
    """A citizen's comment on a plan under consultation (or on one of its commitments).

    Saved at once as pending; the e-mailed link confirms it; the plan's setting decides whether a
    confirmed comment is published at once or waits for a moderator. The e-mail is never shown.
    A closed plan takes no new comment, but its comments can still be moderated and answered.
    """

    CHANGES_AFTER_CLOSURE = True

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="comments"
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author_name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail"))
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    consent_at = models.DateTimeField(_("consent given at"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    moderators_notified_at = models.DateTimeField(
        _("moderators notified at"), null=True, blank=True
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    official_reply = models.TextField(_("official reply of the council"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    client_hash = models.CharField(_("client fingerprint"), max_length=64, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__strip__gt=""),
                name="comment_body_not_empty",
                violation_error_message=_("Write your comment."),
            ),
            models.CheckConstraint(
                condition=~Q(state="hidden") | Q(hidden_reason__strip__gt=""),
                name="comment_hidden_has_reason",
                violation_error_message=_("Say why the comment is hidden."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "state", "created_at"], name="comment_plan_state_idx"),
            models.Index(fields=["commitment", "state"], name="comment_commitment_state_idx"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return f"{self.author_name}: {text[:60]}{'…' if len(text) > 60 else ''}"

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            _merge_errors(errors, error)
        if self.commitment_id and self.plan_id and self.commitment.plan_id != self.plan_id:
            errors["commitment"] = gettext("This commitment belongs to another plan.")
        if self.parent_id:
            parent = self.parent
            if parent.parent_id:
                errors["parent"] = gettext("Replies go to a comment, not to another reply.")
            elif parent.plan_id != self.plan_id or parent.commitment_id != self.commitment_id:
                errors["parent"] = gettext("The reply must be on the same page as the comment.")
        if self.state == self.State.HIDDEN and not self.hidden_reason.strip():
            errors["hidden_reason"] = gettext("Say why the comment is hidden.")
        if errors:
            raise ValidationError(errors)


class CommentReport(models.Model):
    """A reader's report of a comment; one per comment and reader fingerprint."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["comment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "client_hash"], name="commentreport_once_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} · {self.created_at:%Y-%m-%d}"


# The follow-up models live in their own module (models.py was getting long); importing them here
# registers them with the app.
from .models_progress import (  # noqa: E402, F401
    MAX_ASSESSMENT_EVIDENCE,
    AssessmentEvidence,
    CommitmentAssessment,
    IndicatorValue,
    MilestoneUpdate,
    PlanSelfAssessment,
    ReminderLog,
)
