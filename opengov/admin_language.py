"""The admin in the staff's language, whichever it is (issue 22).

- `TextDirectionMixin`: each input of a translated field (django-modeltranslation's title_ar,
  title_fr) carries its own language and direction, so French reads left to right in the Arabic
  admin and Arabic right to left in the French one; addresses read left to right everywhere.
- `LabelledHistoryHelper`: the history pages (django-simple-history) show each change with the
  field's labels: a stage's name, not its key; Yes or No; dates in the language's format; "—"
  for an empty value, never "None".
- `change_arrow()`: "from → to" written the way the language reads.

The Portal* admins and inlines of opengov.admin_base include both.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, get_language_info, gettext
from simple_history.template_utils import HistoricalRecordContextHelper

# Fields whose values are written in Latin script whatever the admin's language.
LATIN_SCRIPT_FIELDS = (models.EmailField, models.URLField, models.SlugField)


def text_direction_attrs(db_field) -> dict[str, str]:
    """The lang and dir attributes of the input of `db_field`: its own language's for a
    translation field of django-modeltranslation (title_fr: lang="fr" dir="ltr", title_ar:
    lang="ar" dir="rtl"), left to right for addresses and slugs, none for the rest (they follow
    the page's direction)."""
    language = getattr(db_field, "language", None)  # modeltranslation's TranslationField
    if language:
        return {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}
    if isinstance(db_field, LATIN_SCRIPT_FIELDS):
        return {"dir": "ltr"}
    return {}


class TextDirectionMixin:
    """For a ModelAdmin or an inline: each input of a translated field is laid out in its own
    language's direction, so French text reads left to right in the Arabic admin and Arabic text
    right to left in the French one (and the browser's spelling and hyphenation follow lang)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        attrs = text_direction_attrs(db_field)
        if formfield is not None and attrs:
            widget = getattr(formfield.widget, "widget", formfield.widget)  # a related wrapper
            widget.attrs.update(attrs)
        return formfield


EMPTY_VALUE = "—"


def change_arrow() -> str:
    """The arrow from an old value to the new one, pointing the way the language reads
    (Unicode does not mirror arrows in right-to-left text)."""
    return "←" if get_language_bidi() else "→"


def history_value(field, value):
    """A value of `field` as the history shows it: a choice's label, Yes or No, a date in the
    language's format, "—" when empty; anything else (a related row) as itself."""
    if value is None or value == "":
        return EMPTY_VALUE
    if field.flatchoices and not isinstance(value, list | models.Model):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


class LabelledHistoryHelper(HistoricalRecordContextHelper):
    """The "Changes" column of a history page in the staff's language: simple-history shows the
    stored values (a stage's key, True, None, 2024-03-29)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return history_value(self.model._meta.get_field(change.field), value)
