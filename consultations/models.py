"""Co-creation input: who (councils), for which plan, where and with whom (workshops, working
groups), and what was proposed. Translated fields are registered in translation.py."""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import (
    SniffedFileField,
    content_type_field,
    download_extension,
)
from opengov.validators import validate_file_size

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def random_upload_name(prefix: str, filename: str) -> str:
    """A storage name under prefix made of random hex, keeping only the (lowercased) extension,
    so that nothing a user typed in a file name reaches the file system."""
    extension = Path(filename).suffix.lower()
    if not extension[1:].isalnum() or len(extension) > 6:
        extension = ""
    return f"{prefix}/{uuid.uuid4().hex}{extension}"


# More people than any workshop could hold, far below the 32-bit sum the database checks.
MAX_PARTICIPANTS = 1_000_000


def council_logo_path(_instance, filename: str) -> str:
    return random_upload_name("councils/logos", filename)


def workshop_document_path(_instance, filename: str) -> str:
    return random_upload_name("workshops/documents", filename)


class CouncilQuerySet(models.QuerySet):
    def in_network(self):
        return self.filter(in_network_since__isnull=False)

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Council(BilingualModel, TimeStampedModel):
    """A territorial collectivity: region, prefecture/province or commune."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        PREFECTURE_PROVINCE = "prefecture_province", _("Prefecture or province")
        COMMUNE = "commune", _("Commune")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short Latin code used in commitment references, e.g. TTA."),
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,9}$",
                _("Use 2 to 10 capital Latin letters or digits, starting with a letter."),
            )
        ],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": "region"},
    )
    in_network_since = models.DateField(
        _("in the network since"),
        null=True,
        blank=True,
        help_text=_("Date the council joined the network of open territorial collectivities."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Shown inline from /media: PNG, JPEG or WebP only, verified with Pillow, stored under the
    # sniffed extension (opengov.uploads).
    logo = SniffedFileField(
        _("logo"),
        upload_to=council_logo_path,
        blank=True,
        accept="image",
        validators=[validate_file_size],
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="councils",
        help_text=_(
            "Admin users who work for this council: they see and change only their councils' data."
        ),
    )

    objects = CouncilQuerySet.as_manager()

    required_in_one_language = ("name",)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["kind", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="region") | Q(parent__isnull=True),
                name="council_region_has_no_parent",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="council_not_its_own_parent"),
            in_one_language_constraint("council", "name"),
        ]
        indexes = [
            models.Index(fields=["kind", "in_network_since"], name="council_kind_network_idx")
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("consultations:council", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": gettext("A council cannot be its own region.")})
            if self.kind == self.Kind.REGION:
                raise ValidationError(
                    {"parent": gettext("A region cannot belong to another region.")}
                )
            if self.parent.kind != self.Kind.REGION:
                raise ValidationError({"parent": gettext("The parent must be a region.")})


class ThemeQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Theme(BilingualModel, TimeStampedModel):
    """A thematic axis, reusable across workshops and commitments."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ThemeQuerySet.as_manager()

    required_in_one_language = ("name",)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "slug"]
        constraints = [in_one_language_constraint("theme", "name")]

    def __str__(self) -> str:
        return self.name or self.slug

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ActionPlanQuerySet(models.QuerySet):
    def public(self):
        """Plans citizens may read: every stage but preparation."""
        return self.exclude(stage=ActionPlan.Stage.PREPARATION)

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


class ActionPlan(BilingualModel, TimeStampedModel):
    """A council's OGP Local action plan for a period of years."""

    class Stage(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        CONSULTATION = "consultation", _("Consultation")
        ADOPTED = "adopted", _("Adopted")
        IMPLEMENTATION = "implementation", _("Implementation")
        CLOSED = "closed", _("Closed")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="plans"
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("title"), max_length=255, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
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
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
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
                condition=~Q(predecessor=F("pk")), name="actionplan_not_its_own_predecessor"
            ),
            models.UniqueConstraint(
                fields=["council", "start_year", "end_year"], name="actionplan_unique_period"
            ),
            in_one_language_constraint("actionplan", "title"),
        ]
        indexes = [models.Index(fields=["stage", "council"], name="actionplan_stage_idx")]

    def __str__(self) -> str:
        return f"{self.title or self.council} ({self.period})"

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

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

    def is_open_for_comments(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return (
            self.stage == self.Stage.CONSULTATION
            and self.consultation_opens_on is not None
            and self.consultation_closes_on is not None
            and self.consultation_opens_on <= on <= self.consultation_closes_on
        )


def differs_from_stored(obj: models.Model) -> bool:
    """Whether a saved row's editable values differ from its stored ones. A translated field
    is compared language by language (its untranslated twin follows the active language)."""
    names = {field.name for field in obj._meta.concrete_fields}
    fields = [
        field
        for field in obj._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and not any(f"{field.name}_{code}" in names for code, _name in settings.LANGUAGES)
    ]
    stored = (
        type(obj)
        ._base_manager.filter(pk=obj.pk)
        .values_list(*[field.attname for field in fields])
        .first()
    )
    if stored is None:
        return True
    return any(
        getattr(obj, field.attname) != value for field, value in zip(fields, stored, strict=True)
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


PARTICIPANT_CATEGORY_FIELDS = (
    "participants_civil_society",
    "participants_deconcentrated_services",
    "participants_elected_members",
    "participants_academics",
    "participants_private_sector",
    "participants_citizens",
    "participants_other",
)
PARTICIPANT_SEX_FIELDS = ("participants_women", "participants_men")


def _sum_of(fields):
    total = F(fields[0])
    for field in fields[1:]:
        total = total + F(field)
    return total


class WorkshopQuerySet(models.QuerySet):
    def public(self):
        """Workshops citizens may read: network meetings and those of public plans."""
        return self.filter(Q(plan__isnull=True) | ~Q(plan__stage=ActionPlan.Stage.PREPARATION))


class Workshop(PlanOwned, BilingualModel, TimeStampedModel):
    """A consultation workshop or meeting, with attendance by stakeholder category and by sex."""

    class Kind(models.TextChoices):
        CO_CREATION = "co_creation", _("Co-creation workshop")
        TERRITORIAL_CONSULTATION = "territorial_consultation", _("Territorial consultation")
        NETWORK_MEETING = "network_meeting", _("Network meeting")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="workshops"
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        help_text=_("Leave empty for a network meeting that serves no single plan."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("For events over several days.")
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    participants_civil_society = models.PositiveIntegerField(_("civil society"), default=0)
    participants_deconcentrated_services = models.PositiveIntegerField(
        _("deconcentrated services"), default=0
    )
    participants_elected_members = models.PositiveIntegerField(_("elected members"), default=0)
    participants_academics = models.PositiveIntegerField(_("academics"), default=0)
    participants_private_sector = models.PositiveIntegerField(_("private sector"), default=0)
    participants_citizens = models.PositiveIntegerField(_("citizens"), default=0)
    participants_other = models.PositiveIntegerField(_("other participants"), default=0)
    participants_women = models.PositiveIntegerField(_("women"), default=0)
    participants_men = models.PositiveIntegerField(_("men"), default=0)

    objects = WorkshopQuerySet.as_manager()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="workshop_ends_after_start",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}), name=f"workshop_{field}_not_negative"
                )
                for field in PARTICIPANT_CATEGORY_FIELDS + PARTICIPANT_SEX_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(
                    participants_women__lte=_sum_of(PARTICIPANT_CATEGORY_FIELDS)
                    - F("participants_men")
                ),
                name="workshop_sex_within_total",
            ),
            in_one_language_constraint("workshop", "title"),
        ]
        indexes = [
            models.Index(fields=["council", "starts_on"], name="workshop_council_date_idx"),
            models.Index(fields=["plan", "starts_on"], name="workshop_plan_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:workshop", args=[self.pk])

    @property
    def participants_total(self) -> int:
        return sum(getattr(self, field) or 0 for field in PARTICIPANT_CATEGORY_FIELDS)

    @property
    def participants_by_sex_total(self) -> int:
        return sum(getattr(self, field) or 0 for field in PARTICIPANT_SEX_FIELDS)

    def clean(self) -> None:
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = gettext("The last day cannot be before the first day.")
        if max(self.participants_total, self.participants_by_sex_total) > MAX_PARTICIPANTS:
            # The database adds the counts up in 32-bit integers: refuse before it overflows.
            errors["participants_civil_society"] = gettext(
                "A workshop cannot count more than %(limit)d participants in all."
            ) % {"limit": MAX_PARTICIPANTS}
        elif self.participants_by_sex_total > self.participants_total:
            errors["participants_women"] = gettext(
                "Women and men add up to %(by_sex)d, more than the %(total)d participants "
                "counted by category."
            ) % {"by_sex": self.participants_by_sex_total, "total": self.participants_total}
        if self.plan_id and self.council_id and self.plan.council_id != self.council_id:
            errors["plan"] = gettext("The action plan must be one of this council's plans.")
        if errors:
            raise ValidationError(errors)


class WorkshopDocument(PlanOwned, BilingualModel, TimeStampedModel):
    """A document or photo from a workshop (attendance sheet, report, picture)."""

    PLAN_PATH = "workshop__plan"

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = SniffedFileField(
        _("file"),
        upload_to=workshop_document_path,
        accept="document",
        content_type_field="content_type",
        validators=[validate_file_size],
    )
    content_type = content_type_field()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("workshop document")
        verbose_name_plural = _("workshop documents")
        ordering = ["workshop", "id"]
        constraints = [in_one_language_constraint("workshopdocument", "title")]

    def __str__(self) -> str:
        return self.title or Path(self.file.name).name

    def download_url(self) -> str:
        return reverse("consultations:workshop_document", args=[self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.content_type, self.file.name)
        return f"workshop-{self.workshop_id}-document-{self.pk}.{extension}"


class WorkingGroup(PlanOwned, BilingualModel, TimeStampedModel):
    """A thematic working group within a workshop."""

    PLAN_PATH = "workshop__plan"

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="groups"
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    rapporteur = models.CharField(_("rapporteur"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["workshop", "position", "id"]
        constraints = [in_one_language_constraint("workinggroup", "title")]

    def __str__(self) -> str:
        return self.title


# The proposals search reads these columns through one tsvector ("simple" configuration: no
# stemming, which suits Arabic and French side by side). On PostgreSQL a trigger keeps that
# tsvector in Proposal.search_document (migration 0008), under a GIN index.
PROPOSAL_SEARCH_FIELDS = (
    "title_ar",
    "title_fr",
    "body_ar",
    "body_fr",
    "response_ar",
    "response_fr",
)


def answered_condition() -> Q:
    """Proposals whose fate is settled: retained or merged, or not retained with a reason."""
    has_response = (Q(response_ar__isnull=False) & Q(response_ar__strip__gt="")) | (
        Q(response_fr__isnull=False) & Q(response_fr__strip__gt="")
    )
    return Q(status__in=[Proposal.Status.RETAINED, Proposal.Status.MERGED]) | (
        Q(status=Proposal.Status.NOT_RETAINED) & has_response
    )


class ProposalQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_condition())

    def unanswered(self):
        return self.exclude(pk__in=self.answered().values("pk"))

    def public(self):
        """Proposals citizens may read: those not tied to a plan still in preparation."""
        return self.filter(Q(plan__isnull=True) | ~Q(plan__stage=ActionPlan.Stage.PREPARATION))


class Proposal(PlanOwned, BilingualModel, TimeStampedModel):
    """A problem, solution, proposal or recommendation from a working group or sent online."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        SOLUTION = "solution", _("Solution")
        PROPOSAL = "proposal", _("Proposal")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        RETAINED = "retained", _("Retained")
        MERGED = "merged", _("Merged into a commitment")
        NOT_RETAINED = "not_retained", _("Not retained")

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("Taken from the working group's workshop when there is one."),
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Filled from the working group when there is one."),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Leave empty for a proposal sent online."),
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROPOSAL)
    title = models.CharField(_("title"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    submitted_by = models.CharField(
        _("submitted by"),
        max_length=255,
        blank=True,
        help_text=_("Organisation or person who made the proposal."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    response = models.TextField(
        _("reasoned response"),
        blank=True,
        help_text=_("Why the proposal was retained, merged or not retained."),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Written by a PostgreSQL trigger from PROPOSAL_SEARCH_FIELDS on every insert and update
    # (whatever writes: the admin, imports, bulk COPY); stays empty on SQLite, whose search
    # reads the text columns instead. Stored so that a search does not parse every row's text.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["id"]
        permissions = [
            ("answer_proposal", _("Can answer proposals and turn them into commitments"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(workshop__isnull=False) | Q(plan__isnull=False),
                name="proposal_has_workshop_or_plan",
            ),
            in_one_language_constraint("proposal", "title"),
        ]
        indexes = [
            models.Index(fields=["plan", "status"], name="proposal_plan_status_idx"),
            models.Index(fields=["council", "status"], name="proposal_council_status_idx"),
            models.Index(fields=["theme", "kind"], name="proposal_theme_kind_idx"),
            # The public list's order (newest first), read backwards.
            models.Index(fields=["created_at", "id"], name="proposal_recent_idx"),
            # PostgreSQL only (see migration 0008): the stored search document.
            GinIndex(fields=["search_document"], name="proposal_search_document_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.workshop_id is None

    def sync_links(self) -> None:
        """Derive workshop, council, plan and theme from the working group (or the workshop,
        or for a proposal sent online the plan), so the denormalised links always match."""
        if self.working_group_id:
            self.workshop_id = self.working_group.workshop_id
            if not self.theme_id and self.working_group.theme_id:
                self.theme_id = self.working_group.theme_id
        if self.workshop_id:
            workshop = self.workshop
            self.council_id = workshop.council_id
            if workshop.plan_id:
                self.plan_id = workshop.plan_id
        elif self.plan_id:
            self.council_id = self.plan.council_id

    def clean(self) -> None:
        errors = {}
        if (
            self.working_group_id
            and self.workshop_id
            and self.working_group.workshop_id != self.workshop_id
        ):
            errors["working_group"] = gettext("This working group belongs to another workshop.")
        else:
            self.sync_links()
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if not self.workshop_id and not self.plan_id:
            errors["plan"] = gettext(
                "Choose the workshop the proposal came from, or the action plan it was sent to "
                "online."
            )
        if self.plan_id and self.council_id and self.plan.council_id != self.council_id:
            errors["plan"] = gettext("The action plan must be one of this council's plans.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.sync_links()
        super().save(*args, **kwargs)


class PlanStageChange(PlanOwned, models.Model):
    """A plan's move from one stage to another: who, when, from, to. Never edited."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=ActionPlan.Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=ActionPlan.Stage.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["plan", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")),
                name="planstagechange_changes_stage",
                violation_error_message=_("A stage change must go to another stage."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"
