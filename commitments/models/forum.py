"""The multi-stakeholder forum OGP Local asks of every member: the body of government and
civil society that co-creates the plan and follows it. One per council, with its members (by
sector and sex, their names published only with their consent), its rules, its meetings with
their minutes, and its endorsement of a version of a plan before the plan goes to OGP."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import (
    ActionPlan,
    Council,
    PlanOwned,
    PlanRowsQuerySet,
    random_upload_name,
)
from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import SniffedFileField, content_type_field, download_extension
from opengov.validators import validate_file_size

from .base import merge_errors
from .publishing import PlanPublication

# More people than any forum meeting could hold, far below the 32-bit sum the database checks.
MAX_ATTENDEES = 100_000


def forum_document_path(_instance, filename: str) -> str:
    return random_upload_name("forum", filename)


def _not_in_future(value: datetime.date | None, field: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors.setdefault(field, []).append(gettext("This date is in the future."))


class Forum(BilingualModel, TimeStampedModel):
    """A council's multi-stakeholder forum (one per council), with its rules document."""

    council = models.OneToOneField(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="forum"
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    rules_document = SniffedFileField(
        _("rules document"),
        upload_to=forum_document_path,
        blank=True,
        max_length=200,
        accept="document",
        content_type_field="rules_content_type",
        validators=[validate_file_size],
        help_text=_("The forum's rules of procedure (terms of reference), as adopted."),
    )
    rules_content_type = content_type_field()

    required_in_one_language = ("name",)

    class Meta:
        verbose_name = _("multi-stakeholder forum")
        verbose_name_plural = _("multi-stakeholder forums")
        ordering = ["council"]
        constraints = [in_one_language_constraint("forum", "name")]

    def __str__(self) -> str:
        return self.name or str(self.council)

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        _not_in_future(self.established_on, "established_on", errors)
        if errors:
            raise ValidationError(errors)

    def download_url(self) -> str:
        return reverse("commitments:forum_file", args=["rules", self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.rules_content_type, self.rules_document.name)
        return f"forum-{self.council.slug}-rules.{extension}"


class ForumMemberQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Members who have not left (on the given day, today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class ForumMember(TimeStampedModel):
    """A member of the forum. Names are personal data (law 09-08): the public pages count
    every member but name only those whose consent to publication was recorded."""

    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        ACADEMIA = "academia", _("Academia")
        MEDIA = "media", _("Media")
        CITIZEN = "citizen", _("Citizen")
        OTHER = "other", _("Other")

    class Sex(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NOT_STATED = "not_stated", _("Not stated")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        MEMBER = "member", _("Member")

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    public = models.BooleanField(
        _("name may be published"),
        default=False,
        help_text=_(
            "Tick only when the member agreed in writing to the publication of their name and "
            "organisation (law 09-08 on personal data). Otherwise the public pages count the "
            "member without naming them."
        ),
    )

    objects = ForumMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        ordering = ["forum", "role", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="forummember_leaves_after_joining",
                violation_error_message=_("A member cannot leave before joining."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors.setdefault("left_on", []).append(
                gettext("A member cannot leave before joining.")
            )
        _not_in_future(self.joined_on, "joined_on", errors)
        if errors:
            raise ValidationError(errors)


class ForumMeetingQuerySet(PlanRowsQuerySet):
    def public(self):
        """Meetings citizens may read: those about no plan or about a public plan."""
        return self.of_public_plans()


class ForumMeeting(PlanOwned, BilingualModel, TimeStampedModel):
    """A meeting of the forum, recorded as a workshop is: date, venue, attendance, minutes."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="meetings"
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_meetings",
        help_text=_("The plan the meeting worked on, if any."),
    )
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000)
    minutes_file = SniffedFileField(
        _("minutes document"),
        upload_to=forum_document_path,
        blank=True,
        max_length=200,
        accept="document",
        content_type_field="minutes_content_type",
        validators=[validate_file_size],
    )
    minutes_content_type = content_type_field()
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    attendees_women = models.PositiveIntegerField(_("women"), default=0)
    attendees_men = models.PositiveIntegerField(_("men"), default=0)

    objects = ForumMeetingQuerySet.as_manager()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("forum meeting")
        verbose_name_plural = _("forum meetings")
        ordering = ["forum", "-held_on", "-id"]
        constraints = [
            in_one_language_constraint("forummeeting", "title"),
            models.CheckConstraint(
                condition=Q(attendees_women__lte=F("attendees") - F("attendees_men")),
                name="forummeeting_sex_within_total",
                violation_error_message=_(
                    "Women and men cannot add up to more than the attendees."
                ),
            ),
        ]
        indexes = [models.Index(fields=["forum", "held_on"], name="forummeeting_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        counts = (self.attendees or 0, self.attendees_women or 0, self.attendees_men or 0)
        if max(counts) > MAX_ATTENDEES:
            errors.setdefault("attendees", []).append(
                gettext("A meeting cannot count more than %(limit)d attendees.")
                % {"limit": MAX_ATTENDEES}
            )
        elif counts[1] + counts[2] > counts[0]:
            errors.setdefault("attendees_women", []).append(
                gettext("Women and men add up to %(by_sex)d, more than the %(total)d attendees.")
                % {"by_sex": counts[1] + counts[2], "total": counts[0]}
            )
        if self.plan_id and self.forum_id and self.plan.council_id != self.forum.council_id:
            errors.setdefault("plan", []).append(
                gettext("The action plan must be one of the forum's council's plans.")
            )
        if errors:
            raise ValidationError(errors)

    def download_url(self) -> str:
        return reverse("commitments:forum_file", args=["minutes", self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.minutes_content_type, self.minutes_file.name)
        return f"forum-meeting-{self.pk}-minutes.{extension}"

    @property
    def minutes_file_name(self) -> str:
        return Path(self.minutes_file.name).name if self.minutes_file else ""


class PlanEndorsement(PlanOwned, BilingualModel, TimeStampedModel):
    """The forum's endorsement of one version of a plan, before the plan is submitted to OGP.
    One per version of a plan."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="endorsements"
    )
    publication = models.ForeignKey(
        PlanPublication,
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsements",
        help_text=_("The published PDF version the forum endorsed, when it was published."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        validators=[MinValueValidator(1)],
        null=True,
        blank=True,
        help_text=_("Filled from the published version when one is chosen."),
    )
    endorsed_on = models.DateField(_("endorsed on"))
    meeting = models.ForeignKey(
        ForumMeeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="endorsements",
    )
    statement = models.TextField(_("statement"), blank=True, max_length=5000)

    objects = PlanRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum endorsement")
        verbose_name_plural = _("forum endorsements")
        ordering = ["plan", "-endorsed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"],
                name="planendorsement_one_per_version",
                violation_error_message=_("The forum already endorsed this version of the plan."),
            ),
            models.CheckConstraint(
                condition=Q(version__isnull=False) & Q(version__gte=1),
                name="planendorsement_has_version",
                violation_error_message=_("Give the version of the plan that was endorsed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · v{self.version} · {self.endorsed_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.publication_id and self.version is None:
            self.version = self.publication.version
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        _not_in_future(self.endorsed_on, "endorsed_on", errors)
        if self.version is None:
            errors.setdefault("version", []).append(
                gettext("Give the version of the plan that was endorsed.")
            )
        if self.plan_id and self.forum_id and self.forum.council_id != self.plan.council_id:
            errors.setdefault("forum", []).append(
                gettext("The forum must be the one of the plan's council.")
            )
        if self.publication_id and self.plan_id:
            publication = self.publication
            if publication.plan_id != self.plan_id:
                errors.setdefault("publication", []).append(
                    gettext("The published version must be one of this plan's.")
                )
            elif publication.status != PlanPublication.Status.DONE:
                errors.setdefault("publication", []).append(
                    gettext("This version of the plan has not been published.")
                )
            elif self.version is not None and self.version != publication.version:
                errors.setdefault("version", []).append(
                    gettext("The version must be the one of the published version chosen.")
                )
        if self.meeting_id and self.forum_id:
            meeting = self.meeting
            if meeting.forum_id != self.forum_id:
                errors.setdefault("meeting", []).append(
                    gettext("The meeting must be one of this forum's meetings.")
                )
            elif meeting.plan_id and meeting.plan_id != self.plan_id:
                errors.setdefault("meeting", []).append(
                    gettext("The meeting must be about this plan, or about no plan.")
                )
            elif self.endorsed_on and meeting.held_on > self.endorsed_on:
                errors.setdefault("meeting", []).append(
                    gettext("The meeting cannot be after the endorsement.")
                )
        if errors:
            raise ValidationError(errors)
