"""The councils of the network and the thematic axes they share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, Func, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint
from opengov.search.normalize import normalize
from opengov.search.query import WordSimilar
from opengov.uploads import (
    SniffedFileField,
)
from opengov.validators import validate_file_size

from .common import council_logo_path


class CouncilQuerySet(models.QuerySet):
    def in_network(self):
        return self.filter(in_network_since__isnull=False)

    def named_like(self, text: str):
        """Councils whose names (either language) or slug contain the text, or, when none
        does, have a word like it; compared normalised (opengov.search.normalize: Arabic
        spelling variants, accents, case): "Tetouan", "TÉTOUAN", "تطوان" and "Tetoun" find
        Tétouan. PostgreSQL compares infitah_council_name() (migration 0019) under a trigram
        index: containment (LIKE, which the index serves too), else pg_trgm word similarity
        above 0.6. SQLite (the demo): containment only."""
        words = normalize(" ".join(str(text or "").replace("\x00", " ").split()))
        if not words:
            return self
        if connections[self.db].vendor != "postgresql":
            name = Func(
                Concat("name_fr", Value(" "), "name_ar", Value(" "), "slug"),
                function="infitah_normalize",
                output_field=models.TextField(),
            )
            return self.alias(_normalized_name=name).filter(_normalized_name__contains=words)
        name = Func(
            "name_ar",
            "name_fr",
            "slug",
            function="infitah_council_name",
            output_field=models.TextField(),
        )
        contains = self.alias(_normalized_name=name).filter(_normalized_name__contains=words)
        # A word like the text counts only when no name contains it: "commune 1" lists
        # "Commune 1", not every "Commune n" nearly as similar; "Tetoun" finds Tétouan.
        similar = Q(WordSimilar(name, Value(words))) & ~Q(Exists(contains.values("pk")))
        return self.alias(_normalized_name=name).filter(
            Q(_normalized_name__contains=words) | similar
        )

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
