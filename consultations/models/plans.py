"""Action plans, the closed-plan rule every plan's record follows (PlanOwned), and the log of
a plan's stage changes."""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.translations import original_language_choices
from opengov.validators import validate_ogp_url
from opengov.years import mentions_period, period

from .common import YEAR_VALIDATORS, differs_from_stored
from .councils import Council


def private_condition(prefix: str = "", on: datetime.date | None = None) -> Q:
    """The plans citizens may not read yet (through `prefix`, "plan__" from a plan's row): those
    in preparation (ActionPlan.PRIVATE_STAGES) whose proposals window has not opened. From the
    day it opens, co-creation happens in public, whatever the stage."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}stage__in": ActionPlan.PRIVATE_STAGES}) & (
        Q(**{f"{prefix}proposals_opens_on__isnull": True})
        | Q(**{f"{prefix}proposals_opens_on__gt": on})
    )


class ActionPlanQuerySet(models.QuerySet):
    def public(self):
        """Plans citizens may read: every stage but preparation (ActionPlan.PRIVATE_STAGES),
        and a plan in preparation once its proposals window has opened."""
        return self.exclude(private_condition())

    def open_for_proposals(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.exclude(stage=ActionPlan.Stage.CLOSED).filter(
            proposals_opens_on__lte=on, proposals_closes_on__gte=on
        )

    def open_for_comments(self, on: datetime.date | None = None):
        on = on or datetime.date.today()
        return self.filter(
            stage=ActionPlan.Stage.CONSULTATION,
            consultation_opens_on__lte=on,
            consultation_closes_on__gte=on,
        )

    def open_for_changes(self):
        """Plans whose records may still be added or changed: every stage but closed."""
        return self.exclude(stage=ActionPlan.Stage.CLOSED)

    def closed(self):
        """Plans whose records may no longer be added or changed (see PlanOwned)."""
        return self.filter(stage=ActionPlan.Stage.CLOSED)


class PlanRowsQuerySet(models.QuerySet):
    """For the QuerySets of a plan's records (PlanOwned models, through their PLAN_PATH)."""

    def of_public_plans(self):
        """The rows citizens may read: those of a public plan (ActionPlanQuerySet.public()) and
        those of no plan (a network meeting)."""
        path = self.model.PLAN_PATH
        # A row of no plan is public: the condition is only tested where the plan exists.
        return self.exclude(Q(**{f"{path}__isnull": False}) & private_condition(f"{path}__"))


class ActionPlan(BilingualModel, TimeStampedModel):
    """A council's OGP Local action plan for a period of years."""

    class Stage(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        CONSULTATION = "consultation", _("Consultation")
        ADOPTED = "adopted", _("Adopted")
        IMPLEMENTATION = "implementation", _("Implementation")
        CLOSED = "closed", _("Closed")

    # The stages whose plan, and its records, citizens may not read yet.
    PRIVATE_STAGES = (Stage.PREPARATION,)

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="plans"
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("title"), max_length=255, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=8,
        choices=original_language_choices(),
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the official text was written in; the others are translations."),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION
    )
    consultation_opens_on = models.DateField(_("consultation opens on"), null=True, blank=True)
    consultation_closes_on = models.DateField(_("consultation closes on"), null=True, blank=True)
    comments_need_moderation = models.BooleanField(
        _("comments wait for a moderator"),
        default=True,
        help_text=_(
            "When set, a comment confirmed by its author is published after a moderator approves "
            "it; otherwise at once."
        ),
    )
    proposals_opens_on = models.DateField(
        _("online proposals open on"),
        null=True,
        blank=True,
        help_text=_(
            "Citizens may send proposals online from this day. From it, the plan is public "
            "whatever its stage: co-creation happens in the open."
        ),
    )
    proposals_closes_on = models.DateField(_("online proposals close on"), null=True, blank=True)
    proposals_need_moderation = models.BooleanField(
        _("online proposals wait for a moderator"),
        default=True,
        help_text=_(
            "When set, a proposal confirmed by its author is published after a moderator "
            "approves it; otherwise at once."
        ),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    submitted_on = models.DateField(
        _("submitted to OGP on"),
        null=True,
        blank=True,
        help_text=_(
            "The date the plan was submitted to OGP; the inception assessment is due "
            "two months later."
        ),
    )
    ogp_page_url = models.URLField(
        _("page on OGP's site"),
        max_length=500,
        blank=True,
        validators=[validate_ogp_url],
        help_text=_("The plan's page on opengovpartnership.org."),
    )
    # Denormalised counters, kept right by consultations.counters whenever a proposal is saved
    # or deleted: the home page sums them instead of counting 500,000 proposals.
    proposal_count = models.PositiveIntegerField(_("proposals"), default=0, editable=False)
    answered_proposal_count = models.PositiveIntegerField(
        _("answered proposals"), default=0, editable=False
    )

    objects = ActionPlanQuerySet.as_manager()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["council", "-start_year"]
        permissions = [
            ("change_plan_stage", _("Can move a plan to another stage")),
            ("publish_plan", _("Can publish a plan")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="actionplan_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(consultation_opens_on__isnull=True)
                | Q(consultation_closes_on__isnull=True)
                | Q(consultation_closes_on__gte=F("consultation_opens_on")),
                name="actionplan_consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(proposals_opens_on__isnull=True)
                | Q(proposals_closes_on__isnull=True)
                | Q(proposals_closes_on__gte=F("proposals_opens_on")),
                name="actionplan_proposals_close_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")), name="actionplan_not_its_own_predecessor"
            ),
            models.UniqueConstraint(
                fields=["council", "start_year", "end_year"], name="actionplan_unique_period"
            ),
            in_one_language_constraint("actionplan", "title"),
        ]
        indexes = [models.Index(fields=["stage", "council"], name="actionplan_stage_idx")]

    def __str__(self) -> str:
        """The title, followed by the period unless the title already names it (most titles
        do: "… 2025-2027"), so that the years are not written twice."""
        title = str(self.title or self.council)
        if self.title and mentions_period(self.title, self.start_year, self.end_year):
            return title
        return f"{title} ({self.period})"

    @property
    def period(self) -> str:
        return period(self.start_year, self.end_year)

    @property
    def is_public(self) -> bool:
        """Citizens may read the plan and its records (the rule of private_condition)."""
        if self.stage not in self.PRIVATE_STAGES:
            return True
        opens = self.proposals_opens_on
        return opens is not None and opens <= timezone.localdate()

    @property
    def is_closed(self) -> bool:
        """A closed plan is final: its records can no longer be added, changed or moved
        (see PlanOwned for the few kinds that follow a plan after its end)."""
        return self.stage == self.Stage.CLOSED

    def clean(self) -> None:
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if self._state.adding:
            if self.is_closed:
                # A plan that ended before the portal is entered in an earlier stage, its
                # records added, and the move to "closed" recorded last.
                errors["stage"] = gettext(
                    "A plan cannot be created closed: enter it in an earlier stage, add its "
                    "records, then close it."
                )
        elif ActionPlan.objects.filter(
            pk=self.pk, stage=self.Stage.CLOSED
        ).exists() and differs_from_stored(self):
            errors[NON_FIELD_ERRORS] = gettext(
                "The plan %(plan)s is closed: it can no longer be changed."
            ) % {"plan": self}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = gettext("The end year cannot be before the start year.")
        opens, closes = self.consultation_opens_on, self.consultation_closes_on
        if opens and closes and closes < opens:
            errors["consultation_closes_on"] = gettext(
                "The consultation cannot close before it opens."
            )
        opens, closes = self.proposals_opens_on, self.proposals_closes_on
        if (opens is None) != (closes is None):
            errors["proposals_closes_on" if closes is None else "proposals_opens_on"] = gettext(
                "Give both dates of the online proposals window, or neither."
            )
        elif opens and closes and closes < opens:
            errors["proposals_closes_on"] = gettext(
                "The online proposals window cannot close before it opens."
            )
        if self.submitted_on and self.submitted_on > timezone.localdate():
            errors["submitted_on"] = gettext("The submission date cannot be in the future.")
        if self.predecessor_id:
            if self.pk and self.predecessor_id == self.pk:
                errors["predecessor"] = gettext("A plan cannot be its own predecessor.")
            elif self.council_id and self.predecessor.council_id != self.council_id:
                errors["predecessor"] = gettext("The previous plan must be of the same council.")
            elif self.start_year and self.predecessor.start_year >= self.start_year:
                errors["predecessor"] = gettext("The previous plan must start earlier.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        # The plan's page shows its commitments: it is served by the commitments app.
        return reverse("commitments:plan", args=[self.council.slug, self.start_year])

    def is_open_for_proposals(self, on: datetime.date | None = None) -> bool:
        """Citizens may send proposals online today (a closed plan takes none)."""
        on = on or timezone.localdate()
        return (
            self.stage != self.Stage.CLOSED
            and self.proposals_opens_on is not None
            and self.proposals_closes_on is not None
            and self.proposals_opens_on <= on <= self.proposals_closes_on
        )

    def is_open_for_comments(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return (
            self.stage == self.Stage.CONSULTATION
            and self.consultation_opens_on is not None
            and self.consultation_closes_on is not None
            and self.consultation_opens_on <= on <= self.consultation_closes_on
        )


def ensure_plan_open(plan: ActionPlan | None, *, what=None) -> None:
    """Raise ValidationError (translated) when `plan` is closed; `what` names the kind of
    record refused (a verbose_name_plural), or the plan itself when None. No plan: nothing to
    check."""
    if plan is None or not plan.is_closed:
        return
    if what is None:
        raise ValidationError(
            gettext("The plan %(plan)s is closed: it can no longer be changed.") % {"plan": plan}
        )
    raise ValidationError(
        gettext(
            "The plan %(plan)s is closed: its %(what)s can no longer be added, changed or moved."
        )
        % {"plan": plan, "what": what}
    )


class PlanOwned:
    """Mixin for the models whose rows belong to an action plan (PLAN_PATH: the lookup from a
    row to its plan; opengov.scoping reads it too). Its clean(), so every full_clean() (admin
    forms, imports, services, the shell), refuses:

    - a new row in a closed plan, unless ADDS_AFTER_CLOSURE;
    - a change to a row of a closed plan, unless CHANGES_AFTER_CLOSURE (validating a row of a
      closed plan as it is stored passes: full_clean() also checks existing data);
    - always, moving a row into or out of a closed plan (its plan path changed).

    The kinds that follow a plan after its end (the monitoring body's end-of-commitment
    assessments, the council's end-of-term self-assessment, the worker's output of a
    publication requested before closure) allow adds and changes; comments allow changes
    (moderation, the council's reply) but no new comment. The plan's own row is guarded by
    ActionPlan.clean()."""

    PLAN_PATH = "plan"
    ADDS_AFTER_CLOSURE = False
    CHANGES_AFTER_CLOSURE = False

    def owning_plan(self) -> ActionPlan | None:
        """The plan this (possibly unsaved) row points at, or None while a link is unset."""
        obj = self
        for part in self.PLAN_PATH.split("__"):
            if getattr(obj, obj._meta.get_field(part).attname) is None:
                return None
            obj = getattr(obj, part)
        return obj

    def _stored_plan(self) -> tuple[int | None, bool]:
        """(plan id, closed?) of the row as stored."""
        row = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values_list(self.PLAN_PATH, f"{self.PLAN_PATH}__stage")
            .first()
        )
        if row is None:
            return None, False
        return row[0], row[1] == ActionPlan.Stage.CLOSED

    def validate_plan_open(self) -> None:
        what = self._meta.verbose_name_plural
        plan = self.owning_plan()
        if self._state.adding:
            if not self.ADDS_AFTER_CLOSURE:
                ensure_plan_open(plan, what=what)
            return
        stored_id, stored_closed = self._stored_plan()
        closed = plan is not None and plan.is_closed
        if not (closed or stored_closed):
            return
        moved = stored_id != (plan.pk if plan is not None else None)
        if moved or (not self.CHANGES_AFTER_CLOSURE and differs_from_stored(self)):
            ensure_plan_open(plan if closed else ActionPlan.objects.get(pk=stored_id), what=what)

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.validate_plan_open()
        except ValidationError as error:
            field = self.PLAN_PATH.split("__")[0]
            errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
