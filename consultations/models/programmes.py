"""A council's own development programme, which its OGP commitments may serve: the communal
action programme (PAC) of a commune, the development programme of a prefecture or province
(PDP), the regional development programme (PDR) of a region."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.uploads import SniffedFileField, content_type_field, download_extension
from opengov.validators import validate_file_size
from opengov.years import mentions_period, period

from .common import YEAR_VALIDATORS, random_upload_name
from .councils import Council


def programme_document_path(_instance, filename: str) -> str:
    return random_upload_name("councils/programmes", filename)


class CouncilProgramme(BilingualModel, TimeStampedModel):
    """A council's own programme (PAC, PDP, PDR or another), for a period of years, with an
    optional address and document."""

    class Kind(models.TextChoices):
        PAC = "pac", _("Communal action programme (PAC)")
        PDP = "pdp", _("Provincial or prefectoral development programme (PDP)")
        PDR = "pdr", _("Regional development programme (PDR)")
        OTHER = "other", _("Other programme")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="programmes"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    document = SniffedFileField(
        _("document"),
        upload_to=programme_document_path,
        blank=True,
        max_length=200,
        accept="document",
        content_type_field="document_content_type",
        validators=[validate_file_size],
    )
    document_content_type = content_type_field(_("document content type"))

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("council programme")
        verbose_name_plural = _("council programmes")
        ordering = ["council", "-start_year", "kind", "id"]
        constraints = [
            in_one_language_constraint("councilprogramme", "title"),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="councilprogramme_end_after_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.UniqueConstraint(
                fields=["council", "kind", "start_year"],
                name="councilprogramme_unique_kind_start_per_council",
                violation_error_message=_(
                    "The council already has a programme of this kind starting that year."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.title and mentions_period(self.title, self.start_year, self.end_year):
            return str(self.title)
        return f"{self.title or self.get_kind_display()} {self.period}"

    @property
    def period(self) -> str:
        return period(self.start_year, self.end_year)

    @property
    def abbreviation(self) -> str:
        """PAC, PDP, PDR; empty for another kind."""
        return "" if self.kind == self.Kind.OTHER else self.kind.upper()

    def download_url(self) -> str:
        return reverse("consultations:programme_document", args=[self.pk])

    def download_name(self) -> str:
        extension = download_extension(self.document_content_type, self.document.name)
        return f"programme-{self.pk}.{extension}"

    def clean(self) -> None:
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError(
                {"end_year": gettext("The end year cannot be before the start year.")}
            )
