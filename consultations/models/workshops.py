"""Co-creation workshops, their documents and their working groups."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import (
    SniffedFileField,
    content_type_field,
    download_extension,
)
from opengov.validators import validate_file_size

from .common import MAX_PARTICIPANTS, workshop_document_path
from .councils import Council, Theme
from .plans import ActionPlan, PlanOwned, PlanRowsQuerySet

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


class WorkshopQuerySet(PlanRowsQuerySet):
    def public(self):
        """Workshops citizens may read: network meetings and those of public plans."""
        return self.of_public_plans()


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

    def save(self, *args, **kwargs) -> None:
        # Councils number their working groups from 1 on paper, and the import file names a
        # group by that number: a new group saved without one (0, the default, or left empty
        # in the admin) takes the next number of its workshop. A group already saved keeps its
        # number, 0 included, so that files made for it still name it.
        if self.position is None or (self._state.adding and not self.position):
            self.position = self.next_position(self.workshop_id)
        super().save(*args, **kwargs)

    @classmethod
    def next_position(cls, workshop_id: int) -> int:
        """The number after the highest of the workshop's groups: 1 for its first group."""
        highest = cls.objects.filter(workshop_id=workshop_id).aggregate(Max("position"))
        return (highest["position__max"] or 0) + 1


# The proposals search reads these columns through one tsvector ("simple" configuration: no
# stemming, which suits Arabic and French side by side). On PostgreSQL a trigger keeps that
# tsvector in Proposal.search_document (migration 0008), under a GIN index.
