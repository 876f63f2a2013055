"""Shared model pieces: a timestamped base and the bilingual "Arabic or French" rule."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Transform
from django.utils.translation import gettext, gettext_lazy as _


class Strip(Transform):
    """`field__strip`: the text without leading and trailing spaces, tabs and line breaks, so
    that rules and queries treat a text made only of whitespace as empty (like str.strip)."""

    lookup_name = "strip"
    WHITESPACE = " \t\r\n"

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"TRIM({sql}, %s)", [*params, self.WHITESPACE]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"BTRIM({sql}, %s)", [*params, self.WHITESPACE]


models.CharField.register_lookup(Strip)
models.TextField.register_lookup(Strip)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def in_one_language_constraint(model_name: str, field: str) -> models.CheckConstraint:
    """A check that at least one language version of a translated field is filled.

    NULL, empty strings and spaces all count as missing (modeltranslation stores NULL or "").
    """
    condition = Q()
    for code in language_codes():
        column = f"{field}_{code}"
        condition |= Q(**{f"{column}__isnull": False}) & Q(**{f"{column}__strip__gt": ""})
    return models.CheckConstraint(condition=condition, name=f"{model_name}_{field}_in_one_language")


class BilingualModel(models.Model):
    """A model whose translated fields listed in `required_in_one_language` need a value in
    Arabic or in French (one is enough: the public pages fall back to the other language)."""

    required_in_one_language: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in self.required_in_one_language:
            values = [getattr(self, f"{field}_{code}", None) for code in language_codes()]
            if not any(value and str(value).strip() for value in values):
                label = self._meta.get_field(field).verbose_name
                errors[f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"] = gettext(
                    "Enter the %(field)s in Arabic or in French."
                ) % {"field": label}
        if errors:
            raise ValidationError(errors)

    def missing_translations(self) -> list[str]:
        """Names of translated fields filled in some languages but not all (the texts waiting
        for a translation: opengov.translations)."""
        from .translations import pending, translated_fields

        return list(pending(self, translated_fields(type(self))))


class StaffProfile(models.Model):
    """What the portal knows of a staff user beyond Django's user: the language of the e-mails
    it sends them (reminders, moderation digests)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


class SearchWord(models.Model):
    """A word of the searched texts, normalised as the search compares words (Arabic rules,
    accents dropped, lower case: opengov.search.normalize.normalize), and the number of texts
    holding it: the vocabulary "did you mean" corrects a query against
    (opengov.search.vocabulary, rebuilt from the sources the apps register)."""

    word = models.CharField(_("word"), max_length=64, unique=True)
    documents = models.PositiveIntegerField(_("texts holding it"), default=0)

    class Meta:
        ordering = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            # Trigram similarity (`%`) over the vocabulary; PostgreSQL only (migration 0003).
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_trgm_idx")
        ]

    def __str__(self) -> str:
        return self.word


def language_of(user) -> str:
    """The language to write to this user in: their profile's, else the site's default."""
    profile = getattr(user, "profile", None) if user is not None else None
    try:
        return profile.language if profile is not None else settings.LANGUAGE_CODE
    except StaffProfile.DoesNotExist:
        return settings.LANGUAGE_CODE
